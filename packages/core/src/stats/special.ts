/**
 * Distribution functions used by tests and confidence intervals. Thin wrappers over the
 * standalone @stdlib packages (well-tested implementations), plus the Kolmogorov tail.
 */
import gammainc from '@stdlib/math-base-special-gammainc';
import normalCdfStd from '@stdlib/stats-base-dists-normal-cdf';
import normalQuantileStd from '@stdlib/stats-base-dists-normal-quantile';
import tCdfStd from '@stdlib/stats-base-dists-t-cdf';
import tQuantileStd from '@stdlib/stats-base-dists-t-quantile';
import poissonQuantileStd from '@stdlib/stats-base-dists-poisson-quantile';
import poissonCdfStd from '@stdlib/stats-base-dists-poisson-cdf';

export const normalCdf = (x: number, mean = 0, sd = 1): number => normalCdfStd(x, mean, sd);
export const normalQuantile = (p: number, mean = 0, sd = 1): number => normalQuantileStd(p, mean, sd);
export const studentTCdf = (x: number, df: number): number => tCdfStd(x, df);
export const studentTQuantile = (p: number, df: number): number => tQuantileStd(p, df);
export const poissonQuantile = (p: number, mean: number): number => poissonQuantileStd(p, mean);
export const poissonCdf = (k: number, mean: number): number => poissonCdfStd(k, mean);

/** Upper tail P(χ²_df > x). */
export function chiSquareSf(x: number, df: number): number {
  if (x <= 0) return 1;
  return gammainc(x / 2, df / 2, true, true);
}

/** Regularised lower incomplete gamma P(a, x). */
export function gammaP(a: number, x: number): number {
  return gammainc(x, a, true, false);
}

/**
 * Kolmogorov tail Q(λ) = 2 Σ_{k≥1} (−1)^{k−1} exp(−2k²λ²), the limiting law of √n·D_n.
 * Small λ uses the Jacobi-transformed series, which converges there.
 */
export function kolmogorovSf(lambda: number): number {
  if (lambda <= 0) return 1;
  if (lambda < 1.18) {
    // 1 − Q(λ) = √(2π)/λ Σ_{k odd} exp(−k²π²/(8λ²))
    const y = -(Math.PI * Math.PI) / (8 * lambda * lambda);
    let s = 0;
    for (let k = 1; k < 40; k += 2) s += Math.exp(k * k * y);
    return Math.max(0, Math.min(1, 1 - (Math.sqrt(2 * Math.PI) / lambda) * s));
  }
  let s = 0;
  for (let k = 1; k <= 100; k++) {
    const term = Math.exp(-2 * k * k * lambda * lambda);
    s += k % 2 === 1 ? term : -term;
    if (term < 1e-17) break;
  }
  return Math.max(0, Math.min(1, 2 * s));
}

/** z such that a two-sided normal interval at `level` is ±z·SE (1.959964 for 95%). */
export function zForLevel(level = 0.95): number {
  return normalQuantile(0.5 + level / 2);
}
