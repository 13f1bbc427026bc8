/**
 * The models of the engine: linear, logistic and softmax regression, an MLP (ReLU or tanh,
 * optionally with batch norm after each hidden layer) and a small CNN with global average pooling.
 */
import { assertInteger, assertOneOf, ParameterError } from '@snrlab/core';
import type { Backend } from '../linalg.js';
import type { Dataset } from '../data/dataset.js';
import { Conv, Dense, type WeightInit } from './affine.js';
import { BatchNorm } from './batchnorm.js';
import { Flatten, GlobalAvgPool, ReLU, Tanh } from './elementwise.js';
import { LogisticLoss, SoftmaxCrossEntropy, SquaredLoss } from './losses.js';
import { Sequential } from './model.js';
import type { Layer, Loss, Shape } from './types.js';

export type Activation = 'relu' | 'tanh';
export type LossKind = 'squared' | 'softmax-cross-entropy' | 'logistic';

export interface ModelOptions {
  backend?: Backend;
}

function lossOf(kind: LossKind): Loss {
  assertOneOf('loss', kind, ['squared', 'softmax-cross-entropy', 'logistic'] as const);
  return kind === 'squared' ? new SquaredLoss() : kind === 'logistic' ? new LogisticLoss() : new SoftmaxCrossEntropy();
}

function act(kind: Activation, shape: Shape): Layer {
  assertOneOf('activation', kind, ['relu', 'tanh'] as const);
  return kind === 'relu' ? new ReLU(shape) : new Tanh(shape);
}

/** ŷ = Wᵀx + b with the squared loss ½|ŷ − y|². */
export function linearRegression(inputDim: number, outputs = 1, opts: ModelOptions & { bias?: boolean } = {}): Sequential {
  return new Sequential([new Dense(inputDim, outputs, { bias: opts.bias ?? true, init: 'zeros' })], new SquaredLoss(), { backend: opts.backend, name: 'linear regression' });
}

/** p = σ(wᵀx + b) with the logistic loss; labels 0/1. */
export function logisticRegression(inputDim: number, opts: ModelOptions = {}): Sequential {
  return new Sequential([new Dense(inputDim, 1, { init: 'zeros' })], new LogisticLoss(), { backend: opts.backend, name: 'logistic regression' });
}

/** p = softmax(Wᵀx + b) with the cross-entropy; labels are class indices. */
export function softmaxRegression(inputDim: number, classes: number, opts: ModelOptions = {}): Sequential {
  assertInteger('classes', classes, { min: 2 });
  return new Sequential([new Dense(inputDim, classes, { init: 'zeros' })], new SoftmaxCrossEntropy(), { backend: opts.backend, name: 'softmax regression' });
}

export interface MlpOptions extends ModelOptions {
  activation?: Activation;
  loss?: LossKind;
  /** Batch norm (training mode by default) after every hidden dense layer, before the activation. */
  batchNorm?: boolean;
  init?: WeightInit;
}

/** sizes = [input, hidden..., output]. */
export function mlp(sizes: readonly number[], opts: MlpOptions = {}): Sequential {
  if (!Array.isArray(sizes) || sizes.length < 2) throw new ParameterError('sizes', sizes, '[input, hidden..., output] with at least 2 entries');
  sizes.forEach((s, i) => assertInteger(`sizes[${i}]`, s, { min: 1 }));
  const a = opts.activation ?? 'relu';
  const layers: Layer[] = [];
  for (let i = 0; i + 1 < sizes.length; i++) {
    const hidden = i + 2 < sizes.length;
    layers.push(new Dense(sizes[i], sizes[i + 1], { init: opts.init ?? (a === 'relu' && hidden ? 'he' : 'lecun') }));
    if (hidden) {
      if (opts.batchNorm) layers.push(new BatchNorm([sizes[i + 1]]));
      layers.push(act(a, [sizes[i + 1]]));
    }
  }
  const loss = opts.loss ?? 'softmax-cross-entropy';
  return new Sequential(layers, lossOf(loss), { backend: opts.backend, name: `MLP ${sizes.join('-')}${opts.batchNorm ? ' + BN' : ''}` });
}

export interface CnnOptions extends ModelOptions {
  /** Channels of each convolution (default [8]). */
  channels?: number[];
  /** Kernel size per spatial dimension (default 3). */
  kernel?: number;
  activation?: Activation;
  batchNorm?: boolean;
  loss?: LossKind;
}

/** Convolutions ('same' padding) → activation → global average pooling → dense head. */
export function cnn(inputShape: Shape, outputs: number, opts: CnnOptions = {}): Sequential {
  const rank = inputShape.length - 1;
  if (rank !== 1 && rank !== 2) throw new ParameterError('inputShape', inputShape, '[length, channels] or [height, width, channels]');
  assertInteger('outputs', outputs, { min: 1 });
  const channels = opts.channels ?? [8];
  const k = opts.kernel ?? 3;
  const a = opts.activation ?? 'relu';
  const layers: Layer[] = [];
  let shape: Shape = inputShape;
  for (const c of channels) {
    const conv = new Conv(shape, c, new Array(rank).fill(k), { padding: 'same', init: a === 'relu' ? 'he' : 'lecun' });
    layers.push(conv);
    shape = conv.outShape;
    if (opts.batchNorm) layers.push(new BatchNorm(shape));
    layers.push(act(a, shape));
  }
  const gap = new GlobalAvgPool(shape);
  layers.push(gap, new Dense(gap.channels, outputs));
  return new Sequential(layers, lossOf(opts.loss ?? 'softmax-cross-entropy'), { backend: opts.backend, name: `CNN ${channels.join('-')} + GAP` });
}

export const modelNames = ['linear-regression', 'logistic-regression', 'softmax-regression', 'mlp', 'cnn'] as const;
export type ModelName = (typeof modelNames)[number];

export interface ModelForOptions extends ModelOptions {
  hidden?: number[];
  activation?: Activation;
  batchNorm?: boolean;
  channels?: number[];
}

/** The named model, shaped for the dataset; refuses combinations that do not fit. */
export function modelFor(name: ModelName, d: Dataset, opts: ModelForOptions = {}): Sequential {
  assertOneOf('model', name, modelNames);
  const flat = d.inputShape.reduce((p, v) => p * v, 1);
  const outputs = d.task === 'classification' ? (d.classes as number) : d.task === 'binary' ? 1 : d.targetSize;
  const loss: LossKind = d.task === 'classification' ? 'softmax-cross-entropy' : d.task === 'binary' ? 'logistic' : 'squared';
  const mismatch = (need: string) => new ParameterError('model', name, `a model for ${need}; dataset '${d.name}' is a ${d.task} task with input shape [${d.inputShape.join(', ')}]`);
  switch (name) {
    case 'linear-regression':
      if (d.task !== 'regression') throw mismatch('regression targets');
      return wrapFlat(d, linearRegression(flat, d.targetSize, opts));
    case 'logistic-regression':
      if (d.task !== 'binary') throw mismatch('0/1 labels');
      return wrapFlat(d, logisticRegression(flat, opts));
    case 'softmax-regression':
      if (d.task !== 'classification') throw mismatch('class labels');
      return wrapFlat(d, softmaxRegression(flat, d.classes as number, opts));
    case 'mlp':
      return wrapFlat(d, mlp([flat, ...(opts.hidden ?? [16]), outputs], { activation: opts.activation, batchNorm: opts.batchNorm, loss, backend: opts.backend }));
    case 'cnn':
      if (d.inputShape.length < 2) throw mismatch('inputs with spatial positions ([length, channels] or [height, width, channels])');
      return cnn(d.inputShape, outputs, { channels: opts.channels, activation: opts.activation, batchNorm: opts.batchNorm, loss, backend: opts.backend });
  }
}

/** Models on 1-D features see multi-dimensional inputs through a Flatten layer. */
function wrapFlat(d: Dataset, m: Sequential): Sequential {
  if (d.inputShape.length === 1) return m;
  return new Sequential([new Flatten(d.inputShape), ...m.layers], m.loss, { backend: m.backend, name: m.name });
}
