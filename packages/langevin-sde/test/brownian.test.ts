import { describe, expect, it } from 'vitest';
import { Moments, Stream } from '@snrlab/core';
import { BrownianPath } from '../src/index.js';

/** All increments of a walk with k fine steps per increment, as [ΔW, Z] arrays per step. */
function collect(path: BrownianPath, k: number): { dW: Float64Array[]; dZ: Float64Array[] } {
  const w = path.walk(k);
  const n = path.replicas * path.dim;
  const dW: Float64Array[] = [];
  const dZ: Float64Array[] = [];
  for (let s = 0; s < path.steps! / k; s++) {
    const a = new Float64Array(n);
    const z = new Float64Array(n);
    w.next(a, path.timeIntegral ? z : undefined);
    dW.push(a);
    dZ.push(z);
  }
  return { dW, dZ };
}

describe('Brownian paths replayed at nested step sizes', () => {
  for (const method of ['sum', 'bridge'] as const) {
    it(`${method}: a coarse increment is the exact aggregate of the two fine ones below it`, () => {
      const path = new BrownianPath({ stream: Stream.fromSeed(3), replicas: 5, dim: 2, dt: 1 / 16, steps: 16, method, timeIntegral: true, blockSize: 3 });
      const fine = collect(path, 1);
      const coarse = collect(path, 2);
      const h = path.dt;
      for (let s = 0; s < coarse.dW.length; s++) {
        for (let i = 0; i < 10; i++) {
          const w1 = fine.dW[2 * s][i];
          const w2 = fine.dW[2 * s + 1][i];
          expect(coarse.dW[s][i]).toBeCloseTo(w1 + w2, 13);
          // Z over [0, 2h] = Z1 + h·ΔW1 + Z2
          expect(coarse.dZ[s][i]).toBeCloseTo(fine.dZ[2 * s][i] + h * w1 + fine.dZ[2 * s + 1][i], 13);
        }
      }
      // the whole horizon in one increment is W(T)
      const all = collect(path, 16);
      let total = 0;
      for (const a of fine.dW) total += a[7];
      expect(all.dW[0][7]).toBeCloseTo(total, 12);
    });

    it(`${method}: increments have Var ΔW = h, Cov(ΔW, Z) = h²/2, Var Z = h³/3`, () => {
      const N = 20_000;
      const path = new BrownianPath({ stream: Stream.fromSeed(8), replicas: N, dt: 0.25, steps: 8, method, timeIntegral: true });
      const w = path.walk(2); // h = 0.5
      const h = 0.5;
      const dW = new Float64Array(N);
      const dZ = new Float64Array(N);
      w.next(dW, dZ);
      w.next(dW, dZ); // the second increment: not the first, so interior bridge nodes are tested
      const mw = Moments.of(dW);
      const mz = Moments.of(dZ);
      const cross = Moments.of(dW.map((v, i) => v * dZ[i]));
      expect(Math.abs(mw.mean)).toBeLessThan(4 * mw.sem);
      expect(Math.abs(mw.variance - h)).toBeLessThan(4 * mw.varianceSE);
      expect(Math.abs(mz.variance - h ** 3 / 3)).toBeLessThan(4 * mz.varianceSE);
      expect(Math.abs(cross.mean - h ** 2 / 2)).toBeLessThan(4 * cross.sem);
    });
  }

  it('bridge: coarse increments do not depend on how deep the path is refined', () => {
    const shallow = new BrownianPath({ stream: Stream.fromSeed(9), replicas: 4, dt: 1 / 4, steps: 4, method: 'bridge' });
    const deep = new BrownianPath({ stream: Stream.fromSeed(9), replicas: 4, dt: 1 / 64, steps: 64, method: 'bridge' });
    const a = collect(shallow, 1).dW;
    const b = collect(deep, 16).dW;
    for (let s = 0; s < 4; s++) for (let i = 0; i < 4; i++) expect(b[s][i]).toBeCloseTo(a[s][i], 14);
  });

  it('a path split into parts by firstBlock is the same path', () => {
    const whole = new BrownianPath({ stream: Stream.fromSeed(2), replicas: 8, dt: 0.1, blockSize: 4 });
    const part = new BrownianPath({ stream: Stream.fromSeed(2), replicas: 4, dt: 0.1, blockSize: 4, firstBlock: 1 });
    const a = new Float64Array(8);
    const b = new Float64Array(4);
    whole.walk().next(a);
    part.walk().next(b);
    expect(Array.from(b)).toEqual(Array.from(a.subarray(4)));
  });

  it('refuses what it cannot do, naming the parameter', () => {
    const s = Stream.fromSeed(1);
    expect(() => new BrownianPath({ stream: s, dt: 0.1, steps: 6, method: 'bridge' })).toThrow(/steps/);
    expect(() => new BrownianPath({ stream: s, dt: -1 })).toThrow(/invalid dt/);
    expect(() => new BrownianPath({ stream: s, dt: 0.1, steps: 8, method: 'bridge' }).walk(3)).toThrow(/invalid k/);
    const w = new BrownianPath({ stream: s, dt: 0.1, steps: 2 }).walk(2);
    w.next(new Float64Array(1));
    expect(() => w.next(new Float64Array(1))).toThrow(/steps/);
    expect(() => new BrownianPath({ stream: s, dt: 0.1 }).walk().next(new Float64Array(1), new Float64Array(1))).toThrow(/timeIntegral/);
  });
});
