// morphogen.rdme-stationary's CLE and tau-leap paths on the webgpu 'rdme-cle' and 'rdme-tau-leap'
// kernels (issue 19): SwiftShader in CI, small sizes. Skipped, with the reason printed, only when no
// adapter exists.
import { describe, expect, it } from 'vitest';
import { runExperiment, Stream } from '@snrlab/core';
import { acquireWebGPU, getKernel, observeRdmeReplica, toleranceOf, type RdmeTauLeapResult } from '@snrlab/tensor';
import { canFail } from '../../../tools/testing/pipeline.js';
import { rdmeStationaryExperiment, type RdmeStationaryMeasurements } from '../src/experiments/rdme-stationary.js';
import { sddProblem1D } from '../src/pde.js';
import { createSimulator } from '../src/rdme/method.js';
import { rdmeFromProblem, stationaryMean } from '../src/rdme/model.js';

const adapter = await acquireWebGPU().then(
  (c) => ({ ok: true as const, report: c.report }),
  (e: unknown) => ({ ok: false as const, reason: e instanceof Error ? e.message : String(e) }),
);
if (!adapter.ok) console.warn(`webgpu tests skipped: no adapter (${adapter.reason})`);

const params = { D: 1, k: 0.2, h: 1, p: 2000, sourceLength: 2, patterningLength: 6, method: 'cle' as const, replicas: 64, replicasPerJob: 32, burnIn: 5, duration: 10, snapshots: 50 };


/** js and webgpu give the same law: totals and every voxel's mean and Fano factor within k combined SE. */
function expectSameLaw(a: RdmeStationaryMeasurements, b: RdmeStationaryMeasurements, k: number): void {
  expect(Math.abs(b.totalMean - a.totalMean)).toBeLessThan(k * Math.hypot(a.totalMeanSE, b.totalMeanSE));
  expect(Math.abs(b.totalFano - a.totalFano)).toBeLessThan(k * Math.hypot(a.totalFanoSE, b.totalFanoSE));
  for (let i = 0; i < a.means.length; i++) {
    expect(Math.abs(b.means[i] - a.means[i]), `voxel ${i} mean`).toBeLessThan(k * Math.hypot(a.meanSE[i], b.meanSE[i]));
    expect(Math.abs(b.fanos[i] - a.fanos[i]), `voxel ${i} Fano`).toBeLessThan(k * Math.hypot(a.fanoSE[i], b.fanoSE[i]));
  }
}

describe('replicasPerJob', () => {
  it('blocks of replicas give the bytes of one replica per job (the same streams), on js', async () => {
    const small = { ...params, replicas: 6, duration: 4, snapshots: 10 };
    const one = await runExperiment(rdmeStationaryExperiment, { ...small, replicasPerJob: undefined }, { seed: 3 });
    const blocks = await runExperiment(rdmeStationaryExperiment, { ...small, replicasPerJob: 4 }, { seed: 3 });
    expect(JSON.stringify(blocks.metrics)).toBe(JSON.stringify(one.metrics));
    expect(JSON.stringify(blocks.verdicts)).toBe(JSON.stringify(one.verdicts));
    const ssa = { ...small, method: 'ssa' as const, p: 20 };
    const a = await runExperiment(rdmeStationaryExperiment, ssa, { seed: 3 });
    const b = await runExperiment(rdmeStationaryExperiment, { ...ssa, replicasPerJob: 5 }, { seed: 3 });
    expect(JSON.stringify(b.metrics)).toBe(JSON.stringify(a.metrics));
    const tau = { ...small, method: 'tau-leap' as const, p: 200 };
    const c = await runExperiment(rdmeStationaryExperiment, tau, { seed: 3 });
    const d = await runExperiment(rdmeStationaryExperiment, { ...tau, replicasPerJob: 4 }, { seed: 3 });
    expect(JSON.stringify(d.metrics)).toBe(JSON.stringify(c.metrics));
    expect(JSON.stringify(d.verdicts)).toBe(JSON.stringify(c.verdicts));
  });

  it("the js 'rdme-tau-leap' kernel is TauLeapSimulator, replica for replica, byte for byte", () => {
    const m = rdmeFromProblem(sddProblem1D({ D: 1, k: 0.2, p: 200, h: 1, sourceLength: 2, patterningLength: 6 }));
    const initial = Array.from(stationaryMean(m), Math.round);
    const V = m.voxels;
    const res = getKernel('rdme-tau-leap', 'js').run({ model: m, replicas: 3, initial, burnIn: 2, interval: 0.5, snapshots: 4, stream: Stream.fromSeed(11), firstReplica: 2 }) as RdmeTauLeapResult;
    for (let r = 0; r < 3; r++) {
      const sim = createSimulator(m, 'tau-leap', Stream.fromSeed(11).child(2 + r), initial);
      const mean = new Float64Array(V);
      const meanSquare = new Float64Array(V);
      const t = observeRdmeReplica(sim, 2, 0.5, 4, mean, meanSquare);
      expect(Array.from(res.mean.subarray(r * V, (r + 1) * V))).toEqual(Array.from(mean));
      expect(Array.from(res.meanSquare.subarray(r * V, (r + 1) * V))).toEqual(Array.from(meanSquare));
      expect([res.totalSum[r], res.totalSumSq[r], res.leaps[r]]).toEqual([t.totalSum, t.totalSumSq, sim.events]);
    }
  });
});

describe.skipIf(!adapter.ok)('morphogen on webgpu', () => {
  it('rdme-stationary with method cle runs on the webgpu rdme-cle kernel: the manifest says webgpu, the law is js\'s, verdicts can fail', async () => {
    const js = await runExperiment(rdmeStationaryExperiment, params, { seed: 2 });
    const gpu = await runExperiment(rdmeStationaryExperiment, params, { seed: 2, backend: { name: 'webgpu' } });
    expect(js.manifest.backend).toBe('js');
    expect(gpu.manifest.backend).toBe('webgpu');
    expect(toleranceOf(getKernel('rdme-cle', 'webgpu')).kind).toBe('law');
    const a = js.measurements as RdmeStationaryMeasurements;
    const b = gpu.measurements as RdmeStationaryMeasurements;
    expect(a.float32Dt).toBeUndefined();
    expect(b.float32Dt).toBeGreaterThan(0);
    expect(b.events).toBe(a.events);
    // the same law, within the kernel's stated 4 SE (other random numbers)
    const k = toleranceOf(getKernel('rdme-cle', 'webgpu')).se ?? 4;
    expectSameLaw(a, b, k);
    // every verdict is judged with a derived float32 allowance, well inside its statistical band, and can fail
    expect(gpu.verdicts).toHaveLength(js.verdicts.length);
    for (const v of gpu.verdicts) {
      expect(v.allowance?.derivation, v.claim).toMatch(/float32 kernel \(webgpu\).*2⁻²⁴\/\(k·dt\)/);
      expect(v.allowance!.value, v.claim).toBeLessThan(0.1 * ((v.ci95[1] - v.ci95[0]) / 2));
      expect(canFail(v), v.claim).toBe(true);
    }
    expect(js.verdicts.every((v) => v.allowance === undefined)).toBe(true);
  }, 180_000);

  it('rdme-stationary with method tau-leap runs on the webgpu rdme-tau-leap kernel: the manifest says webgpu, the law is js\'s, verdicts carry a derived float32 allowance and can fail', async () => {
    const tau = { ...params, method: 'tau-leap' as const };
    const js = await runExperiment(rdmeStationaryExperiment, tau, { seed: 4 });
    const gpu = await runExperiment(rdmeStationaryExperiment, tau, { seed: 4, backend: { name: 'webgpu' } });
    expect(js.manifest.backend).toBe('js');
    expect(gpu.manifest.backend).toBe('webgpu');
    expect(toleranceOf(getKernel('rdme-tau-leap', 'webgpu')).kind).toBe('law');
    const a = js.measurements as RdmeStationaryMeasurements;
    const b = gpu.measurements as RdmeStationaryMeasurements;
    expect(a.float32LeapRate).toBeUndefined();
    expect(b.float32Dt).toBeUndefined();
    // the same leap rule: the leap counts agree to within the float32 cap's landings (snapshots + 1 per replica)
    expect(Math.abs(b.events - a.events)).toBeLessThanOrEqual(params.replicas * (params.snapshots + 1));
    expect(b.float32LeapRate! * ((params.burnIn + params.duration) / params.k) * params.replicas).toBeCloseTo(b.events, 6);
    const k = toleranceOf(getKernel('rdme-tau-leap', 'webgpu')).se ?? 4;
    expectSameLaw(a, b, k);
    expect(gpu.verdicts).toHaveLength(js.verdicts.length);
    for (const v of gpu.verdicts) {
      expect(v.allowance?.derivation, v.claim).toMatch(/float32 kernel \(webgpu\).*leaps per unit time.*\(−A\)⁻¹·ν/);
      console.log(`${v.claim}: allowance ${v.allowance!.value.toExponential(2)}, half-width ${((v.ci95[1] - v.ci95[0]) / 2).toExponential(2)}`);
      // a worst-case first-order bound: it widens no interval by more than half
      expect(v.allowance!.value, v.claim).toBeLessThan(0.5 * ((v.ci95[1] - v.ci95[0]) / 2));
      expect(canFail(v), v.claim).toBe(true);
    }
    expect(js.verdicts.every((v) => v.allowance === undefined)).toBe(true);
  }, 300_000);
});
