/** Jackknife standard errors, for statistics whose inputs share randomness (e.g. fits over levels of one path). */

/** Jackknife SE of a statistic over J groups, from its J leave-one-out values: √((J−1)/J · Σ(θ₋ᵢ − θ̄)²). */
export function jackknifeSE(leaveOneOut: readonly number[]): number {
  const J = leaveOneOut.length;
  if (J < 2) return NaN;
  const mean = leaveOneOut.reduce((a, b) => a + b, 0) / J;
  let s = 0;
  for (const v of leaveOneOut) s += (v - mean) * (v - mean);
  return Math.sqrt(((J - 1) / J) * s);
}

/** Leave-one-group-out values of `statistic(skip)` for skip = 0..J−1, and their jackknife SE. */
export function jackknife(J: number, statistic: (skip: number) => number): { values: number[]; se: number } {
  const values = Array.from({ length: J }, (_, i) => statistic(i));
  return { values, se: jackknifeSE(values) };
}
