/**
 * Gradient noise injected into every oracle call: each component of the gradient gets an
 * independent kick of scale σ. Convention: the kick is added to the *gradient*, so the
 * iterate moves by η·σ·ξ (the noise is scaled by the learning rate, as in SGD).
 *
 * - 'gaussian': ξ ~ N(0, 1), so each component has variance σ².
 * - 'alpha-stable': symmetric α-stable with scale σ/√2 (core's `stableSymmetric`, whose α = 2
 *   law is N(0, 2·scale²)), so α = 2 reproduces the Gaussian case exactly; for α < 2 the
 *   variance is infinite and σ is a scale, not a standard deviation.
 */
import { assertInRange, assertOneOf, assertPositive, stableSymmetric, type EnsembleNoise, type Stream } from '@snrlab/core';

export const NOISE_KINDS = ['none', 'gaussian', 'alpha-stable'] as const;
export type NoiseKind = (typeof NOISE_KINDS)[number];

export interface NoiseSpec {
  kind: NoiseKind;
  /** Per-component scale σ ≥ 0 (the standard deviation for Gaussian noise). */
  sigma: number;
  /** Stability index α ∈ (0, 2] for 'alpha-stable'. */
  alpha?: number;
}

export function validateNoise(n: NoiseSpec): void {
  assertOneOf('noise', n.kind, NOISE_KINDS);
  assertPositive('sigma', n.sigma, { allowZero: true });
  if (n.kind === 'alpha-stable') assertInRange('alpha', n.alpha ?? 2, 0, 2, { loOpen: true });
}

export function isSilent(n: NoiseSpec): boolean {
  return n.kind === 'none' || n.sigma === 0;
}

/** Fill `out` with one draw of the noise law from a single stream. */
export function fillNoise(n: NoiseSpec, stream: Stream, out: Float64Array): void {
  if (isSilent(n)) {
    out.fill(0);
    return;
  }
  if (n.kind === 'gaussian') {
    stream.fillNormal(out, 0, n.sigma);
    return;
  }
  const alpha = n.alpha ?? 2;
  const scale = n.sigma / Math.SQRT2;
  for (let i = 0; i < out.length; i++) out[i] = stableSymmetric(stream, alpha, scale);
}

/**
 * Fill an ensemble's noise (particle-major, `perParticle` values each) block by block, so the
 * bytes do not depend on how the ensemble is split. Gaussian noise goes through the backend's
 * `fillNormal`; α-stable draws are made in particle order from each block's stream. `sigma`
 * overrides the scale (1 gives unit noise for kernels that apply σ themselves).
 */
export function fillEnsembleNoise(
  n: NoiseSpec,
  noise: EnsembleNoise,
  out: Float64Array,
  fillNormal: (source: EnsembleNoise, out: Float64Array) => Float64Array,
  sigma = n.sigma,
): void {
  if (isSilent(n)) {
    out.fill(0);
    return;
  }
  if (n.kind === 'gaussian') {
    fillNormal(noise, out);
    if (sigma !== 1) for (let i = 0; i < out.length; i++) out[i] *= sigma;
    return;
  }
  const alpha = n.alpha ?? 2;
  const scale = sigma / Math.SQRT2;
  const per = noise.blockSize * noise.dim;
  for (let b = 0; b < noise.blocks; b++) {
    const s = noise.blockStream(b);
    const hi = Math.min(out.length, (b + 1) * per);
    for (let i = b * per; i < hi; i++) out[i] = stableSymmetric(s, alpha, scale);
  }
}
