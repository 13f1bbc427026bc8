/**
 * Stationary covariances of linear stochastic iterations, and the small dense linear algebra they
 * need (row-major d×d Float64Arrays): products and eigenpairs are core's; the d²×d² fixed-point
 * solves, inverses and determinants are ml-matrix's (the results were recorded with its LU, whose
 * rounding differs from core's `solveLinear` in the last bits).
 *
 * SGD on a quadratic with mini-batch noise of covariance Σ/B, θ ← θ − η(Hθ + ξ), is the linear
 * chain θ' = Aθ − ηξ with A = I − ηH. Its stationary covariance solves the discrete Lyapunov
 * equation C = A C Aᵀ + (η²/B) Σ exactly (for any noise law with that covariance); as η → 0 it
 * tends to the solution of the continuous one, H C + C H = (η/B) Σ (the SDE / Ornstein–Uhlenbeck
 * limit). When the mini-batch Hessian itself fluctuates (least squares: Ĥ_B = (1/B)Σ x xᵀ), the
 * second moment obeys the linear map M ↦ E[(I − ηĤ_B) M (I − ηĤ_B)] + η² Cov(ĝ_B(θ*)), solved
 * here exactly as well (`stationarySecondMoment`).
 */
import { identity, matMul as coreMatMul, ParameterError } from '@snrlab/core';
import { determinant, inverse, Matrix, solve } from 'ml-matrix';

const toMatrix = (a: ArrayLike<number>, r: number, c: number) => {
  const rows: number[][] = [];
  for (let i = 0; i < r; i++) rows.push(Array.from({ length: c }, (_, j) => a[i * c + j]));
  return new Matrix(rows);
};
const fromMatrix = (m: Matrix) => Float64Array.from(m.to1DArray());

function checkSquare(name: string, a: ArrayLike<number>, d: number): void {
  if (a.length !== d * d) throw new ParameterError(`${name}.length`, a.length, `${d * d} (a ${d}×${d} matrix)`);
}

/** x = (I − T)⁻¹ q for a d²×d² operator T on vec(M) (row-major vec), returned as a symmetrised d×d matrix. */
function solveFixedPoint(T: Float64Array, q: ArrayLike<number>, d: number): Float64Array {
  const n = d * d;
  const I_T = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) I_T[i * n + j] = (i === j ? 1 : 0) - T[i * n + j];
  const x = fromMatrix(solve(toMatrix(I_T, n, n), toMatrix(q, n, 1)));
  for (let i = 0; i < d; i++)
    for (let j = 0; j < i; j++) {
      const s = 0.5 * (x[i * d + j] + x[j * d + i]);
      x[i * d + j] = s;
      x[j * d + i] = s;
    }
  return x;
}

/** Adds a ⊗ b (the operator M ↦ a M bᵀ on row-major vec) times `w` into T. */
function addKron(T: Float64Array, a: ArrayLike<number>, b: ArrayLike<number>, d: number, w: number): void {
  const n = d * d;
  // (a M bᵀ)_{ij} = Σ_kl a_ik M_kl b_jl: row (i,j), column (k,l)
  for (let i = 0; i < d; i++)
    for (let j = 0; j < d; j++)
      for (let k = 0; k < d; k++) {
        const aik = a[i * d + k];
        if (aik === 0) continue;
        for (let l = 0; l < d; l++) T[(i * d + j) * n + k * d + l] += w * aik * b[j * d + l];
      }
}

/** C = A C Aᵀ + Q (the stationary covariance of θ' = Aθ + noise of covariance Q); needs spectral radius of A below 1. */
export function discreteLyapunov(A: ArrayLike<number>, Q: ArrayLike<number>, d: number): Float64Array {
  checkSquare('A', A, d);
  checkSquare('Q', Q, d);
  const T = new Float64Array(d ** 4);
  addKron(T, A, A, d, 1);
  return solveFixedPoint(T, Q, d);
}

/** H C + C Hᵀ = Q: the stationary covariance C of the Ornstein–Uhlenbeck process dθ = −Hθ dt + Q^{1/2} dW. */
export function continuousLyapunov(H: ArrayLike<number>, Q: ArrayLike<number>, d: number): Float64Array {
  checkSquare('H', H, d);
  checkSquare('Q', Q, d);
  // (I − T) vec C = vec Q with T = −(H ⊗ I + I ⊗ H)  ⇔  H C + C Hᵀ = Q
  const I = identityMatrix(d);
  const T = new Float64Array(d ** 4);
  addKron(T, H, I, d, -1);
  addKron(T, I, H, d, -1);
  const n = d * d;
  for (let i = 0; i < n; i++) T[i * n + i] += 1; // I − T = H⊗I + I⊗H: write T' = I − (H⊗I + I⊗H)
  return solveFixedPoint(T, Q, d);
}

/**
 * The stationary second moment M = E[δδᵀ] of δ' = (I − ηĤ)δ − ηĝ with a random matrix Ĥ and a
 * random vector ĝ drawn afresh each step, independent of δ, with E ĝ = 0:
 *   M = E[(I − ηĤ) M (I − ηĤ)ᵀ] + η² E[ĝĝᵀ].
 * `hessians` are the N equally likely per-example matrices h_n (a batch of B drawn with
 * replacement averages B of them); `noise` is Cov(ĝ_B) = E[ĝĝᵀ].
 */
export function stationarySecondMoment(hessians: readonly Float64Array[], batchSize: number, eta: number, noise: ArrayLike<number>, d: number): Float64Array {
  const N = hessians.length;
  const A = new Float64Array(d * d);
  for (const h of hessians) for (let i = 0; i < d * d; i++) A[i] += h[i] / N;
  const I = identityMatrix(d);
  const IA = I.map((v, i) => v - eta * A[i]);
  const T = new Float64Array(d ** 4);
  // E[(I − ηĤ)M(I − ηĤ)] = (I − ηA)M(I − ηA) + η² (E[ĤMĤ] − AMA), and E[ĤMĤ] − AMA = (E_n[h M h] − A M A)/B
  addKron(T, IA, IA, d, 1);
  const w = (eta * eta) / batchSize;
  for (const h of hessians) addKron(T, h, h, d, w / N);
  addKron(T, A, A, d, -w);
  const Q = Float64Array.from(noise, (v) => eta * eta * v);
  return solveFixedPoint(T, Q, d);
}

export const identityMatrix = (d: number): Float64Array => identity(d);

/** Row-major product of d×d matrices (core's matMul). */
export function matMul(a: ArrayLike<number>, b: ArrayLike<number>, d: number): Float64Array {
  return coreMatMul(a, b, d, d, d);
}

export const matTrace = (a: ArrayLike<number>, d: number) => {
  let s = 0;
  for (let i = 0; i < d; i++) s += a[i * d + i];
  return s;
};

export const matInverse = (a: ArrayLike<number>, d: number) => fromMatrix(inverse(toMatrix(a, d, d)));
export const matDeterminant = (a: ArrayLike<number>, d: number) => determinant(toMatrix(a, d, d));

/**
 * KL(N(m₁, C₁) ‖ N(m₂, C₂)) = ½[tr(C₂⁻¹C₁) + (m₂ − m₁)ᵀC₂⁻¹(m₂ − m₁) − d + ln(det C₂/det C₁)].
 * `precision2` is C₂⁻¹ (given, since it is usually known in closed form).
 */
export function gaussianKL(m1: ArrayLike<number>, C1: ArrayLike<number>, m2: ArrayLike<number>, precision2: ArrayLike<number>, d: number): number {
  const PC = matMul(precision2, C1, d);
  let quad = 0;
  for (let i = 0; i < d; i++) for (let j = 0; j < d; j++) quad += (m2[i] - m1[i]) * precision2[i * d + j] * (m2[j] - m1[j]);
  const det = matDeterminant(PC, d);
  return 0.5 * (matTrace(PC, d) + quad - d - Math.log(det));
}

/** Eigen-decomposition of a symmetric d×d matrix: values descending, vectors as rows (measure/hessian's symmetricEigen). */
export { symmetricEigen as eigenSymmetric } from './hessian.js';

/** The angle in degrees, in [0°, 90°], between the lines spanned by two vectors. */
export function axisAngle(u: ArrayLike<number>, v: ArrayLike<number>): number {
  let uv = 0;
  let uu = 0;
  let vv = 0;
  for (let i = 0; i < u.length; i++) {
    uv += u[i] * v[i];
    uu += u[i] * u[i];
    vv += v[i] * v[i];
  }
  const c = Math.min(1, Math.abs(uv) / Math.sqrt(uu * vv));
  return (Math.acos(c) * 180) / Math.PI;
}

/**
 * Overlap of the subspaces spanned by the first k rows of two row-major sets of orthonormal
 * vectors in ℝ^P: ‖UᵀV‖²_F / k ∈ [0, 1] (1: the same subspace; 0: orthogonal). Two independent
 * uniformly random k-dimensional subspaces have expected overlap k/P.
 */
export function subspaceOverlap(U: ArrayLike<number>, V: ArrayLike<number>, k: number, P: number): number {
  if (!Number.isInteger(k) || k < 1 || k > P) throw new ParameterError('k', k, `an integer in [1, ${P}]`);
  let s = 0;
  for (let a = 0; a < k; a++)
    for (let b = 0; b < k; b++) {
      let dot = 0;
      for (let i = 0; i < P; i++) dot += U[a * P + i] * V[b * P + i];
      s += dot * dot;
    }
  return s / k;
}
