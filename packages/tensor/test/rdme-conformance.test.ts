/**
 * Conformance of the RDME kernels ('rdme-cle') on every backend present — js always, webgpu when
 * an adapter can be created (SwiftShader in CI). The CLE of a monomolecular network is linear, so
 * the Euler chain's stationary law is known exactly: means μ = (−A)⁻¹b (the continuum's), and the
 * covariance C solves C = F·C·Fᵀ + dt·B(μ) with F = I + dt·A (the continuum's diag(μ) only as
 * dt → 0). Per-voxel means and variances and the total copy number are checked against it within
 * the backend's stated standard errors (4), and webgpu against js in law.
 */
import { describe, expect, it } from 'vitest';
import { DivergenceError, Stream } from '@snrlab/core';
import { getKernel, toleranceOf } from '../src/kernels.js';
import { CleReplicaJS, cleDefaultDt, type RdmeCleResult, type RdmeGrid } from '../src/rdme-kernels.js';
import { cleSchedule } from '../src/webgpu/rdme.js';
import { eulerLaw, expectRdmeRefusals, expectRegistered, lattice, replayObservation, totalStats, voxelStats, webgpuOrSkip } from './rdme-law.js';

const gpu = await webgpuOrSkip('rdme');
const BACKENDS = ['js', ...(gpu ? ['webgpu'] : [])];

/** A 1-D lattice: production at both ends, a reflecting left wall, an absorbing right face. */
const grid = () => lattice([4000, 0, 0, 0, 1000]);

const R = 256;
const S = 20;
// four times the default step: the Euler bias is then many SE from the continuum law, and the runs are short
const DT = 4 * cleDefaultDt(grid());
const args = (g: RdmeGrid, mu: Float64Array, seed: number) => ({ model: g, replicas: R, initial: Array.from(mu, Math.round), dt: DT, burnIn: 10, interval: 2, snapshots: S, stream: Stream.fromSeed(seed) });
const results = new Map<string, RdmeCleResult>();

describe('rdme-cle conformance', () => {
  it('is registered for js (reference) and webgpu (law, with a derived note)', () => {
    expectRegistered('rdme-cle', /2⁻²⁴\/\(k·dt\)/);
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
        const st = voxelStats(res, V, i);
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
      const a = voxelStats(js, V, i);
      const b = voxelStats(gp, V, i);
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
      const own = replayObservation(sim, 0.3, 0.0333, 3);
      expect(Array.from(res.mean.subarray(5 * r, 5 * r + 5))).toEqual(Array.from(own.mean));
      expect(Array.from(res.meanSquare.subarray(5 * r, 5 * r + 5))).toEqual(Array.from(own.meanSquare));
      expect([res.totalSum[r], res.totalSumSq[r], res.negativeSteps[r], res.steps]).toEqual([own.s1, own.s2, sim.negativeSteps, sim.events]);
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
      await expectRdmeRefusals(run, g);
      await expect(run({ dt: -1 })).rejects.toThrow(/dt/);
      // jumps that overflow the state: reported with the step and replica
      await expect(run({ model: { ...g, jumpRate: 1e10 }, dt: 0.01, initial: [1e305, 0, 0, 0, 0] })).rejects.toThrow(DivergenceError);
    });
  });
});
