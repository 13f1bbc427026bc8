/** Exact sample quantiles (Hyndman–Fan type 7, the R/NumPy default) and friends. */

/** Sorted copy as a Float64Array (NaN-free input assumed). */
export function sorted(xs: ArrayLike<number>): Float64Array {
  return Float64Array.from(xs).sort();
}

/** Quantile of already-sorted data, linear interpolation between order statistics (type 7). */
export function quantileSorted(s: ArrayLike<number>, p: number): number {
  const n = s.length;
  if (n === 0) return NaN;
  if (p <= 0) return s[0];
  if (p >= 1) return s[n - 1];
  const h = (n - 1) * p;
  const lo = Math.floor(h);
  const frac = h - lo;
  return lo + 1 < n ? s[lo] + frac * (s[lo + 1] - s[lo]) : s[lo];
}

export function quantile(xs: ArrayLike<number>, p: number): number {
  return quantileSorted(sorted(xs), p);
}

export function quantiles(xs: ArrayLike<number>, ps: readonly number[]): number[] {
  const s = sorted(xs);
  return ps.map((p) => quantileSorted(s, p));
}

export function median(xs: ArrayLike<number>): number {
  return quantile(xs, 0.5);
}

/** Interquartile range Q3 − Q1: a spread that exists even when the variance does not. */
export function iqr(xs: ArrayLike<number>): number {
  const s = sorted(xs);
  return quantileSorted(s, 0.75) - quantileSorted(s, 0.25);
}
