/**
 * gan.bilinear: gradient play on f = xᵀAy (or ½xᵀPx + xᵀAy − ½yᵀQy) — the growth factor per step
 * of each method against the spectral radius of its linear map, and the E[r²] trajectories under
 * Gaussian gradient noise against the exact laws.
 */
import { anyNumber, defineExperiment, familyInterval, defineExperimentTask, ParameterError, verdict, xyFigure, z, type Verdict, type XYLine, type XYPoint } from '@snrlab/core';
import { fitGrowthFactor, growthBoundTotal, growthFactorVerdict, normInf, roundingBound } from '../analysis.js';
import { phasePortrait, thinIndices } from '../figures.js';
import { isBilinear, matrixRows, quadraticBilinearGame } from '../games.js';
import { checkGameSpec, gameSpecSchema, GameShapeError } from '../game-file.js';
import { DEFAULT_MOMENTUM, METHOD_TITLES, METHODS, noiseBlocks, Stepper, type MethodName, type MethodOptions } from '../methods.js';
import { InjectedNoiseOracle, runGameEnsemble, trajectory } from '../run.js';
import { tensorBackend } from './backend.js';
import {
  alternatingInvariant,
  expectedSquaredRadius,
  extragradientGrowth,
  growthFactorTheory,
  linearUpdate,
  optimisticGrowth,
  proximalGrowth,
  quadraticForm,
  simultaneousGrowth,
} from '../theory.js';

const params = z.object({
  nx: z.int().min(1).max(20).default(1).describe('dimension of the minimising player x'),
  ny: z.int().min(1).max(20).default(1).describe('dimension of the maximising player y'),
  A: z.array(z.number()).min(1).default([1]).describe('coupling matrix A (nx×ny, row-major): f = xᵀAy'),
  P: z.array(z.number()).default([]).describe('optional nx×nx matrix P of the term ½xᵀPx (empty: 0)'),
  Q: z.array(z.number()).default([]).describe('optional ny×ny matrix Q of the term −½yᵀQy (empty: 0)'),
  game: gameSpecSchema.optional().describe('your own game (the CLI reads it from --game file.json); replaces nx, ny, A, P and Q'),
  methods: z.array(z.enum(METHODS)).min(1).default([...METHODS]).describe('methods to run'),
  learningRateX: z.number().gt(0).max(10).default(0.1).describe('step size ηₓ of the minimising player'),
  learningRateY: z.number().gt(0).max(10).default(0.1).describe('step size ηᵧ of the maximising player'),
  momentum: z.number().gt(-1).lt(1).default(DEFAULT_MOMENTUM).describe('β of negative momentum (Gidel et al. 2019)'),
  initialRadius: z.number().gt(0).max(1e6).default(1).describe('r₀ = |z₀|; z₀ points along (1, …, 1)'),
  steps: z.int().min(20).max(100_000).default(600).describe('iterations'),
  sigma: z.number().min(0).max(1e3).default(0.1).describe('sd σ of the Gaussian gradient noise per component'),
  particles: z.int().min(10).max(1_000_000).default(2000).describe('noisy trajectories per method'),
});

export type BilinearParams = z.output<typeof params>;

/** The matrices of a run, flat and row-major: from the `game` parameter when given, else nx, ny, A, P, Q. */
export function bilinearMatrices(p: Pick<BilinearParams, 'nx' | 'ny' | 'A' | 'P' | 'Q' | 'game'>): { nx: number; ny: number; A: number[]; P: number[]; Q: number[]; label?: string } {
  const g = p.game;
  if (!g) return { nx: p.nx, ny: p.ny, A: p.A, P: p.P, Q: p.Q };
  let shape: { nx: number; ny: number };
  try {
    shape = checkGameSpec(g);
  } catch (e) {
    if (e instanceof GameShapeError) throw new ParameterError(`game.${e.field}`, 'the given matrix', e.problem);
    throw e;
  }
  return { nx: shape.nx, ny: shape.ny, A: g.A.flat(), P: g.P ? g.P.flat() : [], Q: g.Q ? g.Q.flat() : [], ...(g.label ? { label: g.label } : {}) };
}

/** The game and start of a gan.bilinear run. */
export function bilinearSetup(p: Pick<BilinearParams, 'nx' | 'ny' | 'A' | 'P' | 'Q' | 'initialRadius' | 'game'>) {
  const g = bilinearMatrices(p);
  const A = matrixRows('A', g.A, g.nx, g.ny);
  const P = g.P.length ? matrixRows('P', g.P, g.nx, g.nx) : null;
  const Q = g.Q.length ? matrixRows('Q', g.Q, g.ny, g.ny) : null;
  const game = quadraticBilinearGame(A, P, Q);
  const d = game.dim;
  const z0 = new Float64Array(d).fill(p.initialRadius / Math.sqrt(d));
  return { game, z0, nx: g.nx, ny: g.ny, A: g.A, label: g.label };
}

/** Closed forms of the issue for f = a·xy with one step η (null where none applies). */
function closedFormGrowth(method: MethodName, eta: number): number | null {
  switch (method) {
    case 'simultaneous':
      return simultaneousGrowth(eta);
    case 'alternating':
      return eta < 2 ? 1 : null;
    case 'extragradient':
      return extragradientGrowth(eta);
    case 'optimistic':
      return optimisticGrowth(eta);
    case 'proximal':
      return proximalGrowth(eta);
    default:
      return null;
  }
}

const optsOf = (p: BilinearParams, method: MethodName): MethodOptions => ({ method, learningRateX: p.learningRateX, learningRateY: p.learningRateY, momentum: p.momentum });

interface Job {
  /** The root stream: a method draws from its children ensemble/<method> and portrait/<method>. */
  path: [];
  params: BilinearParams;
  method: MethodName;
}

/** One method: noiseless growth factor, noisy ensemble against the exact E r², a noisy portrait. */
export const methodTask = defineExperimentTask(import.meta.url, 'gan.bilinear/method', async (job: Job, ctx) => {
  const p = job.params;
  const method = job.method;
  const { game, z0, nx, ny, A: flatA } = bilinearSetup(p);
  const d = game.dim;
  const backend = await tensorBackend(ctx.backend, ctx.usedBackend);
  const bilinear = isBilinear(game);
  const scalar = nx === 1 && ny === 1 && bilinear && p.learningRateX === p.learningRateY;
  const W = bilinear ? alternatingInvariant(game, p.learningRateX, p.learningRateY) : null;
  const pathEvery = Math.max(1, Math.floor(p.steps / 300));
  const opts = optsOf(p, method);
  // noiseless: growth factor
  const clean = trajectory({ ...opts, game, z0, steps: p.steps, pathEvery });
  const fit = fitGrowthFactor(clean.radius, Math.floor(p.steps / 2));
  const theory = growthFactorTheory(game, opts);
  const lu = linearUpdate(game, opts);
  const rounding = roundingBound(theory, normInf(lu.T, lu.size), lu.size);
  const closed = scalar ? closedFormGrowth(method, p.learningRateX * Math.abs(flatA[0])) : null;
  // noisy ensemble: E r² against the exact recursion
  const withQ = !!W && method === 'alternating';
  const ens = runGameEnsemble({
    ...opts,
    game,
    z0,
    steps: p.steps,
    particles: p.particles,
    noise: { kind: 'gaussian', sigma: p.sigma },
    stream: ctx.stream.child('ensemble').child(method),
    backend,
    recordEvery: Math.max(1, Math.floor(p.steps / 30)),
    observables: withQ ? [{ name: 'Q', fn: (zz, off) => quadraticForm(W, zz, d, off) }] : [],
  });
  const exact = expectedSquaredRadius(game, opts, z0, p.sigma, p.steps, withQ ? W : undefined);
  const last = ens.r2[ens.r2.length - 1];
  let quadratic: { mean: number; sem: number; theory: number; perStep: number } | null = null;
  if (withQ && exact.quadratic) {
    const q = ens.observed.Q[ens.observed.Q.length - 1];
    quadratic = { mean: q.mean, sem: q.sem, theory: exact.quadratic[p.steps], perStep: exact.quadratic[1] - exact.quadratic[0] };
  }
  const noisy = trajectory({ ...opts, game, z0, steps: p.steps, pathEvery, noise: { kind: 'gaussian', sigma: p.sigma }, stream: ctx.stream.child('portrait').child(method) });
  return {
    method,
    growthFactorTheory: theory,
    growthFactorMeasured: fit.factor,
    growthFactorSE: fit.se,
    oscillationBound: fit.oscillationBound,
    roundingBound: rounding,
    fitFrom: fit.from,
    fitTo: fit.to,
    growthFactorClosedForm: closed,
    meanR2Final: last.mean,
    meanR2FinalSE: last.sem,
    meanR2Theory: exact.r2[p.steps],
    quadratic,
    r2: ens.steps.map((k, i) => ({ step: k, mean: ens.r2[i].mean, sem: ens.r2[i].sem })),
    r2Theory: thinIndices(p.steps + 1, 80).map((k) => ({ step: k, value: exact.r2[k] })),
    cleanPath: Array.from(clean.path),
    noisyPath: Array.from(noisy.path),
  };
});

const methodResult = z.object({
  method: z.enum(METHODS),
  growthFactorTheory: anyNumber(),
  growthFactorMeasured: anyNumber(),
  growthFactorSE: anyNumber(),
  oscillationBound: anyNumber(),
  /** Rounding bound on |fitted factor − ρ(T)| (see `roundingBound`). */
  roundingBound: anyNumber(),
  fitFrom: z.number(),
  fitTo: z.number(),
  growthFactorClosedForm: anyNumber().nullable(),
  meanR2Final: anyNumber(),
  meanR2FinalSE: anyNumber(),
  meanR2Theory: anyNumber(),
  /** E Q of alternating GDA on a bilinear game (Q conserved without noise). */
  quadratic: z.object({ mean: anyNumber(), sem: anyNumber(), theory: anyNumber(), perStep: anyNumber() }).nullable(),
  r2: z.array(z.object({ step: z.number(), mean: anyNumber(), sem: anyNumber() })),
  r2Theory: z.array(z.object({ step: z.number(), value: anyNumber() })),
  cleanPath: z.array(anyNumber()),
  noisyPath: z.array(anyNumber()),
});

const measurements = z.object({
  game: z.string(),
  /** Noisy verdicts of the run that form one family (E r² per method, and E Q). */
  family: z.int(),
  methods: z.array(methodResult),
});

export type BilinearMeasurements = z.output<typeof measurements>;

export const bilinearExperiment = defineExperiment({
  id: 'gan.bilinear',
  domain: 'gan',
  title: 'Gradient play on a bilinear game: cycling, spiralling out, converging',
  claim: 'On f = xy, simultaneous GDA spirals out by √(1+η²) per step, alternating GDA cycles (conserving x² + y² − ηxy), extragradient, optimistic GDA, proximal point and negative momentum converge; gradient noise adds the exact E[r²] laws.',
  description:
    'Each method runs once without noise (growth factor per step fitted as the slope of log r over the second half of the run, against the spectral radius of the method’s linear map) and as an ensemble with Gaussian gradient noise of sd σ per component (E r² at every step against the exact mean–covariance recursion). Noise enters the gradient, so an iterate moves by η·σ·ξ. For a single coupling A = [a] with equal learning rates the closed forms of the issue are reported alongside.',
  params,
  measurements,
  validate(p) {
    if (p.game) {
      const defaults = params.parse({});
      for (const k of ['nx', 'ny', 'A', 'P', 'Q'] as const) {
        if (JSON.stringify(p[k]) !== JSON.stringify(defaults[k])) throw new ParameterError(k, p[k], `its default when a game is given (--game sets nx, ny, A, P and Q from the file)`);
      }
    }
    const { game } = bilinearSetup(p);
    // the method options and the proximal step's solvability, before any task runs
    for (const method of p.methods) new Stepper(new InjectedNoiseOracle(game, noiseBlocks(method)), optsOf(p, method));
  },
  plan: (p) => p.methods.map((method): Job => ({ path: [], params: p, method })),
  task: methodTask,
  reduce(partials, p) {
    const { game, label } = bilinearSetup(p);
    const W = isBilinear(game);
    return { game: label ? `${label}: ${game.name}` : game.name, family: p.methods.length + (W && p.methods.includes('alternating') ? 1 : 0), methods: partials };
  },
  metrics(m) {
    const out: Record<string, number> = {};
    for (const r of m.methods) {
      out[`${r.method}.growthFactorMeasured`] = r.growthFactorMeasured;
      out[`${r.method}.growthFactorSE`] = r.growthFactorSE;
      out[`${r.method}.growthFactorTheory`] = r.growthFactorTheory;
      out[`${r.method}.growthFactorBound`] = growthBoundTotal({ oscillation: r.oscillationBound, rounding: r.roundingBound });
      if (r.growthFactorClosedForm !== null) out[`${r.method}.growthFactorClosedForm`] = r.growthFactorClosedForm;
      out[`${r.method}.meanR2Final`] = r.meanR2Final;
      out[`${r.method}.meanR2FinalSE`] = r.meanR2FinalSE;
      out[`${r.method}.meanR2Theory`] = r.meanR2Theory;
      if (r.quadratic) {
        out['alternating.meanQFinal'] = r.quadratic.mean;
        out['alternating.meanQFinalSE'] = r.quadratic.sem;
        out['alternating.meanQTheory'] = r.quadratic.theory;
      }
    }
    return out;
  },
  judge(m, p) {
    const verdicts: Verdict[] = [];
    for (const r of m.methods) {
      const title = METHOD_TITLES[r.method];
      const theory = r.growthFactorTheory;
      verdicts.push(
        growthFactorVerdict({
          claim: `${title}: |z| grows by ρ(T) = ${theory.toFixed(6)} per step`,
          theory,
          fit: { factor: r.growthFactorMeasured, se: r.growthFactorSE, oscillationBound: r.oscillationBound, from: r.fitFrom, to: r.fitTo },
          bound: { oscillation: r.oscillationBound, rounding: r.roundingBound },
          note: `Slope of log r over steps ${r.fitFrom}–${r.fitTo} of the noiseless run.`,
        }),
      );
      const fr = familyInterval(r.meanR2Final, r.meanR2FinalSE, m.family);
      verdicts.push(
        verdict({
          claim: `${title} with noise σ = ${p.sigma}: E r² after ${p.steps} steps = ${r.meanR2Theory.toPrecision(5)}`,
          theory: r.meanR2Theory,
          measured: r.meanR2Final,
          se: r.meanR2FinalSE,
          ci95: fr.ci95,
          note: 'Exact law from the mean–covariance recursion of the method’s linear map with noise η·σ·ξ per oracle call.' + (fr.note ? ' ' + fr.note : ''),
        }),
      );
      const q = r.quadratic;
      if (q) {
        const fq = familyInterval(q.mean, q.sem, m.family);
        verdicts.push(
          verdict({
            claim: `alternating GDA: E Q grows linearly, E Q_k = Q₀ + ${q.perStep.toPrecision(4)}·k`,
            theory: q.theory,
            measured: q.mean,
            se: q.sem,
            ci95: fq.ci95,
            note: 'Q = |x|² + (ηₓ/ηᵧ)|y|² − ηₓxᵀAy is conserved without noise; each step’s noise adds σ²ηₓ(ηₓ·nx + ηᵧ·ny) to its mean (2η²σ² for f = xy).' + (fq.note ? ' ' + fq.note : ''),
          }),
        );
      }
    }
    return verdicts;
  },
  present(m, p) {
    const { nx, ny } = bilinearMatrices(p);
    const d = nx + ny;
    const r2Points: XYPoint[] = [];
    const r2Lines: XYLine[] = [];
    for (const r of m.methods) {
      const title = METHOD_TITLES[r.method];
      for (const pt of r.r2) r2Points.push({ x: pt.step, y: pt.mean, lo: pt.mean - 1.96 * pt.sem, hi: pt.mean + 1.96 * pt.sem, series: title });
      for (const pt of r.r2Theory) r2Lines.push({ x: pt.step, y: pt.value, series: `${title} (theory)` });
    }
    const portrait = (which: 'cleanPath' | 'noisyPath') => m.methods.map((r) => ({ label: METHOD_TITLES[r.method], path: r[which], dim: d, ix: 0, iy: nx }));
    return {
      tables: [
        {
          name: 'methods',
          title: `Growth factor per step and E r² after ${p.steps} steps`,
          columns: ['method', 'ρ(T) theory', 'growth measured', '± bound', 'closed form (f = xy)', 'E r² theory', 'E r² measured', 'SE'],
          rows: m.methods.map((r) => [METHOD_TITLES[r.method], r.growthFactorTheory, r.growthFactorMeasured, growthBoundTotal({ oscillation: r.oscillationBound, rounding: r.roundingBound }), r.growthFactorClosedForm, r.meanR2Theory, r.meanR2Final, r.meanR2FinalSE]),
        },
      ],
      figures: [
        phasePortrait('phase-noiseless', `Phase portrait without noise (${m.game}, η = ${p.learningRateX}/${p.learningRateY})`, portrait('cleanPath'), { x: 'x₁', y: 'y₁' }),
        phasePortrait('phase-noisy', `Phase portrait with gradient noise σ = ${p.sigma}`, portrait('noisyPath'), { x: 'x₁', y: 'y₁' }),
        xyFigure({
          name: 'mean-r2',
          title: `E[r²] against steps with noise σ = ${p.sigma} (points: ${p.particles} particles; dashed: exact)`,
          x: { title: 'step k' },
          y: { title: 'E r²', log: true },
          points: r2Points,
          lines: r2Lines,
        }),
      ],
      notes: [
        `Noise convention: each oracle call returns v(z) + σξ with ξ ~ N(0, I), so an iterate moves by η·σ·ξ. Extragradient makes two calls per step, each with fresh noise; alternating GDA and negative momentum update x with the x-part of one draw and y with its y-part; optimistic GDA reuses its stored noisy gradient.`,
        `ρ(T) is the spectral radius of the method’s linear map read off the implementation; below 1 the method converges without noise, above 1 it spirals out, at 1 it cycles.`,
      ],
    };
  },
});
