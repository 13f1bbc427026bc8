// sgd.anisotropy, sgd.noise-shape and sgd.temperature on the user's own problem: the example training
// set and TF.js models of examples/sgd (golden bytes, 1 and 2 workers, abort; tools/testing/pipeline.ts).
// Their golden files live in test/own/golden/, beside the own-problem runs of batch-variance and noise-scale.
import { pipelineSuite } from '../../../tools/testing/pipeline.js';
import { anisotropyExperiment } from '../src/experiments/anisotropy.js';
import { noiseShapeExperiment } from '../src/experiments/noise-shape.js';
import { temperatureExperiment } from '../src/experiments/temperature.js';
// the temperature law needs a minimum: the linear example (regression, linear) has one
import { data, linear, network, regression } from './own-examples.js';

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
