import { kolmogorovSf, normalCdf, normalQuantile, zForLevel } from '../stats/special.js';
import type { TestResult } from '../stats/tests.js';
import type { Allowance, Verdict, VerdictStatus } from './types.js';

/** Does the interval, widened by a stated tolerance, contain the theory value? */
export function intervalAgrees(ci95: readonly [number, number], theory: number, tolerance = 0): boolean {
  const [lo, hi] = ci95;
  if (!Number.isFinite(lo) || !Number.isFinite(hi) || !Number.isFinite(theory)) return false;
  return lo - tolerance <= theory && theory <= hi + tolerance;
}

/** Largest allowance, as a fraction of the effect, through which a point verdict may still agree. */
export const MAX_ALLOWANCE_FRACTION = 0.5;

export interface VerdictInput {
  claim: string;
  theory: number;
  measured: number;
  /** Either an interval or a standard error (the 95% interval is then measured ± 1.96·se). */
  ci95?: [number, number];
  se?: number;
  /** A stated systematic allowance with its derivation (see `Allowance`). */
  allowance?: Allowance;
  /**
   * @deprecated an allowance without a derivation; give `allowance` instead. Treated as an
   * allowance whose derivation is the note.
   */
  tolerance?: number;
  /** Size of the effect the claim is about, which an allowance must stay well below (default |theory|). */
  effect?: number;
  note?: string;
}

const fmt = (x: number) => (Number.isFinite(x) ? Number(x.toPrecision(3)).toString() : String(x));

/** The interval as a reader should see it: `[a, b]`, `≥ a` or `≤ b`. */
export function intervalText(ci95: readonly [number | null, number | null], digits = 4): string {
  const f = (x: number) => Number(x.toPrecision(digits)).toString();
  const lo = ci95[0] ?? -Infinity;
  const hi = ci95[1] ?? Infinity;
  const loFinite = Number.isFinite(lo) && Math.abs(lo) < Number.MAX_VALUE;
  const hiFinite = Number.isFinite(hi) && Math.abs(hi) < Number.MAX_VALUE;
  if (loFinite && hiFinite) return `[${f(lo)}, ${f(hi)}]`;
  if (loFinite) return `≥ ${f(lo)}`;
  if (hiFinite) return `≤ ${f(hi)}`;
  return '(no interval)';
}

interface PointDecision {
  status: VerdictStatus;
  reason?: string;
}

/** The status of a point claim from its interval, allowance and effect (see `verdict`). */
function decidePoint(ci95: readonly [number, number], theory: number, allowance: Allowance | undefined, effect: number): PointDecision {
  const [lo, hi] = ci95;
  if (![lo, hi, theory].every(Number.isFinite)) return { status: 'inconclusive', reason: 'the interval or the theory value is not finite' };
  if (lo <= theory && theory <= hi) return { status: 'agrees' };
  const a = allowance?.value ?? 0;
  if (a > 0 && lo - a <= theory && theory <= hi + a) {
    if (allowance?.fromData) return { status: 'inconclusive', reason: `only the allowance ${fmt(a)}, estimated from the same data, reaches theory` };
    if (!(a <= MAX_ALLOWANCE_FRACTION * effect)) return { status: 'inconclusive', reason: `only the allowance ${fmt(a)} reaches theory, and it is larger than ${MAX_ALLOWANCE_FRACTION} of the effect (${fmt(effect)})` };
    return { status: 'agrees' };
  }
  return { status: 'disagrees' };
}

/**
 * A point claim ("= theory"). `status` is computed: `agrees` when the 95% interval holds theory, or
 * when a stated allowance (with its derivation) bridges the gap and is neither estimated from the
 * judged data nor larger than half the effect; `inconclusive` when only such an unfit allowance
 * reaches theory (or nothing is finite); else `disagrees`. A 95% interval misses a true theory value
 * 5% of the time: a lone disagreement at one seed is a reason to rerun with another.
 */
export function verdict(v: VerdictInput): Verdict {
  let ci: [number, number];
  if (v.ci95) ci = v.ci95;
  else if (v.se !== undefined) {
    const z = zForLevel(0.95);
    ci = [v.measured - z * v.se, v.measured + z * v.se];
  } else throw new TypeError(`invalid verdict '${v.claim}': give ci95 or se`);
  const allowance: Allowance | undefined = v.allowance ?? (v.tolerance ? { value: v.tolerance, derivation: '(see the note)' } : undefined);
  const effect = v.effect ?? Math.abs(v.theory);
  const d = decidePoint(ci, v.theory, allowance, effect);
  let note = v.note ?? '';
  if (d.reason) note = `${note}${note ? ' ' : ''}Inconclusive: ${d.reason}.`;
  return {
    claim: v.claim,
    kind: 'point',
    theory: v.theory,
    measured: v.measured,
    ci95: ci,
    status: d.status,
    agrees: d.status === 'agrees',
    note,
    ...(v.se !== undefined ? { se: v.se } : {}),
    ...(allowance && allowance.value ? { allowance } : {}),
    ...(allowance && allowance.value && v.effect !== undefined ? { effect: v.effect } : {}),
    ...(d.status === 'inconclusive' ? { decide: allowance?.fromData ? 'an allowance derived independently of the judged data (a bound, a closed form, or a separate run)' : 'a smaller or better-founded allowance, or a budget at which the allowance is negligible' } : {}),
  };
}

/**
 * The status a verdict's own fields support, recomputed (the runner refuses a verdict whose
 * status disagrees, so no status can be written by hand). Returns a problem, or null.
 */
export function checkVerdict(v: Verdict): string | null {
  if (v.agrees !== (v.status === 'agrees')) return `agrees=${v.agrees} but status '${v.status}'`;
  let want: VerdictStatus;
  if (v.kind === 'point') want = decidePoint(v.ci95, v.theory, v.allowance, v.effect ?? Math.abs(v.theory)).status;
  else if (v.kind === 'directional') want = directionalStatus(v.measured, v.se, v.direction, v.theory);
  else if (v.kind === 'equivalence') want = equivalenceStatus(v.measured, v.se, v.theory, v.margin);
  else return `unknown claim kind '${String((v as Verdict).kind)}'`;
  return want === v.status ? null : `status '${v.status}', which its interval does not support (it gives '${want}')`;
}

/** The status the verdict would have if theory were `theory` (for tests that a verdict can fail). */
export function reassess(v: Verdict, theory: number): VerdictStatus {
  if (v.kind === 'point') return decidePoint(v.ci95, theory, v.allowance, v.effect ?? Math.abs(v.theory)).status;
  if (v.kind === 'directional') return directionalStatus(v.measured, v.se, v.direction, theory);
  return equivalenceStatus(v.measured, v.se, theory, v.margin);
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
      allowance: v.allowance,
      tolerance: v.tolerance,
      effect: v.effect,
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

/** A directional claim's status from one-sided 95% bounds (see `claimStatus`). */
function directionalStatus(measured: number, se: number | undefined, direction: 'below' | 'above' | undefined, threshold: number): VerdictStatus {
  if (se === undefined || direction === undefined || ![measured, se, threshold].every(Number.isFinite)) return 'inconclusive';
  const s = claimStatus(measured, se, direction, threshold);
  return s === 'supported' ? 'agrees' : s === 'contradicted' ? 'disagrees' : 'inconclusive';
}

/** Two one-sided tests at 5% each: equivalent when the 90% interval lies inside theory ± margin. */
function equivalenceStatus(measured: number, se: number | undefined, theory: number, margin: number | undefined): VerdictStatus {
  if (se === undefined || margin === undefined || ![measured, se, theory, margin].every(Number.isFinite)) return 'inconclusive';
  const lo = measured - Z_ONE_SIDED * se;
  const hi = measured + Z_ONE_SIDED * se;
  if (lo >= theory - margin && hi <= theory + margin) return 'agrees';
  if (lo > theory + margin || hi < theory - margin) return 'disagrees';
  return 'inconclusive';
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
 * A verdict on a directional claim, such as "the noise is larger along flat directions", with
 * one-sided 95% bounds: `agrees` (supported) when even the far bound is on the claim's side,
 * `disagrees` (contradicted) when the near bound has crossed, else `inconclusive` — never counted
 * as agreement. An inconclusive verdict says what budget would decide it.
 */
export function directionalVerdict(c: DirectionalClaim): Verdict {
  const t = c.threshold ?? 0;
  if (!Number.isFinite(c.se) || c.se < 0) throw new TypeError(`invalid se: got ${c.se}; expected a finite standard error >= 0`);
  const status = directionalStatus(c.measured, c.se, c.direction, t);
  const word = status === 'agrees' ? 'Supported' : status === 'disagrees' ? 'Contradicted' : 'Inconclusive';
  const bound = c.direction === 'below' ? c.measured + Z_ONE_SIDED * c.se : c.measured - Z_ONE_SIDED * c.se;
  let decide: string | undefined;
  if (status === 'inconclusive') {
    const gap = Math.abs(c.measured - t);
    if (gap > 0 && c.se > 0 && Number.isFinite(gap)) {
      const factor = Math.pow((Z_ONE_SIDED * c.se) / gap, 2);
      decide = `about ${Number(factor.toPrecision(2))}× the budget (SE ∝ 1/√budget) would decide it, if the measured value ${fmt(c.measured)} held`;
    } else decide = 'no budget decides it at this measured value: it sits on the threshold';
  }
  return {
    claim: c.claim,
    kind: 'directional',
    theory: t,
    measured: c.measured,
    // shown as a one-sided bound: the side the claim needs
    ci95: c.direction === 'below' ? [-Infinity, c.measured + Z_ONE_SIDED * c.se] : [c.measured - Z_ONE_SIDED * c.se, Infinity],
    status,
    agrees: status === 'agrees',
    note: `${word}: one-sided 95% bound ${fmt(bound)} against the threshold ${t} (the claim needs the value ${c.direction} it), measured ${fmt(c.measured)} ± ${fmt(c.se)}.${c.note ? ' ' + c.note : ''}`,
    se: c.se,
    direction: c.direction,
    ...(decide ? { decide } : {}),
  };
}

export interface EquivalenceClaim {
  claim: string;
  measured: number;
  se: number;
  /** The value the claim says the quantity equals (default 0: "no effect"). */
  theory?: number;
  /** The margin within which a difference counts as none, with how it was chosen. */
  margin: number;
  marginDerivation: string;
  note?: string;
}

/**
 * A verdict on an equivalence claim ("does not change", "independent of"): two one-sided tests
 * (TOST) at 5% each against theory ± margin. `agrees` when the 90% interval lies inside the margin,
 * `disagrees` when it lies wholly outside, else `inconclusive`, with the test's power at zero
 * difference and the budget that would give 80% power.
 */
export function equivalenceVerdict(c: EquivalenceClaim): Verdict {
  const t = c.theory ?? 0;
  if (!Number.isFinite(c.se) || c.se < 0) throw new TypeError(`invalid se: got ${c.se}; expected a finite standard error >= 0`);
  if (!(c.margin > 0)) throw new TypeError(`invalid margin: got ${c.margin}; expected a number > 0`);
  const status = equivalenceStatus(c.measured, c.se, t, c.margin);
  const lo = c.measured - Z_ONE_SIDED * c.se;
  const hi = c.measured + Z_ONE_SIDED * c.se;
  // power of TOST when the true difference is 0: P(|Z·se| ≤ margin − z·se) = 2Φ(margin/se − z) − 1
  const power = c.se > 0 ? Math.max(0, 2 * normalCdf(c.margin / c.se - Z_ONE_SIDED) - 1) : 1;
  const zPower = Z_ONE_SIDED + normalQuantile(0.9);
  const seNeeded = c.margin / zPower;
  const word = status === 'agrees' ? 'Equivalent' : status === 'disagrees' ? 'Not equivalent' : 'Inconclusive';
  return {
    claim: c.claim,
    kind: 'equivalence',
    theory: t,
    measured: c.measured,
    ci95: [lo, hi],
    status,
    agrees: status === 'agrees',
    note: `${word}: 90% interval ${intervalText([lo, hi])} (two one-sided 5% tests) against ${t} ± ${fmt(c.margin)}; margin: ${c.marginDerivation}. Power at zero difference ${(100 * power).toFixed(0)}%.${c.note ? ' ' + c.note : ''}`,
    se: c.se,
    margin: c.margin,
    power,
    ...(status === 'inconclusive'
      ? { decide: c.se > seNeeded ? `about ${Number(Math.pow(c.se / seNeeded, 2).toPrecision(2))}× the budget would give 80% power at zero difference` : 'the power is adequate; the measured difference sits near the margin' }
      : {}),
  };
}
