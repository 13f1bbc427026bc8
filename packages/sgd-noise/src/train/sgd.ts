/**
 * Mini-batch SGD with momentum, learning-rate schedules and clipping, streaming gradient
 * statistics while it trains. A loss that turns NaN/Inf or exceeds the divergence bound stops
 * training with a DivergenceError carrying the step, the loss and the trace so far.
 */
import { assertInRange, assertInteger, assertPositive, DivergenceError, Moments, ParameterError, TwoBatchNoiseScale, type Stream, type TwoBatchResult } from '@snrlab/core';
import type { Dataset } from '../data/dataset.js';
import { checkModelData, gather, validateDataset } from '../data/dataset.js';
import type { Batch, Sequential } from '../nn/model.js';
import { clipGlobalNorm, clipPerCoordinate, clipPerExampleMean, validateClip, type ClipSpec } from './clipping.js';
import { BatchSampler } from './sampler.js';
import { toSchedule, type Schedule, type ScheduleSpec } from './schedules.js';

export interface TrainOptions {
  model: Sequential;
  data: Dataset;
  /** Initial parameters (copied); default model.init(stream.child('init')). */
  params?: Float64Array;
  batchSize: number;
  steps: number;
  learningRate: number | Schedule | ScheduleSpec;
  /** Heavy-ball momentum μ: v ← μv + g, θ ← θ − ηv (default 0). */
  momentum?: number;
  nesterov?: boolean;
  /** L2 weight decay added to the gradient (default 0). */
  weightDecay?: number;
  /** Sample batches with replacement (default true) or by reshuffling epochs. */
  replacement?: boolean;
  clip?: ClipSpec;
  stream: Stream;
  /** Evaluate the full-data loss every this many steps (0 = only at the end; default 0). */
  evalEvery?: number;
  /** Stop once the full-data loss is ≤ this (checked at evaluations). */
  targetLoss?: number;
  /** A batch loss above this counts as divergence (default 1e12). */
  divergenceLoss?: number;
  /** Replica index reported in a DivergenceError. */
  replica?: number;
  /**
   * Stream gradient statistics: the within-batch tr Σ from per-example gradient norms, and the
   * two-batch noise scale from the first `twoBatchSmall` examples of each batch against the whole.
   */
  statistics?: boolean | { twoBatchSmall?: number };
  /** Batch norm mode while training (default: training mode, updating running statistics). */
  train?: boolean;
}

export interface GradientStatistics {
  steps: number;
  loss: Moments;
  /** |ĝ_B|² of the batch gradients (before clipping). */
  gradNormSq: Moments;
  /** Within-batch unbiased tr Σ = (Σ|g_i|² − B|ĝ|²)/(B − 1), per step. */
  trSigma: Moments;
  /** Unbiased |G|² = |ĝ|² − tr Σ/B, per step. */
  gNormSq: Moments;
  /** Ratio of the averages tr Σ / |G|² over the run (null without statistics). */
  bSimple: number | null;
  twoBatch: TwoBatchResult | null;
  /** Steps where clipping changed the gradient (per-example: clipped examples). */
  clipped: number;
}

export interface TrainResult {
  params: Float64Array;
  steps: number;
  /** Full-data loss at the evaluations (and at the end). */
  lossTrace: { step: number; loss: number }[];
  finalLoss: number;
  reachedTarget: boolean;
  /** First evaluated step at which the loss was ≤ targetLoss (NaN if never). */
  stepsToTarget: number;
  statistics: GradientStatistics;
}

/** Full-data mean loss (in chunks; with batch norm, eval mode unless `train`). */
export function datasetLoss(model: Sequential, params: Float64Array, data: Dataset, opts: { chunk?: number; train?: boolean } = {}): number {
  const chunk = opts.chunk ?? 1024;
  const size = data.inputShape.reduce((a, b) => a * b, 1);
  let s = 0;
  for (let a = 0; a < data.n; a += chunk) {
    const b = Math.min(data.n, a + chunk);
    const batch: Batch = { x: data.x.subarray(a * size, b * size), y: data.y.subarray(a * data.targetSize, b * data.targetSize), n: b - a };
    s += model.lossValue(params, batch, { train: opts.train ?? false }) * (b - a);
  }
  return s / data.n;
}

export function sgd(o: TrainOptions): TrainResult {
  const { model, data } = o;
  validateDataset(data, 'data');
  checkModelData(model, data);
  assertInteger('batchSize', o.batchSize, { min: 1, max: data.n, note: `the dataset has ${data.n} examples` });
  assertInteger('steps', o.steps, { min: 0 });
  const lr = toSchedule(o.learningRate);
  const mu = o.momentum ?? 0;
  assertInRange('momentum', mu, 0, 1, { hiOpen: true });
  const wd = o.weightDecay ?? 0;
  assertPositive('weightDecay', wd, { allowZero: true });
  if (o.clip) validateClip(o.clip);
  const evalEvery = o.evalEvery ?? 0;
  assertInteger('evalEvery', evalEvery, { min: 0 });
  const divergence = o.divergenceLoss ?? 1e12;
  const replica = o.replica ?? 0;
  const bnTrain = o.train ?? true;
  const P = model.paramCount;
  const params = o.params ? Float64Array.from(o.params) : model.init(o.stream.child('init'));
  model.checkParams(params, 'params');
  const B = o.batchSize;
  const stats = o.statistics ?? false;
  const twoSmall = typeof stats === 'object' ? (stats.twoBatchSmall ?? Math.max(1, Math.floor(B / 4))) : Math.max(1, Math.floor(B / 4));
  if (stats && B >= 2 && (twoSmall < 1 || twoSmall >= B)) throw new ParameterError('statistics.twoBatchSmall', twoSmall, `an integer in [1, ${B - 1}]`);
  const sampler = new BatchSampler(data.n, B, o.replacement ?? true, o.stream.child('batches'));
  const idx = new Int32Array(B);
  const size = model.inputSize;
  const batch: Batch = { x: new Float64Array(B * size), y: new Float64Array(B * data.targetSize), n: B };
  const g = new Float64Array(P);
  const vel = new Float64Array(P);
  const grads = o.clip?.kind === 'per-example' ? new Float64Array(B * P) : undefined;
  const loss = new Moments();
  const gradNormSq = new Moments();
  const trSigma = new Moments();
  const gNormSq = new Moments();
  const two = stats && B >= 2 ? new TwoBatchNoiseScale(twoSmall, B) : null;
  let clipped = 0;
  const lossTrace: { step: number; loss: number }[] = [];
  let stepsToTarget = NaN;
  let time = 0;
  const evaluate = (step: number) => {
    const l = datasetLoss(model, params, data);
    lossTrace.push({ step, loss: l });
    if (o.targetLoss !== undefined && Number.isNaN(stepsToTarget) && l <= o.targetLoss) stepsToTarget = step;
    return l;
  };
  if (evalEvery > 0) evaluate(0);
  let step = 0;
  for (; step < o.steps; step++) {
    if (!Number.isNaN(stepsToTarget)) break;
    gather(data, sampler.next(idx), B, batch);
    const opts = { train: bnTrain, updateStats: bnTrain };
    let batchLoss: number;
    if (grads || (stats && B >= 2)) {
      const r = model.perExample(params, batch, { ...opts, gradients: !!grads, sqNorms: !!stats, out: grads });
      batchLoss = r.loss;
      g.set(r.gradient);
      if (stats && r.sqNorms) {
        let s = 0;
        for (let i = 0; i < B; i++) s += r.sqNorms[i];
        let gg = 0;
        for (let j = 0; j < P; j++) gg += g[j] * g[j];
        const tr = (s - B * gg) / (B - 1);
        trSigma.push(tr);
        gNormSq.push(gg - tr / B);
        if (two) {
          const small = model.gradient(params, { x: batch.x.subarray(0, twoSmall * size), y: batch.y.subarray(0, twoSmall * data.targetSize), n: twoSmall }, { train: bnTrain }).gradient;
          let ss = 0;
          for (let j = 0; j < P; j++) ss += small[j] * small[j];
          two.push(ss, gg);
        }
      }
      if (grads) clipped += clipPerExampleMean(grads, B, P, (o.clip as ClipSpec).threshold, g);
    } else {
      batchLoss = model.gradient(params, batch, { ...opts, out: g }).loss;
    }
    if (!Number.isFinite(batchLoss) || batchLoss > divergence) {
      throw new DivergenceError(step, time, replica, batchLoss, { lossTrace, step, params }, `batch loss ${batchLoss} (bound ${divergence}) at learning rate ${lr(step)}`);
    }
    loss.push(batchLoss);
    let gg = 0;
    for (let j = 0; j < P; j++) gg += g[j] * g[j];
    gradNormSq.push(gg);
    if (o.clip?.kind === 'global-norm') clipped += clipGlobalNorm(g, o.clip.threshold) < 1 ? 1 : 0;
    else if (o.clip?.kind === 'per-coordinate') clipped += clipPerCoordinate(g, o.clip.threshold) > 0 ? 1 : 0;
    const eta = lr(step);
    if (!(eta > 0) || !Number.isFinite(eta)) throw new ParameterError('learningRate', eta, `a positive number (the schedule gave it at step ${step})`);
    for (let j = 0; j < P; j++) {
      let d = g[j] + wd * params[j];
      if (mu > 0) {
        vel[j] = mu * vel[j] + d;
        d = o.nesterov ? d + mu * vel[j] : vel[j];
      }
      params[j] -= eta * d;
    }
    time += eta;
    if (evalEvery > 0 && (step + 1) % evalEvery === 0) {
      const l = evaluate(step + 1);
      if (!Number.isFinite(l) || l > divergence) throw new DivergenceError(step + 1, time, replica, l, { lossTrace, step: step + 1, params }, `full-data loss ${l}`);
    }
  }
  const finalLoss = lossTrace.length && lossTrace[lossTrace.length - 1].step === step ? lossTrace[lossTrace.length - 1].loss : evaluate(step);
  if (!Number.isFinite(finalLoss)) throw new DivergenceError(step, time, replica, finalLoss, { lossTrace, step, params }, 'final loss');
  return {
    params,
    steps: step,
    lossTrace,
    finalLoss,
    reachedTarget: !Number.isNaN(stepsToTarget),
    stepsToTarget,
    statistics: {
      steps: step,
      loss,
      gradNormSq,
      trSigma,
      gNormSq,
      bSimple: trSigma.n ? trSigma.mean / gNormSq.mean : null,
      twoBatch: two && two.n >= 2 ? two.result() : null,
      clipped,
    },
  };
}
