import { describe, expect, it } from 'vitest';
import { DivergenceError, Stream } from '@snrlab/core';
import {
  BatchSampler,
  clipGlobalNorm,
  clipPerCoordinate,
  clipPerExampleMean,
  cosine,
  datasetLoss,
  exponentialDecay,
  inverseTime,
  iris,
  linearRegression,
  linearTeacher,
  minimize,
  sgd,
  softmaxRegression,
  standardize,
  stepDecay,
  toSchedule,
  warmup,
} from '../src/index.js';

describe('batch sampling', () => {
  it('without replacement: every epoch visits each example once, no repeats within a batch', () => {
    const s = new BatchSampler(10, 5, false, Stream.fromSeed(1));
    const seen = new Set<number>();
    for (let k = 0; k < 2; k++) for (const i of s.next()) seen.add(i);
    expect(seen.size).toBe(10);
    const b = Array.from(s.next());
    expect(new Set(b).size).toBe(5);
  });
  it('with replacement: uniform indices (chi-square over 10 bins within reason)', () => {
    const s = new BatchSampler(100, 10, true, Stream.fromSeed(2));
    const counts = new Array(10).fill(0);
    for (let k = 0; k < 1000; k++) for (const i of s.next()) counts[i % 10]++;
    // expected 1000 each, sd ≈ 30: allow 5 sd
    for (const c of counts) expect(Math.abs(c - 1000)).toBeLessThan(150);
  });
  it('refuses a batch larger than the dataset, naming batchSize', () => {
    expect(() => new BatchSampler(10, 11, false, Stream.fromSeed(1))).toThrow(/invalid batchSize: got 11; expected an integer in \[1, 10\]/);
  });
});

describe('learning-rate schedules', () => {
  it('have the documented values', () => {
    expect(stepDecay(1, 10, 0.5)(25)).toBe(0.25);
    expect(exponentialDecay(1, 10)(10)).toBeCloseTo(0.5, 15);
    expect(inverseTime(1, 10)(10)).toBe(0.5);
    expect(cosine(1, 100)(50)).toBeCloseTo(0.5, 15);
    expect(cosine(1, 100, 0.1)(200)).toBe(0.1);
    expect(warmup(() => 1, 4)(1)).toBe(0.5);
    expect(toSchedule({ kind: 'step', learningRate: 2, every: 1, factor: 0.5 })(2)).toBe(0.5);
  });
  it('refuse a non-positive learning rate by name', () => {
    expect(() => toSchedule(0)).toThrow(/invalid learningRate: got 0/);
    expect(() => toSchedule(-1)).toThrow(/learningRate/);
  });
});

describe('clipping', () => {
  it('global norm, per coordinate, per example', () => {
    const g = Float64Array.of(3, 4);
    expect(clipGlobalNorm(g, 1)).toBeCloseTo(0.2, 15);
    expect(Math.hypot(...g)).toBeCloseTo(1, 15);
    const h = Float64Array.of(3, -4, 0.5);
    expect(clipPerCoordinate(h, 1)).toBe(2);
    expect(Array.from(h)).toEqual([1, -1, 0.5]);
    const rows = Float64Array.of(3, 4, 0.1, 0);
    const out = new Float64Array(2);
    expect(clipPerExampleMean(rows, 2, 2, 1, out)).toBe(1);
    expect(out[0]).toBeCloseTo((0.6 + 0.1) / 2, 15);
    expect(out[1]).toBeCloseTo(0.8 / 2, 15);
  });
});

describe('SGD', () => {
  const { dataset } = linearTeacher({ n: 400, dim: 4, noise: 0.3, stream: Stream.fromSeed(7) });
  const model = linearRegression(4);

  it('reaches the least-squares loss with a decaying learning rate', () => {
    const min = minimize(model, model.init(Stream.fromSeed(1)), dataset, { steps: 400 });
    const r = sgd({ model, data: dataset, batchSize: 16, steps: 3000, learningRate: inverseTime(0.2, 200), stream: Stream.fromSeed(3), momentum: 0.5 });
    // the SGD excess loss after t steps of η/(1 + t/τ) is O(σ²/(Bt)) here, well below 1%
    expect((r.finalLoss - min.loss) / min.loss).toBeLessThan(0.01);
    expect(r.finalLoss).toBeCloseTo(datasetLoss(model, r.params, dataset), 14);
  });

  it('stops at a target loss and reports the step', () => {
    const r = sgd({ model, data: dataset, batchSize: 32, steps: 5000, learningRate: 0.1, stream: Stream.fromSeed(4), evalEvery: 1, targetLoss: 0.1 });
    expect(r.reachedTarget).toBe(true);
    expect(r.lossTrace[r.lossTrace.length - 1].loss).toBeLessThanOrEqual(0.1);
    expect(r.steps).toBe(r.stepsToTarget);
  });

  it('streams gradient statistics: the within-batch trΣ averages to the exact value at a fixed point', () => {
    // learning rate tiny: the parameters barely move, so the streamed statistics describe one point
    const r = sgd({ model, data: dataset, batchSize: 32, steps: 400, learningRate: 1e-12, stream: Stream.fromSeed(5), statistics: { twoBatchSmall: 4 } });
    const st = r.statistics;
    const theta = model.init(Stream.fromSeed(5).child('init'));
    const G = model.gradient(theta, dataset).gradient;
    const per = model.perExample(theta, dataset).gradients as Float64Array;
    let tr = 0;
    for (let i = 0; i < dataset.n; i++) for (let j = 0; j < 5; j++) tr += (per[i * 5 + j] - G[j]) ** 2;
    tr /= dataset.n; // batches drawn with replacement see the 1/N covariance
    expect(Math.abs(st.trSigma.mean - tr)).toBeLessThan(4 * st.trSigma.sem);
    expect(st.twoBatch).not.toBeNull();
    const bs = tr / G.reduce((a, v) => a + v * v, 0);
    expect(Math.abs((st.twoBatch as { bSimple: number }).bSimple - bs)).toBeLessThan(4 * (st.twoBatch as { bSimpleSE: number }).bSimpleSE);
  });

  it('clips per example, by global norm and per coordinate', () => {
    for (const kind of ['per-example', 'global-norm', 'per-coordinate'] as const) {
      const r = sgd({ model, data: dataset, batchSize: 8, steps: 50, learningRate: 0.05, stream: Stream.fromSeed(6), clip: { kind, threshold: 0.01 } });
      expect(r.statistics.clipped).toBeGreaterThan(0);
      expect(Number.isFinite(r.finalLoss)).toBe(true);
    }
  });

  it('same seed, same parameters', () => {
    const a = sgd({ model, data: dataset, batchSize: 8, steps: 30, learningRate: 0.05, stream: Stream.fromSeed(8), replacement: false });
    const b = sgd({ model, data: dataset, batchSize: 8, steps: 30, learningRate: 0.05, stream: Stream.fromSeed(8), replacement: false });
    expect(Array.from(a.params)).toEqual(Array.from(b.params));
  });

  it('divergence stops with the step and the loss', () => {
    const d = standardize(iris());
    const m = softmaxRegression(4, 3);
    let err: unknown;
    try {
      sgd({ model: m, data: d, batchSize: 10, steps: 1000, learningRate: 1e4, stream: Stream.fromSeed(1), divergenceLoss: 1e3 });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(DivergenceError);
    const de = err as DivergenceError;
    expect(de.step).toBeGreaterThan(0);
    expect(de.value).toBeGreaterThan(1e3);
    expect(de.message).toMatch(/diverged at step \d+/);
    expect((de.partial as { step: number }).step).toBe(de.step);
  });

  it('refuses bad input by name', () => {
    expect(() => sgd({ model, data: dataset, batchSize: 401, steps: 1, learningRate: 0.1, stream: Stream.fromSeed(1) })).toThrow(/invalid batchSize: got 401; expected an integer in \[1, 400\]/);
    expect(() => sgd({ model, data: dataset, batchSize: 4, steps: 1, learningRate: 0, stream: Stream.fromSeed(1) })).toThrow(/invalid learningRate: got 0/);
    expect(() => sgd({ model, data: dataset, batchSize: 4, steps: 1, learningRate: 0.1, momentum: 1, stream: Stream.fromSeed(1) })).toThrow(/momentum/);
    const x = Float64Array.from(dataset.x);
    x[3] = NaN;
    expect(() => sgd({ model, data: { ...dataset, x }, batchSize: 4, steps: 1, learningRate: 0.1, stream: Stream.fromSeed(1) })).toThrow(/data\.x\[0\]\[3\]: got NaN/);
    expect(() => sgd({ model: linearRegression(3), data: dataset, batchSize: 4, steps: 1, learningRate: 0.1, stream: Stream.fromSeed(1) })).toThrow(/invalid data\.inputShape: got \[4\]; expected inputs of 3 numbers/);
  });
});
