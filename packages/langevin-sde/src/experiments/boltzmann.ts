/**
 * langevin.boltzmann: Langevin dynamics samples the Boltzmann density exp(−U/T)/Z, up to a
 * discrete-step bias that the theory includes where it is known exactly (harmonic potentials).
 */
import { anyNumber, defineExperiment, defineExperimentTask, Histogram, ksTest, ParameterError, ksVerdict, simultaneousVerdicts, xyFigure, z } from '@snrlab/core';
import { checkStationary, gaussianLaw, type Law1D } from '../checks.js';
import { linearStepMap, stationaryLaw } from '../discrete.js';
import { assertConfining, expressionPotential, potentialExpressionSchema } from '../expression.js';
import { float32Allowance, solveOnKernel } from '../kernel-solve.js';
import { doubleWell, harmonic, type Potential } from '../potentials.js';
import { langevinProblem, type SdeProblem } from '../problem.js';
import { boltzmann, type BoltzmannDistribution, type InitialDistribution } from '../reference.js';
import { solve } from '../solve.js';
import { getSolver } from '../solvers.js';
import { fmt, replicaJobs, taskBackend } from './common.js';

const params = z.object({
  potential: z.enum(['harmonic', 'double-well']).default('harmonic').describe('U = k x²/2, or the double well x⁴/4 − x²/2 − tilt·x'),
  stiffness: z.number().gt(0).max(1e3).default(1).meta({ unit: 'energy/length²' }).describe('k of the harmonic potential'),
  tilt: z.number().min(-0.38).max(0.38).default(0).meta({ unit: 'energy/length' }).describe('tilt of the double well (|tilt| < 2/√27 keeps two wells)'),
  temperature: z.number().gt(0).max(100).default(1).meta({ unit: 'energy' }).describe('T (k_B = 1)'),
  friction: z.number().gt(0).max(100).default(1).meta({ unit: 'mass/time' }).describe('γ; D = T/γ'),
  dt: z.number().gt(0).max(2).default(0.1).meta({ unit: 'time' }).describe('step size h'),
  solver: z.enum(['euler-maruyama', 'milstein', 'sra1', 'exact-ou', 'baoab']).default('euler-maruyama').describe('solver (baoab runs underdamped dynamics with mass 1; exact-ou needs the harmonic potential)'),
  time: z.number().gt(0).max(1e4).default(20).meta({ unit: 'time' }).describe('run length: replicas start in the continuum Boltzmann law and relax to the chain\'s stationary law'),
  replicas: z.int().min(100).max(10_000_000).default(100_000).describe('independent replicas; their final positions are the sample'),
  userPotential: potentialExpressionSchema.optional().describe('your own 1-D potential U(x) (CLI: --potential "x^4/4 - x^2/2 + 0.1*x"); replaces potential, stiffness and tilt'),
});

export type BoltzmannParams = z.output<typeof params>;

const BLOCK = 4096;
const CHUNK = 8 * BLOCK;

export function boltzmannPotential(p: Pick<BoltzmannParams, 'potential' | 'stiffness' | 'tilt' | 'userPotential'>): Potential {
  if (p.userPotential) return expressionPotential(p.userPotential, 'userPotential');
  return p.potential === 'harmonic' ? harmonic({ stiffness: p.stiffness }) : doubleWell({ tilt: p.tilt });
}

/** Whether the theory is the discrete chain's exact law: the step is affine (a harmonic potential). */
function isDiscrete(p: BoltzmannParams): boolean {
  return p.userPotential ? boltzmannPotential(p).quadratic !== undefined : p.potential === 'harmonic';
}

/** The problem: overdamped, or underdamped (mass 1) for BAOAB; replicas start in the continuum law. */
export function boltzmannProblem(p: BoltzmannParams, law: BoltzmannDistribution): SdeProblem {
  const potential = boltzmannPotential(p);
  const tspan = [0, p.time] as const;
  if (p.solver === 'baoab') {
    const sq = Math.sqrt(p.temperature);
    const x0: InitialDistribution = {
      dim: 2,
      sample(stream, out, o) {
        out[o] = law.quantile(stream.uniform());
        out[o + 1] = sq * stream.normal();
      },
    };
    return langevinProblem({ potential, temperature: p.temperature, friction: p.friction, mass: 1, x0, tspan });
  }
  return langevinProblem({ potential, temperature: p.temperature, friction: p.friction, x0: law.sampler(), tspan });
}

/** A chunk of replicas: blocks of the one stream `replicas`, from `firstBlock` on. */
interface Job {
  path: ['replicas'];
  params: BoltzmannParams;
  firstBlock: number;
  replicas: number;
}

/** Final positions of the chunk's replicas, in replica order. */
interface JobResult {
  firstBlock: number;
  q: number[];
  /** Set when a registry kernel of a float32 backend ran the job: its steps (for the float32 allowance). */
  float32Steps?: number;
}

export const boltzmannTask = defineExperimentTask(import.meta.url, 'langevin.boltzmann/replicas', async (job: Job, { stream, backend: name, usedBackend }): Promise<JobResult> => {
  const p = job.params;
  const law = boltzmann(boltzmannPotential(p), p.temperature);
  if (name === 'webgpu') {
    // the GPU: the registry kernel the solver declares (ensemble-em, baoab), asynchronous, float32
    const k = await solveOnKernel(boltzmannProblem(p, law), getSolver(p.solver), { dt: p.dt, ensemble: job.replicas, stream, backend: name, blockSize: BLOCK, firstBlock: job.firstBlock });
    usedBackend(k.backend);
    const q = new Array<number>(job.replicas);
    for (let i = 0; i < q.length; i++) q[i] = k.final[i * k.dim];
    return { firstBlock: job.firstBlock, q, ...(k.precision === 'float32' ? { float32Steps: k.steps } : {}) };
  }
  const backend = await taskBackend(name);
  const sol = solve(boltzmannProblem(p, law), getSolver(p.solver), {
    dt: p.dt,
    ensemble: job.replicas,
    stream,
    backend,
    blockSize: BLOCK,
    firstBlock: job.firstBlock,
  });
  if (backend && sol.fused) usedBackend(backend.name);
  const d = sol.dim;
  const q = new Array<number>(job.replicas);
  for (let i = 0; i < q.length; i++) q[i] = sol.final![i * d];
  return { firstBlock: job.firstBlock, q };
});

const ks = z.object({ statistic: anyNumber(), pValue: anyNumber(), n: z.number() });

const measurements = z.object({
  /** True when the theory is the discrete chain's exact stationary law (harmonic potential), else the continuum density. */
  discrete: z.boolean(),
  /** Steps run by a float32 kernel (webgpu), for the rounding allowance; absent on float64 backends. */
  float32Steps: z.number().optional(),
  varianceMeasured: anyNumber(),
  varianceSE: anyNumber(),
  meanMeasured: anyNumber(),
  meanSE: anyNumber(),
  varianceTheory: anyNumber(),
  meanTheory: anyNumber(),
  varianceContinuum: anyNumber(),
  /** KS test against the theory, and against the continuum law exp(−U/T)/Z. */
  ks,
  ksContinuum: ks,
  /** Histogram of the positions (80 bins on the law's range) and the continuum density at its centres. */
  histogram: z.object({ x: z.array(anyNumber()), density: z.array(anyNumber()), continuum: z.array(anyNumber()) }),
});

export type BoltzmannMeasurements = z.output<typeof measurements>;

export const boltzmannExperiment = defineExperiment({
  id: 'langevin.boltzmann',
  domain: 'langevin',
  title: 'Langevin dynamics samples exp(−U/T)/Z — up to the step-size bias',
  claim: 'The stationary positions of Langevin dynamics follow exp(−U/T)/Z; a discretised chain follows its own stationary law, e.g. Euler–Maruyama on U = x²/2 at T = 1 has variance 1/(1 − h/2), not 1.',
  description:
    'Replicas start in the continuum Boltzmann law and run for the given time; their final positions are tested against the theory. For the harmonic potential the theory is the exact stationary law of the discretised chain (Gaussian; computed from the solver\'s one-step map), which for Euler–Maruyama at T = 1, k = 1 has variance 1/(1 − h/2). The continuum law exp(−U/T)/Z is reported beside it (ksPValueContinuum, varianceContinuum) to show that the step-size bias is real and resolved. For the double well the theory is the continuum density, normalised by quadrature; its step-size bias is O(h), so small steps are needed there. Overdamped dynamics: dx = −U′(x)/γ dt + √(2T/γ) dW; BAOAB: underdamped with mass 1.',
  params,
  measurements,
  validate(p) {
    const pot = boltzmannPotential(p);
    if (p.userPotential) {
      if (pot.dim !== 1) throw new ParameterError('userPotential.dim', pot.dim, '1: langevin.boltzmann tests the 1-D density (a 2-D potential runs in the library: langevinProblem)');
      assertConfining(pot, p.temperature, 'userPotential');
    }
    let law: BoltzmannDistribution;
    try {
      law = boltzmann(pot, p.temperature);
    } catch (e) {
      throw new ParameterError(p.userPotential ? 'userPotential' : 'potential', p.userPotential?.expression ?? p.potential, 'a potential whose Boltzmann density exp(−U/T) can be normalised', (e as Error).message);
    }
    if (!(Number.isFinite(law.logZ) && Number.isFinite(law.variance) && law.variance > 0)) {
      throw new ParameterError(p.userPotential ? 'userPotential' : 'potential', p.userPotential?.expression ?? p.potential, 'a potential whose Boltzmann density exp(−U/T) can be normalised', `the normalising integral by quadrature gave log Z = ${law.logZ}, variance ${law.variance}`);
    }
    getSolver(p.solver).check(boltzmannProblem(p, law));
  },
  plan: (p) => replicaJobs(p.replicas, CHUNK, BLOCK).map((j): Job => ({ path: ['replicas'], params: p, ...j })),
  task: boltzmannTask,
  reduce(res, p) {
    const law = boltzmann(boltzmannPotential(p), p.temperature);
    // theory: the discrete chain's exact law where the step is affine, else the continuum density
    let theory: Law1D = law;
    const discrete = isDiscrete(p);
    if (discrete) {
      const st = stationaryLaw(linearStepMap(boltzmannProblem(p, law), getSolver(p.solver), p.dt));
      theory = gaussianLaw(st.mean[0], st.covariance[0]);
    }
    const q = new Float64Array(res.reduce((n, r) => n + r.q.length, 0));
    let off = 0;
    for (const r of res) {
      q.set(r.q, off);
      off += r.q.length;
    }
    const check = checkStationary(q, theory);
    const ksCont = ksTest(q, law.cdf);
    const hist = new Histogram(law.lo, law.hi, 80).pushAll(q);
    const centers = Array.from(hist.centers());
    const f32 = res.find((r) => r.float32Steps !== undefined)?.float32Steps;
    return {
      discrete,
      ...(f32 !== undefined ? { float32Steps: f32 } : {}),
      varianceMeasured: check.variance,
      varianceSE: check.varianceSE,
      meanMeasured: check.mean,
      meanSE: check.meanSE,
      varianceTheory: theory.variance,
      meanTheory: theory.mean ?? law.mean,
      varianceContinuum: law.variance,
      ks: { statistic: check.ks.statistic, pValue: check.ks.pValue, n: check.ks.n },
      ksContinuum: { statistic: ksCont.statistic, pValue: ksCont.pValue, n: ksCont.n },
      histogram: { x: centers, density: Array.from(hist.density()), continuum: centers.map((x) => law.pdf(x)) },
    };
  },
  metrics: (m) => ({
    ksStatistic: m.ks.statistic,
    ksPValue: m.ks.pValue,
    varianceMeasured: m.varianceMeasured,
    varianceSE: m.varianceSE,
    varianceTheory: m.varianceTheory,
    varianceContinuum: m.varianceContinuum,
    meanMeasured: m.meanMeasured,
    meanSE: m.meanSE,
    meanTheory: m.meanTheory,
    ksStatisticContinuum: m.ksContinuum.statistic,
    ksPValueContinuum: m.ksContinuum.pValue,
  }),
  judge(m) {
    // as checkStationary: simultaneous over the variance and the KS check
    const label = m.discrete ? "the discrete chain's stationary law" : 'exp(−U/T)/Z';
    // on a float32 kernel (webgpu) the rounding of the state is a stated allowance (derived in float32Allowance)
    const f32 = m.float32Steps !== undefined ? float32Allowance('float32', m.varianceTheory, m.float32Steps) : undefined;
    const [v] = simultaneousVerdicts([{ claim: `Var(x) is the variance of ${label} (${m.varianceTheory.toPrecision(6)})`, theory: m.varianceTheory, measured: m.varianceMeasured, se: m.varianceSE, ...(f32 ? { allowance: f32 } : {}) }], 2);
    v.note = m.discrete
      ? `Continuum value T/k = ${fmt(m.varianceContinuum, 6)}; the step bias is ${fmt(m.varianceTheory - m.varianceContinuum, 3)} (the measurement is ${fmt((m.varianceMeasured - m.varianceContinuum) / m.varianceSE, 3)} SE from the continuum). ${v.note}`
      : `Continuum value from quadrature; the chain's own O(h) bias is not included. ${v.note}`;
    if (f32) v.note = `${v.note} Float32 kernel (webgpu; declared tolerance: the same law, 4 SE): allowance ${f32.value.toPrecision(2)} — ${f32.derivation}.`;
    return [v, ksVerdict(m.ks, `The sample follows ${label} (KS distance 0)`, 2)];
  },
  present(m, p) {
    const sdTheory = Math.sqrt(m.varianceTheory);
    const centers = m.histogram.x;
    return {
      tables: [
        {
          name: 'laws',
          title: `${p.solver}, h = ${p.dt}, T = ${p.temperature}, ${p.replicas} replicas`,
          columns: ['law', 'variance', 'KS distance', 'KS p-value'],
          rows: [
            ['measured', m.varianceMeasured, NaN, NaN],
            [m.discrete ? 'discrete chain (theory)' : 'continuum (theory)', m.varianceTheory, m.ks.statistic, m.ks.pValue],
            ['continuum exp(−U/T)/Z', m.varianceContinuum, m.ksContinuum.statistic, m.ksContinuum.pValue],
          ].map((r) => r.map((v) => (typeof v === 'number' && Number.isNaN(v) ? '' : v))),
        },
      ],
      figures: [
        xyFigure({
          name: 'density',
          title: 'Histogram of positions against the theory densities',
          x: { title: 'x' },
          y: { title: 'density' },
          points: centers.map((x, i) => ({ x, y: m.histogram.density[i], series: 'measured' })),
          lines: [
            ...centers.map((x, i) => ({ x, y: m.histogram.continuum[i], series: 'exp(−U/T)/Z' })),
            ...(m.discrete ? centers.map((x) => ({ x, y: Math.exp(-0.5 * ((x - m.meanTheory) / sdTheory) ** 2) / (sdTheory * Math.sqrt(2 * Math.PI)), series: 'discrete chain' })) : []),
          ],
        }),
      ],
      notes: [
        m.discrete
          ? `Against the continuum law the KS p-value is ${fmt(m.ksContinuum.pValue, 3)}: at h = ${p.dt} the chain samples a slightly different distribution, which the discrete theory predicts.`
          : `The continuum density is the theory; Euler–Maruyama's O(h) bias shows up as a small KS distance at large samples.`,
      ],
    };
  },
});
