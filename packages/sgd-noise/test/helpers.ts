/** Finite-difference references shared by the tests. */
import { Stream } from '@snrlab/core';
import type { Batch, Sequential } from '../src/index.js';

/** Central differences of every example's loss: [n × P]. */
export function fdPerExample(model: Sequential, params: Float64Array, batch: Batch, h = 1e-6, train = true): Float64Array {
  const P = model.paramCount;
  const out = new Float64Array(batch.n * P);
  for (let j = 0; j < P; j++) {
    const p1 = Float64Array.from(params);
    p1[j] += h;
    const p2 = Float64Array.from(params);
    p2[j] -= h;
    const a = model.losses(p1, batch, { train });
    const b = model.losses(p2, batch, { train });
    for (let i = 0; i < batch.n; i++) out[i * P + j] = (a[i] - b[i]) / (2 * h);
  }
  return out;
}

/** Central difference of the batch gradient along v: (∇L(θ + εv) − ∇L(θ − εv))/2ε. */
export function fdHvp(model: Sequential, params: Float64Array, batch: Batch, v: Float64Array, eps = 1e-5, train = true): Float64Array {
  const a = model.gradient(params.map((x, j) => x + eps * v[j]), batch, { train }).gradient;
  const b = model.gradient(params.map((x, j) => x - eps * v[j]), batch, { train }).gradient;
  return a.map((x, j) => (x - b[j]) / (2 * eps));
}

export function maxAbs(a: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]));
  return m;
}

export function maxDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

/** Parameters at a generic point: the initialisation plus a small random shift. */
export function genericParams(model: Sequential, seed: number): Float64Array {
  const s = Stream.fromSeed(seed);
  const p = model.init(s.child('init'));
  for (let i = 0; i < p.length; i++) p[i] += 0.2 * s.normal();
  return p;
}
