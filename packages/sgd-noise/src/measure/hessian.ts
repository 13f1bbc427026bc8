/**
 * Full-data gradient, Hessian-vector products and the Hessian matrix of the mean loss over a
 * dataset, in chunks. With batch norm in training mode each chunk is normalised by its own
 * statistics, so the chunk size is part of the function; pass `train: false` for eval mode.
 */
import { DivergenceError, symmetricEigen as coreSymmetricEigen, transpose } from '@snrlab/core';
import type { Dataset } from '../data/dataset.js';
import { slice } from '../data/dataset.js';
import type { Sequential } from '../nn/model.js';

export interface ChunkOptions {
  /** Examples per forward/backward pass (default 1024). */
  chunk?: number;
  /** Batch norm in training mode (default true). */
  train?: boolean;
}

/** Mean loss and gradient over the whole dataset. */
export function datasetGradient(model: Sequential, params: Float64Array, data: Dataset, opts: ChunkOptions = {}): { loss: number; gradient: Float64Array } {
  const chunk = opts.chunk ?? 1024;
  const g = new Float64Array(model.paramCount);
  let loss = 0;
  for (let a = 0; a < data.n; a += chunk) {
    const b = Math.min(data.n, a + chunk);
    const r = model.gradient(params, slice(data, a, b), { train: opts.train ?? true });
    const w = (b - a) / data.n;
    loss += w * r.loss;
    for (let j = 0; j < g.length; j++) g[j] += w * r.gradient[j];
  }
  return { loss, gradient: g };
}

/** H·v for the mean loss over the whole dataset (exact, R-operator). */
export function datasetHvp(model: Sequential, params: Float64Array, data: Dataset, v: Float64Array, opts: ChunkOptions = {}): Float64Array {
  const chunk = opts.chunk ?? 1024;
  const hv = new Float64Array(model.paramCount);
  for (let a = 0; a < data.n; a += chunk) {
    const b = Math.min(data.n, a + chunk);
    const r = model.hvp(params, slice(data, a, b), v, { train: opts.train ?? true });
    const w = (b - a) / data.n;
    for (let j = 0; j < hv.length; j++) hv[j] += w * r.hv[j];
  }
  return hv;
}

/** The P×P Hessian from P Hessian-vector products on unit vectors, symmetrised. */
export function hessianMatrix(model: Sequential, params: Float64Array, data: Dataset, opts: ChunkOptions = {}): Float64Array {
  const P = model.paramCount;
  const H = new Float64Array(P * P);
  const e = new Float64Array(P);
  for (let j = 0; j < P; j++) {
    e.fill(0);
    e[j] = 1;
    const col = datasetHvp(model, params, data, e, opts);
    for (let i = 0; i < P; i++) H[i * P + j] = col[i];
  }
  for (let i = 0; i < P; i++) {
    for (let j = i + 1; j < P; j++) {
      const s = 0.5 * (H[i * P + j] + H[j * P + i]);
      H[i * P + j] = s;
      H[j * P + i] = s;
    }
  }
  return H;
}

export interface SymmetricEigen {
  /** Eigenvalues, descending. */
  values: Float64Array;
  /** Eigenvectors as rows, in the order of `values` (row k is the k-th eigenvector). */
  vectors: Float64Array;
}

/** Eigen-decomposition of a symmetric P×P matrix: core's `symmetricEigen` (ml-matrix), descending, eigenvectors as rows. */
export function symmetricEigen(A: ArrayLike<number>, P: number): SymmetricEigen {
  const { values, vectors } = coreSymmetricEigen(A, P, { order: 'descending' });
  return { values, vectors: transpose(vectors, P, P) };
}

/**
 * The Hessian's largest-magnitude eigenvalue by power iteration on Hessian-vector products
 * (its sign is kept). 2/λ_max is the largest stable learning rate of gradient descent.
 */
export function topHessianEigenvalue(
  model: Sequential,
  params: Float64Array,
  data: Dataset,
  opts: ChunkOptions & { iterations?: number; stream?: { normal(): number } } = {},
): { value: number; vector: Float64Array } {
  const P = model.paramCount;
  let v: Float64Array = new Float64Array(P);
  for (let j = 0; j < P; j++) v[j] = opts.stream ? opts.stream.normal() : 1 / Math.sqrt(P) + (j % 2 ? 1e-3 : -1e-3);
  const normalise = (a: Float64Array) => {
    let s = 0;
    for (let j = 0; j < P; j++) s += a[j] * a[j];
    const r = Math.sqrt(s);
    for (let j = 0; j < P; j++) a[j] /= r;
    return r;
  };
  normalise(v);
  let value = 0;
  for (let it = 0; it < (opts.iterations ?? 50); it++) {
    const hv = datasetHvp(model, params, data, v, opts);
    let ray = 0;
    for (let j = 0; j < P; j++) ray += v[j] * hv[j];
    value = ray;
    if (normalise(hv) === 0) break;
    v = hv;
  }
  return { value, vector: v };
}

/**
 * Full-batch gradient descent with heavy-ball momentum to (near) a minimum. The default learning
 * rate is 1/λ_max from power iteration, re-estimated every `refresh` steps.
 */
export function minimize(
  model: Sequential,
  params: Float64Array,
  data: Dataset,
  opts: ChunkOptions & { steps?: number; momentum?: number; learningRate?: number; refresh?: number; tolerance?: number } = {},
): { params: Float64Array; loss: number; gradNorm: number; steps: number } {
  const theta = Float64Array.from(params);
  const P = model.paramCount;
  const vel = new Float64Array(P);
  const mu = opts.momentum ?? 0.9;
  const steps = opts.steps ?? 2000;
  const refresh = opts.refresh ?? 500;
  let lr = opts.learningRate ?? 0;
  let loss = NaN;
  let gn = NaN;
  let k = 0;
  for (; k < steps; k++) {
    if (opts.learningRate === undefined && k % refresh === 0) lr = 1 / Math.max(1e-12, Math.abs(topHessianEigenvalue(model, theta, data, { ...opts, iterations: 30 }).value));
    const r = datasetGradient(model, theta, data, opts);
    loss = r.loss;
    let s = 0;
    for (let j = 0; j < P; j++) s += r.gradient[j] ** 2;
    gn = Math.sqrt(s);
    if (!Number.isFinite(loss)) throw new DivergenceError(k, k * lr, 0, loss, { params: theta }, `full-batch descent at learning rate ${lr}`);
    if (opts.tolerance !== undefined && gn <= opts.tolerance) break;
    for (let j = 0; j < P; j++) {
      vel[j] = mu * vel[j] + r.gradient[j];
      theta[j] -= lr * vel[j];
    }
  }
  return { params: theta, loss, gradNorm: gn, steps: k };
}
