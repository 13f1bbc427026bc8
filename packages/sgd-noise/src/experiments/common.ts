/** Shared pieces of the experiments: named datasets and models, parameter schemas, small stats helpers. */
import { Moments, ParameterError, z, zForLevel, type Stream } from '@snrlab/core';
import type { Dataset } from '../data/dataset.js';
import { iris } from '../data/iris.js';
import { standardize } from '../data/dataset.js';
import { bars2d, gaussianMixture, linearTeacher, signals1d, teacherStudent } from '../data/synthetic.js';
import { modelFor, modelNames, type ModelName } from '../nn/models.js';
import type { Sequential } from '../nn/model.js';
import { sgd } from '../train/sgd.js';

export const datasetNames = ['linear-teacher', 'gaussian-mixture', 'binary-mixture', 'teacher-student', 'iris', 'signals', 'bars'] as const;
export type DatasetName = (typeof datasetNames)[number];

export const datasetParam = (def: DatasetName) =>
  z
    .enum(datasetNames)
    .default(def)
    .describe(
      'training set: linear-teacher (regression, y = wᵀx + noise), gaussian-mixture (3 classes), binary-mixture (2 classes, 0/1), teacher-student (regression by a tanh MLP teacher), iris (Fisher, standardised), signals (1-D, for the CNN), bars (2-D images, for the CNN)',
    );

export const modelParam = (def: ModelName) =>
  z.enum(modelNames).default(def).describe('model: linear-regression, logistic-regression (binary-mixture), softmax-regression, mlp (one hidden layer of 16 ReLU), cnn (conv + GAP; signals or bars)');

export const sizeParam = (def: number) => z.int().min(8).max(100_000).default(def).meta({ unit: 'examples' }).describe('examples in a synthetic training set (iris has 150)');
export const dimParam = (def: number) => z.int().min(1).max(256).default(def).meta({ unit: 'features' }).describe('input features of a synthetic training set');

/** A named training set, seeded. */
export function makeDataset(name: DatasetName, n: number, dim: number, stream: Stream, opts: { labelNoise?: number; conditionNumber?: number } = {}): Dataset {
  switch (name) {
    case 'linear-teacher':
      return linearTeacher({ n, dim, noise: opts.labelNoise ?? 0.5, conditionNumber: opts.conditionNumber ?? 10, stream }).dataset;
    case 'gaussian-mixture':
      return gaussianMixture({ n, dim, classes: 3, separation: 2, stream }).dataset;
    case 'binary-mixture':
      return gaussianMixture({ n, dim, classes: 2, separation: 1.5, binary: true, stream }).dataset;
    case 'teacher-student':
      return teacherStudent({ n, dim, hidden: 8, noise: 0.1, stream }).dataset;
    case 'iris':
      return standardize(iris());
    case 'signals':
      return signals1d({ n, length: 16, classes: 2, noise: 0.5, stream });
    case 'bars':
      return bars2d({ n, size: 6, noise: 0.5, stream });
  }
}

/** The named model for the dataset (refuses combinations that do not fit, naming `model`). */
export function makeModel(name: ModelName, d: Dataset): Sequential {
  return modelFor(name, d, { hidden: [16], channels: [4] });
}

/** Train briefly with SGD from the model's initialisation to reach a generic (not special) point. */
export function warmStart(model: Sequential, data: Dataset, steps: number, stream: Stream, learningRate = 0.05): Float64Array {
  const params = model.init(stream.child('init'));
  if (steps === 0) return params;
  return sgd({ model, data, params, batchSize: Math.min(16, data.n), steps, learningRate, stream: stream.child('warm') }).params;
}

/** Batch sizes must not exceed the training set. */
export function checkBatchSizes(batchSizes: readonly number[], n: number, name = 'batchSizes'): void {
  for (const b of batchSizes) if (b > n) throw new ParameterError(`${name}[]`, b, `an integer in [1, ${n}] (the training set has ${n} examples)`);
  if (new Set(batchSizes).size !== batchSizes.length) throw new ParameterError(name, batchSizes, 'distinct values');
}

// the Birge-inflated weighted mean lives in core
export { weightedMean } from '@snrlab/core';

/** Mean and 95% interval as numbers for a table. */
export function meanCI(m: Moments): [number, number, number] {
  const z95 = zForLevel(0.95);
  return [m.mean, m.mean - z95 * m.sem, m.mean + z95 * m.sem];
}

export const fmt = (v: number, digits = 3) => (Number.isFinite(v) ? (Math.abs(v) >= 1e4 || (Math.abs(v) < 1e-3 && v !== 0) ? v.toExponential(digits - 1) : v.toPrecision(digits)) : String(v));

// ---------------------------------------------------------------------------------------------
// Own problems (issue 17): the user's training set (`--data`) and network (`--model`) as parameters.

/** `data`: the user's training set (plain data); when given it replaces the named `dataset`. */
export const ownDataParam = () =>
  dataInputSchema
    .optional()
    .describe('your training set (CLI: --data file.csv[#label=y&features=a,b]): features, labels and task as plain data; replaces `dataset` (and `datasetSize`, `dim`)');

/** `network`: the user's TF.js layers model (topology + flat weights); when given it replaces the named `model`, and its weights are θ. */
export const ownNetworkParam = () =>
  networkInputSchema
    .optional()
    .describe('your network (CLI: --model model.json, a TF.js layers model): its topology and weights; replaces `model`, and its weights are the point θ measured (no warm-up)');

/** The user's own problem: a training set, a network, or both. */
export interface OwnProblem {
  data?: DataInput;
  network?: NetworkInput;
}

/** The own problem of the parameters, or undefined when neither `data` nor `network` is given (so built-in specs stay as they were). */
export function ownProblemOf(p: { data?: DataInput; network?: NetworkInput }): OwnProblem | undefined {
  if (!p.data && !p.network) return undefined;
  return { ...(p.data ? { data: p.data } : {}), ...(p.network ? { network: p.network } : {}) };
}

/**
 * The training set and model of an own problem: the user's set (else `fallbackData()`), the user's
 * network (else the named model for the set), and θ₀ = the network's weights when there is one.
 * Mismatches (input size, outputs, classes) are refused with a ParameterError naming `data`/`network`.
 */
export function makeOwnSetup(own: OwnProblem, fallbackData: () => Dataset, modelName: ModelName): { data: Dataset; model: Sequential; theta?: Float64Array } {
  const data = own.data ? datasetFromInput(own.data, 'data') : fallbackData();
  if (!own.network) return { data, model: makeModel(modelName, data) };
  const { model, theta } = buildNetwork(own.network, data, 'network');
  return { data, model, theta };
}

import { dataInputSchema, datasetFromInput, type DataInput } from '../io/data-file.js';
import { buildNetwork, networkInputSchema, type NetworkInput } from '../io/tfjs-model.js';
