/**
 * sgd.gap-averaging: global average pooling over N positions divides the variance of independent
 * per-position feature noise by N; spatially correlated noise averages away more slowly.
 */
import { anyNumber, defineExperiment, defineExperimentTask, fitScaling, loglogSlope, measureSpread, validateBudgets, verdict, xyFigure, z, type ScalingPoint, type Stream } from '@snrlab/core';
import { GlobalAvgPool } from '../nn/elementwise.js';
import { fmt, weightedMean } from './common.js';

const params = z.object({
  positions: z
    .array(z.int().min(1).max(65_536))
    .min(3)
    .default([1, 2, 4, 8, 16, 32, 64, 128, 256])
    .meta({ unit: 'positions' })
    .describe('numbers N of spatial positions averaged by the pooling layer'),
  channels: z.int().min(1).max(256).default(4).meta({ unit: 'channels' }).describe('feature channels (each pooled separately; the variance is summed)'),
  noiseSd: z.number().gt(0).max(1e6).default(1).describe('sd σ of the feature noise at one position'),
  correlation: z.number().min(0).lt(1).default(0.9).describe('correlation ρ between neighbouring positions in the correlated case (AR(1): corr = ρ^|p−q|)'),
  estimates: z.int().min(100).max(1_000_000).default(2000).meta({ renamedFrom: 'replicates' }).describe('noisy feature maps pooled per N'),
});

/** Var of the mean of N unit AR(1) values with correlation ρ: (1/N)[1 + 2Σ_{k<N}(1 − k/N)ρ^k]. */
export function ar1MeanVariance(N: number, rho: number): number {
  let s = 1;
  let r = 1;
  for (let k = 1; k < N; k++) {
    r *= rho;
    s += 2 * (1 - k / N) * r;
  }
  return s / N;
}

function pooledNoise(channels: number, sd: number, rho: number) {
  const layers = new Map<number, GlobalAvgPool>();
  const maps = new Map<number, Float64Array>();
  const innov = Math.sqrt(1 - rho * rho);
  return (N: number, s: Stream): Float64Array => {
    let gap = layers.get(N);
    let x = maps.get(N);
    if (!gap || !x) {
      gap = new GlobalAvgPool([N, channels]);
      x = new Float64Array(N * channels);
      layers.set(N, gap);
      maps.set(N, x);
    }
    // channels-last [N, C]; each channel an AR(1) sequence along the positions (ρ = 0: independent)
    for (let c = 0; c < channels; c++) {
      let e = s.normal();
      x[c] = sd * e;
      for (let p = 1; p < N; p++) {
        e = rho * e + innov * s.normal();
        x[p * channels + c] = sd * e;
      }
    }
    return gap.pool(x, 1);
  };
}

type Params = z.output<typeof params>;

interface Job {
  /** [case, N]: case 0 is independent positions, case 1 the AR(1) correlated ones. */
  path: [number, number];
  rho: number;
  channels: number;
  noiseSd: number;
  N: number;
  replicates: number;
}

/** The pooled-noise spread at one N for one case. */
export const pooledTask = defineExperimentTask(import.meta.url, 'sgd.gap-averaging/pooled', (job: Job, { stream }) => {
  const est = pooledNoise(job.channels, job.noiseSd, job.rho);
  return { case: job.path[0], point: measureSpread(est, job.N, job.replicates, stream) };
});

const point = z.object({ budget: anyNumber(), replicates: anyNumber(), mean: anyNumber(), spread: anyNumber(), spreadSE: anyNumber(), spreadRaw: anyNumber(), fpc: anyNumber() });
const fitSchema = z.object({ exponent: anyNumber(), exponentSE: anyNumber(), points: z.array(point) });
const measurements = z.object({
  independent: fitSchema,
  correlated: fitSchema,
  theoryExponentCorrelated: anyNumber(),
  correlationLength: anyNumber(),
  varianceRatioAtMaxN: anyNumber(),
  theoryRatioIndependent: anyNumber(),
  theoryRatioIndependentSE: anyNumber(),
  theoryRatioCorrelated: anyNumber(),
  theoryRatioCorrelatedSE: anyNumber(),
});
type Measurements = z.output<typeof measurements>;

const theoryInd = (p: Params, N: number) => (p.noiseSd * p.noiseSd * p.channels) / N;
const theoryCor = (p: Params, N: number) => p.noiseSd * p.noiseSd * p.channels * ar1MeanVariance(N, p.correlation);

function reduce(partials: { case: number; point: ScalingPoint }[], p: Params): Measurements {
  const fit = (k: number) => {
    const f = fitScaling(partials.filter((x) => x.case === k).map((x) => x.point));
    return { exponent: f.exponent, exponentSE: f.exponentSE, points: f.points };
  };
  const ind = fit(0);
  const cor = fit(1);
  const corTheoryFit = loglogSlope(
    p.positions,
    p.positions.map((N) => theoryCor(p, N)),
  );
  const rInd = weightedMean(
    ind.points.map((pt) => pt.spread / theoryInd(p, pt.budget)),
    ind.points.map((pt) => pt.spreadSE / theoryInd(p, pt.budget)),
  );
  const rCor = weightedMean(
    cor.points.map((pt) => pt.spread / theoryCor(p, pt.budget)),
    cor.points.map((pt) => pt.spreadSE / theoryCor(p, pt.budget)),
  );
  const Nmax = Math.max(...p.positions);
  return {
    independent: ind,
    correlated: cor,
    theoryExponentCorrelated: corTheoryFit.slope,
    correlationLength: p.correlation > 0 ? -1 / Math.log(p.correlation) : 0,
    varianceRatioAtMaxN: theoryCor(p, Nmax) / theoryInd(p, Nmax),
    theoryRatioIndependent: rInd.mean,
    theoryRatioIndependentSE: rInd.se,
    theoryRatioCorrelated: rCor.mean,
    theoryRatioCorrelatedSE: rCor.se,
  };
}

export const gapAveragingExperiment = defineExperiment({
  id: 'sgd.gap-averaging',
  domain: 'sgd',
  title: 'Global average pooling as noise averaging',
  claim: 'Averaging N positions with independent noise divides the noise variance by N (exponent −1); correlated noise falls more slowly.',
  description:
    'Feature maps [N, C] of pure noise (sd σ per position) go through the package\'s GlobalAvgPool layer; the trace of the covariance of the pooled features is measured per N and its log–log slope fitted (core estimatorScaling tools). Independent positions give σ²C/N. With AR(1) correlation ρ^|p−q| the exact variance is σ²C/N·[1 + 2Σ_{k<N}(1 − k/N)ρ^k]: flat while N is below the correlation length −1/ln ρ, then ∝ 1/N with the larger prefactor (1 + ρ)/(1 − ρ). In a CNN with a GAP head the gradient of the head is δ ⊗ (pooled features), so its noise inherits the same law.',
  params,
  measurements,
  validate(p) {
    validateBudgets(p.positions);
  },
  plan: (p) => ([0, p.correlation] as const).flatMap((rho, k) => p.positions.map((N): Job => ({ path: [k, N], rho, channels: p.channels, noiseSd: p.noiseSd, N, replicates: p.estimates }))),
  task: pooledTask,
  reduce: (partials, p) => reduce(partials, p),
  metrics: (m) => ({
    exponent: m.independent.exponent,
    exponentSE: m.independent.exponentSE,
    exponentCorrelated: m.correlated.exponent,
    exponentCorrelatedSE: m.correlated.exponentSE,
    theoryExponentCorrelated: m.theoryExponentCorrelated,
    correlationLength: m.correlationLength,
    varianceRatioAtMaxN: m.varianceRatioAtMaxN,
    theoryRatioIndependent: m.theoryRatioIndependent,
    theoryRatioCorrelated: m.theoryRatioCorrelated,
  }),
  judge(m, p) {
    const ind = m.independent;
    const cor = m.correlated;
    const ell = m.correlationLength;
    const Ns = [...p.positions].sort((a, b) => a - b);
    const Nmax = Math.max(...p.positions);
    return [
      verdict({
        claim: 'GAP over N independent positions: Var ∝ N^-1',
        theory: -1,
        measured: ind.exponent,
        se: ind.exponentSE,
        note: `Slope ${fmt(ind.exponent, 4)} ± ${fmt(ind.exponentSE, 2)}; measured/theory σ²C/N = ${fmt(m.theoryRatioIndependent, 4)} ± ${fmt(m.theoryRatioIndependentSE, 2)}.`,
      }),
      verdict({
        claim: `Correlated positions (ρ = ${p.correlation}): Var = σ²C/N·[1 + 2Σ(1 − k/N)ρ^k] (measured/theory = 1)`,
        theory: 1,
        measured: m.theoryRatioCorrelated,
        se: m.theoryRatioCorrelatedSE,
        note: `The exact AR(1) law; correlation length −1/ln ρ = ${fmt(ell)} positions.`,
      }),
      verdict({
        claim: `Correlated positions: the fitted slope over N = ${Ns[0]}…${Nmax} equals that of the exact law (${fmt(m.theoryExponentCorrelated, 3)}), shallower than −1`,
        theory: m.theoryExponentCorrelated,
        measured: cor.exponent,
        se: cor.exponentSE,
        note: `Correlated noise averages away more slowly: at N = ${Nmax} the variance is ${fmt(m.varianceRatioAtMaxN)}× the independent value; asymptotically it is (1 + ρ)/(1 − ρ) = ${fmt((1 + p.correlation) / (1 - p.correlation))}× larger and the slope returns to −1 only for N ≫ ${fmt(ell)}.`,
      }),
    ];
  },
  present(m, p) {
    const ind = m.independent;
    const cor = m.correlated;
    const lines = [];
    const Ns = [...p.positions].sort((a, b) => a - b);
    for (let i = 0; i < 50; i++) {
      const N = Ns[0] * Math.pow(Ns[Ns.length - 1] / Ns[0], i / 49);
      lines.push({ x: N, y: theoryInd(p, N), series: 'σ²C/N (independent)' });
      lines.push({ x: N, y: theoryCor(p, Math.round(N)), series: `AR(1) ρ = ${p.correlation}` });
    }
    return {
      tables: [
        {
          name: 'pooled-variance',
          title: 'Variance of the pooled features',
          columns: ['N', 'independent', 'SE', 'theory', `correlated ρ=${p.correlation}`, 'SE', 'theory'],
          rows: p.positions.map((N, i) => [N, ind.points[i].spread, ind.points[i].spreadSE, theoryInd(p, N), cor.points[i].spread, cor.points[i].spreadSE, theoryCor(p, N)]),
        },
      ],
      figures: [
        xyFigure({
          name: 'pooled-variance',
          title: 'Noise variance after global average pooling over N positions',
          x: { title: 'positions N', log: true },
          y: { title: 'tr Cov of pooled features', log: true },
          points: [
            ...ind.points.map((pt) => ({ x: pt.budget, y: pt.spread, lo: pt.spread - 1.96 * pt.spreadSE, hi: pt.spread + 1.96 * pt.spreadSE, series: 'independent' })),
            ...cor.points.map((pt) => ({ x: pt.budget, y: pt.spread, lo: pt.spread - 1.96 * pt.spreadSE, hi: pt.spread + 1.96 * pt.spreadSE, series: 'correlated' })),
          ],
          lines,
        }),
      ],
      notes: [
        'Pooling is an average over a budget of N positions: the same estimator-scaling law as a mini-batch over B examples, including its failure when the draws are correlated.',
      ],
    };
  },
});
