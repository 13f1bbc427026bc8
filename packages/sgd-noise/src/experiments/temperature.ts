/**
 * sgd.temperature: SGD with learning rate η, batch B and per-example noise variance σ² samples a
 * Boltzmann distribution at T = ησ²/(2B) — exactly so as ηh → 0, with a discrete-step correction
 * 2/(2 − ηh) on a quadratic. In the double well the exact law of the discrete chain (its O(ηU″)
 * departure from Boltzmann) comes from its transfer operator on a grid (`discreteChainLaw`).
 */
import { anyNumber, defineExperiment, defineExperimentTask, kolmogorovSf, ksTest, Moments, rademacher, verdict, xyFigure, z, type Stream } from '@snrlab/core';
import { boltzmann, doubleWell } from '@snrlab/langevin-sde';
import { sgdTemperature, stationaryVarianceDiscrete, stationaryVarianceSDE } from '../measure/temperature.js';
import { fmt } from './common.js';

const params = z.object({
  learningRate: z.number().gt(0).max(10).default(0.5).describe('η on the quadratic L = h·x²/2 (ηh must be below 2)'),
  curvature: z.number().gt(0).max(1e6).default(1).describe('h, the curvature of the quadratic'),
  sigma2: z.number().gt(0).max(1e12).default(1).describe('σ², the variance of one example\'s gradient noise (quadratic)'),
  batchSize: z.int().min(1).max(1_000_000).default(4).meta({ unit: 'examples' }).describe('B: each step averages B per-example noises'),
  perExampleNoise: z.enum(['gaussian', 'rademacher']).default('gaussian').describe('law of one example\'s noise (mean 0, variance σ²); Rademacher is ±σ'),
  replicas: z.int().min(100).max(10_000_000).default(4000).describe('independent SGD chains on the quadratic (their final states are the sample)'),
  doubleWellLearningRate: z.number().gt(0).max(0.5).default(0.01).describe('η in the double well U = x⁴/4 − x²/2'),
  doubleWellSigma2: z.number().gt(0).max(1e12).default(160).describe('σ² in the double well (with η = 0.01, B = 4 this is T = 0.2)'),
  doubleWellTime: z.number().gt(0).max(1e5).default(20).meta({ unit: 'time (η·steps)' }).describe('how long each double-well chain runs from a Boltzmann start'),
  doubleWellReplicas: z.int().min(50).max(1_000_000).default(20000).describe('independent SGD chains in the double well'),
});

/** The mean of B per-example noises of variance σ². */
function noiseOf(kind: 'gaussian' | 'rademacher', sigma2: number, B: number): (s: Stream) => number {
  const sd = Math.sqrt(sigma2);
  if (kind === 'gaussian') {
    const sdB = sd / Math.sqrt(B);
    return (s) => sdB * s.normal();
  }
  return (s) => {
    let a = 0;
    for (let i = 0; i < B; i++) a += rademacher(s);
    return (sd * a) / B;
  };
}

type Params = z.output<typeof params>;

export interface DiscreteChainLaw {
  /** Grid points and the probability mass at each after the steps. */
  x: Float64Array;
  mass: Float64Array;
  mean: number;
  variance: number;
  /** Grid spacing, and the per-step noise sd s = η·σ/√B it resolves. */
  spacing: number;
  noiseSD: number;
  method: 'nystrom' | 'mass-splitting';
  /** Largest relative variance bias the method can add per step (mass splitting: ≤ h²/4 over s²; Nyström: spectrally small). */
  splittingBias: number;
}

/**
 * The exact law of the chain x ← x − η(U′(x) + ξ), ξ the mean of B per-example noises of variance σ²,
 * after `steps` steps from the (unnormalised) start density, by its transfer operator on a grid:
 * - Gaussian noise: Nyström (trapezoid) discretisation of the Gaussian kernel N(y; x − ηU′(x), s²),
 *   s = ησ/√B, at spacing s/4; the integrand is smooth on the scale s, so the quadrature error is
 *   of order exp(−2π²·16), far below round-off.
 * - Rademacher noise: ξ takes the B + 1 values σ(2k − B)/B with binomial weights; each atom's mass
 *   is split linearly between the two grid points around its target (mean kept exactly, variance
 *   raised by at most h²/4 per step), at spacing s/30, so the bias is ≤ 1/3600 of the step noise.
 * Mass beyond `range` (chosen where the start law is below e^-40) is dropped.
 */
export function discreteChainLaw(o: {
  drift: (x: number) => number;
  eta: number;
  sigma2: number;
  batchSize: number;
  noise: 'gaussian' | 'rademacher';
  startDensity: (x: number) => number;
  steps: number;
  range: [number, number];
  /** Grid spacing over the noise sd (default 4 for Gaussian, 30 for Rademacher). */
  resolution?: number;
}): DiscreteChainLaw {
  const s = o.eta * Math.sqrt(o.sigma2 / o.batchSize);
  const gaussian = o.noise === 'gaussian';
  const h = s / (o.resolution ?? (gaussian ? 4 : 30));
  const [a, b] = o.range;
  const N = Math.floor((b - a) / h) + 1;
  const x = new Float64Array(N);
  for (let i = 0; i < N; i++) x[i] = a + i * h;
  // sparse transfer matrix: for each source i, targets from[i].. with weights
  const starts = new Int32Array(N);
  const counts = new Int32Array(N);
  const idx: number[] = [];
  const wts: number[] = [];
  const atoms: { offset: number; p: number }[] = [];
  if (!gaussian) {
    const B = o.batchSize;
    let logc = 0; // log C(B, k)
    for (let k = 0; k <= B; k++) {
      if (k > 0) logc += Math.log((B - k + 1) / k);
      const pk = Math.exp(logc - B * Math.LN2);
      if (pk > 1e-17) atoms.push({ offset: -o.eta * Math.sqrt(o.sigma2) * ((2 * k - B) / B), p: pk });
    }
  }
  const band = Math.ceil((9 * s) / h);
  const c = h / (s * Math.sqrt(2 * Math.PI));
  for (let i = 0; i < N; i++) {
    const m = x[i] - o.eta * o.drift(x[i]);
    starts[i] = idx.length;
    if (gaussian) {
      const j0 = Math.round((m - a) / h);
      for (let j = Math.max(0, j0 - band); j <= Math.min(N - 1, j0 + band); j++) {
        const d = (x[j] - m) / s;
        idx.push(j);
        wts.push(c * Math.exp(-0.5 * d * d));
      }
    } else {
      for (const at of atoms) {
        const t = (m + at.offset - a) / h;
        const j = Math.floor(t);
        const f = t - j;
        if (j >= 0 && j < N) {
          idx.push(j);
          wts.push(at.p * (1 - f));
        }
        if (j + 1 >= 0 && j + 1 < N) {
          idx.push(j + 1);
          wts.push(at.p * f);
        }
      }
    }
    counts[i] = idx.length - starts[i];
  }
  const I = Int32Array.from(idx);
  const W = Float64Array.from(wts);
  let q = new Float64Array(N);
  let tot = 0;
  for (let i = 0; i < N; i++) tot += q[i] = o.startDensity(x[i]);
  for (let i = 0; i < N; i++) q[i] /= tot;
  let next = new Float64Array(N);
  for (let k = 0; k < o.steps; k++) {
    next.fill(0);
    for (let i = 0; i < N; i++) {
      const qi = q[i];
      if (qi === 0) continue;
      const e = starts[i] + counts[i];
      for (let r = starts[i]; r < e; r++) next[I[r]] += qi * W[r];
    }
    [q, next] = [next, q];
  }
  let m0 = 0;
  let m1 = 0;
  for (let i = 0; i < N; i++) {
    m0 += q[i];
    m1 += q[i] * x[i];
  }
  for (let i = 0; i < N; i++) q[i] /= m0;
  const mean = m1 / m0;
  let v = 0;
  for (let i = 0; i < N; i++) v += q[i] * (x[i] - mean) ** 2;
  return { x, mass: q, mean, variance: v, spacing: h, noiseSD: s, method: gaussian ? 'nystrom' : 'mass-splitting', splittingBias: gaussian ? 0 : (h * h) / 4 / (s * s) };
}

/** The CDF of a grid law (masses at grid points, each spread uniformly over its cell). */
export function gridCdf(law: Pick<DiscreteChainLaw, 'x' | 'mass' | 'spacing'>): (x: number) => number {
  const { x, mass, spacing: h } = law;
  const cum = new Float64Array(x.length + 1);
  for (let i = 0; i < x.length; i++) cum[i + 1] = cum[i] + mass[i];
  const a = x[0] - h / 2;
  return (y) => {
    const t = (y - a) / h;
    if (t <= 0) return 0;
    if (t >= x.length) return 1;
    const i = Math.floor(t);
    return cum[i] + (t - i) * mass[i];
  };
}

/** Cost (grid points × kernel entries × steps) above which the double well's discrete law is not computed. */
const DISCRETE_LAW_BUDGET = 4e8;

/** The grid and cost of the double well's discrete law for these parameters. */
function doubleWellGrid(p: Params): { range: [number, number]; cost: number } {
  const T = sgdTemperature(p.doubleWellLearningRate, p.doubleWellSigma2, p.batchSize);
  const s = p.doubleWellLearningRate * Math.sqrt(p.doubleWellSigma2 / p.batchSize);
  // U = x⁴/4 − x²/2 ≥ U_min = −1/4: the start law is below e^-40 of its peak beyond L
  let L = 1;
  while ((L ** 4 / 4 - L ** 2 / 2 + 0.25) / T < 40) L *= 1.05;
  L += 10 * s;
  const gaussian = p.perExampleNoise === 'gaussian';
  const N = (2 * L) / (s / (gaussian ? 4 : 30));
  let atoms = p.batchSize + 1;
  if (!gaussian && p.batchSize > 64) atoms = Math.min(atoms, Math.ceil(12 * Math.sqrt(p.batchSize)));
  const perPoint = gaussian ? 2 * Math.ceil(9 * 4) + 1 : 2 * atoms;
  return { range: [-L, L], cost: N * perPoint * Math.ceil(p.doubleWellTime / p.doubleWellLearningRate) };
}

/** Chains per task: each kind of chain is split into this many blocks of consecutive replicas. */
const BLOCKS = 8;

interface Job {
  path: ['quadratic' | 'double-well' | 'discrete-law'];
  p: Params;
  /** Replicas from..to−1, chain r on stream.child(r) (unused by the 'discrete-law' job, which draws nothing). */
  from: number;
  to: number;
}

interface LawPartial {
  kind: 'discrete-law';
  /** NaN when the grid would cost more than DISCRETE_LAW_BUDGET. */
  variance: number;
  x: Float64Array;
  mass: Float64Array;
  spacing: number;
  method: string;
  splittingBias: number;
}
type ChainPartial = { kind: 'quadratic' | 'double-well'; from: number; finals: Float64Array };

/** Steps of a quadratic chain from x = 0 until the start is forgotten to 1e-6 of the variance. */
function quadraticSteps(p: Params): number {
  const rho = Math.abs(1 - p.learningRate * p.curvature);
  return rho === 0 ? 2 : Math.max(2, Math.ceil(Math.log(1e-6) / (2 * Math.log(rho))));
}

/** Final states of a block of chains, on the quadratic or in the double well. */
export const chainsTask = defineExperimentTask(import.meta.url, 'sgd.temperature/chains', (job: Job, { stream }) => {
  const { p } = job;
  const kind = job.path[0];
  const B = p.batchSize;
  if (kind === 'discrete-law') {
    // the exact law of the double-well chain after the run's steps from its Boltzmann start
    const grid = doubleWellGrid(p);
    const empty = { kind, variance: NaN, x: new Float64Array(0), mass: new Float64Array(0), spacing: NaN, method: 'not computed', splittingBias: NaN } satisfies LawPartial;
    if (!(grid.cost <= DISCRETE_LAW_BUDGET)) return empty;
    const T = sgdTemperature(p.doubleWellLearningRate, p.doubleWellSigma2, B);
    const law = discreteChainLaw({
      drift: (x) => x * x * x - x,
      eta: p.doubleWellLearningRate,
      sigma2: p.doubleWellSigma2,
      batchSize: B,
      noise: p.perExampleNoise,
      startDensity: (x) => Math.exp(-(x ** 4 / 4 - x ** 2 / 2 + 0.25) / T),
      steps: Math.ceil(p.doubleWellTime / p.doubleWellLearningRate),
      range: grid.range,
    });
    return { kind, variance: law.variance, x: law.x, mass: law.mass, spacing: law.spacing, method: law.method, splittingBias: law.splittingBias } satisfies LawPartial;
  }
  const finals = new Float64Array(job.to - job.from);
  if (kind === 'quadratic') {
    const { learningRate: eta, curvature: h } = p;
    const steps = quadraticSteps(p);
    const noise = noiseOf(p.perExampleNoise, p.sigma2, B);
    for (let r = job.from; r < job.to; r++) {
      const s = stream.child(r);
      let x = 0;
      for (let k = 0; k < steps; k++) x -= eta * (h * x + noise(s));
      finals[r - job.from] = x;
    }
  } else {
    const etaDW = p.doubleWellLearningRate;
    const start = boltzmann(doubleWell(), sgdTemperature(etaDW, p.doubleWellSigma2, B)).sampler();
    const nDW = noiseOf(p.perExampleNoise, p.doubleWellSigma2, B);
    const stepsDW = Math.ceil(p.doubleWellTime / etaDW);
    const one = new Float64Array(1);
    for (let r = job.from; r < job.to; r++) {
      const s = stream.child(r);
      start.sample(s.child('start'), one, 0);
      let x = one[0];
      for (let k = 0; k < stepsDW; k++) x -= etaDW * (x * x * x - x + nDW(s));
      finals[r - job.from] = x;
    }
  }
  return { kind, from: job.from, finals };
});

function blocks(n: number): [number, number][] {
  const k = Math.min(BLOCKS, n);
  return Array.from({ length: k }, (_, i) => [Math.floor((i * n) / k), Math.floor(((i + 1) * n) / k)]);
}

const xy = z.object({ x: anyNumber(), y: anyNumber() });
const measurements = z.object({
  temperature: anyNumber(),
  varianceMeasured: anyNumber(),
  varianceMeasuredSE: anyNumber(),
  varianceSDE: anyNumber(),
  varianceDiscrete: anyNumber(),
  etaH: anyNumber(),
  steps: z.number(),
  doubleWellTemperature: anyNumber(),
  doubleWellSteps: z.number(),
  doubleWellChains: z.number(),
  doubleWellVariance: anyNumber(),
  doubleWellVarianceSE: anyNumber(),
  boltzmannVariance: anyNumber(),
  /** Variance of the exact law of the discrete chain after the run's steps from its Boltzmann start (transfer operator; NaN when not computed). */
  discreteVariance: anyNumber(),
  discreteMethod: z.string(),
  ksStatistic: anyNumber(),
  ksPValue: anyNumber(),
  /** Half-width of the 95% Kolmogorov band of the sup-distance. */
  ksBand: anyNumber(),
  /** KS distance and p-value against the exact law of the discrete chain. */
  ksDiscreteStatistic: anyNumber(),
  ksDiscretePValue: anyNumber(),
  /** Density histogram of the double-well final states (bin width 0.1) and the Boltzmann density. */
  histogram: z.array(xy),
  boltzmannDensity: z.array(xy),
  /** Density of the discrete chain's exact law on the same points. */
  discreteDensity: z.array(xy),
});
type Measurements = z.output<typeof measurements>;

function reduce(all: (ChainPartial | LawPartial)[], p: Params): Measurements {
  const partials = all.filter((q): q is ChainPartial => q.kind !== 'discrete-law');
  const law = all.find((q): q is LawPartial => q.kind === 'discrete-law');
  const { learningRate: eta, curvature: h, sigma2, batchSize: B } = p;
  const m = new Moments();
  for (const q of partials) if (q.kind === 'quadratic') m.pushAll(q.finals);
  const dw = partials.filter((q) => q.kind === 'double-well');
  const finals = new Float64Array(dw.reduce((n, q) => n + q.finals.length, 0));
  let at = 0;
  for (const q of dw) {
    finals.set(q.finals, at);
    at += q.finals.length;
  }
  const TDW = sgdTemperature(p.doubleWellLearningRate, p.doubleWellSigma2, B);
  const ref = boltzmann(doubleWell(), TDW);
  const ks = ksTest(finals, ref.cdf);
  const lawOK = law !== undefined && Number.isFinite(law.variance) && finals.length > 0;
  const ksD = lawOK ? ksTest(finals, gridCdf(law)) : { statistic: NaN, pValue: NaN };
  const n = finals.length;
  const rn = Math.sqrt(n);
  // 95% band of the sup-distance between the sampled law and Boltzmann (Kolmogorov, Stephens' correction)
  let crit = 1.358;
  for (let it = 0; it < 50; it++) crit -= (0.05 - kolmogorovSf(crit)) * 0.5;
  const dwM = Moments.of(finals);
  const hist = new Map<number, number>();
  const bw = 0.1;
  for (const x of finals) {
    const b = Math.round(x / bw);
    hist.set(b, (hist.get(b) ?? 0) + 1);
  }
  const density = [];
  for (let i = 0; i <= 120; i++) {
    const x = -2.2 + (4.4 * i) / 120;
    density.push({ x, y: ref.pdf(x) });
  }
  const discreteDensity = [];
  if (lawOK) {
    for (let i = 0; i <= 120; i++) {
      const x = -2.2 + (4.4 * i) / 120;
      const j = Math.round((x - law.x[0]) / law.spacing);
      discreteDensity.push({ x, y: j >= 0 && j < law.mass.length ? law.mass[j] / law.spacing : 0 });
    }
  }
  return {
    temperature: sgdTemperature(eta, sigma2, B),
    varianceMeasured: m.variance,
    varianceMeasuredSE: m.varianceSE,
    varianceSDE: stationaryVarianceSDE(eta, sigma2, B, h),
    varianceDiscrete: stationaryVarianceDiscrete(eta, sigma2, B, h),
    etaH: eta * h,
    steps: quadraticSteps(p),
    doubleWellTemperature: TDW,
    doubleWellSteps: Math.ceil(p.doubleWellTime / p.doubleWellLearningRate),
    doubleWellChains: n,
    doubleWellVariance: dwM.variance,
    doubleWellVarianceSE: dwM.varianceSE,
    boltzmannVariance: ref.variance,
    discreteVariance: law ? law.variance : NaN,
    discreteMethod: law ? law.method : 'not computed',
    ksStatistic: ks.statistic,
    ksPValue: ks.pValue,
    ksBand: crit / (rn + 0.12 + 0.11 / rn),
    ksDiscreteStatistic: ksD.statistic,
    ksDiscretePValue: ksD.pValue,
    histogram: [...hist.entries()].sort((a, b) => a[0] - b[0]).map(([b, c]) => ({ x: b * bw, y: c / (n * bw) })),
    boltzmannDensity: density,
    discreteDensity,
  };
}

export const temperatureExperiment = defineExperiment({
  id: 'sgd.temperature',
  domain: 'sgd',
  title: 'The temperature of SGD',
  claim: 'SGD with learning rate η, batch B and per-example variance σ² samples exp(−L/T) with T = ησ²/(2B) (exactly on a quadratic: Var = ησ²/(Bh(2 − ηh))).',
  description:
    'SGD x ← x − η(∇L(x) + ξ) with ξ the mean of B per-example noises of variance σ². On the quadratic L = h·x²/2 the stationary variance is exactly ησ²/(B·h·(2 − ηh)); the SDE (Langevin) approximation gives T/h with T = ησ²/(2B), its ηh → 0 limit. In the double well U = x⁴/4 − x²/2 the final states of many chains started from the Boltzmann law are compared, by a KS test and by their variance, with the normalised Boltzmann density of @snrlab/langevin-sde (the SDE limit) and with the exact law of the discrete chain after the same steps, computed by its transfer operator on a grid (Nyström quadrature of the Gaussian kernel; linear mass splitting for Rademacher noise).',
  params,
  measurements,
  validate(p) {
    stationaryVarianceDiscrete(p.learningRate, p.sigma2, p.batchSize, p.curvature); // refuses ηh ≥ 2 by name
  },
  plan: (p) => [
    ...blocks(p.replicas).map(([from, to]): Job => ({ path: ['quadratic'], p, from, to })),
    ...blocks(p.doubleWellReplicas).map(([from, to]): Job => ({ path: ['double-well'], p, from, to })),
    { path: ['discrete-law'] as Job['path'], p, from: 0, to: 0 },
  ],
  task: chainsTask,
  reduce: (partials, p) => reduce(partials, p),
  metrics: (m) => ({
    temperature: m.temperature,
    varianceMeasured: m.varianceMeasured,
    varianceMeasuredSE: m.varianceMeasuredSE,
    varianceSDE: m.varianceSDE,
    varianceDiscrete: m.varianceDiscrete,
    etaH: m.etaH,
    steps: m.steps,
    doubleWellTemperature: m.doubleWellTemperature,
    doubleWellVariance: m.doubleWellVariance,
    doubleWellVarianceSE: m.doubleWellVarianceSE,
    boltzmannVariance: m.boltzmannVariance,
    discreteVariance: m.discreteVariance,
    ksStatistic: m.ksStatistic,
    ksPValue: m.ksPValue,
    ksDiscreteStatistic: m.ksDiscreteStatistic,
    ksDiscretePValue: m.ksDiscretePValue,
  }),
  judge(m, p) {
    const { varianceMeasured: v, varianceMeasuredSE: se, varianceDiscrete: vDiscrete, varianceSDE: vSDE, etaH } = m;
    const etaDW = p.doubleWellLearningRate;
    const shift = m.discreteVariance - m.boltzmannVariance;
    // chains at which the discrete shift is 4 SE (SE ∝ 1/√chains)
    const chainsToResolve = Math.ceil(m.doubleWellChains * Math.pow((4 * m.doubleWellVarianceSE) / Math.abs(shift), 2));
    const resolve = Number.isFinite(chainsToResolve) && Math.abs(shift) < 4 * m.doubleWellVarianceSE ? `: the Boltzmann value is expected to agree at this budget, and about ${fmt(chainsToResolve, 2)} chains would resolve the shift at 4 SE` : Number.isFinite(shift) ? ': the shift is resolved at this budget, so the SDE limit is expected to miss' : '';
    const dwLawNote = m.discreteMethod === 'mass-splitting' ? '; Rademacher atoms split linearly between grid points, which adds at most 1/3600 of the step variance' : m.discreteMethod === 'nystrom' ? '; Nyström quadrature of the Gaussian kernel at spacing s/4, exact to round-off' : '';
    return [
      verdict({
        claim: 'Quadratic: Var x = ησ²/(B·h·(2 − ηh)) (exact discrete-time law)',
        theory: vDiscrete,
        measured: v,
        se,
        note: `ηh = ${fmt(etaH)}; ${p.replicas} chains of ${m.steps} steps from x = 0.`,
      }),
      verdict({
        claim: 'Quadratic: Var x = T/h with T = ησ²/(2B) (SDE limit)',
        theory: vSDE,
        measured: v,
        se,
        note: `The SDE value is the ηh → 0 limit; at ηh = ${fmt(etaH)} the discrete chain is ${fmt(vDiscrete / vSDE, 4)}× hotter (factor 2/(2 − ηh)), so the SDE ${Math.abs(vDiscrete / vSDE - 1) > 3 * (se / v) ? 'is expected to miss' : 'is close enough here'}.`,
      }),
      verdict({
        claim: 'Double well: the final states follow the exact law of the discrete chain (transfer operator; KS sup-distance = 0)',
        theory: 0,
        measured: m.ksDiscreteStatistic,
        ci95: [Math.max(0, m.ksDiscreteStatistic - m.ksBand), m.ksDiscreteStatistic + m.ksBand],
        note: `KS D = ${fmt(m.ksDiscreteStatistic)}, p = ${fmt(m.ksDiscretePValue)} against the law of x ← x − η(U′(x) + ξ) after the run's ${m.doubleWellSteps} steps from its Boltzmann start, computed by the chain's transfer operator on a grid (${m.discreteMethod}${dwLawNote}); the interval is the 95% Kolmogorov band ±${fmt(m.ksBand)}.`,
      }),
      verdict({
        claim: `Double well: the stationary law of SGD is Boltzmann at T = ησ²/(2B) = ${fmt(m.doubleWellTemperature)} (SDE limit; KS sup-distance = 0)`,
        theory: 0,
        measured: m.ksStatistic,
        ci95: [Math.max(0, m.ksStatistic - m.ksBand), m.ksStatistic + m.ksBand],
        note: `KS D = ${fmt(m.ksStatistic)}, p = ${fmt(m.ksPValue)} against the normalised Boltzmann density of @snrlab/langevin-sde (${m.doubleWellChains} chains, η = ${etaDW}, ${m.doubleWellSteps} steps each, started in equilibrium); the interval is the 95% Kolmogorov band ±${fmt(m.ksBand)}. Boltzmann is the η → 0 limit; the discrete chain departs from it by O(ηU″) (see the variance verdicts).`,
      }),
      verdict({
        claim: 'Double well: Var x equals the variance of the exact law of the discrete chain (transfer operator)',
        theory: m.discreteVariance,
        measured: m.doubleWellVariance,
        se: m.doubleWellVarianceSE,
        note: `Exact law of the chain after ${m.doubleWellSteps} steps from its Boltzmann start: Var = ${fmt(m.discreteVariance, 5)}, against Boltzmann ${fmt(m.boltzmannVariance, 5)} (shift ${fmt(shift, 3)}, O(ηU″)).${Number.isFinite(m.discreteVariance) ? '' : ` Not computed: the grid would cost more than ${DISCRETE_LAW_BUDGET} operations at these parameters (a smaller doubleWellTime or larger η decides it).`}`,
      }),
      verdict({
        claim: 'Double well: Var x equals the Boltzmann variance (SDE limit)',
        theory: m.boltzmannVariance,
        measured: m.doubleWellVariance,
        se: m.doubleWellVarianceSE,
        note: `Second moment of the sampled law against ∫x²e^{−U/T}dx/Z. The discrete chain's exact variance differs from it by ${fmt(shift, 3)} (${fmt(Math.abs(shift) / m.doubleWellVarianceSE, 2)} SE here)${resolve}.`,
      }),
    ];
  },
  present(m) {
    const TDW = m.doubleWellTemperature;
    return {
      tables: [
        {
          name: 'quadratic',
          title: 'Stationary variance on the quadratic',
          columns: ['quantity', 'value'],
          rows: [
            ['measured Var x', m.varianceMeasured],
            ['SE', m.varianceMeasuredSE],
            ['discrete ησ²/(Bh(2 − ηh))', m.varianceDiscrete],
            ['SDE ησ²/(2Bh) = T/h', m.varianceSDE],
            ['T = ησ²/(2B)', m.temperature],
          ],
        },
      ],
      figures: [
        xyFigure({
          name: 'double-well',
          title: `SGD in the double well against Boltzmann at T = ησ²/(2B) = ${fmt(TDW)}`,
          x: { title: 'x' },
          y: { title: 'density' },
          points: m.histogram.map((q) => ({ ...q, series: 'SGD final states' })),
          lines: [...m.boltzmannDensity.map((q) => ({ ...q, series: `Boltzmann exp(−U/T)/Z, T = ${fmt(TDW)}` })), ...m.discreteDensity.map((q) => ({ ...q, series: 'exact law of the discrete chain' }))],
        }),
      ],
      notes: [
        'Temperature T = ησ²/(2B): halving B or doubling η heats SGD equally; the noise σ² is per example.',
        'The discrete-time correction grows with ηh: large learning rates make SGD hotter than its SDE, and at ηh ≥ 2 the quadratic diverges.',
        `Double well: Boltzmann variance ${fmt(m.boltzmannVariance, 5)}, exact discrete-chain variance ${fmt(m.discreteVariance, 5)}, measured ${fmt(m.doubleWellVariance, 5)} ± ${fmt(m.doubleWellVarianceSE, 2)}. In the double well the O(ηU″) correction can cool the chain (U″ < 0 near the barrier) as well as heat it (U″ > 0 in the wells); the transfer operator gives its sign and size.`,
      ],
    };
  },
});
