/**
 * Seeded synthetic datasets. Every generator takes a core stream, so the same seed gives the
 * same bytes. The teachers (weights of the linear or MLP teacher) are returned with the data so
 * that tests and experiments know the truth.
 */
import { assertInRange, assertInteger, assertOneOf, assertPositive, ParameterError, stableSymmetric, studentT, type Stream } from '@snrlab/core';
import type { Dataset } from './dataset.js';

export type LabelNoise = 'gaussian' | 'student-t' | 'alpha-stable';

export interface LinearTeacherOptions {
  n: number;
  dim: number;
  /** Outputs of the teacher (default 1). */
  outputs?: number;
  /** Scale of the label noise (the sd for Gaussian noise; default 0.5). */
  noise?: number;
  /** Law of the label noise (default Gaussian). */
  labelNoise?: LabelNoise;
  /** Degrees of freedom for Student-t label noise, stability index α for α-stable (default 1.5). */
  tailIndex?: number;
  /**
   * Ratio of the largest to the smallest input variance; the variances fall geometrically
   * (default 1: isotropic inputs, Var x_j = 1).
   */
  conditionNumber?: number;
  /** Add a constant 1 feature? No: the linear model has a bias of its own. Mean of the inputs (default 0). */
  inputMean?: number;
  stream: Stream;
}

/** Input standard deviations falling geometrically from 1 so that max/min variance = κ. */
export function geometricScales(dim: number, conditionNumber: number): Float64Array {
  const s = new Float64Array(dim);
  for (let j = 0; j < dim; j++) s[j] = dim > 1 ? Math.pow(conditionNumber, -j / (2 * (dim - 1))) : 1;
  return s;
}

function labelNoiseDraw(kind: LabelNoise, scale: number, tail: number): (s: Stream) => number {
  switch (kind) {
    case 'gaussian':
      return (s) => scale * s.normal();
    case 'student-t':
      return (s) => scale * studentT(s, tail);
    case 'alpha-stable':
      return (s) => stableSymmetric(s, tail, scale);
  }
}

/** y = Wᵀx + b + noise with x ~ N(μ, diag(scales²)), W ~ N(0, 1/dim). */
export function linearTeacher(o: LinearTeacherOptions): { dataset: Dataset; weights: Float64Array; bias: Float64Array; scales: Float64Array } {
  assertInteger('n', o.n, { min: 1 });
  assertInteger('dim', o.dim, { min: 1 });
  const K = o.outputs ?? 1;
  assertInteger('outputs', K, { min: 1 });
  const noise = o.noise ?? 0.5;
  assertPositive('noise', noise, { allowZero: true });
  const kind = o.labelNoise ?? 'gaussian';
  assertOneOf('labelNoise', kind, ['gaussian', 'student-t', 'alpha-stable'] as const);
  const tail = o.tailIndex ?? 1.5;
  if (kind === 'alpha-stable') assertInRange('tailIndex', tail, 0, 2, { loOpen: true });
  else if (kind === 'student-t') assertPositive('tailIndex', tail);
  const kappa = o.conditionNumber ?? 1;
  assertInRange('conditionNumber', kappa, 1, 1e12);
  const scales = geometricScales(o.dim, kappa);
  const ws = o.stream.child('teacher');
  const weights = new Float64Array(o.dim * K);
  for (let i = 0; i < weights.length; i++) weights[i] = ws.normal() / Math.sqrt(o.dim);
  const bias = new Float64Array(K);
  for (let k = 0; k < K; k++) bias[k] = 0.1 * ws.normal();
  const xs = o.stream.child('inputs');
  const ns = o.stream.child('noise');
  const x = new Float64Array(o.n * o.dim);
  const y = new Float64Array(o.n * K);
  const draw = labelNoiseDraw(kind, noise, tail);
  const mu = o.inputMean ?? 0;
  for (let i = 0; i < o.n; i++) {
    for (let j = 0; j < o.dim; j++) x[i * o.dim + j] = mu + scales[j] * xs.normal();
    for (let k = 0; k < K; k++) {
      let t = bias[k];
      for (let j = 0; j < o.dim; j++) t += x[i * o.dim + j] * weights[j * K + k];
      y[i * K + k] = t + (noise > 0 ? draw(ns) : 0);
    }
  }
  return {
    dataset: { name: `linear teacher (d = ${o.dim}, ${kind} noise ${noise})`, x, y, n: o.n, inputShape: [o.dim], targetSize: K, task: 'regression' },
    weights,
    bias,
    scales,
  };
}

export interface GaussianMixtureOptions {
  n: number;
  dim: number;
  /** Number of classes (default 3). With 2 classes and `binary: true` the labels are 0/1 for logistic regression. */
  classes?: number;
  /** Distance of the class means from the origin, in units of the within-class sd (default 2). */
  separation?: number;
  binary?: boolean;
  stream: Stream;
}

/** Balanced classes; class k has mean separation·m_k (random unit m_k) and identity covariance. */
export function gaussianMixture(o: GaussianMixtureOptions): { dataset: Dataset; means: Float64Array } {
  assertInteger('n', o.n, { min: 1 });
  assertInteger('dim', o.dim, { min: 1 });
  const K = o.classes ?? 3;
  assertInteger('classes', K, { min: 2 });
  const sep = o.separation ?? 2;
  assertPositive('separation', sep, { allowZero: true });
  if (o.binary && K !== 2) throw new ParameterError('classes', K, '2 for a binary mixture');
  const ms = o.stream.child('means');
  const means = new Float64Array(K * o.dim);
  for (let k = 0; k < K; k++) {
    let norm = 0;
    for (let j = 0; j < o.dim; j++) {
      const v = ms.normal();
      means[k * o.dim + j] = v;
      norm += v * v;
    }
    norm = Math.sqrt(norm);
    for (let j = 0; j < o.dim; j++) means[k * o.dim + j] *= sep / norm;
  }
  const s = o.stream.child('samples');
  const x = new Float64Array(o.n * o.dim);
  const y = new Float64Array(o.n);
  for (let i = 0; i < o.n; i++) {
    const k = i % K;
    y[i] = k;
    for (let j = 0; j < o.dim; j++) x[i * o.dim + j] = means[k * o.dim + j] + s.normal();
  }
  return {
    dataset: {
      name: `Gaussian mixture (${K} classes, d = ${o.dim}, separation ${sep})`,
      x,
      y,
      n: o.n,
      inputShape: [o.dim],
      targetSize: 1,
      task: o.binary ? 'binary' : 'classification',
      classes: K,
    },
    means,
  };
}

export interface TeacherStudentOptions {
  n: number;
  dim: number;
  /** Hidden units of the teacher (default 8). */
  hidden?: number;
  /** Label noise sd (default 0.1). */
  noise?: number;
  stream: Stream;
}

/** y = a·tanh(Wx + b) + noise with a random teacher (W ~ N(0, 1/d), a ~ N(0, 1/hidden)); x ~ N(0, I). */
export function teacherStudent(o: TeacherStudentOptions): { dataset: Dataset; teacher: { w: Float64Array; b: Float64Array; a: Float64Array } } {
  assertInteger('n', o.n, { min: 1 });
  assertInteger('dim', o.dim, { min: 1 });
  const h = o.hidden ?? 8;
  assertInteger('hidden', h, { min: 1 });
  const noise = o.noise ?? 0.1;
  assertPositive('noise', noise, { allowZero: true });
  const ts = o.stream.child('teacher');
  const w = new Float64Array(h * o.dim);
  const b = new Float64Array(h);
  const a = new Float64Array(h);
  for (let i = 0; i < w.length; i++) w[i] = ts.normal() / Math.sqrt(o.dim);
  for (let i = 0; i < h; i++) {
    b[i] = 0.1 * ts.normal();
    a[i] = ts.normal() / Math.sqrt(h);
  }
  const xs = o.stream.child('inputs');
  const ns = o.stream.child('noise');
  const x = new Float64Array(o.n * o.dim);
  const y = new Float64Array(o.n);
  for (let i = 0; i < o.n; i++) {
    for (let j = 0; j < o.dim; j++) x[i * o.dim + j] = xs.normal();
    let t = 0;
    for (let k = 0; k < h; k++) {
      let z = b[k];
      for (let j = 0; j < o.dim; j++) z += w[k * o.dim + j] * x[i * o.dim + j];
      t += a[k] * Math.tanh(z);
    }
    y[i] = t + (noise > 0 ? noise * ns.normal() : 0);
  }
  return {
    dataset: { name: `teacher-student MLP (d = ${o.dim}, ${h} hidden, noise ${noise})`, x, y, n: o.n, inputShape: [o.dim], targetSize: 1, task: 'regression' },
    teacher: { w, b, a },
  };
}

export interface SignalsOptions {
  n: number;
  /** Positions per signal (default 32). */
  length?: number;
  /** Classes; class k is a bump of width k + 2 placed at a random position (default 2). */
  classes?: number;
  /** Sd of the white noise added at every position (default 0.5). */
  noise?: number;
  stream: Stream;
}

/** 1-D signals [length, 1] for the small CNN: a class-shaped bump at a random place, plus noise. */
export function signals1d(o: SignalsOptions): Dataset {
  assertInteger('n', o.n, { min: 1 });
  const L = o.length ?? 32;
  assertInteger('length', L, { min: 4 });
  const K = o.classes ?? 2;
  assertInteger('classes', K, { min: 2, max: Math.floor(L / 2) - 1 });
  const noise = o.noise ?? 0.5;
  assertPositive('noise', noise, { allowZero: true });
  const s = o.stream;
  const x = new Float64Array(o.n * L);
  const y = new Float64Array(o.n);
  for (let i = 0; i < o.n; i++) {
    const k = i % K;
    y[i] = k;
    const width = k + 2;
    const start = s.integer(L - width + 1);
    for (let p = 0; p < L; p++) x[i * L + p] = noise * s.normal() + (p >= start && p < start + width ? 1 : 0);
  }
  return { name: `1-D signals (length ${L}, ${K} classes, noise ${noise})`, x, y, n: o.n, inputShape: [L, 1], targetSize: 1, task: 'classification', classes: K };
}

export interface BarsOptions {
  n: number;
  /** Image side (default 8). */
  size?: number;
  noise?: number;
  stream: Stream;
}

/** 2-D images [size, size, 1]: a horizontal (class 0) or vertical (class 1) bar at a random row/column, plus noise. */
export function bars2d(o: BarsOptions): Dataset {
  assertInteger('n', o.n, { min: 1 });
  const S = o.size ?? 8;
  assertInteger('size', S, { min: 3 });
  const noise = o.noise ?? 0.5;
  assertPositive('noise', noise, { allowZero: true });
  const s = o.stream;
  const x = new Float64Array(o.n * S * S);
  const y = new Float64Array(o.n);
  for (let i = 0; i < o.n; i++) {
    const k = i % 2;
    y[i] = k;
    const at = s.integer(S);
    for (let r = 0; r < S; r++) {
      for (let c = 0; c < S; c++) x[i * S * S + r * S + c] = noise * s.normal() + ((k === 0 ? r : c) === at ? 1 : 0);
    }
  }
  return { name: `2-D bars (${S}×${S}, noise ${noise})`, x, y, n: o.n, inputShape: [S, S, 1], targetSize: 1, task: 'classification', classes: 2 };
}
