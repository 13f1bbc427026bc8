/**
 * morphogen.rdme-stationary: the stationary law of the RDME with production, linear decay and
 * diffusion jumps is a product of Poissons whose means are the deterministic lattice profile
 * (Jahnke & Huisinga 2007): each voxel's mean matches the profile and its Fano factor is 1.
 */
import { anyNumber, defineExperiment, defineExperimentTask, jackknifeSE, studentTQuantile, verdict, xyFigure, z } from '@snrlab/core';
import { CLE_SEGMENT_STEPS, cleFloat32Bias, getKernel, observeRdmeReplica, TAU_LEAP_SEGMENT_LEAPS, tauLeapFloat32Bias } from '@snrlab/tensor';
import { sddProblem1D } from '../pde.js';
import { rdmeFromProblem, stationaryMean, totalProduction } from '../rdme/model.js';
import { chooseMethod, createSimulator, RDME_METHODS } from '../rdme/method.js';
import { diffusionParam, decayParam, productionParam, sourceLengthParam, voxelParam } from './common.js';

const params = z.object({
  D: diffusionParam(),
  k: decayParam(),
  p: productionParam(0.004),
  h: voxelParam(),
  sourceLength: sourceLengthParam(),
  patterningLength: z
    .number()
    .gt(0)
    .max(1e5)
    .default(49)
    .meta({ unit: 'µm' })
    .describe('patterning-domain length L_P (zero flux at both ends); short by default so every voxel holds enough molecules to test'),
  method: z.enum([...RDME_METHODS, 'auto']).default('ssa').describe('exact SSA (next-subvolume), tau-leaping, the CLE, or auto (the documented switch criterion)'),
  replicas: z.int().min(4).max(10_000).default(16).describe('independent trajectories (the standard errors come from their spread)'),
  burnIn: z.number().min(0).max(1e4).default(5).meta({ unit: '1/k' }).describe('time discarded at the start, in units of the decay time 1/k'),
  duration: z.number().gt(0).max(1e5).default(30).meta({ unit: '1/k' }).describe('observation time per replica, in units of 1/k'),
  snapshots: z.int().min(2).max(100_000).default(300).describe('snapshots of the total copy number per replica'),
  replicasPerJob: z
    .int()
    .min(1)
    .max(10_000)
    .optional()
    .describe("replicas one task runs (1 when absent); the CLE and tau-leaping run a task's replicas in one 'rdme-cle' or 'rdme-tau-leap' kernel call, so raise it with --backend webgpu, where they are stepped in parallel"),
});

export type RdmeStationaryParams = z.output<typeof params>;

interface Job {
  /** The experiment's stream; replica r draws from its child(r) (the stream of the former job path [r]). */
  path: [];
  firstReplica: number;
  replicas: number;
  params: RdmeStationaryParams;
}

interface ReplicaResult {
  /** Time averages of n_i and n_i² per voxel. */
  mean: number[];
  meanSquare: number[];
  /** Sum and sum of squares of the total copy number over the snapshots. */
  totalSum: number;
  totalSumSq: number;
  events: number;
}

/**
 * A job's replicas, in order; `float32Dt` is the CLE step when a float32 kernel (webgpu) ran them,
 * `float32Leaps` marks tau-leaping on a float32 kernel (the leap counts are in `results`).
 */
interface BlockResult {
  firstReplica: number;
  results: ReplicaResult[];
  float32Dt?: number;
  float32Leaps?: true;
}

function model(p: RdmeStationaryParams) {
  return rdmeFromProblem(sddProblem1D({ D: p.D, k: p.k, p: p.p, h: p.h, sourceLength: p.sourceLength, patterningLength: p.patterningLength }));
}

/**
 * A block of replicas, each started at the rounded deterministic mean, burnt in, then observed.
 * The CLE and tau-leaping run on the 'rdme-cle' and 'rdme-tau-leap' kernels of the requested
 * backend (js when it has none; the js kernels are this package's simulators); the exact SSA runs
 * here, one replica after another, with the kernels' protocol.
 */
export const replicaTask = defineExperimentTask(import.meta.url, 'morphogen.rdme-stationary/replica', async (job: Job, { stream, backend, usedBackend }): Promise<BlockResult> => {
  const p = job.params;
  const m = model(p);
  const mu = stationaryMean(m);
  const initial = Array.from(mu, Math.round);
  const V = m.voxels;
  const results: ReplicaResult[] = [];
  // every replica: burn in, then snapshots at the ends of equal intervals (observeRdmeReplica)
  const schedule = { burnIn: p.burnIn / p.k, interval: p.duration / p.k / p.snapshots };
  const method = p.method === 'auto' ? chooseMethod(m, mu).method : p.method;
  if (method === 'tau-leap') {
    const def = getKernel('rdme-tau-leap', backend, { fallback: 'js' });
    const res = await def.run({ model: m, replicas: job.replicas, initial, ...schedule, snapshots: p.snapshots, stream, firstReplica: job.firstReplica });
    if (def.backend !== 'js') usedBackend(def.backend);
    for (let r = 0; r < job.replicas; r++) {
      const mean = Array.from(res.mean.subarray(r * V, (r + 1) * V));
      const meanSquare = Array.from(res.meanSquare.subarray(r * V, (r + 1) * V));
      results.push({ mean, meanSquare, totalSum: res.totalSum[r], totalSumSq: res.totalSumSq[r], events: res.leaps[r] });
    }
    return { firstReplica: job.firstReplica, results, ...(def.precision === 'float32' ? { float32Leaps: true as const } : {}) };
  }
  if (method === 'cle') {
    const def = getKernel('rdme-cle', backend, { fallback: 'js' });
    const run = { model: m, replicas: job.replicas, initial, ...schedule, snapshots: p.snapshots, stream, firstReplica: job.firstReplica };
    const res = await def.run(run);
    if (def.backend !== 'js') usedBackend(def.backend);
    for (let r = 0; r < job.replicas; r++) {
      const mean = Array.from(res.mean.subarray(r * V, (r + 1) * V));
      const meanSquare = Array.from(res.meanSquare.subarray(r * V, (r + 1) * V));
      results.push({ mean, meanSquare, totalSum: res.totalSum[r], totalSumSq: res.totalSumSq[r], events: res.steps });
    }
    return { firstReplica: job.firstReplica, results, ...(def.precision === 'float32' ? { float32Dt: res.dt } : {}) };
  }
  for (let r = job.firstReplica; r < job.firstReplica + job.replicas; r++) {
    const sim = createSimulator(m, p.method, stream.child(r), initial);
    const mean = new Float64Array(V);
    const meanSquare = new Float64Array(V);
    const t = observeRdmeReplica(sim, schedule.burnIn, schedule.interval, p.snapshots, mean, meanSquare);
    results.push({ mean: Array.from(mean), meanSquare: Array.from(meanSquare), totalSum: t.totalSum, totalSumSq: t.totalSumSq, events: sim.events });
  }
  return { firstReplica: job.firstReplica, results };
});

/**
 * Jackknife over replicas of a smooth function of per-replica averages: the estimate from all
 * replicas and its standard error from the leave-one-out values.
 */
function jackknife(values: number[][], f: (avg: number[]) => number): { value: number; se: number } {
  const R = values.length;
  const d = values[0].length;
  const sum = new Array(d).fill(0);
  for (const v of values) for (let j = 0; j < d; j++) sum[j] += v[j];
  const value = f(sum.map((s) => s / R));
  const loo = values.map((v) => f(sum.map((s, j) => (s - v[j]) / (R - 1))));
  return { value, se: jackknifeSE(loo) };
}

const measurements = z.object({
  /** Per voxel: centre, deterministic lattice mean μ, pooled mean and Fano factor with jackknife SEs. */
  x: z.array(anyNumber()),
  mu: z.array(anyNumber()),
  means: z.array(anyNumber()),
  meanSE: z.array(anyNumber()),
  fanos: z.array(anyNumber()),
  fanoSE: z.array(anyNumber()),
  totalMean: anyNumber(),
  totalMeanSE: anyNumber(),
  /** Σb/k. */
  totalMeanTheory: anyNumber(),
  totalFano: anyNumber(),
  totalFanoSE: anyNumber(),
  /** Voxels with the largest |z| of the mean and of the Fano factor. */
  worstMean: z.number(),
  worstFano: z.number(),
  maxRelMeanError: anyNumber(),
  fanoMin: anyNumber(),
  fanoMax: anyNumber(),
  /** Student-t 97.5% quantile and its Bonferroni version over the voxels, with replicas − 1 df. */
  t95: anyNumber(),
  zBonferroni: anyNumber(),
  events: z.number(),
  replicas: z.number(),
  /** The documented switch criterion's choice at these means. */
  choice: z.object({ method: z.string(), minMeanCount: anyNumber(), reason: z.string() }),
  /** The CLE step when a float32 kernel (webgpu) ran the replicas, for the rounding allowance; absent on js. */
  float32Dt: z.number().optional(),
  /** Leaps per unit time (mean over replicas) when a float32 kernel (webgpu) ran tau-leaping, for the rounding allowance; absent on js. */
  float32LeapRate: z.number().optional(),
});

export type RdmeStationaryMeasurements = z.output<typeof measurements>;

export const rdmeStationaryExperiment = defineExperiment({
  id: 'morphogen.rdme-stationary',
  domain: 'morphogen',
  title: 'Stationary RDME: product-Poisson copy numbers',
  claim: 'At stationarity every voxel of the RDME holds a Poisson number of molecules whose mean is the deterministic lattice profile (Fano factor 1).',
  description:
    'A 1-D lattice of voxels of the cell size: production in the source voxels, linear decay everywhere and diffusion jumps at rate D/h², reflecting walls. For such monomolecular networks the stationary law is a product of Poissons (Jahnke & Huisinga 2007). Each replica starts at the rounded deterministic mean, burns in, and records time averages of n_i and n_i² per voxel and snapshots of the total copy number. Means and Fano factors are pooled over replicas; their standard errors come from the jackknife over replicas. The per-voxel verdicts use the worst voxel against a Bonferroni-corrected 95% band.',
  params,
  measurements,
  validate(p) {
    model(p);
  },
  plan(p) {
    const per = p.replicasPerJob ?? 1;
    const jobs: Job[] = [];
    for (let r = 0; r < p.replicas; r += per) jobs.push({ path: [], firstReplica: r, replicas: Math.min(per, p.replicas - r), params: p });
    return jobs;
  },
  task: replicaTask,
  reduce(blocks, p): RdmeStationaryMeasurements {
    const res = blocks.flatMap((b) => b.results);
    const float32Dt = blocks.find((b) => b.float32Dt !== undefined)?.float32Dt;
    const float32Leaps = blocks.some((b) => b.float32Leaps);
    const m = model(p);
    const mu = stationaryMean(m);
    const V = m.voxels;
    const choice = chooseMethod(m, mu);
    const means: number[] = [];
    const meanSE: number[] = [];
    const fanos: number[] = [];
    const fanoSE: number[] = [];
    for (let i = 0; i < V; i++) {
      const rows = res.map((r) => [r.mean[i], r.meanSquare[i]]);
      const mean = jackknife(rows, (a) => a[0]);
      const fano = jackknife(rows, (a) => (a[1] - a[0] * a[0]) / a[0]);
      means.push(mean.value);
      meanSE.push(mean.se);
      fanos.push(fano.value);
      fanoSE.push(fano.se);
    }
    const S = p.snapshots;
    const totalRows = res.map((r) => [r.totalSum / S, r.totalSumSq / S]);
    const totalMean = jackknife(totalRows, (a) => a[0]);
    const totalFano = jackknife(totalRows, (a) => (a[1] - a[0] * a[0]) / a[0]);
    // worst voxel by |z|, judged against a Bonferroni band for V simultaneous comparisons;
    // Student-t quantiles because the jackknife SE comes from only R replicas
    const df = res.length - 1;
    let worstMean = 0;
    let worstFano = 0;
    let maxRel = 0;
    let fanoMin = Infinity;
    let fanoMax = -Infinity;
    for (let i = 0; i < V; i++) {
      if (Math.abs(means[i] - mu[i]) / meanSE[i] > Math.abs(means[worstMean] - mu[worstMean]) / meanSE[worstMean]) worstMean = i;
      if (Math.abs(fanos[i] - 1) / fanoSE[i] > Math.abs(fanos[worstFano] - 1) / fanoSE[worstFano]) worstFano = i;
      maxRel = Math.max(maxRel, Math.abs(means[i] / mu[i] - 1));
      fanoMin = Math.min(fanoMin, fanos[i]);
      fanoMax = Math.max(fanoMax, fanos[i]);
    }
    return {
      x: Array.from(m.x),
      mu: Array.from(mu),
      means,
      meanSE,
      fanos,
      fanoSE,
      totalMean: totalMean.value,
      totalMeanSE: totalMean.se,
      totalMeanTheory: totalProduction(m) / m.k,
      totalFano: totalFano.value,
      totalFanoSE: totalFano.se,
      worstMean,
      worstFano,
      maxRelMeanError: maxRel,
      fanoMin,
      fanoMax,
      t95: studentTQuantile(0.975, df),
      zBonferroni: studentTQuantile(1 - 0.025 / V, df),
      events: res.reduce((a, r) => a + r.events, 0),
      replicas: res.length,
      choice: { method: choice.method, minMeanCount: choice.minMeanCount, reason: choice.reason },
      ...(float32Dt !== undefined ? { float32Dt } : {}),
      // the leaps the replicas took over burn-in and window: the float32 allowance's leap rate
      ...(float32Leaps ? { float32LeapRate: res.reduce((a, r) => a + r.events, 0) / res.length / ((p.burnIn + p.duration) / p.k) } : {}),
    };
  },
  metrics: (r) => ({
    maxRelMeanError: r.maxRelMeanError,
    fanoMin: r.fanoMin,
    fanoMax: r.fanoMax,
    worstMeanZ: (r.means[r.worstMean] - r.mu[r.worstMean]) / r.meanSE[r.worstMean],
    worstFanoZ: (r.fanos[r.worstFano] - 1) / r.fanoSE[r.worstFano],
    totalMean: r.totalMean,
    totalMeanSE: r.totalMeanSE,
    totalMeanTheory: r.totalMeanTheory,
    totalFano: r.totalFano,
    totalFanoSE: r.totalFanoSE,
    voxels: r.x.length,
    events: r.events,
    minMeanCount: r.choice.minMeanCount,
  }),
  judge(r, p) {
    const V = r.x.length;
    const { mu, means, meanSE, fanos, fanoSE, totalMean, totalMeanSE, totalFano, totalFanoSE, t95 } = r;
    const zB = r.zBonferroni;
    const df = r.replicas - 1;
    const wm = r.worstMean;
    const wf = r.worstFano;
    const relWorst = means[wm] / mu[wm] - 1;
    const relWorstSE = meanSE[wm] / mu[wm];
    const approxNote = approximation(r, p);
    // a float32 kernel (webgpu) ran the CLE: its rounding is a stated allowance, derived, not fitted
    const f32 = float32Allowance(r, p);
    const a = (rel: number) => (f32 ? { allowance: { value: rel, derivation: f32.derivation } } : {});
    const f32Note = f32 ? f32.note : '';
    return [
      verdict({
        claim: 'mean total copy number = Σb/k',
        theory: r.totalMeanTheory,
        measured: totalMean,
        ci95: [totalMean - t95 * totalMeanSE, totalMean + t95 * totalMeanSE],
        se: totalMeanSE,
        ...a(f32 ? f32.total * r.totalMeanTheory : 0),
        note: `The total is an M/M/∞ queue: Poisson with mean Σb/k = ${r.totalMeanTheory.toFixed(2)}.${approxNote}${f32Note}`,
      }),
      verdict({
        claim: 'Fano factor of the total copy number = 1',
        theory: 1,
        measured: totalFano,
        ci95: [totalFano - t95 * totalFanoSE, totalFano + t95 * totalFanoSE],
        se: totalFanoSE,
        ...a(f32 ? 2 * f32.total : 0),
        note: `From ${p.snapshots} snapshots per replica; jackknife SE over ${p.replicas} replicas, Student-t interval.${approxNote}${f32Note}`,
      }),
      verdict({
        claim: 'every voxel mean = deterministic lattice profile (worst voxel, relative error)',
        theory: 0,
        measured: relWorst,
        ci95: [relWorst - zB * relWorstSE, relWorst + zB * relWorstSE],
        // the claim is mean = μ in units of μ: its effect is 1
        ...(f32 ? { ...a(f32.voxel(wm)), effect: 1 } : {}),
        note: `Worst voxel ${wm} (x = ${r.x[wm].toFixed(1)} µm, μ = ${mu[wm].toFixed(2)}): the band is ±${zB.toFixed(2)} SE (Student t with ${df} df), Bonferroni-corrected for ${V} voxels. Largest |relative error| over voxels: ${(100 * r.maxRelMeanError).toFixed(2)}%.${approxNote}${f32Note}`,
      }),
      verdict({
        claim: 'every voxel has Fano factor 1 (worst voxel)',
        theory: 1,
        measured: fanos[wf],
        ci95: [fanos[wf] - zB * fanoSE[wf], fanos[wf] + zB * fanoSE[wf]],
        ...a(f32 ? 2 * f32.voxel(wf) : 0),
        note: `Worst voxel ${wf} (x = ${r.x[wf].toFixed(1)} µm); Fano factors range over [${r.fanoMin.toFixed(3)}, ${r.fanoMax.toFixed(3)}]; the band is ±${zB.toFixed(2)} SE (Bonferroni, ${V} voxels).${approxNote}${f32Note}`,
      }),
    ];
  },
  present(r, p) {
    const V = r.x.length;
    const { x, mu, means, meanSE, fanos, fanoSE } = r;
    const exact = isExact(r, p);
    return {
      tables: [
        {
          name: 'voxels',
          columns: ['voxel', 'x (µm)', 'μ (deterministic)', 'mean', 'SE', 'Fano', 'Fano SE'],
          rows: means.map((v, i) => [i, x[i], mu[i], v, meanSE[i], fanos[i], fanoSE[i]]),
        },
      ],
      figures: [
        xyFigure({
          name: 'stationary-mean',
          title: 'Stationary mean copy number per voxel',
          x: { title: 'x (µm)' },
          y: { title: 'molecules per voxel', log: true },
          points: means.map((v, i) => ({ x: x[i], y: v, lo: v - 1.96 * meanSE[i], hi: v + 1.96 * meanSE[i], series: p.method })),
          lines: mu.map((v, i) => ({ x: x[i], y: v, series: 'deterministic lattice profile' })),
        }),
        xyFigure({
          name: 'fano',
          title: 'Fano factor per voxel (Poisson: 1)',
          x: { title: 'x (µm)' },
          y: { title: 'Var n / mean n' },
          points: fanos.map((v, i) => ({ x: x[i], y: v, lo: v - 1.96 * fanoSE[i], hi: v + 1.96 * fanoSE[i], series: p.method })),
          lines: [
            { x: x[0], y: 1, series: 'Poisson' },
            { x: x[V - 1], y: 1, series: 'Poisson' },
          ],
        }),
      ],
      notes: [`${r.events} ${exact ? 'events' : 'steps'} over ${p.replicas} replicas. Switch criterion: ${r.choice.reason} → '${r.choice.method}'.`],
    };
  },
});

/** Relative bounds of a float32 run's rounding: on the total's mean, on voxel i's mean (Fano factors: twice these). */
interface Float32Allowance {
  total: number;
  voxel: (i: number) => number;
  derivation: string;
  /** The sentence the verdicts' notes end with. */
  note: string;
}

/**
 * The rounding allowance of a float32 run (absent on float64 backends), from the kernel's
 * arithmetic alone. CLE: ε = (deg_max + 2)·2⁻²⁴/(k·dt) (`cleFloat32Bias`) bounds the stationary
 * shift relative to the largest mean (to the total, for the total). Tau-leaping: the per-voxel
 * bound of `tauLeapFloat32Bias` at the lattice means and the run's leap rate. The window sums add
 * ≤ (segment + 2)·2⁻²⁴ relative.
 */
function float32Allowance(r: RdmeStationaryMeasurements, p: RdmeStationaryParams): Float32Allowance | undefined {
  if (r.float32LeapRate !== undefined) return tauLeapAllowance(r, p, r.float32LeapRate);
  if (r.float32Dt === undefined) return undefined;
  const dt = r.float32Dt;
  const eps = cleFloat32Bias(model(p), dt);
  const sums = (CLE_SEGMENT_STEPS + 2) * 2 ** -24;
  const muMax = Math.max(...r.mu);
  return {
    total: eps + sums,
    note: ` Float32 'rdme-cle' kernel (webgpu): the allowance bounds its rounding (ε = ${eps.toExponential(2)}).`,
    voxel: (i: number) => (eps * muMax) / r.mu[i] + sums,
    derivation: `float32 kernel (webgpu), dt = ${dt.toPrecision(4)}: each step rounds count i with relative error ≤ (degree_i + 2)·2⁻²⁴; every mode relaxes at rate ≥ k = ${p.k}, so stationary means move by at most ε = (deg_max + 2)·2⁻²⁴/(k·dt) = ${eps.toExponential(2)} of the largest mean (${muMax.toFixed(1)}; of the total: ε of it), Fano factors by twice that relative; the window sums (shifted counts, float32 segments of ≤ ${CLE_SEGMENT_STEPS} steps, TwoSum) add ≤ ${CLE_SEGMENT_STEPS + 2}·2⁻²⁴ relative; first order in 2⁻²⁴`,
  };
}

function tauLeapAllowance(r: RdmeStationaryMeasurements, p: RdmeStationaryParams, rate: number): Float32Allowance {
  const bias = tauLeapFloat32Bias(model(p), r.mu, rate);
  const sums = (TAU_LEAP_SEGMENT_LEAPS + 2) * 2 ** -24;
  let b = 0;
  let m = 0;
  for (let i = 0; i < bias.length; i++) {
    b += bias[i];
    m += r.mu[i];
  }
  const worst = Math.max(...bias);
  return {
    total: b / m + sums,
    voxel: (i: number) => bias[i] / r.mu[i] + sums,
    note: ` Float32 'rdme-tau-leap' kernel (webgpu): the allowance bounds its rounding (≤ ${worst.toPrecision(3)} molecules per voxel).`,
    derivation: `float32 kernel (webgpu), ${rate.toPrecision(4)} leaps per unit time (the run's leap count over its simulated time): a float32 draw of mean m moves its mean by ≤ 16 ulps of m plus its sampler's error (inversion: the uniform grid, CDF sums and recurrence over ≤ m + 6√m + 10 points; PTRS/BTRS: ≤ (104σ + 80)·2⁻²⁴ from the uniform grids and log-pmfs; tauLeapDrawBias); 3 + degree_i draws per voxel and leap, each landing in the voxel or a neighbour, are a drift ν whose stationary effect on the means is ≤ (−A)⁻¹·ν (every mode relaxes; tauLeapFloat32Bias): ≤ ${worst.toPrecision(3)} molecules per voxel (Σ ${b.toPrecision(3)} of the total), Fano factors by twice the relative bound; the window sums (shifted counts, float32 segments of ≤ ${TAU_LEAP_SEGMENT_LEAPS} leaps, TwoSum) add ≤ ${TAU_LEAP_SEGMENT_LEAPS + 2}·2⁻²⁴ relative; first order in 2⁻²⁴`,
  };
}

/** Whether the simulator that ran is the exact SSA. */
function isExact(r: RdmeStationaryMeasurements, p: RdmeStationaryParams): boolean {
  return p.method === 'ssa' || (p.method === 'auto' && r.choice.method === 'ssa');
}

function approximation(r: RdmeStationaryMeasurements, p: RdmeStationaryParams): string {
  return isExact(r, p) ? '' : ` The ${p.method === 'auto' ? r.choice.method : p.method} simulator is approximate: a disagreement measures its bias.`;
}
