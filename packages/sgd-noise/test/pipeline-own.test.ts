// The experiments that measure a model, on the user's own problem: the example training set and
// TF.js model of examples/sgd (golden bytes, 1 and 2 workers, abort; tools/testing/pipeline.ts).
// Their golden files live in test/own/golden/, apart from the built-in runs of the same experiments.
import { pipelineSuite } from '../../../tools/testing/pipeline.js';
import { batchVarianceExperiment } from '../src/experiments/batch-variance.js';
import { noiseScaleExperiment } from '../src/experiments/noise-scale.js';
// noise-scale's steps-to-target law is for a convex loss: the linear example (regression, linear); x1
// is predicted poorly (L₀ − L_min is small against the SGD noise floor), so the target is half way
import { data, linear, network, regression } from './own-examples.js';

pipelineSuite({
  // golden files in test/own/golden/ (the suite keeps them beside the file it is given)
  testFile: new URL('./own/pipeline-own.test.ts', import.meta.url).href,
  experiments: [batchVarianceExperiment, noiseScaleExperiment],
  reduced: {
    'sgd.batch-variance': { data, network, batchSizes: [1, 4, 16], estimates: 40 },
    'sgd.noise-scale': { data: regression, network: linear, bSmall: 2, bBig: 16, estimates: 10, batchSizes: [1, 2, 4, 16], learningRates: 3, replicas: 2, maxSteps: 400, targetFraction: 0.5 },
  },
});
