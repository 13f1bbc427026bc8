/**
 * Heavy-tailed gradient noise (Şimşekli et al. 2019): the tail index α of the noise, estimated
 * with core's Mohammadi et al. (2015) and Hill (1975) estimators. α = 2 is Gaussian-like; α < 2
 * means infinite variance: the sample variance then grows with the sample size as n^(2/α − 1)
 * instead of settling, until clipping bounds it.
 */
import { hillEstimator, mohammadiEstimator, ParameterError, type TailIndexEstimate } from '@snrlab/core';
import type { GradientNoise } from './noise.js';

export interface TailIndex {
  alphaMohammadi: number;
  alphaMohammadiSE: number;
  alphaHill: number;
  alphaHillSE: number;
  mohammadi: TailIndexEstimate;
  hill: TailIndexEstimate;
  samples: number;
}

/** Both estimators on a sample of (centred) noise values. */
export function tailIndex(samples: ArrayLike<number>, opts: { hillK?: number; blockSize?: number } = {}): TailIndex {
  if (samples.length < 16) throw new ParameterError('samples.length', samples.length, 'at least 16 noise values');
  const m = mohammadiEstimator(samples, opts.blockSize);
  const h = hillEstimator(samples, opts.hillK);
  return { alphaMohammadi: m.alpha, alphaMohammadiSE: m.se, alphaHill: h.alpha, alphaHillSE: h.se, mohammadi: m, hill: h, samples: samples.length };
}

/**
 * The per-example gradient noise g_i − G pooled over the chosen coordinates (all by default), as
 * Şimşekli et al. pool the noise vector's components. Needs the per-example matrix in `noise`.
 */
export function gradientNoiseSamples(noise: GradientNoise, coordinates?: readonly number[]): Float64Array {
  const R = noise.perExample;
  if (!R) throw new ParameterError('noise.perExample', undefined, 'a GradientNoise that kept its per-example gradients');
  const P = noise.P;
  const cols = coordinates ?? Array.from({ length: P }, (_, j) => j);
  const out = new Float64Array(noise.n * cols.length);
  let k = 0;
  for (let i = 0; i < noise.n; i++) for (const j of cols) out[k++] = R[i * P + j] - noise.gradient[j];
  return out;
}

/** Unbiased sample variance of the first n values, for n in `sizes` (shows non-convergence when α < 2). */
export function varianceGrowth(samples: ArrayLike<number>, sizes: readonly number[]): number[] {
  return sizes.map((n) => {
    if (!Number.isInteger(n) || n < 2 || n > samples.length) throw new ParameterError('sizes[]', n, `an integer in [2, ${samples.length}]`);
    let m = 0;
    for (let i = 0; i < n; i++) m += samples[i];
    m /= n;
    let s = 0;
    for (let i = 0; i < n; i++) s += (samples[i] - m) ** 2;
    return s / (n - 1);
  });
}

/** Clip each value to [−c, c]. */
export function clipValues(samples: ArrayLike<number>, threshold: number): Float64Array {
  if (!(threshold > 0)) throw new ParameterError('threshold', threshold, 'a positive number');
  const out = new Float64Array(samples.length);
  for (let i = 0; i < samples.length; i++) out[i] = Math.max(-threshold, Math.min(threshold, samples[i]));
  return out;
}
