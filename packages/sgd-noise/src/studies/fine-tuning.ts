/**
 * Related tasks for fine-tuning, and the per-example gradient agreement.
 *
 * Tasks A and B share a teacher's hidden features h(x) = tanh(Wx + b) (x ~ N(0, I)) and differ in
 * the readout: y_A = a_A·h(x) + ε, y_B = a_B·h(x) + ε with a_B = ρ·a_A + √(1 − ρ²)·a_⊥ (a_⊥ ⟂ a_A,
 * |a_⊥| = |a_A|): the relatedness ρ is the cosine between the two readouts.
 */
import { assertInRange, assertInteger, assertPositive, jackknifeSE, ParameterError, type Stream } from '@snrlab/core';
import type { Dataset } from '../data/dataset.js';
import type { Sequential } from '../nn/model.js';
import { gradientNoise } from '../measure/noise.js';

export interface RelatedTasksOptions {
  /** Examples of task A (pretraining) and task B (fine-tuning). */
  nA: number;
  nB: number;
  dim: number;
  /** Hidden units of the teacher (default 8). */
  hidden?: number;
  /** ρ: cosine between the two readouts (1 = the same task, 0 = unrelated). */
  relatedness: number;
  /** Label-noise sd (default 0.1). */
  noise?: number;
  stream: Stream;
}

export function relatedTasks(o: RelatedTasksOptions): { taskA: Dataset; taskB: Dataset; readoutCosine: number } {
  assertInteger('nA', o.nA, { min: 1 });
  assertInteger('nB', o.nB, { min: 1 });
  assertInteger('dim', o.dim, { min: 1 });
  const H = o.hidden ?? 8;
  assertInteger('hidden', H, { min: 2 });
  assertInRange('relatedness', o.relatedness, -1, 1);
  const sigma = o.noise ?? 0.1;
  assertPositive('noise', sigma, { allowZero: true });
  const ts = o.stream.child('teacher');
  const W = new Float64Array(H * o.dim);
  const b = new Float64Array(H);
  const aA = new Float64Array(H);
  const aPerp = new Float64Array(H);
  for (let i = 0; i < W.length; i++) W[i] = ts.normal() / Math.sqrt(o.dim);
  for (let k = 0; k < H; k++) {
    b[k] = 0.1 * ts.normal();
    aA[k] = ts.normal() / Math.sqrt(H);
    aPerp[k] = ts.normal();
  }
  // Gram–Schmidt: a_⊥ orthogonal to a_A, of the same length
  const dot = (u: Float64Array, v: Float64Array) => u.reduce((s, x, i) => s + x * v[i], 0);
  const pa = dot(aPerp, aA) / dot(aA, aA);
  for (let k = 0; k < H; k++) aPerp[k] -= pa * aA[k];
  const scale = Math.sqrt(dot(aA, aA) / dot(aPerp, aPerp));
  const rho = o.relatedness;
  const aB = aA.map((v, k) => rho * v + Math.sqrt(1 - rho * rho) * scale * aPerp[k]);
  const make = (n: number, a: Float64Array, s: Stream, name: string): Dataset => {
    const xs = s.child('inputs');
    const ns = s.child('noise');
    const x = new Float64Array(n * o.dim);
    const y = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < o.dim; j++) x[i * o.dim + j] = xs.normal();
      let t = 0;
      for (let k = 0; k < H; k++) {
        let zk = b[k];
        for (let j = 0; j < o.dim; j++) zk += W[k * o.dim + j] * x[i * o.dim + j];
        t += a[k] * Math.tanh(zk);
      }
      y[i] = t + (sigma > 0 ? sigma * ns.normal() : 0);
    }
    return { name, x, y, n, inputShape: [o.dim], targetSize: 1, task: 'regression' };
  };
  return {
    taskA: make(o.nA, aA, o.stream.child('A'), `task A (teacher ${o.dim}-${H}-1, noise ${sigma})`),
    taskB: make(o.nB, aB, o.stream.child('B'), `task B (same hidden features, readout cosine ${rho})`),
    readoutCosine: dot(aA, aB) / Math.sqrt(dot(aA, aA) * dot(aB, aB)),
  };
}

/**
 * Mean pairwise cosine of n per-example gradients (rows of an n×P matrix): with u_i = g_i/|g_i|,
 * Σ_{i≠j} u_i·u_j = |Σ u_i|² − n, so the mean over pairs is (|Σu_i|² − n)/(n(n − 1)). 1 when all
 * agree, about 0 for random directions. Examples with a zero gradient are left out.
 */
export function meanPairwiseCosine(perExample: Float64Array, n: number, P: number): number {
  if (perExample.length < n * P) throw new ParameterError('perExample.length', perExample.length, `${n * P} (n × P)`);
  const sum = new Float64Array(P);
  let m = 0;
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let j = 0; j < P; j++) s += perExample[i * P + j] ** 2;
    if (s === 0) continue;
    const r = 1 / Math.sqrt(s);
    for (let j = 0; j < P; j++) sum[j] += perExample[i * P + j] * r;
    m++;
  }
  if (m < 2) return NaN;
  let q = 0;
  for (let j = 0; j < P; j++) q += sum[j] * sum[j];
  return (q - m) / (m * (m - 1));
}

export interface NoiseProfile {
  loss: number;
  trSigma: number;
  gNormSq: number;
  bSimple: number;
  cosine: number;
  /** Jackknife SEs over groups of examples. */
  bSimpleSE: number;
  cosineSE: number;
  trSigmaSE: number;
  gNormSqSE: number;
}

/** tr Σ, |G|², B_simple and the mean pairwise cosine over the whole dataset, with jackknife SEs. */
export function noiseProfile(model: Sequential, params: Float64Array, data: Dataset, groups = 20): NoiseProfile {
  const noise = gradientNoise(model, params, data);
  const R = noise.perExample;
  if (!R) throw new ParameterError('data.n × paramCount', data.n * model.paramCount, 'a size whose per-example gradients fit in memory');
  const N = data.n;
  const P = model.paramCount;
  const G = Math.min(groups, N);
  // leave-one-group-out from row sums
  const stat = (skip: number) => {
    const lo = skip < 0 ? 0 : Math.floor((skip * N) / G);
    const hi = skip < 0 ? 0 : Math.floor(((skip + 1) * N) / G);
    const n = N - (hi - lo);
    const mean = new Float64Array(P);
    const sumU = new Float64Array(P);
    let sq = 0;
    let m = 0;
    for (let i = 0; i < N; i++) {
      if (i >= lo && i < hi) continue;
      let s = 0;
      for (let j = 0; j < P; j++) {
        const v = R[i * P + j];
        mean[j] += v / n;
        s += v * v;
      }
      sq += s / n;
      if (s > 0) {
        const r = 1 / Math.sqrt(s);
        for (let j = 0; j < P; j++) sumU[j] += R[i * P + j] * r;
        m++;
      }
    }
    let g2 = 0;
    let q = 0;
    for (let j = 0; j < P; j++) {
      g2 += mean[j] * mean[j];
      q += sumU[j] * sumU[j];
    }
    const tr = sq - g2;
    return { tr, g2, b: tr / g2, cos: (q - m) / (m * (m - 1)) };
  };
  const all = stat(-1);
  const loo = Array.from({ length: G }, (_, g) => stat(g));
  return {
    loss: model.lossValue(params, data),
    trSigma: all.tr,
    gNormSq: all.g2,
    bSimple: all.b,
    cosine: all.cos,
    bSimpleSE: jackknifeSE(loo.map((s) => s.b)),
    cosineSE: jackknifeSE(loo.map((s) => s.cos)),
    trSigmaSE: jackknifeSE(loo.map((s) => s.tr)),
    gNormSqSE: jackknifeSE(loo.map((s) => s.g2)),
  };
}
