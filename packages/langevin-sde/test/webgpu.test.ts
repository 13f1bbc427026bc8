// The Langevin ensemble experiments on the webgpu kernels (issue 19, part 5): SwiftShader in CI,
// small sizes. Skipped, with the reason printed, only when no adapter exists.
import { describe, expect, it } from 'vitest';
import { runExperiment } from '@snrlab/core';
import { acquireWebGPU, getKernel, toleranceOf } from '@snrlab/tensor';
import { boltzmannExperiment, replicaAverageExperiment } from '../src/index.js';

const adapter = await acquireWebGPU().then(
  (c) => ({ ok: true as const, report: c.report }),
  (e: unknown) => ({ ok: false as const, reason: e instanceof Error ? e.message : String(e) }),
);
if (!adapter.ok) console.warn(`webgpu tests skipped: no adapter (${adapter.reason})`);

describe.skipIf(!adapter.ok)('langevin on webgpu', () => {
  const webgpu = { name: 'webgpu' };
  it('langevin.boltzmann runs on the webgpu ensemble-em kernel: same verdicts as js, the manifest says webgpu', async () => {
    const params = { potential: 'double-well' as const, replicas: 8192, time: 2, dt: 0.02, temperature: 0.5 };
    const js = await runExperiment(boltzmannExperiment, params, { seed: 2 });
    const gpu = await runExperiment(boltzmannExperiment, params, { seed: 2, backend: webgpu });
    expect(gpu.manifest.backend).toBe('webgpu');
    expect(js.manifest.backend).toBe('js');
    expect(toleranceOf(getKernel('ensemble-em', 'webgpu')).kind).toBe('law');
    expect(gpu.verdicts.map((v) => v.status)).toEqual(js.verdicts.map((v) => v.status));
    expect(gpu.verdicts[0].allowance?.derivation).toMatch(/float32/);
    const m = gpu.measurements as { varianceMeasured: number; varianceSE: number; varianceTheory: number };
    expect(Math.abs(m.varianceMeasured - m.varianceTheory)).toBeLessThan(4 * m.varianceSE);
  }, 120_000);

  it('langevin.boltzmann with BAOAB runs on the webgpu baoab kernel', async () => {
    const params = { potential: 'harmonic' as const, solver: 'baoab' as const, replicas: 4096, time: 5, dt: 0.1 };
    const gpu = await runExperiment(boltzmannExperiment, params, { seed: 4, backend: webgpu });
    expect(gpu.manifest.backend).toBe('webgpu');
    const m = gpu.measurements as { varianceMeasured: number; varianceSE: number; varianceTheory: number };
    expect(Math.abs(m.varianceMeasured - m.varianceTheory)).toBeLessThan(4 * m.varianceSE);
  }, 120_000);

  it('langevin.replica-average runs on the webgpu ensemble-em kernel', async () => {
    const params = { estimates: 200, replicas: [1, 4, 16], time: 1 };
    const js = await runExperiment(replicaAverageExperiment, params, { seed: 2 });
    const gpu = await runExperiment(replicaAverageExperiment, params, { seed: 2, backend: webgpu });
    expect(gpu.manifest.backend).toBe('webgpu');
    // the declared tolerance of a 'law' kernel: the same law, checked within its stated SEs (a 95%
    // verdict alone would differ between two independent samples 1 time in 10)
    const k = toleranceOf(getKernel('ensemble-em', 'webgpu')).se ?? 4;
    for (const r of [js, gpu]) {
      const v = r.verdicts[0];
      expect(Math.abs(v.measured - v.theory)).toBeLessThan(k * v.se!);
    }
  }, 120_000);
});
