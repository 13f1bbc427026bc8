// The branches the default parameters leave out (shots with SPSA, a random grouped state, the
// width sweep), at reduced sizes: golden bytes, 1 and 2 workers, abort.
import { pipelineSuite } from '../../../../tools/testing/pipeline.js';
import { energyExperiment, gradientVarianceExperiment, shotNoiseExperiment } from '../../src/experiments/index.js';

pipelineSuite({
  testFile: import.meta.url,
  experiments: [energyExperiment, shotNoiseExperiment, gradientVarianceExperiment],
  reduced: {
    'vqe.energy': { molecule: 'h2-4q', optimiser: 'spsa', shots: 200, steps: 40, replicas: 3 },
    'vqe.shot-noise': { molecule: 'h2-4q', state: 'random', grouping: 'qwc', allocation: 'weighted', shots: [32, 128], estimates: 200 },
    'vqe.gradient-variance': { sweep: 'width', widths: [2, 3, 4], thetaPoints: 1, estimates: 50, shiftEstimates: 20 },
  },
});
