/**
 * langevin.ou: every solver reproduces the exact Ornstein–Uhlenbeck law (mean and variance at
 * time t) within sampling error, once its discrete-step bias is small against that error.
 */
import { anyNumber, defineExperiment, defineExperimentTask, xyFigure, z } from '@snrlab/core';
import { lawAfter, linearStepMap } from '../discrete.js';
import { harmonic } from '../potentials.js';
import { langevinProblem, sdeProblem, type SdeProblem } from '../problem.js';
import { ouMoments, underdampedHarmonicMoments } from '../reference.js';
import { solve } from '../solve.js';
import { getSolver, type SolverName } from '../solvers.js';
import { fmt, simultaneousVerdicts, taskBackend } from './common.js';

const ouSolvers = ['euler-maruyama', 'milstein', 'sra1', 'exact-ou', 'baoab'] as const;

const params = z.object({
  rate: z.number().gt(0).max(100).default(1).meta({ unit: '1/time' }).describe('θ: relaxation rate of the drift −θ(x − μ) (BAOAB: stiffness k = θ, mass 1)'),
  center: z.number().min(-1e3).max(1e3).default(0).describe('μ: the mean the process relaxes to'),
  sigma: z.number().gt(0).max(100).default(1).describe('σ: noise amplitude (σ² = 2D = 2T/γ; BAOAB uses T = σ²/2)'),
  friction: z.number().gt(0).max(100).default(1).meta({ unit: 'mass/time' }).describe('γ of the underdamped oscillator BAOAB integrates'),
  x0: z.number().min(-1e3).max(1e3).default(2).describe('initial state (position for BAOAB, which starts at rest)'),
  time: z.number().gt(0).max(100).default(1).meta({ unit: 'time' }).describe('t at which the law is compared'),
  dt: z.number().gt(0).max(1).default(0.002).meta({ unit: 'time' }).describe('step size h (must divide time)'),
  replicas: z.int().min(100).max(10_000_000).default(40_000).describe('replicas per solver'),
  solvers: z.array(z.enum(ouSolvers)).min(1).default([...ouSolvers]).describe('solvers to compare'),
});

export type OuParams = z.output<typeof params>;

/** The OU problem a solver runs: dX = −θ(X − μ)dt + σ dW, or the underdamped oscillator for BAOAB. */
export function ouProblem(p: OuParams, solver: SolverName): SdeProblem {
  if (solver === 'baoab') {
    return langevinProblem({ potential: harmonic({ stiffness: p.rate, center: p.center }), temperature: (p.sigma * p.sigma) / 2, friction: p.friction, mass: 1, x0: p.x0, tspan: [0, p.time] });
  }
  return sdeProblem({ drift: { kind: 'linear', rate: p.rate, center: p.center }, diffusion: p.sigma, x0: p.x0, tspan: [0, p.time], noise: 'additive' });
}

/** Exact law at t: for BAOAB, that of the underdamped oscillator's position. */
export function ouTheory(p: OuParams, solver: SolverName): { mean: number; variance: number } {
  if (solver === 'baoab') {
    const u = underdampedHarmonicMoments({ stiffness: p.rate, friction: p.friction, temperature: (p.sigma * p.sigma) / 2, q0: p.x0 - p.center, t: p.time });
    return { mean: p.center + u.meanQ, variance: u.varQ };
  }
  return ouMoments({ rate: p.rate, center: p.center, sigma: p.sigma, x0: p.x0, t: p.time });
}

interface Job {
  path: [SolverName];
  params: OuParams;
  solver: SolverName;
}

const solverResult = z.object({
  solver: z.enum(ouSolvers),
  mean: anyNumber(),
  meanSE: anyNumber(),
  variance: anyNumber(),
  varianceSE: anyNumber(),
  /** Exact law of the discrete chain (theory with the step's bias). */
  discreteMean: anyNumber(),
  discreteVariance: anyNumber(),
  fused: z.boolean(),
  /** The exact law at t (for BAOAB, the underdamped oscillator's position). */
  meanTheory: anyNumber(),
  varianceTheory: anyNumber(),
});

type SolverResult = z.output<typeof solverResult>;

export const ouSolverTask = defineExperimentTask(import.meta.url, 'langevin.ou/solver', async (job: Job, { stream, backend: name, usedBackend }): Promise<SolverResult> => {
  const p = job.params;
  const solver = getSolver(job.solver);
  const problem = ouProblem(p, job.solver);
  const backend = await taskBackend(name);
  const sol = solve(problem, solver, { dt: p.dt, ensemble: p.replicas, stream, backend, keepFinal: false, observables: { q: (x, o) => x[o] } });
  if (backend && sol.fused) usedBackend(backend.name);
  const m = sol.observables.q[0];
  const law = lawAfter(linearStepMap(problem, solver, p.dt), problem.x0 as Float64Array, sol.steps);
  const th = ouTheory(p, job.solver);
  return {
    solver: job.solver as SolverResult['solver'],
    mean: m.mean,
    meanSE: m.sem,
    variance: m.variance,
    varianceSE: m.varianceSE,
    discreteMean: law.mean[0],
    discreteVariance: law.covariance[0],
    fused: sol.fused,
    meanTheory: th.mean,
    varianceTheory: th.variance,
  };
});

const measurements = z.object({
  /** One entry per solver, in the order of `solvers`. */
  solvers: z.array(solverResult),
  /** The exact Ornstein–Uhlenbeck law at t. */
  meanTheory: anyNumber(),
  varianceTheory: anyNumber(),
});

export type OuMeasurements = z.output<typeof measurements>;

const metricKey = (solver: string) => solver.replace(/-(\w)/g, (_, c: string) => c.toUpperCase());

export const ouExperiment = defineExperiment({
  id: 'langevin.ou',
  domain: 'langevin',
  title: 'Every solver against the exact Ornstein–Uhlenbeck law',
  claim: 'Euler–Maruyama, Milstein, SRA1, the exact OU update and BAOAB all reproduce the exact mean and variance of the Ornstein–Uhlenbeck process at time t.',
  description:
    'dX = −θ(X − μ) dt + σ dW (Itô) from X(0) = x0 has mean μ + (x0 − μ)e^{−θt} and variance σ²(1 − e^{−2θt})/(2θ). Each solver runs the replicas on its own Brownian path; the ensemble mean and variance are compared with the exact law. BAOAB integrates the underdamped oscillator dq = p dt, dp = −θq dt − γp dt + σ√γ dW (T = σ²/2), whose position law is also known exactly. The table also gives the exact law of each discretised chain (computed by probing the solver\'s one-step map): the step size is chosen so that the discrete-step bias (O(h) for Euler–Maruyama and Milstein, O(h²) for SRA1 and BAOAB, none for the exact update) is far below the sampling error.',
  params,
  measurements,
  validate(p) {
    for (const s of p.solvers) getSolver(s).check(ouProblem(p, s));
  },
  plan: (p) => p.solvers.map((s): Job => ({ path: [s], params: p, solver: s })),
  task: ouSolverTask,
  reduce(results, p) {
    const ou = ouMoments({ rate: p.rate, center: p.center, sigma: p.sigma, x0: p.x0, t: p.time });
    return { solvers: results, meanTheory: ou.mean, varianceTheory: ou.variance };
  },
  metrics(m) {
    const metrics: Record<string, number> = {};
    for (const r of m.solvers) {
      const key = metricKey(r.solver);
      metrics[`${key}Mean`] = r.mean;
      metrics[`${key}MeanSE`] = r.meanSE;
      metrics[`${key}Variance`] = r.variance;
      metrics[`${key}VarianceSE`] = r.varianceSE;
      metrics[`${key}MeanTheory`] = r.meanTheory;
      metrics[`${key}VarianceTheory`] = r.varianceTheory;
    }
    metrics.meanTheory = m.meanTheory;
    metrics.varianceTheory = m.varianceTheory;
    return metrics;
  },
  judge(m, p) {
    return simultaneousVerdicts(
      m.solvers.flatMap((r) => [
        { claim: `${r.solver}: mean at t = ${p.time}`, theory: r.meanTheory, measured: r.mean, se: r.meanSE, note: `discrete-chain mean ${fmt(r.discreteMean, 6)} (step bias ${fmt(r.discreteMean - r.meanTheory, 2)}).` },
        { claim: `${r.solver}: variance at t = ${p.time}`, theory: r.varianceTheory, measured: r.variance, se: r.varianceSE, note: `discrete-chain variance ${fmt(r.discreteVariance, 6)} (step bias ${fmt(r.discreteVariance - r.varianceTheory, 2)}).` },
      ]),
    );
  },
  present(m, p) {
    return {
      tables: [
        {
          name: 'ou-law',
          title: `Ensemble mean and variance at t = ${p.time} (h = ${p.dt}, ${p.replicas} replicas per solver)`,
          columns: ['solver', 'mean', 'SE', 'exact', 'discrete chain', 'variance', 'SE', 'exact', 'discrete chain'],
          rows: m.solvers.map((r) => [r.solver, r.mean, r.meanSE, r.meanTheory, r.discreteMean, r.variance, r.varianceSE, r.varianceTheory, r.discreteVariance]),
        },
      ],
      figures: [
        xyFigure({
          name: 'ou-variance',
          title: 'Variance at time t: measured (±95%) and exact',
          x: { title: 'solver index' },
          y: { title: 'variance' },
          points: m.solvers.map((r, i) => ({ x: i, y: r.variance, lo: r.variance - 1.96 * r.varianceSE, hi: r.variance + 1.96 * r.varianceSE, series: r.solver })),
          lines: m.solvers.flatMap((r, i) => [
            { x: i - 0.3, y: r.varianceTheory, series: `exact (${r.solver})` },
            { x: i + 0.3, y: r.varianceTheory, series: `exact (${r.solver})` },
          ]),
        }),
      ],
      notes: [
        'Milstein is Euler–Maruyama for additive noise (∂g/∂x = 0); each solver runs on its own Brownian path, so the checks are independent.',
        `BAOAB integrates the underdamped oscillator (friction γ = ${p.friction}), whose position has its own exact law; its row compares with that law.`,
      ],
    };
  },
});
