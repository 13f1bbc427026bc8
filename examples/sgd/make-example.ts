/**
 * Writes the example files of this folder: data.csv (90 examples, 3 features, 3 named classes)
 * and a TF.js layers model (model.json + weights.bin: Dense 3→8 relu, Dropout, Dense 8→3 softmax)
 * trained briefly on it; and linear/ (model.json + weights.bin: one Dense 2→1 unit, linear, a few SGD
 * steps into fitting x1 from x2 and x3: `--data data.csv#label=x1&features=x2,x3`). The model files have exactly the layout `model.save('file://…')` writes
 * from TF.js (tfjs-layers 4.x): snake_case layer configs, a weightsManifest with float32 weights in
 * layer order. Run: npx tsx examples/sgd/make-example.ts
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Stream } from '@snrlab/core';
import { datasetFromInput, parseDataCSV, buildNetwork, readTfjsModel, sgd, mlp, linearRegression } from '../../packages/sgd-noise/src/index.js';

const dir = path.dirname(fileURLToPath(import.meta.url));
const s = Stream.fromSeed(2024);
const names = ['blue', 'green', 'red'];
const centres = [
  [1, 0, 0.5],
  [-0.5, 0.9, -0.5],
  [-0.5, -0.9, 0],
];
const lines = ['x1,x2,x3,colour'];
for (let i = 0; i < 90; i++) {
  const k = i % 3;
  const x = centres[k].map((c) => (c + 0.7 * s.normal()).toFixed(3));
  lines.push(`${x.join(',')},${names[k]}`);
}
fs.writeFileSync(path.join(dir, 'data.csv'), lines.join('\n') + '\n');

const data = datasetFromInput(parseDataCSV(lines.join('\n'), 'data.csv'));
const model = mlp([3, 8, 3]);
const theta = Float32Array.from(sgd({ model, data, params: model.init(s.child('init')), batchSize: 16, steps: 300, learningRate: 0.1, stream: s.child('sgd') }).params);

const dense = (name: string, units: number, activation: string, extra: Record<string, unknown> = {}) => ({
  class_name: 'Dense',
  config: {
    units,
    activation,
    use_bias: true,
    kernel_initializer: { class_name: 'VarianceScaling', config: { scale: 1, mode: 'fan_avg', distribution: 'normal', seed: null } },
    bias_initializer: { class_name: 'Zeros', config: {} },
    kernel_regularizer: null,
    bias_regularizer: null,
    activity_regularizer: null,
    kernel_constraint: null,
    bias_constraint: null,
    name,
    trainable: true,
    ...extra,
  },
});
const json = {
  modelTopology: {
    class_name: 'Sequential',
    config: {
      name: 'sequential_1',
      layers: [
        dense('dense_Dense1', 8, 'relu', { batch_input_shape: [null, 3], dtype: 'float32' }),
        { class_name: 'Dropout', config: { rate: 0.2, noise_shape: null, seed: null, name: 'dropout_Dropout1', trainable: true } },
        dense('dense_Dense2', 3, 'softmax'),
      ],
    },
    keras_version: 'tfjs-layers 4.22.0',
    backend: 'tensor_flow.js',
  },
  format: 'layers-model',
  generatedBy: 'TensorFlow.js tfjs-layers v4.22.0',
  convertedBy: null,
  weightsManifest: [
    {
      paths: ['./weights.bin'],
      weights: [
        { name: 'dense_Dense1/kernel', shape: [3, 8], dtype: 'float32' },
        { name: 'dense_Dense1/bias', shape: [8], dtype: 'float32' },
        { name: 'dense_Dense2/kernel', shape: [8, 3], dtype: 'float32' },
        { name: 'dense_Dense2/bias', shape: [3], dtype: 'float32' },
      ],
    },
  ],
};
fs.writeFileSync(path.join(dir, 'model.json'), JSON.stringify(json));
fs.writeFileSync(path.join(dir, 'weights.bin'), new Uint8Array(theta.buffer));

// read back through the loader: the same model and weights
const back = readTfjsModel(path.join(dir, 'model.json'));
const built = buildNetwork(back.network, data);
console.log(back.format, 'loss at θ:', built.model.lossValue(built.theta, data).toFixed(4), 'P =', built.model.paramCount);

// linear/: a linear regression of x1 on x2, x3, a few SGD steps from zero
const reg = datasetFromInput(parseDataCSV(lines.join('\n'), 'data.csv', { label: 'x1', features: ['x2', 'x3'] }));
const lin = linearRegression(2);
const w = Float32Array.from(sgd({ model: lin, data: reg, params: lin.init(s.child('lin-init')), batchSize: 8, steps: 5, learningRate: 0.05, stream: s.child('lin-sgd') }).params);
const linJson = {
  ...json,
  modelTopology: { ...json.modelTopology, config: { name: 'sequential_2', layers: [dense('dense_Dense3', 1, 'linear', { batch_input_shape: [null, 2], dtype: 'float32' })] } },
  weightsManifest: [
    {
      paths: ['./weights.bin'],
      weights: [
        { name: 'dense_Dense3/kernel', shape: [2, 1], dtype: 'float32' },
        { name: 'dense_Dense3/bias', shape: [1], dtype: 'float32' },
      ],
    },
  ],
};
fs.mkdirSync(path.join(dir, 'linear'), { recursive: true });
fs.writeFileSync(path.join(dir, 'linear', 'model.json'), JSON.stringify(linJson));
fs.writeFileSync(path.join(dir, 'linear', 'weights.bin'), new Uint8Array(w.buffer));
const lb = readTfjsModel(path.join(dir, 'linear', 'model.json'));
const lbuilt = buildNetwork(lb.network, reg);
console.log(lb.format, 'loss at θ:', lbuilt.model.lossValue(lbuilt.theta, reg).toFixed(4), 'P =', lbuilt.model.paramCount);
