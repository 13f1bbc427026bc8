/**
 * Conformance of 'rdme-tau-leap' on every backend present — js always, webgpu when an adapter can be
 * created (SwiftShader in CI). Binomial leaps move every molecule independently (stay, jump, leave)
 * and births are Poisson, so a product-Poisson state stays product-Poisson: the stationary law of
 * the leap chain at a fixed leap τ is exactly product Poisson with mean μ^τ, the fixed point of the
 * leap's mean map μ = Pᵀμ + β (P the one-leap transition of a molecule, β_i = b_i·q_i/e_i). It
 * differs from the continuum's Poisson(μ) by the leap bias, O(e·τ) where neighbouring exit rates
 * differ; the checks resolve it. Three checks per backend: one leap from a fixed state (the
 * samplers' law: a sum of binomials and Poissons), a long run at a large fixed leap, and the ε rule
 * in a regime where it always takes its cap ε/e_max.
 */
import { describe, expect, it } from 'vitest';
import { DivergenceError, solveLinear, Stream } from '@snrlab/core';
import { getKernel, toleranceOf } from '../src/kernels.js';
import { maxExitRate, TauLeapReplicaJS, type RdmeGrid, type RdmeTauLeapArgs, type RdmeTauLeapResult } from '../src/rdme-kernels.js';
import { cleSchedule, tauLeapFloat32Bias } from '../src/webgpu/rdme.js';
import { continuumMean, eulerLaw, exit, expectRdmeRefusals, expectRegistered, lattice as grid, pooled, replayObservation, totalStats, variance, voxelStats, webgpuOrSkip } from './rdme-law.js';

const gpu = await webgpuOrSkip('tau-leap');
const BACKENDS = ['js', ...(gpu ? ['webgpu'] : [])];

/** μ^τ: the leap chain's stationary mean (μ as τ → 0). */
function leapMean(g: RdmeGrid, tau: number): Float64Array {
  const V = g.voxels;
  const M = new Float64Array(V * V);
  const beta = new Float64Array(V);
  for (let i = 0; i < V; i++) {
    const e = exit(g, i);
    const q = -Math.expm1(-e * tau);
    M[i * V + i] += q;
    beta[i] = (g.production[i] * q) / e;
    for (let s = 0; s < g.degree[i]; s++) M[g.neighbours[4 * i + s] * V + i] -= (q * g.jumpRate) / e;
  }
  return solveLinear(M, beta, V);
}

/**
 * A wrong law for the power check: Poisson leaps (counts ~ Poisson(a·τ) per channel, the classic
 * tau-leap) have the Euler chain's first two moments, C = F·C·Fᵀ + τ·B(μ) with F = I + τ·A.
 */
function poissonLeapVariance(g: RdmeGrid, tau: number): Float64Array {
  const { C } = eulerLaw(g, tau);
  return Float64Array.from({ length: g.voxels }, (_, i) => C[i * g.voxels + i]);
}

/** Per-voxel means and variances against product Poisson(mu), and the total's, within k SE. */
function checkPoisson(label: string, res: RdmeTauLeapResult, mu: Float64Array, S: number, k: number): { meanSE: number[]; varianceSE: number[] } {
  const V = mu.length;
  const meanSE: number[] = [];
  const varianceSE: number[] = [];
  for (let i = 0; i < V; i++) {
    const st = voxelStats(res, V, i);
    expect(Math.abs(st.mean.value - mu[i]), `${label} voxel ${i} mean ${st.mean.value} ± ${st.mean.se} against ${mu[i]}`).toBeLessThan(k * st.mean.se);
    expect(Math.abs(st.variance.value - mu[i]), `${label} voxel ${i} variance ${st.variance.value} ± ${st.variance.se} against ${mu[i]}`).toBeLessThan(k * st.variance.se);
    meanSE.push(st.mean.se);
    varianceSE.push(st.variance.se);
  }
  const tot = totalStats(res, S);
  const sum = mu.reduce((a, v) => a + v, 0);
  expect(Math.abs(tot.mean.value - sum), `${label} total mean ${tot.mean.value} ± ${tot.mean.se} against ${sum}`).toBeLessThan(k * tot.mean.se);
  expect(Math.abs(tot.variance.value - sum), `${label} total variance ${tot.variance.value} ± ${tot.variance.se} against ${sum}`).toBeLessThan(k * tot.variance.se);
  return { meanSE, varianceSE };
}

// (a) one leap from a fixed state: every sampler regime (BTRS for 20000·0.36 leavers, inversion
// below n·p = 10, PTRS for 400·q/e births, Poisson inversion for 3·q/e)
const ONE = { b: [400, 0, 0, 0, 3], initial: [20000, 3000, 200, 30, 2], tau: 0.3, replicas: 8192 };
// (b) a long run at a large fixed leap, e_max·τ = 0.3: the leap bias is many SE
const FIXED = { b: [400, 0, 0, 0, 3], tau: 0.3 / 3.5, replicas: 256, burnIn: 10, interval: 5, snapshots: 20 };
// (c) the ε rule with counts in the hundreds and thousands: it always takes its cap ε/e_max
const EPS = { b: [4000, 0, 0, 0, 1000], epsilon: 0.03, replicas: 64, burnIn: 10, interval: 1.5, snapshots: 20 };

const results = new Map<string, RdmeTauLeapResult>();

describe('rdme-tau-leap conformance', () => {
  it('is registered for js (reference) and webgpu (law, with a derived note)', () => {
    expectRegistered('rdme-tau-leap', /\(−A\)⁻¹·ν/);
  });

  describe.each(BACKENDS)('%s', (backend) => {
    const k = () => toleranceOf(getKernel('rdme-tau-leap', backend)).se ?? 4;

    it('one leap from a fixed state: the total is Σ Binomial(n_i, s_i) + Poisson(Σβ_i) in mean and variance (4 SE), and a Poisson-leavers law is rejected', async () => {
      const g = grid(ONE.b);
      const res: RdmeTauLeapResult = await getKernel('rdme-tau-leap', backend).run({ model: g, replicas: ONE.replicas, initial: ONE.initial, tau: ONE.tau, burnIn: 0, interval: ONE.tau, snapshots: 1, stream: Stream.fromSeed(17) });
      expect(Array.from(res.leaps).every((n) => n === 1)).toBe(true);
      // a molecule of voxel i is still in the system after the leap with probability s_i
      let mean = 0;
      let vari = 0;
      let poissonLeavers = 0;
      for (let i = 0; i < g.voxels; i++) {
        const e = exit(g, i);
        const q = -Math.expm1(-e * ONE.tau);
        const lost = (q * (g.k + g.outflow[i])) / e;
        const beta = (g.production[i] * q) / e;
        const n = ONE.initial[i];
        mean += n * (1 - lost) + beta;
        vari += n * lost * (1 - lost) + beta;
        poissonLeavers += n * lost + beta;
      }
      const N = pooled(res.totalSum);
      const V2 = variance(res.totalSum, res.totalSumSq);
      expect(Math.abs(N.value - mean), `${backend} one-leap mean ${N.value} ± ${N.se} against ${mean}`).toBeLessThan(k() * N.se);
      expect(Math.abs(V2.value - vari), `${backend} one-leap variance ${V2.value} ± ${V2.se} against ${vari}`).toBeLessThan(k() * V2.se);
      // power: leavers drawn Poisson(n·q) instead of Binomial(n, q) would be rejected
      expect(Math.abs(poissonLeavers - vari) / V2.se).toBeGreaterThan(2 * k());
    }, 120_000);

    it("a long run at a fixed leap: per-voxel stationary means and variances, and the total's, are the leap chain's product Poisson(μ^τ) within 4 SE; the continuum's μ and Poisson leaps would be rejected", async () => {
      const g = grid(FIXED.b);
      const mu = leapMean(g, FIXED.tau);
      const res: RdmeTauLeapResult = await getKernel('rdme-tau-leap', backend).run({ model: g, replicas: FIXED.replicas, initial: Array.from(mu, Math.round), tau: FIXED.tau, burnIn: FIXED.burnIn, interval: FIXED.interval, snapshots: FIXED.snapshots, stream: Stream.fromSeed(23) });
      results.set(`fixed ${backend}`, res);
      expect(res.leaps[0]).toBe(cleSchedule(FIXED.tau, FIXED.burnIn, FIXED.interval, FIXED.snapshots).steps);
      expect(res.tau).toBe(FIXED.tau);
      const se = checkPoisson(`${backend} fixed τ`, res, mu, FIXED.snapshots, k());
      // power: the leap bias μ^τ − μ and the Poisson-leap variance are far outside the bands
      const mu0 = continuumMean(g);
      const far = Math.max(...Array.from(mu, (m, i) => Math.abs(m - mu0[i]) / se.meanSE[i]));
      const pv = poissonLeapVariance(g, FIXED.tau);
      const farVar = Math.max(...Array.from(mu, (m, i) => Math.abs(pv[i] - m) / se.varianceSE[i]));
      console.log(`rdme-tau-leap ${backend}: leap bias up to ${far.toFixed(1)} SE of the mean check; Poisson leaps' variance up to ${farVar.toFixed(1)} SE`);
      expect(far).toBeGreaterThan(2 * k());
      expect(farVar).toBeGreaterThan(2 * k());
    }, 300_000);

    it('the ε rule: every leap is the cap ε/e_max here, so the law is the leap chain at that τ (4 SE); its leap bias is stated', async () => {
      const g = grid(EPS.b);
      const cap = EPS.epsilon / maxExitRate(g);
      const mu = leapMean(g, cap);
      const res: RdmeTauLeapResult = await getKernel('rdme-tau-leap', backend).run({ model: g, replicas: EPS.replicas, initial: Array.from(mu, Math.round), epsilon: EPS.epsilon, burnIn: EPS.burnIn, interval: EPS.interval, snapshots: EPS.snapshots, stream: Stream.fromSeed(29) });
      results.set(`eps ${backend}`, res);
      expect(res.tau).toBeUndefined();
      // the cap's schedule, give or take the float32 cap's landing at each of the snapshots + 1 targets
      const leaps = cleSchedule(cap, EPS.burnIn, EPS.interval, EPS.snapshots).steps;
      for (const n of res.leaps) expect(Math.abs(n - leaps)).toBeLessThanOrEqual(backend === 'js' ? 0 : EPS.snapshots + 1);
      const se = checkPoisson(`${backend} ε rule`, res, mu, EPS.snapshots, k());
      const mu0 = continuumMean(g);
      const bias = Math.max(...Array.from(mu, (m, i) => Math.abs(m - mu0[i]) / se.meanSE[i]));
      console.log(`rdme-tau-leap ${backend}: at ε = ${EPS.epsilon} the leap bias of the means is up to ${bias.toFixed(1)} SE (relative ${Math.max(...Array.from(mu, (m, i) => Math.abs(m / mu0[i] - 1))).toExponential(1)})`);
    }, 300_000);
  });

  it.runIf(gpu)('webgpu agrees with js in law (per-voxel means and variances within 4 combined SE); the derived float32 bias bound is below half an SE', () => {
    for (const [label, b] of [
      ['fixed', FIXED.b],
      ['eps', EPS.b],
    ] as const) {
      const js = results.get(`${label} js`)!;
      const gp = results.get(`${label} webgpu`)!;
      const g = grid(b);
      for (let i = 0; i < g.voxels; i++) {
        const a = voxelStats(js, g.voxels, i);
        const c = voxelStats(gp, g.voxels, i);
        expect(Math.abs(a.mean.value - c.mean.value), `${label} voxel ${i} mean`).toBeLessThan(4 * Math.hypot(a.mean.se, c.mean.se));
        expect(Math.abs(a.variance.value - c.variance.value), `${label} voxel ${i} variance`).toBeLessThan(4 * Math.hypot(a.variance.se, c.variance.se));
        // tauLeapFloat32Bias: per voxel, at the chain's means and its leap rate
        const mu = leapMean(g, label === 'fixed' ? FIXED.tau : EPS.epsilon / maxExitRate(g));
        const rate = label === 'fixed' ? 1 / FIXED.tau : maxExitRate(g) / EPS.epsilon;
        const bias = tauLeapFloat32Bias(g, mu, rate)[i];
        console.log(`${label} voxel ${i}: float32 bias bound ${bias.toExponential(2)} against SE ${c.mean.se.toExponential(2)}`);
        expect(bias, `${label} voxel ${i} float32 bias against the SE`).toBeLessThan(0.5 * c.mean.se);
      }
    }
    expect(results.get('fixed webgpu')!.leaps[0]).toBe(results.get('fixed js')!.leaps[0]);
  });

  it('js: each replica is TauLeapReplicaJS on stream.child(firstReplica + r), byte for byte (ε rule and fixed leap)', () => {
    const g = grid([400, 0, 0, 0, 3]);
    const init = [400, 200, 100, 40, 13];
    for (const opts of [{}, { tau: 0.05 }, { epsilon: 0.1 }]) {
      const res = getKernel('rdme-tau-leap', 'js').run({ model: g, replicas: 2, initial: init, burnIn: 0.3, interval: 0.0333, snapshots: 3, stream: Stream.fromSeed(9), firstReplica: 5, ...opts }) as RdmeTauLeapResult;
      for (let r = 0; r < 2; r++) {
        const sim = new TauLeapReplicaJS(g, Stream.fromSeed(9).child(5 + r), init, opts);
        const own = replayObservation(sim, 0.3, 0.0333, 3);
        expect(Array.from(res.mean.subarray(5 * r, 5 * r + 5))).toEqual(Array.from(own.mean));
        expect(Array.from(res.meanSquare.subarray(5 * r, 5 * r + 5))).toEqual(Array.from(own.meanSquare));
        expect([res.totalSum[r], res.totalSumSq[r], res.leaps[r]]).toEqual([own.s1, own.s2, sim.events]);
      }
    }
  });

  describe.each(BACKENDS)('%s: bad input', (backend) => {
    it('names the field, the value and what is allowed', async () => {
      const g = grid([400, 0, 0, 0, 3]);
      const base: RdmeTauLeapArgs = { model: g, replicas: 2, initial: [1, 1, 1, 1, 1], burnIn: 0, interval: 0.1, snapshots: 1, stream: Stream.fromSeed(1) };
      const run = (a: Partial<RdmeTauLeapArgs>) => Promise.resolve().then(() => getKernel('rdme-tau-leap', backend).run({ ...base, ...a }));
      await expectRdmeRefusals(run, g);
      await expect(run({ initial: [1, 1, 1.5, 1, 1] })).rejects.toThrow(/initial\[2\].*integer/);
      await expect(run({ tau: -1 })).rejects.toThrow(/tau/);
      await expect(run({ epsilon: 1.5 })).rejects.toThrow(/epsilon.*\(0, 1\)/);
    });
  });

  it.runIf(gpu)('webgpu: a count beyond float32\'s exact integers (2²⁴) stops the run with a DivergenceError naming the voxel', async () => {
    // births of 10⁸/s outrun the losses of 2²⁴ molecules
    const g = grid([1e8, 0, 0, 0, 3]);
    const run = (initial: number[]) => getKernel('rdme-tau-leap', 'webgpu').run({ model: g, replicas: 1, initial, tau: 0.001, burnIn: 0, interval: 0.01, snapshots: 1, stream: Stream.fromSeed(1) });
    await expect(run([2 ** 24 + 1, 0, 0, 0, 0])).rejects.toThrow(/initial\[0\].*2²⁴/);
    await expect(run([2 ** 24, 0, 0, 0, 0])).rejects.toThrow(DivergenceError);
  });
});
