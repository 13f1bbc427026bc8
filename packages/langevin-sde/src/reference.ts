/**
 * Reference values to test simulations against: the Boltzmann density normalised by
 * quadrature, the exact 1-D mean first-passage time (double integral), the Kramers rate, and
 * the exact laws of the Ornstein–Uhlenbeck process and the underdamped harmonic oscillator.
 *
 * Conventions: overdamped dynamics dX = −U′(X)/γ dt + √(2D) dW with D = T/γ (Einstein), whose
 * stationary density is exp(−U/T)/Z. With γ = 1, T and D coincide.
 */
import { assertFinite, assertPositive, ParameterError, type Stream } from '@snrlab/core';
import { scalarPotential, secondDerivative, type Potential1D } from './potentials.js';

/** An initial distribution for the replicas of an ensemble (see `sdeProblem`'s x0). */
export interface InitialDistribution {
  readonly dim: number;
  /** Write one draw to out[offset .. offset + dim). */
  sample(stream: Stream, out: Float64Array, offset: number): void;
}

/** Composite Simpson rule on n (odd) equally spaced values with spacing h. */
function simpson(f: Float64Array, h: number): number {
  const n = f.length;
  let s = f[0] + f[n - 1];
  for (let i = 1; i < n - 1; i++) s += (i & 1 ? 4 : 2) * f[i];
  return (s * h) / 3;
}

/** Find [lo, hi] outside which exp(−(U − Umin)/T) < e^−margin, by expanding from a centre. */
function confiningRange(U: (x: number) => number, T: number, center: number, margin = 60): [number, number] {
  let half = 1;
  for (let iter = 0; iter < 40; iter++, half *= 2) {
    const lo = center - half;
    const hi = center + half;
    const n = 4001;
    let umin = Infinity;
    for (let i = 0; i < n; i++) umin = Math.min(umin, U(lo + ((hi - lo) * i) / (n - 1)));
    if ((U(lo) - umin) / T > margin && (U(hi) - umin) / T > margin) {
      // shrink each side to where the weight becomes negligible
      const tighten = (from: number, to: number) => {
        let a = from;
        let b = to; // U(a) high, U(b) low-ish
        for (let k = 0; k < 60; k++) {
          const m = 0.5 * (a + b);
          if ((U(m) - umin) / T > margin) a = m;
          else b = m;
        }
        return a;
      };
      return [tighten(lo, center), tighten(hi, center)];
    }
  }
  throw new ParameterError('potential', 'non-confining', 'a potential with exp(−U/T) integrable (U → ∞ on both sides); give lo and hi');
}

export interface BoltzmannDistribution {
  readonly temperature: number;
  /** Support used for the quadrature: exp(−U/T) is below e^−60 of its peak outside it. */
  readonly lo: number;
  readonly hi: number;
  /** Z = ∫ exp(−U/T) dx, and its logarithm (safe when Z over- or underflows). */
  readonly Z: number;
  readonly logZ: number;
  readonly mean: number;
  readonly variance: number;
  pdf(x: number): number;
  cdf(x: number): number;
  quantile(p: number): number;
  /** ∫ f(x) p(x) dx by Simpson's rule on the grid. */
  expectation(f: (x: number) => number): number;
  /** Draws by inversion, e.g. to start an ensemble in equilibrium. */
  sampler(): InitialDistribution;
}

/**
 * The Boltzmann density p(x) = exp(−U(x)/T)/Z of a 1-D potential, normalised by quadrature
 * (Simpson's rule on `points` nodes over the range where the weight is above e^−60; the CDF
 * is the cumulative trapezoid, interpolated linearly).
 */
export function boltzmann(potential: Potential1D, temperature: number, opts: { lo?: number; hi?: number; points?: number; center?: number } = {}): BoltzmannDistribution {
  assertPositive('temperature', temperature);
  const U = scalarPotential(potential);
  const T = temperature;
  let lo = opts.lo;
  let hi = opts.hi;
  if (lo === undefined || hi === undefined) {
    const c = opts.center ?? (typeof potential === 'function' ? 0 : (potential.minima[0]?.[0] ?? 0));
    const r = confiningRange(U, T, c);
    lo = lo ?? r[0];
    hi = hi ?? r[1];
  }
  assertFinite('lo', lo);
  assertFinite('hi', hi);
  if (!(hi > lo)) throw new ParameterError('hi', hi, `a number greater than lo = ${lo}`);
  let n = opts.points ?? 20001;
  if (n % 2 === 0) n++;
  const h = (hi - lo) / (n - 1);
  const xs = new Float64Array(n);
  const us = new Float64Array(n);
  let umin = Infinity;
  for (let i = 0; i < n; i++) {
    xs[i] = lo + i * h;
    us[i] = U(xs[i]);
    if (us[i] < umin) umin = us[i];
  }
  const w = new Float64Array(n);
  for (let i = 0; i < n; i++) w[i] = Math.exp(-(us[i] - umin) / T);
  const z = simpson(w, h);
  const cum = new Float64Array(n);
  for (let i = 1; i < n; i++) cum[i] = cum[i - 1] + 0.5 * h * (w[i - 1] + w[i]);
  const total = cum[n - 1];
  for (let i = 0; i < n; i++) cum[i] /= total;
  const fx = new Float64Array(n);
  const expectation = (f: (x: number) => number) => {
    for (let i = 0; i < n; i++) fx[i] = f(xs[i]) * w[i];
    return simpson(fx, h) / z;
  };
  const mean = expectation((x) => x);
  const variance = expectation((x) => (x - mean) * (x - mean));
  const logZ = Math.log(z) - umin / T;
  const cdf = (x: number) => {
    if (x <= lo!) return 0;
    if (x >= hi!) return 1;
    const u = (x - lo!) / h;
    const i = Math.min(n - 2, Math.floor(u));
    const f = u - i;
    return cum[i] + f * (cum[i + 1] - cum[i]);
  };
  const quantile = (p: number) => {
    if (!(p >= 0 && p <= 1)) throw new ParameterError('p', p, 'a probability in [0, 1]');
    let a = 0;
    let b = n - 1;
    while (b - a > 1) {
      const m = (a + b) >> 1;
      if (cum[m] < p) a = m;
      else b = m;
    }
    const span = cum[b] - cum[a];
    return xs[a] + (span > 0 ? ((p - cum[a]) / span) * h : 0);
  };
  return {
    temperature: T,
    lo,
    hi,
    Z: Math.exp(logZ),
    logZ,
    mean,
    variance,
    pdf: (x: number) => Math.exp(-(U(x) - umin) / T) / z,
    cdf,
    quantile,
    expectation,
    sampler: () => ({
      dim: 1,
      sample(stream: Stream, out: Float64Array, offset: number) {
        out[offset] = quantile(stream.uniform());
      },
    }),
  };
}

export interface MfptOptions {
  potential: Potential1D;
  /** Temperature T; the diffusion coefficient is D = T/γ. */
  temperature: number;
  /** Friction γ (default 1, so that D = T). */
  friction?: number;
  /** Start. */
  x0: number;
  /** Absorbing boundary. */
  b: number;
  /** Reflecting boundary on the far side of x0 (default: none, the potential confines). */
  reflecting?: number;
  /** Quadrature nodes per sub-interval (default 20000; the result is Richardson-extrapolated). */
  points?: number;
}

/**
 * Exact mean first-passage time of overdamped 1-D motion dX = −U′/γ dt + √(2D) dW from x0 to
 * an absorbing point b (Gardiner, Handbook of Stochastic Methods, §5.2.7):
 *   T(x0 → b) = (1/D) ∫_{x0}^{b} e^{U(y)/T} ∫_{−∞}^{y} e^{−U(z)/T} dz dy   (b > x0),
 * with −∞ replaced by a reflecting boundary if given, and mirrored for b < x0. The double
 * integral is a cumulative trapezoid rule, Richardson-extrapolated (error O(h⁴)).
 */
export function mfptExact(o: MfptOptions): number {
  assertPositive('temperature', o.temperature);
  const gamma = o.friction ?? 1;
  assertPositive('friction', gamma);
  assertFinite('x0', o.x0);
  assertFinite('b', o.b);
  const U0 = scalarPotential(o.potential);
  if (o.b === o.x0) return 0;
  // mirror so that the exit is upward
  const up = o.b > o.x0;
  const U = up ? U0 : (x: number) => U0(-x);
  const x0 = up ? o.x0 : -o.x0;
  const b = up ? o.b : -o.b;
  let L: number;
  if (o.reflecting !== undefined) {
    assertFinite('reflecting', o.reflecting);
    L = up ? o.reflecting : -o.reflecting;
    if (!(L <= x0)) throw new ParameterError('reflecting', o.reflecting, `a point on the far side of x0 = ${o.x0} from b = ${o.b}`);
  } else {
    L = lowerCutoff(U, o.temperature, x0, b);
  }
  const T = o.temperature;
  const D = T / gamma;
  const n = o.points ?? 20000;
  // nodes on [L, x0] in proportion to its length (capped), doubled exactly for the extrapolation
  const n1 = L < x0 ? Math.min(8 * n, Math.max(2, Math.round((n * (x0 - L)) / (b - x0)))) : 0;
  const coarse = mfptTrapezoid(U, T, L, x0, b, n, n1) / D;
  const fine = mfptTrapezoid(U, T, L, x0, b, 2 * n, 2 * n1) / D;
  return (4 * fine - coarse) / 3;
}

/** Where the weight exp(−U/T) to the left of x0 becomes negligible (U confines on the left). */
function lowerCutoff(U: (x: number) => number, T: number, x0: number, b: number): number {
  let umin = Math.min(U(x0), U(b));
  let z = x0;
  let step = Math.max(1e-3, 0.01 * Math.abs(b - x0));
  for (let i = 0; i < 10_000; i++) {
    z -= step;
    const u = U(z);
    if (u < umin) umin = u;
    if ((u - umin) / T > 60) return z;
    step *= 1.1;
    if (!(Math.abs(z) < 1e8)) break;
  }
  throw new ParameterError('reflecting', undefined, 'a reflecting boundary, since U does not confine on the far side of x0');
}

/**
 * Trapezoid rule on [L, x0] (m1 intervals) and [x0, b] (m intervals) for ∫_{x0}^{b} J(y) dy with
 * J(y) = ∫_L^y e^{(U(y) − U(z))/T} dz, carried by the recursion J_i = e^{a}·J_{i−1} + dx·(e^a − 1)/a,
 * a = (U_i − U_{i−1})/T, which integrates the exponential exactly for U linear on each interval
 * (exponential fitting, so steep regions where e^{−U/T} varies on scales ≪ dx stay accurate) and
 * never forms an exponential of U/T alone.
 */
function jumpJ(J: number, a: number, dx: number): number {
  const growth = Math.abs(a) < 1e-8 ? 1 + 0.5 * a : Math.expm1(a) / a;
  return Math.exp(a) * J + dx * growth;
}

function mfptTrapezoid(U: (x: number) => number, T: number, L: number, x0: number, b: number, m: number, m1: number): number {
  let J = 0;
  let xPrev = L;
  let uPrev = U(L);
  for (let i = 1; i <= m1; i++) {
    const x = i === m1 ? x0 : L + ((x0 - L) * i) / m1;
    const u = U(x);
    const dx = x - xPrev;
    J = jumpJ(J, (u - uPrev) / T, dx);
    xPrev = x;
    uPrev = u;
  }
  if (m1 === 0) {
    xPrev = x0;
    uPrev = U(x0);
  }
  let outer = 0;
  for (let i = 1; i <= m; i++) {
    const x = i === m ? b : x0 + ((b - x0) * i) / m;
    const u = U(x);
    const dx = x - xPrev;
    const Jn = jumpJ(J, (u - uPrev) / T, dx);
    outer += 0.5 * dx * (J + Jn);
    J = Jn;
    xPrev = x;
    uPrev = u;
  }
  return outer;
}

export interface KramersOptions {
  potential: Potential1D;
  temperature: number;
  friction?: number;
  /** The well the particle escapes from (default: the potential's first minimum). */
  minimum?: number;
  /** The barrier top (default: the potential's first saddle). */
  barrier?: number;
}

/**
 * Kramers' overdamped escape rate k = √(U″(a)|U″(b)|)/(2πγ) · exp(−ΔU/T), ΔU = U(b) − U(a)
 * (with γ = 1: exp(−ΔU/D)). Asymptotic for ΔU ≫ T; 1/k is the mean time to cross the barrier
 * and reach the other well, and about twice the mean time to first reach the barrier top.
 */
export function kramersRate(o: KramersOptions): number {
  assertPositive('temperature', o.temperature);
  const gamma = o.friction ?? 1;
  assertPositive('friction', gamma);
  const pot = o.potential;
  const a = o.minimum ?? (typeof pot === 'function' ? undefined : pot.minima[0]?.[0]);
  const b = o.barrier ?? (typeof pot === 'function' ? undefined : pot.saddles[0]?.[0]);
  if (a === undefined) throw new ParameterError('minimum', a, 'the position of the well');
  if (b === undefined) throw new ParameterError('barrier', b, 'the position of the barrier top');
  const U = scalarPotential(pot);
  const ka = secondDerivative(pot, a);
  const kb = secondDerivative(pot, b);
  if (!(ka > 0)) throw new ParameterError('minimum', a, `a point where U″ > 0 (U″ = ${ka})`);
  if (!(kb < 0)) throw new ParameterError('barrier', b, `a point where U″ < 0 (U″ = ${kb})`);
  return (Math.sqrt(ka * -kb) / (2 * Math.PI * gamma)) * Math.exp(-(U(b) - U(a)) / o.temperature);
}

/**
 * Exact law of the Ornstein–Uhlenbeck process dX = −θ(X − μ) dt + σ dW from X(0) = x0:
 * mean μ + (x0 − μ)e^{−θt}, variance σ²(1 − e^{−2θt})/(2θ) (σ²t when θ = 0; θ < 0 is unstable).
 */
export function ouMoments(o: { rate: number; center?: number; sigma: number; x0: number; t: number }): { mean: number; variance: number } {
  const { rate: th, sigma, x0, t } = o;
  const mu = o.center ?? 0;
  const mean = mu + (x0 - mu) * Math.exp(-th * t);
  const variance = th === 0 ? sigma * sigma * t : (sigma * sigma * -Math.expm1(-2 * th * t)) / (2 * th);
  return { mean, variance };
}

/** e^{At} for a real 2 × 2 matrix A = [a b; c d] (row-major result). */
export function expm2x2(a: number, b: number, c: number, d: number, t: number): [number, number, number, number] {
  const s = 0.5 * (a + d);
  const det = a * d - b * c;
  const disc = s * s - det;
  let f0: number;
  let f1: number; // e^{At} = e^{st}[f0 I + f1 (A − sI)]
  if (disc > 1e-14 * (s * s + Math.abs(det))) {
    const q = Math.sqrt(disc);
    f0 = Math.cosh(q * t);
    f1 = Math.sinh(q * t) / q;
  } else if (disc < -1e-14 * (s * s + Math.abs(det))) {
    const q = Math.sqrt(-disc);
    f0 = Math.cos(q * t);
    f1 = Math.sin(q * t) / q;
  } else {
    f0 = 1;
    f1 = t;
  }
  const e = Math.exp(s * t);
  return [e * (f0 + f1 * (a - s)), e * f1 * b, e * f1 * c, e * (f0 + f1 * (d - s))];
}

/**
 * Exact law at time t of the underdamped harmonic oscillator
 *   dq = p/m dt,  dp = −k q dt − (γ/m) p dt + √(2γT) dW,
 * started at the point (q0, p0): mean e^{At}(q0, p0) and covariance Σ∞ − e^{At} Σ∞ e^{Aᵀt}
 * with Σ∞ = diag(T/k, mT).
 */
export function underdampedHarmonicMoments(o: { stiffness: number; mass?: number; friction: number; temperature: number; q0: number; p0?: number; t: number }) {
  const m = o.mass ?? 1;
  const k = o.stiffness;
  const T = o.temperature;
  const [e00, e01, e10, e11] = expm2x2(0, 1 / m, -k, -o.friction / m, o.t);
  const p0 = o.p0 ?? 0;
  const sq = T / k;
  const sp = m * T;
  // Σ = Σ∞ − E Σ∞ Eᵀ
  const varQ = sq - (e00 * e00 * sq + e01 * e01 * sp);
  const varP = sp - (e10 * e10 * sq + e11 * e11 * sp);
  const covQP = -(e00 * e10 * sq + e01 * e11 * sp);
  return { meanQ: e00 * o.q0 + e01 * p0, meanP: e10 * o.q0 + e11 * p0, varQ, varP, covQP };
}

/**
 * Saddle escape time of dx = λx dt + √(2D) dW from x = 0 to |x| = r, for λr²/D ≫ 1:
 * (1/(2λ))·[ln(λr²/D) + γ_E + ln 2]. It follows from x(t) ≈ e^{λt}·√(2D)·G/√(2λ) with G
 * standard normal and E ln G² = −γ_E − ln 2.
 */
export function saddleEscapeTime(o: { lambda: number; r: number; D: number }): number {
  assertPositive('lambda', o.lambda);
  assertPositive('r', o.r);
  assertPositive('D', o.D);
  return (Math.log((o.lambda * o.r * o.r) / o.D) + EULER_GAMMA + Math.LN2) / (2 * o.lambda);
}

/** The Euler–Mascheroni constant γ_E. */
export const EULER_GAMMA = 0.5772156649015329;
