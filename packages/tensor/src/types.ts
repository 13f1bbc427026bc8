import type { NdArray } from 'ndarray';
import type { BackendLike, EnsembleNoise, Stream } from '@snrlab/core';
import type { PolynomialPotential } from './kernel-types.js';

export type BackendName = 'js' | 'wasm' | 'cpu' | 'node' | 'node-gpu';

/**
 * Drift of an ensemble step, applied to every coordinate of every particle.
 * - `linear`: −rate·(x − center) (Ornstein–Uhlenbeck)
 * - `double-well`: x − x³ + tilt, i.e. −U′ for U = x⁴/4 − x²/2 − tilt·x
 * - `polynomial`: −U′ for U = Σ_k c_k x^k (`coefficients`: c_0, c_1, …), by Horner's rule — a new
 *   drift is data
 * - `batched`: any drift, computed for the whole ensemble at once: fill `out` (N·d) from `x`
 */
export type Drift =
  | { kind: 'linear'; rate: number; center?: number }
  | { kind: 'double-well'; tilt?: number }
  | PolynomialPotential
  | { kind: 'batched'; fn: (x: Float64Array, out: Float64Array, n: number, d: number, t: number) => void };

/** The drifts given as data (not functions), which kernels fuse with the noise. */
export type ClosedFormDrift = Exclude<Drift, { kind: 'batched' }>;

/** Where a run of several steps first produced a non-finite value. */
export interface Divergence {
  /** 1-based step within the run. */
  step: number;
  /** Index of the coordinate in x (particle-major). */
  index: number;
}

export interface EMStepParams {
  dt: number;
  /** Noise amplitude: the increment is sigma·√dt·ξ. A scalar, or one value per dimension. */
  sigma: number | Float64Array;
  /** Time at the start of the step (passed to batched drifts). */
  t?: number;
}

/** Reusable buffers for ensemble steps, so that a step allocates nothing. */
export interface StepScratch {
  noise: Float64Array;
  drift: Float64Array;
}

export interface Backend extends BackendLike {
  readonly name: BackendName | string;
  readonly priority: number;
  readonly precision: 'float64' | 'float32';
  /** npm package behind the backend and its version, for manifests. */
  readonly packageName?: string;
  readonly version?: string;
  /** Fill `out` with N(0,1) from a core stream, or block-wise from an ensemble's noise. */
  fillNormal(source: Stream | EnsembleNoise, out: Float64Array): Float64Array;
  /**
   * One Euler–Maruyama step x ← x + f(x)·dt + σ√dt·ξ for N particles × d dimensions
   * (particle-major). Returns the index of the first non-finite coordinate, or −1.
   */
  emStep(x: Float64Array, n: number, d: number, drift: Drift, p: EMStepParams, noise: EnsembleNoise, scratch?: StepScratch): number;
  /**
   * Optional: `steps` Euler–Maruyama steps at once, for a drift given as data and a scalar sigma,
   * in the order the backend runs fastest; the same bytes as `steps` calls of `emStep`. The js
   * backend runs each block of particles through all the steps while it sits in cache. Returns
   * null, or the divergence step-by-step stepping would meet first (1-based step, index); x is
   * then left part-way.
   */
  emSteps?(x: Float64Array, n: number, d: number, drift: ClosedFormDrift, p: { dt: number; sigma: number }, steps: number, noise: EnsembleNoise): Divergence | null;
  /** C = A·B for 2-D arrays. */
  matmul(a: NdArray, b: NdArray): NdArray<Float64Array>;
  /** C[i] = A[i]·B[i] for 3-D arrays [batch, m, k]·[batch, k, n]. */
  batchedMatmul(a: NdArray, b: NdArray): NdArray<Float64Array>;
  /** Mean along `axis` (all elements if omitted). */
  mean(x: NdArray, axis?: number): NdArray<Float64Array>;
  /** Variance along `axis` with `ddof` (default 1). */
  variance(x: NdArray, axis?: number, ddof?: number): NdArray<Float64Array>;
  /** Covariance of the columns of an n×d array (rows are samples), d×d. */
  covariance(x: NdArray, ddof?: number): NdArray<Float64Array>;
  dispose(): void;
}

export function makeScratch(size: number): StepScratch {
  return { noise: new Float64Array(size), drift: new Float64Array(size) };
}
