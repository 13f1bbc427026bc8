/**
 * The curated cross-domain comparison: which experiments run, at which settings, and how each
 * lands on the three common axes. Quick settings keep `npm start` under three minutes on two
 * cores; `--full` uses the heavier ones.
 */
import type { ExperimentResult, Table } from '@snrlab/core';
import type { AxisPoint, CompareEntry, Contribution } from './types.js';

export function tableOf(r: ExperimentResult, name: string): Table {
  const t = r.tables.find((x) => x.name === name);
  if (!t) throw new Error(`${r.id} returned no table '${name}' (tables: ${r.tables.map((x) => x.name).join(', ')})`);
  return t;
}

/** Column `name` of a table as numbers. */
export function column(t: Table, name: string): number[] {
  const i = t.columns.indexOf(name);
  if (i < 0) throw new Error(`table '${t.name}' has no column '${name}' (columns: ${t.columns.join(', ')})`);
  return t.rows.map((row) => Number(row[i]));
}

/** Normalise a spread-against-budget series by its first point, with 95% error bars. */
export function normalisedSeries(budget: number[], spread: number[], se: number[]): AxisPoint[] {
  const b0 = budget[0];
  const s0 = spread[0];
  return budget.map((b, i) => ({ x: b / b0, y: spread[i] / s0, lo: (spread[i] - 1.96 * se[i]) / s0, hi: (spread[i] + 1.96 * se[i]) / s0 }));
}

function coreScaling(series: string): (r: ExperimentResult) => Contribution[] {
  return (r) => {
    const t = tableOf(r, 'spread');
    const spreadName = t.columns[1];
    return [
      {
        axis: 'variance',
        series,
        points: normalisedSeries(column(t, 'budget'), column(t, spreadName), column(t, 'SE')),
        theorySlope: r.metrics.theoryExponent,
        theoryLabel: r.metrics.theoryExponent === -1 ? 'theory: slope −1' : `theory: slope 2/α − 2 = ${r.metrics.theoryExponent.toFixed(3)}`,
      },
    ];
  };
}

export const CORE_ENTRIES: CompareEntry[] = [
  {
    domain: 'core',
    label: 'mean of B Gaussian draws',
    experiment: 'core.estimator-scaling',
    params: { noise: 'gaussian', replicates: 2000 },
    full: { noise: 'gaussian', replicates: 20000 },
    contribute: coreScaling('Gaussian mean: draws B'),
  },
  {
    domain: 'core',
    label: 'mean of B α-stable draws (α = 1.5): no variance, IQR² instead',
    experiment: 'core.estimator-scaling',
    params: { noise: 'alpha-stable', alpha: 1.5, replicates: 2000 },
    full: { noise: 'alpha-stable', alpha: 1.5, replicates: 20000 },
    contribute: coreScaling('α-stable mean (α = 1.5): draws B'),
  },
  {
    domain: 'core',
    label: 'threshold readout of a noisy Poisson gradient',
    experiment: 'core.positional-error',
    params: { realizations: 2000 },
    full: { realizations: 20000 },
    contribute: (r) => [
      {
        axis: 'positional',
        series: 'threshold readout (core)',
        points: [{ x: 0, y: r.metrics.ratio, lo: r.metrics.ratio - 1.96 * r.metrics.ratioSE, hi: r.metrics.ratio + 1.96 * r.metrics.ratioSE }],
      },
    ],
  },
];

/** The positional-error ratio (direct / delta method) as one point with its 95% interval. */
function ratioPoint(series: string, ratio: number, se: number): Contribution {
  return { axis: 'positional', series, points: [{ x: 0, y: ratio, lo: ratio - 1.96 * se, hi: ratio + 1.96 * se }] };
}

export const MORPHOGEN_ENTRIES: CompareEntry[] = [
  {
    domain: 'morphogen',
    label: 'molecule count N in a voxel (exact RDME)',
    experiment: 'morphogen.rdme-stationary',
    params: {},
    contribute: (r) => {
      // relative variance Var/N² = Fano/N of the copy number against the mean count N
      const t = tableOf(r, 'voxels');
      const mean = column(t, 'mean');
      const fano = column(t, 'Fano');
      const fanoSE = column(t, 'Fano SE');
      const order = mean.map((_, i) => i).sort((a, b) => mean[a] - mean[b]);
      return [
        {
          axis: 'variance',
          series: 'morphogen: molecules N per voxel',
          points: normalisedSeries(
            order.map((i) => mean[i]),
            order.map((i) => fano[i] / mean[i]),
            order.map((i) => fanoSE[i] / mean[i]),
          ),
          theorySlope: -1,
          theoryLabel: 'theory: slope −1',
        },
      ];
    },
  },
  {
    domain: 'morphogen',
    label: 'boundary of a gradient read against a threshold (embryo-to-embryo CV 0.1)',
    experiment: 'morphogen.positional-error',
    params: { cv: 0.1 },
    contribute: (r) => {
      const t = tableOf(r, 'positional-error');
      const ratio = r.metrics.ratioNear;
      // the verdict's batch-means interval, as an SE
      const v = r.verdicts[0];
      return [ratioPoint('morphogen boundary (near the source)', ratio, (v.ci95[1] - v.ci95[0]) / (2 * 1.96) || column(t, 'SE')[0] / r.metrics.sigmaXDirectNear)];
    },
    verdicts: (r) => r.verdicts.slice(0, 1),
  },
];

export const VQE_ENTRIES: CompareEntry[] = [
  {
    domain: 'vqe',
    label: 'measurement shots N per energy estimate (2-qubit H₂)',
    experiment: 'vqe.shot-noise',
    params: { replicates: 2000 },
    full: { replicates: 20000 },
    contribute: (r) => {
      const t = tableOf(r, 'variance');
      return [
        {
          axis: 'variance',
          series: 'VQE: shots N',
          points: normalisedSeries(column(t, 'shots N'), column(t, 'Var Ê'), column(t, 'SE')),
          theorySlope: -1,
          theoryLabel: 'theory: slope −1',
        },
      ];
    },
  },
  {
    domain: 'vqe',
    label: 'optimal angle from shot-noisy derivatives',
    experiment: 'vqe.optimal-angle',
    params: {},
    full: { realizations: 10000 },
    contribute: (r) => [ratioPoint('VQE optimal angle', r.metrics.ratio, r.metrics.ratioSE)],
  },
];

/** A temperature point: x = T, y = stationary variance × stiffness, with 95% error bars. */
function temperaturePoint(series: string, T: number, varTimesStiffness: number, se: number): Contribution {
  return { axis: 'temperature', series, points: [{ x: T, y: varTimesStiffness, lo: varTimesStiffness - 1.96 * se, hi: varTimesStiffness + 1.96 * se }], theorySlope: 1, theoryLabel: 'theory: variance × stiffness = T' };
}

const LANGEVIN_TEMPERATURES = [0.25, 1, 4];

export const LANGEVIN_ENTRIES: CompareEntry[] = [
  {
    domain: 'langevin',
    label: 'replicas R averaged into an ensemble estimate of ⟨x²⟩',
    experiment: 'langevin.replica-average',
    params: {},
    full: { estimates: 10000 },
    contribute: (r) => {
      const t = tableOf(r, 'spread');
      return [
        {
          axis: 'variance',
          series: 'Langevin: replicas R',
          points: normalisedSeries(column(t, 'budget'), column(t, 'variance'), column(t, 'SE')),
          theorySlope: -1,
          theoryLabel: 'theory: slope −1',
        },
      ];
    },
  },
  ...LANGEVIN_TEMPERATURES.map(
    (T): CompareEntry => ({
      domain: 'langevin',
      label: `overdamped Langevin in U = x²/2 at T = ${T}`,
      experiment: 'langevin.boltzmann',
      params: { temperature: T, dt: 0.01, time: 10, replicas: 20000 },
      full: { temperature: T, dt: 0.01, time: 10, replicas: 200000 },
      contribute: (r) => [temperaturePoint('Langevin (T)', T, r.metrics.varianceMeasured, r.metrics.varianceSE)],
    }),
  ),
];

const SGD_BATCHES = [1, 4, 16];

export const SGD_ENTRIES: CompareEntry[] = [
  {
    domain: 'sgd',
    label: 'mini-batch size B (softmax regression on Iris, without replacement)',
    experiment: 'sgd.batch-variance',
    params: {},
    contribute: (r) => {
      // the finite-population factor divided out, so sampling without replacement joins the −1 line
      const t = tableOf(r, 'noise-vs-batch');
      const fpc = column(t, 'finite-population factor');
      const tr = column(t, 'tr Cov (measured)').map((v, i) => v / fpc[i]);
      const se = column(t, 'SE').map((v, i) => v / fpc[i]);
      return [{ axis: 'variance', series: 'SGD: batch size B (÷ finite-population factor)', points: normalisedSeries(column(t, 'B'), tr, se), theorySlope: -1, theoryLabel: 'theory: slope −1' }];
    },
  },
  {
    domain: 'sgd',
    label: 'GraphSAGE: sampled neighbours k per node (without replacement)',
    experiment: 'sgd.neighbor-sampling',
    params: {},
    contribute: (r) => {
      // divide out the finite-neighbourhood factor: measured/theory(1/k − 1/deg) times 1/k, for the k
      // where few nodes already use all their neighbours
      const t = tableOf(r, 'noise-vs-k');
      const k = column(t, 'k');
      const measured = column(t, 'E tr Var_S g_v');
      const se = column(t, 'SE');
      const theory = column(t, 'theory (1/k − 1/deg)');
      const use = k.map((_, i) => i).filter((i) => k[i] <= 8);
      return [
        {
          axis: 'variance',
          series: 'GraphSAGE: neighbours k (÷ finite-neighbourhood factor)',
          points: normalisedSeries(
            use.map((i) => k[i]),
            use.map((i) => (measured[i] / theory[i]) * (theory[use[0]] / k[i])),
            use.map((i) => (se[i] / theory[i]) * (theory[use[0]] / k[i])),
          ),
          theorySlope: -1,
          theoryLabel: 'theory: slope −1',
        },
      ];
    },
    verdicts: (r) => r.verdicts.filter((v) => !v.claim.startsWith('Contrast')),
  },
  {
    domain: 'sgd',
    label: 'location of a loss minimum from mini-batch gradients (linear regression, B = 64)',
    experiment: 'sgd.minimum-location',
    params: { models: ['linear-regression'], batchSizes: [16, 64] },
    contribute: (r) => [ratioPoint('loss minimum (SGD)', r.metrics['linear.B64.ratioExact'], r.metrics['linear.B64.sigmaDirectSE'] / r.metrics['linear.B64.sigmaExact'])],
  },
  ...SGD_BATCHES.map(
    (B): CompareEntry => ({
      domain: 'sgd',
      label: `SGD on a quadratic, η = 0.02, B = ${B}`,
      experiment: 'sgd.temperature',
      params: { learningRate: 0.02, batchSize: B },
      contribute: (r) => [temperaturePoint('SGD (T = ησ²/(2B))', r.metrics.temperature, r.metrics.varianceMeasured * Number(r.params.curvature), r.metrics.varianceMeasuredSE * Number(r.params.curvature))],
      // the quadratic's verdicts; the double-well check is the experiment's own business
      verdicts: (r) => r.verdicts.filter((v) => v.claim.startsWith('Quadratic')),
    }),
  ),
];

export const GAN_ENTRIES: CompareEntry[] = [
  {
    domain: 'gan',
    label: 'noisy bilinear game f = xy, extragradient, η = 0.05',
    experiment: 'gan.noise-drift',
    params: { learningRate: 0.05, steps: 3000, convergentMethods: ['extragradient'] },
    contribute: (r) => {
      // extragradient damps the rotation at rate η/2 per unit time (t = kη) and the noise ησξ per
      // step is a temperature T = ησ²/2 per component: variance × stiffness = (E r²/2)(η/2)
      const eta = r.params.learningRate as number;
      const t = tableOf(r, 'stationary');
      const points = t.rows
        .filter((row) => row[0] === 'extragradient')
        .map((row) => {
          const sigma = Number(row[1]);
          const r2 = Number(row[2]);
          const se = Number(row[3]);
          const f = (r2 - Number(row[5])) / 2;
          const y = f * (eta / 2);
          return { x: (eta * sigma * sigma) / 2, y, lo: y - 1.96 * (se / 2) * (eta / 2), hi: y + 1.96 * (se / 2) * (eta / 2) };
        });
      return [{ axis: 'temperature', series: 'noisy game (extragradient, T = ησ²/2)', points, theorySlope: 1, theoryLabel: 'theory: variance × stiffness = T' }];
    },
    verdicts: (r) => r.verdicts.filter((v) => /extragradient/i.test(v.claim)),
  },
];

/** Every entry, in the order of the table. */
export const COMPARE_ENTRIES: CompareEntry[] = [...CORE_ENTRIES, ...LANGEVIN_ENTRIES, ...SGD_ENTRIES, ...MORPHOGEN_ENTRIES, ...VQE_ENTRIES, ...GAN_ENTRIES];
