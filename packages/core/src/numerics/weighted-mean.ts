/**
 * Inverse-variance pooling without the Birge factor. Core has one convention for combining
 * measurements of the same quantity: `weightedMean` (stats/regression.ts), whose SE is inflated
 * by √max(1, χ²_red) so that scatter beyond the stated errors is never hidden. This is the
 * uninflated pool, SE = (Σ 1/sᵢ²)^(−1/2): the right SE only when the stated SEs are known to be
 * complete, e.g. when pooling ratios to theory that are each already judged on their own. Where
 * that is not established, use `weightedMean`.
 */

/**
 * Inverse-variance weighted mean of values with standard errors, SE (Σ 1/sᵢ²)^(−1/2) (no Birge
 * factor; see the module comment). Points with SE 0 or a non-positive SE get weight 0; if every
 * point has SE 0 the result is the plain mean with SE 0.
 */
export function inverseVarianceMean(values: ArrayLike<number>, ses: ArrayLike<number>): { mean: number; se: number } {
  if (ses.length !== values.length) throw new RangeError(`invalid ses.length: got ${ses.length}; expected ${values.length} (= values.length)`);
  let sw = 0;
  let s = 0;
  for (let i = 0; i < values.length; i++) {
    const w = ses[i] > 0 ? 1 / (ses[i] * ses[i]) : 0;
    sw += w;
    s += w * values[i];
  }
  if (sw === 0) {
    let sum = 0;
    for (let i = 0; i < values.length; i++) sum = sum + values[i];
    return { mean: sum / values.length, se: 0 };
  }
  return { mean: s / sw, se: Math.sqrt(1 / sw) };
}
