/**
 * Exact theory for linear games. On a linear game with additive gradient noise every method is
 * a linear recursion s_{k+1} = T s_k + B ξ_k on its state s (z, plus its memory), with ξ the
 * noise of all the step's oracle calls. T and B are read off the method itself (stepping basis
 * vectors), so the theory is the implementation's own linear map, not a second derivation:
 *
 *   growth factor per step     ρ(T) (spectral radius)
 *   mean and covariance        m_{k+1} = T m_k,  C_{k+1} = T C_k Tᵀ + σ² B Bᵀ
 *   E r²_k = |E z_k|² + tr Cov z_k, and the stationary spread from the discrete Lyapunov equation.
 *
 * The closed forms below (for f = xy with one step η) are what the issue pins; tests check that
 * the recursion reproduces them and that simulations agree with both.
 */
import type { Game } from './games.js';
import { identity, matMul, spectralRadius, transpose } from '@snrlab/core';
import { initialState, noiseBlocks, Stepper, validateMethod, type MethodOptions } from './methods.js';
import { InjectedNoiseOracle } from './run.js';

export interface LinearUpdate {
  /** State size S and noise values per step (noiseBlocks × dim). */
  size: number;
  noiseSize: number;
  dim: number;
  /** The general step (k ≥ 1) and the first step (k = 0), S×S and S×noiseSize. */
  T: Float64Array;
  B: Float64Array;
  T0: Float64Array;
  B0: Float64Array;
}

/** Read the linear update of `method` on a linear game off its implementation. */
export function linearUpdate(game: Game, opts: MethodOptions): LinearUpdate {
  if (!game.matrix) throw new TypeError(`linearUpdate: ${game.name} is not a linear game`);
  validateMethod(opts);
  const d = game.dim;
  const blocks = noiseBlocks(opts.method);
  const oracle = new InjectedNoiseOracle(game, blocks);
  const stepper = new Stepper(oracle, opts);
  const S = stepper.size;
  const P = blocks * d;
  const read = (k: number) => {
    const T = new Float64Array(S * S);
    const B = new Float64Array(S * P);
    const s = new Float64Array(S);
    oracle.noise.fill(0);
    for (let j = 0; j < S; j++) {
      s.fill(0);
      s[j] = 1;
      stepper.step(s, k);
      for (let i = 0; i < S; i++) T[i * S + j] = s[i];
    }
    for (let j = 0; j < P; j++) {
      s.fill(0);
      oracle.noise.fill(0);
      oracle.noise[j] = 1;
      stepper.step(s, k);
      for (let i = 0; i < S; i++) B[i * P + j] = s[i];
    }
    oracle.noise.fill(0);
    return { T, B };
  };
  const first = read(0);
  const general = read(1);
  return { size: S, noiseSize: P, dim: d, T: general.T, B: general.B, T0: first.T, B0: first.B };
}

/** Asymptotic growth factor of |z| per step: the spectral radius of the method's linear map. */
export function growthFactorTheory(game: Game, opts: MethodOptions): number {
  const u = linearUpdate(game, opts);
  return spectralRadius(u.T, u.size);
}

export interface ExpectedQuadratic {
  /** E r²_k for k = 0..steps. */
  r2: Float64Array;
  /** E[zᵀWz]_k when a weight matrix W (dim×dim) was given. */
  quadratic?: Float64Array;
}

/**
 * Exact E r²_k (and E zᵀWz) of a method on a linear game from z₀, with i.i.d. noise of
 * variance σ² in every component of every oracle call.
 */
export function expectedSquaredRadius(game: Game, opts: MethodOptions, z0: ArrayLike<number>, sigma: number, steps: number, W?: Float64Array): ExpectedQuadratic {
  const u = linearUpdate(game, opts);
  const { size: S, noiseSize: P, dim: d } = u;
  const Q0 = matMul(u.B0, transpose(u.B0, S, P), S, P, S).map((v) => v * sigma * sigma);
  const Q = matMul(u.B, transpose(u.B, S, P), S, P, S).map((v) => v * sigma * sigma);
  const T0t = transpose(u.T0, S, S);
  const Tt = transpose(u.T, S, S);
  let m: Float64Array = initialState(opts.method, z0);
  let C: Float64Array = new Float64Array(S * S);
  const r2 = new Float64Array(steps + 1);
  const quad = W ? new Float64Array(steps + 1) : undefined;
  const measure = (k: number) => {
    let s = 0;
    for (let i = 0; i < d; i++) s += m[i] * m[i] + C[i * S + i];
    r2[k] = s;
    if (W && quad) {
      let q = 0;
      for (let i = 0; i < d; i++) for (let j = 0; j < d; j++) q += W[i * d + j] * (m[i] * m[j] + C[i * S + j]);
      quad[k] = q;
    }
  };
  measure(0);
  for (let k = 0; k < steps; k++) {
    const [T, Tt_, N] = k === 0 ? [u.T0, T0t, Q0] : [u.T, Tt, Q];
    m = matMul(T, m, S, S, 1);
    C = matMul(matMul(T, C, S, S, S), Tt_, S, S, S);
    for (let i = 0; i < S * S; i++) C[i] += N[i];
    measure(k + 1);
  }
  return { r2, ...(quad ? { quadratic: quad } : {}) };
}

/**
 * Stationary E r² = tr Cov z of a convergent method (ρ(T) < 1) under noise σ², from the discrete
 * Lyapunov equation C = T C Tᵀ + σ² B Bᵀ (solved by doubling). Infinity when ρ(T) ≥ 1 (to within 10⁻⁹).
 */
export function stationarySquaredRadius(game: Game, opts: MethodOptions, sigma: number): number {
  const u = linearUpdate(game, opts);
  const { size: S, noiseSize: P, dim: d } = u;
  // ρ = 1 to rounding (alternating GDA on a bilinear game) has no stationary spread either
  if (spectralRadius(u.T, S) >= 1 - 1e-9) return Infinity;
  const C = matMul(u.B, transpose(u.B, S, P), S, P, S).map((v) => v * sigma * sigma);
  let A: Float64Array = u.T.slice();
  for (let it = 0; it < 200; it++) {
    const add = matMul(matMul(A, C, S, S, S), transpose(A, S, S), S, S, S);
    let big = 0;
    let norm = 0;
    for (let i = 0; i < S * S; i++) {
      big = Math.max(big, Math.abs(add[i]));
      C[i] += add[i];
      norm = Math.max(norm, Math.abs(C[i]));
    }
    A = matMul(A, A, S, S, S);
    if (big <= 1e-17 * norm) break;
  }
  let tr = 0;
  for (let i = 0; i < d; i++) tr += C[i * S + i];
  return tr;
}

/**
 * The quadratic form alternating GDA conserves on a bilinear game xᵀAy:
 * Q = |x|² + (ηₓ/ηᵧ)|y|² − ηₓ·xᵀAy (for ηₓ = ηᵧ = η and f = xy: x² + y² − ηxy). Returned as W
 * with Q = zᵀWz.
 */
export function alternatingInvariant(game: Game, learningRateX: number, learningRateY: number): Float64Array {
  const M = game.matrix;
  if (!M) throw new TypeError(`alternatingInvariant: ${game.name} is not a linear game`);
  const d = game.dim;
  const nx = game.nx;
  const W = identity(d);
  for (let i = nx; i < d; i++) W[i * d + i] = learningRateX / learningRateY;
  for (let i = 0; i < nx; i++) {
    for (let j = nx; j < d; j++) {
      const Aij = -M[i * d + j]; // the x-rows of M hold −A
      W[i * d + j] = W[j * d + i] = -0.5 * learningRateX * Aij;
    }
  }
  return W;
}

export function quadraticForm(W: Float64Array, z: ArrayLike<number>, d: number, off = 0): number {
  let q = 0;
  for (let i = 0; i < d; i++) {
    let row = 0;
    for (let j = 0; j < d; j++) row += W[i * d + j] * z[off + j];
    q += z[off + i] * row;
  }
  return q;
}

// --- closed forms for f = xy with step η (both players) ------------------------------------------

/** Simultaneous GDA: r_{k+1} = √(1+η²)·r_k. */
export const simultaneousGrowth = (eta: number): number => Math.sqrt(1 + eta * eta);
/** Extragradient: r_{k+1} = √(1 − η² + η⁴)·r_k. */
export const extragradientGrowth = (eta: number): number => Math.sqrt(1 - eta * eta + eta ** 4);
/** Proximal point: r_{k+1} = r_k/√(1+η²). */
export const proximalGrowth = (eta: number): number => 1 / Math.sqrt(1 + eta * eta);

/** Optimistic GDA: largest |λ| of λ² − (1 + 2iη)λ + iη = 0 (0.994936 at η = 0.1, 1/√2 at η = 0.5). */
export function optimisticGrowth(eta: number): number {
  // roots λ = [(1 + 2iη) ± √(1 − 4η²)]/2; the square root is real for η ≤ ½, imaginary beyond
  const disc = 1 - 4 * eta * eta;
  if (disc >= 0) {
    const s = Math.sqrt(disc);
    return Math.max(Math.hypot((1 + s) / 2, eta), Math.hypot((1 - s) / 2, eta));
  }
  const s = Math.sqrt(-disc);
  return Math.max(Math.hypot(0.5, eta + s / 2), Math.hypot(0.5, eta - s / 2));
}

/** Simultaneous GDA with noise variance σ² per component: E r²_k = (1+η²)^k r₀² + 2σ²((1+η²)^k − 1). */
export function simultaneousMeanR2(k: number, eta: number, sigma: number, r0: number): number {
  const g = Math.pow(1 + eta * eta, k);
  return g * r0 * r0 + 2 * sigma * sigma * (g - 1);
}

/** Alternating GDA: E Q_k = Q₀ + 2η²σ²k with Q = x² + y² − ηxy. */
export function alternatingMeanQ(k: number, eta: number, sigma: number, Q0: number): number {
  return Q0 + 2 * eta * eta * sigma * sigma * k;
}

/**
 * Alternating GDA on xᵀAy (A n×m) with learning rates ηₓ, ηᵧ: E Q_k = Q₀ + k·σ²·ηₓ(ηₓ n + ηᵧ m)
 * for Q of `alternatingInvariant` (reduces to 2η²σ² per step for f = xy).
 */
export function alternatingDriftPerStep(learningRateX: number, learningRateY: number, nx: number, ny: number, sigma: number): number {
  return sigma * sigma * learningRateX * (learningRateX * nx + learningRateY * ny);
}

/** Extragradient (independent noise in both calls): E r²_k = ρ^k r₀² + c(1 − ρ^k)/(1 − ρ), ρ = 1 − η² + η⁴, c = 2σ²η²(1 + η²). */
export function extragradientMeanR2(k: number, eta: number, sigma: number, r0: number): number {
  const rho = 1 - eta * eta + eta ** 4;
  const c = 2 * sigma * sigma * eta * eta * (1 + eta * eta);
  const g = Math.pow(rho, k);
  return g * r0 * r0 + (c * (1 - g)) / (1 - rho);
}

/** Extragradient's stationary spread: E r² → 2σ²(1 + η²)/(1 − η²). */
export function extragradientStationaryR2(eta: number, sigma: number): number {
  return (2 * sigma * sigma * (1 + eta * eta)) / (1 - eta * eta);
}

/** Rotation plus diffusion dz = Jz dt + s dW in d dimensions: E r² = r₀² + d·s²·t (2s²t in the plane). */
export function continuousMeanR2(t: number, s: number, r0: number, d = 2): number {
  return r0 * r0 + d * s * s * t;
}
