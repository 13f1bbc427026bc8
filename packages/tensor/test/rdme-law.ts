/**
 * What the RDME conformance suites ('rdme-cle', 'rdme-tau-leap') share: the webgpu adapter (or a
 * logged skip), the registration and bad-input checks they have in common, the 1-D test lattice, its drift and the Euler chain's stationary law, pooled
 * statistics with standard errors, and the js observation protocol replayed by hand.
 */
import { expect } from 'vitest';
import { matMul, ParameterError, solveLinear } from '@snrlab/core';
import { getKernel, listKernels, toleranceOf } from '../src/kernels.js';
import type { RdmeGrid, RdmeMoments, RdmeReplica } from '../src/rdme-kernels.js';
import { acquireWebGPU, type WebGPUContext } from '../src/webgpu/device.js';

/** The webgpu context, or null (logged, naming the suite) where no adapter can be created. */
export async function webgpuOrSkip(suite: string): Promise<WebGPUContext | null> {
  return acquireWebGPU().then(
    (ctx) => ctx,
    (err: unknown) => {
      console.log(`webgpu ${suite} conformance skipped: no adapter could be created (${err instanceof Error ? err.message : String(err)})`);
      return null;
    },
  );
}

/** The kernel is registered for js (reference) and webgpu (law, 4 SE, a note that states `note`). */
export function expectRegistered(kernel: 'rdme-cle' | 'rdme-tau-leap', note: RegExp): void {
  const rows = listKernels().filter((r) => r.kernel === kernel);
  expect(rows.map((r) => r.backend)).toEqual(['js', 'webgpu']);
  const w = toleranceOf(getKernel(kernel, 'webgpu'));
  expect(w.kind).toBe('law');
  expect(w.se).toBe(4);
  expect(w.note).toMatch(note);
}

/** The refusals every RDME kernel makes, naming the field: `run` overrides valid arguments on grid g (5 voxels). */
export async function expectRdmeRefusals(run: (a: object) => Promise<unknown>, g: RdmeGrid): Promise<void> {
  await expect(run({ initial: [1, 2, 3] })).rejects.toThrow(/initial\.length/);
  await expect(run({ initial: [1, 1, -1, 1, 1] })).rejects.toThrow(ParameterError);
  const nb = Int32Array.from(g.neighbours);
  nb[0] = 7;
  await expect(run({ model: { ...g, neighbours: nb } })).rejects.toThrow(/model\.neighbours\[0\]/);
  await expect(run({ snapshots: 0 })).rejects.toThrow(/snapshots/);
  await expect(run({ replicas: 0 })).rejects.toThrow(/replicas/);
}

/** A 1-D lattice (jump rate 1, k = ½): production b, a reflecting left wall, an absorbing right face (outflow 2). */
export function lattice(b: number[]): RdmeGrid {
  const V = b.length;
  const d = 1;
  const neighbours = new Int32Array(4 * V).fill(-1);
  const degree = new Int32Array(V);
  for (let i = 0; i < V; i++) {
    if (i > 0) neighbours[4 * i + degree[i]++] = i - 1;
    if (i < V - 1) neighbours[4 * i + degree[i]++] = i + 1;
  }
  const outflow = new Float64Array(V);
  outflow[V - 1] = 2 * d;
  return { voxels: V, jumpRate: d, k: 0.5, production: Float64Array.from(b), outflow, neighbours, degree };
}

/** The per-molecule exit rate of voxel i. */
export const exit = (g: RdmeGrid, i: number) => g.k + g.jumpRate * g.degree[i] + g.outflow[i];

/** The drift matrix A (row-major): dμ/dt = A·μ + b. */
export function drift(g: RdmeGrid): Float64Array {
  const V = g.voxels;
  const A = new Float64Array(V * V);
  for (let i = 0; i < V; i++) {
    A[i * V + i] -= exit(g, i);
    for (let s = 0; s < g.degree[i]; s++) A[g.neighbours[4 * i + s] * V + i] += g.jumpRate;
  }
  return A;
}

/** The continuum's stationary mean μ = (−A)⁻¹b. */
export const continuumMean = (g: RdmeGrid) => solveLinear(drift(g).map((a) => -a), g.production, g.voxels);

/**
 * The Euler chain's exact stationary law at step dt: mean μ and covariance C = F·C·Fᵀ + dt·B(μ),
 * F = I + dt·A (doubling for the discrete Lyapunov equation). Also the law of Poisson leaps'
 * first two moments at τ = dt.
 */
export function eulerLaw(g: RdmeGrid, dt: number): { mu: Float64Array; C: Float64Array } {
  const V = g.voxels;
  const A = drift(g);
  const mu = continuumMean(g);
  // B: the channels' noise covariance per unit time at μ
  const B = new Float64Array(V * V);
  for (let i = 0; i < V; i++) {
    B[i * V + i] += g.production[i] + (g.k + g.outflow[i]) * mu[i];
    for (let s = 0; s < g.degree[i]; s++) {
      const j = g.neighbours[4 * i + s];
      const a = g.jumpRate * mu[i];
      B[i * V + i] += a;
      B[j * V + j] += a;
      B[i * V + j] -= a;
      B[j * V + i] -= a;
    }
  }
  let G: Float64Array = A.map((a, ij) => (ij % (V + 1) === 0 ? 1 : 0) + dt * a);
  let X: Float64Array = B.map((b) => dt * b);
  for (let it = 0; it < 40; it++) {
    X = X.map((x, ij) => x + matMul(matMul(G, X, V, V, V), G, V, V, V, { transB: true })[ij]);
    G = matMul(G, G, V, V, V);
  }
  return { mu, C: X };
}

export interface Stat {
  value: number;
  se: number;
}

/** Pooled mean of per-replica values and its SE. */
export function pooled(x: ArrayLike<number>): Stat {
  const R = x.length;
  let m = 0;
  for (let r = 0; r < R; r++) m += x[r] / R;
  let v = 0;
  for (let r = 0; r < R; r++) v += (x[r] - m) ** 2 / (R - 1);
  return { value: m, se: Math.sqrt(v / R) };
}

/**
 * Variance from per-replica averages of n and n²: ŝ − m̂² + SE(m̂)² (the last term removes the
 * bias −Var m̂), SE from the influence values n² − 2m̂·n (delta method).
 */
export function variance(x: ArrayLike<number>, y: ArrayLike<number>): Stat {
  const m = pooled(x);
  const z = Array.from(y, (v, r) => v - 2 * m.value * x[r]);
  const s = pooled(z);
  return { value: s.value + m.value * m.value + m.se * m.se, se: s.se };
}

/** Voxel i's stationary mean and variance over the replicas of a result. */
export function voxelStats(res: RdmeMoments, V: number, i: number): { mean: Stat; variance: Stat } {
  const R = res.totalSum.length;
  const x = Float64Array.from({ length: R }, (_, r) => res.mean[r * V + i]);
  const y = Float64Array.from({ length: R }, (_, r) => res.meanSquare[r * V + i]);
  return { mean: pooled(x), variance: variance(x, y) };
}

/** The total copy number's mean and variance over S snapshots a replica. */
export function totalStats(res: RdmeMoments, S: number): { mean: Stat; variance: Stat } {
  const x = Array.from(res.totalSum, (v) => v / S);
  const y = Array.from(res.totalSumSq, (v) => v / S);
  return { mean: pooled(x), variance: variance(x, y) };
}

/**
 * The kernels' observation protocol written out by hand (not `observeRdmeReplica`), for the
 * byte-for-byte checks: burn in, open the window, snapshots at burnIn + s·interval.
 */
export function replayObservation(sim: RdmeReplica, burnIn: number, interval: number, snapshots: number): { mean: Float64Array; meanSquare: Float64Array; s1: number; s2: number } {
  sim.advance(burnIn);
  sim.resetWindow();
  let s1 = 0;
  let s2 = 0;
  for (let s = 1; s <= snapshots; s++) {
    sim.advance(burnIn + s * interval);
    let N = 0;
    for (let i = 0; i < sim.counts.length; i++) N += sim.counts[i];
    s1 += N;
    s2 += N * N;
  }
  const mean = new Float64Array(sim.counts.length);
  const meanSquare = new Float64Array(sim.counts.length);
  sim.windowAverages(mean, meanSquare);
  return { mean, meanSquare, s1, s2 };
}
