/** Measurements on trajectories: growth factors, drift coefficients, medians with intervals. */
import { linearFit, ParameterError, quantileSorted } from '@snrlab/core';

export interface GrowthFit {
  /** Fitted factor per step, exp(slope of log r against k). */
  factor: number;
  /** Its standard error from the fit residuals (delta method: factor·SE(slope)). */
  se: number;
  /**
   * Largest shift of the factor a bounded oscillation of the observed size could cause: a
   * periodic term |p_k| ≤ a moves a least-squares slope over n steps by at most 3a/n.
   */
  oscillationBound: number;
  from: number;
  to: number;
}

/**
 * Growth factor per step of |z_k|, fitted as the slope of log r_k against k over steps
 * [from, to]. Methods whose radius oscillates (alternating, optimistic, momentum) leave residuals
 * that widen the SE; geometric ones (simultaneous, extragradient, proximal) fit exactly.
 */
export function fitGrowthFactor(radius: ArrayLike<number>, from: number, to: number = radius.length - 1): GrowthFit {
  const ks: number[] = [];
  const ls: number[] = [];
  for (let k = from; k <= to; k++) {
    const r = radius[k];
    if (r > 0 && Number.isFinite(r)) {
      ks.push(k);
      ls.push(Math.log(r));
    }
  }
  if (ks.length < 3) throw new ParameterError('steps', to - from + 1, 'at least 3 steps with a positive finite radius to fit a growth factor');
  const fit = linearFit(ks, ls);
  const factor = Math.exp(fit.slope);
  const se = Number.isFinite(fit.slopeSE) ? factor * fit.slopeSE : 0;
  let a = 0;
  for (let i = 0; i < ks.length; i++) a = Math.max(a, Math.abs(ls[i] - fit.intercept - fit.slope * ks[i]));
  const n = ks[ks.length - 1] - ks[0];
  return { factor, se, oscillationBound: (factor * 3 * a) / n, from: ks[0], to: ks[ks.length - 1] };
}

// the weighted fit through the origin (Birge-inflated SE) lives in core
export { proportionalFit } from '@snrlab/core';

/**
 * The median of a sample with a distribution-free 95% interval from order statistics
 * (ranks n/2 ± 1.96·√n/2) and the SE implied by that interval.
 */
export function medianWithInterval(values: Float64Array): { median: number; lo: number; hi: number; se: number } {
  const s = Float64Array.from(values).sort();
  const n = s.length;
  const median = quantileSorted(s, 0.5);
  const half = 1.959964 * Math.sqrt(n) / 2;
  const lo = s[Math.max(0, Math.floor(n / 2 - half))];
  const hi = s[Math.min(n - 1, Math.ceil(n / 2 + half))];
  return { median, lo, hi, se: (hi - lo) / (2 * 1.959964) };
}

// the family-wise interval lives in core, shared with every engine
export { familyInterval } from '@snrlab/core';
