/**
 * Gradient clipping. Global norm: rescale the batch gradient to norm ≤ c. Per example (as in
 * DP-SGD): rescale each example's gradient to norm ≤ c before averaging, which bounds every
 * example's influence and makes the noise variance finite even when per-example gradients are
 * heavy-tailed. Per coordinate: clamp each coordinate of the batch gradient to [−c, c].
 */
import { assertOneOf, assertPositive } from '@snrlab/core';

export type ClipKind = 'global-norm' | 'per-example' | 'per-coordinate';

export interface ClipSpec {
  kind: ClipKind;
  threshold: number;
}

export function validateClip(c: ClipSpec): void {
  assertOneOf('clip.kind', c.kind, ['global-norm', 'per-example', 'per-coordinate'] as const);
  assertPositive('clip.threshold', c.threshold);
}

/** Rescale g in place to norm ≤ c; returns the factor applied (1 if none). */
export function clipGlobalNorm(g: Float64Array, threshold: number): number {
  let s = 0;
  for (let i = 0; i < g.length; i++) s += g[i] * g[i];
  const norm = Math.sqrt(s);
  if (norm <= threshold) return 1;
  const f = threshold / norm;
  for (let i = 0; i < g.length; i++) g[i] *= f;
  return f;
}

/** Clamp each coordinate to [−c, c] in place; returns the number of clamped coordinates. */
export function clipPerCoordinate(g: Float64Array, threshold: number): number {
  let k = 0;
  for (let i = 0; i < g.length; i++) {
    if (g[i] > threshold) {
      g[i] = threshold;
      k++;
    } else if (g[i] < -threshold) {
      g[i] = -threshold;
      k++;
    }
  }
  return k;
}

/**
 * Mean of the per-example gradients (rows of an n×P matrix) after clipping each row to norm ≤ c.
 * Returns the number of clipped rows.
 */
export function clipPerExampleMean(grads: Float64Array, n: number, P: number, threshold: number, out: Float64Array): number {
  out.fill(0);
  let clipped = 0;
  for (let i = 0; i < n; i++) {
    const o = i * P;
    let s = 0;
    for (let j = 0; j < P; j++) s += grads[o + j] * grads[o + j];
    const norm = Math.sqrt(s);
    let f = 1;
    if (norm > threshold) {
      f = threshold / norm;
      clipped++;
    }
    for (let j = 0; j < P; j++) out[j] += f * grads[o + j];
  }
  for (let j = 0; j < P; j++) out[j] /= n;
  return clipped;
}
