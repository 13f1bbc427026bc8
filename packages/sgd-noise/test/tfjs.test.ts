/**
 * The mean of the per-example gradients against the whole-batch gradient from TensorFlow.js
 * autodiff (tf.grad on the CPU backend, float32): the same networks rebuilt from tf ops.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import { Stream } from '@snrlab/core';
import {
  BatchNorm,
  bars2d,
  cnn,
  Conv,
  Dense,
  Flatten,
  gaussianMixture,
  GlobalAvgPool,
  linearTeacher,
  logisticRegression,
  mlp,
  ReLU,
  Sequential,
  signals1d,
  Tanh,
  type Batch,
} from '../src/index.js';
import { genericParams, maxAbs } from './helpers.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
  await tf.ready();
});

/** The model's mean loss as a function of a flat parameter tensor, in tf ops. */
function tfLoss(model: Sequential, batch: Batch): (p: tf.Tensor) => tf.Scalar {
  const n = batch.n;
  return (p) => {
    let h: tf.Tensor = tf.tensor(Float32Array.from(batch.x.subarray(0, n * model.inputSize)), [n, ...model.inputShape]);
    model.layers.forEach((l, i) => {
      const off = model.offsets[i];
      const take = (o: number, shape: number[]) => tf.reshape(tf.slice(p, [off + o], [shape.reduce((a, b) => a * b, 1)]), shape);
      if (l instanceof Dense) {
        h = tf.matMul(h as tf.Tensor2D, take(0, [l.inFeatures, l.outFeatures]) as tf.Tensor2D);
        if (l.bias) h = tf.add(h, take(l.weightSize, [l.outFeatures]));
      } else if (l instanceof Conv) {
        const k = l.kernel;
        if (k.length === 1) h = tf.conv1d(h as tf.Tensor3D, take(0, [k[0], l.inChannels, l.outChannels]) as tf.Tensor3D, 1, l.padding);
        else h = tf.conv2d(h as tf.Tensor4D, take(0, [k[0], k[1], l.inChannels, l.outChannels]) as tf.Tensor4D, 1, l.padding);
        if (l.bias) h = tf.add(h, take(l.weightSize, [l.outChannels]));
      } else if (l instanceof ReLU) h = tf.relu(h);
      else if (l instanceof Tanh) h = tf.tanh(h);
      else if (l instanceof Flatten) h = tf.reshape(h, [n, -1]);
      else if (l instanceof GlobalAvgPool) h = tf.mean(h, Array.from({ length: h.rank - 2 }, (_, k) => k + 1));
      else if (l instanceof BatchNorm) {
        const axes = Array.from({ length: h.rank - 1 }, (_, k) => k);
        const { mean, variance } = tf.moments(h, axes);
        const C = l.channels;
        h = tf.add(tf.mul(tf.div(tf.sub(h, mean), tf.sqrt(tf.add(variance, l.eps))), take(0, [C])), take(C, [C]));
      } else throw new Error(`no tf version of ${l.kind}`);
    });
    const z = h as tf.Tensor2D;
    const K = model.outputSize;
    if (model.loss.kind === 'squared') {
      const y = tf.tensor2d(Float32Array.from(batch.y.subarray(0, n * K)), [n, K]);
      return tf.div(tf.mul(0.5, tf.sum(tf.square(tf.sub(z, y)))), n) as tf.Scalar;
    }
    if (model.loss.kind === 'logistic') {
      const t = tf.tensor2d(Float32Array.from(batch.y.subarray(0, n)), [n, 1]);
      return tf.mean(tf.sub(tf.softplus(z), tf.mul(t, z))) as tf.Scalar;
    }
    const onehot = tf.oneHot(tf.tensor1d(Array.from(batch.y.subarray(0, n)), 'int32'), K);
    return tf.neg(tf.mean(tf.sum(tf.mul(onehot, tf.logSoftmax(z)), 1))) as tf.Scalar;
  };
}

const s = Stream.fromSeed(21);
const mixture = gaussianMixture({ n: 16, dim: 5, classes: 3, stream: s.child('gm') }).dataset;
const binary = gaussianMixture({ n: 16, dim: 5, classes: 2, binary: true, stream: s.child('bin') }).dataset;
const regression = linearTeacher({ n: 16, dim: 5, outputs: 2, stream: s.child('lin') }).dataset;
const sig = signals1d({ n: 12, length: 10, classes: 3, stream: s.child('sig') });
const img = bars2d({ n: 8, size: 6, stream: s.child('img') });

const cases: [string, Sequential, Batch][] = [
  ['logistic regression', logisticRegression(5), binary],
  ['MLP 5-8-3 relu, softmax CE', mlp([5, 8, 3]), mixture],
  ['MLP 5-8-6-2 tanh, squared loss', mlp([5, 8, 6, 2], { activation: 'tanh', loss: 'squared' }), regression],
  ['MLP with batch norm (training mode)', mlp([5, 8, 3], { batchNorm: true }), mixture],
  ['CNN 1-D (same) + GAP', cnn([10, 1], 3, { channels: [4, 3] }), sig],
  ['CNN 1-D (valid) + batch norm + GAP', new Sequential([new Conv([10, 1], 3, [3]), new BatchNorm([8, 3]), new Tanh([8, 3]), new GlobalAvgPool([8, 3]), new Dense(3, 3)], mlp([3, 3]).loss), sig],
  ['CNN 2-D (same) + GAP', cnn([6, 6, 1], 2, { channels: [3], activation: 'tanh' }), img],
  ['CNN 2-D (valid) + GAP', new Sequential([new Conv([6, 6, 1], 3, [3, 2]), new ReLU([4, 5, 3]), new GlobalAvgPool([4, 5, 3]), new Dense(3, 2)], mlp([3, 2]).loss), img],
  ['MLP on images (flatten)', new Sequential([new Flatten([6, 6, 1]), new Dense(36, 4), new Tanh([4]), new Dense(4, 2)], mlp([4, 2]).loss), img],
];

describe('mean of per-example gradients against tf.grad', () => {
  for (const [name, model, batch] of cases) {
    it(name, () => {
      const params = genericParams(model, 4);
      const ours = model.perExample(params, batch);
      const P = model.paramCount;
      const mean = new Float64Array(P);
      for (let i = 0; i < batch.n; i++) for (let j = 0; j < P; j++) mean[j] += (ours.gradients as Float64Array)[i * P + j] / batch.n;
      const f = tfLoss(model, batch);
      const p = tf.tensor1d(Float32Array.from(params));
      const loss = f(p).dataSync()[0];
      const g = tf.grad(f)(p).dataSync();
      // float32 autodiff: relative agreement to a few ulps of float32 times the depth
      const tol = 2e-5 * Math.max(1, maxAbs(mean));
      expect(Math.abs(loss - ours.loss)).toBeLessThan(2e-5 * Math.max(1, ours.loss));
      for (let j = 0; j < P; j++) expect(Math.abs(g[j] - mean[j])).toBeLessThan(tol);
    });
  }
});
