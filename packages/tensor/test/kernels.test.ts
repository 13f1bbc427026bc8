/**
 * The kernel registry's contract: (kernel, backend) keys, an error for a second registration, a
 * named error for a missing pair, fallback only where the caller allows it, a listing, and the
 * js kernels giving the bytes of the code they wrap.
 */
import { describe, expect, it } from 'vitest';
import ndarray from 'ndarray';
import { EnsembleNoise, Moments, Stream } from '@snrlab/core';
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
import { derivativeHorner, hornerAt } from '../src/fused-em.js';
import { checkGame } from '../src/game-step.js';
import type { GameStepArgs } from '../src/kernel-types.js';

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
      expect.arrayContaining(['ensemble-em', 'baoab', 'game-step', 'matmul', 'batched-matmul', 'mean', 'variance', 'covariance', 'per-example-norms', 'mlp-per-example-norms', 'philox-words', 'normals', 'fill-normal', 'em-step', 'statevector-layer', 'shot-sample', 'rdme-cle', 'rdme-tau-leap']),
    );
    const gpu = rows.filter((r) => r.backend === 'webgpu');
    expect(gpu.map((r) => r.kernel).sort()).toEqual(['baoab', 'ensemble-em', 'game-step', 'matmul', 'mlp-per-example-norms', 'normals', 'per-example-norms', 'philox-words', 'rdme-cle', 'rdme-tau-leap', 'shot-sample', 'statevector-layer']);
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

  it('ensemble-em with a polynomial runs fused: the bytes of fillNormal + Horner per block, and its divergence', () => {
    // a tilted quartic with a cubic term; d = 3 and blocks of 1000 particles: 3000 values per block
    const potential = { kind: 'polynomial', coefficients: [0, -0.1, -0.5, 0.3, 0.25] } as const;
    const g = derivativeHorner(potential);
    const n = 2500;
    const d = 3;
    const dt = 0.02;
    const sigma = 0.7;
    const s = sigma * Math.sqrt(dt);
    const reference = (x: Float64Array, steps: number) => {
      const noise = new EnsembleNoise(Stream.fromSeed(5), n, d, { blockSize: 1000 });
      let first: { step: number; index: number } | null = null;
      for (let b = 0; b < noise.blocks; b++) {
        const part = x.subarray(b * 1000 * d, Math.min(n, (b + 1) * 1000) * d);
        const z = new Float64Array(part.length);
        for (let k = 1; k <= (first ? first.step : steps); k++) {
          noise.blockStream(b).fillNormal(z);
          let bad = -1;
          for (let i = 0; i < part.length; i++) {
            const u = part[i];
            part[i] = u - hornerAt(g, u) * dt + s * z[i];
            if (!Number.isFinite(part[i]) && bad < 0) bad = i;
          }
          if (bad >= 0) {
            if (!first || k < first.step) first = { step: k, index: b * 1000 * d + bad };
            break;
          }
        }
      }
      return first;
    };
    for (const start of [0.5, 40]) {
      // from 40, x − U′(x)·dt overshoots and runs away within a few steps
      const x = Float64Array.from({ length: n * d }, (_, i) => start + 0.01 * Math.sin(i));
      const y = x.slice();
      const r = getKernel('ensemble-em', 'js').run({ x, n, d, drift: potential, dt, sigma, steps: 30, stream: Stream.fromSeed(5), blockSize: 1000 }) as { divergence: unknown };
      const want = reference(y, 30);
      expect(r.divergence).toEqual(want);
      if (start > 1) expect(want).not.toBeNull();
      expect(Buffer.from(x.buffer).equals(Buffer.from(y.buffer))).toBe(true);
    }
  });

  it('a polynomial longer than the module holds runs in JS with the same arithmetic', () => {
    const coefficients = new Array(300).fill(0);
    coefficients[2] = 0.5; // U = x²/2 written with 300 coefficients
    const g = derivativeHorner({ kind: 'polynomial', coefficients });
    const x = Float64Array.from({ length: 5000 }, (_, i) => Math.cos(i));
    const y = x.slice();
    getKernel('ensemble-em', 'js').run({ x, n: 5000, d: 1, drift: { kind: 'polynomial', coefficients }, dt: 0.1, sigma: 1, steps: 3, stream: Stream.fromSeed(8) });
    const st = new EnsembleNoise(Stream.fromSeed(8), 5000, 1).blockStream(0);
    const z = new Float64Array(4096);
    for (let k = 0; k < 3; k++) {
      st.fillNormal(z);
      for (let i = 0; i < 4096; i++) y[i] = y[i] - hornerAt(g, y[i]) * 0.1 + Math.sqrt(0.1) * z[i];
    }
    expect(Buffer.from(x.buffer, 0, 4096 * 8).equals(Buffer.from(y.buffer, 0, 4096 * 8))).toBe(true);
  });

  describe('game-step (js)', () => {
    const M = [0.2, -1, 1, -0.1];
    const base = (state: Float64Array, extra: Partial<GameStepArgs> = {}): GameStepArgs => ({ state, n: 5000, d: 2, nx: 1, M, eta: [0.1, 0.2], sigma: 0.3, method: 'alternating', steps: 12, stream: Stream.fromSeed(11), blockSize: 1024, ...extra });
    const start = (S: number) => Float64Array.from({ length: 5000 * S }, (_, i) => Math.sin(i));

    it('an EnsembleNoise continues its block streams: calls in chunks give the bytes of one call', () => {
      for (const method of ['alternating', 'extragradient', 'optimistic', 'negative-momentum', 'proximal'] as const) {
        const S = method === 'optimistic' || method === 'negative-momentum' ? 4 : 2;
        const per = method === 'extragradient' ? 4 : 2;
        const a = start(S);
        const b = a.slice();
        const c = a.slice();
        const run = getKernel('game-step', 'js').run;
        run(base(a, { method, momentum: -0.4 }));
        // a fresh stream is an EnsembleNoise of its child streams
        run(base(b, { method, momentum: -0.4, stream: new EnsembleNoise(Stream.fromSeed(11), 5000, per, { blockSize: 1024 }) }));
        const noise = new EnsembleNoise(Stream.fromSeed(11), 5000, per, { blockSize: 1024 });
        for (const [k, steps] of [[0, 1], [1, 4], [5, 7]]) run(base(c, { method, momentum: -0.4, stream: noise, steps, stepOffset: k }));
        expect(Buffer.from(b.buffer).equals(Buffer.from(a.buffer)), method).toBe(true);
        expect(Buffer.from(c.buffer).equals(Buffer.from(a.buffer)), method).toBe(true);
      }
    });

    it('the proximal step is z ← (I − D M)⁻¹ z without noise', () => {
      const a = start(2);
      getKernel('game-step', 'js').run(base(a, { method: 'proximal', sigma: 0, steps: 3 }));
      // (I − D M) for D = diag(0.1, 0.2): [[0.98, 0.1], [−0.2, 1.02]], inverted by hand
      const det = 0.98 * 1.02 + 0.1 * 0.2;
      const R = [1.02 / det, -0.1 / det, 0.2 / det, 0.98 / det];
      const z0 = start(2);
      for (let p = 0; p < 5000; p++) {
        let x = z0[2 * p];
        let y = z0[2 * p + 1];
        for (let k = 0; k < 3; k++) [x, y] = [R[0] * x + R[1] * y, R[2] * x + R[3] * y];
        expect(a[2 * p]).toBeCloseTo(x, 13);
        expect(a[2 * p + 1]).toBeCloseTo(y, 13);
      }
    });

    it('α-stable noise with α = 2 is N(0, σ²): one simultaneous step from 0 with M = 0, η = 1, variance within 4 SE', () => {
      const n = 20_000;
      const state = new Float64Array(n * 2);
      getKernel('game-step', 'js').run({ state, n, d: 2, nx: 1, M: [0, 0, 0, 0], eta: 1, sigma: 0.5, alpha: 2, method: 'simultaneous', steps: 1, stream: Stream.fromSeed(3) });
      const m = Moments.of(state);
      expect(Math.abs(m.variance - 0.25)).toBeLessThan(4 * m.varianceSE);
    });

    it('a radius stops a particle beyond it, at its step, by its first value', () => {
      // simultaneous GDA on the rotation grows |z| by √(1 + η²) per step: from 1 beyond 1.05 at step 6
      const n = 3000;
      const state = new Float64Array(n * 2);
      for (let p = 0; p < n; p++) state[2 * p] = p === 2500 ? 1.02 : 1;
      const r = getKernel('game-step', 'js').run({ state, n, d: 2, nx: 1, M: [0, -1, 1, 0], eta: 0.1, sigma: 0, method: 'simultaneous', steps: 20, stream: Stream.fromSeed(3), radius: 1.05, blockSize: 1024 }) as { divergence: unknown };
      // 1.02·1.005^k > 1.05 from k = 6, 1·1.005^k from k = 10: particle 2500 first
      expect(r.divergence).toEqual({ step: 6, index: 5000 });
    });

    it('the js-only options are refused by name on the other backends', () => {
      const a = start(2);
      expect(() => checkGame(base(a, { method: 'proximal' }))).toThrow(/invalid method: got "proximal".*proximal and negative-momentum run on js only/);
      expect(() => checkGame(base(a, { alpha: 1.5 }))).toThrow(/invalid alpha: got 1.5/);
      expect(() => checkGame(base(a, { radius: 10 }))).toThrow(/invalid radius: got 10/);
      expect(() => checkGame(base(a, { stream: new EnsembleNoise(Stream.fromSeed(1), 5000, 2) }))).toThrow(/invalid stream/);
      expect(() => checkGame(base(a, { method: 'proximal' }), true)).not.toThrow();
      expect(() => checkGame(base(start(4), { method: 'negative-momentum' }), true)).toThrow(/invalid momentum/);
      expect(() => getKernel('game-step', 'js').run(base(a, { stream: new EnsembleNoise(Stream.fromSeed(1), 5000, 4) }))).toThrow(/invalid stream/);
    });
  });
});

