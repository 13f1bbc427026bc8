/**
 * A dataset of n examples: inputs x [n × prod(inputShape)] and targets y [n × targetSize],
 * row-major Float64Arrays. Targets are class indices (classification), 0/1 (binary) or real
 * vectors (regression).
 */
import { assertInteger, ParameterError, ParameterTypeError } from '@snrlab/core';
import type { Batch } from '../nn/model.js';

export type Task = 'regression' | 'binary' | 'classification';

export interface Dataset extends Batch {
  name: string;
  inputShape: number[];
  targetSize: number;
  task: Task;
  /** Number of classes (classification and binary). */
  classes?: number;
  featureNames?: string[];
  classNames?: string[];
}

export const inputSizeOf = (d: Pick<Dataset, 'inputShape'>): number => d.inputShape.reduce((a, b) => a * b, 1);

/** Check shapes, finiteness and labels; throws a ParameterError naming the bad entry. */
export function validateDataset(d: Dataset, name = 'dataset'): Dataset {
  if (!d || typeof d !== 'object') throw new ParameterTypeError(name, d, 'a dataset object');
  if (!(d.x instanceof Float64Array)) throw new ParameterTypeError(`${name}.x`, d.x, 'a Float64Array');
  if (!(d.y instanceof Float64Array)) throw new ParameterTypeError(`${name}.y`, d.y, 'a Float64Array');
  assertInteger(`${name}.n`, d.n, { min: 1 });
  const size = inputSizeOf(d);
  if (d.x.length !== d.n * size) throw new ParameterError(`${name}.x.length`, d.x.length, `${d.n * size} (n = ${d.n} × input size ${size})`);
  if (d.y.length !== d.n * d.targetSize) throw new ParameterError(`${name}.y.length`, d.y.length, `${d.n * d.targetSize} (n = ${d.n} × target size ${d.targetSize})`);
  for (let i = 0; i < d.x.length; i++) {
    if (!Number.isFinite(d.x[i])) {
      const row = Math.floor(i / size);
      throw new ParameterError(`${name}.x[${row}][${i % size}]`, d.x[i], 'a finite number (the dataset contains NaN or Inf)');
    }
  }
  for (let i = 0; i < d.y.length; i++) {
    const v = d.y[i];
    if (!Number.isFinite(v)) throw new ParameterError(`${name}.y[${i}]`, v, 'a finite number (the dataset contains NaN or Inf)');
    if (d.task === 'binary' && v !== 0 && v !== 1) throw new ParameterError(`${name}.y[${i}]`, v, '0 or 1 for a binary task');
    if (d.task === 'classification' && (!Number.isInteger(v) || v < 0 || v >= (d.classes ?? Infinity))) {
      throw new ParameterError(`${name}.y[${i}]`, v, `a class index in [0, ${(d.classes ?? 0) - 1}]`);
    }
  }
  return d;
}

/** Copy the examples `indices[0..count)` into `out` (allocated if absent). */
export function gather(d: Dataset, indices: ArrayLike<number>, count = indices.length, out?: Batch): Batch {
  const size = inputSizeOf(d);
  const t = d.targetSize;
  const b = out ?? { x: new Float64Array(count * size), y: new Float64Array(count * t), n: count };
  if (b.x.length < count * size || b.y.length < count * t) throw new ParameterError('out', b.n, `a batch buffer for at least ${count} examples`);
  b.n = count;
  const X = d.x;
  const Y = d.y;
  const bx = b.x;
  const by = b.y;
  for (let k = 0; k < count; k++) {
    const i = indices[k];
    if (!(i >= 0 && i < d.n)) throw new ParameterError(`indices[${k}]`, i, `an integer in [0, ${d.n - 1}]`);
    const xs = i * size;
    const xd = k * size;
    if (size > 64) bx.set(X.subarray(xs, xs + size), xd);
    else for (let j = 0; j < size; j++) bx[xd + j] = X[xs + j];
    for (let j = 0; j < t; j++) by[k * t + j] = Y[i * t + j];
  }
  return b;
}

/** A new dataset holding the given examples. */
export function subset(d: Dataset, indices: ArrayLike<number>, name = d.name): Dataset {
  const b = gather(d, indices);
  return { ...d, name, x: b.x, y: b.y, n: b.n };
}

/** Examples [start, end) as a batch view (no copy). */
export function slice(d: Dataset, start: number, end: number): Batch {
  const size = inputSizeOf(d);
  return { x: d.x.subarray(start * size, end * size), y: d.y.subarray(start * d.targetSize, end * d.targetSize), n: end - start };
}

/** Per-feature mean and sd (ddof 0). */
export function featureMoments(d: Dataset): { mean: Float64Array; sd: Float64Array } {
  const size = inputSizeOf(d);
  const mean = new Float64Array(size);
  const sd = new Float64Array(size);
  for (let i = 0; i < d.n; i++) for (let j = 0; j < size; j++) mean[j] += d.x[i * size + j];
  for (let j = 0; j < size; j++) mean[j] /= d.n;
  for (let i = 0; i < d.n; i++) for (let j = 0; j < size; j++) sd[j] += (d.x[i * size + j] - mean[j]) ** 2;
  for (let j = 0; j < size; j++) sd[j] = Math.sqrt(sd[j] / d.n);
  return { mean, sd };
}

/** Standardise every input feature to zero mean and unit variance (constant features are only centred). */
export function standardize(d: Dataset, moments = featureMoments(d)): Dataset {
  const size = inputSizeOf(d);
  const x = new Float64Array(d.x.length);
  for (let i = 0; i < d.n; i++) {
    for (let j = 0; j < size; j++) {
      const s = moments.sd[j] > 0 ? moments.sd[j] : 1;
      x[i * size + j] = (d.x[i * size + j] - moments.mean[j]) / s;
    }
  }
  return { ...d, name: `${d.name} (standardised)`, x };
}

/** Split into the first `fraction` and the rest (shuffle first if the order matters). */
export function split(d: Dataset, fraction: number): [Dataset, Dataset] {
  if (!(fraction > 0 && fraction < 1)) throw new ParameterError('fraction', fraction, 'a number in (0, 1)');
  const k = Math.round(d.n * fraction);
  if (k < 1 || k >= d.n) throw new ParameterError('fraction', fraction, `a split leaving both parts non-empty (n = ${d.n})`);
  const a = Array.from({ length: k }, (_, i) => i);
  const b = Array.from({ length: d.n - k }, (_, i) => k + i);
  return [subset(d, a, `${d.name} (first ${k})`), subset(d, b, `${d.name} (last ${d.n - k})`)];
}

/** Refuse a dataset whose shapes do not fit the model, naming what disagrees. */
export function checkModelData(model: { inputSize: number; targetSize: number; inputShape: readonly number[]; name: string }, d: Dataset, name = 'data'): void {
  const size = inputSizeOf(d);
  if (size !== model.inputSize) {
    throw new ParameterError(`${name}.inputShape`, d.inputShape, `inputs of ${model.inputSize} numbers, the input shape [${model.inputShape.join(', ')}] of ${model.name}`);
  }
  if (d.targetSize !== model.targetSize) {
    throw new ParameterError(`${name}.targetSize`, d.targetSize, `${model.targetSize}, the target size ${model.name} expects`);
  }
}
