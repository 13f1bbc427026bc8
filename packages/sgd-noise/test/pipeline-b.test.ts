// Seven sgd experiments at reduced sizes: golden bytes, 1 and 2 workers, abort (tools/testing/pipeline.ts).
import { pipelineSuite } from '../../../tools/testing/pipeline.js';
import { augmentationExperiment } from '../src/experiments/augmentation.js';
import { neighborSamplingExperiment } from '../src/experiments/neighbor-sampling.js';
import { heavyTailsExperiment } from '../src/experiments/heavy-tails.js';
import { standardizationExperiment } from '../src/experiments/standardization.js';
import { fineTuningExperiment } from '../src/experiments/fine-tuning.js';
import { batchnormExperiment } from '../src/experiments/batchnorm.js';
import { saddleEscapeExperiment } from '../src/experiments/saddle-escape.js';

pipelineSuite({
  testFile: import.meta.url,
  experiments: [augmentationExperiment, neighborSamplingExperiment, heavyTailsExperiment, standardizationExperiment, fineTuningExperiment, batchnormExperiment, saddleEscapeExperiment],
  reduced: {
    'sgd.augmentation': { datasetSize: 32, testSize: 64, noiseSds: [0.05, 0.2], copies: 2, warmupSteps: 10, trainAugmentations: ['noise', 'shift', 'mixup'], steps: 20, replicas: 2 },
    'sgd.neighbor-sampling': { nodes: 60, meanDegree: 6, ks: [1, 2, 4, 16], draws: 4, estimates: 40, batchSize: 8, warmupSteps: 10 },
    'sgd.heavy-tails': { examples: 1000, clipThresholds: [0.3, 1], replicas: 4, steps: 40 },
    'sgd.standardization': { datasetSize: 100, scaleRatios: [1, 1e3], replicas: 2, maxSteps: 60, jackknifeGroups: 4 },
    'sgd.fine-tuning': {
      relatednessSweep: [0.5, 0.95],
      pretrainSize: 64,
      datasetSize: 32,
      hidden: 4,
      pretrainSteps: 100,
      trajectorySteps: 8,
      batchSizes: [2, 4, 8],
      learningRates: 2,
      replicas: 2,
      maxSteps: 400,
    },
    'sgd.batchnorm': { datasetSize: 48, hidden: 6, warmupSteps: 5, batchSizes: [2, 4, 16], estimates: 40, scales: [0.5, 1, 2], scaleBatchSize: 8 },
    'sgd.saddle-escape': { batchSizes: [1, 8, 64], replicas: 10, maxTime: 10, langevinReplicas: 100, datasetSize: 64 },
  },
});
