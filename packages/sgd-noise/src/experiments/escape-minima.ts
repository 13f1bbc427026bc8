/**
 * sgd.escape-minima: mini-batch noise lets SGD escape a local minimum, at the rate of a Langevin
 * particle at the temperature T = ησ²/(2B): Arrhenius/Kramers, τ ≈ 2π/√(U″(a)|U″(s)|)·e^{ΔU/T},
 * and exactly the Langevin mean first-passage time as η → 0. At a fixed T a larger step (with B
 * grown to keep T) makes the discrete chain depart from it.
 */
import { anyNumber, defineExperiment, defineExperimentTask, defineStage, directionalVerdict, linearFit, Moments, ParameterError, simultaneousVerdicts, verdict, xyFigure, z, type Verdict } from '@snrlab/core';
import { mfptExact } from '@snrlab/langevin-sde';
import { fmt } from './common.js';

const params = z.object({
  learningRate: z.number().gt(0).max(0.5).default(0.01).describe('η of the temperature sweep'),
  sigma2: z.number().gt(0).max(1e9).default(40).describe('σ², the (1/N) variance of the N per-example gradient noises ξ_i (per-example gradient U′(x) + ξ_i)'),
  batchSizes: z.array(z.int().min(1).max(100_000)).min(3).default([1, 2, 3, 4, 5]).meta({ unit: 'examples' }).describe('batch sizes B of the temperature sweep: T = ησ²/(2B)'),
  datasetSize: z.int().min(16).max(1_000_000).default(1000).meta({ unit: 'examples' }).describe('N per-example noises ξ_i (Gaussian draws, centred and scaled to variance exactly σ²)'),
  replicas: z.int().min(20).max(1_000_000).default(200).describe('escapes per batch size (and per learning rate of the departure sweep)'),
  departureTemperature: z.number().gt(0).max(10).default(0.1).describe('T of the departure sweep (each η there gets B = ησ²/(2T), which must come out an integer)'),
  departureRates: z.array(z.number().gt(0).max(1)).min(2).default([0.01, 0.05, 0.1, 0.2, 0.4]).describe('learning rates of the departure sweep at fixed T (increasing)'),
  maxTimeFactor: z.number().min(2).max(1000).default(30).describe('a run stops (censored) at this many times the exact Langevin MFPT'),
});

type Params = z.output<typeof params>;

/** U = x⁴/4 − x²/2: minima at ±1 (U″ = 2), barrier ΔU = 1/4 at 0 (U″ = −1). Start at −1, escape on reaching +1. */
const U = (x: number) => 0.25 * x * x * x * x - 0.5 * x * x;
const BARRIER = 0.25;
const X0 = -1;
const EXIT = 1;
/** Kramers: τ = 2π/√(U″(a)|U″(s)|)·e^{ΔU/T} = √2π·e^{1/(4T)}. */
export const kramersTime = (T: number) => ((2 * Math.PI) / Math.SQRT2) * Math.exp(BARRIER / T);
/** Exact MFPT of dX = −U′dt + √(2T)dW from −1 to +1 (langevin-sde's quadrature). */
export const langevinTime = (T: number) => mfptExact({ potential: U, temperature: T, x0: X0, b: EXIT });

const temperature = (eta: number, sigma2: number, B: number) => (eta * sigma2) / (2 * B);

/** The per-example noises: N Gaussian draws, centred, scaled so that their 1/N variance is σ² exactly. */
export const noiseTask = defineExperimentTask(import.meta.url, 'sgd.escape-minima/noise', (job: { path: []; p: Params }, { stream }) => {
  const { p } = job;
  const s = stream.child('data');
  const xi = Array.from({ length: p.datasetSize }, () => s.normal());
  const m = xi.reduce((a, v) => a + v, 0) / xi.length;
  let v = 0;
  for (let i = 0; i < xi.length; i++) {
    xi[i] -= m;
    v += xi[i] * xi[i];
  }
  const c = Math.sqrt((p.sigma2 * xi.length) / v);
  return { xi: xi.map((x) => x * c) };
});

interface RunJob {
  path: ['temperature' | 'departure', number, number];
  xi: number[];
  eta: number;
  B: number;
  replicas: [number, number];
  maxTime: number;
}

interface RunResult {
  sweep: 'temperature' | 'departure';
  index: number;
  times: number[];
  censored: number;
}

/** SGD x ← x − η(U′(x) + ξ̄_B) from −1 until x ≥ +1 (time η·steps); runs past maxTime are censored. */
export const runTask = defineExperimentTask(import.meta.url, 'sgd.escape-minima/run', (job: RunJob, { stream, signal }): RunResult => {
  const { xi, eta, B } = job;
  const N = xi.length;
  const maxSteps = Math.ceil(job.maxTime / eta);
  const times: number[] = [];
  let censored = 0;
  for (let r = job.replicas[0]; r < job.replicas[1]; r++) {
    if (signal?.aborted) break;
    const s = stream.child(r);
    let x = X0;
    let k = 0;
    for (; k < maxSteps; k++) {
      let g = 0;
      for (let b = 0; b < B; b++) g += xi[s.integer(N)];
      x -= eta * (x * x * x - x + g / B);
      if (x >= EXIT) break;
    }
    if (k < maxSteps) times.push((k + 1) * eta);
    else censored++;
  }
  return { sweep: job.path[0], index: job.path[1], times, censored };
});

const row = z.object({
  eta: anyNumber(),
  B: anyNumber(),
  T: anyNumber(),
  /** ηU″(−1): the discrete-step parameter in the well. */
  etaCurvature: anyNumber(),
  escaped: z.number(),
  censored: z.number(),
  /** Mean escape time (MLE with censoring: total time / escapes) and its SE. */
  mean: anyNumber(),
  se: anyNumber(),
  langevin: anyNumber(),
  kramers: anyNumber(),
});
const measurements = z.object({
  barrier: anyNumber(),
  temperatureSweep: z.array(row),
  departureSweep: z.array(row),
  /** Weighted slope of ln τ against 1/T (ΔU for Arrhenius), and that of the exact Langevin MFPT over the same T. */
  arrheniusSlope: anyNumber(),
  arrheniusSlopeSE: anyNumber(),
  langevinSlope: anyNumber(),
  /** Mean escape time over the exact MFPT at the largest η of the departure sweep, in log, with SE. */
  departureLogRatio: anyNumber(),
  departureLogRatioSE: anyNumber(),
});
type Measurements = z.output<typeof measurements>;
type Row = z.output<typeof row>;

const BLOCKS = 4;

function departureBatch(p: Params, eta: number): number {
  return (eta * p.sigma2) / (2 * p.departureTemperature);
}

/** Mean escape time and SE: the sample mean when nothing was censored, else the exponential MLE (total time / escapes) with censoring at `cap`. */
function escapeStats(times: number[], censored: number, cap: number): { mean: number; se: number } {
  if (times.length === 0) return { mean: NaN, se: NaN };
  if (censored === 0) {
    const m = Moments.of(times);
    return { mean: m.mean, se: m.sem };
  }
  const mean = (times.reduce((a, v) => a + v, 0) + censored * cap) / times.length;
  return { mean, se: mean / Math.sqrt(times.length) };
}

export const escapeMinimaExperiment = defineExperiment({
  id: 'sgd.escape-minima',
  domain: 'sgd',
  title: 'SGD escapes a local minimum at its temperature',
  claim: 'Mini-batch SGD in a double well escapes a minimum at the Arrhenius/Kramers rate of a Langevin particle at T = ησ²/(2B) — its mean escape time equals the exact Langevin mean first-passage time as η → 0 — and departs from it as η grows at fixed T.',
  description:
    'The double well U = x⁴/4 − x²/2 (barrier ΔU = 1/4) with finite-data noise: the per-example gradient is U′(x) + ξ_i with N fixed noises of variance σ², and a step averages B of them drawn with replacement, so SGD is x ← x − η(U′(x) + ξ̄_B) with T = ησ²/(2B). Each run starts in the left minimum and stops when x reaches the right one; the mean escape time (in time η·steps) is compared, over a sweep of B, with the exact mean first-passage time of the overdamped Langevin equation at the same T (mfptExact of @snrlab/langevin-sde, Gardiner\'s double integral) and with Kramers\' law √2π·e^{ΔU/T}; ln τ against 1/T gives the barrier. A second sweep keeps T fixed and raises η (with B = ησ²/(2T)) to show where the discrete chain departs from the Langevin time.',
  params,
  measurements,
  live: false,
  validate(p) {
    if (new Set(p.batchSizes).size !== p.batchSizes.length) throw new ParameterError('batchSizes', p.batchSizes, 'distinct values');
    for (let i = 1; i < p.departureRates.length; i++) if (!(p.departureRates[i] > p.departureRates[i - 1])) throw new ParameterError('departureRates', p.departureRates, 'strictly increasing values');
    for (const eta of p.departureRates) {
      const B = departureBatch(p, eta);
      if (Math.abs(B - Math.round(B)) > 1e-9 || Math.round(B) < 1) throw new ParameterError('departureRates[]', eta, `a rate with B = ησ²/(2T) = ${fmt(B, 4)} a whole number ≥ 1 (σ² = ${p.sigma2}, T = ${p.departureTemperature})`);
    }
    // the slowest escape must fit: e^{ΔU/T} at the smallest T
    const Tmin = Math.min(temperature(p.learningRate, p.sigma2, Math.max(...p.batchSizes)), p.departureTemperature);
    const steps = kramersTime(Tmin) / Math.min(p.learningRate, p.departureRates[0]);
    if (steps > 5e7) throw new ParameterError('batchSizes', p.batchSizes, `batch sizes with T = ησ²/(2B) ≥ ${fmt(BARRIER / Math.log((5e7 * p.learningRate) / 4.44), 3)} (the escape would take over 5·10⁷ steps)`);
    if (p.learningRate * 2 >= 1) throw new ParameterError('learningRate', p.learningRate, 'a value below 0.5 (ηU″ < 1 in the wells)');
  },
  stages: [
    defineStage({ name: 'noise', plan: (p: Params) => [{ path: [] as [], p }], task: noiseTask, reduce: ([n]: { xi: number[] }[]) => n }),
    defineStage({
      name: 'runs',
      plan: (p: Params, prior) => {
        const xi = (prior.noise as { xi: number[] }).xi;
        const jobs: RunJob[] = [];
        const split = (sweep: 'temperature' | 'departure', i: number, eta: number, B: number) => {
          const maxTime = p.maxTimeFactor * langevinTime(temperature(eta, p.sigma2, B));
          for (let k = 0; k < BLOCKS; k++) jobs.push({ path: [sweep, i, k], xi, eta, B, replicas: [Math.floor((k * p.replicas) / BLOCKS), Math.floor(((k + 1) * p.replicas) / BLOCKS)], maxTime });
        };
        p.batchSizes.forEach((B, i) => split('temperature', i, p.learningRate, B));
        p.departureRates.forEach((eta, i) => split('departure', i, eta, Math.round(departureBatch(p, eta))));
        return jobs;
      },
      task: runTask,
      reduce(results: RunResult[], p: Params, _prior, info): Measurements {
        const jobs = info.jobs as RunJob[];
        const rowFor = (sweep: 'temperature' | 'departure', i: number, eta: number, B: number): Row => {
          const parts = results.filter((r) => r.sweep === sweep && r.index === i);
          const cap = jobs.find((j) => j.path[0] === sweep && j.path[1] === i)?.maxTime ?? 0;
          const times = parts.flatMap((r) => r.times);
          const censored = parts.reduce((a, r) => a + r.censored, 0);
          const T = temperature(eta, p.sigma2, B);
          return { eta, B, T, etaCurvature: 2 * eta, escaped: times.length, censored, ...escapeStats(times, censored, cap), langevin: langevinTime(T), kramers: kramersTime(T) };
        };
        const temperatureSweep = p.batchSizes.map((B, i) => rowFor('temperature', i, p.learningRate, B));
        const departureSweep = p.departureRates.map((eta, i) => rowFor('departure', i, eta, Math.round(departureBatch(p, eta))));
        const ok = temperatureSweep.filter((r) => r.escaped > 1 && r.se > 0);
        const fit = ok.length >= 2 ? linearFit(ok.map((r) => 1 / r.T), ok.map((r) => Math.log(r.mean)), ok.map((r) => r.se / r.mean)) : null;
        const lfit = linearFit(temperatureSweep.map((r) => 1 / r.T), temperatureSweep.map((r) => Math.log(r.langevin)));
        const last = departureSweep[departureSweep.length - 1];
        return {
          barrier: BARRIER,
          temperatureSweep,
          departureSweep,
          arrheniusSlope: fit ? fit.slope : NaN,
          arrheniusSlopeSE: fit ? fit.slopeSE : NaN,
          langevinSlope: lfit.slope,
          departureLogRatio: Math.log(last.mean / last.langevin),
          departureLogRatioSE: last.se / last.mean,
        };
      },
    }),
  ],
  metrics: (m) => ({
    arrheniusSlope: m.arrheniusSlope,
    arrheniusSlopeSE: m.arrheniusSlopeSE,
    langevinSlope: m.langevinSlope,
    barrier: m.barrier,
    departureLogRatio: m.departureLogRatio,
    departureLogRatioSE: m.departureLogRatioSE,
    meanTimeSmallestT: m.temperatureSweep.reduce((a, r) => (r.T < a.T ? r : a)).mean,
    langevinTimeSmallestT: m.temperatureSweep.reduce((a, r) => (r.T < a.T ? r : a)).langevin,
  }),
  judge(m, p) {
    const out: Verdict[] = [];
    const allowance = Math.abs(m.langevinSlope - m.barrier);
    out.push(
      verdict({
        claim: `Arrhenius: ln τ grows with 1/T with slope ΔU = ${m.barrier} (the barrier height)`,
        theory: m.barrier,
        measured: m.arrheniusSlope,
        se: m.arrheniusSlopeSE,
        allowance: { value: allowance, derivation: `the slope of the exact Langevin MFPT over the same temperatures (${fmt(m.langevinSlope, 4)}) differs from ΔU by the temperature dependence of the Kramers prefactor and the transit time; computed from mfptExact, not from the runs` },
        effect: m.barrier,
        note: `Weighted fit of ln(mean escape time) against 1/T over B = ${p.batchSizes.join(', ')} (T = ${m.temperatureSweep.map((r) => fmt(r.T, 3)).join(', ')}).`,
      }),
      verdict({
        claim: 'The slope of ln τ against 1/T equals that of the exact Langevin MFPT over the same temperatures',
        theory: m.langevinSlope,
        measured: m.arrheniusSlope,
        se: m.arrheniusSlopeSE,
        note: 'Langevin MFPT from −1 to +1 at each T by Gardiner\'s double integral (langevin-sde mfptExact).',
      }),
      ...simultaneousVerdicts(
        m.temperatureSweep.map((r) => ({
          claim: `B = ${r.B} (T = ${fmt(r.T, 3)}): mean escape time = the exact Langevin MFPT at T = ησ²/(2B)`,
          theory: r.langevin,
          measured: r.mean,
          se: r.se,
          note: `${r.escaped} escapes${r.censored ? `, ${r.censored} censored` : ''}; ηU″(−1) = ${fmt(r.etaCurvature, 2)}; Kramers gives ${fmt(r.kramers, 4)}.`,
        })),
      ),
    );
    const last = m.departureSweep[m.departureSweep.length - 1];
    out.push(
      directionalVerdict({
        claim: `At fixed T = ${p.departureTemperature}, the discrete chain with η = ${last.eta} (ηU″ = ${fmt(last.etaCurvature, 2)}) escapes faster than the Langevin MFPT (ln(τ/τ_Langevin) < 0)`,
        measured: m.departureLogRatio,
        se: m.departureLogRatioSE,
        direction: 'below',
        note: `τ = ${fmt(last.mean, 4)} ± ${fmt(last.se, 2)} against τ_Langevin = ${fmt(last.langevin, 4)} (B = ${last.B}). A discrete step overshoots: in the well the chain is hotter by 2/(2 − ηU″), as on a quadratic.`,
      }),
    );
    return out;
  },
  present(m, p) {
    const Ts = m.temperatureSweep.map((r) => r.T);
    const lo = Math.min(...Ts);
    const hi = Math.max(...Ts);
    const curve = Array.from({ length: 25 }, (_, i) => 1 / hi + ((1 / lo - 1 / hi) * i) / 24);
    return {
      tables: [
        {
          name: 'temperature-sweep',
          title: `Mean escape time from the left well (η = ${p.learningRate}, σ² = ${p.sigma2})`,
          columns: ['B', 'T', 'escapes', 'censored', 'mean τ', 'SE', 'Langevin MFPT', 'Kramers'],
          rows: m.temperatureSweep.map((r) => [r.B, r.T, r.escaped, r.censored, r.mean, r.se, r.langevin, r.kramers]),
        },
        {
          name: 'departure-sweep',
          title: `Fixed T = ${p.departureTemperature}: larger steps`,
          columns: ['η', 'B', 'ηU″(−1)', 'mean τ', 'SE', 'Langevin MFPT', 'τ/τ_Langevin'],
          rows: m.departureSweep.map((r) => [r.eta, r.B, r.etaCurvature, r.mean, r.se, r.langevin, r.mean / r.langevin]),
        },
      ],
      figures: [
        xyFigure({
          name: 'arrhenius',
          title: 'Escape time of SGD from a minimum against 1/T, T = ησ²/(2B)',
          x: { title: '1/T' },
          y: { title: 'mean escape time', log: true },
          points: m.temperatureSweep.map((r) => ({ x: 1 / r.T, y: r.mean, lo: r.mean - 1.96 * r.se, hi: r.mean + 1.96 * r.se, series: 'SGD' })),
          lines: [...curve.map((x) => ({ x, y: langevinTime(1 / x), series: 'Langevin MFPT (exact)' })), ...curve.map((x) => ({ x, y: kramersTime(1 / x), series: 'Kramers √2π·e^{ΔU/T}' }))],
        }),
        xyFigure({
          name: 'departure',
          title: `Escape time over the Langevin MFPT at fixed T = ${p.departureTemperature}`,
          x: { title: 'ηU″ at the minimum', log: true },
          y: { title: 'τ_SGD / τ_Langevin' },
          points: m.departureSweep.map((r) => ({ x: r.etaCurvature, y: r.mean / r.langevin, lo: (r.mean - 1.96 * r.se) / r.langevin, hi: (r.mean + 1.96 * r.se) / r.langevin, series: 'SGD' })),
          lines: m.departureSweep.map((r) => ({ x: r.etaCurvature, y: 1, series: 'Langevin' })),
        }),
      ],
      notes: [
        `ln τ against 1/T: slope ${fmt(m.arrheniusSlope, 4)} ± ${fmt(m.arrheniusSlopeSE, 2)}; the barrier is ΔU = ${m.barrier}, the exact Langevin MFPT's slope over these T is ${fmt(m.langevinSlope, 4)}.`,
        'The noise is finite-data noise: each step averages B of N fixed per-example noises, so it is not Gaussian at B = 1 (here it is, since the ξ_i are Gaussian draws); only its variance σ²/B enters T.',
      ],
    };
  },
});
