// Eight of the package's experiments at reduced sizes: golden bytes, 1 and 2 workers, abort (tools/testing/pipeline.ts).
import { pipelineSuite } from '../../../tools/testing/pipeline.js';
import { batchVarianceExperiment } from '../src/experiments/batch-variance.js';
import { precisionFloorExperiment } from '../src/experiments/precision-floor.js';
import { minimumLocationExperiment } from '../src/experiments/minimum-location.js';
import { anisotropyExperiment } from '../src/experiments/anisotropy.js';
import { gapAveragingExperiment } from '../src/experiments/gap-averaging.js';
import { temperatureExperiment } from '../src/experiments/temperature.js';
import { scalingRulesExperiment } from '../src/experiments/scaling-rules.js';
import { noiseScaleExperiment } from '../src/experiments/noise-scale.js';

pipelineSuite({
  testFile: import.meta.url,
  experiments: [batchVarianceExperiment, precisionFloorExperiment, minimumLocationExperiment, anisotropyExperiment, gapAveragingExperiment, temperatureExperiment, scalingRulesExperiment, noiseScaleExperiment],
  reduced: {
    'sgd.batch-variance': { batchSizes: [1, 4, 16], estimates: 40, warmupSteps: 5 },
    'sgd.precision-floor': { datasetSize: 40, dim: 3, directions: 5, distances: [1e-2, 1e-6, 1e-10] },
    'sgd.minimum-location': { datasetSize: 100, batchSizes: [16, 64], replicas: 100, gridPoints: 7 },
    'sgd.anisotropy': { datasetSize: 100, dim: 3, steps: 50 },
    'sgd.gap-averaging': { positions: [1, 4, 16], channels: 2, estimates: 100 },
    'sgd.temperature': { replicas: 100, doubleWellReplicas: 50, doubleWellTime: 1 },
    'sgd.scaling-rules': { baseLearningRate: 0.05, batchSizes: [1, 4, 16], replicas: 100 },
    'sgd.noise-scale': { datasetSize: 64, dim: 4, conditionNumber: 10, bBig: 16, estimates: 10, batchSizes: [1, 2, 4, 16], learningRates: 3, replicas: 2, maxSteps: 400 },
  },
});
