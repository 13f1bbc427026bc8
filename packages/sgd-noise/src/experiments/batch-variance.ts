/**
 * sgd.batch-variance: the trace of the mini-batch gradient covariance falls as 1/B with
 * replacement, and follows the finite-population law trΣ/B·(N − B)/(N − 1) without.
 */
import { anyNumber, defineExperiment, defineExperimentTask, defineStage, fitScaling, measureSpread, verdict, xyFigure, z, type ScalingPoint, type Stream, type StreamState } from '@snrlab/core';
import { hasKernel } from '@snrlab/tensor';
import { miniBatchGradientSampler } from '../measure/noise.js';
import { adapterOf, kernelMiniBatches, kernelNoise, kernelPass, requireKernelNet, spreadBound, toleranceText } from '../measure/kernel-noise.js';
import { checkBatchSizes, datasetParam, dimParam, fmt, modelParam, ownDataParam, ownNetworkParam, ownProblemOf, sizeParam, weightedMean } from './common.js';
import { checkSetup, rebuildSetup, warmStartStage, type SetupSpec, type WarmStart } from './stages.js';

const params = z.object({
  model: modelParam('softmax-regression'),
  dataset: datasetParam('iris'),
  datasetSize: sizeParam(400),
  dim: dimParam(4),
  batchSizes: z
    .array(z.int().min(1).max(100_000))
    .min(3)
    .default([1, 2, 4, 8, 16, 32, 64, 128])
    .meta({ unit: 'examples' })
    .describe('batch sizes B (at most the training-set size)'),
  replacement: z.boolean().default(false).describe('draw each batch with replacement (true) or as a simple random sample without replacement (false)'),
  estimates: z.int().min(40).max(100_000).default(400).meta({ renamedFrom: 'replicates' }).describe('mini-batch gradients drawn per batch size'),
  warmupSteps: z.int().min(0).max(100_000).default(100).meta({ unit: 'steps' }).describe('SGD steps from the initialisation before measuring, so the point is a generic one'),
  data: ownDataParam(),
  network: ownNetworkParam(),
});

type Params = z.output<typeof params>;

const specOf = (p: Params): SetupSpec => {
  const own = ownProblemOf(p);
  return { dataset: p.dataset, datasetSize: p.datasetSize, dim: p.dim, model: p.model, ...(own ? { own } : {}) };
};

interface BatchJob {
  path: ['batches', number];
  spec: SetupSpec;
  data: StreamState;
  theta: number[];
  batchSize: number;
  replacement: boolean;
  replicates: number;
}

/** What a job on the registry kernels adds to its point: the set's exact noise there and the rounding bounds. */
interface KernelPoint {
  backend: string;
  precision: 'float64' | 'float32';
  adapter: string;
  trSigmaPop: number;
  trSigmaPopBound: number;
  bSimple: number;
  /** Bound on |spreadRaw − its value in exact arithmetic on the kernel pass's per-example gradients|. */
  spreadRawBound: number;
  matmul: string;
  norms: string;
}
type BatchPoint = ScalingPoint & { kernel?: KernelPoint };

/** tr Cov of the mini-batch gradient at one batch size (core's measureSpread on `child('batches').child(B)`). */
export const batchTask = defineExperimentTask(import.meta.url, 'sgd.batch-variance/batch', (job: BatchJob, { stream, backend, usedBackend }): BatchPoint | Promise<BatchPoint> => {
  // a backend with the registry's matmul and per-example-norms kernels (webgpu); js keeps the float64 model code
  if (backend !== 'js' && hasKernel('matmul', backend) && hasKernel('per-example-norms', backend)) return batchOnKernels(job, stream, backend, usedBackend);
  const { data, model } = rebuildSetup(job.spec, job.data);
  const sampler = miniBatchGradientSampler(model, Float64Array.from(job.theta), data, { replacement: job.replacement });
  return measureSpread(sampler, job.batchSize, job.replicates, stream, job.replacement ? {} : { population: data.n });
});

/**
 * The same batches (drawn from `stream` as the js sampler draws them), each gradient the mean of its
 * examples' gradients from one kernel pass over the set; trΣ_pop of that set from 'per-example-norms'.
 */
async function batchOnKernels(job: BatchJob, stream: Stream, backend: string, usedBackend: (name: string) => void): Promise<BatchPoint> {
  const { data, model } = rebuildSetup(job.spec, job.data);
  const net = requireKernelNet(model, backend);
  const pass = await kernelPass(net, Float64Array.from(job.theta), data, backend);
  usedBackend(pass.backend);
  const noise = await kernelNoise(net, pass);
  const { gradients, errorBound } = await kernelMiniBatches(net, pass, noise, { batchSize: job.batchSize, count: job.replicates, replacement: job.replacement, stream });
  const P = net.paramCount;
  let r = 0;
  // measureSpread asks for the drawn gradients one by one, in the order they were drawn
  const replay = () => gradients.subarray(P * r, P * ++r);
  const pt = measureSpread(replay, job.batchSize, job.replicates, stream, job.replacement ? {} : { population: data.n });
  const t = noise.tolerances;
  return {
    ...pt,
    kernel: {
      backend: pass.backend,
      precision: noise.precision,
      adapter: await adapterOf(pass.backend),
      trSigmaPop: noise.trSigmaPop,
      trSigmaPopBound: noise.trSigmaPopBound,
      bSimple: noise.bSimple,
      spreadRawBound: spreadBound(pt.spreadRaw, job.replicates, errorBound),
      matmul: toleranceText(t.matmul),
      norms: toleranceText(t.norms),
    },
  };
}

/**
 * Allowances for the verdicts on kernel points (see measure/kernel-noise.ts): each spread is off by
 * ≤ Δ_B, so ln spread by ≤ λ_B = x/(1 − x), x = Δ_B/spread; a weighted least-squares slope is a
 * positive mix of pairwise slopes, so it moves by ≤ 2·max λ_B/min|Δ ln B|. A ratio spread·B/trΣ
 * moves by ≤ Δ_B·B/T + (spread + Δ_B)·B·τ/(T(T − τ)); their weighted mean by at most the largest.
 */
function kernelAllowances(points: BatchPoint[], T: number, tau: number): { exponent: number; ratio: number; logSpread: number } {
  let lam = 0;
  let ratio = 0;
  for (const pt of points) {
    const k = pt.kernel as KernelPoint;
    const x = k.spreadRawBound / pt.spreadRaw;
    lam = Math.max(lam, x < 1 ? x / (1 - x) : Infinity);
    const ds = k.spreadRawBound / pt.fpc;
    ratio = Math.max(ratio, T > tau ? (ds * pt.budget) / T + ((pt.spread + ds) * pt.budget * tau) / (T * (T - tau)) : Infinity);
  }
  let gap = Infinity;
  for (let i = 0; i < points.length; i++) for (let j = i + 1; j < points.length; j++) gap = Math.min(gap, Math.abs(Math.log(points[i].budget / points[j].budget)));
  return { exponent: lam === 0 ? 0 : (2 * lam) / gap, ratio, logSpread: lam };
}

const point = z.object({ budget: anyNumber(), replicates: anyNumber(), mean: anyNumber(), spread: anyNumber(), spreadSE: anyNumber(), spreadRaw: anyNumber(), fpc: anyNumber() });
const measurements = z.object({
  modelName: z.string(),
  paramCount: z.number(),
  dataName: z.string(),
  population: z.number(),
  trSigmaPop: anyNumber(),
  bSimple: anyNumber(),
  exponent: anyNumber(),
  exponentSE: anyNumber(),
  exponentRaw: anyNumber(),
  exponentRawSE: anyNumber(),
  prefactor: anyNumber(),
  chi2Reduced: anyNumber(),
  /** Weighted mean over B of spread·B/trΣ_pop (1 in theory), its SE and χ²_red. */
  theoryRatio: anyNumber(),
  theoryRatioSE: anyNumber(),
  theoryRatioChi2Reduced: anyNumber(),
  points: z.array(point),
  /**
   * Only when the batches ran on registry kernels (webgpu): trΣ_pop and B_simple above are then the
   * kernels' own, from the very per-example gradients the batches average; the js warm start's
   * float64 values are kept here for comparison, with the allowances from the kernels' declared tolerances.
   */
  kernel: z
    .object({
      backend: z.string(),
      precision: z.enum(['float64', 'float32']),
      adapter: z.string(),
      trSigmaPopFloat64: anyNumber(),
      bSimpleFloat64: anyNumber(),
      trSigmaPopBound: anyNumber(),
      logSpreadBound: anyNumber(),
      exponentAllowance: anyNumber(),
      theoryRatioAllowance: anyNumber(),
      matmul: z.string(),
      norms: z.string(),
    })
    .optional(),
});
type Measurements = z.output<typeof measurements>;

function kernelRecord(k: KernelPoint, partials: BatchPoint[], f64: NonNullable<WarmStart['noise']>): NonNullable<Measurements['kernel']> {
  const a = kernelAllowances(partials, k.trSigmaPop, k.trSigmaPopBound);
  return {
    backend: k.backend,
    precision: k.precision,
    adapter: k.adapter,
    trSigmaPopFloat64: f64.trSigmaPop,
    bSimpleFloat64: f64.bSimple,
    trSigmaPopBound: k.trSigmaPopBound,
    logSpreadBound: a.logSpread,
    exponentAllowance: a.exponent,
    theoryRatioAllowance: a.ratio,
    matmul: k.matmul,
    norms: k.norms,
  };
}

const stages = [
  warmStartStage('warm-start', (p: Params) => ({ spec: specOf(p), warmupSteps: p.warmupSteps, noise: true })),
  defineStage({
    name: 'batches',
    plan: (p: Params, prior) => {
      const w = prior['warm-start'] as WarmStart;
      return p.batchSizes.map((B): BatchJob => ({ path: ['batches', B], spec: w.spec, data: w.data, theta: w.theta, batchSize: B, replacement: p.replacement, replicates: p.estimates }));
    },
    task: batchTask,
    reduce(partials: BatchPoint[], _p: Params, prior): Measurements {
      const w = prior['warm-start'] as WarmStart;
      const f64 = w.noise as NonNullable<WarmStart['noise']>;
      // on registry kernels the theory is the kernels' trΣ_pop of the set the batches sample
      const k = partials.find((pt) => pt.kernel)?.kernel;
      const trSigmaPop = k ? k.trSigmaPop : f64.trSigmaPop;
      const points: ScalingPoint[] = k ? partials.map(({ kernel: _k, ...pt }) => pt) : partials;
      const fit = fitScaling(points);
      // each point's spread·B/trΣ_pop should be 1 (spread is already FPC-corrected without replacement)
      const wm = weightedMean(
        points.map((pt) => (pt.spread * pt.budget) / trSigmaPop),
        points.map((pt) => (pt.spreadSE * pt.budget) / trSigmaPop),
      );
      return {
        modelName: w.modelName,
        paramCount: w.paramCount,
        dataName: w.dataName,
        population: w.n,
        trSigmaPop,
        bSimple: k ? k.bSimple : f64.bSimple,
        exponent: fit.exponent,
        exponentSE: fit.exponentSE,
        exponentRaw: fit.exponentRaw,
        exponentRawSE: fit.exponentRawSE,
        prefactor: fit.prefactor,
        chi2Reduced: fit.chi2Reduced,
        theoryRatio: wm.mean,
        theoryRatioSE: wm.se,
        theoryRatioChi2Reduced: wm.chi2Reduced,
        points: fit.points,
        ...(k ? { kernel: kernelRecord(k, partials, f64) } : {}),
      };
    },
  }),
];

type KernelRecord = NonNullable<Measurements['kernel']>;

const slopeDerivation = (k: KernelRecord) =>
  `${k.precision} registry kernels: each mini-batch gradient is one 'matmul' per layer over its B examples (declared ${k.matmul}), so it is off by ≤ ē_B = √(2(P·abs² + rel²·B²·M²)/B) in norm, M² the largest per-example squared norm from 'per-example-norms' (declared ${k.norms}) widened by that tolerance; √tr Cov over R draws then moves by ≤ √(R/(R − 1))·ē_B, so ln tr Cov by ≤ ${fmt(k.logSpreadBound)} at every B, and a weighted least-squares slope (its weights held), a positive mix of pairwise slopes, by ≤ 2·that/min|Δ ln B|`;

const ratioDerivation = (k: KernelRecord) =>
  `${k.precision} registry kernels: each tr Cov(ĝ_B) is off by ≤ η(2√tr Cov + η) with η = √(R/(R − 1))·ē_B from the declared 'matmul' tolerance (${k.matmul}), and trΣ_pop = mean|g_i|² − |G|² by ≤ ${fmt(k.trSigmaPopBound)} ('per-example-norms', declared ${k.norms}, per layer; |G|² from 'matmul' over all N); each ratio tr Cov·B/trΣ_pop moves by at most the resulting bound, and their weighted mean (its weights held) by at most the largest`;

function kernelPresentNote(k: KernelRecord, trSigmaPop: number): string {
  return `Per-example noise on the ${k.backend} registry kernels${k.adapter ? ` (${k.adapter})` : ''}, ${k.precision}: one pass over the set gives every example's layer inputs and output gradients ('matmul'), its squared gradient norm ('per-example-norms') and so trΣ_pop = ${fmt(trSigmaPop, 6)} ± ${fmt(k.trSigmaPopBound)} (rounding bound; the float64 js warm start has ${fmt(k.trSigmaPopFloat64, 6)}); each mini-batch gradient is one 'matmul' over its examples, the batches drawn as on js. Allowances from the kernels' declared tolerances: slope ${fmt(k.exponentAllowance)}, ratio ${fmt(k.theoryRatioAllowance)}.`;
}

export const batchVarianceExperiment = defineExperiment({
  id: 'sgd.batch-variance',
  domain: 'sgd',
  title: 'Mini-batch gradient noise against batch size',
  claim: 'tr Cov of the mini-batch gradient falls as B^-1 with replacement; without replacement it follows trΣ/B·(N − B)/(N − 1).',
  description:
    'At a fixed parameter point, draws `estimates` mini-batches per batch size B, measures the trace of the covariance of the mini-batch gradient, and fits its log–log slope against B (core estimatorScaling; without replacement the finite-population factor is divided out before the fit). The prefactor is compared with the exact per-example noise trΣ_pop of the training set (1/N covariance of the per-example gradients). With a backend that has the registry kernels (`--backend webgpu`), the per-example gradients, their norms and the mini-batch gradients of a dense model run there, with allowances derived from the kernels\' declared tolerances.',
  params,
  measurements,
  validate(p) {
    checkSetup(specOf(p), (n) => checkBatchSizes(p.batchSizes, n));
  },
  stages,
  metrics: (m) => ({
    exponent: m.exponent,
    exponentSE: m.exponentSE,
    exponentRaw: m.exponentRaw,
    exponentRawSE: m.exponentRawSE,
    prefactor: m.prefactor,
    trSigmaPop: m.trSigmaPop,
    theoryRatio: m.theoryRatio,
    theoryRatioSE: m.theoryRatioSE,
    chi2Reduced: m.chi2Reduced,
    population: m.population,
    bSimple: m.bSimple,
  }),
  judge(m, p) {
    const N = m.population;
    const law = p.replacement ? 'tr Cov = trΣ/B' : 'tr Cov = trΣ/B·(N − B)/(N − 1)';
    const k = m.kernel;
    // on float32 kernels: allowances derived from their declared tolerances (measure/kernel-noise.ts)
    const slopeAllowance = k && k.exponentAllowance > 0 ? { allowance: { value: k.exponentAllowance, derivation: slopeDerivation(k) } } : {};
    const kernelNote = (a: number) => (k && a > 0 ? ` ${k.precision} registry kernels (${k.backend}): allowance ${fmt(a)} from their declared tolerances.` : '');
    const verdicts = [
      verdict({
        claim: p.replacement ? 'tr Cov(ĝ_B) ∝ B^-1 (sampling with replacement)' : 'tr Cov(ĝ_B)·(N − 1)/(N − B) ∝ B^-1 (sampling without replacement, finite-population factor divided out)',
        theory: -1,
        measured: m.exponent,
        se: m.exponentSE,
        ...slopeAllowance,
        note: `Fitted slope ${fmt(m.exponent, 4)} ± ${fmt(m.exponentSE, 2)} over B = ${p.batchSizes.join(', ')} (N = ${N}).${kernelNote(k?.exponentAllowance ?? 0)}`,
      }),
      verdict({
        claim: `${law}: measured/theory = 1 at every B`,
        theory: 1,
        measured: m.theoryRatio,
        se: m.theoryRatioSE,
        ...(k && k.theoryRatioAllowance > 0 ? { allowance: { value: k.theoryRatioAllowance, derivation: ratioDerivation(k) } } : {}),
        note: `trΣ_pop = ${fmt(m.trSigmaPop, 4)} from all ${N} per-example gradients; weighted mean of the per-B ratios (χ²_red = ${fmt(m.theoryRatioChi2Reduced)}).${kernelNote(k?.theoryRatioAllowance ?? 0)}`,
      }),
    ];
    if (!p.replacement) {
      verdicts.push(
        verdict({
          claim: 'Without the finite-population factor, tr Cov(ĝ_B) still falls as B^-1 (the naive law)',
          theory: -1,
          measured: m.exponentRaw,
          se: m.exponentRawSE,
          ...slopeAllowance,
          note: `The raw slope ${fmt(m.exponentRaw, 4)} is steeper than −1 because a batch without replacement covers a fraction B/N of the data: at B = N the noise vanishes. The naive law only holds for B ≪ N.${kernelNote(k?.exponentAllowance ?? 0)}`,
        }),
      );
    }
    return verdicts;
  },
  present(m, p) {
    const N = m.population;
    const trSigmaPop = m.trSigmaPop;
    const lines = [];
    const Bs = [...p.batchSizes].sort((a, b) => a - b);
    for (let i = 0; i < 40; i++) {
      const b = Bs[0] * Math.pow(Bs[Bs.length - 1] / Bs[0], i / 39);
      lines.push({ x: b, y: trSigmaPop / b, series: 'trΣ/B (with replacement)' });
      if (!p.replacement && b <= N) lines.push({ x: b, y: ((trSigmaPop / b) * (N - b)) / (N - 1), series: 'trΣ/B·(N−B)/(N−1)' });
    }
    return {
      tables: [
        {
          name: 'noise-vs-batch',
          title: 'Mini-batch gradient noise',
          columns: ['B', 'tr Cov (measured)', 'SE', 'finite-population factor', 'theory'],
          rows: m.points.map((pt) => [pt.budget, pt.spreadRaw, pt.spreadSE * pt.fpc, pt.fpc, (trSigmaPop / pt.budget) * pt.fpc]),
        },
      ],
      figures: [
        xyFigure({
          name: 'noise-vs-batch',
          title: `Mini-batch gradient noise, ${m.modelName} on ${m.dataName} (${p.replacement ? 'with' : 'without'} replacement)`,
          x: { title: 'batch size B', log: true },
          y: { title: 'tr Cov(ĝ_B)', log: true },
          points: m.points.map((pt) => ({ x: pt.budget, y: pt.spreadRaw, lo: pt.spreadRaw - 1.96 * pt.spreadSE * pt.fpc, hi: pt.spreadRaw + 1.96 * pt.spreadSE * pt.fpc, series: 'measured' })),
          lines,
        }),
      ],
      notes: [
        `${m.modelName} (${m.paramCount} parameters) on ${m.dataName}, N = ${N}, ${p.network ? 'at the weights of the network file (no warm-up)' : `after ${p.warmupSteps} warm-up SGD steps`}. B_simple = trΣ/|G|² = ${fmt(m.bSimple)} at this point.`,
        ...(m.kernel ? [kernelPresentNote(m.kernel, m.trSigmaPop)] : []),
      ],
    };
  },
});
