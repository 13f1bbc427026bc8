// gan.noise-drift on the registry's webgpu game-step kernel (issue 19, part 5): SwiftShader in CI,
// reduced sizes. Skipped, with the reason printed, only when no adapter exists.
import { describe, expect, it } from 'vitest';
import { runExperiment } from '@snrlab/core';
import { acquireWebGPU, getKernel, toleranceOf } from '@snrlab/tensor';
import { noiseDriftExperiment } from '../src/index.js';

const adapter = await acquireWebGPU().then(
  (c) => ({ ok: true as const, report: c.report }),
  (e: unknown) => ({ ok: false as const, reason: e instanceof Error ? e.message : String(e) }),
);
if (!adapter.ok) console.warn(`webgpu tests skipped: no adapter (${adapter.reason})`);

describe.skipIf(!adapter.ok)('gan on webgpu', () => {
  it('gan.noise-drift runs its GDA ensembles on the webgpu game-step kernel: the laws hold, the manifest says so', async () => {
    const params = { steps: 100, particles: 2000, sigmas: [0.2, 0.4, 0.3], convergentMethods: ['extragradient', 'optimistic', 'proximal'] as ('extragradient' | 'optimistic' | 'proximal')[] };
    const js = await runExperiment(noiseDriftExperiment, params, { seed: 3 });
    const gpu = await runExperiment(noiseDriftExperiment, params, { seed: 3, backend: { name: 'webgpu' } });
    expect(js.manifest.backend).toBe('js');
    // the GDA ensembles ran on webgpu; the continuous-time SDE, proximal point and the portraits on js
    expect(gpu.manifest.backend).toBe('js+webgpu');
    const m = gpu.measurements as { float32?: { methods: string[]; steps: number }; drift: { fits: { method: string; c: number; se: number; theory: number }[] } };
    expect(m.float32?.methods.sort()).toEqual(['alternating', 'extragradient', 'optimistic', 'simultaneous']);
    expect(toleranceOf(getKernel('game-step', 'webgpu')).kind).toBe('law');
    // the declared tolerance of a 'law' kernel: the drift laws within its stated SEs
    const k = toleranceOf(getKernel('game-step', 'webgpu')).se ?? 4;
    for (const f of m.drift.fits) expect(Math.abs(f.c - f.theory), `${f.method}: ${f.c} ± ${f.se} against ${f.theory}`).toBeLessThan(k * f.se);
    // verdicts on float32 ensembles carry the derived allowance; the statuses are those of js
    const byClaim = new Map(js.verdicts.map((v) => [v.claim, v.status]));
    expect(gpu.verdicts.length).toBe(js.verdicts.length);
    for (const v of gpu.verdicts) {
      expect(byClaim.has(v.claim), v.claim).toBe(true);
      if (v.kind === 'point' && !/continuous|rotation plus diffusion|proximal/i.test(v.claim)) {
        expect(v.allowance?.derivation, v.claim).toMatch(/float32/);
        expect(v.allowance!.value).toBeLessThan(1e-3 * Math.abs(v.theory));
      }
    }
    expect(gpu.verdicts.map((v) => v.status)).toEqual(js.verdicts.map((v) => v.status));
    // the seed claim is refuted on the GPU as on js
    expect(gpu.verdicts.find((v) => /Noise helps/.test(v.claim))?.status).toBe('disagrees');
  }, 300_000);

  it('α-stable noise on webgpu is refused by name (the kernel draws Gaussian noise)', async () => {
    await expect(runExperiment(noiseDriftExperiment, { steps: 40, particles: 400, noise: 'alpha-stable' }, { seed: 1, backend: { name: 'webgpu' } })).rejects.toThrow(/backend.*webgpu/);
  }, 120_000);
});
