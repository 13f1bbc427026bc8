import { afterAll, describe, expect, it } from 'vitest';
import { DivergenceError, inlineExecutor, Moments, Stream, WorkerPool } from '@snrlab/core';
import wabtInit from 'wabt';
import { runEnsemble, runEnsembleParallel } from '../src/ensemble.js';
import { derivativeHorner, emStepsOnStream, fusedEMImplementation, hornerAt } from '../src/fused-em.js';
import { FUSED_EM_LAYOUT, FUSED_EM_WASM_BASE64 } from '../src/fused-em-wasm.js';
import { selectBackend } from '../src/registry.js';
// @ts-expect-error: the generator is plain JavaScript without type declarations
import { EM_LAYOUT, EM_WAT } from '../../../tools/wasm/build-philox.mjs';

const pools: WorkerPool[] = [];
afterAll(() => Promise.all(pools.map((p) => p.close())));

describe('Euler–Maruyama ensembles', () => {
  it('OU stationary variance matches the discrete-step law T/(1 − θdt/2) within 4 SE', () => {
    // x ← (1 − θdt)x + √(2T dt)ξ has stationary variance 2T dt/(1 − (1−θdt)²) = T/(θ(1 − θdt/2))
    const n = 20_000;
    const theta = 1;
    const T = 0.5;
    const dt = 0.1;
    const x = new Float64Array(n);
    runEnsemble({ x, n, d: 1, drift: { kind: 'linear', rate: theta }, dt, steps: 200, sigma: Math.sqrt(2 * T), stream: Stream.fromSeed(1) });
    const m = Moments.of(x);
    const theory = T / (theta * (1 - (theta * dt) / 2));
    expect(Math.abs(m.variance - theory)).toBeLessThan(4 * m.varianceSE);
    expect(Math.abs(m.variance - T)).toBeGreaterThan(4 * m.varianceSE); // the step bias is visible
  });

  it('inline and pooled runs give identical bytes for 1 and 2 workers', async () => {
    const n = 10_000;
    const mk = () => Float64Array.from({ length: n * 2 }, (_, i) => Math.cos(i));
    const base = { n, d: 2, drift: { kind: 'double-well', tilt: 0.05 } as const, dt: 0.01, steps: 20, sigma: 0.7, stream: Stream.fromSeed(4), blockSize: 1024 };
    const a = mk();
    runEnsemble({ ...base, x: a });
    for (const w of [1, 2]) {
      const p = new WorkerPool({ workers: w });
      pools.push(p);
      const b = mk();
      await runEnsembleParallel(p, { ...base, x: b });
      expect(Buffer.from(b.buffer).equals(Buffer.from(a.buffer))).toBe(true);
    }
    const c = mk();
    await runEnsembleParallel(inlineExecutor, { ...base, x: c, parts: 3 });
    expect(Buffer.from(c.buffer).equals(Buffer.from(a.buffer))).toBe(true);
  });

  it('a diverging run stops with the step, time and particle', async () => {
    const x = new Float64Array(100).fill(0.5);
    x[37] = 50;
    const o = { x, n: 100, d: 1, drift: { kind: 'double-well' } as const, dt: 0.5, steps: 50, sigma: 0, stream: Stream.fromSeed(1) };
    let err: unknown;
    try {
      runEnsemble(o);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(DivergenceError);
    const d = err as DivergenceError;
    expect(d.replica).toBe(37);
    expect(d.step).toBeGreaterThan(0);
    expect(d.time).toBeCloseTo(d.step * 0.5, 12);
    expect(d.message).toMatch(/step \d+ \(t = [\d.]+\) in replica 37/);
    const y = new Float64Array(100).fill(0.5);
    y[37] = 50;
    await expect(runEnsembleParallel(inlineExecutor, { ...o, x: y })).rejects.toThrow(/replica 37/);
  });

  it('block-by-block runs (no onStep) give the bytes of step-by-step runs, d = 1 and 3', () => {
    for (const d of [1, 3]) {
      for (const drift of [{ kind: 'linear', rate: 2, center: 0.1 } as const, { kind: 'double-well', tilt: -0.1 } as const]) {
        const n = 9001;
        const base = { n, d, drift, dt: 0.02, steps: 30, sigma: 0.8, stream: Stream.fromSeed(9), blockSize: 2000 };
        const a = Float64Array.from({ length: n * d }, (_, i) => Math.sin(i));
        const b = a.slice();
        runEnsemble({ ...base, x: a });
        let calls = 0;
        runEnsemble({ ...base, x: b, onStep: () => calls++ }); // onStep forces step-major order
        expect(calls).toBe(30);
        expect(Buffer.from(a.buffer).equals(Buffer.from(b.buffer))).toBe(true);
      }
    }
  });

  it('divergence is reported as step-by-step stepping meets it, inline and across parts', async () => {
    // particle 9000 (last block) runs away at an earlier step than particle 10 (first block)
    const mk = () => {
      const x = new Float64Array(10_000).fill(0.5);
      x[10] = 4;
      x[9000] = 40;
      return x;
    };
    const o = { n: 10_000, d: 1, drift: { kind: 'double-well' } as const, dt: 0.5, steps: 50, sigma: 0, stream: Stream.fromSeed(1), blockSize: 1000 };
    const errOf = async (f: () => unknown) => {
      try {
        await f();
      } catch (e) {
        return e as DivergenceError;
      }
      throw new Error('no divergence');
    };
    const stepwise = await errOf(() => runEnsemble({ ...o, x: mk(), onStep: () => {} }));
    expect(stepwise.replica).toBe(9000);
    const blockwise = await errOf(() => runEnsemble({ ...o, x: mk() }));
    const parts = await errOf(() => runEnsembleParallel(inlineExecutor, { ...o, x: mk(), parts: 4 }));
    for (const e of [blockwise, parts]) {
      expect([e.step, e.time, e.replica, e.message]).toEqual([stepwise.step, stepwise.time, stepwise.replica, stepwise.message]);
    }
  });

  it('bad input is refused by name', () => {
    const x = new Float64Array(4);
    const base = { x, n: 4, d: 1, drift: { kind: 'linear', rate: 1 } as const, dt: 0.1, steps: 1, sigma: 1, stream: Stream.fromSeed(1) };
    expect(() => runEnsemble({ ...base, dt: 0 })).toThrow(/invalid dt: got 0/);
    expect(() => runEnsemble({ ...base, n: 5 })).toThrow(/x.length: got 4; expected n·d = 5/);
    expect(() => runEnsemble({ ...base, sigma: -1 })).toThrow(/sigma: got -1/);
  });

  it('selectBackend: auto picks js here; unknown names list the choices', async () => {
    expect((await selectBackend('auto')).name).toBe('js');
    expect((await selectBackend('wasm')).precision).toBe('float32');
    await expect(selectBackend('tpu')).rejects.toThrow(/invalid backend: got "tpu"; expected one of 'auto', 'node-gpu', 'webgpu', 'js'/);
    await expect(selectBackend('node')).rejects.toThrow(/backend 'node' is unavailable: not installed/);
  });
});

// The fused steps on one stream (formerly core's Stream.eulerStepLinear / eulerStepDoubleWell), held
// to fillNormal followed by the update: the same operations, so the same bytes
describe('fused Euler–Maruyama steps on a stream', () => {
  const referenceSteps = (x: Float64Array, s: Stream, steps: number, update: (u: number, z: number) => number) => {
    const z = new Float64Array(x.length);
    for (let k = 0; k < steps; k++) {
      s.fillNormal(z);
      for (let i = 0; i < x.length; i++) x[i] = update(x[i], z[i]);
    }
  };

  it('runs in the WebAssembly module in Node', () => {
    expect(fusedEMImplementation()).toBe('wasm');
  });

  it.each([10, 64, 4096, 5000, 16384, 40000])('linear, double well and a polynomial give the bytes of fillNormal + update (n = %i)', (n) => {
    const rate = 1.3;
    const c = 0.4;
    const dt = 0.01;
    const tilt = 0.2;
    const sigma = 3;
    const a = rate * dt;
    const sd = sigma * Math.sqrt(dt);
    // a tilted quartic with a cubic term, U = x⁴/4 + 0.3x³ − x²/2 − 0.1x
    const quartic = { kind: 'polynomial', coefficients: [0, -0.1, -0.5, 0.3, 0.25] } as const;
    const g = derivativeHorner(quartic);
    for (const [drift, steps, update] of [
      [{ kind: 'linear', rate, center: c }, 1, (u: number, z: number) => u - a * (u - c) + sd * (0 + 1 * z)],
      [{ kind: 'linear', rate, center: c }, 7, (u: number, z: number) => u - a * (u - c) + sd * (0 + 1 * z)],
      [{ kind: 'double-well', tilt }, 5, (u: number, z: number) => u + (u - u * u * u + tilt) * dt + sd * (0 + 1 * z)],
      [quartic, 4, (u: number, z: number) => u - hornerAt(g, u) * dt + sd * (0 + 1 * z)],
    ] as const) {
      const s = Stream.fromSeed(n).child(drift.kind);
      s.skip(3); // an odd start: pairs straddle blocks
      const r = s.clone();
      const x = Float64Array.from({ length: n }, (_, i) => Math.sin(i));
      const y = x.slice();
      const bad = emStepsOnStream(s, x, drift, { dt, sigma }, steps);
      referenceSteps(y, r, steps, update);
      expect(bad).toBe(0);
      expect(Buffer.from(x.buffer).equals(Buffer.from(y.buffer))).toBe(true);
      expect(s.position).toBe(r.position);
    }
  });

  it('fused steps refuse bad input by name', () => {
    const s = Stream.fromSeed(1);
    const x = new Float64Array(8);
    const ou = { kind: 'linear', rate: 1 } as const;
    expect(() => emStepsOnStream(s, x, ou, { dt: 0.1, sigma: 1 }, 1.5)).toThrow(/invalid steps: got 1.5/);
    expect(() => emStepsOnStream(s, x, { kind: 'linear', rate: Number.NaN }, { dt: 0.1, sigma: 1 })).toThrow(/invalid drift.rate: got NaN/);
    expect(() => emStepsOnStream(s, x, { kind: 'double-well' }, { dt: 0, sigma: 1 })).toThrow(/invalid dt: got 0/);
    expect(() => emStepsOnStream(s, x, { kind: 'double-well', tilt: 0 }, { dt: 0.1, sigma: Infinity })).toThrow(/invalid sigma: got Infinity/);
    expect(() => emStepsOnStream(s, [0, 1] as unknown as Float64Array, ou, { dt: 0.1, sigma: 1 })).toThrow(/x/);
    expect(() => emStepsOnStream(s, x, { kind: 'polynomial', coefficients: [0, Number.NaN] }, { dt: 0.1, sigma: 1 })).toThrow(/potential.coefficients\[1\]/);
    expect(() => emStepsOnStream(s, x, { kind: 'cubic' } as never, { dt: 0.1, sigma: 1 })).toThrow(/invalid drift.kind: got "cubic"/);
  });

  it('a fused step that overflows stops and names the step', () => {
    for (const n of [10, 1000, 20000]) {
      const x = new Float64Array(n).fill(1.5);
      x[n - 1] = 3; // x − x³ with dt = 1 runs away to −∞ here first
      const p = { dt: 1, sigma: 1e-9 };
      const k = emStepsOnStream(Stream.fromSeed(1), x, { kind: 'double-well' }, p, 50);
      expect(k).toBeGreaterThan(1);
      expect(k).toBeLessThan(50);
      expect(Number.isFinite(x[n - 1])).toBe(false);
      // the same run one step short is still finite
      const y = new Float64Array(n).fill(1.5);
      y[n - 1] = 3;
      expect(emStepsOnStream(Stream.fromSeed(1), y, { kind: 'double-well' }, p, k - 1)).toBe(0);
    }
  });

  it('the committed module is what tools/wasm/build-philox.mjs generates, and stays under 4 KiB', async () => {
    const wabt = await wabtInit();
    const mod = wabt.parseWat('fused-em.wat', EM_WAT, { simd: true });
    mod.validate();
    const { buffer } = mod.toBinary({});
    expect(Buffer.from(buffer).toString('base64')).toBe(FUSED_EM_WASM_BASE64);
    // browsers compile modules synchronously on the main thread only below 4 KiB
    expect(buffer.length).toBeLessThan(4096);
    expect(FUSED_EM_LAYOUT).toEqual(EM_LAYOUT);
  });
});

