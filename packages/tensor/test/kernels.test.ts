/**
 * The kernel registry's contract: (kernel, backend) keys, an error for a second registration, a
 * named error for a missing pair, fallback only where the caller allows it, a listing, and the
 * js kernels giving the bytes of the code they wrap.
 */
import { describe, expect, it } from 'vitest';
import ndarray from 'ndarray';
import { EnsembleNoise, Stream } from '@snrlab/core';
import {
  getKernel,
  hasKernel,
  kernelBackends,
  KernelRegistrationError,
  KernelUnavailableError,
  listKernels,
  registerKernel,
  runKernel,
  unregisterKernel,
} from '../src/kernels.js';
import { createJsBackend, emStepsJS } from '../src/js.js';
import { runEnsemble } from '../src/ensemble.js';

declare module '../src/kernel-types.js' {
  interface KernelTypes {
    'test-double': { args: { v: number }; result: number };
  }
}

describe('kernel registry', () => {
  it('registers a (kernel, backend) pair once; a second registration is an error', () => {
    registerKernel({ kernel: 'test-double', backend: 'test-a', run: ({ v }) => 2 * v });
    expect(() => registerKernel({ kernel: 'test-double', backend: 'test-a', run: ({ v }) => 3 * v })).toThrow(KernelRegistrationError);
    expect(() => registerKernel({ kernel: 'test-double', backend: 'test-a', run: ({ v }) => 3 * v })).toThrow(/kernel 'test-double' is already registered for backend 'test-a'/);
    expect(getKernel('test-double', 'test-a').run({ v: 4 })).toBe(8);
    expect(hasKernel('test-double', 'test-a')).toBe(true);
    expect(unregisterKernel('test-double', 'test-a')).toBe(true);
    expect(hasKernel('test-double', 'test-a')).toBe(false);
  });

  it('a missing pair is named, with the backends that have the kernel; fallback only when allowed', async () => {
    registerKernel({ kernel: 'test-double', backend: 'test-b', run: ({ v }) => 2 * v });
    let err: unknown;
    try {
      getKernel('test-double', 'test-gpu');
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(KernelUnavailableError);
    expect((err as KernelUnavailableError).message).toBe("kernel 'test-double' is not registered for backend 'test-gpu' (no fallback allowed); backends that have it: 'test-b'");
    expect(getKernel('test-double', 'test-gpu', { fallback: 'test-b' }).backend).toBe('test-b');
    expect(() => getKernel('test-double', 'test-gpu', { fallback: ['test-c'] })).toThrow(/\(fallbacks tried: 'test-c'\); backends that have it: 'test-b'/);
    await expect(runKernel('test-double', 'test-gpu', { v: 1 }, { fallback: ['test-c', 'test-b'] })).resolves.toEqual({ value: 2, backend: 'test-b' });
    unregisterKernel('test-double', 'test-b');
  });

  it('lists every registered pair with precision and declared tolerance', () => {
    const rows = listKernels();
    const js = rows.filter((r) => r.backend === 'js').map((r) => r.kernel);
    expect(js).toEqual(
      expect.arrayContaining(['ensemble-em', 'baoab', 'game-step', 'matmul', 'batched-matmul', 'mean', 'variance', 'covariance', 'per-example-norms', 'mlp-per-example-norms', 'philox-words', 'normals', 'fill-normal', 'em-step', 'statevector-layer', 'shot-sample']),
    );
    const gpu = rows.filter((r) => r.backend === 'webgpu');
    expect(gpu.map((r) => r.kernel).sort()).toEqual(['baoab', 'ensemble-em', 'game-step', 'matmul', 'mlp-per-example-norms', 'normals', 'per-example-norms', 'philox-words', 'shot-sample', 'statevector-layer']);
    for (const r of gpu) {
      expect(r.precision).toBe('float32');
      expect(typeof r.tolerance.note === 'string' && r.tolerance.note.length).toBeGreaterThan(10); // each float32 kernel states its tolerance
    }
    expect(rows.find((r) => r.kernel === 'philox-words' && r.backend === 'webgpu')!.tolerance.kind).toBe('exact');
    expect(rows.find((r) => r.kernel === 'shot-sample' && r.backend === 'webgpu')!.tolerance.kind).toBe('exact');
    expect(kernelBackends('em-step')).toEqual(['js']);
  });

  it('the js kernels give the bytes of the code they wrap', async () => {
    const js = createJsBackend();
    const A = ndarray(Stream.fromSeed(1).fillNormal(new Float64Array(35)), [7, 5]);
    const B = ndarray(Stream.fromSeed(2).fillNormal(new Float64Array(15)), [5, 3]);
    expect(Buffer.from((await getKernel('matmul', 'js').run({ a: A, b: B })).data.buffer).equals(Buffer.from(js.matmul(A, B).data.buffer))).toBe(true);
    // ensemble-em with a closed-form drift is runEnsemble's fused path, byte for byte
    for (const drift of [{ kind: 'linear', rate: 1.5, center: 0.2 } as const, { kind: 'double-well', tilt: 0.1 } as const]) {
      const n = 5000;
      const a = Float64Array.from({ length: n * 2 }, (_, i) => Math.sin(i));
      const b = a.slice();
      const c = a.slice();
      runEnsemble({ x: a, n, d: 2, drift, dt: 0.01, steps: 25, sigma: 0.9, stream: Stream.fromSeed(3), blockSize: 1024 });
      getKernel('ensemble-em', 'js').run({ x: b, n, d: 2, drift, dt: 0.01, steps: 25, sigma: 0.9, stream: Stream.fromSeed(3), blockSize: 1024 });
      emStepsJS(c, n, 2, drift, { dt: 0.01, sigma: 0.9 }, 25, new EnsembleNoise(Stream.fromSeed(3), n, 2, { blockSize: 1024 }));
      expect(Buffer.from(b.buffer).equals(Buffer.from(a.buffer))).toBe(true);
      expect(Buffer.from(c.buffer).equals(Buffer.from(a.buffer))).toBe(true);
    }
  });

  it('a new drift is data: a tilted quartic with a cubic term needs no code', () => {
    // U = x⁴/4 + 0.3x³ − x²/2 − 0.1x: its drift −U′ = −x³ − 0.9x² + x + 0.1
    const n = 3000;
    const x = new Float64Array(n).fill(0.5);
    const y = x.slice();
    const potential = { kind: 'polynomial', coefficients: [0, -0.1, -0.5, 0.3, 0.25] } as const;
    getKernel('ensemble-em', 'js').run({ x, n, d: 1, drift: potential, dt: 0.01, steps: 3, sigma: 0, stream: Stream.fromSeed(1) });
    for (let k = 0; k < 3; k++) for (let i = 0; i < n; i++) y[i] += (-(y[i] ** 3) - 0.9 * y[i] ** 2 + y[i] + 0.1) * 0.01;
    for (let i = 0; i < n; i++) expect(x[i]).toBeCloseTo(y[i], 14);
  });
});
