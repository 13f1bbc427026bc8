import { afterAll, describe, expect, it } from 'vitest';
import { DivergenceError, inlineExecutor, Moments, Stream, WorkerPool } from '@snrlab/core';
import { runEnsemble, runEnsembleParallel } from '../src/ensemble.js';
import { selectBackend } from '../src/registry.js';

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
