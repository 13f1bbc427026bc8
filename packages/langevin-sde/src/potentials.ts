/**
 * The potential library: each potential U(x) with its gradient and Hessian, in the units of
 * energy that the temperature T is measured in (k_B = 1). Langevin dynamics move down the
 * gradient: the drift is −∇U/γ (overdamped) or the force −∇U (underdamped).
 *
 * Every method takes an offset so that an ensemble stored particle-major (N × d) is evaluated
 * in place, without allocating per particle.
 */
import { assertFinite, assertFiniteArray, assertPositive, ParameterError, solveLinear } from '@snrlab/core';

/** A smooth potential energy surface U: R^d → R. */
export interface Potential {
  readonly name: string;
  readonly dim: number;
  /** U at x[offset .. offset + d). */
  value(x: ArrayLike<number>, offset?: number): number;
  /** ∇U at x[xOffset ..] written to out[outOffset .. outOffset + d). */
  gradient(x: ArrayLike<number>, out: Float64Array, xOffset?: number, outOffset?: number): void;
  /** The d × d Hessian at x[xOffset ..], row-major, written to out[outOffset .. outOffset + d²). */
  hessian(x: ArrayLike<number>, out: Float64Array, xOffset?: number, outOffset?: number): void;
  /** Local minima, where known (refined to machine precision). */
  readonly minima: readonly Float64Array[];
  /** Index-1 saddles (in 1-D: barrier tops), where known. */
  readonly saddles: readonly Float64Array[];
  /** Set when U = ½ Σ k_i (x_i − c_i)²: the drift is then linear (exact OU updates apply). */
  readonly quadratic?: { readonly stiffness: Float64Array; readonly center: Float64Array };
  /** Set for U = x⁴/4 − x²/2 − tilt·x per coordinate: the fused tensor kernel applies. */
  readonly doubleWellTilt?: number;
  /**
   * Set for U = Σ_j Σ_k c_k x_j^k (the same polynomial on every coordinate): the drift is data,
   * polynomial coefficients for the tensor registry's `ensemble-em` and `baoab` kernels.
   */
  readonly polynomial?: { readonly coefficients: readonly number[] };
}

/** Writes the symmetric 2 × 2 Hessian [[xx, xy], [xy, yy]] row-major at out[oo ..] (a 2-D potential's `hessian`). */
export function setHessian2(out: Float64Array, oo: number, xx: number, xy: number, yy: number): void {
  out[oo] = xx;
  out[oo + 1] = xy;
  out[oo + 2] = xy;
  out[oo + 3] = yy;
}

function vec(name: string, v: number | ArrayLike<number>, d?: number): Float64Array {
  const a = typeof v === 'number' ? new Float64Array(d ?? 1).fill(v) : Float64Array.from(v);
  if (a.length === 0) throw new ParameterError(name, v, 'a non-empty array of numbers');
  if (d !== undefined && a.length !== d) throw new ParameterError(`${name}.length`, a.length, `${d} (the dimension)`);
  assertFiniteArray(name, a);
  return a;
}

/**
 * Harmonic well U = ½ Σ k_i (x_i − c_i)². `stiffness` is a number (isotropic, with `dim`
 * coordinates) or one value per coordinate; a negative stiffness makes that direction unstable.
 */
export function harmonic(opts: { stiffness?: number | ArrayLike<number>; center?: number | ArrayLike<number>; dim?: number } = {}): Potential {
  const dim0 = opts.dim ?? (typeof opts.stiffness === 'object' ? opts.stiffness.length : typeof opts.center === 'object' ? opts.center.length : 1);
  if (!Number.isInteger(dim0) || dim0 < 1) throw new ParameterError('dim', opts.dim, 'an integer ≥ 1');
  const k = vec('stiffness', opts.stiffness ?? 1, dim0);
  const c = vec('center', opts.center ?? 0, dim0);
  const d = k.length;
  const stable = k.every((v) => v > 0);
  return {
    name: d === 1 ? `harmonic(k=${k[0]})` : `harmonic(d=${d})`,
    dim: d,
    value(x, o = 0) {
      let u = 0;
      for (let j = 0; j < d; j++) {
        const y = x[o + j] - c[j];
        u += 0.5 * k[j] * y * y;
      }
      return u;
    },
    gradient(x, out, o = 0, oo = o) {
      for (let j = 0; j < d; j++) out[oo + j] = k[j] * (x[o + j] - c[j]);
    },
    hessian(_x, out, _o = 0, oo = 0) {
      for (let i = 0; i < d; i++) for (let j = 0; j < d; j++) out[oo + i * d + j] = i === j ? k[i] : 0;
    },
    minima: stable ? [c.slice()] : [],
    saddles: k.filter((v) => v < 0).length === 1 ? [c.slice()] : [],
    quadratic: { stiffness: k, center: c },
    ...(k.every((v) => v === k[0]) && c.every((v) => v === c[0]) ? { polynomial: { coefficients: [0.5 * k[0] * c[0] * c[0], -k[0] * c[0], 0.5 * k[0]] } } : {}),
  };
}

/** Real roots of x³ − x − tilt = 0 (the critical points of the tilted double well), ascending. */
export function doubleWellCriticalPoints(tilt: number): number[] {
  // depressed cubic x³ + p x + q with p = −1, q = −tilt
  const p = -1;
  const q = -tilt;
  const disc = -(4 * p * p * p + 27 * q * q);
  if (disc > 0) {
    const m = 2 * Math.sqrt(-p / 3);
    const theta = Math.acos(((3 * q) / (2 * p)) * Math.sqrt(-3 / p)) / 3;
    const r = [0, 1, 2].map((k) => m * Math.cos(theta - (2 * Math.PI * k) / 3));
    return r.sort((a, b) => a - b).map(polishCubic(tilt));
  }
  // one real root (Cardano)
  const s = Math.sqrt((q * q) / 4 + (p * p * p) / 27);
  const root = Math.cbrt(-q / 2 + s) + Math.cbrt(-q / 2 - s);
  return [polishCubic(tilt)(root)];
}

function polishCubic(tilt: number) {
  return (x: number) => {
    for (let i = 0; i < 3; i++) {
      const f = x * x * x - x - tilt;
      const df = 3 * x * x - 1;
      if (df === 0) break;
      x -= f / df;
    }
    return x;
  };
}

/**
 * The double well U = x⁴/4 − x²/2 − tilt·x on every coordinate (wells at ±1 and barrier 1/4 at
 * x = 0 without tilt). Its drift −U′ = x − x³ + tilt is the tensor package's 'double-well' kernel.
 */
export function doubleWell(opts: { tilt?: number; dim?: number } = {}): Potential {
  const tilt = opts.tilt ?? 0;
  assertFinite('tilt', tilt);
  const d = opts.dim ?? 1;
  if (!Number.isInteger(d) || d < 1) throw new ParameterError('dim', d, 'an integer ≥ 1');
  const roots = doubleWellCriticalPoints(tilt);
  const minima1 = roots.length === 3 ? [roots[0], roots[2]] : roots;
  return {
    name: tilt === 0 ? 'double-well' : `double-well(tilt=${tilt})`,
    dim: d,
    value(x, o = 0) {
      let u = 0;
      for (let j = 0; j < d; j++) {
        const y = x[o + j];
        const y2 = y * y;
        u += 0.25 * y2 * y2 - 0.5 * y2 - tilt * y;
      }
      return u;
    },
    gradient(x, out, o = 0, oo = o) {
      for (let j = 0; j < d; j++) {
        const y = x[o + j];
        out[oo + j] = y * y * y - y - tilt;
      }
    },
    hessian(x, out, o = 0, oo = 0) {
      for (let i = 0; i < d; i++) for (let j = 0; j < d; j++) out[oo + i * d + j] = i === j ? 3 * x[o + i] * x[o + i] - 1 : 0;
    },
    minima: d === 1 ? minima1.map((m) => Float64Array.of(m)) : [],
    saddles: d === 1 && roots.length === 3 ? [Float64Array.of(roots[1])] : [],
    doubleWellTilt: tilt,
    polynomial: { coefficients: [0, -tilt, -0.5, 0, 0.25] },
  };
}

/**
 * The 2-D saddle U = (a·x² − b·y²)/2 with stable curvature a > 0 along x and unstable
 * curvature b > 0 along y: gradient descent started on the x-axis converges to the saddle and
 * stays there; noise pushes it off along y at the rate λ = b.
 */
export function saddle(opts: { stable?: number; unstable?: number } = {}): Potential {
  const a = opts.stable ?? 1;
  const b = opts.unstable ?? 1;
  assertPositive('stable', a);
  assertPositive('unstable', b);
  const p = harmonic({ stiffness: [a, -b], center: [0, 0] });
  return { ...p, name: a === 1 && b === 1 ? 'saddle' : `saddle(${a}, ${b})`, minima: [], saddles: [new Float64Array(2)] };
}

// Müller & Brown (1979), Theor. Chim. Acta 53, 75: U = Σ A_k exp(a_k (x−x0_k)² + b_k (x−x0_k)(y−y0_k) + c_k (y−y0_k)²)
const MB_A = [-200, -100, -170, 15];
const MB_a = [-1, -1, -6.5, 0.7];
const MB_b = [0, 0, 11, 0.6];
const MB_c = [-10, -10, -6.5, 0.7];
const MB_x0 = [1, 0, -0.5, -1];
const MB_y0 = [0, 0.5, 1.5, 1];

/** Published locations of the Müller–Brown minima and saddles, refined here by Newton's method. */
const MB_MINIMA = [
  [-0.558, 1.442],
  [0.623, 0.028],
  [-0.05, 0.467],
];
const MB_SADDLES = [
  [-0.822, 0.624],
  [0.212, 0.293],
];

/**
 * The Müller–Brown surface, the standard 2-D test of reaction paths: three minima (energies
 * −146.70, −108.17, −80.77) joined by two saddles (−40.66, −72.25). `scale` multiplies U
 * (0.1 or less is common in sampling studies so that T ≈ 1 is meaningful).
 */
export function mullerBrown(opts: { scale?: number } = {}): Potential {
  const s = opts.scale ?? 1;
  assertPositive('scale', s);
  const term = (k: number, x: number, y: number) => {
    const dx = x - MB_x0[k];
    const dy = y - MB_y0[k];
    return s * MB_A[k] * Math.exp(MB_a[k] * dx * dx + MB_b[k] * dx * dy + MB_c[k] * dy * dy);
  };
  const pot: Potential = {
    name: s === 1 ? 'muller-brown' : `muller-brown(scale=${s})`,
    dim: 2,
    value(x, o = 0) {
      let u = 0;
      for (let k = 0; k < 4; k++) u += term(k, x[o], x[o + 1]);
      return u;
    },
    gradient(x, out, o = 0, oo = o) {
      let gx = 0;
      let gy = 0;
      const X = x[o];
      const Y = x[o + 1];
      for (let k = 0; k < 4; k++) {
        const e = term(k, X, Y);
        const dx = X - MB_x0[k];
        const dy = Y - MB_y0[k];
        gx += e * (2 * MB_a[k] * dx + MB_b[k] * dy);
        gy += e * (MB_b[k] * dx + 2 * MB_c[k] * dy);
      }
      out[oo] = gx;
      out[oo + 1] = gy;
    },
    hessian(x, out, o = 0, oo = 0) {
      let hxx = 0;
      let hxy = 0;
      let hyy = 0;
      const X = x[o];
      const Y = x[o + 1];
      for (let k = 0; k < 4; k++) {
        const e = term(k, X, Y);
        const dx = X - MB_x0[k];
        const dy = Y - MB_y0[k];
        const px = 2 * MB_a[k] * dx + MB_b[k] * dy;
        const py = MB_b[k] * dx + 2 * MB_c[k] * dy;
        hxx += e * (px * px + 2 * MB_a[k]);
        hxy += e * (px * py + MB_b[k]);
        hyy += e * (py * py + 2 * MB_c[k]);
      }
      setHessian2(out, oo, hxx, hxy, hyy);
    },
    minima: [],
    saddles: [],
  };
  const refine = (p: number[]) => newtonCriticalPoint(pot, Float64Array.from(p));
  return { ...pot, minima: MB_MINIMA.map(refine), saddles: MB_SADDLES.map(refine) };
}

/** Newton's method on ∇U = 0 from a starting point (for small d); returns the refined point. */
export function newtonCriticalPoint(pot: Potential, start: ArrayLike<number>, iterations = 50): Float64Array {
  const d = pot.dim;
  const x = Float64Array.from(start);
  const g = new Float64Array(d);
  const H = new Float64Array(d * d);
  for (let it = 0; it < iterations; it++) {
    pot.gradient(x, g, 0, 0);
    pot.hessian(x, H, 0, 0);
    const step = solveLinear(H, g, d);
    let size = 0;
    for (let j = 0; j < d; j++) {
      x[j] -= step[j];
      size = Math.max(size, Math.abs(step[j]));
    }
    if (size < 1e-15 * (1 + Math.abs(x[0]))) break;
  }
  return x;
}

/** Eigenvalues of a symmetric 2 × 2 matrix [a b; b c], ascending. */
export function eigenvalues2x2(a: number, b: number, c: number): [number, number] {
  const m = 0.5 * (a + c);
  const r = Math.hypot(0.5 * (a - c), b);
  return [m - r, m + r];
}

/** A 1-D potential (a Potential with dim 1, or a plain function) as a scalar function. */
export type Potential1D = Potential | ((x: number) => number);

/** U as a scalar function of one variable. */
export function scalarPotential(u: Potential1D, name = 'potential'): (x: number) => number {
  if (typeof u === 'function') return u;
  if (!u || typeof u.value !== 'function') throw new ParameterError(name, u, 'a Potential or a function of x');
  if (u.dim !== 1) throw new ParameterError(`${name}.dim`, u.dim, '1 (a one-dimensional potential)');
  const buf = new Float64Array(1);
  return (x: number) => {
    buf[0] = x;
    return u.value(buf, 0);
  };
}

/** U″ of a 1-D potential at x (analytic Hessian for a Potential, central difference for a function). */
export function secondDerivative(u: Potential1D, x: number): number {
  if (typeof u !== 'function') {
    const h = new Float64Array(1);
    u.hessian(Float64Array.of(x), h, 0, 0);
    return h[0];
  }
  const e = 1e-4 * Math.max(1, Math.abs(x));
  return (u(x + e) - 2 * u(x) + u(x - e)) / (e * e);
}
