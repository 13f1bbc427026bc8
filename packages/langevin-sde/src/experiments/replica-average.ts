/**
 * langevin.replica-average: an ensemble average over R independent Langevin replicas is a noisy
 * estimator like any other. Its variance is Var_B(f)/R — the replica count is a budget, and the
 * prefactor is the Boltzmann variance of the observable f = |x|² (x² in 1-D, x² + y² in 2-D).
 */
import { anyNumber, defineExperiment, defineExperimentTask, DivergenceError, fitScaling, Moments, ParameterError, validateBudgets, verdict, xyFigure, z, type ScalingPoint } from '@snrlab/core';
import { getKernel, hasKernel, runEnsemble, type KernelDrift } from '@snrlab/tensor';
import { boltzmann2D } from '../boltzmann2d.js';
import { assertConfining, expressionPotential, potentialExpressionSchema } from '../expression.js';
import { doubleWell, type Potential } from '../potentials.js';
import { boltzmann } from '../reference.js';
import { taskBackend } from './common.js';

const params = z.object({
  temperature: z.number().gt(0).max(10).default(0.5).meta({ unit: 'energy' }).describe('T of the double well U = x⁴/4 − x²/2 (k_B = 1, γ = 1)'),
  dt: z.number().gt(0).max(0.2).default(0.02).meta({ unit: 'time' }).describe('Euler–Maruyama step'),
  time: z.number().gt(0).max(1000).default(5).meta({ unit: 'time' }).describe('run length of every replica (started in the Boltzmann law)'),
  replicas: z
    .array(z.int().min(1).max(100_000))
    .min(2)
    .default([1, 2, 4, 8, 16, 32, 64])
    .describe('R: replicas averaged into one estimate of ⟨x²⟩'),
  estimates: z.int().min(100).max(100_000).default(1000).describe('independent estimates per R'),
  userPotential: potentialExpressionSchema
    .optional()
    .describe(
      'your own potential U(x) or U(x, y) (CLI: --potential "x^4/4 - x^2/2 + 0.1*x" or "(x^2 - 1)^2 + 0.5*y^2"); the observable is |x|²; a polynomial drift runs on the ensemble kernel as coefficients, any other on the CPU',
    ),
});

/** The potential: the double well x⁴/4 − x²/2, or the user's own. */
export function replicaPotential(p: Pick<ReplicaAverageParams, 'userPotential'>): Potential {
  return p.userPotential ? expressionPotential(p.userPotential, 'userPotential') : doubleWell();
}

/** The drift −∇U as data for the registry's `ensemble-em` kernel (the closed form where it is one, else the polynomial), or null. */
function kernelDrift(pot: Potential): KernelDrift | null {
  if (pot.doubleWellTilt !== undefined) return pot.doubleWellTilt === 0 ? { kind: 'double-well' } : { kind: 'double-well', tilt: pot.doubleWellTilt };
  if (pot.polynomial) return { kind: 'polynomial', coefficients: pot.polynomial.coefficients };
  return null;
}

/** ⟨|x|²⟩ and ⟨|x|⁴⟩ under exp(−U/T)/Z, by quadrature (1-D or 2-D). */
function boltzmannMoments(pot: Potential, T: number): { m2: number; m4: number } {
  if (pot.dim === 2) {
    const law = boltzmann2D(pot, T, { name: 'userPotential' });
    return { m2: law.expectation((x, y) => x * x + y * y), m4: law.expectation((x, y) => (x * x + y * y) ** 2) };
  }
  const law = boltzmann(pot, T);
  return { m2: law.expectation((x) => x * x), m4: law.expectation((x) => x ** 4) };
}

export type ReplicaAverageParams = z.output<typeof params>;

/** One replica count R: R·estimates replicas from a Boltzmann start (stream R/start), run with noise R/noise. */
interface Job {
  path: [number];
  params: ReplicaAverageParams;
  R: number;
}

export const replicaCountTask = defineExperimentTask(import.meta.url, 'langevin.replica-average/replica-count', async (job: Job, { stream, backend: name, usedBackend }): Promise<ScalingPoint> => {
  const p = job.params;
  const R = job.R;
  const pot = replicaPotential(p);
  const d = pot.dim;
  const start = d === 2 ? boltzmann2D(pot, p.temperature, { name: 'userPotential' }).sampler() : boltzmann(pot, p.temperature).sampler();
  const steps = Math.max(1, Math.round(p.time / p.dt));
  const n = R * p.estimates;
  const x = new Float64Array(n * d);
  const init = stream.child('start');
  for (let k = 0; k < n; k++) start.sample(init, x, k * d);
  const drift = kernelDrift(pot);
  const sigma = Math.sqrt(2 * p.temperature);
  const kname = name ?? 'js';
  if (drift && hasKernel('ensemble-em', kname)) {
    // the registry's ensemble kernel (js: the bytes of runEnsemble for the closed forms; webgpu: float32 on the GPU)
    const def = getKernel('ensemble-em', kname);
    const r = await def.run({ x, n, d, drift, dt: p.dt, steps, sigma, stream: stream.child('noise') });
    if (r.divergence) throw new DivergenceError(r.divergence.step, r.divergence.step * p.dt, Math.floor(r.divergence.index / d), x[r.divergence.index], { completedSteps: r.divergence.step - 1 }, `ensemble-em on ${def.backend}, dt = ${p.dt}`);
    if (def.backend !== 'js') usedBackend(def.backend);
  } else if (drift) {
    // an array backend outside the registry (TF.js): its own Euler–Maruyama step
    if (drift.kind === 'polynomial') throw new ParameterError('backend', kname, "a backend with the registry's 'ensemble-em' kernel (js, webgpu) for a polynomial potential");
    const backend = await taskBackend(name);
    runEnsemble({ x, n, d, drift, dt: p.dt, steps, sigma, stream: stream.child('noise'), backend });
    if (backend) usedBackend(backend.name);
  } else {
    // a drift that is not data (mathjs's compiled gradient, or a 2-D polynomial's monomials): Euler–Maruyama on the CPU
    if (kname === 'webgpu') throw new ParameterError('backend', kname, 'js: this potential is neither a closed form nor one polynomial per coordinate, so its drift has no GPU kernel');
    const backend = await taskBackend(name);
    const fn = (y: Float64Array, out: Float64Array, m: number) => {
      for (let i = 0; i < m; i++) pot.gradient(y, out, i * d, i * d);
      for (let k = 0; k < m * d; k++) out[k] = -out[k];
    };
    runEnsemble({ x, n, d, drift: { kind: 'batched', fn }, dt: p.dt, steps, sigma, stream: stream.child('noise'), backend });
    if (backend) usedBackend(backend.name);
  }
  // the observable |x|² of every replica, averaged over R replicas per estimate
  const est = new Moments();
  for (let e = 0; e < p.estimates; e++) {
    let acc = 0;
    for (let r = 0; r < R; r++) for (let j = 0; j < d; j++) acc += x[(e * R + r) * d + j] * x[(e * R + r) * d + j];
    est.push(acc / R);
  }
  return { budget: R, replicates: p.estimates, mean: est.mean, spread: est.variance, spreadSE: est.varianceSE, spreadRaw: est.variance, fpc: 1 };
});

const point = z.object({ budget: z.number(), replicates: z.number(), mean: anyNumber(), spread: anyNumber(), spreadSE: anyNumber(), spreadRaw: anyNumber(), fpc: anyNumber() });

const measurements = z.object({
  /** The potential's dimension: the observable is x² (1) or x² + y² (2). */
  dim: z.number(),
  exponent: anyNumber(),
  exponentSE: anyNumber(),
  prefactor: anyNumber(),
  /** Var_B(|x|²) and ⟨|x|²⟩_B from the normalised Boltzmann density (quadrature; 2-D: `boltzmann2D`). */
  boltzmannVarianceX2: anyNumber(),
  boltzmannMeanX2: anyNumber(),
  chi2Reduced: anyNumber(),
  /** Variance of the average of |x|² over R replicas, per R. */
  points: z.array(point),
});

export type ReplicaAverageMeasurements = z.output<typeof measurements>;

export const replicaAverageExperiment = defineExperiment({
  id: 'langevin.replica-average',
  domain: 'langevin',
  title: 'Ensemble averages over replicas',
  claim: 'The variance of an average of ⟨x²⟩ over R independent Langevin replicas falls as R^-1, with the Boltzmann variance of x² as prefactor.',
  description:
    'Every replica runs overdamped Langevin dynamics dx = −U′(x)dt + √(2T)dW in the double well from a Boltzmann start (Euler–Maruyama, fused tensor kernel); an estimate averages x² over R replicas. The variance over estimates is fitted against R on log–log axes (slope −1) and compared with Var_B(x²)/R from the normalised Boltzmann density. With your own 2-D potential U(x, y) the observable is x² + y² and the Boltzmann moments come from 2-D quadrature.',
  params,
  measurements,
  validate(p) {
    validateBudgets(p.replicas);
    if (p.userPotential) {
      const pot = replicaPotential(p);
      assertConfining(pot, p.temperature, 'userPotential');
      // 2-D: normalisable by quadrature on its box (ParameterErrors naming userPotential)
      if (pot.dim === 2) boltzmann2D(pot, p.temperature, { name: 'userPotential' });
    }
  },
  plan: (p) => p.replicas.map((R): Job => ({ path: [R], params: p, R })),
  task: replicaCountTask,
  reduce(points, p) {
    const pot = replicaPotential(p);
    const { m2, m4 } = boltzmannMoments(pot, p.temperature);
    const fit = fitScaling(points);
    return { dim: pot.dim, exponent: fit.exponent, exponentSE: fit.exponentSE, prefactor: fit.prefactor, boltzmannVarianceX2: m4 - m2 * m2, boltzmannMeanX2: m2, chi2Reduced: fit.chi2Reduced, points };
  },
  metrics: (m) => ({
    exponent: m.exponent,
    exponentSE: m.exponentSE,
    prefactor: m.prefactor,
    boltzmannVarianceX2: m.boltzmannVarianceX2,
    boltzmannMeanX2: m.boltzmannMeanX2,
    chi2Reduced: m.chi2Reduced,
  }),
  judge: (m) => [
    verdict({
      claim: 'Var(replica average) ∝ R^-1',
      theory: -1,
      measured: m.exponent,
      se: m.exponentSE,
      note: 'Replicas are independent, so their average is a mean of R i.i.d. draws of x²: the replica count is a budget like a batch size or a shot count.',
    }),
  ],
  present(m, p) {
    const varB = m.boltzmannVarianceX2;
    const f = m.dim === 2 ? 'x² + y²' : 'x²';
    return {
      tables: [
        {
          name: 'spread',
          title: `variance of the replica average of ${f}`,
          columns: ['budget', 'variance', 'SE', `Var_B(${f})/R`],
          rows: m.points.map((pt) => [pt.budget, pt.spread, pt.spreadSE, varB / pt.budget]),
        },
      ],
      figures: [
        xyFigure({
          name: 'variance-vs-replicas',
          title: 'Variance of an ensemble average against the number of replicas',
          x: { title: 'replicas R', log: true },
          y: { title: `Var of the average of ${f}`, log: true },
          points: m.points.map((pt) => ({ x: pt.budget, y: pt.spread, lo: pt.spread - 1.96 * pt.spreadSE, hi: pt.spread + 1.96 * pt.spreadSE, series: 'measured' })),
          lines: m.points.map((pt) => ({ x: pt.budget, y: varB / pt.budget, series: `Var_B(${f})/R` })),
        }),
      ],
      notes: [
        m.dim === 2
          ? `Boltzmann at T = ${p.temperature}: ⟨x² + y²⟩ = ${m.boltzmannMeanX2.toPrecision(5)}, Var(x² + y²) = ${varB.toPrecision(5)} (2-D quadrature). Euler–Maruyama's step bias at dt = ${p.dt} is of order dt.`
          : `Boltzmann at T = ${p.temperature}: ⟨x²⟩ = ${m.boltzmannMeanX2.toPrecision(5)}, Var(x²) = ${varB.toPrecision(5)} (quadrature). Euler–Maruyama's step bias at dt = ${p.dt} is of order dt.`,
      ],
    };
  },
});
