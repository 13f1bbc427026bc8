import { zForLevel } from '../stats/special.js';
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
