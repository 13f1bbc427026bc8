import { describe, expect, it } from 'vitest';
import { Stream } from '@snrlab/core';
import {
  BatchNorm,
  bars2d,
  cnn,
  Conv,
  Dense,
  gaussianMixture,
  GlobalAvgPool,
  linearTeacher,
  LogisticLoss,
  mlp,
  ReLU,
  Sequential,
  signals1d,
  SoftmaxCrossEntropy,
  SquaredLoss,
  Tanh,
  type Batch,
} from '../src/index.js';
import { fdHvp, fdPerExample, genericParams, maxAbs, maxDiff } from './helpers.js';

const s = Stream.fromSeed(11);
const mixture = gaussianMixture({ n: 6, dim: 4, classes: 3, stream: s.child('gm') }).dataset;
const binary = gaussianMixture({ n: 6, dim: 4, classes: 2, binary: true, stream: s.child('bin') }).dataset;
const regression = linearTeacher({ n: 5, dim: 4, outputs: 2, stream: s.child('lin') }).dataset;
const sig = signals1d({ n: 5, length: 8, classes: 2, stream: s.child('sig') });
const img = bars2d({ n: 4, size: 5, stream: s.child('img') });

const cases: [string, Sequential, Batch][] = [
  ['dense + squared loss', new Sequential([new Dense(4, 2)], new SquaredLoss()), regression],
  ['dense + logistic loss', new Sequential([new Dense(4, 1)], new LogisticLoss()), binary],
  ['MLP relu + softmax CE', mlp([4, 5, 3]), mixture],
  ['MLP tanh ×2 + softmax CE', mlp([4, 5, 4, 3], { activation: 'tanh' }), mixture],
  ['MLP tanh + squared loss', mlp([4, 6, 2], { activation: 'tanh', loss: 'squared' }), regression],
  ['batch norm (eval mode) MLP', mlp([4, 5, 3], { activation: 'tanh', batchNorm: true }), mixture],
  ['conv1d (same) + GAP', cnn([8, 1], 2, { channels: [3, 2], activation: 'tanh' }), sig],
  ['conv1d (valid) + GAP', new Sequential([new Conv([8, 1], 3, [3]), new Tanh([6, 3]), new GlobalAvgPool([6, 3]), new Dense(3, 2)], new SoftmaxCrossEntropy()), sig],
  ['conv2d (same) + GAP', cnn([5, 5, 1], 2, { channels: [2], activation: 'tanh' }), img],
  ['conv2d (valid) relu + GAP', new Sequential([new Conv([5, 5, 1], 2, [2, 3]), new ReLU([4, 3, 2]), new GlobalAvgPool([4, 3, 2]), new Dense(2, 2)], new SoftmaxCrossEntropy()), img],
];

/** Non-trivial running statistics for eval-mode batch norm. */
function setRunningStats(model: Sequential): void {
  for (const l of model.layers) {
    if (l instanceof BatchNorm) {
      l.runningVar.fill(0.7);
      l.runningMean.fill(0.1);
    }
  }
}

describe('per-example gradients, layer by layer', () => {
  for (const [name, model, batch] of cases) {
    // batch norm is compared in eval mode here (per-example gradients are then true gradients of ℓ_i)
    const train = !name.includes('eval');
    it(`${name}: every example's gradient matches finite differences`, () => {
      const params = genericParams(model, 3);
      if (!train) setRunningStats(model);
      const r = model.perExample(params, batch, { sqNorms: true, train });
      const fd = fdPerExample(model, params, batch, 1e-6, train);
      const scale = maxAbs(fd);
      // central differences: O(h²) truncation and O(ε/h) rounding, ~1e-9 relative here
      expect(maxDiff(r.gradients as Float64Array, fd)).toBeLessThan(1e-7 * Math.max(1, scale));
      const P = model.paramCount;
      for (let i = 0; i < batch.n; i++) {
        let q = 0;
        let m = 0;
        for (let j = 0; j < P; j++) q += (r.gradients as Float64Array)[i * P + j] ** 2;
        m = (r.sqNorms as Float64Array)[i];
        expect(Math.abs(q - m)).toBeLessThan(1e-12 * Math.max(1, q));
      }
      // their mean is the batch gradient
      const g = model.gradient(params, batch, { train }).gradient;
      for (let j = 0; j < P; j++) {
        let a = 0;
        for (let i = 0; i < batch.n; i++) a += (r.gradients as Float64Array)[i * P + j];
        expect(a / batch.n).toBeCloseTo(g[j], 12);
      }
    });
    it(`${name}: Hessian-vector products match finite differences of gradients`, () => {
      const params = genericParams(model, 5);
      if (!train) setRunningStats(model);
      const v = new Float64Array(model.paramCount);
      Stream.fromSeed(9).fillNormal(v);
      const hv = model.hvp(params, batch, v, { train }).hv;
      const fd = fdHvp(model, params, batch, v, 1e-5, train);
      expect(maxDiff(hv, fd)).toBeLessThan(1e-6 * Math.max(1, maxAbs(fd)));
    });
  }

  it('batch norm in training mode: per-example terms average to the batch gradient, HVP matches', () => {
    const model = mlp([4, 5, 3], { activation: 'tanh', batchNorm: true });
    const params = genericParams(model, 7);
    const r = model.perExample(params, mixture, { train: true });
    const P = model.paramCount;
    // the batch gradient by finite differences of the batch loss
    const h = 1e-6;
    for (let j = 0; j < P; j++) {
      const a = model.lossValue(params.map((x, k) => (k === j ? x + h : x)), mixture);
      const b = model.lossValue(params.map((x, k) => (k === j ? x - h : x)), mixture);
      let mean = 0;
      for (let i = 0; i < mixture.n; i++) mean += (r.gradients as Float64Array)[i * P + j] / mixture.n;
      expect(Math.abs(mean - (a - b) / (2 * h))).toBeLessThan(1e-8);
    }
    const v = new Float64Array(P);
    Stream.fromSeed(2).fillNormal(v);
    expect(maxDiff(model.hvp(params, mixture, v).hv, fdHvp(model, params, mixture, v))).toBeLessThan(1e-6);
  });

  it('batch norm in training mode: scaling the pre-BN weights by c leaves the loss and divides their gradient by c', () => {
    const model = mlp([4, 6, 3], { batchNorm: true });
    const params = genericParams(model, 8);
    const w = model.paramRanges().filter((r) => r.layer === 0);
    const c = 7.5;
    const scaled = Float64Array.from(params);
    for (const r of w) for (let j = r.offset; j < r.offset + r.size; j++) scaled[j] *= c;
    const a = model.gradient(params, mixture);
    const b = model.gradient(scaled, mixture);
    expect(b.loss).toBeCloseTo(a.loss, 5); // ε = 1e-5 in the variance breaks exact invariance slightly
    for (const r of w) {
      if (r.block !== 'weight') continue;
      for (let j = r.offset; j < r.offset + r.size; j++) expect(b.gradient[j] * c).toBeCloseTo(a.gradient[j], 5);
    }
  });

  it('batch norm updates running statistics only when asked', () => {
    const model = mlp([4, 5, 3], { batchNorm: true });
    const params = genericParams(model, 1);
    const bn = model.layers.find((l) => l instanceof BatchNorm) as BatchNorm;
    model.gradient(params, mixture);
    expect(Array.from(bn.runningMean)).toEqual([0, 0, 0, 0, 0]);
    model.gradient(params, mixture, { updateStats: true });
    expect(maxAbs(bn.runningMean)).toBeGreaterThan(0);
  });

  it('refuses layers whose shapes disagree, naming the layer', () => {
    expect(() => new Sequential([new Dense(4, 5), new Dense(6, 2)], new SquaredLoss())).toThrow(/layers\[1\]\.inShape.*\[5\]/);
    expect(() => new Conv([8, 1], 2, [3, 3])).toThrow(/kernel/);
    const model = mlp([4, 5, 3]);
    expect(() => model.gradient(new Float64Array(3), mixture)).toThrow(/params\.length/);
    expect(() => model.gradient(model.init(s), { x: new Float64Array(7), y: new Float64Array(2), n: 2 })).toThrow(/batch\.x\.length/);
    expect(() => model.gradient(model.init(s), { x: new Float64Array(8), y: Float64Array.of(0, 5), n: 2 })).toThrow(/labels\[1\]/);
  });

  it('conv "same" output positions equal the input positions; "valid" shrink by k − 1', () => {
    expect(new Conv([10, 2], 3, [5], { padding: 'same' }).outShape).toEqual([10, 3]);
    expect(new Conv([10, 2], 3, [5]).outShape).toEqual([6, 3]);
    expect(new Conv([6, 5, 1], 4, [3, 2]).outShape).toEqual([4, 4, 4]);
  });
});
