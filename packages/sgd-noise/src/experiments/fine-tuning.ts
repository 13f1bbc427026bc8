/**
 * sgd.fine-tuning: pretrain on task A, train on a related task B, and compare with training B
 * from scratch: tr Σ, |G|², B_simple and the per-example gradient agreement at the start and
 * along training, and the critical batch size (with the best learning rate per batch size) from
 * a small sweep of steps to a target.
 */
import { defineExperiment, defineTask, DivergenceError, linearFit, Moments, Stream, xyFigure, z, type StreamState, type Verdict, type XYLine, type XYPoint } from '@snrlab/core';
import { mlp } from '../nn/models.js';
import type { Sequential } from '../nn/model.js';
import { sgd } from '../train/sgd.js';
import { minimize, topHessianEigenvalue } from '../measure/hessian.js';
import { fitCriticalBatch, type CriticalBatchFit } from '../measure/noise-scale.js';
import { directionalVerdict, log10Ratio } from '../studies/claims.js';
import { noiseProfile, relatedTasks, type NoiseProfile } from '../studies/fine-tuning.js';
import { checkBatchSizes, fmt } from './common.js';

const params = z.object({
  relatedness: z.number().min(-1).max(1).default(0.95).describe('ρ: cosine between the readouts of tasks A and B, which share the teacher\'s hidden features'),
  relatednessSweep: z.array(z.number().min(-1).max(1)).min(2).default([0.5, 0.8, 0.9, 0.95, 0.99]).describe('ρ values whose fine-tuning start is measured for the figure'),
  pretrainSize: z.int().min(16).max(1_000_000).default(1000).meta({ unit: 'examples' }).describe('examples of task A'),
  datasetSize: z.int().min(16).max(100_000).default(256).meta({ unit: 'examples' }).describe('examples of task B'),
  dim: z.int().min(1).max(64).default(4).meta({ unit: 'features' }).describe('inputs of both tasks'),
  hidden: z.int().min(2).max(256).default(16).meta({ unit: 'units' }).describe('hidden tanh units of the student MLP dim-hidden-1 (squared loss)'),
  labelNoise: z.number().min(0).max(10).default(0.1).describe('label-noise sd of both tasks'),
  pretrainSteps: z.int().min(1).max(1_000_000).default(3000).meta({ unit: 'steps' }).describe('SGD steps on task A (B = 32, η = 0.1)'),
  trajectorySteps: z.int().min(1).max(100_000).default(512).meta({ unit: 'steps' }).describe('SGD steps on task B along which the noise is tracked (checkpoints at 0, 1, 2, 4, …)'),
  trajectoryBatchSize: z.int().min(1).max(100_000).default(16).meta({ unit: 'examples' }).describe('batch size of the tracked runs'),
  trajectoryLearningRate: z.number().gt(0).max(100).default(0.1).describe('learning rate of the tracked runs'),
  batchSizes: z.array(z.int().min(1).max(100_000)).min(3).default([2, 8, 32, 128]).meta({ unit: 'examples' }).describe('batch sizes of the steps-to-target sweep'),
  learningRates: z.int().min(1).max(12).default(3).describe('learning rates tried per batch size: 2η₀·2^−j, j = 0, 1, …, with η₀ = 1/λ_max at task B\'s minimum (2η₀ is the stability edge there)'),
  replicas: z.int().min(1).max(100).default(2).describe('runs per (start, batch size, learning rate)'),
  targetFraction: z.number().gt(0).lt(1).default(0.2).describe('target loss L* + f·(L_fine-tune start − L*), the same for both starts'),
  maxSteps: z.int().min(10).max(1_000_000).default(2000).meta({ unit: 'steps' }).describe('a run that has not reached the target by then fails'),
});

type Params = z.output<typeof params>;

function makeModel(p: Params): Sequential {
  return mlp([p.dim, p.hidden, 1], { activation: 'tanh', loss: 'squared' });
}

function tasks(p: Params, rho: number, s: Stream) {
  return relatedTasks({ nA: p.pretrainSize, nB: p.datasetSize, dim: p.dim, relatedness: rho, noise: p.labelNoise, stream: s });
}

/** The sweep evaluates the full loss every few steps: steps to target are resolved to ±EVAL_EVERY/2. */
const EVAL_EVERY = 4;

interface SweepJob {
  p: Params;
  start: number[];
  batchSize: number;
  eta0: number;
  target: number;
  data: StreamState;
  stream: StreamState;
}
interface SweepResult {
  batchSize: number;
  steps: number;
  stepsSE: number;
  learningRate: number;
}

/** Steps to the target at one batch size: the best learning rate of the grid (mean over replicas). */
export const sweepTask = defineTask(import.meta.url, 'sgd.fine-tuning/steps-to-target', (job: SweepJob): SweepResult => {
  const { p } = job;
  const { taskB } = tasks(p, p.relatedness, Stream.restore(job.data));
  const model = makeModel(p);
  const root = Stream.restore(job.stream);
  const start = Float64Array.from(job.start);
  let best: SweepResult = { batchSize: job.batchSize, steps: Infinity, stepsSE: 0, learningRate: NaN };
  for (let j = 0; j < p.learningRates; j++) {
    const eta = job.eta0 * Math.pow(2, 1 - j);
    const m = new Moments();
    let failed = false;
    for (let r = 0; r < p.replicas && !failed; r++) {
      try {
        const t = sgd({ model, data: taskB, params: start, batchSize: job.batchSize, steps: p.maxSteps, learningRate: eta, stream: root.child(j).child(r), evalEvery: EVAL_EVERY, targetLoss: job.target, divergenceLoss: 1e6 });
        if (t.reachedTarget) m.push(t.stepsToTarget);
        else failed = true;
      } catch (e) {
        if (!(e instanceof DivergenceError)) throw e;
        failed = true;
      }
    }
    if (!failed && m.mean < best.steps) best = { batchSize: job.batchSize, steps: m.mean, stepsSE: m.n > 1 ? m.sem : 0, learningRate: eta };
  }
  return best;
});

/** Checkpoints 0, 1, 2, 4, … up to `steps`. */
function checkpoints(steps: number): number[] {
  const out = [0];
  for (let c = 1; c <= steps; c *= 2) out.push(c);
  if (out[out.length - 1] !== steps) out.push(steps);
  return out;
}

export const fineTuningExperiment = defineExperiment({
  id: 'sgd.fine-tuning',
  domain: 'sgd',
  title: 'Fine-tuning and the gradient noise scale',
  claim: 'Fine-tuning starts where per-example gradients agree more, so the noise scale is smaller and smaller batches work best.',
  description:
    'Tasks A and B share a tanh teacher\'s hidden features and differ in the readout (cosine ρ). A student MLP is pretrained on A and then trained on B (fine-tuning), against the same MLP trained on B from a fresh initialisation (scratch). At both starts and along SGD on B: the loss gap L − L*, tr Σ and |G|² (reported separately), B_simple = trΣ/|G|² and the mean pairwise cosine of the per-example gradients, with jackknife SEs over examples. A small sweep (batch sizes × learning rates 2η₀·2^−j, η₀ = 1/λ_max at B\'s minimum) gives the steps to a common target loss from each start; S = S_min(1 + B_crit/B) is fitted for the critical batch size (McCandlish et al. 2018). Near a minimum |G|² ≤ 2λ_max(L − L*) while tr Σ tends to tr Σ(θ*), so B_simple ≥ trΣ*/(2λ_max(L − L*)) grows as the loss falls: a start closer to the minimum has the larger noise scale.',
  params,
  async run(p, ctx) {
    const model = makeModel(p);
    const ds = ctx.stream.child('tasks');
    const { taskA, taskB } = tasks(p, p.relatedness, ds);
    checkBatchSizes(p.batchSizes, taskB.n);
    checkBatchSizes([p.trajectoryBatchSize], taskB.n, 'trajectoryBatchSize');
    const pretrained = sgd({ model, data: taskA, params: model.init(ctx.stream.child('init')), batchSize: Math.min(32, taskA.n), steps: p.pretrainSteps, learningRate: 0.1, stream: ctx.stream.child('pretrain') });
    const scratch = model.init(ctx.stream.child('scratch'));
    const starts = [
      { name: 'scratch', theta: scratch },
      { name: 'fine-tuning', theta: pretrained.params },
    ];
    // task B's minimum (from the pretrained point, the closer one), its curvature and noise
    const min = minimize(model, pretrained.params, taskB, { steps: 1500 });
    const Lstar = min.loss;
    const lambdaMax = topHessianEigenvalue(model, min.params, taskB).value;
    const atMin = noiseProfile(model, min.params, taskB);
    // noise along SGD on B from each start
    const marks = checkpoints(p.trajectorySteps);
    const traj = starts.map(({ name, theta }, si) => {
      let th: Float64Array = Float64Array.from(theta);
      const rows: (NoiseProfile & { step: number })[] = [];
      let at = 0;
      for (const c of marks) {
        if (c > at) {
          th = sgd({ model, data: taskB, params: th, batchSize: p.trajectoryBatchSize, steps: c - at, learningRate: p.trajectoryLearningRate, stream: ctx.stream.child('trajectory').child(si).child(c) }).params;
          at = c;
        }
        rows.push({ step: c, ...noiseProfile(model, th, taskB) });
      }
      return { name, rows };
    });
    const s0 = traj[0].rows[0];
    const f0 = traj[1].rows[0];
    // the fine-tuning start at other relatedness values (same task A, same pretrained network)
    const sweep = [...p.relatednessSweep].sort((a, b) => a - b).map((rho) => {
      const tb = tasks(p, rho, ds).taskB;
      const lstar = minimize(model, pretrained.params, tb, { steps: 400 }).loss;
      return { rho, lstar, start: noiseProfile(model, pretrained.params, tb) };
    });
    // steps to a common target, from each start, over batch sizes and learning rates
    const target = Lstar + p.targetFraction * (f0.loss - Lstar);
    const eta0 = 1 / lambdaMax;
    const Bs = [...p.batchSizes].sort((a, b) => a - b);
    const jobs: SweepJob[] = [];
    starts.forEach(({ theta }, si) =>
      Bs.forEach((B) => jobs.push({ p, start: Array.from(theta), batchSize: B, eta0, target, data: ds.state(), stream: ctx.stream.child('sweep').child(si).child(B).state() })),
    );
    let done = 0;
    const res = await ctx.executor.map(sweepTask, jobs, { signal: ctx.signal, onResult: () => ctx.progress.update(++done, jobs.length, 'steps to target') });
    const fits: (CriticalBatchFit | null)[] = starts.map((_, si) => {
      const ok = res.slice(si * Bs.length, (si + 1) * Bs.length).filter((r) => Number.isFinite(r.steps));
      if (ok.length < 3) return null;
      try {
        return fitCriticalBatch(ok.map((r) => ({ batchSize: r.batchSize, steps: r.steps, stepsSE: Math.max(EVAL_EVERY / 2, r.stepsSE) })));
      } catch {
        return null;
      }
    });
    const [fitS, fitF] = fits;
    const bRatio = log10Ratio(f0.bSimple, f0.bSimpleSE, s0.bSimple, s0.bSimpleSE);
    const verdicts: Verdict[] = [
      directionalVerdict({
        claim: 'Popular claim — per-example gradients agree more at the start of fine-tuning: mean pairwise cosine (fine-tuning − scratch) > 0',
        measured: f0.cosine - s0.cosine,
        se: Math.hypot(f0.cosineSE, s0.cosineSE),
        direction: 'above',
        note: `Mean pairwise cosine ${fmt(f0.cosine)} ± ${fmt(f0.cosineSE, 2)} fine-tuning, ${fmt(s0.cosine)} ± ${fmt(s0.cosineSE, 2)} scratch. Near a minimum the examples' gradients cancel (their mean is small), so they point every which way: agreement falls as the loss does.`,
      }),
      directionalVerdict({
        claim: 'Popular claim — the noise scale is smaller at the start of fine-tuning: log10(B_simple fine-tuning / scratch) < 0',
        measured: bRatio.value,
        se: bRatio.se,
        direction: 'below',
        note: `B_simple = ${fmt(f0.bSimple)} ± ${fmt(f0.bSimpleSE, 2)} fine-tuning, ${fmt(s0.bSimple)} ± ${fmt(s0.bSimpleSE, 2)} scratch. Separately: tr Σ ${fmt(f0.trSigma)} against ${fmt(s0.trSigma)} (×${fmt(f0.trSigma / s0.trSigma)}), |G|² ${fmt(f0.gNormSq)} against ${fmt(s0.gNormSq)} (×${fmt(f0.gNormSq / s0.gNormSq)}). Pretraining lowers the noise tr Σ, but it lowers the signal |G|² at least as much: the start is closer to B's minimum (L − L* = ${fmt(f0.loss - Lstar)} against ${fmt(s0.loss - Lstar)}), where |G|² → 0 while tr Σ → tr Σ* = ${fmt(atMin.trSigma)} (McCandlish et al.: the noise scale grows as the loss falls).`,
      }),
    ];
    if (fitS && fitF) {
      const r = log10Ratio(fitF.bCrit, fitF.bCritSE, fitS.bCrit, fitS.bCritSE);
      verdicts.push(
        directionalVerdict({
          claim: 'Popular claim — smaller batches work best for fine-tuning: log10(B_crit fine-tuning / scratch) < 0',
          measured: r.value,
          se: r.se,
          direction: 'below',
          note: `Critical batch size from S = S_min(1 + B_crit/B) fitted to the steps to L = ${fmt(target)} at the best of ${p.learningRates} learning rates per B: ${fmt(fitF.bCrit)} ± ${fmt(fitF.bCritSE, 2)} fine-tuning, ${fmt(fitS.bCrit)} ± ${fmt(fitS.bCritSE, 2)} scratch (S_min ${fmt(fitF.sMin)} and ${fmt(fitS.sMin)}).`,
        }),
      );
    }
    // McCandlish's mechanism along the tracked runs: B_simple against the loss gap
    const pooled = traj.flatMap((t) => t.rows.filter((r) => r.loss - Lstar > 0 && r.bSimple > 0));
    const lx = pooled.map((r) => Math.log(r.loss - Lstar));
    const ly = pooled.map((r) => Math.log(r.bSimple));
    const fitGap = lx.length >= 3 ? linearFit(lx, ly) : null;
    const slope = fitGap ? fitGap.slope : NaN;
    const slopeSE = fitGap ? fitGap.slopeSE : NaN;
    if (fitGap) verdicts.push(
      directionalVerdict({
        claim: 'McCandlish et al.: the noise scale grows as the loss falls (log–log slope of B_simple against L − L* along training < 0)',
        measured: slope,
        se: slopeSE,
        direction: 'below',
        note: `Pooled over both tracked runs (${pooled.length} checkpoints; least-squares SE, checkpoints along one run are correlated). Near the minimum B_simple ≥ trΣ*/(2λ_max(L − L*)) with trΣ* = ${fmt(atMin.trSigma)}, λ_max = ${fmt(lambdaMax)}: slope −1.`,
      }),
    );
    const bound = (gap: number) => atMin.trSigma / (2 * lambdaMax * gap);
    const gaps = pooled.map((r) => r.loss - Lstar).concat(sweep.map((s) => s.start.loss - s.lstar)).filter((g) => g > 0);
    const gLo = Math.min(...gaps);
    const gHi = Math.max(...gaps);
    const boundLine: XYLine[] = [];
    for (let i = 0; i < 40; i++) {
      const g = gLo * Math.pow(gHi / gLo, i / 39);
      boundLine.push({ x: g, y: bound(g), series: 'near-minimum bound trΣ*/(2λ_max(L − L*))' });
    }
    const bPoints: XYPoint[] = [
      ...traj.flatMap((t) => t.rows.filter((r) => r.loss > Lstar).map((r) => ({ x: r.loss - Lstar, y: r.bSimple, lo: r.bSimple - 1.96 * r.bSimpleSE, hi: r.bSimple + 1.96 * r.bSimpleSE, series: `along training: ${t.name}` }))),
      ...sweep.filter((s) => s.start.loss > s.lstar).map((s) => ({ x: s.start.loss - s.lstar, y: s.start.bSimple, lo: s.start.bSimple - 1.96 * s.start.bSimpleSE, hi: s.start.bSimple + 1.96 * s.start.bSimpleSE, series: 'fine-tuning start at relatedness ρ' })),
    ];
    const tgPoints: XYPoint[] = traj.flatMap((t) =>
      t.rows
        .filter((r) => r.loss > Lstar)
        .flatMap((r) => [
          { x: r.loss - Lstar, y: r.trSigma, series: `tr Σ: ${t.name}` },
          { x: r.loss - Lstar, y: r.gNormSq, series: `|G|²: ${t.name}` },
        ]),
    );
    const metrics: Record<string, number> = {
      minimumLoss: Lstar,
      lambdaMaxAtMinimum: lambdaMax,
      trSigmaAtMinimum: atMin.trSigma,
      targetLoss: target,
      eta0,
    };
    for (const [tag, r] of [
      ['scratch', s0],
      ['fineTuning', f0],
    ] as const) {
      metrics[`${tag}.lossGap`] = r.loss - Lstar;
      metrics[`${tag}.trSigma`] = r.trSigma;
      metrics[`${tag}.trSigmaSE`] = r.trSigmaSE;
      metrics[`${tag}.gNormSq`] = r.gNormSq;
      metrics[`${tag}.gNormSqSE`] = r.gNormSqSE;
      metrics[`${tag}.bSimple`] = r.bSimple;
      metrics[`${tag}.bSimpleSE`] = r.bSimpleSE;
      metrics[`${tag}.cosine`] = r.cosine;
      metrics[`${tag}.cosineSE`] = r.cosineSE;
    }
    if (fitS) {
      metrics['scratch.bCrit'] = fitS.bCrit;
      metrics['scratch.bCritSE'] = fitS.bCritSE;
    }
    if (fitF) {
      metrics['fineTuning.bCrit'] = fitF.bCrit;
      metrics['fineTuning.bCritSE'] = fitF.bCritSE;
    }
    res.forEach((r, i) => {
      const tag = i < Bs.length ? 'scratch' : 'fineTuning';
      metrics[`${tag}.stepsToTarget.B${r.batchSize}`] = r.steps;
      metrics[`${tag}.bestLearningRate.B${r.batchSize}`] = r.learningRate;
    });
    metrics.bSimpleLossSlope = slope;
    metrics.bSimpleLossSlopeSE = slopeSE;
    return {
      metrics,
      verdicts,
      tables: [
        {
          name: 'along-training',
          title: `SGD on task B (B = ${p.trajectoryBatchSize}, η = ${p.trajectoryLearningRate}); L* = ${fmt(Lstar)}`,
          columns: ['start', 'step', 'L − L*', 'tr Σ', '|G|²', 'B_simple', 'SE', 'mean pairwise cosine', 'SE'],
          rows: traj.flatMap((t) => t.rows.map((r) => [t.name, r.step, r.loss - Lstar, r.trSigma, r.gNormSq, r.bSimple, r.bSimpleSE, r.cosine, r.cosineSE])),
        },
        {
          name: 'relatedness',
          title: 'The fine-tuning start against the relatedness of the tasks',
          columns: ['ρ', 'L − L*', 'tr Σ', '|G|²', 'B_simple', 'SE', 'mean pairwise cosine'],
          rows: [...sweep.map((s) => [s.rho, s.start.loss - s.lstar, s.start.trSigma, s.start.gNormSq, s.start.bSimple, s.start.bSimpleSE, s.start.cosine]), ['scratch', s0.loss - Lstar, s0.trSigma, s0.gNormSq, s0.bSimple, s0.bSimpleSE, s0.cosine]],
        },
        {
          name: 'batch-sweep',
          title: `Steps to L = ${fmt(target)} (full loss checked every ${EVAL_EVERY} steps) at the best learning rate 2η₀·2^−j (η₀ = ${fmt(eta0)})`,
          columns: ['start', 'B', 'steps', 'SE', 'best learning rate'],
          rows: res.map((r, i) => [starts[Math.floor(i / Bs.length)].name, r.batchSize, r.steps, r.stepsSE, r.learningRate]),
        },
      ],
      figures: [
        xyFigure({
          name: 'noise-scale-vs-loss-gap',
          title: 'B_simple against the distance to the minimum, L − L*',
          x: { title: 'L − L* (task B)', log: true },
          y: { title: 'B_simple = trΣ/|G|²', log: true },
          points: bPoints,
          lines: boundLine,
        }),
        xyFigure({
          name: 'noise-and-signal-vs-loss-gap',
          title: 'tr Σ (noise) and |G|² (signal) separately, along training',
          x: { title: 'L − L* (task B)', log: true },
          y: { title: 'tr Σ or |G|²', log: true },
          points: tgPoints,
          lines: [
            { x: gLo, y: atMin.trSigma, series: 'trΣ at the minimum' },
            { x: gHi, y: atMin.trSigma, series: 'trΣ at the minimum' },
            { x: gLo, y: 2 * lambdaMax * gLo, series: 'near-minimum bound |G|² ≤ 2λ_max(L − L*)' },
            { x: gHi, y: 2 * lambdaMax * gHi, series: 'near-minimum bound |G|² ≤ 2λ_max(L − L*)' },
          ],
        }),
      ],
      notes: [
        `${model.name} (${model.paramCount} parameters); ${taskA.name} (N = ${taskA.n}, pretrained to L_A = ${fmt(pretrained.finalLoss)}); ${taskB.name} (N = ${taskB.n}).`,
        `At the start: fine-tuning L − L* = ${fmt(f0.loss - Lstar)}, tr Σ = ${fmt(f0.trSigma)}, |G|² = ${fmt(f0.gNormSq)}; scratch L − L* = ${fmt(s0.loss - Lstar)}, tr Σ = ${fmt(s0.trSigma)}, |G|² = ${fmt(s0.gNormSq)}. B_simple is their ratio: read the two separately to see which one moved.`,
        fitS && fitF ? `Critical batch sizes: ${fmt(fitF.bCrit)} fine-tuning, ${fmt(fitS.bCrit)} scratch.` : 'Too few batch sizes reached the target to fit a critical batch size for both starts.',
      ],
    };
  },
});
