/**
 * The finite-precision noise floor. The least-squares gradient g = (1/n)Xᵀ(Xθ − y) is a sum of
 * terms of size ~ scale = (1/n)‖|X|ᵀ(|X||θ| + |y|)‖; in a floating-point format with machine
 * epsilon ε, rounding leaves an error of order ε·scale however small the true gradient is. Near a
 * minimum the computed gradient therefore stops tracking the true one at a floor ∝ ε: float32
 * (ε = 2⁻²³) floors 2²⁹ times higher than float64 (ε = 2⁻⁵²).
 *
 * float32 arithmetic is emulated exactly with Math.fround after every operation (a float64 result
 * of +, −, × on float32 operands rounds to the correctly rounded float32 result). The reference
 * gradient uses double-double arithmetic (error-free TwoSum/TwoProduct), accurate to ~1e-30.
 */
import { CholeskyDecomposition, Matrix } from 'ml-matrix';
import { ParameterError } from '@snrlab/core';

export type Precision = 'float32' | 'float64';

export const MACHINE_EPSILON: Record<Precision, number> = { float32: 2 ** -23, float64: 2 ** -52 };

export interface LeastSquaresProblem {
  /** n × d inputs, row-major. */
  X: Float64Array;
  y: Float64Array;
  n: number;
  d: number;
}

/** Round the data to float32 so that both precisions see exactly the same numbers. */
export function toFloat32Problem(p: LeastSquaresProblem): LeastSquaresProblem {
  return { ...p, X: Float64Array.from(new Float32Array(p.X)), y: Float64Array.from(new Float32Array(p.y)) };
}

/** g = (1/n)Xᵀ(Xθ − y) evaluated naively (sequential sums) in the given precision. */
export function leastSquaresGradient(p: LeastSquaresProblem, theta: ArrayLike<number>, precision: Precision): Float64Array {
  const { X, y, n, d } = p;
  const g = new Float64Array(d);
  if (precision === 'float64') {
    for (let i = 0; i < n; i++) {
      let r = -y[i];
      for (let j = 0; j < d; j++) r += X[i * d + j] * theta[j];
      for (let j = 0; j < d; j++) g[j] += X[i * d + j] * r;
    }
    for (let j = 0; j < d; j++) g[j] /= n;
    return g;
  }
  const f = Math.fround;
  const t = Array.from(theta, (v) => f(v));
  const acc = new Float64Array(d);
  for (let i = 0; i < n; i++) {
    let r = f(-y[i]);
    for (let j = 0; j < d; j++) r = f(r + f(X[i * d + j] * t[j]));
    for (let j = 0; j < d; j++) acc[j] = f(acc[j] + f(X[i * d + j] * r));
  }
  for (let j = 0; j < d; j++) g[j] = f(acc[j] / n);
  return g;
}

// --- double-double arithmetic (Dekker 1971; Knuth's TwoSum) ---
const SPLIT = 134217729; // 2^27 + 1
function twoProd(a: number, b: number): [number, number] {
  const p = a * b;
  let t = SPLIT * a;
  const ah = t - (t - a);
  const al = a - ah;
  t = SPLIT * b;
  const bh = t - (t - b);
  const bl = b - bh;
  return [p, al * bl - (p - ah * bh - al * bh - ah * bl)];
}
function twoSum(a: number, b: number): [number, number] {
  const s = a + b;
  const bb = s - a;
  return [s, a - (s - bb) + (b - bb)];
}
/** (hi, lo) += (a, b) */
function ddAdd(acc: [number, number], hi: number, lo: number): void {
  const [s, e] = twoSum(acc[0], hi);
  const [s2, e2] = twoSum(s, e + lo + acc[1]);
  acc[0] = s2;
  acc[1] = e2;
}

/** The least-squares gradient in double-double, rounded to float64 at the end. */
export function leastSquaresGradientExact(p: LeastSquaresProblem, theta: ArrayLike<number>): Float64Array {
  const { X, y, n, d } = p;
  const acc: [number, number][] = Array.from({ length: d }, () => [0, 0]);
  const r: [number, number] = [0, 0];
  for (let i = 0; i < n; i++) {
    r[0] = -y[i];
    r[1] = 0;
    for (let j = 0; j < d; j++) {
      const [h, l] = twoProd(X[i * d + j], theta[j]);
      ddAdd(r, h, l);
    }
    for (let j = 0; j < d; j++) {
      const x = X[i * d + j];
      const [h1, l1] = twoProd(x, r[0]);
      const [h2, l2] = twoProd(x, r[1]);
      ddAdd(acc[j], h1, l1 + h2 + l2);
    }
  }
  return Float64Array.from(acc, ([h, l]) => (h + l) / n);
}

/** The least-squares minimiser: normal equations (Cholesky, ml-matrix) refined with exact residual gradients. */
export function leastSquaresMinimizer(p: LeastSquaresProblem): { theta: Float64Array; hessian: Float64Array } {
  const { X, n, d } = p;
  const H = new Float64Array(d * d);
  for (let i = 0; i < n; i++) for (let a = 0; a < d; a++) for (let b = 0; b < d; b++) H[a * d + b] += (X[i * d + a] * X[i * d + b]) / n;
  const rows: number[][] = [];
  for (let a = 0; a < d; a++) rows.push(Array.from(H.subarray(a * d, (a + 1) * d)));
  const chol = new CholeskyDecomposition(new Matrix(rows));
  if (!chol.isPositiveDefinite()) throw new ParameterError('X', 'rank-deficient inputs', 'inputs whose Gram matrix XᵀX is positive definite');
  const theta = new Float64Array(d);
  for (let it = 0; it < 4; it++) {
    const g = leastSquaresGradientExact(p, theta);
    const step = chol.solve(Matrix.columnVector(Array.from(g)));
    for (let j = 0; j < d; j++) theta[j] -= step.get(j, 0);
  }
  return { theta, hessian: H };
}

/** The magnitude of the summed terms, (1/n)‖|X|ᵀ(|X||θ| + |y|)‖₂, that sets the rounding scale. */
export function gradientScale(p: LeastSquaresProblem, theta: ArrayLike<number>): number {
  const { X, y, n, d } = p;
  const s = new Float64Array(d);
  for (let i = 0; i < n; i++) {
    let r = Math.abs(y[i]);
    for (let j = 0; j < d; j++) r += Math.abs(X[i * d + j] * theta[j]);
    for (let j = 0; j < d; j++) s[j] += Math.abs(X[i * d + j]) * r;
  }
  let t = 0;
  for (let j = 0; j < d; j++) t += (s[j] / n) ** 2;
  return Math.sqrt(t);
}

const norm = (a: ArrayLike<number>) => {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * a[i];
  return Math.sqrt(s);
};

/** The rounding error |g_p − g_exact| at θ (θ first rounded to the precision). */
export function gradientError(p: LeastSquaresProblem, theta: ArrayLike<number>, precision: Precision): { error: number; computed: number; exact: number } {
  const t = precision === 'float32' ? Float64Array.from(new Float32Array(Array.from(theta))) : Float64Array.from(theta);
  const ex = leastSquaresGradientExact(p, t);
  const g = leastSquaresGradient(p, t, precision);
  const diff = g.map((v, j) => v - ex[j]);
  return { error: norm(diff), computed: norm(g), exact: norm(ex) };
}
