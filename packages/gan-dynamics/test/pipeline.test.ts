// Every gan experiment at reduced sizes: golden bytes, 1 and 2 workers, abort (tools/testing/pipeline.ts).
import { pipelineSuite } from '../../../tools/testing/pipeline.js';
import { experiments } from '../src/experiments/index.js';

pipelineSuite({
  testFile: import.meta.url,
  experiments,
  reduced: {
    'gan.bilinear': { steps: 60, particles: 40 },
    'gan.noise-drift': { steps: 100, particles: 100, sigmas: [0.2, 0.4, 0.3], convergentMethods: ['extragradient', 'optimistic', 'proximal', 'negative-momentum', 'simultaneous'] },
    'gan.dirac': { steps: 250, particles: 16 },
    'gan.mixture': { steps: 60, replicas: 2, batchSizes: [16, 4], hidden: 4, evalSamples: 100, noiseEstimates: 40 },
  },
});
