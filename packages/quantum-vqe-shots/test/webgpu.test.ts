// vqe.shot-noise on the registry's statevector-layer and shot-sample kernels (issue 19): webgpu on
// the adapter present (SwiftShader in CI), reduced sizes; skipped, with the reason printed, only
// when no adapter exists. The js statevector-layer kernel is checked against this package's
// simulator byte for byte.
import { describe, expect, it } from 'vitest';
import { runExperiment, Stream } from '@snrlab/core';
import { acquireWebGPU, getKernel, statevectorLayerJS, toleranceOf, type StatevectorGate } from '@snrlab/tensor';
import { shotNoiseExperiment } from '../src/index.js';
import { cnot, cz, h, rx, ry, rz, sdg, sGate, swap, tGate, x, y, z } from '../src/simulator/gates.js';
import { StateVector } from '../src/simulator/state.js';

const adapter = await acquireWebGPU().then(
  (c) => ({ ok: true as const, report: c.report }),
  (e: unknown) => ({ ok: false as const, reason: e instanceof Error ? e.message : String(e) }),
);
if (!adapter.ok) console.warn(`webgpu tests skipped: no adapter (${adapter.reason})`);

describe('statevector-layer (js) is the simulator', () => {
  it('gives the bytes of simulator/gates.ts on a random circuit', () => {
    const n = 6;
    const st = Stream.fromSeed(9);
    const s = new StateVector(n);
    s.setAmplitudes(st.fillNormal(new Float64Array(s.dim)), st.fillNormal(new Float64Array(s.dim)));
    const re = Float64Array.from(s.re);
    const im = Float64Array.from(s.im);
    const gates: StatevectorGate[] = [];
    const apply: ((v: StateVector) => void)[] = [];
    for (let k = 0; k < 80; k++) {
      const q = Math.floor(st.uniform() * n);
      const q2 = (q + 1 + Math.floor(st.uniform() * (n - 1))) % n;
      const t = 6 * st.uniform();
      const pick = Math.floor(st.uniform() * 13);
      const one = ['h', 'x', 'y', 'z', 's', 'sdg', 't'] as const;
      if (pick < 7) {
        gates.push({ gate: one[pick], wires: [q] });
        apply.push((v) => [h, x, y, z, sGate, sdg, tGate][pick](v, q));
      } else if (pick < 10) {
        const g = (['rx', 'ry', 'rz'] as const)[pick - 7];
        gates.push({ gate: g, wires: [q], theta: t });
        apply.push((v) => [rx, ry, rz][pick - 7](v, q, t));
      } else {
        const g = (['cnot', 'cz', 'swap'] as const)[pick - 10];
        gates.push({ gate: g, wires: [q, q2] });
        apply.push((v) => [cnot, cz, swap][pick - 10](v, q, q2));
      }
    }
    for (const f of apply) f(s);
    statevectorLayerJS({ re, im, qubits: n, batch: 1, gates });
    expect(Buffer.from(re.buffer).equals(Buffer.from(s.re.buffer))).toBe(true);
    expect(Buffer.from(im.buffer).equals(Buffer.from(s.im.buffer))).toBe(true);
  });
});

describe.skipIf(!adapter.ok)('vqe on webgpu', () => {
  it('vqe.shot-noise runs its rotations and shots on the webgpu kernels: verdicts and manifest', async () => {
    const params = { shots: [16, 64, 256], estimates: 2000 };
    const js = await runExperiment(shotNoiseExperiment, params, { seed: 5 });
    const gpu = await runExperiment(shotNoiseExperiment, params, { seed: 5, backend: { name: 'webgpu' } });
    expect(js.manifest.backend).toBe('js');
    // the state and its exact moments are float64 on the CPU (js); the rotations and shots on webgpu
    expect(gpu.manifest.backend).toBe('js+webgpu');
    expect(toleranceOf(getKernel('shot-sample', 'webgpu')).kind).toBe('exact');
    const m = gpu.measurements as { kernel?: { exponent: number; varianceTimesShots: number; perShotVariance: number }; points: { sampledLaw?: { precision: string } }[]; analyticPerShotVariance: number };
    expect(m.kernel).toBeDefined();
    expect(m.points.every((p) => p.sampledLaw?.precision === 'float32')).toBe(true);
    // the float32 law is the exact one to ~1e-7: its allowances are far below the effects
    expect(m.kernel!.perShotVariance).toBeLessThan(1e-5 * m.analyticPerShotVariance);
    expect(m.kernel!.exponent).toBeLessThan(1e-5);
    expect(gpu.verdicts.length).toBe(js.verdicts.length);
    for (const v of gpu.verdicts) {
      expect(v.allowance?.derivation, v.claim).toMatch(/float32/);
      // the same law as js: each claim within 4 SE (the kernels' declared statistical check)
      expect(Math.abs(v.measured - v.theory), `${v.claim}: ${v.measured} ± ${v.se} against ${v.theory}`).toBeLessThan(4 * v.se! + (v.allowance?.value ?? 0));
    }
    expect(gpu.verdicts.map((v) => v.status)).toEqual(['agrees', 'agrees', 'agrees']);
    expect(js.verdicts.map((v) => v.status)).toEqual(['agrees', 'agrees', 'agrees']);
  }, 300_000);

  it('a random 4-qubit state (H₂, 4 qubits) with qwc groups and weighted shots: the same law on webgpu', async () => {
    const params = { molecule: 'h2-4q' as const, state: 'random' as const, grouping: 'qwc' as const, allocation: 'weighted' as const, shots: [32, 128, 512], estimates: 1000 };
    const gpu = await runExperiment(shotNoiseExperiment, params, { seed: 8, backend: { name: 'webgpu' } });
    expect(gpu.manifest.backend).toBe('js+webgpu');
    for (const v of gpu.verdicts) expect(Math.abs(v.measured - v.theory), v.claim).toBeLessThan(4 * v.se! + (v.allowance?.value ?? 0));
  }, 300_000);
});
