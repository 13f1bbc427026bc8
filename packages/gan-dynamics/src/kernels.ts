/**
 * Fused ensemble steps for linear games v(z) = M z with injected noise, on the `@snrlab/tensor`
 * registry's js `game-step` kernel: the same updates as `Stepper` (methods.ts) as one loop over a
 * block of particles, with the draws made per block as it runs. The loops live in tensor, once;
 * this module maps a game, a method and a noise law onto the kernel's data. Tests check that the
 * kernel agrees with the generic stepper to rounding, so the method definitions stay in one place
 * (methods.ts).
 */
import type { EnsembleNoise } from '@snrlab/core';
import { getKernel, type Divergence, type GameMethod } from '@snrlab/tensor';
import type { MethodName } from './methods.js';
import { isSilent, type NoiseSpec } from './noise.js';

export interface LinearGameKernelOptions {
  /** N·S values (S = 2d for optimistic GDA and negative momentum, else d), advanced in place. */
  state: Float64Array;
  n: number;
  d: number;
  nx: number;
  /** d×d, row-major. */
  M: Float64Array;
  /** Learning rate per coordinate. */
  eta: Float64Array;
  method: MethodName;
  momentum: number;
  noise: NoiseSpec;
  /** The ensemble's noise (n particles × the method's draws per step); its block streams continue from call to call. */
  stream: EnsembleNoise;
  /** A particle diverges when |z| exceeds this (or turns NaN). */
  radius: number;
}

/**
 * A stepper for the ensemble: `step(k, steps)` runs steps k … k + steps − 1 (k = 0 is the first)
 * and returns null, or the first divergence (1-based step within the call, index of the
 * particle's first value) as stepping the whole ensemble one step at a time would meet it.
 */
export function linearGameKernel(o: LinearGameKernelOptions): (k: number, steps: number) => Divergence | null {
  const def = getKernel('game-step', 'js');
  const silent = isSilent(o.noise);
  const args = {
    state: o.state,
    n: o.n,
    d: o.d,
    nx: o.nx,
    M: o.M,
    eta: o.eta,
    method: o.method satisfies GameMethod,
    momentum: o.momentum,
    // σ = 0 draws nothing
    sigma: silent ? 0 : o.noise.sigma,
    ...(!silent && o.noise.kind === 'alpha-stable' ? { alpha: o.noise.alpha ?? 2 } : {}),
    stream: o.stream,
    radius: o.radius,
  };
  return (k, steps) => {
    // the js kernels are synchronous
    const r = def.run({ ...args, steps, stepOffset: k }) as { divergence: Divergence | null };
    return r.divergence;
  };
}
