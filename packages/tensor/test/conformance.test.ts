/**
 * One conformance suite, run against every backend that is present. Float32 backends are
 * held to float32 round-off; noise comes from core streams, so an ensemble step must give
 * the same numbers on every backend up to that round-off.
 */
import { afterAll, describe, expect, it } from 'vitest';
import ndarray from 'ndarray';
import { EnsembleNoise, Moments, Stream } from '@snrlab/core';
import { detectBackends, getBackend } from '../src/registry.js';
import { createJsBackend } from '../src/js.js';
import type { Backend, Drift } from '../src/types.js';

const rows = await detectBackends();
// webgpu computes through the kernel registry (test/kernel-conformance.test.ts), not this synchronous interface
const present = rows.filter((r) => r.available && r.name !== 'webgpu').map((r) => r.name);
const backends: Backend[] = await Promise.all(present.map((n) => getBackend(n)));
const ref = createJsBackend();

afterAll(() => backends.forEach((b) => b.dispose()));

function randomArray(shape: number[], seed: number) {
  const s = Stream.fromSeed(seed);
  const size = shape.reduce((a, b) => a * b, 1);
  return ndarray(s.fillNormal(new Float64Array(size)), shape);
}

function close(a: ArrayLike<number>, b: ArrayLike<number>, tol: number) {
  expect(a.length).toBe(b.length);
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i] - b[i]) / (1 + Math.abs(b[i])));
  expect(worst).toBeLessThan(tol);
}

// float32 carries 24 bits (6e-8); sums of k terms accumulate about sqrt(k) of that
const tolFor = (b: Backend, k = 1) => (b.precision === 'float64' ? 1e-12 : 2e-6 * Math.sqrt(k));

describe('backend detection', () => {
  it('reports every backend with availability and a reason when unavailable', () => {
    expect(rows.map((r) => r.name)).toEqual(['node-gpu', 'webgpu', 'js', 'node', 'wasm', 'cpu']);
    expect(present).toEqual(expect.arrayContaining(['js', 'wasm', 'cpu']));
    for (const r of rows) if (!r.available) expect(r.reason).toBeTruthy();
  });
});

describe.each(backends.map((b) => [b.name, b] as const))('conformance: %s', (_name, b) => {
  it('matmul and batched matmul', () => {
    const A = randomArray([7, 13], 1);
    const B = randomArray([13, 5], 2);
    const C = b.matmul(A, B);
    expect(C.shape).toEqual([7, 5]);
    for (let i = 0; i < 7; i++) {
      for (let j = 0; j < 5; j++) {
        let s = 0;
        for (let k = 0; k < 13; k++) s += A.get(i, k) * B.get(k, j);
        expect(Math.abs(C.get(i, j) - s)).toBeLessThan(tolFor(b, 13) * (1 + Math.abs(s)));
      }
    }
    // a transposed (strided) view works too
    const At = randomArray([13, 7], 3).transpose(1, 0);
    close(b.matmul(At, B).data, ref.matmul(At, B).data, tolFor(b, 13));
    const A3 = randomArray([4, 3, 6], 4);
    const B3 = randomArray([4, 6, 2], 5);
    const C3 = b.batchedMatmul(A3, B3);
    expect(C3.shape).toEqual([4, 3, 2]);
    close(C3.data, ref.batchedMatmul(A3, B3).data, tolFor(b, 6));
    expect(() => b.matmul(A, A)).toThrow(/inner dimension 13/);
  });

  it('mean and variance along each axis and overall', () => {
    const X = randomArray([5, 4, 3], 6);
    for (const axis of [0, 1, 2, undefined]) {
      const m = b.mean(X, axis);
      const v = b.variance(X, axis, 1);
      const mr = ref.mean(X, axis);
      const vr = ref.variance(X, axis, 1);
      expect(m.shape).toEqual(mr.shape);
      close(m.data, mr.data, tolFor(b, 60));
      close(v.data, vr.data, tolFor(b, 60) * 4);
    }
    // reference against a direct computation on one slice
    const col = [0, 1, 2, 3, 4].map((i) => X.get(i, 1, 2));
    const mu = col.reduce((a, c) => a + c, 0) / 5;
    expect(ref.mean(X, 0).get(1, 2)).toBeCloseTo(mu, 12);
    expect(ref.variance(X, 0).get(1, 2)).toBeCloseTo(col.reduce((a, c) => a + (c - mu) ** 2, 0) / 4, 12);
    expect(() => b.mean(X, 3)).toThrow(/invalid axis: got 3/);
  });

  it('covariance of columns', () => {
    const X = randomArray([200, 3], 7);
    const C = b.covariance(X);
    expect(C.shape).toEqual([3, 3]);
    const Cr = ref.covariance(X);
    close(C.data, Cr.data, tolFor(b, 200) * 4);
    const m = Moments.of(Array.from({ length: 200 }, (_, i) => X.get(i, 1)));
    expect(Cr.get(1, 1)).toBeCloseTo(m.variance, 12);
    expect(Cr.get(0, 2)).toBe(Cr.get(2, 0));
  });

  it.each<[string, Drift]>([
    ['linear', { kind: 'linear', rate: 0.7, center: 0.3 }],
    ['double-well', { kind: 'double-well', tilt: 0.1 }],
    ['batched', { kind: 'batched', fn: (x, out) => { for (let i = 0; i < x.length; i++) out[i] = Math.sin(x[i]); } }],
  ])('an EM step with %s drift matches the js reference on the same noise', (_k, drift) => {
    const n = 1000;
    const d = 3;
    const x0 = randomArray([n, d], 8).data;
    const xa = Float64Array.from(x0);
    const xb = Float64Array.from(x0);
    const sigma = drift.kind === 'batched' ? Float64Array.of(0.5, 1, 1.5) : 0.8;
    const na = new EnsembleNoise(Stream.fromSeed(9), n, d, { blockSize: 256 });
    const nb = new EnsembleNoise(Stream.fromSeed(9), n, d, { blockSize: 256 });
    for (let k = 0; k < 3; k++) {
      expect(b.emStep(xa, n, d, drift, { dt: 0.01, sigma }, na)).toBe(-1);
      ref.emStep(xb, n, d, drift, { dt: 0.01, sigma }, nb);
    }
    close(xa, xb, tolFor(b, 4));
  });

  it('an EM step without noise is the deterministic Euler update', () => {
    const x = Float64Array.of(1, -2, 0.5);
    b.emStep(x, 3, 1, { kind: 'linear', rate: 2 }, { dt: 0.1, sigma: 0 }, new EnsembleNoise(Stream.fromSeed(1), 3, 1));
    close(x, [0.8, -1.6, 0.4], tolFor(b));
  });

  it('reports the first non-finite coordinate', () => {
    const x = Float64Array.of(0, 1e200, 0);
    const bad = b.emStep(x, 3, 1, { kind: 'double-well' }, { dt: 0.1, sigma: 0 }, new EnsembleNoise(Stream.fromSeed(1), 3, 1));
    expect(bad).toBe(1);
  });
});
