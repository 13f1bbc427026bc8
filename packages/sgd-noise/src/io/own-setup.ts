/**
 * The user's own problem in the experiments that have no built-in training set to fall back on
 * (sgd.anisotropy, sgd.noise-shape, sgd.temperature): each of their built-in models comes with its
 * own data, so a network alone cannot be measured; the training set is required.
 */
import { ParameterError } from '@snrlab/core';
import type { Dataset } from '../data/dataset.js';
import type { Sequential } from '../nn/model.js';
import type { ModelName } from '../nn/models.js';
import { makeOwnSetup, type OwnProblem } from '../experiments/common.js';

/** The user's training set and model: their network at its weights (`theta`), or the named engine model for their data. */
export function ownSetup(own: OwnProblem, experiment: string, modelName: ModelName): { data: Dataset; model: Sequential; theta?: Float64Array } {
  return makeOwnSetup(
    own,
    () => {
      throw new ParameterError('data', '(none)', `your training set (--data file.csv), to measure your network on`, `${experiment} has no single built-in training set to put a network on`);
    },
    modelName,
  );
}

/** Largest model whose P×P Hessian and noise covariance an experiment forms (P Hessian-vector products and an O(P³) eigen-decomposition: seconds at this size). */
export const FULL_MATRIX_PARAMS = 1000;

/** Refuse a model too large for the P×P matrices, naming the parameter that brought it. */
export function checkFullMatrixSize(model: Sequential, param: string, experiment: string): void {
  if (model.paramCount > FULL_MATRIX_PARAMS) {
    throw new ParameterError(param, `${model.paramCount} parameters`, `a model of at most ${FULL_MATRIX_PARAMS} parameters`, `${experiment} forms the full ${model.paramCount}×${model.paramCount} Hessian and noise covariance and eigen-decomposes them`);
  }
}

/** The convex engine model for a task: least squares, logistic or softmax regression (one minimum). */
export function convexModelFor(d: Pick<Dataset, 'task'>): ModelName {
  return d.task === 'regression' ? 'linear-regression' : d.task === 'binary' ? 'logistic-regression' : 'softmax-regression';
}

/**
 * The layer whose input-space noise is compared with the data's principal components: the first
 * layer that computes something, when it is a Dense layer reading the raw (possibly flattened)
 * inputs. Returns its index, or −1 (e.g. a CNN: its first layer sees patches, not the inputs).
 */
export function firstDenseOnInputs(model: Sequential, inputSize: number): number {
  for (let i = 0; i < model.layers.length; i++) {
    const l = model.layers[i];
    if (l.kind === 'flatten' || l.kind === 'reshape') continue;
    return l.kind === 'dense' && (l as unknown as { inFeatures: number }).inFeatures === inputSize ? i : -1;
  }
  return -1;
}
