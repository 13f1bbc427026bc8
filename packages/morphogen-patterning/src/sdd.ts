/**
 * Deterministic synthesis–diffusion–degradation (SDD) gradients: closed forms on the infinite
 * line, the half line and a finite domain, the exact decay length of the lattice (the
 * finite-volume or RDME discretisation), and a fit that measures a decay length from a profile.
 *
 * Conventions (1-D): x in µm, measured from the source/patterning boundary, with the source on
 * [−L_S, 0] and the patterning domain on [0, L_P]; C is a line density in molecules/µm;
 * p is the production rate density in the source in molecules/(µm·s); D in µm²/s; k in 1/s.
 * The steady state solves D C'' − k C + p·1[x < 0] = 0.
 */
import { assertPositive, ParameterError } from '@snrlab/core';

/** λ = √(D/k): the continuum decay length (µm). */
export function decayLength(D: number, k: number): number {
  assertPositive('D', D);
  assertPositive('k', k);
  return Math.sqrt(D / k);
}

/**
 * Exact decay length of the discrete steady state on a lattice of spacing h:
 * λ_h = h / arccosh(1 + k h²/(2D)). The second-order finite-volume stencil (and the RDME with
 * jump rate D/h²) has steady states C_i ∝ exp(∓i h/λ_h) away from the source; λ_h → λ as h → 0
 * with λ_h ≈ λ(1 + h²/(24λ²)).
 */
export function latticeDecayLength(D: number, k: number, h: number): number {
  assertPositive('D', D);
  assertPositive('k', k);
  assertPositive('h', h);
  return h / Math.acosh(1 + (k * h * h) / (2 * D));
}

/** C₀·exp(−x/λ): the profile on the half line x ≥ 0 (the only shape that decays to 0). */
export function exponentialProfile(C0: number, lambda: number, x: number): number {
  return C0 * Math.exp(-x / lambda);
}

/**
 * Infinite line with a point source emitting Q molecules/s at x = 0:
 * C(x) = Q/(2√(Dk))·exp(−|x|/λ).
 */
export function infiniteLineProfile(Q: number, D: number, k: number, x: number): number {
  const lambda = decayLength(D, k);
  return (Q / (2 * Math.sqrt(D * k))) * Math.exp(-Math.abs(x) / lambda);
}

/** Half line x ≥ 0 with influx j₀ (molecules/s) at x = 0: C(x) = j₀λ/D·exp(−x/λ). */
export function halfLineFluxProfile(j0: number, D: number, k: number, x: number): number {
  const lambda = decayLength(D, k);
  return ((j0 * lambda) / D) * Math.exp(-x / lambda);
}

export interface SourceGeometry {
  /** Production rate density in the source (molecules/(µm·s)). */
  p: number;
  D: number;
  k: number;
  /** Source length L_S (µm); the source occupies [−L_S, 0]. */
  sourceLength: number;
}

/**
 * Amplitude C(0) on a semi-infinite patterning domain fed by a source of length L_S with a
 * zero-flux wall at −L_S: C₀ = (p/2k)(1 − e^{−2L_S/λ}); then C(x) = C₀e^{−x/λ} for x ≥ 0.
 */
export function semiInfiniteAmplitude(g: SourceGeometry): number {
  const lambda = decayLength(g.D, g.k);
  assertPositive('p', g.p);
  assertPositive('sourceLength', g.sourceLength);
  return (g.p / (2 * g.k)) * -Math.expm1((-2 * g.sourceLength) / lambda);
}

/** Steady state on the semi-infinite patterning domain (x ≥ 0) and inside the source (x < 0). */
export function semiInfiniteProfile(g: SourceGeometry, x: number): number {
  const lambda = decayLength(g.D, g.k);
  const LS = g.sourceLength;
  if (x >= 0) return semiInfiniteAmplitude(g) * Math.exp(-x / lambda);
  if (x < -LS) return NaN;
  // inside the source: p/k − A cosh((x + L_S)/λ), matched in value and flux at x = 0
  const A = (g.p / g.k) * Math.exp(-LS / lambda);
  return g.p / g.k - A * Math.cosh((x + LS) / lambda);
}

export interface FiniteGeometry extends SourceGeometry {
  /** Patterning-domain length L_P (µm); zero flux at −L_S. */
  patterningLength: number;
}

/** Condition at the far end x = L_P (the wall at −L_S always has zero flux). */
export type FarBoundary = { type: 'zero-flux' } | { type: 'absorbing' } | { type: 'fixed'; value: number };

/**
 * Finite domain x ∈ [−L_S, L_P], zero flux at −L_S. With a = L_S/λ, b = (L_P − x)/λ,
 * T = (L_S + L_P)/λ, in the patterning domain:
 *   zero flux at L_P:  C(x) = (p/k)·sinh(a)·cosh(b)/sinh(T)   (the cosh profile)
 *   absorbing at L_P:  C(x) = (p/k)·sinh(a)·sinh(b)/cosh(T)
 *   fixed C(L_P) = c:  the absorbing profile + c·cosh((x + L_S)/λ)/cosh(T)
 * and in the source C(x) = p/k − (p/k)·sinh(L_P/λ)·cosh((x+L_S)/λ)/sinh(T) (zero flux; the
 * absorbing case has cosh(L_P/λ)/cosh(T)). Written with exponentials of negative arguments so
 * that long domains do not overflow.
 */
export function finiteDomainProfile(g: FiniteGeometry, x: number, far: FarBoundary = { type: 'zero-flux' }): number {
  const lambda = decayLength(g.D, g.k);
  const LS = g.sourceLength;
  const LP = g.patterningLength;
  assertPositive('patterningLength', LP);
  const pk = g.p / g.k;
  if (x < -LS - 1e-12 * (LS + LP) || x > LP + 1e-12 * (LS + LP)) return NaN;
  const T = (LS + LP) / lambda;
  const em = (u: number) => -Math.expm1(-2 * u); // 1 − e^{−2u}
  const ep = (u: number) => 1 + Math.exp(-2 * u); // 1 + e^{−2u}
  // products of sinh/cosh of u and v over sinh/cosh of T (u + v ≤ T)
  const sc_s = (u: number, v: number) => (Math.exp(u + v - T) * em(u) * ep(v)) / (2 * em(T));
  const ss_c = (u: number, v: number) => (Math.exp(u + v - T) * em(u) * em(v)) / (2 * ep(T));
  const cc_c = (u: number, v: number) => (Math.exp(u + v - T) * ep(u) * ep(v)) / (2 * ep(T));
  const zeroFlux = far.type === 'zero-flux';
  let c: number;
  if (x >= 0) c = pk * (zeroFlux ? sc_s(LS / lambda, (LP - x) / lambda) : ss_c(LS / lambda, (LP - x) / lambda));
  else c = pk - pk * (zeroFlux ? sc_s(LP / lambda, (x + LS) / lambda) : cc_c(LP / lambda, (x + LS) / lambda));
  if (far.type === 'fixed') c += (far.value * Math.exp((x + LS) / lambda - T) * ep((x + LS) / lambda)) / ep(T);
  return c;
}

/** Slope dC/dx of the zero-flux finite-domain profile in the patterning domain. */
export function finiteDomainSlope(g: FiniteGeometry, x: number): number {
  const lambda = decayLength(g.D, g.k);
  const LS = g.sourceLength;
  const LP = g.patterningLength;
  const T = (LS + LP) / lambda;
  const a = LS / lambda;
  const b = (LP - x) / lambda;
  // −(p/kλ)·sinh(a)·sinh(b)/sinh(T)
  const r = (Math.exp(a + b - T) * (-Math.expm1(-2 * a)) * (-Math.expm1(-2 * b))) / (2 * -Math.expm1(-2 * T));
  return (-(g.p / g.k) / lambda) * r;
}

/**
 * Half-line steady state of nonlinear decay D C'' = k Cⁿ (n > 1) far from the source:
 * C(x) = A (x + x₀)^{−2/(n−1)} with A = [2(n+1)D / (k(n−1)²)]^{1/(n−1)}.
 * Returned as the slope s of the straight line C^{−(n−1)/2} = s (x + x₀), s = A^{−(n−1)/2}.
 */
export function powerLawSlope(D: number, k: number, order: number): number {
  assertPositive('D', D);
  assertPositive('k', k);
  if (!(order > 1)) throw new ParameterError('decayOrder', order, 'a number above 1 for a power-law profile');
  return Math.sqrt((k * (order - 1) * (order - 1)) / (2 * (order + 1) * D));
}

export interface DecayLengthFit {
  /** Fitted decay length λ of C(x) = A e^{−x/λ} + B e^{x/λ}. */
  decayLength: number;
  A: number;
  B: number;
  /** Largest |residual| / max C over the fitted points. */
  maxRelResidual: number;
}

/**
 * Measure a decay length from a profile by least squares on C(x) = A·e^{−(x−x₀)/λ} + B·e^{(x−x₁)/λ}
 * (x₀, x₁ the ends of the fitted range), the general steady state of D C'' = kC in a source-free
 * region: it covers the exponential (B = 0), the zero-flux cosh and the absorbing sinh. For a
 * given λ the amplitudes are a linear least-squares problem; λ is found by golden-section search
 * on the residual. On a lattice this recovers λ_h exactly (to round-off).
 */
export function fitDecayLength(x: ArrayLike<number>, C: ArrayLike<number>, guess: number): DecayLengthFit {
  const n = x.length;
  if (n < 3) throw new ParameterError('x.length', n, 'at least 3 points in the fitted region');
  if (!(guess > 0)) throw new ParameterError('guess', guess, 'a positive decay length');
  const x0 = x[0];
  const x1 = x[n - 1];
  let scale = 0;
  for (let i = 0; i < n; i++) scale = Math.max(scale, Math.abs(C[i]));
  const solve = (lambda: number) => {
    let s11 = 0;
    let s12 = 0;
    let s22 = 0;
    let t1 = 0;
    let t2 = 0;
    for (let i = 0; i < n; i++) {
      const e1 = Math.exp(-(x[i] - x0) / lambda);
      const e2 = Math.exp((x[i] - x1) / lambda);
      const c = C[i] / scale;
      s11 += e1 * e1;
      s12 += e1 * e2;
      s22 += e2 * e2;
      t1 += e1 * c;
      t2 += e2 * c;
    }
    const det = s11 * s22 - s12 * s12;
    let A: number;
    let B: number;
    if (Math.abs(det) < 1e-14 * s11 * s22) {
      A = (t1 + t2) / (s11 + 2 * s12 + s22);
      B = A;
    } else {
      A = (t1 * s22 - t2 * s12) / det;
      B = (t2 * s11 - t1 * s12) / det;
    }
    let rss = 0;
    let maxr = 0;
    for (let i = 0; i < n; i++) {
      const r = C[i] / scale - A * Math.exp(-(x[i] - x0) / lambda) - B * Math.exp((x[i] - x1) / lambda);
      rss += r * r;
      maxr = Math.max(maxr, Math.abs(r));
    }
    return { rss, A, B, maxr };
  };
  // bracket in log λ, then golden section
  let lo = Math.log(guess / 4);
  let hi = Math.log(guess * 4);
  const g = (Math.sqrt(5) - 1) / 2;
  let a = hi - g * (hi - lo);
  let b = lo + g * (hi - lo);
  let fa = solve(Math.exp(a)).rss;
  let fb = solve(Math.exp(b)).rss;
  for (let it = 0; it < 200 && hi - lo > 1e-13; it++) {
    if (fa < fb) {
      hi = b;
      b = a;
      fb = fa;
      a = hi - g * (hi - lo);
      fa = solve(Math.exp(a)).rss;
    } else {
      lo = a;
      a = b;
      fa = fb;
      b = lo + g * (hi - lo);
      fb = solve(Math.exp(b)).rss;
    }
  }
  const lambda = Math.exp((lo + hi) / 2);
  const s = solve(lambda);
  return {
    decayLength: lambda,
    A: s.A * scale * Math.exp(x0 / lambda),
    B: s.B * scale * Math.exp(-x1 / lambda),
    maxRelResidual: s.maxr,
  };
}

/**
 * Least-squares exponential fit in log space, ln C = ln C₀ − x/λ (unweighted in ln C).
 * Points with C ≤ 0 are skipped.
 */
export function fitExponential(x: ArrayLike<number>, C: ArrayLike<number>): { C0: number; decayLength: number } {
  let n = 0;
  let sx = 0;
  let sy = 0;
  let sxx = 0;
  let sxy = 0;
  for (let i = 0; i < x.length; i++) {
    if (!(C[i] > 0)) continue;
    const y = Math.log(C[i]);
    n++;
    sx += x[i];
    sy += y;
    sxx += x[i] * x[i];
    sxy += x[i] * y;
  }
  if (n < 2) throw new ParameterError('C', C, 'at least two positive values to fit an exponential');
  const slope = (n * sxy - sx * sy) / (n * sxx - sx * sx);
  const intercept = (sy - slope * sx) / n;
  return { C0: Math.exp(intercept), decayLength: -1 / slope };
}

/**
 * Least-squares exponential fit in linear space, min Σ(C_i − C₀e^{−x_i/λ})², as in the
 * "fitted error-propagation method" (FitEPM) of Vetter & Iber (2022): the large values near
 * the source dominate the fit. C₀ is solved in closed form for each λ; λ by golden section.
 */
export function fitExponentialLinear(x: ArrayLike<number>, C: ArrayLike<number>, guess: number): { C0: number; decayLength: number } {
  const n = x.length;
  if (n < 2) throw new ParameterError('x.length', n, 'at least two points to fit an exponential');
  if (!(guess > 0)) throw new ParameterError('guess', guess, 'a positive decay length');
  const x0 = x[0];
  const amplitude = (lambda: number) => {
    let se = 0;
    let sc = 0;
    for (let i = 0; i < n; i++) {
      const e = Math.exp(-(x[i] - x0) / lambda);
      se += e * e;
      sc += e * C[i];
    }
    return sc / se;
  };
  const rss = (lambda: number) => {
    const A = amplitude(lambda);
    let r = 0;
    for (let i = 0; i < n; i++) {
      const d = C[i] - A * Math.exp(-(x[i] - x0) / lambda);
      r += d * d;
    }
    return r;
  };
  let lo = Math.log(guess / 20);
  let hi = Math.log(guess * 20);
  const g = (Math.sqrt(5) - 1) / 2;
  let a = hi - g * (hi - lo);
  let b = lo + g * (hi - lo);
  let fa = rss(Math.exp(a));
  let fb = rss(Math.exp(b));
  for (let it = 0; it < 200 && hi - lo > 1e-10; it++) {
    if (fa < fb) {
      hi = b;
      b = a;
      fb = fa;
      a = hi - g * (hi - lo);
      fa = rss(Math.exp(a));
    } else {
      lo = a;
      a = b;
      fa = fb;
      b = lo + g * (hi - lo);
      fb = rss(Math.exp(b));
    }
  }
  const lambda = Math.exp((lo + hi) / 2);
  return { C0: amplitude(lambda) * Math.exp(x0 / lambda), decayLength: lambda };
}
