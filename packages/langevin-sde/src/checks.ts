/**
 * Stationary-distribution checks, as verdicts: a sample of positions against a law (KS test)
 * and its variance against the theory value. Shared by this package's experiments and by the
 * engines that reuse them (SGD at a temperature, noisy games).
 *
 * When several checks are reported together their intervals are simultaneous: each uses level
 * 0.05/m (Bonferroni), so that m checks of a true theory all agree 95% of the time.
 */
import { ksTest, ksVerdict, Moments, normalCdf, simultaneousVerdicts, type TestResult, type Verdict } from '@snrlab/core';

/** A 1-D law to check samples against: its CDF and variance (e.g. `boltzmann(U, T)`, or `gaussianLaw`). */
export interface Law1D {
  cdf(x: number): number;
  variance: number;
  mean?: number;
}

/** The normal law N(mean, variance) as a Law1D. */
export function gaussianLaw(mean: number, variance: number): Law1D {
  const sd = Math.sqrt(variance);
  return { mean, variance, cdf: (x: number) => normalCdf((x - mean) / sd) };
}

export interface StationaryCheck {
  ks: TestResult;
  variance: number;
  varianceSE: number;
  mean: number;
  meanSE: number;
  /** [variance verdict, KS verdict], simultaneous over 2 (or `family`) checks. */
  verdicts: Verdict[];
}

/**
 * Check independent samples (e.g. the final positions of an ensemble) against a stationary
 * law: the variance against law.variance (SE from the sample's fourth moment) and the KS distance.
 */
export function checkStationary(samples: ArrayLike<number>, law: Law1D, opts: { label?: string; family?: number } = {}): StationaryCheck {
  const m = Moments.of(samples);
  const ks = ksTest(samples, (x) => law.cdf(x));
  const label = opts.label ?? 'the stationary law';
  const family = opts.family ?? 2;
  const [v] = simultaneousVerdicts([{ claim: `Var(x) is the variance of ${label} (${law.variance.toPrecision(6)})`, theory: law.variance, measured: m.variance, se: m.varianceSE }], family);
  return { ks, variance: m.variance, varianceSE: m.varianceSE, mean: m.mean, meanSE: m.sem, verdicts: [v, ksVerdict(ks, `The sample follows ${label} (KS distance 0)`, family)] };
}
