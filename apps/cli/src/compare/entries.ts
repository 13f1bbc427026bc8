/**
 * The curated cross-domain comparison: which experiments run, at which settings, and how each
 * lands on the three common axes. Each entry reads its experiment's typed measurements, so a
 * renamed measurement is a compile error here, not a NaN in the report. Quick settings keep
 * `npm start` under three minutes on two cores; `--full` uses the heavier ones.
 */
import { estimatorScalingExperiment, positionalErrorExperiment as corePositionalError } from '@snrlab/core';
import { boltzmannExperiment, replicaAverageExperiment } from '@snrlab/langevin-sde';
import { batchVarianceExperiment, minimumLocationExperiment, neighborSamplingExperiment, temperatureExperiment } from '@snrlab/sgd-noise';
import { positionalErrorExperiment as morphogenPositionalError, rdmeStationaryExperiment } from '@snrlab/morphogen-patterning';
import { optimalAngleExperiment, shotNoiseExperiment } from '@snrlab/quantum-vqe-shots';
import { noiseDriftExperiment } from '@snrlab/gan-dynamics';
import type { MeasurementsOf } from '@snrlab/core';
import { entry, type AxisPoint, type CompareEntry, type Contribution } from './types.js';

/** Normalise a spread-against-budget series by its first point, with 95% error bars. */
export function normalisedSeries(budget: number[], spread: number[], se: number[]): AxisPoint[] {
  const b0 = budget[0];
  const s0 = spread[0];
  return budget.map((b, i) => ({ x: b / b0, y: spread[i] / s0, lo: (spread[i] - 1.96 * se[i]) / s0, hi: (spread[i] + 1.96 * se[i]) / s0 }));
}

function coreScaling(series: string): (m: MeasurementsOf<typeof estimatorScalingExperiment>) => Contribution[] {
  return (m) => [
    {
      axis: 'variance',
      series,
      points: normalisedSeries(
        m.points.map((p) => p.budget),
        m.points.map((p) => p.spread),
        m.points.map((p) => p.spreadSE),
      ),
      theorySlope: m.theoryExponent,
      theoryLabel: m.theoryExponent === -1 ? 'theory: slope −1' : `theory: slope 2/α − 2 = ${m.theoryExponent.toFixed(3)}`,
    },
  ];
}

/** The positional-error ratio (direct / delta method) as one point with its 95% interval. */
function ratioPoint(series: string, ratio: number, se: number): Contribution {
  return { axis: 'positional', series, points: [{ x: 0, y: ratio, lo: ratio - 1.96 * se, hi: ratio + 1.96 * se }] };
}

/** A temperature point: x = T, y = stationary variance × stiffness, with 95% error bars. */
function temperaturePoint(series: string, T: number, varTimesStiffness: number, se: number): Contribution {
  return { axis: 'temperature', series, points: [{ x: T, y: varTimesStiffness, lo: varTimesStiffness - 1.96 * se, hi: varTimesStiffness + 1.96 * se }], theorySlope: 1, theoryLabel: 'theory: variance × stiffness = T' };
}

export const CORE_ENTRIES: CompareEntry[] = [
  entry({
    domain: 'core',
    label: 'mean of B Gaussian draws',
    experiment: estimatorScalingExperiment,
    params: { noise: 'gaussian', replicates: 2000 },
    full: { noise: 'gaussian', replicates: 20000 },
    contribute: coreScaling('Gaussian mean: draws B'),
  }),
  entry({
    domain: 'core',
    label: 'mean of B α-stable draws (α = 1.5): no variance, IQR² instead',
    experiment: estimatorScalingExperiment,
    params: { noise: 'alpha-stable', alpha: 1.5, replicates: 2000 },
    full: { noise: 'alpha-stable', alpha: 1.5, replicates: 20000 },
    contribute: coreScaling('α-stable mean (α = 1.5): draws B'),
  }),
  entry({
    domain: 'core',
    label: 'threshold readout of a noisy Poisson gradient',
    experiment: corePositionalError,
    params: { realizations: 2000 },
    full: { realizations: 20000 },
    contribute: (m) => [ratioPoint('threshold readout (core)', m.ratio, m.ratioSE)],
  }),
];

export const MORPHOGEN_ENTRIES: CompareEntry[] = [
  entry({
    domain: 'morphogen',
    label: 'molecule count N in a voxel (exact RDME)',
    experiment: rdmeStationaryExperiment,
    params: {},
    contribute: (m) => {
      // relative variance Var/N² = Fano/N of the copy number against the mean count N
      const order = m.means.map((_, i) => i).sort((a, b) => m.means[a] - m.means[b]);
      return [
        {
          axis: 'variance',
          series: 'morphogen: molecules N per voxel',
          points: normalisedSeries(
            order.map((i) => m.means[i]),
            order.map((i) => m.fanos[i] / m.means[i]),
            order.map((i) => m.fanoSE[i] / m.means[i]),
          ),
          theorySlope: -1,
          theoryLabel: 'theory: slope −1',
        },
      ];
    },
  }),
  entry({
    domain: 'morphogen',
    label: 'boundary of a gradient read against a threshold (embryo-to-embryo CV 0.1)',
    experiment: morphogenPositionalError,
    params: { cv: 0.1 },
    contribute: (m) => {
      // the readout nearest the source, with its batch-means interval as an SE
      const near = m.points[0];
      return [ratioPoint('morphogen boundary (near the source)', near.ratio, (near.ratioCI95[1] - near.ratioCI95[0]) / (2 * 1.96))];
    },
  }),
];

export const VQE_ENTRIES: CompareEntry[] = [
  entry({
    domain: 'vqe',
    label: 'measurement shots N per energy estimate (2-qubit H₂)',
    experiment: shotNoiseExperiment,
    params: { replicates: 2000 },
    full: { replicates: 20000 },
    contribute: (m) => [
      {
        axis: 'variance',
        series: 'VQE: shots N',
        points: normalisedSeries(
          m.points.map((p) => p.shots),
          m.points.map((p) => p.variance),
          m.points.map((p) => p.varianceSE),
        ),
        theorySlope: -1,
        theoryLabel: 'theory: slope −1',
      },
    ],
  }),
  entry({
    domain: 'vqe',
    label: 'optimal angle from shot-noisy derivatives',
    experiment: optimalAngleExperiment,
    params: {},
    full: { realizations: 10000 },
    contribute: (m) => [ratioPoint('VQE optimal angle', m.ratio, m.ratioSE)],
  }),
];

const LANGEVIN_TEMPERATURES = [0.25, 1, 4];

export const LANGEVIN_ENTRIES: CompareEntry[] = [
  entry({
    domain: 'langevin',
    label: 'replicas R averaged into an ensemble estimate of ⟨x²⟩',
    experiment: replicaAverageExperiment,
    params: {},
    full: { estimates: 10000 },
    contribute: (m) => [
      {
        axis: 'variance',
        series: 'Langevin: replicas R',
        points: normalisedSeries(
          m.points.map((p) => p.budget),
          m.points.map((p) => p.spread),
          m.points.map((p) => p.spreadSE),
        ),
        theorySlope: -1,
        theoryLabel: 'theory: slope −1',
      },
    ],
  }),
  ...LANGEVIN_TEMPERATURES.map((T) =>
    entry({
      domain: 'langevin',
      label: `overdamped Langevin in U = x²/2 at T = ${T}`,
      experiment: boltzmannExperiment,
      params: { temperature: T, dt: 0.01, time: 10, replicas: 20000 },
      full: { temperature: T, dt: 0.01, time: 10, replicas: 200000 },
      contribute: (m) => [temperaturePoint('Langevin (T)', T, m.varianceMeasured, m.varianceSE)],
    }),
  ),
];

const SGD_BATCHES = [1, 4, 16];

export const SGD_ENTRIES: CompareEntry[] = [
  entry({
    domain: 'sgd',
    label: 'mini-batch size B (softmax regression on Iris, without replacement)',
    experiment: batchVarianceExperiment,
    params: {},
    contribute: (m) => [
      {
        axis: 'variance',
        // the spread is already divided by the finite-population factor, so sampling without
        // replacement joins the −1 line
        series: 'SGD: batch size B (÷ finite-population factor)',
        points: normalisedSeries(
          m.points.map((p) => p.budget),
          m.points.map((p) => p.spread),
          m.points.map((p) => p.spreadSE),
        ),
        theorySlope: -1,
        theoryLabel: 'theory: slope −1',
      },
    ],
  }),
  entry({
    domain: 'sgd',
    label: 'GraphSAGE: sampled neighbours k per node (without replacement)',
    experiment: neighborSamplingExperiment,
    params: {},
    contribute: (m) => {
      // divide out the finite-neighbourhood factor: measured/theory(1/k − 1/deg) times 1/k, for the k
      // where few nodes already use all their neighbours
      const use = m.rows.filter((r) => r.k <= 8);
      const t0 = use[0].theoryWithout;
      return [
        {
          axis: 'variance',
          series: 'GraphSAGE: neighbours k (÷ finite-neighbourhood factor)',
          points: normalisedSeries(
            use.map((r) => r.k),
            use.map((r) => (r.nb.neighborVariance / r.theoryWithout) * (t0 / r.k)),
            use.map((r) => (r.nb.neighborVarianceSE / r.theoryWithout) * (t0 / r.k)),
          ),
          theorySlope: -1,
          theoryLabel: 'theory: slope −1',
        },
      ];
    },
  }),
  entry({
    domain: 'sgd',
    label: 'location of a loss minimum from mini-batch gradients (linear regression, B = 64)',
    experiment: minimumLocationExperiment,
    params: { models: ['linear-regression'], batchSizes: [16, 64] },
    contribute: (m) => {
      const r = m.results.find((x) => x.kind === 'linear-regression' && x.batchSize === 64);
      if (!r) throw new Error('sgd.minimum-location returned no linear-regression result at B = 64');
      return [ratioPoint('loss minimum (SGD)', r.sigmaXDirect / r.sigmaThetaExact, r.sigmaXDirectSE / r.sigmaThetaExact)];
    },
  }),
  ...SGD_BATCHES.map((B) =>
    entry({
      domain: 'sgd',
      label: `SGD on a quadratic, η = 0.02, B = ${B}`,
      experiment: temperatureExperiment,
      params: { learningRate: 0.02, batchSize: B },
      contribute: (m, r) => [temperaturePoint('SGD (T = ησ²/(2B))', m.temperature, m.varianceMeasured * Number(r.params.curvature), m.varianceMeasuredSE * Number(r.params.curvature))],
    }),
  ),
];

export const GAN_ENTRIES: CompareEntry[] = [
  entry({
    domain: 'gan',
    label: 'noisy bilinear game f = xy, extragradient, η = 0.05',
    experiment: noiseDriftExperiment,
    params: { learningRate: 0.05, steps: 3000, convergentMethods: ['extragradient'] },
    contribute: (m, r) => {
      // extragradient damps the rotation at rate η/2 per unit time (t = kη) and the noise ησξ per
      // step is a temperature T = ησ²/2 per component: variance × stiffness = (E r²/2)(η/2)
      const eta = r.params.learningRate as number;
      const eg = m.convergent.find((c) => c.method === 'extragradient');
      if (!eg) throw new Error('gan.noise-drift returned no extragradient spread');
      const points = eg.points.map((pt) => {
        const f = (pt.mean - eg.noiselessR2Final) / 2;
        const y = f * (eta / 2);
        return { x: (eta * pt.sigma * pt.sigma) / 2, y, lo: y - 1.96 * (pt.sem / 2) * (eta / 2), hi: y + 1.96 * (pt.sem / 2) * (eta / 2) };
      });
      return [{ axis: 'temperature', series: 'noisy game (extragradient, T = ησ²/2)', points, theorySlope: 1, theoryLabel: 'theory: variance × stiffness = T' }];
    },
  }),
];

/** Every entry, in the order of the table. */
export const COMPARE_ENTRIES: CompareEntry[] = [...CORE_ENTRIES, ...LANGEVIN_ENTRIES, ...SGD_ENTRIES, ...MORPHOGEN_ENTRIES, ...VQE_ENTRIES, ...GAN_ENTRIES];
