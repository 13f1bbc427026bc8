/**
 * How the spread of a noisy estimator falls with its budget (batch size, shots, neighbours,
 * molecules, replicas): Var ĝ(n) ∝ n^exponent, with exponent −1 for finite variance and
 * 2/α − 2 for α-stable noise, measured as a log–log slope with its standard error.
 */
import { Moments, VectorMoments } from '../stats/moments.js';
import { iqr } from '../stats/quantile.js';
import { loglogSlope } from '../stats/regression.js';
import { zForLevel } from '../stats/special.js';
import { assertInteger, ParameterError } from '../errors.js';
import type { Stream } from '../random/stream.js';

export type SpreadKind = 'variance' | 'iqr';

export interface ScalingPoint {
  budget: number;
  replicates: number;
  mean: number;
  /** The spread that was fitted: the variance (or tr Cov), or IQR² — after any FPC division. */
  spread: number;
  spreadSE: number;
  /** Raw spread before the finite-population correction. */
  spreadRaw: number;
  /** (N − B)/(N − 1) when sampling without replacement from N, else 1. */
  fpc: number;
}

export interface ScalingResult {
  spreadKind: SpreadKind;
  points: ScalingPoint[];
  /** Slope of log spread against log budget (after the FPC, if a population was given). */
  exponent: number;
  exponentSE: number;
  ci95: [number, number];
  prefactor: number;
  chi2Reduced: number;
  /** Slope of the raw spread, before the FPC; equals `exponent` with replacement. */
  exponentRaw: number;
  exponentRawSE: number;
}

export interface ScalingOptions {
  /** Budget `b` draws from `stream.child(b)`, so adding a budget never changes the others. */
  stream: Stream;
  /** 'variance' (tr Cov for vectors) or 'iqr' (reported as IQR², so slopes compare with variance). */
  spread?: SpreadKind;
  /** Population size N when the estimator samples without replacement. */
  population?: number;
  /** Batches for the batch-means SE of IQR² and of tr Cov (default 20). */
  batches?: number;
}

/** Finite-population correction for a mean of B draws without replacement from N. */
export function finitePopulationCorrection(population: number, budget: number): number {
  if (population <= 1) return 1;
  return (population - budget) / (population - 1);
}

/**
 * The spread of `estimator(budget, stream)` over `replicates` realisations at one budget.
 * Scalar estimators use streaming moments (4th-moment SE of the variance) or IQR² with a
 * batch-means SE; vector estimators use tr Cov with a batch-means SE.
 */
export function measureSpread(
  estimator: (budget: number, stream: Stream) => number | ArrayLike<number>,
  budget: number,
  replicates: number,
  stream: Stream,
  opts: { spread?: SpreadKind; population?: number; batches?: number } = {},
): ScalingPoint {
  const kind = opts.spread ?? 'variance';
  const G = opts.batches ?? 20;
  const first = estimator(budget, stream);
  let spreadRaw: number;
  let spreadSE: number;
  let mean: number;
  if (typeof first === 'number') {
    const values = new Float64Array(replicates);
    values[0] = first;
    for (let r = 1; r < replicates; r++) values[r] = estimator(budget, stream) as number;
    const m = Moments.of(values);
    mean = m.mean;
    if (kind === 'variance') {
      spreadRaw = m.variance;
      spreadSE = m.varianceSE;
    } else {
      const q = iqr(values);
      spreadRaw = q * q;
      spreadSE = 2 * q * batchSE(values, G, iqr);
    }
  } else {
    if (kind === 'iqr') throw new ParameterError('spread', kind, "'variance' for vector-valued estimators");
    const d = first.length;
    const total = new VectorMoments(d, false);
    const per = Math.floor(replicates / G);
    const batchTraces = new Moments();
    let batch = new VectorMoments(d, false);
    total.push(first);
    batch.push(first);
    for (let r = 1; r < replicates; r++) {
      const v = estimator(budget, stream) as ArrayLike<number>;
      total.push(v);
      if (r < per * G) {
        batch.push(v);
        if ((r + 1) % per === 0) {
          batchTraces.push(batch.trace());
          batch = new VectorMoments(d, false);
        }
      }
    }
    let mnorm = 0;
    for (let j = 0; j < d; j++) mnorm += total.mean[j] * total.mean[j];
    mean = Math.sqrt(mnorm);
    spreadRaw = total.trace();
    spreadSE = batchTraces.sd / Math.sqrt(batchTraces.n);
  }
  const fpc = opts.population !== undefined ? finitePopulationCorrection(opts.population, budget) : 1;
  if (fpc <= 0) throw new ParameterError('budgets[]', budget, `a value below the population size ${opts.population}`);
  return { budget, replicates, mean, spread: spreadRaw / fpc, spreadSE: spreadSE / fpc, spreadRaw, fpc };
}

/** Fit the log–log slope of spread against budget (and of the raw spread, before any FPC). */
export function fitScaling(points: readonly ScalingPoint[], spreadKind: SpreadKind = 'variance'): ScalingResult {
  const x = points.map((p) => p.budget);
  const fit = loglogSlope(x, points.map((p) => p.spread), points.map((p) => p.spreadSE));
  const raw = loglogSlope(x, points.map((p) => p.spreadRaw), points.map((p) => p.spreadSE * p.fpc));
  const z = zForLevel(0.95);
  return {
    spreadKind,
    points: [...points],
    exponent: fit.slope,
    exponentSE: fit.slopeSE,
    ci95: [fit.slope - z * fit.slopeSE, fit.slope + z * fit.slopeSE],
    prefactor: fit.prefactor,
    chi2Reduced: fit.chi2Reduced,
    exponentRaw: raw.slope,
    exponentRawSE: raw.slopeSE,
  };
}

/** Check budgets: at least two, distinct, integers in [1, population]. */
export function validateBudgets(budgets: readonly number[], population?: number): void {
  if (!Array.isArray(budgets) || budgets.length < 2) {
    throw new ParameterError('budgets', budgets, 'at least two distinct positive budgets');
  }
  for (const b of budgets) assertInteger('budgets[]', b, { min: 1, max: population ?? Number.MAX_SAFE_INTEGER });
  if (new Set(budgets).size !== budgets.length) throw new ParameterError('budgets', budgets, 'distinct values');
}

/**
 * Measure the spread at each budget and fit the scaling exponent. Budget `b` draws from
 * `opts.stream.child(b)`, so adding a budget never changes the others.
 */
export function estimatorScaling(
  estimator: (budget: number, stream: Stream) => number | ArrayLike<number>,
  budgets: readonly number[],
  replicates: number,
  opts: ScalingOptions,
): ScalingResult {
  assertInteger('replicates', replicates, { min: 40 });
  validateBudgets(budgets, opts.population);
  const points = budgets.map((b) => measureSpread(estimator, b, replicates, opts.stream.child(b), opts));
  return fitScaling(points, opts.spread ?? 'variance');
}

/**
 * Batch-means standard error of a statistic: split into `g` batches, take the sd of the
 * batch statistics over √g. For statistics whose variance falls as 1/n this estimates the
 * SE of the statistic on the whole sample.
 */
export function batchSE(values: ArrayLike<number>, g: number, statistic: (xs: Float64Array) => number): number {
  const per = Math.floor(values.length / g);
  const m = new Moments();
  for (let b = 0; b < g; b++) {
    m.push(statistic(Float64Array.prototype.slice.call(values, b * per, (b + 1) * per) as Float64Array));
  }
  return m.sd / Math.sqrt(g);
}
