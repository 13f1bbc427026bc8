/** Bootstrap confidence intervals (percentile and BCa), driven by a core stream. */
import { normalCdf, normalQuantile } from './special.js';
import { quantileSorted } from './quantile.js';
import type { Stream } from '../random/stream.js';

export interface BootstrapResult {
  estimate: number;
  ci: [number, number];
  se: number;
  level: number;
  method: 'percentile' | 'bca';
  replicates: number;
}

export interface BootstrapOptions {
  stream: Stream;
  replicates?: number;
  level?: number;
  method?: 'percentile' | 'bca';
}

/**
 * Resample `data` with replacement `replicates` times and report a CI for `statistic`.
 * BCa (Efron 1987) corrects bias and skew with a jackknife acceleration, O(n²) in the data size.
 */
export function bootstrapCI(
  data: ArrayLike<number>,
  statistic: (sample: Float64Array) => number,
  opts: BootstrapOptions,
): BootstrapResult {
  const n = data.length;
  const B = opts.replicates ?? 2000;
  const level = opts.level ?? 0.95;
  const method = opts.method ?? 'percentile';
  const x = Float64Array.from(data);
  const estimate = statistic(x);
  const sample = new Float64Array(n);
  const stats = new Float64Array(B);
  for (let b = 0; b < B; b++) {
    for (let i = 0; i < n; i++) sample[i] = x[opts.stream.integer(n)];
    stats[b] = statistic(sample);
  }
  let mean = 0;
  for (let b = 0; b < B; b++) mean += stats[b];
  mean /= B;
  let v = 0;
  for (let b = 0; b < B; b++) v += (stats[b] - mean) ** 2;
  const se = Math.sqrt(v / (B - 1));
  stats.sort();
  const alpha = (1 - level) / 2;
  let pLo = alpha;
  let pHi = 1 - alpha;
  if (method === 'bca') {
    let below = 0;
    for (let b = 0; b < B; b++) if (stats[b] < estimate) below++;
    const z0 = normalQuantile(Math.min(1 - 1 / B, Math.max(1 / B, below / B)));
    const jack = new Float64Array(n);
    const loo = new Float64Array(n - 1);
    for (let i = 0; i < n; i++) {
      let k = 0;
      for (let j = 0; j < n; j++) if (j !== i) loo[k++] = x[j];
      jack[i] = statistic(loo);
    }
    let jm = 0;
    for (let i = 0; i < n; i++) jm += jack[i];
    jm /= n;
    let num = 0;
    let den = 0;
    for (let i = 0; i < n; i++) {
      const d = jm - jack[i];
      num += d * d * d;
      den += d * d;
    }
    const a = den > 0 ? num / (6 * Math.pow(den, 1.5)) : 0;
    const adj = (z: number) => normalCdf(z0 + (z0 + z) / (1 - a * (z0 + z)));
    pLo = adj(normalQuantile(alpha));
    pHi = adj(normalQuantile(1 - alpha));
  }
  return {
    estimate,
    ci: [quantileSorted(stats, pLo), quantileSorted(stats, pHi)],
    se,
    level,
    method,
    replicates: B,
  };
}
