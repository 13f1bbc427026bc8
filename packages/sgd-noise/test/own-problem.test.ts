/**
 * Own problems: a user's TF.js layers model and training set.
 * - Models written in the TF.js file format (model.json + weights.bin) load through `readTfjsModel`,
 *   and every example's gradient matches TensorFlow.js autodiff (tf.grad on that one example, CPU
 *   backend, float32) of the same Keras topology rebuilt from tf ops — with the output softmax and
 *   sigmoid inside the tf loss, so folding them into our cross-entropy is checked too.
 * - Refusals: an unsupported layer is named with the supported list; malformed CSV/JSON name the
 *   line, column and what was expected; a model that does not fit the data is refused before any task.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import { InputFileError, ParameterError, runExperiment, Stream } from '@snrlab/core';
import {
  batchVarianceExperiment,
  buildNetwork,
  datasetFromInput,
  dataInput,
  gradientNoise,
  modelInput,
  noiseScaleExperiment,
  parseDataArg,
  parseDataCSV,
  parseDataJSON,
  readDataFile,
  readTfjsModel,
  type Batch,
} from '../src/index.js';
import { saveTfjsModel, tfjsModelJson, type KerasLayer } from './tfjs-format.js';
import { maxAbs } from './helpers.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
  await tf.ready();
});

const examples = path.resolve(__dirname, '../../../examples/sgd');

/** Keras layer configs as tfjs-layers serialises them, with float32-exact random weights. */
class KerasBuilder {
  layers: KerasLayer[] = [];
  private k = 0;
  private readonly input: number[];
  constructor(
    private shape: number[],
    private stream: Stream,
  ) {
    this.input = [...shape];
  }
  private w(shape: number[], sd: number, shift = 0): number[] {
    const n = shape.reduce((a, b) => a * b, 1);
    return Array.from({ length: n }, () => Math.fround(shift + sd * this.stream.normal()));
  }
  private name(cls: string) {
    return `${cls.toLowerCase()}_${cls}${++this.k}`;
  }
  private push(class_name: string, config: Record<string, unknown>, weights?: KerasLayer['weights']) {
    const first = this.layers.length === 0 ? { batch_input_shape: [null, ...this.input], dtype: 'float32' } : {};
    this.layers.push({ class_name, config: { ...config, name: this.name(class_name), trainable: true, ...first }, weights });
    return this;
  }
  dense(units: number, activation = 'linear') {
    const cin = this.shape[this.shape.length - 1];
    const sd = 1 / Math.sqrt(cin);
    this.shape = [...this.shape.slice(0, -1), units];
    return this.push('Dense', { units, activation, use_bias: true }, [
      { short: 'kernel', shape: [cin, units], values: this.w([cin, units], sd) },
      { short: 'bias', shape: [units], values: this.w([units], 0.1) },
    ]);
  }
  conv(rank: 1 | 2, filters: number, kernel: number[], strides: number[], padding: 'valid' | 'same', activation = 'linear') {
    const cin = this.shape[rank];
    const spatial = this.shape.slice(0, rank).map((n, d) => (padding === 'same' ? Math.ceil(n / strides[d]) : Math.floor((n - kernel[d]) / strides[d]) + 1));
    const sd = 1 / Math.sqrt(cin * kernel.reduce((a, b) => a * b, 1));
    this.shape = [...spatial, filters];
    return this.push(`Conv${rank}D`, { filters, kernel_size: kernel, strides, padding, data_format: 'channels_last', dilation_rate: rank === 1 ? 1 : [1, 1], activation, use_bias: true }, [
      { short: 'kernel', shape: [...kernel, cin, filters], values: this.w([...kernel, cin, filters], sd) },
      { short: 'bias', shape: [filters], values: this.w([filters], 0.1) },
    ]);
  }
  pool(op: 'Max' | 'Average', rank: 1 | 2, size: number[], strides: number[], padding: 'valid' | 'same') {
    const spatial = this.shape.slice(0, rank).map((n, d) => (padding === 'same' ? Math.ceil(n / strides[d]) : Math.floor((n - size[d]) / strides[d]) + 1));
    this.shape = [...spatial, this.shape[rank]];
    return this.push(`${op}Pooling${rank}D`, { pool_size: rank === 1 ? size[0] : size, strides: rank === 1 ? strides[0] : strides, padding, data_format: 'channels_last' });
  }
  global(op: 'Max' | 'Average') {
    const rank = this.shape.length - 1;
    this.shape = [this.shape[rank]];
    return this.push(`Global${op}Pooling${rank}D`, { data_format: 'channels_last' });
  }
  batchNorm() {
    const C = this.shape[this.shape.length - 1];
    return this.push('BatchNormalization', { axis: -1, momentum: 0.99, epsilon: 0.001, center: true, scale: true }, [
      { short: 'gamma', shape: [C], values: this.w([C], 0.2, 1) },
      { short: 'beta', shape: [C], values: this.w([C], 0.2) },
      { short: 'moving_mean', shape: [C], values: this.w([C], 0.3) },
      { short: 'moving_variance', shape: [C], values: this.w([C], 0.1, 1).map(Math.abs) },
    ]);
  }
  flatten() {
    this.shape = [this.shape.reduce((a, b) => a * b, 1)];
    return this.push('Flatten', {});
  }
  dropout(rate = 0.3) {
    return this.push('Dropout', { rate, noise_shape: null, seed: null });
  }
  activation(a: string) {
    return this.push('Activation', { activation: a });
  }
  leaky(alpha: number) {
    return this.push('LeakyReLU', { alpha });
  }
}

type Out = 'softmax' | 'sigmoid' | 'linear';

/**
 * Average pooling as TensorFlow defines it (the mean over the window's positions inside the input),
 * written as a window sum (a depthwise convolution with ones) over the count of positions. tf.avgPool
 * computes this forward, but its CPU gradient (tfjs-backend-cpu 4.22, avgPoolGrad) divides by the
 * full window size at padded edges, so it is not the derivative of its own forward for 'same'
 * padding: d/dx of sum_i w_i·avgPool(x)_i with x = [0.3, −1.2, 0.8, 2, −0.5], pool 2, stride 1, 'same'
 * gives 4.5 for the last input where the forward's derivative is 4/2 + 5/1 = 7.
 */
function avgPool(x: tf.Tensor4D, size: [number, number], strides: [number, number], padding: 'valid' | 'same'): tf.Tensor4D {
  const C = x.shape[3];
  const ones = tf.ones([size[0], size[1], C, 1]) as tf.Tensor4D;
  const sum = tf.depthwiseConv2d(x, ones, strides, padding);
  const count = tf.depthwiseConv2d(tf.onesLike(x), ones, strides, padding);
  return tf.div(sum, count) as tf.Tensor4D;
}

/** The Keras forward pass in tf ops on a flat parameter tensor (trainable weights in layer order), and the loss as Keras computes it. */
function tfExampleLoss(layers: KerasLayer[], inputShape: number[], x: Float64Array, y: number[], out: Out): (p: tf.Tensor) => tf.Scalar {
  return (p) => {
    let h: tf.Tensor = tf.tensor(Float32Array.from(x), [1, ...inputShape]);
    let off = 0;
    const act = (t: tf.Tensor, a: string): tf.Tensor => {
      switch (a) {
        case 'linear':
        case 'softmax':
        case undefined:
          return t; // the output softmax is applied with the loss below
        case 'relu':
          return tf.relu(t);
        case 'relu6':
          return tf.relu6(t);
        case 'elu':
          return tf.elu(t);
        case 'selu':
          return tf.selu(t);
        case 'sigmoid':
          return tf.sigmoid(t);
        case 'tanh':
          return tf.tanh(t);
        case 'softplus':
          return tf.softplus(t);
        case 'softsign':
          return tf.div(t, tf.add(1, tf.abs(t)));
        case 'swish':
          return tf.mul(t, tf.sigmoid(t));
        default:
          throw new Error(`no tf activation ${a}`);
      }
    };
    for (const l of layers) {
      const c = l.config;
      const wt: Record<string, tf.Tensor> = {};
      for (const w of l.weights ?? []) {
        const n = w.shape.reduce((a, b) => a * b, 1);
        if (w.short.startsWith('moving')) wt[w.short] = tf.tensor(Float32Array.from(w.values), w.shape);
        else {
          wt[w.short] = tf.reshape(tf.slice(p, [off], [n]), w.shape);
          off += n;
        }
      }
      const last = l === layers[layers.length - 1];
      switch (l.class_name) {
        case 'Dense':
          // Keras applies Dense to the last axis of a sequence or an image
          h = tf.reshape(tf.matMul(tf.reshape(h, [-1, wt.kernel.shape[0] as number]) as tf.Tensor2D, wt.kernel as tf.Tensor2D), [...h.shape.slice(0, -1), wt.kernel.shape[1] as number]);
          h = act(tf.add(h, wt.bias), last ? 'linear' : String(c.activation));
          break;
        case 'Conv1D':
          h = act(tf.add(tf.conv1d(h as tf.Tensor3D, wt.kernel as tf.Tensor3D, (c.strides as number[])[0], c.padding as 'valid'), wt.bias), String(c.activation));
          break;
        case 'Conv2D':
          h = act(tf.add(tf.conv2d(h as tf.Tensor4D, wt.kernel as tf.Tensor4D, c.strides as [number, number], c.padding as 'valid'), wt.bias), String(c.activation));
          break;
        case 'MaxPooling1D':
        case 'AveragePooling1D': {
          const x4 = tf.expandDims(h, 2) as tf.Tensor4D;
          const f = l.class_name.startsWith('Max') ? tf.maxPool : avgPool;
          h = tf.squeeze(f(x4, [c.pool_size as number, 1], [c.strides as number, 1], c.padding as 'valid'), [2]);
          break;
        }
        case 'MaxPooling2D':
        case 'AveragePooling2D': {
          const f = l.class_name.startsWith('Max') ? tf.maxPool : avgPool;
          h = f(h as tf.Tensor4D, c.pool_size as [number, number], c.strides as [number, number], c.padding as 'valid');
          break;
        }
        case 'GlobalAveragePooling1D':
        case 'GlobalAveragePooling2D':
          h = tf.mean(h, Array.from({ length: h.rank - 2 }, (_, k) => k + 1));
          break;
        case 'GlobalMaxPooling1D':
        case 'GlobalMaxPooling2D':
          h = tf.max(h, Array.from({ length: h.rank - 2 }, (_, k) => k + 1));
          break;
        case 'BatchNormalization':
          h = tf.add(tf.mul(tf.div(tf.sub(h, wt.moving_mean), tf.sqrt(tf.add(wt.moving_variance, c.epsilon as number))), wt.gamma), wt.beta);
          break;
        case 'Flatten':
          h = tf.reshape(h, [1, -1]);
          break;
        case 'Dropout':
          break;
        case 'Activation':
          h = act(h, String(c.activation));
          break;
        case 'LeakyReLU':
          h = tf.leakyRelu(h, c.alpha as number);
          break;
        default:
          throw new Error(`no tf version of ${l.class_name}`);
      }
    }
    const z = tf.reshape(h, [1, -1]);
    if (out === 'softmax') {
      // Keras: categorical cross-entropy of the softmax probabilities
      const prob = tf.softmax(z);
      return tf.neg(tf.log(tf.reshape(tf.slice(tf.reshape(prob, [-1]), [y[0]], [1]), []))) as tf.Scalar;
    }
    if (out === 'sigmoid') {
      const q = tf.sigmoid(tf.reshape(z, []));
      return tf.neg(tf.add(tf.mul(y[0], tf.log(q)), tf.mul(1 - y[0], tf.log(tf.sub(1, q))))) as tf.Scalar;
    }
    return tf.mul(0.5, tf.sum(tf.square(tf.sub(tf.reshape(z, [-1]), tf.tensor1d(y))))) as tf.Scalar;
  };
}

interface Case {
  name: string;
  build: (s: Stream) => KerasBuilder;
  inputShape: number[];
  out: Out;
  task: 'classification' | 'binary' | 'regression';
  outputs: number;
}

const cases: Case[] = [
  {
    name: 'MLP: Dense elu → BatchNormalization → Dense swish → Dropout → Dense selu → LeakyReLU → Dense softmax',
    inputShape: [5],
    build: (s) => new KerasBuilder([5], s).dense(6, 'elu').batchNorm().dense(6, 'swish').dropout().dense(4, 'selu').leaky(0.2).dense(3, 'softmax'),
    out: 'softmax',
    task: 'classification',
    outputs: 3,
  },
  {
    name: 'CNN 1-D: Conv1D stride 2 same relu6 → MaxPooling1D same → Conv1D valid softplus → AveragePooling1D same stride 1 → GlobalMaxPooling1D → Dense sigmoid',
    inputShape: [12, 2],
    build: (s) => new KerasBuilder([12, 2], s).conv(1, 3, [3], [2], 'same', 'relu6').pool('Max', 1, [2], [2], 'same').conv(1, 4, [2], [1], 'valid', 'softplus').pool('Average', 1, [2], [1], 'same').global('Max').dense(1, 'sigmoid'),
    out: 'sigmoid',
    task: 'binary',
    outputs: 1,
  },
  {
    name: 'CNN 2-D: Conv2D 3×3 stride 2 same softsign → BatchNormalization → MaxPooling2D same → Conv2D stride (1, 2) valid sigmoid → AveragePooling2D → Flatten → Dense (regression, 2 outputs)',
    inputShape: [7, 6, 1],
    build: (s) =>
      new KerasBuilder([7, 6, 1], s)
        .conv(2, 3, [3, 3], [2, 2], 'same', 'softsign')
        .batchNorm()
        .pool('Max', 2, [2, 2], [1, 1], 'same')
        .conv(2, 2, [2, 2], [1, 2], 'valid', 'sigmoid')
        .pool('Average', 2, [2, 1], [2, 1], 'same')
        .flatten()
        .dense(2),
    out: 'linear',
    task: 'regression',
    outputs: 2,
  },
  {
    name: 'CNN 2-D: Conv2D 4×4 stride 3 same (even kernel) tanh → Dense on positions relu → GlobalAveragePooling2D → Activation softmax',
    inputShape: [8, 8, 2],
    build: (s) => new KerasBuilder([8, 8, 2], s).conv(2, 3, [4, 4], [3, 3], 'same', 'tanh').dense(4, 'relu').global('Average').dense(3).activation('softmax'),
    out: 'softmax',
    task: 'classification',
    outputs: 3,
  },
];

function randomBatch(s: Stream, inputShape: number[], n: number, task: Case['task'], outputs: number): Batch {
  const size = inputShape.reduce((a, b) => a * b, 1);
  const x = Float64Array.from({ length: n * size }, () => Math.fround(s.normal()));
  const t = task === 'regression' ? outputs : 1;
  const y = Float64Array.from({ length: n * t }, (_, i) => (task === 'regression' ? Math.fround(s.normal()) : task === 'binary' ? i % 2 : i % outputs));
  return { x, y, n };
}

describe('a TF.js layers model, saved and loaded: per-example gradients against tf.grad on single examples', () => {
  for (const c of cases) {
    it(c.name, () => {
      const s = Stream.fromSeed(77).child(c.name);
      const k = c.build(s.child('weights'));
      const file = saveTfjsModel(k.layers);
      const { network } = readTfjsModel(file);
      const n = 6;
      const batch = randomBatch(s.child('data'), c.inputShape, n, c.task, c.outputs);
      const data = { name: 'probe', task: c.task, targetSize: c.task === 'regression' ? c.outputs : 1, inputShape: c.inputShape, n, y: batch.y, ...(c.task === 'classification' ? { classes: c.outputs } : {}) };
      const { model, theta } = buildNetwork(network, data);
      // θ is the saved weights, exactly (float32 values)
      const flat = k.layers.flatMap((l) => (l.weights ?? []).filter((w) => !w.short.startsWith('moving')).flatMap((w) => w.values));
      expect(Array.from(theta)).toEqual(flat);
      const ours = model.perExample(theta, batch);
      const P = model.paramCount;
      const p = tf.tensor1d(Float32Array.from(theta));
      const size = model.inputSize;
      const t = data.targetSize;
      for (let i = 0; i < n; i++) {
        const f = tfExampleLoss(k.layers, c.inputShape, batch.x.subarray(i * size, (i + 1) * size), Array.from(batch.y.subarray(i * t, (i + 1) * t)), c.out);
        const loss = f(p).dataSync()[0];
        const g = tf.grad(f)(p).dataSync();
        const row = (ours.gradients as Float64Array).subarray(i * P, (i + 1) * P);
        // float32 autodiff against float64: relative agreement to a few float32 ulps times the depth
        const tol = 5e-5 * Math.max(1, maxAbs(row));
        expect(Math.abs(loss - ours.losses[i])).toBeLessThan(5e-5 * Math.max(1, ours.losses[i]));
        for (let j = 0; j < P; j++) expect(Math.abs(g[j] - row[j]), `example ${i}, parameter ${j}`).toBeLessThan(tol);
      }
    });
  }

  it('the converter layout (model_config, InputLayer, group shards), a functional chain and float16/uint8 quantisation read to the same network', () => {
    const s = Stream.fromSeed(5);
    const k = new KerasBuilder([4], s).dense(5, 'tanh').dense(3, 'softmax');
    const input: KerasLayer = { class_name: 'InputLayer', config: { batch_input_shape: [null, 4], dtype: 'float32', sparse: false, name: 'input_1' } };
    const layers = [input, ...k.layers.map((l) => ({ ...l, config: Object.fromEntries(Object.entries(l.config).filter(([key]) => key !== 'batch_input_shape')) }))];
    const plain = readTfjsModel(saveTfjsModel(k.layers)).network;
    const converted = readTfjsModel(saveTfjsModel(layers, { converter: true })).network;
    const functional = readTfjsModel(saveTfjsModel(layers, { functional: true })).network;
    expect(converted.weights).toEqual(plain.weights);
    expect(converted.layers).toEqual(plain.layers);
    expect(converted.trainedLoss).toBe('categorical_crossentropy');
    expect(functional.weights).toEqual(plain.weights);
    // float16: each weight within half an ulp of float16 (2^-11 relative)
    const half = readTfjsModel(saveTfjsModel(k.layers, { converter: true, quantize: 'float16' })).network;
    half.weights.forEach((w, j) => expect(Math.abs(w - plain.weights[j])).toBeLessThanOrEqual(Math.abs(plain.weights[j]) * 2 ** -11 + 1e-12));
    // uint8: within half a quantisation step of each tensor's range
    const u8 = readTfjsModel(saveTfjsModel(k.layers, { quantize: 'uint8' })).network;
    expect(u8.weights.length).toBe(plain.weights.length);
    const kernel = k.layers[0].weights![0].values;
    const step = (Math.max(...kernel) - Math.min(...kernel)) / 255;
    kernel.forEach((v, j) => expect(Math.abs(u8.weights[j] - v)).toBeLessThanOrEqual(step / 2 + 1e-7));
  });
});

describe('refusals of a model', () => {
  const s = Stream.fromSeed(9);
  const base = () => new KerasBuilder([4], s).dense(5, 'relu').dense(3, 'softmax');
  const write = (mut: (json: any) => void, bin?: (b: Uint8Array) => Uint8Array) => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'snrlab-bad-'));
    const { json, bin: b } = tfjsModelJson(base().layers);
    mut(json);
    fs.writeFileSync(path.join(dir, 'model.json'), JSON.stringify(json));
    fs.writeFileSync(path.join(dir, 'weights.bin'), bin ? bin(b) : b);
    return path.join(dir, 'model.json');
  };
  const fails = (file: string): InputFileError => {
    try {
      readTfjsModel(file);
    } catch (e) {
      expect(e).toBeInstanceOf(InputFileError);
      return e as InputFileError;
    }
    throw new Error('no error');
  };

  it('an unsupported layer, by name, with the supported list', () => {
    const e = fails(write((j) => j.modelTopology.config.layers.splice(1, 0, { class_name: 'LSTM', config: { units: 4, name: 'lstm_LSTM1' } })));
    expect(e.message).toMatch(/layer 'lstm_LSTM1' \(LSTM\) is not supported; supported layers: InputLayer, Dense, Conv1D, Conv2D, MaxPooling1D/);
    expect(e.message).toContain('field modelTopology.config.layers[1].class_name');
  });
  it('an unsupported activation, softmax inside the network, dilation, channels_first', () => {
    expect(fails(write((j) => (j.modelTopology.config.layers[0].config.activation = 'gelu'))).message).toMatch(/activation 'gelu' is not supported; supported: linear, relu, tanh/);
    expect(fails(write((j) => (j.modelTopology.config.layers[0].config.activation = 'softmax'))).message).toMatch(/softmax only as the output activation/);
    const conv = new KerasBuilder([6, 2], s).conv(1, 2, [3], [1], 'valid').flatten().dense(2);
    conv.layers[0].config.dilation_rate = [2];
    const dir = saveTfjsModel(conv.layers);
    expect(() => readTfjsModel(dir)).toThrow(/dilation_rate \[2\] is not supported/);
    const cf = new KerasBuilder([6, 2], s).conv(1, 2, [3], [1], 'valid').flatten().dense(2);
    cf.layers[0].config.data_format = 'channels_first';
    expect(() => readTfjsModel(saveTfjsModel(cf.layers))).toThrow(/data_format 'channels_first'; expected channels_last/);
  });
  it('weights: a wrong shape, a truncated or missing .bin, a graph model', () => {
    expect(fails(write((j) => (j.weightsManifest[0].weights[0].shape = [5, 4]))).message).toMatch(/weight 'dense_Dense\d+\/kernel' has shape \[5, 4\]; layer 'dense_Dense\d+' \(Dense\) expects 'kernel' of shape \[4, 5\]/);
    expect(fails(write(() => {}, (b) => b.subarray(0, b.length - 4))).message).toMatch(/hold \d+ bytes, too few for weight 'dense_Dense\d+\/bias'/);
    expect(fails(write((j) => (j.weightsManifest[0].paths = ['./missing.bin']))).message).toMatch(/weight file '.\/missing.bin' .* cannot be read \(ENOENT\)/);
    expect(fails(write((j) => (j.format = 'graph-model'))).message).toMatch(/a TF.js graph model/);
  });
  it('a model that does not fit the training set is refused before any task, naming network', async () => {
    const file = write(() => {});
    const { value } = await modelInput.load(file);
    // iris has 4 features and 3 classes: fits; a regression set with 4 features does not take a softmax output
    await expect(runExperiment(batchVarianceExperiment, { network: value, dataset: 'linear-teacher', dim: 4, datasetSize: 50, batchSizes: [1, 2, 4], estimates: 40 })).rejects.toThrow(/invalid network: got "softmax output"/);
    await expect(runExperiment(batchVarianceExperiment, { network: value, dataset: 'gaussian-mixture', dim: 6, datasetSize: 50, batchSizes: [1, 2, 4], estimates: 40 })).rejects.toThrow(ParameterError);
  });
});

describe('a training set from CSV or JSON', () => {
  const csv = 'a,b,c,y\n1,2,3,cat\n4,5,6,dog\n\n7,8,9,cat\n';
  it('reads a header, the last column as the label, class names in sorted order', () => {
    const d = parseDataCSV(csv, 'x.csv');
    expect(d).toMatchObject({ task: 'classification', features: [[1, 2, 3], [4, 5, 6], [7, 8, 9]], labels: [0, 1, 0], classNames: ['cat', 'dog'], featureNames: ['a', 'b', 'c'] });
  });
  it('selects the label and features by name or index, the task, and reshapes', () => {
    expect(parseDataCSV(csv, 'x.csv', { label: 'a', features: ['c', 'b'] })).toMatchObject({ task: 'regression', labels: [1, 4, 7], features: [[3, 2], [6, 5], [9, 8]] });
    expect(parseDataCSV(csv, 'x.csv', { label: 2, features: [0, 1], task: 'classification' })).toMatchObject({ task: 'classification', labels: [3, 6, 9], classes: 10 });
    expect(parseDataCSV('p,q,r,s,t\n1,2,3,4,0\n5,6,7,8,1\n', 'x.csv', { inputShape: [2, 2] }).inputShape).toEqual([2, 2]);
    expect(parseDataArg('data.csv#label=y&features=a,b&task=binary&shape=2,1')).toEqual({ file: 'data.csv', options: { label: 'y', features: ['a', 'b'], task: 'binary', inputShape: [2, 1] } });
  });
  it('names the line, column and expected type of a malformed cell', () => {
    const bad = (text: string, o = {}) => {
      try {
        parseDataCSV(text, 'bad.csv', o);
      } catch (e) {
        expect(e).toBeInstanceOf(InputFileError);
        return (e as Error).message;
      }
      throw new Error('no error');
    };
    expect(bad('a,b,y\n1,2,0\n3,x2,1\n')).toBe("invalid input file bad.csv (line 3, column 2, field b): 'x2' is not a number; expected a number such as 0.5 or -1e3 (a feature column)");
    expect(bad('a,b,y\n1,2,0\n3,,1\n')).toBe('invalid input file bad.csv (line 3, column 2, field b): empty cell; expected a number (a feature column)');
    expect(bad('a,b,y\n1,2,0\n\n3,1\n')).toBe('invalid input file bad.csv (line 4): ragged row: 2 fields, expected 3 (as in line 1)');
    expect(bad('a,b,y\n1,2,0\n3,4,cat\n', { task: 'regression' })).toBe("invalid input file bad.csv (line 3, column 3, field y): label 'cat' is not a number; expected a number (a regression task)");
    expect(bad('a,b,y\n1,2,0\n3,4,2\n', { task: 'binary' })).toBe('invalid input file bad.csv (line 3, column 3, field y): label 2; expected 0 or 1 (a binary task)');
    expect(bad('a,b,y\n1,2,0\n', { label: 'z' })).toBe("invalid input file bad.csv (line 1, field label): no label column 'z'; the columns are 'a', 'b', 'y'");
    expect(bad('a,a,y\n1,2,0\n')).toBe("invalid input file bad.csv (line 1, column 2): column name 'a' appears twice in the header");
    expect(bad('')).toBe('invalid input file bad.csv: no data: the file is empty');
  });
  it('reads JSON: {features, labels} (vector labels for multi-output regression) and records, with named fields on error', () => {
    expect(parseDataJSON('{"features": [[1, 2], [3, 4]], "labels": [[0.5, 1], [1.5, 2]]}', 'd.json')).toMatchObject({ task: 'regression', labels: [[0.5, 1], [1.5, 2]] });
    expect(parseDataJSON('[{"u": 1, "v": 2, "k": "b"}, {"u": 3, "v": 4, "k": "a"}]', 'r.json')).toMatchObject({ task: 'classification', labels: [1, 0], features: [[1, 2], [3, 4]] });
    expect(() => parseDataJSON('[{"u": 1, "k": 0}, {"u": "x", "k": 1}]', 'r.json')).toThrow("invalid input file r.json (field [1].u): 'x' is not a number");
    expect(() => parseDataJSON('{"features": [[1, 2], [3]], "labels": [0, 1]}', 'd.json')).toThrow('invalid input file d.json (field features[1].length): got 1; expected 2, as in features[0] (ragged rows)');
    expect(() => parseDataJSON('{"features": [[1, 2]],\n "labels": [0,]}', 'd.json')).toThrow(/invalid input file d.json( \(line 2, column \d+\))?: not valid JSON/);
  });
  it('checks the plain parameter value when it comes from the library', () => {
    expect(() => datasetFromInput({ name: 'd', features: [[1], [2]], labels: [0], task: 'regression' })).toThrow('invalid data.labels.length: got 1; expected 2, one label per feature row');
    expect(() => datasetFromInput({ name: 'd', features: [[1], [2]], labels: [0, 3], task: 'classification', classes: 2 })).toThrow(/invalid data.y\[1\]: got 3; expected a class index in \[0, 1\]/);
  });
});

describe('the example files and the input options', () => {
  it('--data examples/sgd/data.csv and --model examples/sgd/model.json load; θ is the saved weights', async () => {
    const d = await dataInput.load(path.join(examples, 'data.csv'));
    const m = await modelInput.load(path.join(examples, 'model.json'));
    expect(d.format).toBe('csv (90 examples × 3 features, classification)');
    expect(m.format).toBe('tfjs-layers (3 layers, 59 parameters, TensorFlow.js tfjs-layers v4.22.0)');
    const withLabel = await dataInput.load(`${path.join(examples, 'data.csv')}#label=x1&features=x2,x3`);
    expect(withLabel.value).toMatchObject({ task: 'regression', featureNames: ['x2', 'x3'] });
    // batch-variance measures at the saved weights: its trΣ_pop is that of the per-example gradients there
    const r = await runExperiment(batchVarianceExperiment, { data: d.value, network: m.value, batchSizes: [1, 4, 16], estimates: 40 }, { seed: 3 });
    const data = datasetFromInput(readDataFile(path.join(examples, 'data.csv')).data);
    const { model, theta } = buildNetwork(readTfjsModel(path.join(examples, 'model.json')).network, data);
    expect(r.measurements.trSigmaPop).toBe(gradientNoise(model, theta, data).trSigmaPop);
    expect(r.measurements.population).toBe(90);
    expect(r.measurements.paramCount).toBe(59);
  });
  it('a user training set with a named model (no network) warms up as before', async () => {
    const d = (await dataInput.load(path.join(examples, 'data.csv'))).value;
    const r = await runExperiment(noiseScaleExperiment, { data: d, model: 'softmax-regression', bSmall: 2, bBig: 16, estimates: 10, batchSizes: [1, 2, 4, 16], learningRates: 3, replicas: 2, maxSteps: 400, targetFraction: 0.2 }, { seed: 3 });
    expect(r.measurements.n).toBe(90);
    await expect(runExperiment(noiseScaleExperiment, { data: d, model: 'linear-regression' })).rejects.toThrow(/invalid model: got "linear-regression"; expected a model for regression targets/);
  });
});
