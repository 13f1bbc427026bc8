/**
 * Conformance of the RDME kernels ('rdme-cle') on every backend present — js always, webgpu when
 * an adapter can be created (SwiftShader in CI). The CLE of a monomolecular network is linear, so
 * the Euler chain's stationary law is known exactly: means μ = (−A)⁻¹b (the continuum's), and the
 * covariance C solves C = F·C·Fᵀ + dt·B(μ) with F = I + dt·A (the continuum's diag(μ) only as
 * dt → 0). Per-voxel means and variances and the total copy number are checked against it within
 * the backend's stated standard errors (4), and webgpu against js in law.
 */
import { describe, expect, it } from 'vitest';
import { DivergenceError, matMul, ParameterError, solveLinear, Stream } from '@snrlab/core';
import { getKernel, listKernels, toleranceOf } from '../src/kernels.js';
import { CleReplicaJS, cleDefaultDt, type RdmeCleResult, type RdmeGrid } from '../src/rdme-kernels.js';
import { cleSchedule } from '../src/webgpu/rdme.js';
import { acquireWebGPU } from '../src/webgpu/device.js';

const gpu = await acquireWebGPU().then(
  (ctx) => ctx,
  (err: unknown) => {
    console.log(`webgpu rdme conformance skipped: no adapter could be created (${err instanceof Error ? err.message : String(err)})`);
    return null;
  },
);
const BACKENDS = ['js', ...(gpu ? ['webgpu'] : [])];

/** A 1-D lattice: production at both ends, a reflecting left wall, an absorbing right face. */
function grid(): RdmeGrid {
  const V = 5;
  const d = 1;
  const neighbours = new Int32Array(4 * V).fill(-1);
  const degree = new Int32Array(V);
  for (let i = 0; i < V; i++) {
    if (i > 0) neighbours[4 * i + degree[i]++] = i - 1;
    if (i < V - 1) neighbours[4 * i + degree[i]++] = i + 1;
  }
  return { voxels: V, jumpRate: d, k: 0.5, production: Float64Array.of(4000, 0, 0, 0, 1000), outflow: Float64Array.of(0, 0, 0, 0, 2 * d), neighbours, degree };
}

/** The drift matrix A (row-major): dμ/dt = A·μ + b. */
function drift(g: RdmeGrid): Float64Array {
  const V = g.voxels;
  const A = new Float64Array(V * V);
  for (let i = 0; i < V; i++) {
    A[i * V + i] -= g.k + g.outflow[i] + g.jumpRate * g.degree[i];
    for (let s = 0; s < g.degree[i]; s++) A[g.neighbours[4 * i + s] * V + i] += g.jumpRate;
  }
  return A;
}

/** The Euler chain's exact stationary law: mean and covariance (doubling for the discrete Lyapunov equation). */
function eulerLaw(g: RdmeGrid, dt: number): { mu: Float64Array; C: Float64Array } {
  const V = g.voxels;
  const A = drift(g);
  const mu = solveLinear(A.map((a) => -a), g.production, V);
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

interface Stat {
  value: number;
  se: number;
}

/** Pooled mean of per-replica values and its SE. */
function pooled(x: ArrayLike<number>): Stat {
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
function variance(x: ArrayLike<number>, y: ArrayLike<number>): Stat {
  const m = pooled(x);
  const z = Array.from(y, (v, r) => v - 2 * m.value * x[r]);
  const s = pooled(z);
  return { value: s.value + m.value * m.value + m.se * m.se, se: s.se };
}

function voxelStats(res: RdmeCleResult, V: number, R: number, i: number): { mean: Stat; variance: Stat } {
  const x = new Float64Array(R);
  const y = new Float64Array(R);
  for (let r = 0; r < R; r++) {
    x[r] = res.mean[r * V + i];
    y[r] = res.meanSquare[r * V + i];
  }
  return { mean: pooled(x), variance: variance(x, y) };
}

function totalStats(res: RdmeCleResult, S: number): { mean: Stat; variance: Stat } {
  const x = Array.from(res.totalSum, (v) => v / S);
  const y = Array.from(res.totalSumSq, (v) => v / S);
  return { mean: pooled(x), variance: variance(x, y) };
}

const R = 256;
const S = 20;
// four times the default step: the Euler bias is then many SE from the continuum law, and the runs are short
const DT = 4 * cleDefaultDt(grid());
const args = (g: RdmeGrid, mu: Float64Array, seed: number) => ({ model: g, replicas: R, initial: Array.from(mu, Math.round), dt: DT, burnIn: 10, interval: 2, snapshots: S, stream: Stream.fromSeed(seed) });
const results = new Map<string, RdmeCleResult>();

describe('rdme-cle conformance', () => {
  it('is registered for js (reference) and webgpu (law, with a derived note)', () => {
    const rows = listKernels().filter((r) => r.kernel === 'rdme-cle');
    expect(rows.map((r) => r.backend)).toEqual(['js', 'webgpu']);
    const w = toleranceOf(getKernel('rdme-cle', 'webgpu'));
    expect(w.kind).toBe('law');
    expect(w.se).toBe(4);
    expect(w.note).toMatch(/2⁻²⁴\/\(k·dt\)/);
  });

  describe.each(BACKENDS)('%s', (backend) => {
    it("per-voxel stationary means and variances, and the total's: the Euler chain's exact law within 4 SE", async () => {
      const g = grid();
      const V = g.voxels;
      const dt = DT;
      const { mu, C } = eulerLaw(g, dt);
      const res = await getKernel('rdme-cle', backend).run(args(g, mu, 61));
      results.set(backend, res);
      const k = toleranceOf(getKernel('rdme-cle', backend)).se ?? 4;
      expect(res.steps).toBe(cleSchedule(dt, 10, 2, S).steps);
      expect(res.dt).toBe(dt);
      expect(res.negativeSteps.every((n) => n === 0)).toBe(true);
      let poissonFar = 0;
      for (let i = 0; i < V; i++) {
        const st = voxelStats(res, V, R, i);
        expect(Math.abs(st.mean.value - mu[i]), `${backend} voxel ${i} mean ${st.mean.value} ± ${st.mean.se} against ${mu[i]}`).toBeLessThan(k * st.mean.se);
        const c = C[i * V + i];
        expect(Math.abs(st.variance.value - c), `${backend} voxel ${i} variance ${st.variance.value} ± ${st.variance.se} against ${c}`).toBeLessThan(k * st.variance.se);
        poissonFar = Math.max(poissonFar, Math.abs(c - mu[i]) / st.variance.se);
      }
      console.log(`rdme-cle ${backend}: the Euler law's variances differ from the Poisson μ by up to ${poissonFar.toFixed(1)} SE of this check`);
      // the check resolves the Euler step's bias: against the continuum's Poisson law it would fail
      expect(poissonFar).toBeGreaterThan(k);
      const tot = totalStats(res, S);
      let sumMu = 0;
      let varN = 0;
      for (let i = 0; i < V; i++) {
        sumMu += mu[i];
        for (let j = 0; j < V; j++) varN += C[i * V + j];
      }
      expect(Math.abs(tot.mean.value - sumMu), `${backend} total mean`).toBeLessThan(k * tot.mean.se);
      expect(Math.abs(tot.variance.value - varN), `${backend} total variance ${tot.variance.value} ± ${tot.variance.se} against ${varN}`).toBeLessThan(k * tot.variance.se);
    }, 120_000);
  });

  it.runIf(gpu)('webgpu agrees with js in law: per-voxel means and variances within 4 combined SE', () => {
    const js = results.get('js')!;
    const gp = results.get('webgpu')!;
    const V = grid().voxels;
    for (let i = 0; i < V; i++) {
      const a = voxelStats(js, V, R, i);
      const b = voxelStats(gp, V, R, i);
      expect(Math.abs(a.mean.value - b.mean.value), `voxel ${i} mean`).toBeLessThan(4 * Math.hypot(a.mean.se, b.mean.se));
      expect(Math.abs(a.variance.value - b.variance.value), `voxel ${i} variance`).toBeLessThan(4 * Math.hypot(a.variance.se, b.variance.se));
    }
    expect(gp.steps).toBe(js.steps);
  });

  it('js: each replica is CleReplicaJS on stream.child(firstReplica + r), byte for byte', () => {
    const g = grid();
    const init = [7800, 7600, 7500, 7000, 5000];
    const res = getKernel('rdme-cle', 'js').run({ model: g, replicas: 2, initial: init, burnIn: 0.3, interval: 0.0333, snapshots: 3, stream: Stream.fromSeed(9), firstReplica: 5 }) as RdmeCleResult;
    for (let r = 0; r < 2; r++) {
      const sim = new CleReplicaJS(g, Stream.fromSeed(9).child(5 + r), init);
      sim.advance(0.3);
      sim.resetWindow();
      let s1 = 0;
      for (let s = 1; s <= 3; s++) {
        sim.advance(0.3 + s * 0.0333);
        s1 += sim.counts.reduce((a, v) => a + v, 0);
      }
      const mean = new Float64Array(5);
      sim.windowAverages(mean);
      expect(Array.from(res.mean.subarray(5 * r, 5 * r + 5))).toEqual(Array.from(mean));
      expect(res.totalSum[r]).toBe(s1);
      expect(res.steps).toBe(sim.events);
    }
    // the schedule the GPU follows is the js step sequence: same count, same window length
    const sched = cleSchedule(cleDefaultDt(g), 0.3, 0.0333, 3);
    expect(sched.steps).toBe(res.steps);
    expect(sched.segments.filter((s) => s.snapshot).length).toBe(3);
    let T = 0;
    for (const s of sched.segments) if (s.window) T += s.steps * s.dt;
    expect(T).toBeCloseTo(3 * 0.0333, 12);
  });

  describe.each(BACKENDS)('%s: bad input', (backend) => {
    it('names the field, the value and what is allowed; a divergence is a DivergenceError', async () => {
      const g = grid();
      const base = { model: g, replicas: 2, initial: [1, 1, 1, 1, 1], burnIn: 0, interval: 0.1, snapshots: 1, stream: Stream.fromSeed(1) };
      const run = (a: object) => Promise.resolve().then(() => getKernel('rdme-cle', backend).run({ ...base, ...a }));
      await expect(run({ initial: [1, 2, 3] })).rejects.toThrow(/initial\.length/);
      await expect(run({ initial: [1, 1, -1, 1, 1] })).rejects.toThrow(ParameterError);
      const nb = Int32Array.from(g.neighbours);
      nb[0] = 7;
      await expect(run({ model: { ...g, neighbours: nb } })).rejects.toThrow(/model\.neighbours\[0\]/);
      await expect(run({ snapshots: 0 })).rejects.toThrow(/snapshots/);
      await expect(run({ dt: -1 })).rejects.toThrow(/dt/);
      // jumps that overflow the state: reported with the step and replica
      await expect(run({ model: { ...g, jumpRate: 1e10 }, dt: 0.01, initial: [1e305, 0, 0, 0, 0] })).rejects.toThrow(DivergenceError);
    });
  });
});
