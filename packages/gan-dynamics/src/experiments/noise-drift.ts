/**
 * gan.noise-drift: the seed claim that gradient noise acts like Langevin kicks that push a
 * cycling game outward and free it. Both halves are measured on f = xy: the outward drift
 * (noise adds 2η²σ² to E r² or E Q per step, for simultaneous GDA, alternating GDA and the
 * continuous-time rotation plus diffusion alike), and the non-zero stationary spread of the
 * methods that converge without noise — noise does not bring any of them to the equilibrium.
 */
import {
  anyNumber,
  defineExperiment,
  defineExperimentTask,
  deserializeError,
  directionalVerdict,
  DivergenceError,
  loglogSlope,
  Moments,
  ParameterError,
  familyInterval,
  proportionalFit,
  serializeError,
  verdict,
  xyFigure,
  z,
  type Figure,
  type MomentsJSON,
  type SerializedError,
  type Stream,
  type Table,
  type TaskContext,
  type Verdict,
  type XYLine,
  type XYPoint,
} from '@snrlab/core';
import { medianWithInterval } from '../analysis.js';
import { phasePortrait, thinIndices } from '../figures.js';
import { bilinearGame } from '../games.js';
import { checkGameSpec, gameSpecSchema, GameShapeError, isBilinearSpec } from '../game-file.js';
import { continuousTimeEnsemble } from '../langevin.js';
import { DEFAULT_MOMENTUM, METHOD_TITLES, METHODS, type MethodName, type MethodOptions } from '../methods.js';
import type { NoiseSpec } from '../noise.js';
import { float32MomentBound, onGameKernel, runGameEnsembleOnKernel } from '../kernel-ensemble.js';
import { runGameEnsemble, trajectory, type EnsembleResult, type EnsembleRunOptions } from '../run.js';
import { alternatingInvariant, expectedSquaredRadius, growthFactorTheory, quadraticForm, stationarySquaredRadius } from '../theory.js';
import { hasKernel } from '@snrlab/tensor';
import { tensorBackend } from './backend.js';

const params = z.object({
  game: gameSpecSchema.optional().describe('your own bilinear game f = xᵀAy (the CLI reads it from --game file.json; P and Q must be absent or zero); default f = xy'),
  learningRate: z.number().gt(0).lt(1).default(0.2).describe('step size η of both players'),
  sigmas: z.array(z.number().gt(0).max(100)).min(2).default([0.05, 0.1, 0.2, 0.4]).describe('gradient-noise scales σ per component (sd for Gaussian noise)'),
  noise: z.enum(['gaussian', 'alpha-stable']).default('gaussian').describe('law of the injected gradient noise'),
  alpha: z.number().gt(0).max(2).default(1.5).describe('stability index α of alpha-stable noise (scale σ/√2, so α = 2 is N(0, σ²))'),
  convergentMethods: z
    .array(z.enum(METHODS))
    .min(1)
    .default(['extragradient', 'optimistic', 'proximal', 'negative-momentum'])
    .describe('methods whose stationary spread under noise is measured (they converge without noise)'),
  momentum: z.number().gt(-1).lt(1).default(DEFAULT_MOMENTUM).describe('β of negative momentum'),
  initialRadius: z.number().gt(0).max(1e3).default(1).describe('r₀ = |z₀| with z₀ = r₀(1, 1)/√2'),
  steps: z.int().min(20).max(100_000).default(400).describe('iterations K'),
  particles: z.int().min(50).max(1_000_000).default(1000).describe('noisy trajectories per method and σ'),
  substeps: z.int().min(1).max(100).default(4).describe('SDE solver steps per GDA step in the continuous-time view (dt = η/substeps)'),
});

export type NoiseDriftParams = z.output<typeof params>;

const DRIFTS = ['alternating', 'simultaneous', 'continuous'] as const;
type Drift = (typeof DRIFTS)[number];

interface Curve {
  x: number[];
  m: MomentsJSON[];
}

/** Everything measured at one noise level σ, on stream sigma=<σ>. */
interface SigmaJob {
  kind: 'sigma';
  path: [string];
  params: NoiseDriftParams;
  sigma: number;
  /** Keep the E r² curves (for the figure at the largest σ). */
  curves: boolean;
}

/** α-stable kicks: the spread of alternating GDA about its noiseless orbit, on stream alternating-stable. */
interface StableJob {
  kind: 'stable';
  path: ['alternating-stable'];
  params: NoiseDriftParams;
  sigma: number;
}

/** The four phase portraits; the noisy ones draw from portrait/<method>. */
interface PortraitJob {
  kind: 'portraits';
  path: ['portrait'];
  params: NoiseDriftParams;
  sigma: number;
}

type Job = SigmaJob | StableJob | PortraitJob;

interface SigmaResult {
  kind: 'sigma';
  sigma: number;
  /**
   * Set only when a float32 registry kernel (webgpu) ran some ensembles: the methods it ran, for
   * the rounding allowance. Absent on js (the float64 path, whose bytes it leaves alone).
   */
  float32?: string[];
  alternating?: { last: MomentsJSON; curve?: Curve };
  simultaneous?: { last: MomentsJSON; curve?: Curve };
  continuous?: { last: MomentsJSON; noiseless: number; curve?: Curve };
  convergent: { method: MethodName; last: MomentsJSON; median: { median: number; lo: number; hi: number; se: number }; curve?: Curve }[];
  diverged?: { step: number; replica: number; value: number; what: string };
}

interface StablePoint {
  k: number;
  median: number;
  lo: number;
  hi: number;
  se: number;
}

interface StableResult {
  kind: 'stable';
  spread: StablePoint[];
  diverged?: SerializedError;
}

interface PortraitResult {
  kind: 'portraits';
  paths: number[][];
  diverged?: SerializedError;
}

type Piece = SigmaResult | StableResult | PortraitResult;

const gameOf = (p: Pick<NoiseDriftParams, 'game'>) => bilinearGame(p.game ? p.game.A : [[1]]);
/** z₀ = r₀(1, …, 1)/√d (r₀(1, 1)/√2 on f = xy). */
const startOf = (p: NoiseDriftParams) => {
  const d = p.game ? p.game.A.length + p.game.A[0].length : 2;
  return new Float64Array(d).fill(p.initialRadius / Math.sqrt(d));
};
/** Dimension d = nx + ny of the game: noise adds d·η²σ² per step (2η²σ² on f = xy). */
const dimOf = (p: Pick<NoiseDriftParams, 'game'>) => (p.game ? p.game.A.length + p.game.A[0].length : 2);
const optsOf = (p: NoiseDriftParams, method: MethodName): MethodOptions => ({ method, learningRateX: p.learningRate, learningRateY: p.learningRate, momentum: p.momentum });
const curveOf = (e: EnsembleResult, ms: Moments[]): Curve => ({ x: e.steps, m: ms.map((m) => m.toJSON()) });
const sigmasOf = (p: NoiseDriftParams) => [...new Set(p.sigmas)].sort((a, b) => a - b);

/**
 * How a σ job runs its ensembles: on js, `runGameEnsemble` (float64, its golden bytes); on another
 * backend, the registry's `game-step` kernel for the methods it has (Gaussian noise, linear game)
 * and `runGameEnsemble` on js for the rest, each recorded with `usedBackend`.
 */
type EnsembleRunner = (o: EnsembleRunOptions) => EnsembleResult | Promise<EnsembleResult>;

function kernelRunner(ctx: TaskContext, float32: string[]): EnsembleRunner {
  return async (o) => {
    if (onGameKernel(o.method) && o.game.matrix && o.noise.kind === 'gaussian') {
      const r = await runGameEnsembleOnKernel({ ...o, sigma: o.noise.sigma, backend: ctx.backend });
      ctx.usedBackend(r.backend);
      if (r.precision === 'float32') float32.push(o.method);
      return r;
    }
    ctx.usedBackend('js');
    return runGameEnsemble(o);
  };
}

async function sigmaRun(job: SigmaJob, stream: Stream, ensemble: EnsembleRunner = runGameEnsemble): Promise<SigmaResult> {
  const p = job.params;
  const sigma = job.sigma;
  const game = gameOf(p);
  const z0 = startOf(p);
  const d = game.dim;
  const K = p.steps;
  const eta = p.learningRate;
  const noise: NoiseSpec = { kind: p.noise, sigma, alpha: p.alpha };
  const recordEvery = Math.max(1, Math.floor(K / 25));
  const out: SigmaResult = { kind: 'sigma', sigma, convergent: [] };
  let what = '';
  try {
    if (p.noise === 'gaussian') {
      what = 'alternating GDA';
      const W = alternatingInvariant(game, eta, eta);
      const alt = await ensemble({ ...optsOf(p, 'alternating'), game, z0, steps: K, particles: p.particles, noise, stream: stream.child('alternating'), recordEvery, observables: [{ name: 'Q', fn: (zz, off) => quadraticForm(W, zz, d, off) }] });
      const Q = alt.observed.Q;
      out.alternating = { last: Q[Q.length - 1].toJSON(), ...(job.curves ? { curve: curveOf(alt, Q) } : {}) };
      what = 'simultaneous GDA';
      const sim = await ensemble({ ...optsOf(p, 'simultaneous'), game, z0, steps: K, particles: p.particles, noise, stream: stream.child('simultaneous'), recordEvery });
      out.simultaneous = { last: sim.r2[sim.r2.length - 1].toJSON(), ...(job.curves ? { curve: curveOf(sim, sim.r2) } : {}) };
      // continuous time: dz = Jz dt + s dW with s = σ√η and t = kη, against the solver's own noiseless path
      what = 'the continuous-time ensemble';
      const s = sigma * Math.sqrt(eta);
      const dt = eta / p.substeps;
      const horizon = K * eta;
      const ct = continuousTimeEnsemble({ game, z0, s, horizon, dt, particles: p.particles, stream: stream.child('continuous'), saves: 20 });
      const det = continuousTimeEnsemble({ game, z0, s: 0, horizon, dt, particles: 1, stream: stream.child('continuous-clean'), saves: 20 });
      out.continuous = {
        last: ct.r2[ct.r2.length - 1].toJSON(),
        noiseless: det.r2[det.r2.length - 1].mean,
        ...(job.curves ? { curve: { x: ct.t.map((t) => t / eta), m: ct.r2.map((m) => m.toJSON()) } } : {}),
      };
    }
    for (const method of p.convergentMethods) {
      what = METHOD_TITLES[method];
      const ens = await ensemble({ ...optsOf(p, method), game, z0, steps: K, particles: p.particles, noise, stream: stream.child(method), recordEvery });
      const finalR2 = new Float64Array(p.particles);
      for (let i = 0; i < p.particles; i++) {
        let r2 = 0;
        for (let c = 0; c < d; c++) r2 += ens.final[i * d + c] ** 2;
        finalR2[i] = r2;
      }
      out.convergent.push({ method, last: ens.r2[ens.r2.length - 1].toJSON(), median: medianWithInterval(finalR2), ...(job.curves ? { curve: curveOf(ens, ens.r2) } : {}) });
    }
  } catch (e) {
    if (e instanceof DivergenceError) return { ...out, diverged: { step: e.step, replica: e.replica, value: e.value, what } };
    throw e;
  }
  return out;
}

/** α-stable kicks: the noise-driven part δ_k = z_k − z̄_k of alternating GDA spreads as k^{1/α}. */
async function stableRun(job: StableJob, ctx: TaskContext): Promise<StableResult> {
  const p = job.params;
  const game = gameOf(p);
  const z0 = startOf(p);
  const d = game.dim;
  const K = p.steps;
  const backend = await tensorBackend(ctx.backend, ctx.usedBackend);
  const cleanAlt = trajectory({ ...optsOf(p, 'alternating'), game, z0, steps: K });
  const cps = geometricCheckpoints(K, 8);
  const per = Math.floor(p.particles / cps.length);
  const dev = cps.map(() => new Float64Array(per));
  const cpIndex = new Map(cps.map((k, j) => [k, j]));
  try {
    runGameEnsemble({
      ...optsOf(p, 'alternating'),
      game,
      z0,
      steps: K,
      particles: per * cps.length,
      noise: { kind: p.noise, sigma: job.sigma, alpha: p.alpha },
      stream: ctx.stream,
      backend,
      recordEvery: K,
      onStep: (k, state, stride) => {
        const j = cpIndex.get(k);
        if (j === undefined) return;
        // checkpoint j reads its own group of particles, so the points are independent
        for (let i = 0; i < per; i++) {
          const off = (i * cps.length + j) * stride;
          let r2 = 0;
          for (let c = 0; c < d; c++) r2 += (state[off + c] - cleanAlt.path[k * d + c]) ** 2;
          dev[j][i] = r2;
        }
      },
    });
  } catch (e) {
    // reported after the σ sweep's own divergences, as the run found them
    if (e instanceof DivergenceError) return { kind: 'stable', spread: [], diverged: serializeError(e) };
    throw e;
  }
  return { kind: 'stable', spread: cps.map((k, j) => ({ k, ...medianWithInterval(dev[j]) })) };
}

function portraitRun(job: PortraitJob, stream: Stream): PortraitResult {
  const p = job.params;
  const game = gameOf(p);
  const z0 = startOf(p);
  const portrait = (method: MethodName, sigma: number) =>
    Array.from(trajectory({ ...optsOf(p, method), game, z0, steps: p.steps, noise: sigma > 0 ? { kind: p.noise, sigma, alpha: p.alpha } : undefined, stream: stream.child(method) }).path);
  try {
    return { kind: 'portraits', paths: [portrait('alternating', 0), portrait('alternating', job.sigma), portrait('extragradient', 0), portrait('extragradient', job.sigma)] };
  } catch (e) {
    if (e instanceof DivergenceError) return { kind: 'portraits', paths: [], diverged: serializeError(e) };
    throw e;
  }
}

/** One noise level, the α-stable spread, or the portraits: a task so that they spread over workers. */
export const noiseDriftTask = defineExperimentTask(import.meta.url, 'gan.noise-drift/part', (job: Job, ctx): Piece | Promise<Piece> => {
  switch (job.kind) {
    case 'sigma': {
      // the js path (and a backend without a game-step kernel, which computes on js as before)
      if (ctx.backend === 'js' || !hasKernel('game-step', ctx.backend)) return sigmaRun(job, ctx.stream);
      if (job.params.noise !== 'gaussian') {
        throw new ParameterError('backend', ctx.backend, "'js' for α-stable noise", "the registry's game-step kernel draws Gaussian noise only");
      }
      // the continuous-time ensemble (langevin-sde's SRA1) always runs on js, float64
      ctx.usedBackend('js');
      const float32: string[] = [];
      return sigmaRun(job, ctx.stream, kernelRunner(ctx, float32)).then((r) => (float32.length ? { ...r, float32 } : r));
    }
    case 'stable':
      return stableRun(job, ctx);
    case 'portraits':
      return portraitRun(job, ctx.stream);
  }
});

const meanSem = { mean: anyNumber(), sem: anyNumber() };

const measurements = z.object({
  gaussian: z.boolean(),
  /** The distinct noise levels, ascending. */
  sigmas: z.array(z.number()),
  /** Noisy verdicts comparing measurement with theory that form one family. */
  family: z.int(),
  /** Gaussian noise: the outward drift per step of E Q (alternating) and E r² (simultaneous, continuous time). */
  drift: z
    .object({
      rows: z.array(
        z.object({
          sigma: z.number(),
          method: z.enum(DRIFTS),
          drift: anyNumber(),
          se: anyNumber(),
          theory: anyNumber(),
          /** Only when a float32 kernel (webgpu) ran this ensemble: the bound on the drift from float32 rounding (see float32MomentBound). */
          float32Bound: anyNumber().optional(),
        }),
      ),
      /** Drift / σ² fitted through the origin, per dynamics. */
      fits: z.array(z.object({ method: z.enum(DRIFTS), c: anyNumber(), se: anyNumber(), theory: anyNumber() })),
      exponent: anyNumber(),
      exponentSE: anyNumber(),
    })
    .nullable(),
  /** α-stable noise: median squared deviation from the noiseless orbit at checkpoints, and its log–log slope. */
  stable: z
    .object({
      sigma: z.number(),
      points: z.array(z.object({ k: z.number(), median: anyNumber(), lo: anyNumber(), hi: anyNumber(), se: anyNumber() })),
      exponent: anyNumber(),
      exponentSE: anyNumber(),
      prefactor: anyNumber(),
    })
    .nullable(),
  /** Per entry of convergentMethods: the spread after K steps at each σ. */
  convergent: z.array(
    z.object({
      method: z.enum(METHODS),
      growthFactor: anyNumber(),
      noiselessR2Final: anyNumber(),
      /** Gaussian only: (E r²_K − noiseless r²)/σ², theory and the fit through the origin; the stationary value. */
      spreadCoefficientTheory: anyNumber(),
      stationaryCoefficientTheory: anyNumber().nullable(),
      fit: z.object({ c: anyNumber(), se: anyNumber() }).nullable(),
      points: z.array(
        z.object({
          sigma: z.number(),
          ...meanSem,
          median: anyNumber(),
          lo: anyNumber(),
          hi: anyNumber(),
          medianSE: anyNumber(),
          exactR2: anyNumber().nullable(),
          /** Only when a float32 kernel (webgpu) ran this ensemble: the bound on E r² from float32 rounding. */
          float32Bound: anyNumber().optional(),
        }),
      ),
    }),
  ),
  /** Gaussian only: E r² (E Q) against steps at the largest σ, with its theory line. */
  curves: z.array(
    z.object({
      title: z.string(),
      points: z.array(z.object({ x: z.number(), ...meanSem })),
      theory: z.object({ series: z.string(), points: z.array(z.object({ x: z.number(), y: anyNumber() })) }).nullable(),
    }),
  ),
  /** Phase portraits: alternating GDA and extragradient, without noise and at the largest σ. */
  portraits: z.array(z.array(anyNumber())),
  /** Only when a float32 registry kernel (webgpu) ran ensembles: which methods, over how many steps. */
  float32: z.object({ methods: z.array(z.string()), steps: z.number() }).optional(),
});

export type NoiseDriftMeasurements = z.output<typeof measurements>;
type CurveOut = NoiseDriftMeasurements['curves'][number];

function curvePoints(curve: Curve): CurveOut['points'] {
  return curve.x.map((k, i) => {
    const m = Moments.fromJSON(curve.m[i]);
    return { x: k, mean: m.mean, sem: m.sem };
  });
}

/** The law of each dynamics on a bilinear game of dimension d (2η²σ² per step on f = xy). */
function driftTitle(method: Drift, d: number): string {
  const c = `${d}η²σ²`;
  switch (method) {
    case 'alternating':
      return `alternating GDA: E Q_k = Q₀ + ${c}k`;
    case 'simultaneous':
      return d === 2 ? `simultaneous GDA: E r²_{k+1} = (1+η²)E r²_k + 2η²σ²` : `simultaneous GDA: E r²_{k+1} = E r²_k + η²E|Mz_k|² + ${c}`;
    case 'continuous':
      return `rotation plus diffusion: E r²(t) = r₀² + ${d}s²t, i.e. ${c} per step of time η`;
  }
}

export const noiseDriftExperiment = defineExperiment({
  id: 'gan.noise-drift',
  domain: 'gan',
  title: 'Does gradient noise push a cycling game outward — and does that help it converge?',
  claim: 'Gradient noise acts like Langevin kicks that push the iterates of a cycling min–max game outward from the centre of the cycle and so free it to reach the Nash equilibrium.',
  description:
    'On f = xy with step η and Gaussian gradient noise σ per component (the iterate moves by η·σ·ξ), noise adds exactly 2η²σ² per step to E Q for alternating GDA (Q = x² + y² − ηxy, conserved without noise), to E r² for simultaneous GDA (on top of its (1+η²) growth), and to E r² of the continuous-time rotation plus diffusion dz = Jz dt + s dW with s = σ√η (E r² = r₀² + 2s²t, integrated with langevin-sde’s SRA1 solver). That outward drift is real. But the methods that converge without noise (extragradient, optimistic GDA, proximal point, negative momentum) stop converging: they settle at E r² ∝ σ² (2σ²(1+η²)/(1−η²) for extragradient), as Chavdarova et al. (2019) found for stochastic extragradient. With α-stable noise the spread grows as k^{2/α}, faster than diffusion.',
  params,
  measurements,
  live: false,
  validate(p) {
    if (p.game) {
      try {
        checkGameSpec(p.game);
      } catch (e) {
        if (e instanceof GameShapeError) throw new ParameterError(`game.${e.field}`, 'the given matrix', e.problem);
        throw e;
      }
      if (!isBilinearSpec(p.game)) throw new ParameterError('game', 'a quadratic–bilinear game (non-zero P or Q)', 'a bilinear game f = xᵀAy: the outward-drift laws hold where the field is a rotation (Mᵀ = −M); run quadratic terms with gan.bilinear');
    }
    if (p.noise !== 'gaussian') {
      const cps = geometricCheckpoints(p.steps, 8);
      if (Math.floor(p.particles / cps.length) < 20) throw new ParameterError('particles', p.particles, `at least ${20 * cps.length} for ${cps.length} checkpoints of α-stable spread`);
    }
  },
  plan(p) {
    const sigmas = sigmasOf(p);
    const sMax = sigmas[sigmas.length - 1];
    const jobs: Job[] = sigmas.map((sigma): SigmaJob => ({ kind: 'sigma', path: [`sigma=${sigma}`], params: p, sigma, curves: sigma === sMax }));
    if (p.noise !== 'gaussian') jobs.push({ kind: 'stable', path: ['alternating-stable'], params: p, sigma: sMax });
    jobs.push({ kind: 'portraits', path: ['portrait'], params: p, sigma: sMax });
    return jobs;
  },
  task: noiseDriftTask,
  reduce(partials, p): NoiseDriftMeasurements {
    const eta = p.learningRate;
    const game = gameOf(p);
    const d = game.dim;
    const z0 = startOf(p);
    const base = (method: MethodName) => optsOf(p, method);
    const sigmas = sigmasOf(p);
    const sMax = sigmas[sigmas.length - 1];
    const K = p.steps;
    const gaussian = p.noise === 'gaussian';
    const results = partials.filter((r): r is SigmaResult => r.kind === 'sigma');
    const failed = results.find((r) => r.diverged);
    if (failed?.diverged) {
      const f = failed.diverged;
      throw new DivergenceError(f.step, f.step, f.replica, f.value, { finishedSigmas: results.filter((r) => !r.diverged).map((r) => r.sigma) }, `${f.what} at σ = ${failed.sigma} left |z| ≤ 10¹²`);
    }
    const atMax = results[results.length - 1];
    const convergentWithSpread = p.convergentMethods.filter((m) => growthFactorTheory(game, base(m)) < 1).length;
    const family = gaussian ? 4 + convergentWithSpread : 1;
    const driftTheory = (sigma: number) => dimOf(p) * eta * eta * sigma * sigma;
    const curves: CurveOut[] = [];
    const addCurve = (title: string, curve: Curve | undefined, exact?: Float64Array) => {
      if (!curve) return;
      curves.push({ title, points: curvePoints(curve), theory: exact ? { series: `${title} (theory)`, points: thinIndices(K + 1, 60).map((k) => ({ x: k, y: exact[k] })) } : null });
    };

    // --- 1. the outward drift (Gaussian) or the α-stable spread ----------------------------------
    let drift: NoiseDriftMeasurements['drift'] = null;
    let stable: NoiseDriftMeasurements['stable'] = null;
    if (gaussian) {
      const W = alternatingInvariant(game, eta, eta);
      const Q0 = quadraticForm(W, z0, d);
      const g = 1 + eta * eta;
      // simultaneous GDA: E r²_K = g^K r₀² + a(g^K − 1)/(g − 1) with a the drift per step (f = xy);
      // on another bilinear game E r²_K = |z̄_K|² + σ²·v_K with v_K from the exact recursion, and the
      // drift per step is read as (E r²_K − |z̄_K|²)·dη²/v_K
      let simClean = Math.pow(g, K) * p.initialRadius ** 2;
      let scale = (g - 1) / (Math.pow(g, K) - 1);
      if (p.game) {
        simClean = trajectory({ ...base('simultaneous'), game, z0, steps: K }).radius[K] ** 2;
        const vK = expectedSquaredRadius(game, base('simultaneous'), z0, 1, K).r2[K] - simClean;
        scale = (d * eta * eta) / vK;
      }
      const rows: NonNullable<NoiseDriftMeasurements['drift']>['rows'] = [];
      for (const r of results) {
        const q = Moments.fromJSON(r.alternating!.last);
        const qb = r.float32?.includes('alternating') ? float32MomentBound('float32', q.mean, K)! / K : undefined;
        rows.push({ sigma: r.sigma, method: 'alternating', drift: (q.mean - Q0) / K, se: q.sem / K, theory: driftTheory(r.sigma), ...(qb !== undefined ? { float32Bound: qb } : {}) });
        const sm = Moments.fromJSON(r.simultaneous!.last);
        const sb = r.float32?.includes('simultaneous') ? float32MomentBound('float32', sm.mean, K)! * scale : undefined;
        rows.push({ sigma: r.sigma, method: 'simultaneous', drift: (sm.mean - simClean) * scale, se: sm.sem * scale, theory: driftTheory(r.sigma), ...(sb !== undefined ? { float32Bound: sb } : {}) });
        const ct = Moments.fromJSON(r.continuous!.last);
        rows.push({ sigma: r.sigma, method: 'continuous', drift: (ct.mean - r.continuous!.noiseless) / K, se: ct.sem / K, theory: driftTheory(r.sigma) });
      }
      addCurve('alternating GDA: E Q', atMax.alternating?.curve, expectedSquaredRadius(game, base('alternating'), z0, sMax, K, W).quadratic);
      addCurve('simultaneous GDA: E r²', atMax.simultaneous?.curve, expectedSquaredRadius(game, base('simultaneous'), z0, sMax, K).r2);
      if (atMax.continuous?.curve) {
        const sTop = sMax * Math.sqrt(eta);
        curves.push({
          title: 'rotation + diffusion (SDE): E r²',
          points: curvePoints(atMax.continuous.curve),
          theory: { series: 'rotation + diffusion (theory r₀² + 2s²t)', points: thinIndices(K + 1, 60).map((k) => ({ x: k, y: p.initialRadius ** 2 + 2 * sTop * sTop * k * eta })) },
        });
      }
      const fits = DRIFTS.map((method) => {
        const these = rows.filter((r) => r.method === method);
        const fit = proportionalFit(
          these.map((r) => r.sigma * r.sigma),
          these.map((r) => r.drift),
          these.map((r) => r.se),
        );
        return { method, c: fit.c, se: fit.se, theory: dimOf(p) * eta * eta };
      });
      const alt = rows.filter((r) => r.method === 'alternating');
      const slope = loglogSlope(
        alt.map((r) => r.sigma * r.sigma),
        alt.map((r) => r.drift),
        alt.map((r) => r.se),
      );
      drift = { rows, fits, exponent: slope.slope, exponentSE: slope.slopeSE };
    } else {
      const s = partials.find((r): r is StableResult => r.kind === 'stable')!;
      if (s.diverged) throw deserializeError(s.diverged);
      const fit = loglogSlope(
        s.spread.map((x) => x.k),
        s.spread.map((x) => x.median),
        s.spread.map((x) => x.se),
      );
      stable = { sigma: sMax, points: s.spread, exponent: fit.slope, exponentSE: fit.slopeSE, prefactor: fit.prefactor };
    }

    // --- 2. the other side: methods that converge without noise settle at a non-zero spread ------
    const convergent: NoiseDriftMeasurements['convergent'] = [];
    for (const method of p.convergentMethods) {
      const opts = base(method);
      const title = METHOD_TITLES[method];
      const rho = growthFactorTheory(game, opts);
      const clean = trajectory({ ...opts, game, z0, steps: K });
      const cleanR2 = clean.radius[K] ** 2;
      const xs: number[] = [];
      const ys: number[] = [];
      const ses: number[] = [];
      // E r²_K = |E z_K|² + σ²·v_K, and E z_K is the noiseless iterate
      const exactUnit = gaussian ? expectedSquaredRadius(game, opts, z0, 1, K).r2[K] - cleanR2 : NaN;
      const points: NoiseDriftMeasurements['convergent'][number]['points'] = [];
      for (const r of results) {
        const sigma = r.sigma;
        const c = r.convergent.find((x) => x.method === method)!;
        const last = Moments.fromJSON(c.last);
        const med = c.median;
        let exactR2: number | null = null;
        if (gaussian) {
          const exact = expectedSquaredRadius(game, opts, z0, sigma, K);
          xs.push(sigma * sigma);
          ys.push(last.mean - cleanR2);
          ses.push(last.sem);
          exactR2 = exact.r2[K];
          if (sigma === sMax) addCurve(`${title}: E r²`, c.curve, exact.r2);
        }
        const fb = gaussian && r.float32?.includes(method) ? float32MomentBound('float32', last.mean, K) : undefined;
        points.push({ sigma, mean: last.mean, sem: last.sem, median: med.median, lo: med.lo, hi: med.hi, medianSE: med.se, exactR2, ...(fb !== undefined ? { float32Bound: fb } : {}) });
      }
      const fit = gaussian ? proportionalFit(xs, ys, ses) : null;
      convergent.push({
        method,
        growthFactor: rho,
        noiselessR2Final: cleanR2,
        spreadCoefficientTheory: exactUnit,
        stationaryCoefficientTheory: gaussian ? stationarySquaredRadius(game, opts, 1) : null,
        fit: fit ? { c: fit.c, se: fit.se } : null,
        points,
      });
    }
    const shown = partials.find((r): r is PortraitResult => r.kind === 'portraits')!;
    if (shown.diverged) throw deserializeError(shown.diverged);
    const f32 = [...new Set(results.flatMap((r) => r.float32 ?? []))];
    return { gaussian, sigmas, family, drift, stable, convergent, curves, portraits: shown.paths, ...(f32.length ? { float32: { methods: f32, steps: K } } : {}) };
  },
  metrics(m, p) {
    const out: Record<string, number> = {};
    if (m.drift) {
      for (const f of m.drift.fits) {
        out[`${f.method}.driftCoefficientMeasured`] = f.c;
        out[`${f.method}.driftCoefficientSE`] = f.se;
        out[`${f.method}.driftCoefficientTheory`] = f.theory;
      }
      out['alternating.driftExponent'] = m.drift.exponent;
      out['alternating.driftExponentSE'] = m.drift.exponentSE;
    }
    if (m.stable) {
      out['alternating.spreadExponent'] = m.stable.exponent;
      out['alternating.spreadExponentSE'] = m.stable.exponentSE;
      out['alternating.spreadExponentTheory'] = 2 / p.alpha;
    }
    const sMax = m.sigmas[m.sigmas.length - 1];
    for (const c of m.convergent) {
      out[`${c.method}.noiselessR2Final`] = c.noiselessR2Final;
      const top = c.points.find((x) => x.sigma === sMax)!;
      out[`${c.method}.finalR2AtMaxSigma`] = m.gaussian ? top.mean : top.median;
      out[`${c.method}.finalR2AtMaxSigmaSE`] = m.gaussian ? top.sem : top.medianSE;
      if (c.fit) {
        out[`${c.method}.spreadCoefficientMeasured`] = c.fit.c;
        out[`${c.method}.spreadCoefficientSE`] = c.fit.se;
        out[`${c.method}.spreadCoefficientTheory`] = c.spreadCoefficientTheory;
        out[`${c.method}.stationaryCoefficientTheory`] = c.stationaryCoefficientTheory ?? NaN;
        out[`${c.method}.growthFactor`] = c.growthFactor;
      }
    }
    return out;
  },
  judge(m, p) {
    const eta = p.learningRate;
    const K = p.steps;
    const gaussian = m.gaussian;
    const sMax = m.sigmas[m.sigmas.length - 1];
    const verdicts: Verdict[] = [];
    if (m.drift) {
      for (const f of m.drift.fits) {
        const fi = familyInterval(f.c, f.se, m.family);
        const f32 = float32Allowance(m.drift.rows.filter((r) => r.method === f.method).map((r) => (r.float32Bound === undefined ? undefined : r.float32Bound / (r.sigma * r.sigma))), 'drift / σ²', K);
        verdicts.push(
          verdict({
            ...(f32 ? { allowance: f32 } : {}),
            claim: `Noise drives ${driftTitle(f.method, dimOf(p))}: outward drift per step = ${(dimOf(p) * eta * eta).toPrecision(4)}·σ²`,
            theory: dimOf(p) * eta * eta,
            measured: f.c,
            se: f.se,
            ci95: fi.ci95,
            note: `Drift per step divided by σ², fitted through the origin over σ = ${m.sigmas.join(', ')} (weights 1/SE²).` + (fi.note ? ' ' + fi.note : ''),
          }),
        );
      }
      const fs = familyInterval(m.drift.exponent, m.drift.exponentSE, m.family);
      const fsa = slopeAllowance(m.drift.rows.filter((r) => r.method === 'alternating'), K);
      verdicts.push(
        verdict({
          ...(fsa ? { allowance: fsa } : {}),
          claim: 'The outward drift of alternating GDA is proportional to σ² (log–log slope 1)',
          theory: 1,
          measured: m.drift.exponent,
          se: m.drift.exponentSE,
          ci95: fs.ci95,
          note: 'Weighted log–log fit of the drift per step against σ².' + (fs.note ? ' ' + fs.note : ''),
        }),
      );
    }
    if (m.stable) {
      verdicts.push(
        verdict({
          claim: `α-stable kicks (α = ${p.alpha}) spread alternating GDA as k^{2/α}: median |z_k − z̄_k|² ∝ k^${(2 / p.alpha).toFixed(3)}`,
          theory: 2 / p.alpha,
          measured: m.stable.exponent,
          se: m.stable.exponentSE,
          note: 'The noise-driven part of a linear recursion is a sum of k rotated α-stable kicks, whose scale grows as k^{1/α}; each checkpoint uses its own particles, with the median’s order-statistic interval as its error.',
        }),
      );
    }
    for (const c of m.convergent) {
      const title = METHOD_TITLES[c.method];
      const cleanR2 = c.noiselessR2Final;
      const top = c.points.find((x) => x.sigma === sMax)!;
      if (c.method === p.convergentMethods[0]) {
        // the seed claim, tested on the first convergent method (extragradient by default)
        // a directional claim: the noisy spread minus the noiseless one is ≤ 0
        const se = gaussian ? top.sem : (top.hi - top.lo) / (2 * 1.959963984540054);
        const excess = (gaussian ? top.mean : top.median) - cleanR2;
        verdicts.push(
          directionalVerdict({
            claim: `Noise helps ${title} reach the Nash equilibrium: ${gaussian ? 'E' : 'median'} r² after ${K} steps with noise σ = ${sMax} is no larger than without noise (${cleanR2.toExponential(3)})`,
            measured: excess,
            se,
            direction: 'below',
            threshold: 0,
            note: `Measured: ${gaussian ? 'E' : 'median'} r² with noise minus the noiseless r² (${gaussian ? 'SE of the mean over particles' : 'SE from the median’s order-statistic interval'}). A popular claim: noise keeps ${title} at a spread ∝ σ² around the equilibrium instead of converging — the finding of Chavdarova et al. (2019) for stochastic extragradient. Noise does push the iterates outward (the drift above), but outward is away from the equilibrium, not towards it.`,
          }),
        );
      }
      const rho = c.growthFactor;
      if (c.fit && rho < 1) {
        const stationary = c.stationaryCoefficientTheory as number;
        const exactUnit = c.spreadCoefficientTheory;
        const fc = familyInterval(c.fit.c, c.fit.se, m.family);
        const fca = float32Allowance(c.points.map((x) => (x.float32Bound === undefined ? undefined : x.float32Bound / (x.sigma * x.sigma))), '(E r² − noiseless r²) / σ²', K);
        verdicts.push(
          verdict({
            ...(fca ? { allowance: fca } : {}),
            claim: `${title} converges without noise (ρ = ${rho.toFixed(5)}) but with noise settles at E r² = ${exactUnit.toPrecision(4)}·σ² after ${K} steps (stationary ${stationary.toPrecision(4)}·σ²), not 0`,
            theory: exactUnit,
            measured: c.fit.c,
            se: c.fit.se,
            ci95: fc.ci95,
            note:
              (c.method === 'extragradient' && !p.game
                ? `Stationary spread 2σ²(1+η²)/(1−η²) = ${((2 * (1 + eta * eta)) / (1 - eta * eta)).toPrecision(4)}·σ² (independent noise in both calls).`
                : 'Exact spread from the mean–covariance recursion of the method’s linear map; stationary value from the discrete Lyapunov equation.') + (fc.note ? ' ' + fc.note : ''),
          }),
        );
      }
    }
    return verdicts;
  },
  present(m, p) {
    const eta = p.learningRate;
    const K = p.steps;
    const gaussian = m.gaussian;
    const sigmas = m.sigmas;
    const sMax = sigmas[sigmas.length - 1];
    const tables: Table[] = [];
    const figures: Figure[] = [];
    const notes: string[] = [];
    const driftTheory = (sigma: number) => dimOf(p) * eta * eta * sigma * sigma;
    if (m.drift) {
      const rows = m.drift.rows;
      const fit = (method: Drift) => m.drift!.fits.find((f) => f.method === method)!;
      const fits = { alternating: fit('alternating'), simultaneous: fit('simultaneous'), continuous: fit('continuous') };
      tables.push({
        name: 'drift',
        title: 'Outward drift per step (E Q for alternating, E r² otherwise)',
        columns: ['σ', 'dynamics', 'drift per step', 'SE', 'theory 2η²σ²'],
        rows: rows.map((r) => [r.sigma, r.method, r.drift, r.se, r.theory]),
      });
      figures.push(
        xyFigure({
          name: 'drift-vs-sigma2',
          title: `Outward drift per step against σ² (η = ${eta})`,
          x: { title: 'σ²', log: true },
          y: { title: 'drift of E Q or E r² per step', log: true },
          points: rows.map((r) => ({ x: r.sigma * r.sigma * (r.method === 'alternating' ? 1 : r.method === 'simultaneous' ? 1.04 : 0.96), y: r.drift, lo: r.drift - 1.96 * r.se, hi: r.drift + 1.96 * r.se, series: r.method })),
          lines: sigmas.map((sg) => ({ x: sg * sg, y: driftTheory(sg), series: 'theory 2η²σ²' })),
        }),
      );
      notes.push(`Outward drift per step / σ²: alternating ${fits.alternating.c.toPrecision(4)} ± ${fits.alternating.se.toPrecision(2)}, simultaneous ${fits.simultaneous.c.toPrecision(4)} ± ${fits.simultaneous.se.toPrecision(2)}, continuous time ${fits.continuous.c.toPrecision(4)} ± ${fits.continuous.se.toPrecision(2)}; theory ${dimOf(p)}η² = ${(dimOf(p) * eta * eta).toPrecision(4)}.`);
      if (p.game) notes.push(`Game: ${p.game.label ?? 'from the game parameter'}, f = xᵀAy with A ${p.game.A.length}×${p.game.A[0].length} (d = ${dimOf(p)}); start z₀ = r₀(1, …, 1)/√d.`);
    }
    if (m.stable) {
      const spread = m.stable.points;
      const fit = m.stable;
      tables.push({
        name: 'stable-spread',
        title: `Median squared deviation from the noiseless orbit, α = ${p.alpha}, σ = ${m.stable.sigma}`,
        columns: ['step k', 'median |δ|²', '95% lo', '95% hi'],
        rows: spread.map((s) => [s.k, s.median, s.lo, s.hi]),
      });
      figures.push(
        xyFigure({
          name: 'stable-spread',
          title: `α-stable noise: spread of alternating GDA against steps (α = ${p.alpha})`,
          x: { title: 'step k', log: true },
          y: { title: 'median |z_k − z̄_k|²', log: true },
          points: spread.map((s) => ({ x: s.k, y: s.median, lo: s.lo, hi: s.hi, series: 'measured' })),
          lines: spread.map((s) => ({ x: s.k, y: fit.prefactor * Math.pow(spread[0].k, fit.exponent) * Math.pow(s.k / spread[0].k, 2 / p.alpha), series: `k^${(2 / p.alpha).toFixed(3)}` })),
        }),
      );
    }
    const statRows: (string | number | null)[][] = [];
    for (const c of m.convergent) {
      const title = METHOD_TITLES[c.method];
      for (const pt of c.points) statRows.push(gaussian ? [title, pt.sigma, pt.mean, pt.sem, pt.exactR2, c.noiselessR2Final] : [title, pt.sigma, pt.median, pt.medianSE, null, c.noiselessR2Final]);
      if (gaussian && !(c.growthFactor < 1)) notes.push(`${title} does not converge without noise at η = ${eta} (ρ = ${c.growthFactor.toFixed(5)}); no stationary spread exists.`);
    }
    tables.push({
      name: 'stationary',
      title: `Distance² to the equilibrium after ${K} steps (${gaussian ? 'mean' : 'median'} over ${p.particles} particles)`,
      columns: ['method', 'σ', gaussian ? 'E r² measured' : 'median r²', 'SE', 'E r² theory', 'noiseless r²'],
      rows: statRows,
    });
    if (gaussian) {
      const r2Points: XYPoint[] = [];
      const r2Lines: XYLine[] = [];
      for (const c of m.curves) {
        for (const pt of c.points) r2Points.push({ x: pt.x, y: pt.mean, lo: pt.mean - 1.96 * pt.sem, hi: pt.mean + 1.96 * pt.sem, series: c.title });
        if (c.theory) for (const pt of c.theory.points) r2Lines.push({ x: pt.x, y: pt.y, series: c.theory.series });
      }
      figures.push(
        xyFigure({
          name: 'mean-r2',
          title: `E r² (E Q for alternating GDA) against steps at σ = ${sMax}, η = ${eta}; dashed: theory`,
          x: { title: 'step k' },
          y: { title: 'E r²', log: true },
          points: r2Points,
          lines: r2Lines,
        }),
      );
    }
    const [altClean, altNoisy, egClean, egNoisy] = m.portraits;
    // x₁ against y₁ (the plane of f = xy)
    const portraitDims = p.game ? { dim: dimOf(p), ix: 0, iy: p.game.A.length } : { dim: 2 };
    figures.push(
      phasePortrait('phase', `Alternating GDA and extragradient with and without noise (σ = ${sMax})`, [
        { label: 'alternating GDA, no noise', path: altClean, ...portraitDims },
        { label: `alternating GDA, σ = ${sMax}`, path: altNoisy, ...portraitDims },
        { label: 'extragradient, no noise', path: egClean, ...portraitDims },
        { label: `extragradient, σ = ${sMax}`, path: egNoisy, ...portraitDims },
      ]),
    );
    if (m.float32) {
      notes.push(
        `Backend: ${m.float32.methods.map((x) => METHOD_TITLES[x as MethodName]).join(', ')} ran on the registry's float32 game-step kernel (webgpu: per-particle Philox streams, Box–Muller normals — the same law as the js ensembles, other numbers); the rest on js in float64. Verdicts on those ensembles carry the float32 rounding allowance, derived in their notes.`,
      );
    }
    notes.push(
      'Noise convention: each oracle call returns the gradient plus σξ per component, so an iterate moves by η·σ·ξ. Extragradient draws fresh noise for each of its two calls; alternating GDA and negative momentum use the x-part of one draw in their first call and its y-part in the second (the same law as two draws).',
      'Verdict on the seed claim: the outward push is real and exactly 2η²σ² per step, but it pushes away from the Nash equilibrium. Methods that cycle or spiral without noise are driven further out; methods that converge without noise stop at a spread ∝ σ². Reaching the equilibrium under noise needs decreasing steps, averaging or variance reduction (Chavdarova et al. 2019), not more noise.',
    );
    return { tables, figures, notes };
  },
});

/**
 * The float32 allowance on a coefficient fitted through the origin (weights 1/SE²) from points
 * whose values carry rounding bounds b_i (already divided by σ_i²): the fit is a weighted mean of
 * the points' ratios, so it moves by at most max_i b_i. Undefined when no point ran in float32.
 */
function float32Allowance(bounds: (number | undefined)[], what: string, K: number): { value: number; derivation: string } | undefined {
  const b = bounds.filter((x): x is number => x !== undefined);
  if (!b.length) return undefined;
  return {
    value: Math.max(...b),
    derivation: `float32 game-step kernel (webgpu): each of ${K} steps rounds every coordinate with relative error ≤ 2⁻²⁴, unbiased; added in quadrature a second moment moves by ≤ 2·2⁻²⁴·√(${K}+1) of its size, so ${what} (a weighted mean over σ) by at most the largest of those bounds`,
  };
}

/**
 * The float32 allowance on the weighted log–log slope of the drift against σ²: the slope is
 * Σ c_i log drift_i with c_i = w_i(x_i − x̄)/Σ w_j(x_j − x̄)² (x = log σ², w = (drift/SE)²), and a
 * drift off by at most b_i moves log drift_i by at most −log(1 − b_i/drift_i), so the slope by at
 * most Σ |c_i|·that.
 */
function slopeAllowance(rows: { sigma: number; drift: number; se: number; float32Bound?: number }[], K: number): { value: number; derivation: string } | undefined {
  if (!rows.some((r) => r.float32Bound !== undefined) || rows.some((r) => !(r.drift > 0))) return undefined;
  const x = rows.map((r) => Math.log(r.sigma * r.sigma));
  const w = rows.map((r) => (r.drift / r.se) ** 2);
  const sw = w.reduce((a, b) => a + b, 0);
  const xm = x.reduce((a, xi, i) => a + w[i] * xi, 0) / sw;
  const sxx = x.reduce((a, xi, i) => a + w[i] * (xi - xm) ** 2, 0);
  let value = 0;
  for (let i = 0; i < rows.length; i++) {
    const e = Math.min(0.5, (rows[i].float32Bound ?? 0) / rows[i].drift);
    value += (Math.abs(w[i] * (x[i] - xm)) / sxx) * -Math.log(1 - e);
  }
  return {
    value,
    derivation: `float32 game-step kernel (webgpu): each drift is off by at most its float32 rounding bound (2·2⁻²⁴·√(${K}+1) of E Q, over ${K} steps); the weighted log–log slope is linear in log drift with coefficients c_i, so it moves by at most Σ|c_i|·|Δ log drift_i|`,
  };
}

/** About `n` geometrically spaced steps in [10, K] (distinct integers, K included). */
export function geometricCheckpoints(K: number, n: number): number[] {
  const lo = Math.min(10, Math.max(1, Math.floor(K / 4)));
  const out = new Set<number>();
  for (let i = 0; i < n; i++) out.add(Math.round(lo * Math.pow(K / lo, i / (n - 1))));
  return [...out].sort((a, b) => a - b);
}
