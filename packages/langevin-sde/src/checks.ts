/**
 * Stationary-distribution checks, as verdicts: a sample of positions against a law (KS test)
 * and its variance against the theory value. Shared by this package's experiments and by the
 * engines that reuse them (SGD at a temperature, noisy games).
 *
 * When several checks are reported together their intervals are simultaneous: each uses level
 * 0.05/m (Bonferroni), so that m checks of a true theory all agree 95% of the time.
 */
import { kolmogorovSf, ksTest, Moments, normalCdf, normalQuantile, verdict, type TestResult, type Verdict, type VerdictInput } from '@snrlab/core';

/** Verdicts with simultaneous 95% intervals over a family of m checks (measured ± z_{1−0.025/m}·se). */
export function simultaneousVerdicts(inputs: (Omit<VerdictInput, 'ci95'> & { se: number })[], family = inputs.length): Verdict[] {
  const m = Math.max(1, family);
  const z = normalQuantile(1 - 0.025 / m);
  return inputs.map((v) =>
    verdict({
      claim: v.claim,
      theory: v.theory,
      measured: v.measured,
      ci95: [v.measured - z * v.se, v.measured + z * v.se],
      tolerance: v.tolerance,
      note: m > 1 ? `${v.note ? v.note + ' ' : ''}Interval: simultaneous 95% over ${m} checks (Bonferroni, ±${z.toFixed(2)} SE).` : (v.note ?? ''),
    }),
  );
}

/** Critical KS distance at level α for n samples (with core's ksTest finite-n correction). */
export function ksCritical(n: number, alpha: number): number {
  let lo = 0.2;
  let hi = 5;
  for (let i = 0; i < 80; i++) {
    const mid = 0.5 * (lo + hi);
    if (kolmogorovSf(mid) > alpha) lo = mid;
    else hi = mid;
  }
  const rn = Math.sqrt(n);
  return (0.5 * (lo + hi)) / (rn + 0.12 + 0.11 / rn);
}

/**
 * A KS test as a verdict: theory 0 (the sample follows the law), measured the KS distance D,
 * interval D ± D_crit, which contains 0 exactly when the test accepts at level 0.05/family.
 */
export function ksVerdict(test: TestResult, claim: string, family = 1): Verdict {
  const alpha = 0.05 / Math.max(1, family);
  const c = ksCritical(test.n, alpha);
  return verdict({
    claim,
    theory: 0,
    measured: test.statistic,
    ci95: [test.statistic - c, test.statistic + c],
    note: `KS distance ${test.statistic.toPrecision(3)} against the critical ${c.toPrecision(3)} at level ${alpha.toPrecision(2)} (p = ${test.pValue.toPrecision(3)}, n = ${test.n}).`,
  });
}

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
