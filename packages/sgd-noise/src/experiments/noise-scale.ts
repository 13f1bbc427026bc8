/**
 * sgd.noise-scale: the gradient noise scales of McCandlish et al. (2018) — B_simple = trΣ/|G|²
 * exact and by the two-batch estimator, B_noise = tr(HΣ)/(GᵀHG) exact — and the critical batch
 * size fitted from steps-to-target against batch size.
 */
import { anyNumber, defineExperiment, defineExperimentTask, defineStage, DivergenceError, equivalenceVerdict, Moments, ParameterError, verdict, xyFigure, z, type Stream, type StreamState, type TaskContext, type TwoBatchResult } from '@snrlab/core';
import { hasKernel } from '@snrlab/tensor';
import { datasetLoss, sgd } from '../train/sgd.js';
import { datasetGradient, minimize, topHessianEigenvalue } from '../measure/hessian.js';
import { twoBatchEstimate } from '../measure/noise.js';
import { adapterOf, kernelNoise, kernelPass, kernelTwoBatch, requireKernelNet, toleranceText } from '../measure/kernel-noise.js';
import { fitCriticalBatch, noiseScales } from '../measure/noise-scale.js';
import { checkBatchSizes, datasetParam, dimParam, fmt, modelParam, sizeParam, ownDataParam, ownNetworkParam, ownProblemOf } from './common.js';
import { checkSetup, rebuildSetup, type SetupSpec } from './stages.js';

const params = z.object({
  model: modelParam('linear-regression'),
  dataset: datasetParam('linear-teacher'),
  datasetSize: sizeParam(1000),
  dim: dimParam(16),
  labelNoise: z.number().min(0).max(100).default(0).describe('label noise sd of the linear teacher (0: realizable, the noise comes from the data alone)'),
  conditionNumber: z.number().min(1).max(1e6).default(100).describe('ratio of the largest to the smallest input variance of the linear teacher'),
  bSmall: z.int().min(1).max(100_000).default(4).meta({ unit: 'examples' }).describe('small batch of the two-batch estimator'),
  bBig: z.int().min(2).max(100_000).default(64).meta({ unit: 'examples' }).describe('big batch of the two-batch estimator'),
  estimates: z.int().min(10).max(1_000_000).default(1000).meta({ renamedFrom: 'repeats' }).describe('pairs of batches for the two-batch estimate'),
  batchSizes: z.array(z.int().min(1).max(100_000)).min(3).default([1, 2, 4, 8, 16, 32, 64, 128]).meta({ unit: 'examples' }).describe('batch sizes for steps-to-target'),
  learningRates: z.int().min(2).max(30).default(7).describe('learning rates tried per batch size: 1.9/λ_max·0.6^k, k = 0, 1, ...'),
  replicas: z.int().min(1).max(1000).default(3).describe('SGD runs per (batch size, learning rate)'),
  targetFraction: z.number().gt(0).lt(1).default(0.01).describe('target loss L_min + f·(L₀ − L_min)'),
  maxSteps: z.int().min(10).max(1_000_000).default(4000).meta({ unit: 'steps' }).describe('a run that has not reached the target by then fails'),
  data: ownDataParam(),
  network: ownNetworkParam(),
});

type Params = z.output<typeof params>;

const specOf = (p: Params): SetupSpec => {
  const own = ownProblemOf(p);
  return { dataset: p.dataset, datasetSize: p.datasetSize, dim: p.dim, model: p.model, options: { labelNoise: p.labelNoise, conditionNumber: p.conditionNumber }, ...(own ? { own } : {}) };
};

const scales = z.object({ bSimple: anyNumber(), bNoise: anyNumber(), trSigma: anyNumber(), gNormSq: anyNumber() });

const setupSchema = z.object({
  n: z.number(),
  /** Exact noise scales at the start (and core's sample B_simple) and where full-batch descent reaches the target. */
  start: scales.extend({ bSimpleSample: anyNumber() }),
  atTarget: scales,
  /** The two-batch estimate of B_simple at the start, and the one streamed during a 200-step run. */
  twoBatch: z.object({ bSimple: anyNumber(), bSimpleSE: anyNumber() }),
  bSimpleOnline: anyNumber(),
  lambdaMax: anyNumber(),
  L0: anyNumber(),
  Lmin: anyNumber(),
  target: anyNumber(),
  fullBatchSteps: z.number(),
  /**
   * Only when the per-example noise ran on registry kernels (webgpu): B_simple of the start from
   * their per-example norms and full-batch gradient (the theory of the two-batch verdict, whose
   * estimate `twoBatch` then comes from the same kernels), with rounding bounds from the declared
   * tolerances. `start` stays the float64 js values (B_noise needs Hessian-vector products).
   */
  kernel: z
    .object({
      backend: z.string(),
      precision: z.enum(['float64', 'float32']),
      adapter: z.string(),
      bSimple: anyNumber(),
      trSigma: anyNumber(),
      gNormSq: anyNumber(),
      bSimpleBound: anyNumber(),
      twoBatchBound: anyNumber(),
      matmul: z.string(),
      norms: z.string(),
    })
    .optional(),
});
type Setup = z.output<typeof setupSchema> & { data: StreamState; theta0: number[] };
type SetupJob = { path: []; p: Params };

/** The training set, the start, its noise scales, the target and the full-batch path to it: drawn in sequence from the root stream. */
export const setupTask = defineExperimentTask(import.meta.url, 'sgd.noise-scale/setup', (job: SetupJob, ctx): Setup | Promise<Setup> => {
  // a backend with the registry's matmul and per-example-norms kernels (webgpu) runs the per-example noise there
  if (ctx.backend !== 'js' && hasKernel('matmul', ctx.backend) && hasKernel('per-example-norms', ctx.backend)) return setupOnKernels(job, ctx);
  return setup(job, ctx.stream, prepare(job, ctx.stream));
});

interface Prepared {
  dataState: StreamState;
  data: ReturnType<typeof rebuildSetup>['data'];
  model: ReturnType<typeof rebuildSetup>['model'];
  theta0: Float64Array;
}

function prepare(job: SetupJob, stream: Stream): Prepared {
  const dataState = stream.child('data').state();
  const { data, model, theta: own } = rebuildSetup(specOf(job.p), dataState);
  // a user's network starts at its own weights
  return { dataState, data, model, theta0: own ?? model.init(stream.child('init')) };
}

/**
 * B_simple at the start from one kernel pass over the set, and the two-batch estimate from the same
 * per-example gradients with the js path's batches; everything else (B_noise, the target, the
 * full-batch path, the online estimate) stays float64 on js.
 */
async function setupOnKernels(job: SetupJob, ctx: TaskContext): Promise<Setup> {
  const { p } = job;
  const prep = prepare(job, ctx.stream);
  const net = requireKernelNet(prep.model, ctx.backend);
  const pass = await kernelPass(net, prep.theta0, prep.data, ctx.backend);
  ctx.usedBackend(pass.backend);
  ctx.usedBackend('js');
  const noise = await kernelNoise(net, pass);
  const two = await kernelTwoBatch(net, pass, noise, { bSmall: p.bSmall, bBig: p.bBig, repeats: p.estimates, stream: ctx.stream.child('two-batch') });
  const t = noise.tolerances;
  return {
    ...setup(job, ctx.stream, prep, two.result),
    kernel: {
      backend: pass.backend,
      precision: noise.precision,
      adapter: await adapterOf(pass.backend),
      bSimple: noise.bSimple,
      trSigma: noise.trSigmaPop,
      gNormSq: noise.gNormSq,
      bSimpleBound: noise.bSimpleBound,
      twoBatchBound: two.bound,
      matmul: toleranceText(t.matmul),
      norms: toleranceText(t.norms),
    },
  };
}

function setup(job: SetupJob, stream: Stream, prep: Prepared, kernelTwo?: TwoBatchResult): Setup {
  const { p } = job;
  const { dataState, data, model, theta0 } = prep;
  // exact noise scales at the start, and by the two-batch estimator
  const ns0 = noiseScales(model, theta0, data);
  const two = kernelTwo ?? twoBatchEstimate(model, theta0, data, { bSmall: p.bSmall, bBig: p.bBig, repeats: p.estimates, stream: stream.child('two-batch') });
  // the target and the full-batch path to it
  const lambdaMax = topHessianEigenvalue(model, theta0, data).value;
  const L0 = datasetLoss(model, theta0, data);
  const Lmin = minimize(model, theta0, data, { steps: 3000 }).loss;
  const target = Lmin + p.targetFraction * (L0 - Lmin);
  const theta = Float64Array.from(theta0);
  let gdSteps = 0;
  while (datasetLoss(model, theta, data) > target && gdSteps < p.maxSteps) {
    const g = datasetGradient(model, theta, data).gradient;
    for (let j = 0; j < theta.length; j++) theta[j] -= g[j] / lambdaMax;
    gdSteps++;
  }
  const nsT = noiseScales(model, theta, data);
  // online: the two-batch estimate streamed during a training run
  const online = sgd({ model, data, params: theta0, batchSize: p.bBig, steps: 200, learningRate: 1 / lambdaMax, stream: stream.child('online'), statistics: { twoBatchSmall: p.bSmall } });
  return {
    data: dataState,
    theta0: Array.from(theta0),
    n: data.n,
    start: { bSimple: ns0.bSimple, bSimpleSample: ns0.noise.bSimpleSample, bNoise: ns0.bNoise, trSigma: ns0.trSigma, gNormSq: ns0.gNormSq },
    atTarget: { bSimple: nsT.bSimple, bNoise: nsT.bNoise, trSigma: nsT.trSigma, gNormSq: nsT.gNormSq },
    twoBatch: { bSimple: two.bSimple, bSimpleSE: two.bSimpleSE },
    bSimpleOnline: online.statistics.twoBatch ? online.statistics.twoBatch.bSimple : NaN,
    lambdaMax,
    L0,
    Lmin,
    target,
    fullBatchSteps: gdSteps,
  };
}

interface Job {
  path: ['steps', number];
  p: Params;
  batchSize: number;
  data: StreamState;
  theta0: number[];
  lambdaMax: number;
  target: number;
}
interface JobResult {
  batchSize: number;
  steps: number;
  stepsSE: number;
  learningRate: number;
  tried: { learningRate: number; steps: number; failed: boolean }[];
}

/** Steps to the target at one batch size: the best learning rate of the grid (mean over replicas). */
export const stepsTask = defineExperimentTask(import.meta.url, 'sgd.noise-scale/steps-to-target', (job: Job, { stream: root }): JobResult => {
  const { p } = job;
  const { data, model } = rebuildSetup(specOf(p), job.data);
  const theta0 = Float64Array.from(job.theta0);
  let best = { steps: Infinity, se: 0, lr: NaN };
  const tried: JobResult['tried'] = [];
  for (let k = 0; k < p.learningRates; k++) {
    const lr = (1.9 / job.lambdaMax) * Math.pow(0.6, k);
    const m = new Moments();
    let failed = false;
    for (let r = 0; r < p.replicas && !failed; r++) {
      try {
        const t = sgd({ model, data, params: theta0, batchSize: job.batchSize, steps: p.maxSteps, learningRate: lr, stream: root.child(k).child(r), evalEvery: 1, targetLoss: job.target, divergenceLoss: 1e6 });
        if (t.reachedTarget) m.push(t.stepsToTarget);
        else failed = true;
      } catch (e) {
        if (e instanceof DivergenceError) failed = true;
        else throw e;
      }
    }
    tried.push({ learningRate: lr, steps: failed ? NaN : m.mean, failed });
    if (!failed && m.mean < best.steps) best = { steps: m.mean, se: m.n > 1 ? m.sem : 0, lr };
  }
  return { batchSize: job.batchSize, steps: best.steps, stepsSE: best.se, learningRate: best.lr, tried };
});

const measurements = setupSchema.extend({
  /** Per batch size (in the order given): steps to the target at the best learning rate, and every learning rate tried. */
  points: z.array(
    z.object({
      batchSize: z.number(),
      steps: anyNumber(),
      stepsSE: anyNumber(),
      learningRate: anyNumber(),
      tried: z.array(z.object({ learningRate: anyNumber(), steps: anyNumber(), failed: z.boolean() })),
    }),
  ),
  /** S = S_min(1 + B_crit/B) fitted over the batch sizes that reached the target. */
  fit: z.object({ bCrit: anyNumber(), bCritSE: anyNumber(), sMin: anyNumber(), eMin: anyNumber(), bCritFromE: anyNumber(), chi2Reduced: anyNumber() }),
});
type Measurements = z.output<typeof measurements>;

const stages = [
  defineStage({
    name: 'setup',
    plan: (p: Params) => [{ path: [] as [], p }],
    task: setupTask,
    reduce: ([s]: Setup[]) => s,
  }),
  defineStage({
    name: 'steps',
    plan(p: Params, prior) {
      const s = prior.setup as Setup;
      return p.batchSizes.map((B, i): Job => ({ path: ['steps', i], p, batchSize: B, data: s.data, theta0: s.theta0, lambdaMax: s.lambdaMax, target: s.target }));
    },
    task: stepsTask,
    reduce(points: JobResult[], _p: Params, prior): Measurements {
      const { data: _data, theta0: _theta0, ...s } = prior.setup as Setup;
      const ok = points.filter((r) => Number.isFinite(r.steps));
      const floorSE = 0.5; // steps are integers: at least half a step of uncertainty
      const fit = fitCriticalBatch(ok.map((r) => ({ batchSize: r.batchSize, steps: r.steps, stepsSE: Math.max(floorSE, r.stepsSE) })));
      return { ...s, points, fit: { bCrit: fit.bCrit, bCritSE: fit.bCritSE, sMin: fit.sMin, eMin: fit.eMin, bCritFromE: fit.bCritFromE, chi2Reduced: fit.chi2Reduced } };
    },
  }),
];

const twoBatchDerivation = (k: NonNullable<Measurements['kernel']>) =>
  `${k.precision} registry kernels: the exact B_simple = (mean|g_i|² − |G|²)/|G|² of their per-example gradients is off by ≤ ${fmt(k.bSimpleBound)} ('per-example-norms', declared ${k.norms}, per layer; |G|² from 'matmul' over all N, declared ${k.matmul}: a sum of k gradients errs by ≤ √(2k(P·abs² + rel²k²M²)) in norm); each mini-batch gradient of the estimate is one 'matmul' over its B examples, so each |ĝ|² is off by ≤ ē_B(2|ĝ| + ē_B) and the estimate T/G, linear in their means, by ≤ ${fmt(k.twoBatchBound)}`;

export const noiseScaleExperiment = defineExperiment({
  id: 'sgd.noise-scale',
  domain: 'sgd',
  title: 'The gradient noise scale and the critical batch size',
  claim: 'B_simple = trΣ/|G|² is measured exactly and by the two-batch estimator alike; the critical batch size fitted from steps-to-target, S = S_min(1 + B_crit/B), lies among the noise scales B_noise = tr(HΣ)/(GᵀHG) met on the way (McCandlish et al. 2018).',
  description:
    'At the initial point, B_simple comes exactly from all per-example gradients (training-set covariance) and from core\'s two-batch estimator on `repeats` pairs of batches of sizes bSmall and bBig; B_noise from the per-example gradients and Hessian-vector products. A training run also streams the two-batch estimate online. For the critical batch size, SGD from the same point is run at each batch size with a grid of learning rates; the steps to reach L_min + f·(L₀ − L_min) at the best learning rate are fitted by S = S_min + S_min·B_crit/B (and E = B·S = E_min + E_min·B/B_crit). B_noise changes along training (it grows as |G| shrinks), so B_crit is compared with the range from the start to the target point, where full-batch descent reaches the target. With a backend that has the registry kernels (`--backend webgpu`), B_simple at the start and its two-batch estimate come from them for a dense model.',
  params,
  measurements,
  validate(p) {
    if (p.bBig <= p.bSmall) throw new ParameterError('bBig', p.bBig, `a batch size greater than bSmall = ${p.bSmall}`);
    const n = checkSetup(specOf(p));
    checkBatchSizes(p.batchSizes, n);
    checkBatchSizes([p.bSmall, p.bBig], n, 'bSmall/bBig');
  },
  stages,
  metrics: (m) => ({
    bSimple: m.start.bSimple,
    bSimpleSample: m.start.bSimpleSample,
    bSimpleTwoBatch: m.twoBatch.bSimple,
    bSimpleTwoBatchSE: m.twoBatch.bSimpleSE,
    bNoise: m.start.bNoise,
    bNoiseAtTarget: m.atTarget.bNoise,
    bSimpleAtTarget: m.atTarget.bSimple,
    bSimpleOnline: m.bSimpleOnline,
    bCrit: m.fit.bCrit,
    bCritSE: m.fit.bCritSE,
    sMin: m.fit.sMin,
    eMin: m.fit.eMin,
    bCritFromE: m.fit.bCritFromE,
    trSigma: m.start.trSigma,
    gNormSq: m.start.gNormSq,
    fullBatchSteps: m.fullBatchSteps,
    chi2Reduced: m.fit.chi2Reduced,
  }),
  judge(m, p) {
    const { start: ns0, atTarget: nsT, fit, kernel: k } = m;
    const lo = Math.min(ns0.bNoise, nsT.bNoise);
    const hi = Math.max(ns0.bNoise, nsT.bNoise);
    const mid = Math.sqrt(lo * hi);
    // Birge ratio: the fit's SE inflated by √χ²_red when the points scatter more than their SEs
    const birge = Math.max(1, Math.sqrt(fit.chi2Reduced));
    const seLog = (birge * fit.bCritSE) / fit.bCrit / Math.LN10;
    return [
      verdict({
        claim: 'The two-batch estimator recovers the exact B_simple = trΣ/|G|²',
        // on registry kernels both sides come from the kernels' per-example gradients
        theory: k ? k.bSimple : ns0.bSimple,
        measured: m.twoBatch.bSimple,
        se: m.twoBatch.bSimpleSE,
        ...(k && k.bSimpleBound + k.twoBatchBound > 0 ? { allowance: { value: k.bSimpleBound + k.twoBatchBound, derivation: twoBatchDerivation(k) } } : {}),
        note: `${p.estimates} pairs of batches (${p.bSmall}, ${p.bBig}) drawn with replacement; exact value from all ${m.n} per-example gradients (training-set covariance, 1/N). Core's noiseScale, which treats the data as a sample of a larger population, gives ${fmt(ns0.bSimpleSample)}.${k ? ` Both from the ${k.precision} registry kernels (${k.backend}); the float64 js value is ${fmt(ns0.bSimple, 6)}.` : ''}`,
      }),
      equivalenceVerdict({
        claim: 'The fitted critical batch size lies among the noise scales B_noise met between the start and the target (log10 B_crit within their range)',
        theory: Math.log10(mid),
        measured: Math.log10(fit.bCrit),
        se: seLog,
        margin: Math.log10(hi / mid),
        marginDerivation: `half the log10 range of the exact B_noise between the start (${fmt(ns0.bNoise)}) and the target (${fmt(nsT.bNoise)}), computed from all per-example gradients and Hessian-vector products, not from the fit`,
        note: `B_crit = ${fmt(fit.bCrit)} from S = S_min(1 + B_crit/B) over ${m.points.filter((r) => Number.isFinite(r.steps)).length} batch sizes; its delta-method SE ${fmt(fit.bCritSE)} is inflated by √χ²_red = ${fmt(birge)} (Birge: the fit has χ²_red = ${fmt(fit.chi2Reduced)}, so the law or the best-learning-rate grid misfits beyond the replica scatter), SE of log10 B_crit ${fmt(seLog)}. McCandlish et al. derive B_crit ≈ B_noise for a fixed noise scale; B_noise changes along training (B_simple ${fmt(ns0.bSimple)} → ${fmt(nsT.bSimple)}), so the claim is that the fit falls within the range met, no narrower. The inflation grows with the misfit, which more replicas do not remove: a finer learning-rate grid and more batch sizes decide it.`,
      }),
    ];
  },
  present(m, p) {
    const { start: ns0, atTarget: nsT, fit } = m;
    const res = m.points;
    const ok = res.filter((r) => Number.isFinite(r.steps));
    const lines = [];
    const Bs = ok.map((r) => r.batchSize);
    for (let i = 0; i < 40; i++) {
      const b = Bs[0] * Math.pow(Bs[Bs.length - 1] / Bs[0], i / 39);
      lines.push({ x: b, y: fit.sMin * (1 + fit.bCrit / b), series: `S_min(1 + B_crit/B), B_crit = ${fmt(fit.bCrit)}` });
    }
    return {
      tables: [
        {
          name: 'steps-to-target',
          title: `Steps to reach L = ${fmt(m.target)} (L₀ = ${fmt(m.L0)}, L_min = ${fmt(m.Lmin)})`,
          columns: ['B', 'steps', 'SE', 'best learning rate', 'examples B·S'],
          rows: res.map((r) => [r.batchSize, r.steps, r.stepsSE, r.learningRate, r.batchSize * r.steps]),
        },
        {
          name: 'noise-scales',
          title: 'Noise scales',
          columns: ['quantity', 'start', 'target'],
          rows: [
            ['B_simple (exact)', ns0.bSimple, nsT.bSimple],
            ['B_simple (two-batch)', m.twoBatch.bSimple, null],
            ['B_noise (exact)', ns0.bNoise, nsT.bNoise],
            ['tr Σ', ns0.trSigma, nsT.trSigma],
            ['|G|²', ns0.gNormSq, nsT.gNormSq],
          ],
        },
      ],
      figures: [
        xyFigure({
          name: 'steps-vs-batch',
          title: 'Steps to target against batch size',
          x: { title: 'batch size B', log: true },
          y: { title: 'steps S', log: true },
          points: ok.map((r) => ({ x: r.batchSize, y: r.steps, lo: r.steps - 1.96 * r.stepsSE, hi: r.steps + 1.96 * r.stepsSE, series: 'measured (best learning rate)' })),
          lines,
        }),
      ],
      notes: [
        `Online, the two-batch estimator streamed over a 200-step run at B = ${p.bBig} gives B_simple ≈ ${fmt(m.bSimpleOnline)} (an average over a path along which B_simple grows).`,
        `B_crit is ${fmt(fit.bCrit / ns0.bNoise)}× the B_noise of the starting point and ${fmt(fit.bCrit / nsT.bNoise)}× that at the target.`,
        ...(m.kernel
          ? [
              `Per-example noise on the ${m.kernel.backend} registry kernels${m.kernel.adapter ? ` (${m.kernel.adapter})` : ''}, ${m.kernel.precision}: one pass over the set ('matmul' forward and backward, 'per-example-norms') gives B_simple = ${fmt(m.kernel.bSimple, 6)} ± ${fmt(m.kernel.bSimpleBound)} at the start (float64 js: ${fmt(ns0.bSimple, 6)}); the two-batch estimate averages the same per-example gradients over the js path's batches ('matmul' per batch, rounding bound ${fmt(m.kernel.twoBatchBound)}). B_noise, the target and the training runs are float64 on js.`,
            ]
          : []),
        'Below B_crit doubling the batch nearly halves the steps (perfect scaling); above it the steps hardly fall and the extra examples are wasted.',
      ],
    };
  },
});
