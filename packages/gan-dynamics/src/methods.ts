/**
 * Gradient methods for min–max games, each with its own learning rate per player
 * (D = diag(ηₓ, …, ηᵧ, …)). All of them move along the descent field v = (−∇ₓf, ∇ᵧf):
 *
 * - simultaneous GDA:   z ← z + D·v(z)
 * - alternating GDA:    x ← x + ηₓ vₓ(x, y);  y ← y + ηᵧ vᵧ(x_new, y)
 * - extragradient:      w = z + D·v(z);  z ← z + D·v(w)                       (Korpelevich 1976)
 * - optimistic GDA:     z ← z + D·(2v(z_k) − v(z_{k−1}))                     (Daskalakis et al. 2018)
 * - proximal point:     z ← z + D·v(z_new), solved for z_new                   (Rockafellar 1976)
 * - negative momentum:  alternating GDA plus β(z_k − z_{k−1}) with β < 0       (Gidel et al. 2019)
 *
 * Every gradient comes from an *oracle call*; a stochastic oracle adds its noise per call. The
 * optimistic method stores its last noisy gradient and reuses it (one call per step).
 */
import { assertInRange, assertOneOf, assertPositive, LU, ParameterError } from '@snrlab/core';

export const METHODS = ['simultaneous', 'alternating', 'extragradient', 'optimistic', 'proximal', 'negative-momentum'] as const;
export type MethodName = (typeof METHODS)[number];

export const METHOD_TITLES: Record<MethodName, string> = {
  simultaneous: 'simultaneous GDA',
  alternating: 'alternating GDA',
  extragradient: 'extragradient',
  optimistic: 'optimistic GDA',
  proximal: 'proximal point',
  'negative-momentum': 'negative momentum (alternating)',
};

/** A source of (possibly noisy) field evaluations. */
export interface Oracle {
  readonly nx: number;
  readonly dim: number;
  /** out ← ṽ(z), the field at z = z[zOff..zOff+dim) with the randomness of call `call` of the current step. */
  field(z: Float64Array, out: Float64Array, call: number, zOff?: number): void;
  /**
   * Present when ṽ(z) = M·z + ξ_call (a linear game with additive noise): the proximal step is
   * then solved exactly.
   */
  readonly linear?: Float64Array;
}

/** Oracle calls per step; a mini-batch oracle draws a fresh batch for each. */
export function oracleCalls(method: MethodName): number {
  return method === 'simultaneous' || method === 'optimistic' || method === 'proximal' ? 1 : 2;
}

/**
 * Injected-noise draws of dim values per step. Extragradient's two calls use all components of
 * both, so they need two. Alternating GDA and negative momentum read only the x-part of their
 * first call's noise and only the y-part of their second's, so one draw serves both calls: the
 * same law as two independent draws, with half the random numbers.
 */
export function noiseBlocks(method: MethodName): number {
  return method === 'extragradient' ? 2 : 1;
}

/** State per particle: z, plus the stored gradient (optimistic) or previous iterate (momentum). */
export function stateSize(method: MethodName, dim: number): number {
  return method === 'optimistic' || method === 'negative-momentum' ? 2 * dim : dim;
}

export interface MethodOptions {
  method: MethodName;
  learningRateX: number;
  learningRateY: number;
  /** β of negative momentum (Gidel et al. use β ∈ (−1, 0)); ignored by the other methods. */
  momentum?: number;
  /** Fixed-point iterations of the proximal step on non-linear games. */
  proximalIterations?: number;
  /** Relative tolerance of the proximal fixed point; with `strict`, not reaching it throws. */
  proximalTolerance?: number;
  proximalStrict?: boolean;
}

export const DEFAULT_MOMENTUM = -0.5;

export function validateMethod(o: MethodOptions): void {
  assertOneOf('method', o.method, METHODS);
  assertPositive('learningRateX', o.learningRateX);
  assertPositive('learningRateY', o.learningRateY);
  if (o.method === 'negative-momentum') assertInRange('momentum', o.momentum ?? DEFAULT_MOMENTUM, -1, 1, { loOpen: true, hiOpen: true });
}

/**
 * One method bound to an oracle: `step(state, k)` advances one particle's state (stateSize
 * values) by one step; k = 0 is the first step. Scratch buffers are allocated once.
 */
export class Stepper {
  readonly dim: number;
  readonly nx: number;
  readonly size: number;
  private readonly eta: Float64Array;
  private readonly g: Float64Array;
  private readonly w: Float64Array;
  private readonly w2: Float64Array;
  private readonly zero: Float64Array;
  private readonly lu: LU | null = null;
  private readonly beta: number;
  /** Worst relative residual of a proximal fixed point in the last step (0 when exact). */
  proximalResidual = 0;

  constructor(
    readonly oracle: Oracle,
    readonly opts: MethodOptions,
  ) {
    validateMethod(opts);
    const d = (this.dim = oracle.dim);
    this.nx = oracle.nx;
    this.size = stateSize(opts.method, d);
    this.eta = new Float64Array(d);
    for (let i = 0; i < d; i++) this.eta[i] = i < this.nx ? opts.learningRateX : opts.learningRateY;
    this.g = new Float64Array(d);
    this.w = new Float64Array(d);
    this.w2 = new Float64Array(d);
    this.zero = new Float64Array(d);
    this.beta = opts.momentum ?? DEFAULT_MOMENTUM;
    if (opts.method === 'proximal' && oracle.linear) {
      // (I − D·M) z_new = z + D·ξ
      const A = new Float64Array(d * d);
      for (let i = 0; i < d; i++) for (let j = 0; j < d; j++) A[i * d + j] = (i === j ? 1 : 0) - this.eta[i] * oracle.linear[i * d + j];
      try {
        this.lu = new LU(A, d);
      } catch {
        throw new ParameterError('learningRateX', opts.learningRateX, 'learning rates for which I − D·M is invertible', 'the proximal step has no unique solution');
      }
    }
  }

  /**
   * Advance the state at s[o..o+size) (z followed by the method's memory) by one step; k = 0 is
   * the first step.
   */
  step(s: Float64Array, k: number, o = 0): void {
    const { dim: d, nx, eta, g, w, oracle } = this;
    switch (this.opts.method) {
      case 'simultaneous': {
        oracle.field(s, g, 0, o);
        for (let i = 0; i < d; i++) s[o + i] += eta[i] * g[i];
        return;
      }
      case 'alternating': {
        oracle.field(s, g, 0, o);
        for (let i = 0; i < nx; i++) s[o + i] += eta[i] * g[i];
        oracle.field(s, g, 1, o);
        for (let i = nx; i < d; i++) s[o + i] += eta[i] * g[i];
        return;
      }
      case 'extragradient': {
        oracle.field(s, g, 0, o);
        for (let i = 0; i < d; i++) w[i] = s[o + i] + eta[i] * g[i];
        oracle.field(w, g, 1);
        for (let i = 0; i < d; i++) s[o + i] += eta[i] * g[i];
        return;
      }
      case 'optimistic': {
        oracle.field(s, g, 0, o);
        // the stored gradient of step k−1 sits in s[d..2d); the first step reuses the current one
        if (k === 0) for (let i = 0; i < d; i++) s[o + d + i] = g[i];
        for (let i = 0; i < d; i++) {
          s[o + i] += eta[i] * (2 * g[i] - s[o + d + i]);
          s[o + d + i] = g[i];
        }
        return;
      }
      case 'proximal':
        this.proximal(s, o);
        return;
      case 'negative-momentum': {
        const beta = this.beta;
        // previous iterate in s[d..2d); at k = 0 it equals z (no momentum on the first step)
        if (k === 0) for (let i = 0; i < d; i++) s[o + d + i] = s[o + i];
        oracle.field(s, g, 0, o);
        for (let i = 0; i < nx; i++) {
          const zi = s[o + i];
          s[o + i] = zi + eta[i] * g[i] + beta * (zi - s[o + d + i]);
          s[o + d + i] = zi;
        }
        oracle.field(s, g, 1, o);
        for (let i = nx; i < d; i++) {
          const zi = s[o + i];
          s[o + i] = zi + eta[i] * g[i] + beta * (zi - s[o + d + i]);
          s[o + d + i] = zi;
        }
        return;
      }
    }
  }

  private proximal(s: Float64Array, o: number): void {
    const { dim: d, eta, g, w, w2, oracle } = this;
    if (this.lu) {
      // linear game with additive noise: ṽ(0) = ξ, so z_new = (I − D M)⁻¹ (z + D ξ)
      oracle.field(this.zero, g, 0);
      for (let i = 0; i < d; i++) w[i] = s[o + i] + eta[i] * g[i];
      this.lu.solve(w, w2);
      for (let i = 0; i < d; i++) s[o + i] = w2[i];
      this.proximalResidual = 0;
      return;
    }
    // fixed point w = z + D ṽ(w) (a contraction when η·Lip(v) < 1), to a tolerance relative to
    // |w| so that it stays accurate near the equilibrium; warm start from explicit GDA
    const maxIt = this.opts.proximalIterations ?? 200;
    const tol = this.opts.proximalTolerance ?? 1e-13;
    oracle.field(s, g, 0, o);
    for (let i = 0; i < d; i++) w[i] = s[o + i] + eta[i] * g[i];
    let res = Infinity;
    for (let it = 0; it < maxIt; it++) {
      oracle.field(w, g, 0);
      let diff = 0;
      let norm = 0;
      for (let i = 0; i < d; i++) {
        const v = s[o + i] + eta[i] * g[i];
        diff = Math.max(diff, Math.abs(v - w[i]));
        norm = Math.max(norm, Math.abs(v));
        w[i] = v;
      }
      res = diff / Math.max(norm, Number.MIN_VALUE);
      if (res <= tol) break;
    }
    this.proximalResidual = res;
    if (this.opts.proximalStrict !== false && !(res <= tol)) {
      throw new ParameterError(
        'learningRate',
        Math.max(this.opts.learningRateX, this.opts.learningRateY),
        'a learning rate small enough that the proximal fixed point converges (η·Lip(v) < 1)',
        `residual ${res.toExponential(2)} after ${maxIt} iterations`,
      );
    }
    for (let i = 0; i < d; i++) s[o + i] = w[i];
  }
}

/** Put z₀ into a fresh state vector for `method`. */
export function initialState(method: MethodName, z0: ArrayLike<number>): Float64Array {
  const d = z0.length;
  const s = new Float64Array(stateSize(method, d));
  for (let i = 0; i < d; i++) s[i] = z0[i];
  if (method === 'negative-momentum') for (let i = 0; i < d; i++) s[d + i] = z0[i];
  return s;
}
