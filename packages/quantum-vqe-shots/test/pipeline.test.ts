// Every VQE experiment at reduced sizes: golden bytes, 1 and 2 workers, abort (tools/testing/pipeline.ts).
import { pipelineSuite } from '../../../tools/testing/pipeline.js';
import { experiments } from '../src/experiments/index.js';

pipelineSuite({
  testFile: import.meta.url,
  experiments,
  reduced: {
    'vqe.energy': { steps: 60 },
    'vqe.shot-noise': { shots: [16, 64, 256], estimates: 300 },
    'vqe.gradient-variance': { layers: [0, 1, 2], thetaPoints: 2, estimates: 60, shiftEstimates: 20 },
    'vqe.optimize': { problems: ['h2-4q', 'h2-2q', 'ghz'], replicas: 2, totalShots: 10_000, shotsPerEvaluation: 50 },
    'vqe.optimal-angle': { replicas: 100, gridPoints: 21 },
  },
});
