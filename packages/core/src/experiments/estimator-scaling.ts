/**
 * core.estimator-scaling: the variance of a mean of B noisy draws falls as B^-1 when the
 * noise has finite variance, and its spread (IQR²) falls as B^(2/α−2) for α-stable noise.
 *
 * The claim is about the variance, so the variance is judged wherever it exists (Student-t with
 * df > 2 included). Where its fourth moment does not exist (2 < df ≤ 4) the normal-theory SE of a
 * sample variance is meaningless, and the interval of the exponent comes from subsampling
 * (Politis, Romano & Wolf 1999) with the known rate of a heavy-tailed variance, n^(1−2/df). IQR²
 * is used only where the variance does not exist (α-stable with α < 2, Student-t with df ≤ 2).
 */
import { z } from 'zod';
import { defineExperiment } from '../experiment/registry.js';
import { Moments } from '../stats/moments.js';
import { loglogSlope } from '../stats/regression.js';
import { quantileSorted } from '../stats/quantile.js';
import { verdict } from '../experiment/verdict.js';
import { xyFigure } from '../experiment/figures.js';
import { anyNumber, defineExperimentTask } from '../experiment/pipeline.js';
import type { Stream } from '../random/stream.js';
import { poisson, stableSymmetric, studentT } from '../random/distributions.js';
import { fitScaling, measureSpread, validateBudgets, type ScalingPoint, type SpreadKind } from '../snr/scaling.js';

export const noiseKinds = ['gaussian', 'student-t', 'alpha-stable', 'poisson'] as const;
type NoiseKind = (typeof noiseKinds)[number];

const params = z.object({
  noise: z.enum(noiseKinds).default('gaussian').describe('law of each draw'),
  alpha: z.number().gt(0).max(2).default(1.5).describe('stability index of alpha-stable noise (2 = Gaussian)'),
  df: z.number().gt(0).max(1000).default(10).describe('degrees of freedom of Student-t noise'),
  mean: z.number().gt(0).max(1e6).default(3).meta({ unit: 'counts' }).describe('mean of Poisson noise'),
  budgets: z
    .array(z.int().min(1).max(1_000_000))
    .min(2)
    .default([1, 2, 4, 8, 16, 32, 64, 128])
    .meta({ unit: 'draws' })
    .describe('budgets B: each estimate is the mean of B draws'),
  estimates: z.int().min(200).max(10_000_000).default(4000).meta({ renamedFrom: 'replicates' }).describe('estimates per budget'),
});

export type EstimatorScalingParams = z.output<typeof params>;

/** Spread used for a noise law: the variance wherever it exists; IQR² only where it does not (α-stable with α < 2, Student-t with df ≤ 2). */
export function spreadFor(p: Pick<EstimatorScalingParams, 'noise' | 'alpha' | 'df'>): SpreadKind {
  if (p.noise === 'alpha-stable' && p.alpha < 2) return 'iqr';
  if (p.noise === 'student-t' && p.df <= 2) return 'iqr';
  return 'variance';
}

/**
 * The variance exists but its own variance does not (Student-t with 2 < df ≤ 4): the exponent's
 * interval then comes from subsampling, not from the fourth-moment SE.
 */
export function heavyTailedVariance(p: Pick<EstimatorScalingParams, 'noise' | 'df'>): boolean {
  return p.noise === 'student-t' && p.df > 2 && p.df <= 4;
}

/** Blocks of the subsampling interval: about √replicates blocks of about √replicates estimates each. */
export function subsampleBlocks(replicates: number): number {
  return Math.max(10, Math.floor(Math.sqrt(replicates)));
}

/** Theory exponent: −1 for finite variance; 2/α − 2 for α-stable; 2/df − 2 for Student-t with df < 2. */
export function theoryExponent(p: Pick<EstimatorScalingParams, 'noise' | 'alpha' | 'df'>): number {
  if (p.noise === 'alpha-stable') return 2 / p.alpha - 2;
  if (p.noise === 'student-t' && p.df < 2) return 2 / p.df - 2;
  return -1;
}

function drawer(noise: NoiseKind, p: EstimatorScalingParams): (s: Stream) => number {
  switch (noise) {
    case 'gaussian':
      return (s) => s.normal();
    case 'student-t':
      return (s) => studentT(s, p.df);
    case 'alpha-stable':
      return (s) => stableSymmetric(s, p.alpha);
    case 'poisson':
      return (s) => poisson(s, p.mean);
  }
}

interface Job {
  path: [number];
  params: EstimatorScalingParams;
  budget: number;
}

/** One budget's spread: a task, so that budgets can run on any worker. */
export const budgetTask = defineExperimentTask(import.meta.url, 'core.estimator-scaling/budget', (job: Job, { stream }): ScalingPoint & { blockVariances?: number[] } => {
  const draw = drawer(job.params.noise, job.params);
  const estimator = (b: number, s: Stream) => {
    let acc = 0;
    for (let i = 0; i < b; i++) acc += draw(s);
    return acc / b;
  };
  if (!heavyTailedVariance(job.params)) return measureSpread(estimator, job.budget, job.params.estimates, stream, { spread: spreadFor(job.params) });
  // the same draws, in the same order, as measureSpread; plus the variance of each block of
  // consecutive estimates for the subsampling interval
  const R = job.params.estimates;
  const values = new Float64Array(R);
  for (let r = 0; r < R; r++) values[r] = estimator(job.budget, stream);
  const m = Moments.of(values);
  const G = subsampleBlocks(R);
  const per = Math.floor(R / G);
  const blockVariances: number[] = [];
  for (let g = 0; g < G; g++) blockVariances.push(Moments.of(values.subarray(g * per, (g + 1) * per)).variance);
  return { budget: job.budget, replicates: R, mean: m.mean, spread: m.variance, spreadSE: m.varianceSE, spreadRaw: m.variance, fpc: 1, blockVariances };
});

const point = z.object({
  budget: anyNumber(),
  mean: anyNumber(),
  spread: anyNumber(),
  spreadSE: anyNumber(),
  spreadRaw: anyNumber(),
  fpc: anyNumber(),
  replicates: anyNumber(),
  /** Variances of consecutive blocks of estimates (Student-t with 2 < df ≤ 4 only: the subsampling interval). */
  blockVariances: z.array(anyNumber()).optional(),
});

/**
 * Subsampling interval of the unweighted log–log slope (Politis, Romano & Wolf 1999): the slope
 * of each block (the same budgets, `per` estimates each) spreads around the full slope as
 * τ_per/τ_n times the full slope around the truth, with τ_n = n^(1−2/df) the rate of a sample
 * variance whose fourth moment is infinite (the variance of one draw is in the domain of
 * attraction of a (df/2)-stable law). Valid for i.i.d. estimates without a finite fourth moment,
 * where neither the normal-theory SE nor the n-out-of-n bootstrap is (Athreya 1987).
 */
export function subsamplingInterval(points: readonly { budget: number; spread: number; replicates: number; blockVariances?: number[] }[], df: number) {
  const x = points.map((pt) => pt.budget);
  const full = loglogSlope(x, points.map((pt) => pt.spread)).slope;
  const G = Math.min(...points.map((pt) => pt.blockVariances?.length ?? 0));
  const n = points[0].replicates;
  const per = Math.floor(n / G);
  const rate = 1 - 2 / df;
  const scale = Math.pow(per / n, rate);
  const roots: number[] = [];
  for (let g = 0; g < G; g++) {
    const ys = points.map((pt) => (pt.blockVariances as number[])[g]);
    if (ys.every((y) => y > 0)) roots.push(loglogSlope(x, ys).slope - full);
  }
  roots.sort((a, b) => a - b);
  const ci95: [number, number] = [full - scale * quantileSorted(roots, 0.975), full - scale * quantileSorted(roots, 0.025)];
  return { exponent: full, ci95, blocks: roots.length, per, scale };
}

const measurements = z.object({
  spread: z.enum(['variance', 'iqr']),
  exponent: anyNumber(),
  exponentSE: anyNumber(),
  /** The exponent's interval when it does not come from its SE (subsampling, Student-t with 2 < df ≤ 4). */
  exponentCI95: z.tuple([anyNumber(), anyNumber()]).optional(),
  interval: z.enum(['normal', 'subsampling']).optional(),
  theoryExponent: anyNumber(),
  chi2Reduced: anyNumber(),
  prefactor: anyNumber(),
  points: z.array(point),
});

export type EstimatorScalingMeasurements = z.output<typeof measurements>;

export const estimatorScalingExperiment = defineExperiment({
  id: 'core.estimator-scaling',
  domain: 'core',
  title: 'Variance of a mean against its budget',
  claim: 'The variance of a mean of B noisy draws falls as B^-1 when the noise has finite variance, and its spread falls as B^(2/α−2) for α-stable noise.',
  description:
    'Each estimate is the mean of B i.i.d. draws. For finite variance σ², Var = σ²/B exactly. For symmetric α-stable noise the mean of B draws is B^(1/α−1) times one draw, so the variance does not exist and the IQR² (reported as the spread) scales as B^(2/α−2). The exponent is the weighted log–log slope with its standard error.',
  params,
  measurements,
  validate(p) {
    validateBudgets(p.budgets);
  },
  plan: (p) => p.budgets.map((budget): Job => ({ path: [budget], params: p, budget })),
  task: budgetTask,
  reduce(points, p): EstimatorScalingMeasurements {
    const kind = spreadFor(p);
    const fit = fitScaling(points, kind);
    const base: EstimatorScalingMeasurements = { spread: kind, exponent: fit.exponent, exponentSE: fit.exponentSE, theoryExponent: theoryExponent(p), chi2Reduced: fit.chi2Reduced, prefactor: fit.prefactor, points };
    if (!heavyTailedVariance(p) || points.length < 2 || !points.every((pt) => pt.blockVariances?.length)) return base;
    // heavy tails: the unweighted slope (the fourth-moment weights are themselves heavy-tailed)
    // with its subsampling interval; the SE shown is the interval's half-width over 1.96
    const sub = subsamplingInterval(points, p.df);
    return { ...base, exponent: sub.exponent, exponentSE: (sub.ci95[1] - sub.ci95[0]) / (2 * 1.959963984540054), exponentCI95: sub.ci95, interval: 'subsampling' as const };
  },
  metrics: (m) => ({ exponent: m.exponent, exponentSE: m.exponentSE, theoryExponent: m.theoryExponent, chi2Reduced: m.chi2Reduced, prefactor: m.prefactor }),
  judge(m, p) {
    const theory = m.theoryExponent;
    const label = m.spread === 'iqr' ? 'IQR²' : 'variance';
    const note =
      p.noise === 'alpha-stable' && p.alpha < 2
        ? `α-stable noise with α < 2 has no variance, so the claim is judged on the spread IQR², whose exponent is exactly 2/α − 2 = ${theory.toFixed(4)} (the mean of B draws is B^(1/α−1) times one draw).`
        : p.noise === 'student-t' && p.df <= 2
          ? `Student-t with df = ${p.df} has no variance, so the claim is judged on the spread IQR²; its slope is ${theory.toFixed(4)} only asymptotically (${p.df < 2 ? `the mean of B draws tends to a ${p.df}-stable law` : 'at df = 2 up to a log B factor'}).`
          : heavyTailedVariance(p)
            ? `Student-t with df = ${p.df} has the finite variance df/(df − 2) = ${(p.df / (p.df - 2)).toPrecision(4)}, so Var(mean of B) = σ²/B exactly and the variance is judged; its fourth moment is infinite, so the exponent is the unweighted log–log slope and its 95% interval comes from subsampling ${m.points[0]?.blockVariances?.length ?? 0} blocks of ${Math.floor((m.points[0]?.replicates ?? 0) / (m.points[0]?.blockVariances?.length || 1))} estimates at the heavy-tailed rate n^(1−2/df) (Politis, Romano & Wolf 1999), not from a normal-theory SE, which does not exist.`
            : 'Finite variance: Var(mean of B) = σ²/B, slope −1.';
    if (m.exponentCI95) return [verdict({ claim: `${label} ∝ B^${theory.toFixed(4)}`, theory, measured: m.exponent, ci95: [m.exponentCI95[0], m.exponentCI95[1]], se: m.exponentSE, note })];
    return [verdict({ claim: `${label} ∝ B^${theory.toFixed(4)}`, theory, measured: m.exponent, se: m.exponentSE, note })];
  },
  present(m, p) {
    const theory = m.theoryExponent;
    const label = m.spread === 'iqr' ? 'IQR²' : 'variance';
    const anchor = (m.prefactor * Math.pow(p.budgets[0], m.exponent)) / Math.pow(p.budgets[0], theory);
    return {
      tables: [
        {
          name: 'spread',
          title: `${label} per budget`,
          columns: ['budget', label, 'SE', 'theory (fit anchored)'],
          rows: m.points.map((pt) => [pt.budget, pt.spread, pt.spreadSE, anchor * Math.pow(pt.budget, theory)]),
        },
      ],
      figures: [
        xyFigure({
          name: 'spread-vs-budget',
          title: `${label} of the mean against budget (${p.noise})`,
          x: { title: 'budget B', log: true },
          y: { title: label, log: true },
          points: m.points.map((pt) => ({ x: pt.budget, y: pt.spread, lo: pt.spread - 1.96 * pt.spreadSE, hi: pt.spread + 1.96 * pt.spreadSE, series: 'measured' })),
          lines: p.budgets.map((b) => ({ x: b, y: anchor * Math.pow(b, theory), series: `theory B^${theory.toFixed(3)}` })),
        }),
      ],
    };
  },
});
