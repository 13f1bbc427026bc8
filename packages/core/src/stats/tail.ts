/** Tail-index estimators for heavy-tailed (α-stable) noise. */

export interface TailIndexEstimate {
  alpha: number;
  /** Asymptotic standard error. */
  se: number;
  /** The tuning value used (k for Hill, block size m for Mohammadi). */
  tuning: number;
}

/**
 * Hill (1975): with |X| sorted descending, 1/α̂ = (1/k) Σ_{i<k} ln|X|_(i) − ln|X|_(k).
 * SE ≈ α̂/√k. Default k = ⌊√n⌋. Consistent for Pareto-type tails; biased when the body
 * intrudes (k too large) and noisy when k is small.
 */
export function hillEstimator(xs: ArrayLike<number>, k?: number): TailIndexEstimate {
  const n = xs.length;
  const abs = new Float64Array(n);
  for (let i = 0; i < n; i++) abs[i] = Math.abs(xs[i]);
  abs.sort();
  const kk = k ?? Math.max(2, Math.floor(Math.sqrt(n)));
  if (!Number.isInteger(kk) || kk < 1 || kk >= n) throw new RangeError(`invalid k: got ${kk}; expected an integer in [1, ${n - 1}]`);
  const ref = Math.log(abs[n - 1 - kk]);
  let s = 0;
  for (let i = 0; i < kk; i++) s += Math.log(abs[n - 1 - i]) - ref;
  const alpha = kk / s;
  return { alpha, se: alpha / Math.sqrt(kk), tuning: kk };
}

/**
 * Mohammadi, Mohammadpour & Ogata (2015), as used by Şimşekli et al. (2019) for SGD noise:
 * with N = m·K samples and Y_i the sums of K blocks of m,
 *   1/α̂ = (1/ln m)·[(1/K) Σ ln|Y_i| − (1/N) Σ ln|X_j|].
 * For a symmetric α-stable law Y_i =d m^{1/α} X, which is what the formula inverts.
 * The default m is round(√n); the n − m·K samples left over are dropped.
 * The SE is from a delta method on the two log-averages, treated as independent.
 */
export function mohammadiEstimator(xs: ArrayLike<number>, m?: number): TailIndexEstimate {
  const n = xs.length;
  const mm = m ?? Math.max(2, Math.round(Math.sqrt(n)));
  if (!Number.isInteger(mm) || mm < 2 || mm > n / 2) throw new RangeError(`invalid m: got ${mm}; expected an integer in [2, ${Math.floor(n / 2)}]`);
  const K = Math.floor(n / mm);
  const N = mm * K;
  let sumY = 0;
  let sumY2 = 0;
  for (let i = 0; i < K; i++) {
    let y = 0;
    for (let j = 0; j < mm; j++) y += xs[i * mm + j];
    const ly = Math.log(Math.abs(y));
    sumY += ly;
    sumY2 += ly * ly;
  }
  let sumX = 0;
  let sumX2 = 0;
  for (let j = 0; j < N; j++) {
    const lx = Math.log(Math.abs(xs[j]));
    sumX += lx;
    sumX2 += lx * lx;
  }
  const mY = sumY / K;
  const mX = sumX / N;
  const inv = (mY - mX) / Math.log(mm);
  const vY = (sumY2 / K - mY * mY) / K;
  const vX = (sumX2 / N - mX * mX) / N;
  const invSE = Math.sqrt(vY + vX) / Math.log(mm);
  const alpha = 1 / inv;
  return { alpha, se: invSE * alpha * alpha, tuning: mm };
}
