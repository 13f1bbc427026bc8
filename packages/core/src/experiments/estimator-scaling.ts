/**
 * core.estimator-scaling: the variance of a mean of B noisy draws falls as B^-1 when the
 * noise has finite variance, and its spread (IQR²) falls as B^(2/α−2) for α-stable noise.
 */
import { z } from 'zod';
import { defineExperiment } from '../experiment/registry.js';
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
  replicates: z.int().min(200).max(10_000_000).default(4000).describe('estimates per budget'),
});

export type EstimatorScalingParams = z.output<typeof params>;

/** Spread used for a noise law: IQR² where the variance is infinite or its SE undefined. */
export function spreadFor(p: Pick<EstimatorScalingParams, 'noise' | 'alpha' | 'df'>): SpreadKind {
  if (p.noise === 'alpha-stable' && p.alpha < 2) return 'iqr';
  if (p.noise === 'student-t' && p.df <= 4) return 'iqr';
  return 'variance';
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
export const budgetTask = defineExperimentTask(import.meta.url, 'core.estimator-scaling/budget', (job: Job, { stream }): ScalingPoint => {
  const draw = drawer(job.params.noise, job.params);
  const estimator = (b: number, s: Stream) => {
    let acc = 0;
    for (let i = 0; i < b; i++) acc += draw(s);
    return acc / b;
  };
  return measureSpread(estimator, job.budget, job.params.replicates, stream, { spread: spreadFor(job.params) });
});

const point = z.object({ budget: anyNumber(), mean: anyNumber(), spread: anyNumber(), spreadSE: anyNumber(), spreadRaw: anyNumber(), fpc: anyNumber(), replicates: anyNumber() });

const measurements = z.object({
  spread: z.enum(['variance', 'iqr']),
  exponent: anyNumber(),
  exponentSE: anyNumber(),
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
  reduce(points, p) {
    const kind = spreadFor(p);
    const fit = fitScaling(points, kind);
    return { spread: kind, exponent: fit.exponent, exponentSE: fit.exponentSE, theoryExponent: theoryExponent(p), chi2Reduced: fit.chi2Reduced, prefactor: fit.prefactor, points };
  },
  metrics: (m) => ({ exponent: m.exponent, exponentSE: m.exponentSE, theoryExponent: m.theoryExponent, chi2Reduced: m.chi2Reduced, prefactor: m.prefactor }),
  judge(m, p) {
    const theory = m.theoryExponent;
    const label = m.spread === 'iqr' ? 'IQR²' : 'variance';
    const note =
      p.noise === 'alpha-stable'
        ? `α-stable noise has no variance; the spread is IQR², whose exponent is 2/α − 2 = ${theory.toFixed(4)}.`
        : p.noise === 'student-t' && p.df <= 4
          ? `Student-t with df = ${p.df} has no finite fourth moment, so the spread is IQR²; its slope is ${theory} only asymptotically.`
          : 'Finite variance: Var(mean of B) = σ²/B, slope −1.';
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
