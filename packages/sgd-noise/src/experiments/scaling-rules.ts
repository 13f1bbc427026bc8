/**
 * sgd.scaling-rules: scaling the learning rate linearly with the batch keeps the temperature
 * T = ησ²/(2B) constant; scaling it with √B keeps the per-step update noise η²σ²/B constant.
 */
import { anyNumber, defineExperiment, defineExperimentTask, loglogSlope, Moments, validateBudgets, verdict, xyFigure, z, type MomentsJSON } from '@snrlab/core';
import { scaledLearningRate, stationaryVarianceDiscrete, type ScalingRule } from '../measure/temperature.js';
import { fmt } from './common.js';

const params = z.object({
  baseLearningRate: z.number().gt(0).max(10).default(0.005).describe('η₀ at the base batch size'),
  baseBatch: z.int().min(1).max(1_000_000).default(1).meta({ unit: 'examples' }).describe('B₀, where η = η₀'),
  batchSizes: z.array(z.int().min(1).max(1_000_000)).min(3).default([1, 2, 4, 8, 16, 32, 64]).meta({ unit: 'examples' }).describe('batch sizes B of the sweep'),
  curvature: z.number().gt(0).max(1e6).default(1).describe('h of the quadratic L = h·x²/2'),
  sigma2: z.number().gt(0).max(1e12).default(1).describe('σ², the per-example gradient noise variance'),
  replicas: z.int().min(100).max(10_000_000).default(3000).describe('independent SGD chains per (rule, B)'),
});

const rules: ScalingRule[] = ['linear', 'sqrt'];

interface Job {
  path: [ScalingRule, number];
  eta: number;
  B: number;
  curvature: number;
  sigma2: number;
  replicas: number;
}

/** Chains at one (rule, B): the stationary x, its loss, and the update of one more step. */
export const chainsTask = defineExperimentTask(import.meta.url, 'sgd.scaling-rules/chains', (job: Job, { stream }) => {
  const { eta, B, curvature: h } = job;
  const rho = Math.abs(1 - eta * h);
  const steps = Math.max(2, Math.ceil(Math.log(1e-6) / (2 * Math.log(rho))));
  const sdB = Math.sqrt(job.sigma2 / B);
  const varX = new Moments();
  const loss = new Moments();
  const update = new Moments();
  for (let r = 0; r < job.replicas; r++) {
    const s = stream.child(r);
    let x = 0;
    for (let k = 0; k < steps; k++) x -= eta * (h * x + sdB * s.normal());
    // one more step in stationarity: the update it makes
    const dx = -eta * (h * x + sdB * s.normal());
    varX.push(x);
    loss.push(0.5 * h * x * x);
    update.push(dx);
  }
  return { rule: job.path[0], B, eta, varX: varX.toJSON(), loss: loss.toJSON(), update: update.toJSON() };
});

type Partial = { rule: ScalingRule; B: number; eta: number; varX: MomentsJSON; loss: MomentsJSON; update: MomentsJSON };

const spread = z.object({ variance: anyNumber(), varianceSE: anyNumber() });
const slope = z.object({ slope: anyNumber(), slopeSE: anyNumber() });
const measurements = z.object({
  points: z.array(z.object({ rule: z.enum(['linear', 'sqrt']), B: z.number(), eta: z.number(), varX: spread, loss: spread, update: spread })),
  fits: z.object({ linearVar: slope, linearLoss: slope, linearUpdate: slope, sqrtVar: slope, sqrtLoss: slope, sqrtUpdate: slope }),
  /** Exponents of the exact discrete-time law over the sweep, fitted with the measured fits' weights. */
  theoryExponents: z.object({ linearVar: anyNumber(), linearUpdate: anyNumber(), sqrtVar: anyNumber(), sqrtUpdate: anyNumber() }),
  maxEtaH: anyNumber(),
});
type Point = z.output<typeof measurements>['points'][number];

/** Discrete-time theory: Var x = ησ²/(Bh(2 − ηh)); Var Δx = η²(h²Var x + σ²/B) = (η²σ²/B)·2/(2 − ηh). */
function theory(eta: number, sigma2: number, B: number, h: number) {
  const vx = stationaryVarianceDiscrete(eta, sigma2, B, h);
  return { varX: vx, loss: 0.5 * h * h * vx * vx, update: eta * eta * (h * h * vx + sigma2 / B) };
}

export const scalingRulesExperiment = defineExperiment({
  id: 'sgd.scaling-rules',
  domain: 'sgd',
  title: 'Linear and square-root learning-rate scaling',
  claim: 'Scaling η ∝ B keeps the temperature T = ησ²/(2B) (the stationary spread) constant; η ∝ √B keeps the per-step update noise η²σ²/B constant.',
  description:
    'SGD on L = h·x²/2 with per-example noise of variance σ², for each batch size B of the sweep, with η = η₀·B/B₀ (linear rule) and η = η₀·√(B/B₀) (square-root rule). Each chain starts at 0 and runs until the start is forgotten; over the chains we measure the stationary Var x (∝ T), the variance of the loss (∝ T²) and the per-step update variance Var(x_{k+1} − x_k). Exponents against B are log–log slopes. The exact discrete-time law adds a factor 2/(2 − ηh) to both; the measured exponents are judged against the exponents of that exact law over the sweep (the SDE exponents 0, 1, −0.5 are its ηh → 0 limit, reported beside them).',
  params,
  measurements,
  validate(p) {
    validateBudgets(p.batchSizes);
    // refuses ηh ≥ 2, naming the learning rate
    for (const rule of rules) for (const B of p.batchSizes) stationaryVarianceDiscrete(scaledLearningRate(rule, p.baseLearningRate, B, p.baseBatch), p.sigma2, B, p.curvature);
  },
  plan: (p) => rules.flatMap((rule) => p.batchSizes.map((B): Job => ({ path: [rule, B], eta: scaledLearningRate(rule, p.baseLearningRate, B, p.baseBatch), B, curvature: p.curvature, sigma2: p.sigma2, replicas: p.replicas }))),
  task: chainsTask,
  reduce(partials: Partial[], p) {
    const h = p.curvature;
    const spreadOf = (j: MomentsJSON) => {
      const m = Moments.fromJSON(j);
      return { variance: m.variance, varianceSE: m.varianceSE };
    };
    const pts: Point[] = partials.map((q) => ({ rule: q.rule, B: q.B, eta: q.eta, varX: spreadOf(q.varX), loss: spreadOf(q.loss), update: spreadOf(q.update) }));
    const fitOf = (rule: ScalingRule, key: 'varX' | 'loss' | 'update') => {
      const q = pts.filter((x) => x.rule === rule);
      const { slope, slopeSE } = loglogSlope(
        q.map((x) => x.B),
        q.map((x) => x[key].variance),
        q.map((x) => x[key].varianceSE),
      );
      return { slope, slopeSE };
    };
    // the exact discrete law's exponent, fitted with the same (relative) weights as the measured
    // slope, so that it is what the measured slope estimates
    const theoryFit = (rule: ScalingRule, key: 'varX' | 'loss' | 'update') => {
      const q = pts.filter((x) => x.rule === rule);
      const t = q.map((x) => theory(x.eta, p.sigma2, x.B, h)[key]);
      return loglogSlope(
        q.map((x) => x.B),
        t,
        q.map((x, i) => (x[key].varianceSE / x[key].variance) * t[i]),
      ).slope;
    };
    return {
      points: pts,
      fits: {
        linearVar: fitOf('linear', 'varX'),
        linearLoss: fitOf('linear', 'loss'),
        linearUpdate: fitOf('linear', 'update'),
        sqrtVar: fitOf('sqrt', 'varX'),
        sqrtLoss: fitOf('sqrt', 'loss'),
        sqrtUpdate: fitOf('sqrt', 'update'),
      },
      theoryExponents: {
        linearVar: theoryFit('linear', 'varX'),
        linearUpdate: theoryFit('linear', 'update'),
        sqrtVar: theoryFit('sqrt', 'varX'),
        sqrtUpdate: theoryFit('sqrt', 'update'),
      },
      maxEtaH: Math.max(...pts.map((q) => q.eta)) * h,
    };
  },
  metrics: ({ fits: f, maxEtaH }) => ({
    varianceExponentLinear: f.linearVar.slope,
    varianceExponentLinearSE: f.linearVar.slopeSE,
    lossVarianceExponentLinear: f.linearLoss.slope,
    lossVarianceExponentLinearSE: f.linearLoss.slopeSE,
    updateVarianceExponentLinear: f.linearUpdate.slope,
    updateVarianceExponentLinearSE: f.linearUpdate.slopeSE,
    varianceExponentSqrt: f.sqrtVar.slope,
    varianceExponentSqrtSE: f.sqrtVar.slopeSE,
    lossVarianceExponentSqrt: f.sqrtLoss.slope,
    lossVarianceExponentSqrtSE: f.sqrtLoss.slopeSE,
    updateVarianceExponentSqrt: f.sqrtUpdate.slope,
    updateVarianceExponentSqrtSE: f.sqrtUpdate.slopeSE,
    maxEtaH,
  }),
  judge({ fits: f, theoryExponents: th, maxEtaH }) {
    const note = (sde: number, discrete: number, measured: number, se: number) =>
      `Theory: the exponent of the exact discrete law (Var x = ησ²/(Bh(2 − ηh)), Var Δx = (η²σ²/B)·2/(2 − ηh)) over this sweep (ηh up to ${fmt(maxEtaH)}), ${fmt(discrete, 4)}, fitted with the measured slope's weights; the SDE (ηh → 0) exponent is ${sde}, ${fmt(Math.abs(discrete - sde), 2)} away (${fmt(Math.abs(discrete - sde) / se, 2)} SE of this slope), and it ${Math.abs(measured - sde) <= 1.96 * se ? 'is still inside the 95% interval' : 'is outside the 95% interval'}.`;
    return [
      verdict({
        claim: 'Linear rule (η ∝ B): the stationary variance ∝ T stays constant (exponent of the exact discrete law; 0 in the SDE limit)',
        theory: th.linearVar,
        measured: f.linearVar.slope,
        se: f.linearVar.slopeSE,
        note: note(0, th.linearVar, f.linearVar.slope, f.linearVar.slopeSE),
      }),
      verdict({
        claim: 'Square-root rule (η ∝ √B): the per-step update variance η²σ²/B stays constant (exponent of the exact discrete law; 0 in the SDE limit)',
        theory: th.sqrtUpdate,
        measured: f.sqrtUpdate.slope,
        se: f.sqrtUpdate.slopeSE,
        note: note(0, th.sqrtUpdate, f.sqrtUpdate.slope, f.sqrtUpdate.slopeSE),
      }),
      verdict({
        claim: 'Linear rule: the per-step update variance grows ∝ B (exponent of the exact discrete law; 1 in the SDE limit)',
        theory: th.linearUpdate,
        measured: f.linearUpdate.slope,
        se: f.linearUpdate.slopeSE,
        note: note(1, th.linearUpdate, f.linearUpdate.slope, f.linearUpdate.slopeSE),
      }),
      verdict({
        claim: 'Square-root rule: the temperature falls ∝ B^-1/2 (exponent of the exact discrete law; −0.5 in the SDE limit)',
        theory: th.sqrtVar,
        measured: f.sqrtVar.slope,
        se: f.sqrtVar.slopeSE,
        note: note(-0.5, th.sqrtVar, f.sqrtVar.slope, f.sqrtVar.slopeSE),
      }),
    ];
  },
  present(m, p) {
    const h = p.curvature;
    const pts = m.points;
    const pointsFig = (key: 'varX' | 'update') =>
      pts.map((q) => {
        const v = q[key].variance;
        return { x: q.B, y: v, lo: v - 1.96 * q[key].varianceSE, hi: v + 1.96 * q[key].varianceSE, series: `${q.rule} rule` };
      });
    const linesFig = (key: 'varX' | 'update') =>
      rules.flatMap((rule) => p.batchSizes.map((B) => ({ x: B, y: theory(scaledLearningRate(rule, p.baseLearningRate, B, p.baseBatch), p.sigma2, B, h)[key], series: `${rule} (discrete theory)` })));
    return {
      tables: [
        {
          name: 'sweep',
          title: 'Stationary statistics per rule and batch size',
          columns: ['rule', 'B', 'η', 'Var x', 'SE', 'theory', 'Var L', 'Var Δx', 'SE', 'theory'],
          rows: pts.map((q) => {
            const t = theory(q.eta, p.sigma2, q.B, h);
            return [q.rule, q.B, q.eta, q.varX.variance, q.varX.varianceSE, t.varX, q.loss.variance, q.update.variance, q.update.varianceSE, t.update];
          }),
        },
      ],
      figures: [
        xyFigure({ name: 'stationary-variance', title: 'Stationary variance (∝ T) under each rule', x: { title: 'batch size B', log: true }, y: { title: 'Var x', log: true }, points: pointsFig('varX'), lines: linesFig('varX') }),
        xyFigure({ name: 'update-variance', title: 'Per-step update variance under each rule', x: { title: 'batch size B', log: true }, y: { title: 'Var(x_{k+1} − x_k)', log: true }, points: pointsFig('update'), lines: linesFig('update') }),
      ],
      notes: [
        'The linear rule preserves where SGD settles (its temperature) but each step moves √B times more; the square-root rule preserves the step-to-step jitter but cools SGD as B grows.',
        'Both hold only while ηh ≪ 2: the linear rule eventually pushes η past the stability limit, which is why it fails at very large batches.',
      ],
    };
  },
});
