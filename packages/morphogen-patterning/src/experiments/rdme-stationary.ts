/**
 * morphogen.rdme-stationary: the stationary law of the RDME with production, linear decay and
 * diffusion jumps is a product of Poissons whose means are the deterministic lattice profile
 * (Jahnke & Huisinga 2007): each voxel's mean matches the profile and its Fano factor is 1.
 */
import {
  defineExperiment,
  defineTask,
  jackknifeSE,
  studentTQuantile,
  Stream,
  verdict,
  xyFigure,
  z,
  type ExperimentOutput,
  type StreamState,
} from '@snrlab/core';
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
});

export type RdmeStationaryParams = z.output<typeof params>;

interface Job {
  params: RdmeStationaryParams;
  stream: StreamState;
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

function model(p: RdmeStationaryParams) {
  return rdmeFromProblem(sddProblem1D({ D: p.D, k: p.k, p: p.p, h: p.h, sourceLength: p.sourceLength, patterningLength: p.patterningLength }));
}

/** One replica: start at the rounded deterministic mean, burn in, then observe. */
export const replicaTask = defineTask(import.meta.url, 'morphogen.rdme-stationary/replica', (job: Job): ReplicaResult => {
  const p = job.params;
  const m = model(p);
  const mu = stationaryMean(m);
  const sim = createSimulator(m, p.method, Stream.restore(job.stream), Array.from(mu, Math.round));
  sim.advance(p.burnIn / p.k);
  const V = m.voxels;
  const mean = new Float64Array(V);
  const meanSquare = new Float64Array(V);
  sim.resetWindow();
  const t0 = sim.time;
  const step = p.duration / p.k / p.snapshots;
  let totalSum = 0;
  let totalSumSq = 0;
  for (let s = 1; s <= p.snapshots; s++) {
    sim.advance(t0 + s * step);
    let N = 0;
    for (let i = 0; i < V; i++) N += sim.counts[i];
    totalSum += N;
    totalSumSq += N * N;
  }
  sim.windowAverages(mean, meanSquare);
  return { mean: Array.from(mean), meanSquare: Array.from(meanSquare), totalSum, totalSumSq, events: sim.events };
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

export const rdmeStationaryExperiment = defineExperiment({
  id: 'morphogen.rdme-stationary',
  domain: 'morphogen',
  title: 'Stationary RDME: product-Poisson copy numbers',
  claim: 'At stationarity every voxel of the RDME holds a Poisson number of molecules whose mean is the deterministic lattice profile (Fano factor 1).',
  description:
    'A 1-D lattice of voxels of the cell size: production in the source voxels, linear decay everywhere and diffusion jumps at rate D/h², reflecting walls. For such monomolecular networks the stationary law is a product of Poissons (Jahnke & Huisinga 2007). Each replica starts at the rounded deterministic mean, burns in, and records time averages of n_i and n_i² per voxel and snapshots of the total copy number. Means and Fano factors are pooled over replicas; their standard errors come from the jackknife over replicas. The per-voxel verdicts use the worst voxel against a Bonferroni-corrected 95% band.',
  params,
  async run(p, ctx): Promise<ExperimentOutput> {
    const m = model(p);
    const mu = stationaryMean(m);
    const V = m.voxels;
    const choice = chooseMethod(m, mu);
    const jobs: Job[] = Array.from({ length: p.replicas }, (_, r) => ({ params: p, stream: ctx.stream.child(r).state() }));
    let done = 0;
    const res = await ctx.executor.map(replicaTask, jobs, { signal: ctx.signal, onResult: () => ctx.progress.update(++done, jobs.length, 'replicas') });
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
    const totalTheory = totalProduction(m) / m.k;
    // worst voxel by |z|, judged against a Bonferroni band for V simultaneous comparisons;
    // Student-t quantiles because the jackknife SE comes from only R replicas
    const df = p.replicas - 1;
    const zB = studentTQuantile(1 - 0.025 / V, df);
    const t95 = studentTQuantile(0.975, df);
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
    const events = res.reduce((a, r) => a + r.events, 0);
    const wm = worstMean;
    const wf = worstFano;
    const relWorst = means[wm] / mu[wm] - 1;
    const relWorstSE = meanSE[wm] / mu[wm];
    const exact = p.method === 'ssa' || (p.method === 'auto' && choice.method === 'ssa');
    const approxNote = exact ? '' : ` The ${p.method === 'auto' ? choice.method : p.method} simulator is approximate: a disagreement measures its bias.`;
    return {
      metrics: {
        maxRelMeanError: maxRel,
        fanoMin,
        fanoMax,
        worstMeanZ: (means[wm] - mu[wm]) / meanSE[wm],
        worstFanoZ: (fanos[wf] - 1) / fanoSE[wf],
        totalMean: totalMean.value,
        totalMeanSE: totalMean.se,
        totalMeanTheory: totalTheory,
        totalFano: totalFano.value,
        totalFanoSE: totalFano.se,
        voxels: V,
        events,
        minMeanCount: choice.minMeanCount,
      },
      verdicts: [
        verdict({
          claim: 'mean total copy number = Σb/k',
          theory: totalTheory,
          measured: totalMean.value,
          ci95: [totalMean.value - t95 * totalMean.se, totalMean.value + t95 * totalMean.se],
          se: totalMean.se,
          note: `The total is an M/M/∞ queue: Poisson with mean Σb/k = ${totalTheory.toFixed(2)}.${approxNote}`,
        }),
        verdict({
          claim: 'Fano factor of the total copy number = 1',
          theory: 1,
          measured: totalFano.value,
          ci95: [totalFano.value - t95 * totalFano.se, totalFano.value + t95 * totalFano.se],
          se: totalFano.se,
          note: `From ${S} snapshots per replica; jackknife SE over ${p.replicas} replicas, Student-t interval.${approxNote}`,
        }),
        verdict({
          claim: 'every voxel mean = deterministic lattice profile (worst voxel, relative error)',
          theory: 0,
          measured: relWorst,
          ci95: [relWorst - zB * relWorstSE, relWorst + zB * relWorstSE],
          note: `Worst voxel ${wm} (x = ${m.x[wm].toFixed(1)} µm, μ = ${mu[wm].toFixed(2)}): the band is ±${zB.toFixed(2)} SE (Student t with ${df} df), Bonferroni-corrected for ${V} voxels. Largest |relative error| over voxels: ${(100 * maxRel).toFixed(2)}%.${approxNote}`,
        }),
        verdict({
          claim: 'every voxel has Fano factor 1 (worst voxel)',
          theory: 1,
          measured: fanos[wf],
          ci95: [fanos[wf] - zB * fanoSE[wf], fanos[wf] + zB * fanoSE[wf]],
          note: `Worst voxel ${wf} (x = ${m.x[wf].toFixed(1)} µm); Fano factors range over [${fanoMin.toFixed(3)}, ${fanoMax.toFixed(3)}]; the band is ±${zB.toFixed(2)} SE (Bonferroni, ${V} voxels).${approxNote}`,
        }),
      ],
      tables: [
        {
          name: 'voxels',
          columns: ['voxel', 'x (µm)', 'μ (deterministic)', 'mean', 'SE', 'Fano', 'Fano SE'],
          rows: means.map((v, i) => [i, m.x[i], mu[i], v, meanSE[i], fanos[i], fanoSE[i]]),
        },
      ],
      figures: [
        xyFigure({
          name: 'stationary-mean',
          title: 'Stationary mean copy number per voxel',
          x: { title: 'x (µm)' },
          y: { title: 'molecules per voxel', log: true },
          points: means.map((v, i) => ({ x: m.x[i], y: v, lo: v - 1.96 * meanSE[i], hi: v + 1.96 * meanSE[i], series: p.method })),
          lines: Array.from(mu, (v, i) => ({ x: m.x[i], y: v, series: 'deterministic lattice profile' })),
        }),
        xyFigure({
          name: 'fano',
          title: 'Fano factor per voxel (Poisson: 1)',
          x: { title: 'x (µm)' },
          y: { title: 'Var n / mean n' },
          points: fanos.map((v, i) => ({ x: m.x[i], y: v, lo: v - 1.96 * fanoSE[i], hi: v + 1.96 * fanoSE[i], series: p.method })),
          lines: [
            { x: m.x[0], y: 1, series: 'Poisson' },
            { x: m.x[V - 1], y: 1, series: 'Poisson' },
          ],
        }),
      ],
      notes: [`${events} ${exact ? 'events' : 'steps'} over ${p.replicas} replicas. Switch criterion: ${choice.reason} → '${choice.method}'.`],
    };
  },
});
