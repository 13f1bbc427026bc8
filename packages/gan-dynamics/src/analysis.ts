/** Measurements on trajectories: growth factors, drift coefficients, medians with intervals. */
import { intervalText, linearFit, ParameterError, quantileSorted, verdict, type Verdict } from '@snrlab/core';

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

/** Unit roundoff of float64, 2⁻⁵³. */
export const UNIT_ROUNDOFF = 2 ** -53;

/**
 * Rounding bound on |fitted growth factor − ρ(T)| for a linear map T of size S with ‖T‖∞:
 * S·√u·max(‖T‖∞, ρ). Derivation: the QR iteration that gives ρ(T) is backward stable,
 * ‖E‖ ≤ c·S·u·‖T‖ with c = O(1) (Golub & Van Loan, §7.5.6); an eigenvalue of a Jordan block of
 * size 2 (the double roots of critical damping, optimistic GDA at η = ½) moves by at most
 * √(‖E‖·‖T‖) ≤ S·√u·‖T‖ for c ≤ S, a simple one by κ·‖E‖, far less. The fitted slope of log r
 * adds at most 6·m·u·κ(V) (a relative error m·u per step, m ≈ 4S flops per component,
 * accumulated over the K steps of the run and seen by a slope over the last K/2 through the
 * 3·max/n bound), ≈ 10⁻¹³ for the eigenvector conditions κ(V) ≤ 10² of these maps: negligible.
 */
export function roundingBound(rho: number, normInf: number, size: number): number {
  return size * Math.sqrt(UNIT_ROUNDOFF) * Math.max(normInf, rho);
}

/** ‖T‖∞ of an n×n row-major matrix. */
export function normInf(T: ArrayLike<number>, n: number): number {
  let best = 0;
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let j = 0; j < n; j++) s += Math.abs(T[i * n + j]);
    best = Math.max(best, s);
  }
  return best;
}

/** The parts of the bound on a deterministic growth factor (see `growthFactorVerdict`). */
export interface GrowthBound {
  oscillation: number;
  rounding: number;
  /** A stated model bound, e.g. the cubic terms of a non-linear field (0 for a linear game). */
  model?: number;
  modelText?: string;
}

/** Half-width of the interval of a deterministic growth factor: oscillation + rounding + model. */
export const growthBoundTotal = (b: GrowthBound): number => b.oscillation + b.rounding + (b.model ?? 0);

/**
 * A verdict on a growth factor fitted to one noiseless (deterministic) trajectory. There is no
 * sampling error, so the interval is not a confidence interval but a bound: measured ± (the
 * largest shift a bounded oscillation of log r of amplitude a can give a least-squares slope over
 * n steps, 3a/n, with a the largest residual of the fit; the rounding bound of `roundingBound`;
 * and any stated model bound). Theory outside it disagrees; a theory moved by 5 half-widths (the
 * "10 SE" of the pipeline test, with SE = half-width/1.96) cannot agree.
 */
export function growthFactorVerdict(o: { claim: string; theory: number; fit: GrowthFit; bound: GrowthBound; note: string }): Verdict {
  const h = growthBoundTotal(o.bound);
  const ci95: [number, number] = [o.fit.factor - h, o.fit.factor + h];
  const parts = [`oscillation 3a/n = ${o.bound.oscillation.toExponential(2)} (a the largest residual of the fit)`, `rounding ${o.bound.rounding.toExponential(2)} (S·√u·‖T‖∞)`];
  if (o.bound.model) parts.push(`${o.bound.modelText ?? 'model'} ${o.bound.model.toExponential(2)}`);
  return verdict({
    claim: o.claim,
    theory: o.theory,
    measured: o.fit.factor,
    ci95,
    note: `${o.note} Deterministic (one noiseless run, no sampling error): the interval ${intervalText(ci95, 8)} is a bound, not a confidence interval — ${parts.join(' + ')}.`,
  });
}
