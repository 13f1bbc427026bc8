/**
 * The arguments and results of the kernel family, as plain data. Physics is data: a potential
 * is its polynomial coefficients, a game is its matrix. Every random kernel takes the stream it
 * draws from (a core `Stream`, or its `state()`); kernels derive per-block (js) or per-particle
 * (webgpu) child streams from it exactly as core's `Stream.child` does.
 */
import type { NdArray } from 'ndarray';
import type { EnsembleNoise, Stream, StreamState } from '@snrlab/core';
import type { ClosedFormDrift, Divergence, Drift, StepScratch } from './types.js';
import type { RdmeCleArgs, RdmeCleResult } from './rdme-kernels.js';

/** A stream identity: a core Stream, its state(), or the bare key/id words. */
export type StreamLike = Stream | StreamState | { key: readonly [number, number]; id: readonly [number, number] };

/**
 * A separable polynomial potential U(x) = Σ_k c_k x^k, applied to every coordinate; the drift
 * is −U′(x), evaluated by Horner's rule on the derivative's coefficients (k+1)·c_{k+1}.
 * Examples: harmonic (stiffness κ, centre m) [κm²/2, −κm, κ/2]; tilted double well
 * x⁴/4 − x²/2 − tilt·x → [0, −tilt, −1/2, 0, 1/4]; add a cubic term by setting c_3.
 */
export interface PolynomialPotential {
  kind: 'polynomial';
  coefficients: readonly number[];
}

/** Ensemble drifts as data: the closed forms 'linear' and 'double-well' (their bytes are kept) or a polynomial potential. */
export type KernelDrift = ClosedFormDrift;

export interface EnsembleEMArgs {
  /** N·d values, particle-major; advanced in place. */
  x: Float64Array;
  n: number;
  d: number;
  drift: KernelDrift;
  dt: number;
  /** Noise amplitude: the increment is sigma·√dt·ξ (sigma = √(2T) for overdamped Langevin). */
  sigma: number;
  steps: number;
  stream: StreamLike;
  /** js: particles per noise block (block b draws from child(firstBlock + b)); default 4096. */
  blockSize?: number;
  firstBlock?: number;
  /**
   * webgpu: particle p draws from child(firstParticle + p), `stepOffset` steps in (so a run can be
   * split across calls and continue the same streams); default 0.
   */
  firstParticle?: number;
  stepOffset?: number;
}

export interface EnsembleResult {
  /** null, or the first divergence (see each backend's declared semantics). */
  divergence: Divergence | null;
}

export interface BAOABArgs {
  /** Positions and momenta, N·d each, particle-major; advanced in place. */
  q: Float64Array;
  p: Float64Array;
  n: number;
  d: number;
  potential: PolynomialPotential;
  dt: number;
  friction: number;
  temperature: number;
  mass?: number;
  steps: number;
  stream: StreamLike;
  blockSize?: number;
  firstBlock?: number;
  firstParticle?: number;
  stepOffset?: number;
}

export type GameMethod = 'simultaneous' | 'alternating' | 'extragradient' | 'optimistic' | 'proximal' | 'negative-momentum';

/**
 * Noisy steps of a linear game v(z) = M z (z = (x, y), x the first nx coordinates), with noise
 * σ·ξ added to every gradient evaluation (the laws of gan-dynamics' methods.ts; D = diag η):
 * - simultaneous: z ← z + η⊙(Mz + σξ)
 * - alternating:  x ← x + ηₓ⊙(M z + σξ)ₓ; then y ← y + ηᵧ⊙(M z_new + σξ)ᵧ
 * - extragradient: w = z + η⊙(Mz + σξ₁); z ← z + η⊙(Mw + σξ₂)
 * - optimistic:   g = Mz + σξ; z ← z + η⊙(2g − g_prev) (g_prev = g at the first step)
 * - proximal (js): z ← (I − D M)⁻¹ (z + D σξ)
 * - negative-momentum (js): alternating GDA plus β·(z − z_prev) per coordinate (z_prev = z at the
 *   first step)
 */
export interface GameStepArgs {
  /**
   * N·S values: per particle z (d values), then g_prev (optimistic) or z_prev (negative-momentum),
   * d values (S = 2d); else S = d.
   */
  state: Float64Array;
  n: number;
  d: number;
  nx: number;
  /** d×d row-major. */
  M: ArrayLike<number>;
  /** Learning rate per coordinate (length d), or one for all. */
  eta: number | ArrayLike<number>;
  /** Noise scale σ ≥ 0; σ = 0 draws nothing (js). */
  sigma: number;
  method: GameMethod;
  /** β ∈ (−1, 1) of 'negative-momentum'. */
  momentum?: number;
  steps: number;
  /** Steps already taken (optimistic, negative momentum: the first step, k = 0, sets the stored value). */
  stepOffset?: number;
  /**
   * The stream the noise comes from. js: block b of `blockSize` particles draws from
   * stream.child(firstBlock + b) afresh at every call; an EnsembleNoise (n particles × the method's
   * draws per step: d, or 2d for extragradient) continues its block streams from call to call.
   */
  stream: StreamLike | EnsembleNoise;
  /**
   * js: symmetric α-stable noise (α ∈ (0, 2]) of scale σ/√2 (core's `stableSymmetric`, whose α = 2
   * law is N(0, σ²)) instead of Gaussian, drawn in particle order from each block's stream.
   */
  alpha?: number;
  /**
   * A particle diverges when !(|z|² ≤ radius²) (|z| beyond radius, or NaN); the divergence's index
   * is the particle's first value. Default: |z|² overflows or is NaN (any non-finite coordinate).
   */
  radius?: number;
  blockSize?: number;
  firstBlock?: number;
  firstParticle?: number;
}

export interface DenseLayer {
  /** in×out row-major weights. */
  W: Float64Array;
  /** out biases. */
  b: Float64Array;
  in: number;
  out: number;
}

export interface MLPNormsArgs {
  /** batch×in inputs, row-major. */
  x: Float64Array;
  /** Class labels, one per example. */
  labels: ArrayLike<number>;
  layers: readonly DenseLayer[];
  batch: number;
}

export interface MLPNormsResult {
  /** |∇ℓ_i|² over all parameters, per example (BatchL2: |u_i|²|δ_i|² + |δ_i|² per dense layer). */
  norms: Float64Array;
  /** Per-example softmax cross-entropy losses. */
  loss: Float64Array;
}

export interface PhiloxWordsArgs {
  stream: StreamLike;
  /** Children child(first) … child(first + particles − 1) of the stream. */
  particles: number;
  first?: number;
  /** Words per child, starting at word position `offset` of each child. */
  words: number;
  offset?: number;
}

export interface NormalsArgs {
  stream: StreamLike;
  particles: number;
  first?: number;
  /** Normals per child. */
  count: number;
}

/**
 * One gate of a statevector layer. Single-qubit gates: fixed ('h', 'x', 'y', 'z', 's', 'sdg', 't'),
 * rotations ('rx', 'ry', 'rz', angle θ: exp(−iθP/2)) and a general unitary ('u', its 2×2 complex
 * matrix [u00r, u00i, u01r, u01i, u10r, u10i, u11r, u11i]). Two-qubit gates: 'cnot' (wires
 * [control, target]), 'cz', 'swap'. A parameter is a number (the same for every state of the
 * batch) or `{ param: k }`: the k-th of the batch element's own parameters (`params[b·nParams + k]`,
 * 8 consecutive ones for 'u'). Qubit q is bit q of the basis index (little-endian, as in Qiskit).
 */
export type StatevectorGate =
  | { gate: 'h' | 'x' | 'y' | 'z' | 's' | 'sdg' | 't'; wires: readonly [number] }
  | { gate: 'rx' | 'ry' | 'rz'; wires: readonly [number]; theta: number | { param: number } }
  | { gate: 'u'; wires: readonly [number]; matrix: readonly number[] | { param: number } }
  | { gate: 'cnot' | 'cz' | 'swap'; wires: readonly [number, number] };

export interface StatevectorLayerArgs {
  /** batch·2^qubits real and imaginary parts, state-major; advanced in place. */
  re: Float64Array;
  im: Float64Array;
  qubits: number;
  batch: number;
  /** Applied in order to every state of the batch. */
  gates: readonly StatevectorGate[];
  /** batch·nParams per-state parameters (angles, 'u' matrices), when a gate refers to one. */
  params?: ArrayLike<number>;
  nParams?: number;
}

export interface ShotSampleArgs {
  /** rows·dim outcome probabilities (non-negative, normalised per row or not). */
  probabilities: Float64Array;
  dim: number;
  /** Sample b draws from probability row rows[b] (default: b itself, one sample per row). */
  rows?: ArrayLike<number>;
  /** Shots of each sample: one number for all, or one per sample. */
  shots: number | ArrayLike<number>;
  /** Number of samples B (default: rows.length, or the number of probability rows). */
  samples?: number;
  stream: StreamLike;
  /** Sample b draws from child(first + b); its shot s reads word s. */
  first?: number;
}

/** The kernel family: name → { args, result }. Engines add their own by declaration merging. */
export interface KernelTypes {
  'fill-normal': { args: { source: Stream | EnsembleNoise; out: Float64Array }; result: Float64Array };
  'em-step': {
    args: { x: Float64Array; n: number; d: number; drift: Drift; dt: number; sigma: number | Float64Array; t?: number; noise: EnsembleNoise; scratch?: StepScratch };
    result: number;
  };
  'ensemble-em': { args: EnsembleEMArgs; result: EnsembleResult };
  baoab: { args: BAOABArgs; result: EnsembleResult };
  'game-step': { args: GameStepArgs; result: EnsembleResult };
  matmul: { args: { a: NdArray; b: NdArray }; result: NdArray<Float64Array> };
  'batched-matmul': { args: { a: NdArray; b: NdArray }; result: NdArray<Float64Array> };
  mean: { args: { x: NdArray; axis?: number }; result: NdArray<Float64Array> };
  variance: { args: { x: NdArray; axis?: number; ddof?: number }; result: NdArray<Float64Array> };
  covariance: { args: { x: NdArray; ddof?: number }; result: NdArray<Float64Array> };
  /** One dense layer's per-example squared gradient norms from its inputs U [B×K] and output gradients Δ [B×C]. */
  'per-example-norms': { args: { u: Float64Array; delta: Float64Array; batch: number; inputs: number; outputs: number; bias?: boolean }; result: Float64Array };
  'mlp-per-example-norms': { args: MLPNormsArgs; result: MLPNormsResult };
  /** Raw Philox4x32-10 words of child streams: bit-identical on every backend. */
  'philox-words': { args: PhiloxWordsArgs; result: Uint32Array };
  /** N(0,1) from child streams: ziggurat (js) or Box–Muller in float32 (webgpu): the same law, other numbers. */
  normals: { args: NormalsArgs; result: Float64Array };
  /** A layer of gates on a batch of statevectors, in place. */
  'statevector-layer': { args: StatevectorLayerArgs; result: void };
  /** Measurement counts: B·dim integers, shot s of sample b an outcome drawn with its row's probabilities. */
  'shot-sample': { args: ShotSampleArgs; result: Uint32Array };
  /** Replicas of the RDME's chemical Langevin equation on a grid: windowed per-voxel moments, total-count snapshots (rdme-kernels.ts). */
  'rdme-cle': { args: RdmeCleArgs; result: RdmeCleResult };
  'rdme-tau-leap': { args: import('./rdme-kernels.js').RdmeTauLeapArgs; result: import('./rdme-kernels.js').RdmeTauLeapResult };
}
