// The essay's claims of issue 16 at reduced sizes: golden bytes, 1 and 2 workers, abort (tools/testing/pipeline.ts).
import { pipelineSuite } from '../../../tools/testing/pipeline.js';
import { diffusionMatrixExperiment } from '../src/experiments/diffusion-matrix.js';
import { posteriorSamplingExperiment } from '../src/experiments/posterior-sampling.js';
import { escapeMinimaExperiment } from '../src/experiments/escape-minima.js';
import { noiseShapeExperiment } from '../src/experiments/noise-shape.js';
import { generalizationExperiment } from '../src/experiments/generalization.js';

pipelineSuite({
  testFile: import.meta.url,
  experiments: [diffusionMatrixExperiment, posteriorSamplingExperiment, escapeMinimaExperiment, noiseShapeExperiment, generalizationExperiment],
  reduced: {
    'sgd.diffusion-matrix': { replicas: 640, datasetSize: 64 },
    'sgd.posterior-sampling': { datasetSize: 200, batchSize: 4, conditionNumber: 100, etaFactors: [0.5, 1, 2], replicas: 200, bootstrap: 100 },
    'sgd.escape-minima': { batchSizes: [1, 2, 3], replicas: 20, departureRates: [0.05, 0.4], datasetSize: 64 },
    'sgd.noise-shape': { networks: ['mlp/gaussian-mixture', 'cnn/signals'], datasetSize: 64, warmupSteps: 20, batchSizes: [1, 8], usualBatch: 8, draws: 1000 },
    'sgd.generalization': { datasetSize: 32, testSize: 100, batchSizes: [2, 8], epochs: 3, replicas: 3, studentHidden: 8 },
  },
});
