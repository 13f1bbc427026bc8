/**
 * Noisy ensembles of a linear game on the `@snrlab/tensor` registry's `game-step` kernel, for any
 * backend that registers it — the GPU (`webgpu`, float32) included. The js path of the
 * experiments keeps `runGameEnsemble` (its own noise layout, its golden bytes); this module is the
 * way onto other backends.
 *
 * The kernel has simultaneous, alternating, extragradient and optimistic GDA with Gaussian noise
 * σ·ξ added to every gradient evaluation, with the same laws as methods.ts (alternating GDA reads
 * the x-part of one draw in its first call and the y-part in its second; extragradient draws twice;
 * optimistic stores its last noisy gradient). On webgpu particle p draws from
 * stream.child(firstParticle + p), Box–Muller in float32: the same law as the js ensemble, other
 * numbers.
 *
 * Moments are recorded every `recordEvery` steps, as in `runGameEnsemble`: the kernel runs in
 * chunks between recorded steps (its `stepOffset` continues the same streams). Divergence
 * (|z| > 10¹², or non-finite) is checked at the recorded steps.
 */
import { assertInteger, DivergenceError, Moments, ParameterError, type Stream } from '@snrlab/core';
import { getKernel, toleranceOf, type GameMethod, type Tolerance } from '@snrlab/tensor';
import type { Game } from './games.js';
import { stateSize, type MethodName } from './methods.js';
import { DIVERGENCE_RADIUS, type EnsembleResult, type Observable } from './run.js';

const BLOCK = 4096;

/** The methods the registry's `game-step` kernel runs. */
export const KERNEL_METHODS: readonly MethodName[] = ['simultaneous', 'alternating', 'extragradient', 'optimistic'];

export function onGameKernel(method: MethodName): method is GameMethod {
  return (KERNEL_METHODS as readonly string[]).includes(method);
}

export interface KernelEnsembleOptions {
  method: MethodName;
  learningRateX: number;
  learningRateY: number;
  game: Game;
  z0: ArrayLike<number>;
  steps: number;
  particles: number;
  /** Gaussian noise scale σ per component. */
  sigma: number;
  stream: Stream;
  /** The backend whose `game-step` kernel runs (a missing pair is a KernelUnavailableError). */
  backend: string;
  recordEvery?: number;
  observables?: Observable[];
}

export interface KernelEnsembleResult extends EnsembleResult {
  /** The backend that ran the kernel (record it with `usedBackend`). */
  backend: string;
  precision: 'float64' | 'float32';
  tolerance: Tolerance;
}

export async function runGameEnsembleOnKernel(o: KernelEnsembleOptions): Promise<KernelEnsembleResult> {
  if (!onGameKernel(o.method)) throw new ParameterError('method', o.method, `one the game-step kernel runs: ${KERNEL_METHODS.join(', ')}`);
  const M = o.game.matrix;
  if (!M) throw new ParameterError('game', o.game.name, 'a linear game v(z) = M z for the game-step kernel');
  assertInteger('particles', o.particles, { min: 1 });
  assertInteger('steps', o.steps, { min: 1 });
  const every = o.recordEvery ?? 1;
  assertInteger('recordEvery', every, { min: 1 });
  const d = o.game.dim;
  const N = o.particles;
  const S = stateSize(o.method, d);
  const state = new Float64Array(N * S);
  for (let p = 0; p < N; p++) for (let i = 0; i < d; i++) state[p * S + i] = o.z0[i];
  const eta = new Float64Array(d);
  for (let i = 0; i < d; i++) eta[i] = i < o.game.nx ? o.learningRateX : o.learningRateY;
  const def = getKernel('game-step', o.backend);
  const observables = o.observables ?? [];
  const result: KernelEnsembleResult = {
    steps: [],
    r2: [],
    observed: Object.fromEntries(observables.map((ob) => [ob.name, []])),
    final: new Float64Array(N * d),
    backend: def.backend,
    precision: def.precision ?? 'float64',
    tolerance: toleranceOf(def as never),
  };
  const limit2 = DIVERGENCE_RADIUS * DIVERGENCE_RADIUS;
  const record = (k: number) => {
    const m = new Moments();
    for (let p = 0; p < N; p++) {
      let r2 = 0;
      for (let i = 0; i < d; i++) r2 += state[p * S + i] ** 2;
      if (!(r2 <= limit2)) {
        throw new DivergenceError(k, k, p, Math.sqrt(r2), { steps: result.steps.slice(), r2: result.r2.map((x) => x.toJSON()) }, `|z| exceeded ${DIVERGENCE_RADIUS} with ${o.method} on the ${def.backend} game-step kernel (checked every ${every} steps)`);
      }
      m.push(r2);
    }
    result.steps.push(k);
    result.r2.push(m);
    for (const ob of observables) {
      const mo = new Moments();
      for (let p = 0; p < N; p++) mo.push(ob.fn(state, p * S));
      result.observed[ob.name].push(mo);
    }
  };
  record(0);
  // js draws per block from child(firstBlock + b) afresh on every call: each chunk takes its own
  // blocks; webgpu continues particle p's stream child(p) `stepOffset` steps in
  const blocks = Math.ceil(N / BLOCK);
  for (let k = 0, chunk = 0; k < o.steps; chunk++) {
    const next = Math.min(o.steps, (Math.floor(k / every) + 1) * every);
    const r = await def.run({ state, n: N, d, nx: o.game.nx, M, eta, sigma: o.sigma, method: o.method, steps: next - k, stepOffset: k, stream: o.stream, firstParticle: 0, blockSize: BLOCK, firstBlock: chunk * blocks });
    if (r.divergence) {
      const p = Math.floor(r.divergence.index / S);
      throw new DivergenceError(k + r.divergence.step, k + r.divergence.step, p, NaN, {}, `a non-finite iterate with ${o.method} on the ${def.backend} game-step kernel`);
    }
    k = next;
    record(k);
  }
  for (let p = 0; p < N; p++) for (let i = 0; i < d; i++) result.final[p * d + i] = state[p * S + i];
  return result;
}

/**
 * An allowance for a second moment (E r², E Q) of float32 kernel states: every step rounds each
 * coordinate with relative error ≤ 2⁻²⁴ (round to nearest, unbiased); over `steps` steps (and the
 * start) the errors add at most in quadrature, so a second moment moves by at most
 * 2·2⁻²⁴·√(steps + 1) of its size. Undefined for float64.
 */
export function float32MomentBound(precision: 'float64' | 'float32', size: number, steps: number): number | undefined {
  if (precision !== 'float32') return undefined;
  return 2 * 2 ** -24 * Math.sqrt(steps + 1) * Math.abs(size);
}
