/** Goodness-of-fit tests: one- and two-sample Kolmogorov–Smirnov, chi-square. */
import { chiSquareSf, kolmogorovSf } from './special.js';
import { sorted } from './quantile.js';

export interface TestResult {
  statistic: number;
  pValue: number;
  /** Sample size(s) the test saw. */
  n: number;
  df?: number;
}

/**
 * One-sample KS against a continuous CDF. p-value from the Kolmogorov limit law with
 * Stephens' (1970) finite-n correction λ = (√n + 0.12 + 0.11/√n)·D, accurate to a few
 * per cent in p for n ≥ 20.
 */
export function ksTest(xs: ArrayLike<number>, cdf: (x: number) => number): TestResult {
  const s = sorted(xs);
  const n = s.length;
  let d = 0;
  for (let i = 0; i < n; i++) {
    const f = cdf(s[i]);
    d = Math.max(d, (i + 1) / n - f, f - i / n);
  }
  const rn = Math.sqrt(n);
  return { statistic: d, pValue: kolmogorovSf((rn + 0.12 + 0.11 / rn) * d), n };
}

/** Two-sample KS; the same correction with the effective size n₁n₂/(n₁+n₂). */
export function ksTest2(a: ArrayLike<number>, b: ArrayLike<number>): TestResult {
  const x = sorted(a);
  const y = sorted(b);
  const n1 = x.length;
  const n2 = y.length;
  let i = 0;
  let j = 0;
  let d = 0;
  while (i < n1 && j < n2) {
    const v = Math.min(x[i], y[j]);
    while (i < n1 && x[i] <= v) i++;
    while (j < n2 && y[j] <= v) j++;
    d = Math.max(d, Math.abs(i / n1 - j / n2));
  }
  const ne = Math.sqrt((n1 * n2) / (n1 + n2));
  return { statistic: d, pValue: kolmogorovSf((ne + 0.12 + 0.11 / ne) * d), n: n1 + n2 };
}

/**
 * Pearson chi-square goodness of fit. `expected` are counts (or probabilities, rescaled to
 * the observed total). `ddof` is the number of parameters fitted from the data.
 * Bins with expected count below `minExpected` are pooled with their neighbour first.
 */
export function chiSquareTest(
  observed: ArrayLike<number>,
  expected: ArrayLike<number>,
  opts: { ddof?: number; minExpected?: number } = {},
): TestResult {
  const k = observed.length;
  if (expected.length !== k) throw new RangeError(`invalid expected.length: got ${expected.length}; expected ${k}`);
  let to = 0;
  let te = 0;
  for (let i = 0; i < k; i++) {
    to += observed[i];
    te += expected[i];
  }
  const minE = opts.minExpected ?? 5;
  const obs: number[] = [];
  const exp: number[] = [];
  let accO = 0;
  let accE = 0;
  for (let i = 0; i < k; i++) {
    accO += observed[i];
    accE += (expected[i] * to) / te;
    if (accE >= minE) {
      obs.push(accO);
      exp.push(accE);
      accO = 0;
      accE = 0;
    }
  }
  if (accE > 0 || accO > 0) {
    if (exp.length) {
      obs[obs.length - 1] += accO;
      exp[exp.length - 1] += accE;
    } else {
      obs.push(accO);
      exp.push(accE);
    }
  }
  let stat = 0;
  for (let i = 0; i < obs.length; i++) stat += ((obs[i] - exp[i]) * (obs[i] - exp[i])) / exp[i];
  const df = obs.length - 1 - (opts.ddof ?? 0);
  return { statistic: stat, pValue: df > 0 ? chiSquareSf(stat, df) : NaN, n: to, df };
}
