// The per-example noise measurements on the registry kernels (issue 19, item 5): the kernel glue
// against the float64 model on the js kernels (always), and sgd.batch-variance / sgd.noise-scale
// with `backend: webgpu` on the adapter present (SwiftShader in CI), skipped with the reason
// printed only when no adapter exists.
import { describe, expect, it } from 'vitest';
import { canonicalJSON, goldenOf } from '../../../tools/testing/pipeline.js';
import { ParameterError, reassess, runExperiment, Stream, WorkerPool, type Verdict } from '@snrlab/core';
import { acquireWebGPU, describeAdapter, getKernel, toleranceOf, type DenseLayer } from '@snrlab/tensor';
import { batchVarianceExperiment } from '../src/experiments/batch-variance.js';
import { noiseScaleExperiment } from '../src/experiments/noise-scale.js';
import { makeDataset, makeModel, type DatasetName } from '../src/experiments/common.js';
import { KernelGradients, batchIndexDrawer, kernelNetOf, kernelNoise, kernelPass, kernelTwoBatch, requireKernelNet, type KernelNet } from '../src/measure/kernel-noise.js';
import { gradientNoise, miniBatchGradientSampler, twoBatchEstimate } from '../src/measure/noise.js';
import { mlp, type ModelName } from '../src/nn/models.js';
import type { Sequential } from '../src/nn/model.js';
import type { Dataset } from '../src/data/dataset.js';
import { genericParams } from './helpers.js';

const adapter = await acquireWebGPU().then(
  (c) => ({ ok: true as const, report: c.report }),
  (e: unknown) => ({ ok: false as const, reason: e instanceof Error ? e.message : String(e) }),
);
if (!adapter.ok) console.warn(`webgpu tests skipped: no adapter (${adapter.reason})`);

const relDiff = (a: ArrayLike<number>, b: ArrayLike<number>) => {
  let num = 0;
  let den = 0;
  for (let i = 0; i < a.length; i++) {
    num = Math.max(num, Math.abs(a[i] - b[i]));
    den = Math.max(den, Math.abs(b[i]));
  }
  return num / den;
};

function setup(model: ModelName | ((d: Dataset) => Sequential), dataset: DatasetName, n = 48): { data: Dataset; model: Sequential; theta: Float64Array } {
  const data = makeDataset(dataset, n, 4, Stream.fromSeed(3).child('data'));
  const m = typeof model === 'string' ? makeModel(model, data) : model(data);
  return { data, model: m, theta: genericParams(m, 5) };
}

const CASES: [string, () => ReturnType<typeof setup>][] = [
  ['softmax regression on iris', () => setup('softmax-regression', 'iris')],
  ['linear regression (squared loss)', () => setup('linear-regression', 'linear-teacher')],
  ['logistic regression', () => setup('logistic-regression', 'binary-mixture')],
  ['ReLU MLP, softmax cross-entropy', () => setup('mlp', 'gaussian-mixture')],
  ['ReLU MLP, squared loss', () => setup('mlp', 'teacher-student')],
  ['tanh MLP with two hidden layers', () => setup((d) => mlp([4, 8, 6, d.classes as number], { activation: 'tanh' }), 'gaussian-mixture')],
];

describe('per-example noise on the js registry kernels is the float64 model', () => {
  for (const [name, make] of CASES) {
    it(`${name}: norms, full-batch gradient, trΣ_pop and the sampler's mini-batch gradients`, async () => {
      const { data, model, theta } = make();
      const net = requireKernelNet(model, 'js');
      const pass = await kernelPass(net, theta, data, 'js', { chunk: 20 });
      expect(pass.backend).toBe('js');
      const ref = model.perExample(theta, data, { sqNorms: true });
      expect(relDiff(pass.norms, ref.sqNorms!)).toBeLessThan(1e-12);
      expect(relDiff(pass.losses, ref.losses)).toBeLessThan(1e-12);
      const noise = await kernelNoise(net, pass, { chunk: 20 });
      expect(relDiff(noise.gradient, ref.gradient)).toBeLessThan(1e-12);
      const g = gradientNoise(model, theta, data);
      expect(Math.abs(noise.trSigmaPop - g.trSigmaPop) / g.trSigmaPop).toBeLessThan(1e-10);
      // float64 reference kernels: no rounding bounds
      expect([noise.trSigmaPopBound, noise.bSimpleBound, noise.tolerances.matmul.rel]).toEqual([0, 0, 0]);
      // the batches of the js sampler, from the same stream, and their gradients
      for (const replacement of [false, true]) {
        const sampler = miniBatchGradientSampler(model, theta, data, { replacement });
        const draw = batchIndexDrawer(data.n, replacement);
        const s1 = Stream.fromSeed(7);
        const s2 = Stream.fromSeed(7);
        const idx = new Int32Array(9);
        const grads = new KernelGradients(net, pass);
        const out = new Float64Array(net.paramCount);
        for (let r = 0; r < 5; r++) {
          const want = sampler(9, s1);
          await grads.sum(draw(9, s2, idx), 9, 1 / 9, out);
          expect(relDiff(out, want)).toBeLessThan(1e-12);
        }
      }
    });
  }

  it('the two-batch estimate on the js kernels is twoBatchEstimate', async () => {
    const { data, model, theta } = setup('linear-regression', 'linear-teacher');
    const net = requireKernelNet(model, 'js');
    const pass = await kernelPass(net, theta, data, 'js');
    const noise = await kernelNoise(net, pass);
    const o = { bSmall: 2, bBig: 12, repeats: 30 };
    const k = await kernelTwoBatch(net, pass, noise, { ...o, stream: Stream.fromSeed(11) });
    const want = twoBatchEstimate(model, theta, data, { ...o, stream: Stream.fromSeed(11) });
    expect(Math.abs(k.result.bSimple - want.bSimple) / Math.abs(want.bSimple)).toBeLessThan(1e-10);
    expect(k.bound).toBe(0);
  });

  it('refuses layers the kernels lack, naming the layer; a webgpu run refuses it as `backend` (exit 2) before any kernel runs', async () => {
    const cnn = setup('cnn', 'signals');
    const r = kernelNetOf(cnn.model);
    expect('reason' in r && r.reason).toMatch(/conv/);
    const bn = setup((d) => mlp([4, 8, d.classes as number], { batchNorm: true }), 'gaussian-mixture');
    expect(() => requireKernelNet(bn.model, 'webgpu')).toThrow(/batch-norm/);
    const run = runExperiment(batchVarianceExperiment, { model: 'cnn', dataset: 'signals', datasetSize: 40, batchSizes: [1, 2, 4], estimates: 40, warmupSteps: 0 }, { seed: 1, backend: { name: 'webgpu' } });
    await expect(run).rejects.toBeInstanceOf(ParameterError);
    await expect(run).rejects.toMatchObject({ parameter: 'backend', value: 'webgpu' });
  });
});

/** Every verdict on float32 kernels: an allowance with its derivation, far below the SE, and still able to fail. */
function checkFloat32Verdicts(vs: Verdict[]): void {
  for (const v of vs) {
    expect(v.allowance?.derivation, v.claim).toMatch(/float32 registry kernels.*declared/);
    expect(v.allowance!.value, v.claim).toBeLessThan(v.se!);
    for (const side of [-1, 1]) expect(reassess(v, v.measured + side * 10 * v.se!), v.claim).not.toBe('agrees');
  }
}

describe.skipIf(!adapter.ok)('per-example noise on webgpu', () => {
  const webgpu = { name: 'webgpu' };
  const report = adapter.ok ? adapter.report : null;

  it('the kernel pass on webgpu gives per-example norms within the declared tolerance of the float32 MLP kernel', async () => {
    const { data, model, theta } = setup('mlp', 'gaussian-mixture', 64);
    const net: KernelNet = requireKernelNet(model, 'webgpu');
    const pass = await kernelPass(net, theta, data, 'webgpu');
    expect(pass.backend).toBe('webgpu');
    const ref = model.perExample(theta, data, { sqNorms: true }).sqNorms!;
    // the registry's whole-chain float32 kernel on the same network: its declared tolerance is the
    // stated accuracy of a float32 forward and backward pass of it
    const layers: DenseLayer[] = net.layers.map((l) => ({ in: l.inputs, out: l.outputs, W: theta.slice(l.offset, l.offset + l.inputs * l.outputs), b: theta.slice(l.offset + l.inputs * l.outputs, l.offset + (l.inputs + 1) * l.outputs) }));
    const def = getKernel('mlp-per-example-norms', 'webgpu');
    const t = toleranceOf(def as never);
    const mlpNorms = (await def.run({ x: data.x, labels: Array.from(data.y), layers, batch: data.n })).norms;
    for (let i = 0; i < data.n; i++) {
      expect(Math.abs(pass.norms[i] - ref[i]), `example ${i}`).toBeLessThanOrEqual(t.abs! + t.rel! * ref[i]);
      expect(Math.abs(mlpNorms[i] - ref[i]), `example ${i} (mlp kernel)`).toBeLessThanOrEqual(t.abs! + t.rel! * ref[i]);
    }
  }, 120_000);

  it('sgd.batch-variance runs its mini-batch noise on webgpu: the js batches, the js measurements within 4 SE, derived allowances, an honest manifest', async () => {
    const params = { batchSizes: [1, 4, 16], estimates: 40, warmupSteps: 5 };
    const js = await runExperiment(batchVarianceExperiment, params, { seed: 3 });
    const gpu = await runExperiment(batchVarianceExperiment, params, { seed: 3, backend: webgpu });
    expect(js.manifest.backend).toBe('js');
    // the warm start (SGD steps) and the float64 reference stay on js; the batches ran on webgpu
    expect(gpu.manifest.backend).toBe('js+webgpu');
    expect(gpu.manifest.backendRequested).toBe('webgpu');
    type M = { trSigmaPop: number; bSimple: number; points: { budget: number; spread: number; spreadSE: number }[]; kernel?: { precision: string; adapter: string; trSigmaPopFloat64: number; trSigmaPopBound: number } };
    const mj = js.measurements as M;
    const mg = gpu.measurements as M;
    expect(mj.kernel).toBeUndefined();
    const k = mg.kernel!;
    expect(k.precision).toBe('float32');
    expect(k.adapter).toBe(describeAdapter(report!));
    if (report!.fallback) expect(k.adapter).toMatch(/fallback/);
    expect(k.trSigmaPopFloat64).toBe(mj.trSigmaPop);
    // the kernels' trΣ_pop of their per-example gradients against the float64 one: within the MLP
    // kernel's declared tolerance on the norms (mean|g|² = trΣ + |G|², |G|² = trΣ/B_simple)
    const t = toleranceOf(getKernel('mlp-per-example-norms', 'webgpu') as never);
    expect(Math.abs(mg.trSigmaPop - mj.trSigmaPop)).toBeLessThanOrEqual(t.abs! + t.rel! * mj.trSigmaPop * (1 + 2 / mj.bSimple));
    for (let i = 0; i < mj.points.length; i++) {
      const a = mj.points[i];
      const b = mg.points[i];
      expect(b.budget).toBe(a.budget);
      expect(Math.abs(b.spread - a.spread), `B = ${a.budget}`).toBeLessThan(4 * a.spreadSE);
    }
    expect(gpu.verdicts.map((v) => v.status)).toEqual(js.verdicts.map((v) => v.status));
    for (let i = 0; i < js.verdicts.length; i++) expect(Math.abs(gpu.verdicts[i].measured - js.verdicts[i].measured)).toBeLessThan(4 * js.verdicts[i].se!);
    checkFloat32Verdicts(gpu.verdicts);
    expect(gpu.notes.join(' ')).toMatch(/registry kernels/);
  }, 300_000);

  it('sgd.batch-variance on webgpu gives the same bytes in a worker thread (as `snrlab run` runs it)', async () => {
    const params = { batchSizes: [2, 8, 32], estimates: 40, warmupSteps: 0, replacement: true };
    const inline = await runExperiment(batchVarianceExperiment, params, { seed: 4, backend: webgpu });
    const pool = new WorkerPool({ workers: 1 });
    try {
      const pooled = await runExperiment(batchVarianceExperiment, params, { seed: 4, backend: webgpu, executor: pool });
      expect(pooled.manifest.backend).toBe('js+webgpu');
      expect(canonicalJSON(goldenOf(pooled))).toBe(canonicalJSON(goldenOf(inline)));
    } finally {
      await pool.close();
    }
  }, 300_000);

  it('sgd.noise-scale measures B_simple and its two-batch estimate on webgpu', async () => {
    const params = { datasetSize: 64, dim: 4, conditionNumber: 10, bBig: 16, estimates: 40, batchSizes: [1, 2, 4, 16], learningRates: 3, replicas: 2, maxSteps: 400 };
    const js = await runExperiment(noiseScaleExperiment, params, { seed: 2 });
    const gpu = await runExperiment(noiseScaleExperiment, params, { seed: 2, backend: webgpu });
    expect(js.manifest.backend).toBe('js');
    expect(gpu.manifest.backend).toBe('js+webgpu');
    type M = { start: { bSimple: number; trSigma: number; gNormSq: number }; twoBatch: { bSimple: number; bSimpleSE: number }; kernel?: { precision: string; adapter: string; bSimple: number; trSigma: number } };
    const mj = js.measurements as M;
    const mg = gpu.measurements as M;
    expect(mg.kernel!.precision).toBe('float32');
    expect(mg.kernel!.adapter).toBe(describeAdapter(report!));
    // the js batches, averaged from float32 per-example gradients: within 4 SE of the js estimate
    expect(Math.abs(mg.twoBatch.bSimple - mj.twoBatch.bSimple)).toBeLessThan(4 * mj.twoBatch.bSimpleSE);
    // trΣ_pop of the kernels' per-example gradients against float64: within the declared tolerance
    // of the registry's float32 forward-backward kernel on the norms (mean|g|² = trΣ + |G|²)
    const t = toleranceOf(getKernel('mlp-per-example-norms', 'webgpu') as never);
    expect(Math.abs(mg.kernel!.trSigma - mj.start.trSigma)).toBeLessThanOrEqual(t.abs! + t.rel! * (mj.start.trSigma + 2 * mj.start.gNormSq));
    expect(Math.abs(mg.kernel!.bSimple - mj.start.bSimple)).toBeLessThan(4 * mj.twoBatch.bSimpleSE);
    expect(gpu.verdicts.map((v) => v.status)).toEqual(js.verdicts.map((v) => v.status));
    checkFloat32Verdicts(gpu.verdicts.slice(0, 1));
    expect(gpu.verdicts[1].allowance).toBeUndefined();
  }, 300_000);
});
