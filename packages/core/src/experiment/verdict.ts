import { kolmogorovSf, normalQuantile, zForLevel } from '../stats/special.js';
import type { TestResult } from '../stats/tests.js';
import type { Verdict } from './types.js';

/** Does the interval, widened by a stated tolerance, contain the theory value? */
export function intervalAgrees(ci95: readonly [number, number], theory: number, tolerance = 0): boolean {
  const [lo, hi] = ci95;
  if (!Number.isFinite(lo) || !Number.isFinite(hi) || !Number.isFinite(theory)) return false;
  return lo - tolerance <= theory && theory <= hi + tolerance;
}

export interface VerdictInput {
  claim: string;
  theory: number;
  measured: number;
  /** Either an interval or a standard error (the 95% interval is then measured ± 1.96·se). */
  ci95?: [number, number];
  se?: number;
  tolerance?: number;
  note?: string;
}

/**
 * Build a verdict; `agrees` is computed from the interval, never passed in.
 * A 95% interval misses a true theory value 5% of the time: a lone disagreement at one
 * seed is a reason to rerun with another, not a refutation.
 */
export function verdict(v: VerdictInput): Verdict {
  let ci: [number, number];
  if (v.ci95) ci = v.ci95;
  else if (v.se !== undefined) {
    const z = zForLevel(0.95);
    ci = [v.measured - z * v.se, v.measured + z * v.se];
  } else throw new TypeError(`invalid verdict '${v.claim}': give ci95 or se`);
  const tolerance = v.tolerance ?? 0;
  return {
    claim: v.claim,
    theory: v.theory,
    measured: v.measured,
    ci95: ci,
    agrees: intervalAgrees(ci, v.theory, tolerance),
    note: v.note ?? '',
    ...(tolerance ? { tolerance } : {}),
    ...(v.se !== undefined ? { se: v.se } : {}),
  };
}

/**
 * A family-wise 95% interval for one of `family` verdicts made in the same run (Bonferroni:
 * measured ± z·se with z the 1 − 0.025/family normal quantile), so that a run with many noisy
 * comparisons misses a true theory value 5% of the time in all, not 5% per verdict.
 */
export function familyInterval(measured: number, se: number, family: number): { ci95: [number, number]; z: number; note: string } {
  const m = Math.max(1, Math.round(family));
  const z = normalQuantile(1 - 0.025 / m);
  return {
    ci95: [measured - z * se, measured + z * se],
    z,
    note: m > 1 ? `Interval: simultaneous 95% over ${m} checks (Bonferroni, ±${z.toFixed(2)} SE).` : '',
  };
}

/** Verdicts with simultaneous 95% intervals over a family of m checks (see `familyInterval`). */
export function simultaneousVerdicts(inputs: (Omit<VerdictInput, 'ci95'> & { se: number })[], family = inputs.length): Verdict[] {
  return inputs.map((v) => {
    const f = familyInterval(v.measured, v.se, family);
    return verdict({
      claim: v.claim,
      theory: v.theory,
      measured: v.measured,
      ci95: f.ci95,
      se: v.se,
      tolerance: v.tolerance,
      note: [v.note, f.note].filter(Boolean).join(' '),
    });
  });
}

/** Critical KS distance at level α for n samples (with ksTest's finite-n correction). */
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

export type ClaimStatus = 'supported' | 'contradicted' | 'inconclusive';

/** z of a one-sided 95% bound. */
const Z_ONE_SIDED = normalQuantile(0.95);

/**
 * Where a measurement q ± se stands against a directional claim "q < threshold" ('below') or
 * "q > threshold" ('above'), with one-sided 95% bounds: supported when the bound on the far side
 * is still on the claim's side, contradicted when the near bound already crosses, else inconclusive.
 */
export function claimStatus(measured: number, se: number, direction: 'below' | 'above', threshold = 0): ClaimStatus {
  const lo = measured - Z_ONE_SIDED * se;
  const hi = measured + Z_ONE_SIDED * se;
  if (direction === 'below') return hi < threshold ? 'supported' : lo > threshold ? 'contradicted' : 'inconclusive';
  return lo > threshold ? 'supported' : hi < threshold ? 'contradicted' : 'inconclusive';
}

export interface DirectionalClaim {
  claim: string;
  measured: number;
  se: number;
  /** The claim says the measured quantity lies below (or above) the threshold. */
  direction: 'below' | 'above';
  threshold?: number;
  note?: string;
}

/**
 * A verdict on a directional ("popular") claim, such as "the noise is larger along flat
 * directions": a one-sided 95% interval, so `agrees` is false exactly when the data contradict the
 * claim. The note says whether the claim is supported or only not contradicted.
 */
export function directionalVerdict(c: DirectionalClaim): Verdict {
  const t = c.threshold ?? 0;
  if (!Number.isFinite(c.se) || c.se < 0) throw new TypeError(`invalid se: got ${c.se}; expected a finite standard error >= 0`);
  const ci95: [number, number] =
    c.direction === 'below' ? [c.measured - Z_ONE_SIDED * c.se, Number.MAX_VALUE] : [-Number.MAX_VALUE, c.measured + Z_ONE_SIDED * c.se];
  const status = claimStatus(c.measured, c.se, c.direction, t);
  const word = status === 'supported' ? 'Supported' : status === 'contradicted' ? 'Contradicted' : 'Inconclusive (not contradicted)';
  return verdict({
    claim: c.claim,
    theory: t,
    measured: c.measured,
    ci95,
    note: `${word}: one-sided 95% bound ${c.direction === 'below' ? 'lower' : 'upper'} ${(c.direction === 'below' ? ci95[0] : ci95[1]).toPrecision(3)} against the threshold ${t}, measured ${c.measured.toPrecision(3)} ± ${c.se.toPrecision(2)}.${c.note ? ' ' + c.note : ''}`,
  });
}
