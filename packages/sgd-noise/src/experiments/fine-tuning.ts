/**
 * sgd.fine-tuning: pretrain on task A, train on a related task B, and compare with training B
 * from scratch: tr Σ, |G|², B_simple and the per-example gradient agreement at the start and
 * along training, and the critical batch size (with the best learning rate per batch size) from
 * a small sweep of steps to a target.
 */
import { anyNumber, defineExperiment, defineExperimentTask, defineStage, DivergenceError, linearFit, Moments, xyFigure, z, type Stream, type Verdict, type XYLine, type XYPoint } from '@snrlab/core';
import { mlp } from '../nn/models.js';
import type { Sequential } from '../nn/model.js';
import { sgd } from '../train/sgd.js';
import { minimize, topHessianEigenvalue } from '../measure/hessian.js';
import { fitCriticalBatch } from '../measure/noise-scale.js';
import { directionalVerdict } from '@snrlab/core';
import { log10Ratio } from '../studies/claims.js';
import { noiseProfile, relatedTasks } from '../studies/fine-tuning.js';
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

/** The two starts on task B, in this order. */
const START_NAMES = ['scratch', 'fine-tuning'] as const;

const pretrainSchema = z.object({
  modelName: z.string(),
  modelParams: anyNumber(),
  taskA: z.object({ name: z.string(), n: anyNumber() }),
  taskB: z.object({ name: z.string(), n: anyNumber() }),
  /** Loss on task A after pretraining. */
  pretrainLoss: anyNumber(),
});
type Pretrain = z.output<typeof pretrainSchema> & { scratch: number[]; pretrained: number[] };

/** Pretraining on task A and the fresh initialisation: one task on the root stream. */
export const pretrainTask = defineExperimentTask(import.meta.url, 'sgd.fine-tuning/pretrain', (job: { path: []; p: Params }, { stream }): Pretrain => {
  const { p } = job;
  const model = makeModel(p);
  const { taskA, taskB } = tasks(p, p.relatedness, stream.child('tasks'));
  const pretrained = sgd({ model, data: taskA, params: model.init(stream.child('init')), batchSize: Math.min(32, taskA.n), steps: p.pretrainSteps, learningRate: 0.1, stream: stream.child('pretrain') });
  return {
    modelName: model.name,
    modelParams: model.paramCount,
    taskA: { name: taskA.name, n: taskA.n },
    taskB: { name: taskB.name, n: taskB.n },
    pretrainLoss: pretrained.finalLoss,
    scratch: Array.from(model.init(stream.child('scratch'))),
    pretrained: Array.from(pretrained.params),
  };
});

const profile = z.object({
  loss: anyNumber(),
  trSigma: anyNumber(),
  gNormSq: anyNumber(),
  bSimple: anyNumber(),
  cosine: anyNumber(),
  bSimpleSE: anyNumber(),
  cosineSE: anyNumber(),
  trSigmaSE: anyNumber(),
  gNormSqSE: anyNumber(),
});
type Profile = z.output<typeof profile>;
const minimumSchema = z.object({ loss: anyNumber(), lambdaMax: anyNumber(), profile });
const trajectorySchema = z.object({ name: z.enum(START_NAMES), rows: z.array(profile.extend({ step: anyNumber() })) });
const relatednessSchema = z.object({ rho: anyNumber(), lstar: anyNumber(), start: profile });

/** Path []: task B comes from the root stream's 'tasks' child; a trajectory takes trajectory/start/checkpoint. */
type LandscapeJob = { path: []; p: Params; pretrained: number[] } & ({ kind: 'minimum' } | { kind: 'trajectory'; start: number; theta: number[] } | { kind: 'relatedness'; rho: number });
type LandscapePartial =
  | ({ kind: 'minimum' } & z.output<typeof minimumSchema>)
  | ({ kind: 'trajectory' } & z.output<typeof trajectorySchema>)
  | ({ kind: 'relatedness' } & z.output<typeof relatednessSchema>);

/** Task B's minimum (from the pretrained point), the noise along SGD on B from one start, or the fine-tuning start at another relatedness. */
export const landscapeTask = defineExperimentTask(import.meta.url, 'sgd.fine-tuning/landscape', (job: LandscapeJob, { stream }): LandscapePartial => {
  const { p } = job;
  const model = makeModel(p);
  const ds = stream.child('tasks');
  const pretrained = Float64Array.from(job.pretrained);
  if (job.kind === 'relatedness') {
    // the fine-tuning start at another relatedness (same task A, same pretrained network)
    const tb = tasks(p, job.rho, ds).taskB;
    const lstar = minimize(model, pretrained, tb, { steps: 400 }).loss;
    return { kind: 'relatedness', rho: job.rho, lstar, start: noiseProfile(model, pretrained, tb) };
  }
  const { taskB } = tasks(p, p.relatedness, ds);
  if (job.kind === 'minimum') {
    // task B's minimum (from the pretrained point, the closer one), its curvature and noise
    const min = minimize(model, pretrained, taskB, { steps: 1500 });
    return { kind: 'minimum', loss: min.loss, lambdaMax: topHessianEigenvalue(model, min.params, taskB).value, profile: noiseProfile(model, min.params, taskB) };
  }
  // noise along SGD on B from one start
  const marks = checkpoints(p.trajectorySteps);
  let th: Float64Array = Float64Array.from(job.theta);
  const rows: (Profile & { step: number })[] = [];
  let at = 0;
  for (const c of marks) {
    if (c > at) {
      th = sgd({ model, data: taskB, params: th, batchSize: p.trajectoryBatchSize, steps: c - at, learningRate: p.trajectoryLearningRate, stream: stream.child('trajectory').child(job.start).child(c) }).params;
      at = c;
    }
    rows.push({ step: c, ...noiseProfile(model, th, taskB) });
  }
  return { kind: 'trajectory', name: START_NAMES[job.start], rows };
});

const sweepResult = z.object({ batchSize: anyNumber(), steps: anyNumber(), stepsSE: anyNumber(), learningRate: anyNumber() });
type SweepResult = z.output<typeof sweepResult>;

/** Path []: task B comes from the root stream's 'tasks' child, the runs from sweep/start/B. */
interface SweepJob {
  path: [];
  p: Params;
  /** Index into START_NAMES, and its parameters. */
  startIndex: number;
  start: number[];
  batchSize: number;
  eta0: number;
  target: number;
}

/** Steps to the target at one batch size: the best learning rate of the grid (mean over replicas). */
export const sweepTask = defineExperimentTask(import.meta.url, 'sgd.fine-tuning/steps-to-target', (job: SweepJob, { stream }): SweepResult => {
  const { p } = job;
  const { taskB } = tasks(p, p.relatedness, stream.child('tasks'));
  const model = makeModel(p);
  const root = stream.child('sweep').child(job.startIndex).child(job.batchSize);
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

const criticalBatch = z.object({
  sMin: anyNumber(),
  sMinSE: anyNumber(),
  bCrit: anyNumber(),
  bCritSE: anyNumber(),
  eMin: anyNumber(),
  eMinSE: anyNumber(),
  bCritFromE: anyNumber(),
  bCritFromESE: anyNumber(),
  chi2Reduced: anyNumber(),
});
const measurements = pretrainSchema.extend({
  /** Task B's minimum: L*, λ_max and the noise there. */
  minimum: minimumSchema,
  /** Along SGD on task B from each start (scratch, fine-tuning). */
  trajectories: z.array(trajectorySchema),
  /** The fine-tuning start against the relatedness of the tasks, by increasing ρ. */
  relatedness: z.array(relatednessSchema),
  targetLoss: anyNumber(),
  eta0: anyNumber(),
  /** Steps to the target per start and batch size (scratch first; Infinity where no learning rate reached it). */
  batchSweep: z.array(sweepResult.extend({ start: z.enum(START_NAMES) })),
  /** S = S_min(1 + B_crit/B) per start; null with fewer than 3 batch sizes that reached the target. */
  criticalBatch: z.object({ scratch: criticalBatch.nullable(), fineTuning: criticalBatch.nullable() }),
  /** Log–log slope of B_simple against L − L* pooled over the tracked runs; null with fewer than 3 checkpoints. */
  lossGapSlope: z.object({ slope: anyNumber(), slopeSE: anyNumber() }).nullable(),
});
export type FineTuningMeasurements = z.output<typeof measurements>;

/** Checkpoints of the tracked runs above the minimum with a positive noise scale (the slope's points). */
const pooledRows = (m: Pick<FineTuningMeasurements, 'trajectories' | 'minimum'>) => m.trajectories.flatMap((t) => t.rows.filter((r) => r.loss - m.minimum.loss > 0 && r.bSimple > 0));

export const fineTuningExperiment = defineExperiment({
  id: 'sgd.fine-tuning',
  domain: 'sgd',
  title: 'Fine-tuning and the gradient noise scale',
  claim: 'Fine-tuning starts where per-example gradients agree more, so the noise scale is smaller and smaller batches work best.',
  description:
    'Tasks A and B share a tanh teacher\'s hidden features and differ in the readout (cosine ρ). A student MLP is pretrained on A and then trained on B (fine-tuning), against the same MLP trained on B from a fresh initialisation (scratch). At both starts and along SGD on B: the loss gap L − L*, tr Σ and |G|² (reported separately), B_simple = trΣ/|G|² and the mean pairwise cosine of the per-example gradients, with jackknife SEs over examples. A small sweep (batch sizes × learning rates 2η₀·2^−j, η₀ = 1/λ_max at B\'s minimum) gives the steps to a common target loss from each start; S = S_min(1 + B_crit/B) is fitted for the critical batch size (McCandlish et al. 2018). Near a minimum |G|² ≤ 2λ_max(L − L*) while tr Σ tends to tr Σ(θ*), so B_simple ≥ trΣ*/(2λ_max(L − L*)) grows as the loss falls: a start closer to the minimum has the larger noise scale.',
  params,
  measurements,
  live: false,
  validate(p) {
    checkBatchSizes(p.batchSizes, p.datasetSize);
    checkBatchSizes([p.trajectoryBatchSize], p.datasetSize, 'trajectoryBatchSize');
  },
  stages: [
    defineStage({ name: 'pretrain', plan: (p: Params) => [{ path: [] as [], p }], task: pretrainTask, reduce: ([r]) => r }),
    defineStage({
      name: 'landscape',
      plan(p: Params, prior): LandscapeJob[] {
        const { scratch, pretrained } = prior.pretrain as Pretrain;
        return [
          { path: [], p, pretrained, kind: 'minimum' },
          ...[scratch, pretrained].map((theta, start): LandscapeJob => ({ path: [], p, pretrained, kind: 'trajectory', start, theta })),
          ...[...p.relatednessSweep].sort((a, b) => a - b).map((rho): LandscapeJob => ({ path: [], p, pretrained, kind: 'relatedness', rho })),
        ];
      },
      task: landscapeTask,
      reduce: (parts) => ({
        minimum: parts.find((x) => x.kind === 'minimum') as Extract<LandscapePartial, { kind: 'minimum' }>,
        trajectories: parts.flatMap((x) => (x.kind === 'trajectory' ? [{ name: x.name, rows: x.rows }] : [])),
        relatedness: parts.flatMap((x) => (x.kind === 'relatedness' ? [{ rho: x.rho, lstar: x.lstar, start: x.start }] : [])),
      }),
    }),
    defineStage({
      name: 'sweep',
      plan(p: Params, prior): SweepJob[] {
        const { scratch, pretrained } = prior.pretrain as Pretrain;
        const { minimum, trajectories } = prior.landscape as Pick<FineTuningMeasurements, 'minimum' | 'trajectories'>;
        // steps to a common target, from each start, over batch sizes and learning rates
        const target = minimum.loss + p.targetFraction * (trajectories[1].rows[0].loss - minimum.loss);
        const eta0 = 1 / minimum.lambdaMax;
        const Bs = [...p.batchSizes].sort((a, b) => a - b);
        return [scratch, pretrained].flatMap((start, startIndex) => Bs.map((batchSize): SweepJob => ({ path: [], p, startIndex, start, batchSize, eta0, target })));
      },
      task: sweepTask,
      reduce(res, _p: Params, prior, { jobs }): FineTuningMeasurements {
        const { scratch: _s, pretrained: _p2, ...pretrain } = prior.pretrain as Pretrain;
        const landscape = prior.landscape as Pick<FineTuningMeasurements, 'minimum' | 'trajectories' | 'relatedness'>;
        const fits = START_NAMES.map((_, si) => {
          const ok = res.filter((r, i) => jobs[i].startIndex === si && Number.isFinite(r.steps));
          if (ok.length < 3) return null;
          try {
            return fitCriticalBatch(ok.map((r) => ({ batchSize: r.batchSize, steps: r.steps, stepsSE: Math.max(EVAL_EVERY / 2, r.stepsSE) })));
          } catch {
            return null;
          }
        });
        // McCandlish's mechanism along the tracked runs: B_simple against the loss gap
        const pooled = pooledRows(landscape);
        const lx = pooled.map((r) => Math.log(r.loss - landscape.minimum.loss));
        const ly = pooled.map((r) => Math.log(r.bSimple));
        const fitGap = lx.length >= 3 ? linearFit(lx, ly) : null;
        return {
          ...pretrain,
          ...landscape,
          targetLoss: jobs[0].target,
          eta0: jobs[0].eta0,
          batchSweep: res.map((r, i) => ({ start: START_NAMES[jobs[i].startIndex], ...r })),
          criticalBatch: { scratch: fits[0], fineTuning: fits[1] },
          lossGapSlope: fitGap ? { slope: fitGap.slope, slopeSE: fitGap.slopeSE } : null,
        };
      },
    }),
  ],
  metrics(m) {
    const Lstar = m.minimum.loss;
    const [s0, f0] = m.trajectories.map((t) => t.rows[0]);
    const { scratch: fitS, fineTuning: fitF } = m.criticalBatch;
    const metrics: Record<string, number> = {
      minimumLoss: Lstar,
      lambdaMaxAtMinimum: m.minimum.lambdaMax,
      trSigmaAtMinimum: m.minimum.profile.trSigma,
      targetLoss: m.targetLoss,
      eta0: m.eta0,
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
    for (const r of m.batchSweep) {
      const tag = r.start === 'scratch' ? 'scratch' : 'fineTuning';
      metrics[`${tag}.stepsToTarget.B${r.batchSize}`] = r.steps;
      metrics[`${tag}.bestLearningRate.B${r.batchSize}`] = r.learningRate;
    }
    metrics.bSimpleLossSlope = m.lossGapSlope ? m.lossGapSlope.slope : NaN;
    metrics.bSimpleLossSlopeSE = m.lossGapSlope ? m.lossGapSlope.slopeSE : NaN;
    return metrics;
  },
  judge(m, p) {
    const Lstar = m.minimum.loss;
    const atMin = m.minimum.profile;
    const [s0, f0] = m.trajectories.map((t) => t.rows[0]);
    const { scratch: fitS, fineTuning: fitF } = m.criticalBatch;
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
          note: `Critical batch size from S = S_min(1 + B_crit/B) fitted to the steps to L = ${fmt(m.targetLoss)} at the best of ${p.learningRates} learning rates per B: ${fmt(fitF.bCrit)} ± ${fmt(fitF.bCritSE, 2)} fine-tuning, ${fmt(fitS.bCrit)} ± ${fmt(fitS.bCritSE, 2)} scratch (S_min ${fmt(fitF.sMin)} and ${fmt(fitS.sMin)}).`,
        }),
      );
    }
    if (m.lossGapSlope) {
      verdicts.push(
        directionalVerdict({
          claim: 'McCandlish et al.: the noise scale grows as the loss falls (log–log slope of B_simple against L − L* along training < 0)',
          measured: m.lossGapSlope.slope,
          se: m.lossGapSlope.slopeSE,
          direction: 'below',
          note: `Pooled over both tracked runs (${pooledRows(m).length} checkpoints; least-squares SE, checkpoints along one run are correlated). Near the minimum B_simple ≥ trΣ*/(2λ_max(L − L*)) with trΣ* = ${fmt(atMin.trSigma)}, λ_max = ${fmt(m.minimum.lambdaMax)}: slope −1.`,
        }),
      );
    }
    return verdicts;
  },
  present(m, p) {
    const Lstar = m.minimum.loss;
    const lambdaMax = m.minimum.lambdaMax;
    const atMin = m.minimum.profile;
    const traj = m.trajectories;
    const sweep = m.relatedness;
    const [s0, f0] = traj.map((t) => t.rows[0]);
    const { scratch: fitS, fineTuning: fitF } = m.criticalBatch;
    const pooled = pooledRows(m);
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
    return {
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
          title: `Steps to L = ${fmt(m.targetLoss)} (full loss checked every ${EVAL_EVERY} steps) at the best learning rate 2η₀·2^−j (η₀ = ${fmt(m.eta0)})`,
          columns: ['start', 'B', 'steps', 'SE', 'best learning rate'],
          rows: m.batchSweep.map((r) => [r.start, r.batchSize, r.steps, r.stepsSE, r.learningRate]),
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
        `${m.modelName} (${m.modelParams} parameters); ${m.taskA.name} (N = ${m.taskA.n}, pretrained to L_A = ${fmt(m.pretrainLoss)}); ${m.taskB.name} (N = ${m.taskB.n}).`,
        `At the start: fine-tuning L − L* = ${fmt(f0.loss - Lstar)}, tr Σ = ${fmt(f0.trSigma)}, |G|² = ${fmt(f0.gNormSq)}; scratch L − L* = ${fmt(s0.loss - Lstar)}, tr Σ = ${fmt(s0.trSigma)}, |G|² = ${fmt(s0.gNormSq)}. B_simple is their ratio: read the two separately to see which one moved.`,
        fitS && fitF ? `Critical batch sizes: ${fmt(fitF.bCrit)} fine-tuning, ${fmt(fitS.bCrit)} scratch.` : 'Too few batch sizes reached the target to fit a critical batch size for both starts.',
      ],
    };
  },
});
