/**
 * The curated cross-domain comparison: which experiments run, at which settings, and how each
 * lands on the three common axes. Each entry reads its experiment's typed measurements, so a
 * renamed measurement is a compile error here, not a NaN in the report. Quick settings keep
 * `npm start` under three minutes on two cores; `--full` uses the heavier ones.
 */
import { brent, estimatorScalingExperiment, positionalErrorExperiment as corePositionalError } from '@snrlab/core';
import { boltzmannExperiment, replicaAverageExperiment } from '@snrlab/langevin-sde';
import {
  batchVarianceExperiment,
  diffusionMatrixExperiment,
  escapeMinimaExperiment,
  langevinTime,
  minimumLocationExperiment,
  neighborSamplingExperiment,
  posteriorSamplingExperiment,
  temperatureExperiment,
} from '@snrlab/sgd-noise';
import { positionalErrorExperiment as morphogenPositionalError, RA_HOXB4, rdmeStationaryExperiment } from '@snrlab/morphogen-patterning';
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

/**
 * The temperature at which an overdamped Langevin particle in sgd.escape-minima's double well has
 * the exact mean first-passage time `tau` (ln τ_L falls monotonically with T); NaN when it lies
 * beyond 20× either side of the nominal T (or tau is not positive).
 */
export function escapeTemperature(tau: number, nominalT: number): number {
  if (!(tau > 0) || !Number.isFinite(tau)) return NaN;
  const f = (u: number) => Math.log(langevinTime(Math.exp(u))) - Math.log(tau);
  const a = Math.log(nominalT / 20);
  const b = Math.log(nominalT * 20);
  const fa = f(a);
  const fb = f(b);
  if (!(fa > 0 && fb < 0)) return NaN;
  return Math.exp(brent(f, a, b, { tol: 1e-12 }).root);
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
    params: { noise: 'gaussian', estimates: 2000 },
    full: { noise: 'gaussian', estimates: 20000 },
    contribute: coreScaling('Gaussian mean: draws B'),
  }),
  entry({
    domain: 'core',
    label: 'mean of B α-stable draws (α = 1.5): no variance, IQR² instead',
    experiment: estimatorScalingExperiment,
    params: { noise: 'alpha-stable', alpha: 1.5, estimates: 2000 },
    full: { noise: 'alpha-stable', alpha: 1.5, estimates: 20000 },
    contribute: coreScaling('α-stable mean (α = 1.5): draws B'),
  }),
  entry({
    domain: 'core',
    label: 'threshold readout of a noisy Poisson gradient',
    experiment: corePositionalError,
    params: { replicas: 2000 },
    full: { replicas: 20000 },
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
  entry({
    domain: 'morphogen',
    label: 'retinoic acid read at the Hoxb4 (r6/r7) boundary of the zebrafish hindbrain (preset ra-hoxb4)',
    experiment: morphogenPositionalError,
    params: { preset: 'ra-hoxb4' },
    contribute: (m) => {
      const hox = m.points.find((q) => Math.abs(q.position - RA_HOXB4.hoxb4Position) < 1e-9);
      if (!hox) throw new Error(`morphogen.positional-error (ra-hoxb4) read no boundary at x = ${RA_HOXB4.hoxb4Position} µm`);
      return [ratioPoint('RA → Hoxb4 boundary', hox.ratio, (hox.ratioCI95[1] - hox.ratioCI95[0]) / (2 * 1.96))];
    },
  }),
];

export const VQE_ENTRIES: CompareEntry[] = [
  entry({
    domain: 'vqe',
    label: 'measurement shots N per energy estimate (2-qubit H₂)',
    experiment: shotNoiseExperiment,
    params: { estimates: 2000 },
    full: { estimates: 20000 },
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
    full: { replicas: 10000 },
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
      // a 1-D run (this entry's built-in harmonic well); a 2-D user potential's measurements have pairs
      contribute: (m) => (m.dim === 1 ? [temperaturePoint('Langevin (T)', T, m.varianceMeasured, m.varianceSE)] : []),
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
  entry({
    domain: 'sgd',
    label: 'SGD on a 3-D quadratic whose noise Σ is turned away from H (η = 0.15, B = 4): each of H\'s axes, at its own T',
    experiment: diffusionMatrixExperiment,
    params: { replicas: 5000 },
    full: {},
    contribute: (m, r) => {
      // along H's axis i the exact discrete chain has C_ii·h_i = T_i·2/(2 − ηh_i), T_i = ηΣ_ii/(2B)
      // (ηh up to 0.3 here): the factor is divided out, so theory is y = x
      const eta = r.params.learningRate as number;
      const B = r.params.batchSize as number;
      const h = r.params.curvatures as number[];
      const d = m.d;
      const points = h.map((hi, i) => {
        const c = 1 - (eta * hi) / 2;
        const el = m.elements.find((e) => e.i === i && e.j === i);
        if (!el) throw new Error(`sgd.diffusion-matrix returned no element (${i}, ${i})`);
        const y = el.measured * hi * c;
        const se = el.se * hi * c;
        return { x: (eta * m.sigmaPop[i * d + i]) / (2 * B), y, lo: y - 1.96 * se, hi: y + 1.96 * se };
      });
      return [{ axis: 'temperature', series: 'SGD in 3-D, per axis of H (÷ discrete factor 2/(2 − ηh))', points, theorySlope: 1, theoryLabel: 'theory: variance × stiffness = T' }];
    },
  }),
  entry({
    domain: 'sgd',
    label: 'constant-rate SGD sampling a Bayesian linear-regression posterior (d = 3, B = 10), η from ½ to 4× Mandt\'s η*',
    experiment: posteriorSamplingExperiment,
    params: { etaFactors: [0.5, 1, 2, 4], replicas: 500, bootstrap: 100 },
    full: {},
    contribute: (m) => {
      // tr(H·C)/d (H = Λ/N, the Hessian of the mean loss) is the mean of variance × stiffness over
      // the d axes; its SDE value is T = η·trΣ/(2Bd). The exact chain's factor over the SDE
      // (2/(2 − ηh) on a quadratic, plus the Hessian's own fluctuation) is divided out.
      const points = m.points.map((pt) => {
        const factor = pt.scaledTraceExact / pt.scaledTraceSDE;
        const y = pt.scaledTrace / m.N / factor;
        const se = pt.scaledTraceSE / m.N / factor;
        return { x: (pt.etaOverB * m.trC) / (2 * m.d), y, lo: y - 1.96 * se, hi: y + 1.96 * se };
      });
      return [{ axis: 'temperature', series: 'SGD posterior sampler: tr(H·C)/d (÷ exact chain factor)', points, theorySlope: 1, theoryLabel: 'theory: variance × stiffness = T' }];
    },
  }),
  entry({
    domain: 'sgd',
    label: 'SGD escaping a double-well minimum (η = 0.01, B = 1, 2, 3): the T whose exact Langevin escape time it matches',
    experiment: escapeMinimaExperiment,
    params: { batchSizes: [1, 2, 3], departureRates: [0.01, 0.02] },
    full: {},
    contribute: (m) => {
      // ηU″ = 0.02 in the well: the discrete factor 2/(2 − ηU″) is 1.01, below these error bars
      const points = m.temperatureSweep.map((row) => {
        const y = escapeTemperature(row.mean, row.T);
        // a longer escape time reads as a lower temperature
        return { x: row.T, y, lo: escapeTemperature(row.mean + 1.96 * row.se, row.T), hi: escapeTemperature(row.mean - 1.96 * row.se, row.T) };
      });
      return [{ axis: 'temperature', series: 'SGD escape over a barrier (T from the mean escape time)', points, theorySlope: 1, theoryLabel: 'theory: variance × stiffness = T' }];
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
