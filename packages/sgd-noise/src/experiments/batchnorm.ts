/**
 * sgd.batchnorm: the same MLP with and without batch norm (training mode, batch statistics).
 * Measures the noise scale of each, the decoupling of the gradient (and its noise) from the scale
 * of the pre-normalisation weights, and the extra noise that the batch statistics add at small B.
 */
import { anyNumber, curve, defineExperiment, defineExperimentTask, defineStage, linearFit, loglogSlope, normalQuantile, simultaneousVerdicts, verdict, xyFigure, z, type Stream, type Verdict, type XYPoint } from '@snrlab/core';
import { gaussianMixture } from '../data/synthetic.js';
import { gather, type Dataset } from '../data/dataset.js';
import { mlp } from '../nn/models.js';
import type { Batch, Sequential } from '../nn/model.js';
import { sgd } from '../train/sgd.js';
import { gradientNoise } from '../measure/noise.js';
import { copyAffineParams, preNormalizationRanges, rangeIndices, scaleRanges, setPopulationStatistics, withBatchNormEpsilon } from '../studies/batchnorm.js';
import { directionalVerdict } from '@snrlab/core';
import { log10Ratio } from '../studies/claims.js';
import { pairedMiniBatchNoise, pairedNoiseScale, traceRatio, type PairedNoiseResult } from '../studies/paired-noise.js';
import { checkBatchSizes, fmt, weightedMean } from './common.js';

const params = z.object({
  datasetSize: z.int().min(16).max(100_000).default(256).meta({ unit: 'examples' }).describe('examples of the Gaussian-mixture training set (3 classes)'),
  dim: z.int().min(1).max(256).default(8).meta({ unit: 'features' }).describe('input features'),
  hidden: z.int().min(2).max(1024).default(32).meta({ unit: 'units' }).describe('hidden units of the MLP dim-hidden-3 (ReLU; batch norm before the ReLU)'),
  warmupSteps: z.int().min(0).max(100_000).default(0).meta({ unit: 'steps' }).describe('SGD steps (B = 32, η = 0.05) each network takes from the shared initial weights before the measurement; 0 compares the two networks at the same weights'),
  batchSizes: z.array(z.int().min(2).max(100_000)).min(3).default([2, 4, 8, 16, 32, 64]).meta({ unit: 'examples' }).describe('batch sizes B of the noise sweep (batch norm in training mode needs B ≥ 2)'),
  estimates: z.int().min(40).max(100_000).default(200).meta({ renamedFrom: 'replicates' }).describe('batches drawn (without replacement) per batch size'),
  scales: z.array(z.number().gt(0).max(1e6)).min(3).default([0.25, 0.5, 1, 2, 4]).describe('factors c on the pre-normalisation weights (and bias)'),
  scaleBatchSize: z.int().min(2).max(100_000).default(16).meta({ unit: 'examples' }).describe('batch size for the noise of the rescaled networks'),
  epsilon: z.number().min(0).max(1).default(1e-5).describe('ε of batch norm, y = γ(x − μ)/√(v + ε) + β (the scaling identities are checked at ε = 0 and their ε deviation reported)'),
});

type Params = z.output<typeof params>;

/** Batch-gradient estimators on gathered batches (one reusable buffer per estimator). */
function estimator(model: Sequential, theta: Float64Array, data: Dataset, opts: { train: boolean; pick?: Int32Array }) {
  const out = new Float64Array(model.paramCount);
  let buf: Batch | undefined;
  const picked = opts.pick ? new Float64Array(opts.pick.length) : undefined;
  return (idx: Int32Array, B: number): Float64Array => {
    buf = gather(data, idx, B, buf && buf.x.length >= B * model.inputSize ? buf : undefined);
    model.gradient(theta, buf, { train: opts.train, out });
    if (!picked || !opts.pick) return out;
    for (let k = 0; k < picked.length; k++) picked[k] = out[opts.pick[k]];
    return picked;
  };
}

/** Relative deviation max_j |a_j − b_j| / max_j |b_j|. */
function relDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let d = 0;
  let m = 0;
  for (let j = 0; j < a.length; j++) {
    d = Math.max(d, Math.abs(a[j] - b[j]));
    m = Math.max(m, Math.abs(b[j]));
  }
  return d / m;
}

const dataOf = (p: Params, root: Stream) => gaussianMixture({ n: p.datasetSize, dim: p.dim, classes: 3, separation: 2, stream: root.child('data') }).dataset;

/** The two networks: plain, batch norm at ε and at ε = 0 (`exact`, for the scaling identities). */
function networks(p: Params) {
  const sizes = [p.dim, p.hidden, 3];
  const plain = mlp(sizes);
  const bn0 = mlp(sizes, { batchNorm: true });
  return { plain, bn: withBatchNormEpsilon(bn0, p.epsilon), exact: withBatchNormEpsilon(bn0, 0) };
}

const setupSchema = z.object({
  N: anyNumber(),
  dataName: z.string(),
  plainName: z.string(),
  plainParams: anyNumber(),
  bnName: z.string(),
  bnParams: anyNumber(),
  /** The weights both networks are measured at (after the warm-up). */
  thetaPlain: z.array(anyNumber()),
  thetaBN: z.array(anyNumber()),
  /** Exact (all per-example gradients): plain MLP, batch norm with frozen (full-data) statistics. */
  trSigmaPlain: anyNumber(),
  trSigmaFrozen: anyNumber(),
  bSimplePlainExact: anyNumber(),
  bSimpleFrozenExact: anyNumber(),
});
type Setup = z.output<typeof setupSchema>;

/** Shared initial dense weights, the warm-up and the frozen statistics: one task on the root stream, drawn in order. */
export const setupTask = defineExperimentTask(import.meta.url, 'sgd.batchnorm/setup', (job: { path: []; p: Params }, { stream }): Setup => {
  const { p } = job;
  const data = dataOf(p, stream);
  const N = data.n;
  const { plain, bn } = networks(p);
  const init = stream.child('init');
  let thetaPlain = plain.init(init);
  let thetaBN = copyAffineParams(plain, thetaPlain, bn, bn.init(init));
  if (p.warmupSteps > 0) {
    const warm = { data, batchSize: Math.min(32, N), steps: p.warmupSteps, learningRate: 0.05, stream: stream.child('warm') };
    thetaPlain = sgd({ model: plain, params: thetaPlain, ...warm }).params;
    thetaBN = sgd({ model: bn, params: thetaBN, ...warm }).params;
  }
  setPopulationStatistics(bn, thetaBN, data);
  const exactPlain = gradientNoise(plain, thetaPlain, data);
  const exactFrozen = gradientNoise(bn, thetaBN, data, { train: false });
  return {
    N,
    dataName: data.name,
    plainName: plain.name,
    plainParams: plain.paramCount,
    bnName: bn.name,
    bnParams: bn.paramCount,
    thetaPlain: Array.from(thetaPlain),
    thetaBN: Array.from(thetaBN),
    trSigmaPlain: exactPlain.trSigmaPop,
    trSigmaFrozen: exactFrozen.trSigmaPop,
    bSimplePlainExact: exactPlain.bSimple,
    bSimpleFrozenExact: exactFrozen.bSimple,
  };
});

const pairedSchema = z.object({
  batchSize: anyNumber(),
  replicates: anyNumber(),
  fpc: anyNumber(),
  traces: z.array(anyNumber()),
  traceSE: z.array(anyNumber()),
  meanNormSq: z.array(anyNumber()),
  leaveOneOut: z.array(z.array(anyNumber())),
  leaveOneOutMeanSq: z.array(z.array(anyNumber())),
});
const scaledSchema = z.object({
  kind: z.literal('scaled'),
  /** The factors c, ascending. */
  scales: z.array(anyNumber()),
  /** Largest relative change of the loss over c: batch norm at ε = 0, at ε, and the plain MLP. */
  lossChangeExact: anyNumber(),
  lossChangeWithEpsilon: anyNumber(),
  lossChangeNoBatchNorm: anyNumber(),
  /** Largest relative deviation of c·∇_W L(cW) from ∇_W L(W), and |∇_W L(cW)| per c. */
  gradientDeviation: anyNumber(),
  gradNorms: z.array(anyNumber()),
  /** trCov and B_simple of the rescaled block's mini-batch gradient per c: batch norm, plain first layer. */
  trBN: z.array(anyNumber()),
  trPlain: z.array(anyNumber()),
  bsBlock: z.array(anyNumber()),
  bsBlockPlain: z.array(anyNumber()),
});
type Scaled = z.output<typeof scaledSchema>;
type NoisePartial = { kind: 'batches'; result: PairedNoiseResult } | Scaled;

/** Path []: the data come from the root stream's 'data' child, the batches from 'batches'/B or 'scaled'. */
type NoiseJob = { path: []; kind: 'batches'; p: Params; setup: Setup; batchSize: number } | { path: []; kind: 'scaled'; p: Params; setup: Setup };

/** One batch size of the noise sweep (three estimators on the same batches), or the rescaled pre-normalisation weights. */
export const noiseTask = defineExperimentTask(import.meta.url, 'sgd.batchnorm/noise', (job: NoiseJob, { stream }): NoisePartial => {
  const { p, setup } = job;
  const data = dataOf(p, stream);
  const N = data.n;
  const { plain, bn, exact } = networks(p);
  const thetaPlain = Float64Array.from(setup.thetaPlain);
  const thetaBN = Float64Array.from(setup.thetaBN);
  setPopulationStatistics(bn, thetaBN, data);
  if (job.kind === 'batches') {
    const ests = [estimator(plain, thetaPlain, data, { train: true }), estimator(bn, thetaBN, data, { train: true }), estimator(bn, thetaBN, data, { train: false })];
    const dims = [plain.paramCount, bn.paramCount, bn.paramCount];
    return { kind: 'batches', result: pairedMiniBatchNoise(ests, dims, { population: N, batchSize: job.batchSize, replicates: p.estimates, stream: stream.child('batches').child(job.batchSize) }) };
  }
  // decoupling: rescale the pre-normalisation weights by c (ε = 0 for the identities)
  const ranges = preNormalizationRanges(exact);
  const block = rangeIndices(ranges);
  const firstPlain = plain.paramRanges().filter((r) => r.layer === 0);
  const blockPlain = rangeIndices(firstPlain);
  const cs = [...p.scales].sort((a, b) => a - b);
  const lossAt = (m: Sequential, th: Float64Array) => m.lossValue(th, data, { train: true });
  const gradAt = (m: Sequential, th: Float64Array, idx: Int32Array) => {
    const g = m.gradient(th, data, { train: true }).gradient;
    return Float64Array.from(idx, (j) => g[j]);
  };
  const L1 = lossAt(exact, thetaBN);
  const g1 = gradAt(exact, thetaBN, block);
  const L1eps = lossAt(bn, thetaBN);
  const L1plain = lossAt(plain, thetaPlain);
  let lossDev = 0;
  let gradDev = 0;
  let lossDevEps = 0;
  let lossDevPlain = 0;
  const gradNorms: number[] = [];
  for (const c of cs) {
    const th = scaleRanges(thetaBN, ranges, c);
    lossDev = Math.max(lossDev, Math.abs(lossAt(exact, th) - L1) / L1);
    lossDevEps = Math.max(lossDevEps, Math.abs(lossAt(bn, th) - L1eps) / L1eps);
    const g = gradAt(exact, th, block);
    gradDev = Math.max(gradDev, relDiff(g.map((v) => v * c), g1));
    gradNorms.push(Math.hypot(...g));
    lossDevPlain = Math.max(lossDevPlain, Math.abs(lossAt(plain, scaleRanges(thetaPlain, firstPlain, c)) - L1plain) / L1plain);
  }
  const scaleEsts = [
    ...cs.map((c) => estimator(exact, scaleRanges(thetaBN, ranges, c), data, { train: true, pick: block })),
    ...cs.map((c) => estimator(plain, scaleRanges(thetaPlain, firstPlain, c), data, { train: true, pick: blockPlain })),
  ];
  const scaled = pairedMiniBatchNoise(scaleEsts, [...cs.map(() => block.length), ...cs.map(() => blockPlain.length)], {
    population: N,
    batchSize: p.scaleBatchSize,
    replicates: p.estimates,
    stream: stream.child('scaled'),
  });
  const K = cs.length;
  return {
    kind: 'scaled',
    scales: cs,
    lossChangeExact: lossDev,
    lossChangeWithEpsilon: lossDevEps,
    lossChangeNoBatchNorm: lossDevPlain,
    gradientDeviation: gradDev,
    gradNorms,
    trBN: cs.map((_, k) => scaled.traces[k]),
    trPlain: cs.map((_, k) => scaled.traces[K + k]),
    bsBlock: cs.map((_, k) => pairedNoiseScale(scaled, k).bSimple),
    bsBlockPlain: cs.map((_, k) => pairedNoiseScale(scaled, K + k).bSimple),
  };
});

const PLAIN = 0;
const TRAIN = 1;
const FROZEN = 2;
const eff = (r: PairedNoiseResult, e: number) => (r.batchSize * r.traces[e]) / r.fpc;
const effSE = (r: PairedNoiseResult, e: number) => (r.batchSize * r.traceSE[e]) / r.fpc;

const fit = z.object({ slope: anyNumber(), slopeSE: anyNumber() });
const mean = z.object({ mean: anyNumber(), se: anyNumber(), chi2Reduced: anyNumber() });
const ratio = z.object({ value: anyNumber(), se: anyNumber() });
const noiseScale = z.object({ bSimple: anyNumber(), se: anyNumber(), trSigma: anyNumber(), gNormSq: anyNumber() });
const measurements = setupSchema.omit({ thetaPlain: true, thetaBN: true }).extend({
  /** The paired sweep, by increasing B (estimators: plain, batch norm in training mode, frozen statistics). */
  sweep: z.array(pairedSchema.extend({ trainOverFrozen: ratio })),
  /** B·trCov(ĝ_B)·(N − 1)/(N − B) over trΣ, weighted over B: plain, frozen. */
  lawPlain: mean,
  lawFrozen: mean,
  /** At the largest B. */
  noiseScalePlain: noiseScale,
  noiseScaleBatchNorm: noiseScale,
  noiseScaleFrozen: noiseScale,
  /** log10(B_simple with BN / without), and log10 of B·trCov/FPC at the smallest B over the largest (training mode). */
  log10BSimpleRatio: ratio,
  log10ExtraNoise: ratio,
  scaled: scaledSchema.omit({ kind: true }),
  gradientSlope: fit,
  blockNoiseSlope: fit,
  blockNoiseSlopeNoBatchNorm: fit,
  blockBSimpleSlope: fit,
  blockBSimpleSlopeNoBatchNorm: fit,
});
export type BatchnormMeasurements = z.output<typeof measurements>;

const slopeOf = (f: { slope: number; slopeSE: number }) => ({ slope: f.slope, slopeSE: f.slopeSE });

export const batchnormExperiment = defineExperiment({
  id: 'sgd.batchnorm',
  domain: 'sgd',
  title: 'Batch norm and the gradient noise',
  claim: 'Batch norm changes the gradient noise scale and decouples it from the weight magnitudes.',
  description:
    'An MLP dim-hidden-3 (ReLU) with and without batch norm after the hidden dense layer, both starting from the same dense weights, on a 3-class Gaussian mixture. (1) Mini-batch noise: for each B, `replicates` batches without replacement; on the same batches, the gradient of the plain MLP, of the batch-norm MLP in training mode (batch statistics) and of the batch-norm MLP with its statistics frozen at their full-data values (eval mode: the same network without the noise of the batch statistics). The frozen and the plain networks follow trΣ/B·(N − B)/(N − 1); the training-mode excess over it, as a function of B, is the noise the batch statistics add. B_simple of each network comes from the largest batch. (2) Decoupling: the pre-normalisation weights and bias are multiplied by c; at ε = 0 the loss is unchanged and every batch gradient of those weights is divided by c, so their noise falls as c⁻² and their noise scale does not move; without batch norm the same rescaling changes the loss.',
  params,
  measurements,
  live: false,
  validate(p) {
    checkBatchSizes(p.batchSizes, p.datasetSize);
    checkBatchSizes([p.scaleBatchSize], p.datasetSize, 'scaleBatchSize');
  },
  stages: [
    defineStage({ name: 'setup', plan: (p: Params) => [{ path: [] as [], p }], task: setupTask, reduce: ([s]) => s }),
    defineStage({
      name: 'noise',
      plan: (p: Params, prior) => {
        const setup = prior.setup as Setup;
        const Bs = [...p.batchSizes].sort((a, b) => a - b);
        return [...Bs.map((batchSize): NoiseJob => ({ path: [], kind: 'batches', p, setup, batchSize })), { path: [], kind: 'scaled', p, setup } as NoiseJob];
      },
      task: noiseTask,
      reduce(parts, _p: Params, prior): BatchnormMeasurements {
        const { thetaPlain: _tp, thetaBN: _tb, ...setup } = prior.setup as Setup;
        const sweep = parts.flatMap((x) => (x.kind === 'batches' ? [x.result] : []));
        const { kind: _k, ...scaled } = parts.find((x): x is Scaled => x.kind === 'scaled') as Scaled;
        const lawCheck = (e: number, tr: number) => weightedMean(sweep.map((r) => eff(r, e) / tr), sweep.map((r) => effSE(r, e) / tr));
        const big = sweep[sweep.length - 1];
        const small = sweep[0];
        const nsPlain = pairedNoiseScale(big, PLAIN);
        const nsTrain = pairedNoiseScale(big, TRAIN);
        const cs = scaled.scales;
        return {
          ...setup,
          sweep: sweep.map((r) => ({ ...r, trainOverFrozen: traceRatio(r, TRAIN, FROZEN) })),
          lawPlain: lawCheck(PLAIN, setup.trSigmaPlain),
          lawFrozen: lawCheck(FROZEN, setup.trSigmaFrozen),
          noiseScalePlain: nsPlain,
          noiseScaleBatchNorm: nsTrain,
          noiseScaleFrozen: pairedNoiseScale(big, FROZEN),
          log10BSimpleRatio: log10Ratio(nsTrain.bSimple, nsTrain.se, nsPlain.bSimple, nsPlain.se),
          log10ExtraNoise: log10Ratio(eff(small, TRAIN), effSE(small, TRAIN), eff(big, TRAIN), effSE(big, TRAIN)),
          scaled,
          gradientSlope: slopeOf(loglogSlope(cs, scaled.gradNorms)),
          blockNoiseSlope: slopeOf(loglogSlope(cs, scaled.trBN)),
          blockNoiseSlopeNoBatchNorm: slopeOf(loglogSlope(cs, scaled.trPlain)),
          blockBSimpleSlope: slopeOf(linearFit(cs.map(Math.log), scaled.bsBlock.map(Math.log))),
          blockBSimpleSlopeNoBatchNorm: slopeOf(linearFit(cs.map(Math.log), scaled.bsBlockPlain.map(Math.log))),
        };
      },
    }),
  ],
  metrics: (m) => ({
    trSigmaPlain: m.trSigmaPlain,
    trSigmaFrozen: m.trSigmaFrozen,
    bSimplePlainExact: m.bSimplePlainExact,
    bSimpleFrozenExact: m.bSimpleFrozenExact,
    bSimplePlain: m.noiseScalePlain.bSimple,
    bSimplePlainSE: m.noiseScalePlain.se,
    bSimpleBatchNorm: m.noiseScaleBatchNorm.bSimple,
    bSimpleBatchNormSE: m.noiseScaleBatchNorm.se,
    bSimpleFrozen: m.noiseScaleFrozen.bSimple,
    trSigmaEffBatchNorm: m.noiseScaleBatchNorm.trSigma,
    gNormSqBatchNorm: m.noiseScaleBatchNorm.gNormSq,
    gNormSqPlain: m.noiseScalePlain.gNormSq,
    log10BSimpleRatio: m.log10BSimpleRatio.value,
    log10BSimpleRatioSE: m.log10BSimpleRatio.se,
    lawRatioPlain: m.lawPlain.mean,
    lawRatioPlainSE: m.lawPlain.se,
    lawRatioFrozen: m.lawFrozen.mean,
    lawRatioFrozenSE: m.lawFrozen.se,
    extraNoiseSmallB: Math.pow(10, m.log10ExtraNoise.value),
    extraNoiseSmallBLog10SE: m.log10ExtraNoise.se,
    ...Object.fromEntries(m.sweep.map((r) => [`trainOverFrozenB${r.batchSize}`, r.trainOverFrozen.value])),
    lossChangeExact: m.scaled.lossChangeExact,
    lossChangeWithEpsilon: m.scaled.lossChangeWithEpsilon,
    lossChangeNoBatchNorm: m.scaled.lossChangeNoBatchNorm,
    gradientSlope: m.gradientSlope.slope,
    gradientDeviation: m.scaled.gradientDeviation,
    blockNoiseSlope: m.blockNoiseSlope.slope,
    blockNoiseSlopeNoBatchNorm: m.blockNoiseSlopeNoBatchNorm.slope,
    blockBSimpleSlope: m.blockBSimpleSlope.slope,
    blockBSimpleSlopeNoBatchNorm: m.blockBSimpleSlopeNoBatchNorm.slope,
  }),
  judge(m, p) {
    const { sweep, scaled } = m;
    const Bs = sweep.map((r) => r.batchSize);
    const big = sweep[sweep.length - 1];
    const small = sweep[0];
    const cs = scaled.scales;
    const nsPlain = m.noiseScalePlain;
    const nsTrain = m.noiseScaleBatchNorm;
    const lawVerdicts = simultaneousVerdicts([
      {
        claim: 'Plain MLP: B·trCov(ĝ_B)·(N − 1)/(N − B) = trΣ at every B (measured/theory = 1)',
        theory: 1,
        measured: m.lawPlain.mean,
        se: m.lawPlain.se,
        note: `Weighted mean over B = ${Bs.join(', ')} (χ²_red = ${fmt(m.lawPlain.chi2Reduced)}); trΣ = ${fmt(m.trSigmaPlain)} from all ${m.N} per-example gradients.`,
      },
      {
        claim: 'Batch norm with frozen (full-data) statistics: B·trCov(ĝ_B)·(N − 1)/(N − B) = trΣ at every B',
        theory: 1,
        measured: m.lawFrozen.mean,
        se: m.lawFrozen.se,
        note: `Without the noise of the batch statistics batch norm is a per-example affine map and obeys the same law (χ²_red = ${fmt(m.lawFrozen.chi2Reduced)}); trΣ = ${fmt(m.trSigmaFrozen)}.`,
      },
    ]);
    // Floating-point bounds of the identities (deterministic computations: the interval is the bound, not an SE).
    // A sum of n terms carries a relative error ≤ γ_n ≈ n·u (u = ε/2); the longest accumulation chain of a loss
    // or a full-data gradient is the input dot product (dim), the batch mean, variance and their use (3N), the
    // output dot product (hidden) and the softmax (3 classes): nLoss terms; two evaluations are compared, and the
    // elementwise operations add a few u more, so δ = 2·nLoss·ε.
    const eps = Number.EPSILON;
    const nLoss = p.dim + 3 * m.N + p.hidden + 3;
    const dLoss = 2 * nLoss * eps;
    // a log–log slope over x = ln c whose points each move by ≤ δ moves by ≤ δ·Σ|x − x̄|/Σ(x − x̄)²
    const lx = cs.map(Math.log);
    const xbar = lx.reduce((a, b) => a + b, 0) / lx.length;
    const slopeGain = lx.reduce((a, x) => a + Math.abs(x - xbar), 0) / lx.reduce((a, x) => a + (x - xbar) ** 2, 0);
    // trCov over the replicates of batch gradients (batch of scaleBatchSize): chain nBatch + replicates, amplified by
    // the cancellation E‖ĝ‖²/trCov = 1 + |G|²/trCov ≈ 1 + B/B_simple of the variance
    const nBatch = p.dim + 3 * p.scaleBatchSize + p.hidden + 3;
    const cancel = Math.max(...scaled.bsBlock.map((b) => 1 + p.scaleBatchSize / b));
    const dTrace = 2 * (nBatch + p.estimates) * eps * cancel;
    const bound = (measured: number, d: number): [number, number] => [measured - d, measured + d];
    const exactNote = (d: number, what: string) =>
      `A deterministic identity: the interval is its floating-point bound ±${fmt(d, 2)} (${what}), not an SE. It holds at ε = 0; with ε = ${p.epsilon} it holds for (W, ε/c²) instead of (W, ε)`;
    const lossDev = scaled.lossChangeExact;
    const lossDevPlain = scaled.lossChangeNoBatchNorm;
    const twoSided = normalQuantile(0.975) / normalQuantile(0.95);
    const bsRatio = m.log10BSimpleRatio;
    const verdicts: Verdict[] = [
      ...lawVerdicts,
      directionalVerdict({
        claim: `Batch statistics add noise at small batches: log10 of B·trCov(ĝ_B)/FPC at B = ${small.batchSize} over its value at B = ${big.batchSize} > 0`,
        measured: m.log10ExtraNoise.value,
        se: m.log10ExtraNoise.se,
        direction: 'above',
        note: `Training mode: ${fmt(eff(small, TRAIN))} at B = ${small.batchSize} against ${fmt(eff(big, TRAIN))} at B = ${big.batchSize}; frozen statistics: ${fmt(eff(small, FROZEN))} and ${fmt(eff(big, FROZEN))}. A batch of B estimates the mean and variance of every channel with errors ∝ 1/√B that move every example's normalised value together.`,
      }),
      directionalVerdict({
        claim: 'Batch norm changes the gradient noise scale: |log10(B_simple with BN / B_simple without)| > 0 (two-sided)',
        measured: Math.abs(bsRatio.value),
        se: bsRatio.se * twoSided,
        direction: 'above',
        note: `Two-sided: the SE is scaled by z_0.975/z_0.95 = ${fmt(twoSided, 4)}, so the one-sided bound on |log10 ratio| is the two-sided 95% bound on the ratio (a true ratio of 1 is called a change 5% of the time). log10 ratio = ${fmt(bsRatio.value, 3)} ± ${fmt(bsRatio.se, 2)}. At B = ${big.batchSize}: B_simple = ${fmt(nsTrain.bSimple)} ± ${fmt(nsTrain.se, 2)} with batch norm (training mode; ${fmt(m.noiseScaleFrozen.bSimple)} with frozen statistics) against ${fmt(nsPlain.bSimple)} ± ${fmt(nsPlain.se, 2)} without; tr Σ_eff ${fmt(nsTrain.trSigma)} against ${fmt(nsPlain.trSigma)}, |G|² ${fmt(nsTrain.gNormSq)} against ${fmt(nsPlain.gNormSq)}. ${p.warmupSteps === 0 ? 'Both at the same dense weights.' : `After ${p.warmupSteps} SGD steps each.`} A change can be supported or stay inconclusive, never refuted: "no change" would need an equivalence margin.`,
      }),
      verdict({
        claim: 'Scaling the pre-normalisation weights by c leaves the training-mode loss unchanged (max relative change = 0)',
        theory: 0,
        measured: lossDev,
        ci95: bound(lossDev, dLoss),
        note: `c = ${cs.join(', ')}. ${exactNote(dLoss, `2·n·ε with n = dim + 3N + hidden + 3 = ${nLoss}, the longest accumulation in a loss, for two evaluations`)}: with ε the loss moves by up to ${fmt(scaled.lossChangeWithEpsilon)} (relative).`,
      }),
      verdict({
        claim: 'Scaling the pre-normalisation weights by c divides their gradient by c (log–log slope of |∇_W L| against c = −1)',
        theory: -1,
        measured: m.gradientSlope.slope,
        ci95: bound(m.gradientSlope.slope, dLoss * slopeGain),
        note: `Largest relative deviation of c·∇_W L(cW) from ∇_W L(W): ${fmt(scaled.gradientDeviation)}. ${exactNote(dLoss * slopeGain, `each norm within 2·n·ε = ${fmt(dLoss, 2)}, times Σ|x − x̄|/Σ(x − x̄)² = ${fmt(slopeGain, 3)} of the fit over x = ln c`)}.`,
      }),
      verdict({
        claim: 'So the mini-batch noise of those weights falls as c⁻² (log–log slope of trCov(ĝ_W) against c = −2)',
        theory: -2,
        measured: m.blockNoiseSlope.slope,
        ci95: bound(m.blockNoiseSlope.slope, dTrace * slopeGain),
        note: `B = ${p.scaleBatchSize}, the same ${p.estimates} batches at every c: every batch gradient is divided by c, so the noise falls as c⁻² exactly. Without batch norm the slope is ${fmt(m.blockNoiseSlopeNoBatchNorm.slope, 4)}. ${exactNote(dTrace * slopeGain, `each trace within 2·(n_B + R)·ε·(1 + B/B_simple) = ${fmt(dTrace, 2)}, n_B = ${nBatch} for a batch gradient, R = ${p.estimates} replicates, times the fit's ${fmt(slopeGain, 3)}`)}.`,
      }),
      verdict({
        claim: 'And their noise scale B_simple = trΣ/|G|² does not depend on the weight scale (log–log slope against c = 0)',
        theory: 0,
        measured: m.blockBSimpleSlope.slope,
        ci95: bound(m.blockBSimpleSlope.slope, 2 * dTrace * slopeGain),
        note: `B_simple of the pre-normalisation block: ${scaled.bsBlock.map((b) => fmt(b)).join(', ')} for c = ${cs.join(', ')}; without batch norm: ${scaled.bsBlockPlain.map((b) => fmt(b)).join(', ')} (slope ${fmt(m.blockBSimpleSlopeNoBatchNorm.slope, 3)}). What does change with c is the effective learning rate: a step η moves the weights by η/c, i.e. by η/c² relative to their size. ${exactNote(2 * dTrace * slopeGain, 'the trace bound for trΣ and for |G|², times the fit\'s gain')}.`,
      }),
      verdict({
        claim: 'Contrast — without batch norm the same rescaling of the first layer leaves the loss unchanged (max relative change = 0)',
        theory: 0,
        measured: lossDevPlain,
        ci95: bound(lossDevPlain, dLoss),
        note: 'Without normalisation the hidden activations (ReLU is positively homogeneous) and the logits scale with c, so the loss moves: the decoupling is batch norm\'s doing. The interval is the same floating-point bound as with batch norm.',
      }),
    ];
    return verdicts;
  },
  present(m, p) {
    const { sweep, scaled } = m;
    const big = sweep[sweep.length - 1];
    const cs = scaled.scales;
    const { trBN, trPlain, bsBlock, bsBlockPlain, gradNorms } = scaled;
    const points: XYPoint[] = [];
    const series = [
      [PLAIN, 'no batch norm'],
      [TRAIN, 'batch norm, batch statistics'],
      [FROZEN, 'batch norm, frozen statistics'],
    ] as const;
    for (const r of sweep) {
      for (const [e, name] of series) points.push({ x: r.batchSize, y: eff(r, e), lo: eff(r, e) - 1.96 * effSE(r, e), hi: eff(r, e) + 1.96 * effSE(r, e), series: name });
    }
    const ref = Math.max(0, cs.indexOf(1));
    const lo = sweep[0].batchSize;
    const hi = big.batchSize;
    return {
      tables: [
        {
          name: 'noise-vs-batch',
          title: 'Per-example-equivalent noise B·trCov(ĝ_B)/FPC on the same batches',
          columns: ['B', 'no BN', 'SE', 'BN batch stats', 'SE', 'BN frozen stats', 'SE', 'batch/frozen', 'SE'],
          rows: sweep.map((r) => {
            const q = r.trainOverFrozen;
            return [r.batchSize, eff(r, PLAIN), effSE(r, PLAIN), eff(r, TRAIN), effSE(r, TRAIN), eff(r, FROZEN), effSE(r, FROZEN), q.value, q.se];
          }),
        },
        {
          name: 'weight-scale',
          title: `Pre-normalisation weights × c (B = ${p.scaleBatchSize})`,
          columns: ['c', 'trCov block (BN)', 'B_simple block (BN)', '|∇_W L| (BN, ε = 0)', 'trCov first layer (no BN)', 'B_simple first layer (no BN)'],
          rows: cs.map((c, k) => [c, trBN[k], bsBlock[k], gradNorms[k], trPlain[k], bsBlockPlain[k]]),
        },
      ],
      figures: [
        xyFigure({
          name: 'noise-vs-batch',
          title: 'Gradient noise per example against batch size, with and without batch statistics',
          x: { title: 'batch size B', log: true },
          y: { title: 'B·tr Cov(ĝ_B)·(N−1)/(N−B)', log: true },
          points,
          lines: [
            ...curve(() => m.trSigmaPlain, lo, hi, 2, 'theory trΣ: no batch norm', true),
            ...curve(() => m.trSigmaFrozen, lo, hi, 2, 'theory trΣ: frozen statistics', true),
          ],
        }),
        xyFigure({
          name: 'noise-vs-weight-scale',
          title: 'Noise of the pre-normalisation weights against their scale c',
          x: { title: 'weight scale c', log: true },
          y: { title: `tr Cov of their mini-batch gradient (B = ${p.scaleBatchSize})`, log: true },
          points: [
            ...cs.map((c, k) => ({ x: c, y: trBN[k], series: 'batch norm' })),
            ...cs.map((c, k) => ({ x: c, y: trPlain[k], series: 'no batch norm (first layer)' })),
          ],
          lines: curve((c) => trBN[ref] * (cs[ref] / c) ** 2, cs[0], cs[cs.length - 1], 20, 'theory ∝ c⁻² (batch norm)', true),
        }),
      ],
      notes: [
        `${m.dataName}, N = ${m.N}; ${m.plainName} (${m.plainParams} parameters) and ${m.bnName} (${m.bnParams}).`,
        `Exact (all per-example gradients): B_simple = ${fmt(m.bSimplePlainExact)} without batch norm, ${fmt(m.bSimpleFrozenExact)} with frozen statistics.`,
        `Training-mode batch norm at B = 2 normalises two values to ±1 whatever they are: B·trCov/FPC is ${fmt(sweep[0].batchSize === 2 ? eff(sweep[0], TRAIN) / eff(big, TRAIN) : NaN)}× its large-batch value there.`,
      ],
    };
  },
});
