// The experiments that measure a model, on the user's own problem: the example training set and
// TF.js model of examples/sgd (golden bytes, 1 and 2 workers, abort; tools/testing/pipeline.ts).
// Their golden files live in test/own/golden/, apart from the built-in runs of the same experiments.
import path from 'node:path';
import { pipelineSuite } from '../../../tools/testing/pipeline.js';
import { batchVarianceExperiment } from '../src/experiments/batch-variance.js';
import { noiseScaleExperiment } from '../src/experiments/noise-scale.js';
import { readDataFile } from '../src/io/data-file.js';
import { readTfjsModel } from '../src/io/tfjs-model.js';

const examples = path.resolve(__dirname, '../../../examples/sgd');
const data = readDataFile(path.join(examples, 'data.csv')).data;
const network = readTfjsModel(path.join(examples, 'model.json')).network;
// noise-scale's steps-to-target law is for a convex loss: the linear example, x1 from x2 and x3; x1 is
// predicted poorly (L₀ − L_min is small against the SGD noise floor), so the target is half way
const regression = readDataFile(path.join(examples, 'data.csv'), { label: 'x1', features: ['x2', 'x3'] }).data;
const linear = readTfjsModel(path.join(examples, 'linear', 'model.json')).network;

pipelineSuite({
  // golden files in test/own/golden/ (the suite keeps them beside the file it is given)
  testFile: new URL('./own/pipeline-own.test.ts', import.meta.url).href,
  experiments: [batchVarianceExperiment, noiseScaleExperiment],
  reduced: {
    'sgd.batch-variance': { data, network, batchSizes: [1, 4, 16], estimates: 40 },
    'sgd.noise-scale': { data: regression, network: linear, bSmall: 2, bBig: 16, estimates: 10, batchSizes: [1, 2, 4, 16], learningRates: 3, replicas: 2, maxSteps: 400, targetFraction: 0.5 },
  },
});
