// sgd.anisotropy, sgd.noise-shape and sgd.temperature on the user's own problem: the example training
// set and TF.js models of examples/sgd (golden bytes, 1 and 2 workers, abort; tools/testing/pipeline.ts).
// Their golden files live in test/own/golden/, beside the own-problem runs of batch-variance and noise-scale.
import path from 'node:path';
import { pipelineSuite } from '../../../tools/testing/pipeline.js';
import { anisotropyExperiment } from '../src/experiments/anisotropy.js';
import { noiseShapeExperiment } from '../src/experiments/noise-shape.js';
import { temperatureExperiment } from '../src/experiments/temperature.js';
import { readDataFile } from '../src/io/data-file.js';
import { readTfjsModel } from '../src/io/tfjs-model.js';

const examples = path.resolve(__dirname, '../../../examples/sgd');
const data = readDataFile(path.join(examples, 'data.csv')).data;
const network = readTfjsModel(path.join(examples, 'model.json')).network;
// the temperature law needs a minimum: the linear example (x1 from x2 and x3, least squares) has one
const regression = readDataFile(path.join(examples, 'data.csv'), { label: 'x1', features: ['x2', 'x3'] }).data;
const linear = readTfjsModel(path.join(examples, 'linear', 'model.json')).network;

pipelineSuite({
  // golden files in test/own/golden/ (the suite keeps them beside the file it is given)
  testFile: new URL('./own/pipeline-own-noise.test.ts', import.meta.url).href,
  experiments: [anisotropyExperiment, noiseShapeExperiment, temperatureExperiment],
  reduced: {
    'sgd.anisotropy': { data, network, steps: 200 },
    'sgd.noise-shape': { data, network, batchSizes: [1, 8], usualBatch: 8, draws: 1000 },
    'sgd.temperature': { data: regression, network: linear, ownChains: 40 },
  },
});
