/**
 * langevin.boltzmann: Langevin dynamics samples the Boltzmann density exp(−U/T)/Z, up to a
 * discrete-step bias that the theory includes where it is known exactly (harmonic potentials).
 * A user's potential may be 1-D (x) or 2-D (x and y); in 2-D the density is normalised by 2-D
 * quadrature on a box (`boltzmann2D`) and the positions are judged by their second moments and a
 * χ² test on a 2-D histogram.
 */
import { anyNumber, defineExperiment, defineExperimentTask, Histogram, ksTest, ParameterError, ksVerdict, simultaneousVerdicts, xyFigure, z, type Verdict } from '@snrlab/core';
import { boltzmann2D, chiSquare2D, gaussianBox, gaussianLaw2D, moments2D, stationaryVerdicts2D, unionBox, type Boltzmann2D, type Law2D } from '../boltzmann2d.js';
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
  userPotential: potentialExpressionSchema
    .optional()
    .describe('your own potential U(x) or U(x, y) (CLI: --potential "x^4/4 - x^2/2 + 0.1*x" or "(x^2 - 1)^2 + 0.5*y^2"); replaces potential, stiffness and tilt'),
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

/** The continuum law of a 2-D user potential on its box (ParameterErrors name userPotential). */
function law2D(p: BoltzmannParams, box?: Law2D['box']): Boltzmann2D {
  return boltzmann2D(boltzmannPotential(p), p.temperature, { name: 'userPotential', ...(box ? { box } : {}) });
}

/** The problem: overdamped, or underdamped (mass 1) for BAOAB; replicas start in the continuum law. */
export function boltzmannProblem(p: BoltzmannParams, law: BoltzmannDistribution | Law2D): SdeProblem {
  const potential = boltzmannPotential(p);
  const tspan = [0, p.time] as const;
  if (!('quantile' in law)) {
    // 2-D: positions from the tabulated continuum law, momenta (BAOAB) from the Maxwell law
    const start = law.sampler();
    if (p.solver !== 'baoab') return langevinProblem({ potential, temperature: p.temperature, friction: p.friction, x0: start, tspan });
    const sq = Math.sqrt(p.temperature);
    const x0: InitialDistribution = {
      dim: 4,
      sample(stream, out, o) {
        start.sample(stream, out, o);
        out[o + 2] = sq * stream.normal();
        out[o + 3] = sq * stream.normal();
      },
    };
    return langevinProblem({ potential, temperature: p.temperature, friction: p.friction, mass: 1, x0, tspan });
  }
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

/** Final positions of the chunk's replicas, in replica order ((x, y) pairs in 2-D). */
interface JobResult {
  firstBlock: number;
  q: number[];
  /** Set when a registry kernel of a float32 backend ran the job: its steps (for the float32 allowance). */
  float32Steps?: number;
}

export const boltzmannTask = defineExperimentTask(import.meta.url, 'langevin.boltzmann/replicas', async (job: Job, { stream, backend: name, usedBackend }): Promise<JobResult> => {
  const p = job.params;
  const pot = boltzmannPotential(p);
  const law = pot.dim === 2 ? law2D(p) : boltzmann(pot, p.temperature);
  const positions = (final: Float64Array, dim: number) => {
    const n = pot.dim;
    const q = new Array<number>(job.replicas * n);
    for (let i = 0; i < job.replicas; i++) for (let j = 0; j < n; j++) q[i * n + j] = final[i * dim + j];
    return q;
  };
  if (name === 'webgpu') {
    // the GPU: the registry kernel the solver declares (ensemble-em, baoab), asynchronous, float32
    const k = await solveOnKernel(boltzmannProblem(p, law), getSolver(p.solver), { dt: p.dt, ensemble: job.replicas, stream, backend: name, blockSize: BLOCK, firstBlock: job.firstBlock });
    usedBackend(k.backend);
    return { firstBlock: job.firstBlock, q: positions(k.final, k.dim), ...(k.precision === 'float32' ? { float32Steps: k.steps } : {}) };
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
  return { firstBlock: job.firstBlock, q: positions(sol.final!, sol.dim) };
});

const ks = z.object({ statistic: anyNumber(), pValue: anyNumber(), n: z.number() });

const measurements1D = z.object({
  dim: z.literal(1),
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

const pair = z.tuple([anyNumber(), anyNumber()]);
const chi = z.object({ statistic: anyNumber(), df: z.number(), pValue: anyNumber(), n: z.number(), critical: anyNumber() });
const marginal = z.object({ x: z.array(anyNumber()), measured: z.array(anyNumber()), theory: z.array(anyNumber()), continuum: z.array(anyNumber()) });

/** A 2-D user potential: positions (x, y) against exp(−U/T)/Z normalised by 2-D quadrature on `box`. */
const measurements2D = z.object({
  dim: z.literal(2),
  /** True when the theory is the discrete chain's exact stationary law (axis-aligned harmonic potential). */
  discrete: z.boolean(),
  float32Steps: z.number().optional(),
  /** The integration and histogram box, its cells per axis, and the continuum mass in its outer ring of cells. */
  box: z.object({ x: pair, y: pair }),
  cells: z.number(),
  edgeMass: anyNumber(),
  /** Gauss–Legendre nodes per axis of the continuum law's converged rule. */
  quadratureNodes: z.number(),
  meanMeasured: pair,
  meanSE: pair,
  meanTheory: pair,
  /** [Var x, Var y]. */
  varianceMeasured: pair,
  varianceSE: pair,
  varianceTheory: pair,
  varianceContinuum: pair,
  covarianceMeasured: anyNumber(),
  covarianceSE: anyNumber(),
  covarianceTheory: anyNumber(),
  covarianceContinuum: anyNumber(),
  /** χ² of the 2-D histogram against the theory's cells (critical value at 0.05/4), and against the continuum law's. */
  chiSquare: chi,
  chiSquareContinuum: chi,
  /** Marginal densities along x and y: the histogram's, the theory's and the continuum's cell averages. */
  marginals: z.object({ x: marginal, y: marginal }),
});

const measurements = z.discriminatedUnion('dim', [measurements1D, measurements2D]);

export type BoltzmannMeasurements = z.output<typeof measurements>;
export type BoltzmannMeasurements2D = z.output<typeof measurements2D>;

/** The four checks of a 2-D run (Var x, Var y, Cov, χ²) are simultaneous. */
const FAMILY_2D = 4;

/** 2-D: the theory law on the histogram box, and the continuum law on the same box. */
function laws2D(p: BoltzmannParams): { theory: Law2D; continuum: Boltzmann2D; discrete: boolean } {
  const law = law2D(p);
  if (!isDiscrete(p)) return { theory: law, continuum: law, discrete: false };
  // an affine step: the chain's own Gaussian law, on a box that holds both laws' e^−40 contours
  const st = stationaryLaw(linearStepMap(boltzmannProblem(p, law), getSolver(p.solver), p.dt));
  const D = st.mean.length;
  const mean: [number, number] = [st.mean[0], st.mean[1]];
  const cov: [number, number, number] = [st.covariance[0], st.covariance[1], st.covariance[D + 1]];
  const box = unionBox(law.box, gaussianBox(mean, cov, law.cells));
  return { theory: gaussianLaw2D(mean, cov, box, law.cells), continuum: law2D(p, box), discrete: true };
}

function reduce2D(res: readonly JobResult[], p: BoltzmannParams): BoltzmannMeasurements2D {
  const { theory, continuum, discrete } = laws2D(p);
  const q = new Float64Array(res.reduce((n, r) => n + r.q.length, 0));
  let off = 0;
  for (const r of res) {
    q.set(r.q, off);
    off += r.q.length;
  }
  const m = moments2D(q);
  const alpha = 0.05 / FAMILY_2D;
  const chiT = chiSquare2D(q, theory, alpha);
  const chiC = chiSquare2D(q, continuum, alpha);
  const C = theory.cells;
  const { box } = theory;
  const marg = (axis: 0 | 1) => {
    const [lo, hi] = axis === 0 ? box.x : box.y;
    const w = (hi - lo) / C;
    const sum = (v: ArrayLike<number>, i: number) => {
      let s = 0;
      for (let j = 0; j < C; j++) s += v[axis === 0 ? i * C + j : j * C + i];
      return s;
    };
    const x: number[] = [];
    const measured: number[] = [];
    const th: number[] = [];
    const co: number[] = [];
    for (let i = 0; i < C; i++) {
      x.push(lo + (i + 0.5) * w);
      measured.push(sum(chiT.counts, i) / (m.n * w));
      th.push(sum(theory.cellProbabilities, i) / w);
      co.push(sum(continuum.cellProbabilities, i) / w);
    }
    return { x, measured, theory: th, continuum: co };
  };
  const f32 = res.find((r) => r.float32Steps !== undefined)?.float32Steps;
  const chiOut = (c: typeof chiT) => ({ statistic: c.statistic, df: c.df, pValue: c.pValue, n: c.n, critical: c.critical });
  return {
    dim: 2,
    discrete,
    ...(f32 !== undefined ? { float32Steps: f32 } : {}),
    box: { x: [box.x[0], box.x[1]], y: [box.y[0], box.y[1]] },
    cells: C,
    edgeMass: continuum.edgeMass,
    quadratureNodes: continuum.nodes,
    meanMeasured: m.mean,
    meanSE: m.meanSE,
    meanTheory: [theory.mean[0], theory.mean[1]],
    varianceMeasured: m.variance,
    varianceSE: m.varianceSE,
    varianceTheory: [theory.covariance[0], theory.covariance[2]],
    varianceContinuum: [continuum.covariance[0], continuum.covariance[2]],
    covarianceMeasured: m.covariance,
    covarianceSE: m.covarianceSE,
    covarianceTheory: theory.covariance[1],
    covarianceContinuum: continuum.covariance[1],
    chiSquare: chiOut(chiT),
    chiSquareContinuum: chiOut(chiC),
    marginals: { x: marg(0), y: marg(1) },
  };
}

function judge2D(m: BoltzmannMeasurements2D): Verdict[] {
  const label = m.discrete ? "the discrete chain's stationary law" : 'exp(−U/T)/Z';
  const vs = stationaryVerdicts2D(
    { variance: m.varianceMeasured, varianceSE: m.varianceSE, covariance: m.covarianceMeasured, covarianceSE: m.covarianceSE, chiSquare: m.chiSquare },
    { covariance: [m.varianceTheory[0], m.covarianceTheory, m.varianceTheory[1]] },
    { label, family: FAMILY_2D, cells: m.cells, ...(m.float32Steps !== undefined ? { allowance: (scale: number) => float32Allowance('float32', scale, m.float32Steps!) } : {}) },
  );
  const where = `Normalised by 2-D Gauss–Legendre quadrature (${m.quadratureNodes}² nodes) on [${fmt(m.box.x[0])}, ${fmt(m.box.x[1])}] × [${fmt(m.box.y[0])}, ${fmt(m.box.y[1])}]; continuum mass in the box's outer ring of cells ${m.edgeMass.toPrecision(2)}.`;
  for (const v of vs) {
    const bias = m.discrete ? 'Theory: the chain\'s exact Gaussian law (affine step).' : "Continuum value; the chain's own O(h) bias is not included.";
    v.note = `${bias} ${v.note}`;
  }
  vs[vs.length - 1].note = `${vs[vs.length - 1].note} ${where}`;
  if (m.float32Steps !== undefined) for (const v of vs.slice(0, 3)) if (v.allowance) v.note = `${v.note} Float32 kernel (webgpu): allowance ${v.allowance.value.toPrecision(2)} — ${v.allowance.derivation}.`;
  return vs;
}

function present2D(m: BoltzmannMeasurements2D, p: BoltzmannParams) {
  const blank = (r: (string | number)[]) => r.map((v) => (typeof v === 'number' && Number.isNaN(v) ? '' : v));
  const series = (axis: 'x' | 'y') => {
    const g = m.marginals[axis];
    return {
      points: g.x.map((x, i) => ({ x, y: g.measured[i], series: `${axis}: measured` })),
      lines: [...g.x.map((x, i) => ({ x, y: g.continuum[i], series: `${axis}: exp(−U/T)/Z` })), ...(m.discrete ? g.x.map((x, i) => ({ x, y: g.theory[i], series: `${axis}: discrete chain` })) : [])],
    };
  };
  const sx = series('x');
  const sy = series('y');
  return {
    tables: [
      {
        name: 'laws',
        title: `${p.solver}, h = ${p.dt}, T = ${p.temperature}, ${p.replicas} replicas, U = ${p.userPotential!.expression}`,
        columns: ['law', 'Var(x)', 'Var(y)', 'Cov(x, y)', 'χ²', 'df', 'χ² p-value'],
        rows: [
          blank(['measured', m.varianceMeasured[0], m.varianceMeasured[1], m.covarianceMeasured, NaN, NaN, NaN]),
          blank([m.discrete ? 'discrete chain (theory)' : 'continuum (theory)', m.varianceTheory[0], m.varianceTheory[1], m.covarianceTheory, m.chiSquare.statistic, m.chiSquare.df, m.chiSquare.pValue]),
          blank(['continuum exp(−U/T)/Z', m.varianceContinuum[0], m.varianceContinuum[1], m.covarianceContinuum, m.chiSquareContinuum.statistic, m.chiSquareContinuum.df, m.chiSquareContinuum.pValue]),
        ],
      },
    ],
    figures: [
      xyFigure({
        name: 'marginals',
        title: 'Marginal densities of the positions (histogram cells) against the theory',
        x: { title: 'x or y' },
        y: { title: 'density' },
        points: [...sx.points, ...sy.points],
        lines: [...sx.lines, ...sy.lines],
      }),
    ],
    notes: [
      `2-D: exp(−U/T) normalised by quadrature on [${fmt(m.box.x[0])}, ${fmt(m.box.x[1])}] × [${fmt(m.box.y[0])}, ${fmt(m.box.y[1])}] (the e^−40 region plus one cell per side; ${m.edgeMass.toPrecision(2)} of the mass in the outer ring of cells); the χ² test uses its ${m.cells}×${m.cells} cells.`,
      m.discrete
        ? `Against the continuum law χ² = ${fmt(m.chiSquareContinuum.statistic, 4)} on ${m.chiSquareContinuum.df} df (p = ${fmt(m.chiSquareContinuum.pValue, 3)}): at h = ${p.dt} the chain samples its own Gaussian law, which the discrete theory predicts.`
        : `The continuum density is the theory; the chain's O(h) bias shows up at large samples or large h.`,
    ],
  };
}

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
    if (p.userPotential) assertConfining(pot, p.temperature, 'userPotential');
    if (pot.dim === 2) {
      // normalisable on its box (ParameterErrors naming userPotential), and a problem the solver takes
      const law = law2D(p);
      getSolver(p.solver).check(boltzmannProblem(p, law));
      return;
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
  reduce(res, p): BoltzmannMeasurements {
    if (boltzmannPotential(p).dim === 2) return reduce2D(res, p);
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
      dim: 1,
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
  metrics: (m): Record<string, number> =>
    m.dim === 2
      ? {
          varianceMeasuredX: m.varianceMeasured[0],
          varianceMeasuredY: m.varianceMeasured[1],
          varianceSEX: m.varianceSE[0],
          varianceSEY: m.varianceSE[1],
          varianceTheoryX: m.varianceTheory[0],
          varianceTheoryY: m.varianceTheory[1],
          varianceContinuumX: m.varianceContinuum[0],
          varianceContinuumY: m.varianceContinuum[1],
          covarianceMeasured: m.covarianceMeasured,
          covarianceSE: m.covarianceSE,
          covarianceTheory: m.covarianceTheory,
          meanMeasuredX: m.meanMeasured[0],
          meanMeasuredY: m.meanMeasured[1],
          chiSquare: m.chiSquare.statistic,
          chiSquareDf: m.chiSquare.df,
          chiSquarePValue: m.chiSquare.pValue,
          chiSquareContinuum: m.chiSquareContinuum.statistic,
          chiSquarePValueContinuum: m.chiSquareContinuum.pValue,
          edgeMass: m.edgeMass,
        }
      : {
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
        },
  judge(m) {
    if (m.dim === 2) return judge2D(m);
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
    if (m.dim === 2) return present2D(m, p);
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
