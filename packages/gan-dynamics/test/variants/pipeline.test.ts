// Second parameter sets for the code paths the first suite does not reach (a non-bilinear game in
// higher dimension, α-stable kicks, injected noise on top of mini-batch noise).
import { pipelineSuite } from '../../../../tools/testing/pipeline.js';
import { experiments } from '../../src/experiments/index.js';

pipelineSuite({
  testFile: import.meta.url,
  experiments,
  reduced: {
    'gan.bilinear': { nx: 2, ny: 3, A: [1, 0.5, 0, -0.2, 1, 0.3], P: [0.1, 0, 0, 0.1], learningRateX: 0.05, learningRateY: 0.15, steps: 50, particles: 30, methods: ['simultaneous', 'alternating', 'proximal', 'negative-momentum'] },
    'gan.noise-drift': { noise: 'alpha-stable', alpha: 1.2, steps: 80, particles: 160, sigmas: [0.05, 0.1], convergentMethods: ['extragradient', 'optimistic'] },
    'gan.dirac': { methods: ['alternating', 'extragradient'], regularizations: ['none', 'r1'], noise: 'alpha-stable', alpha: 1.5, steps: 200, particles: 20 },
    'gan.mixture': { methods: ['optimistic', 'negative-momentum'], steps: 60, replicas: 2, batchSizes: [2, 8, 32], hidden: 3, noise: 'gaussian', sigma: 0.1, evalSamples: 100, noiseReplicates: 40 },
  },
});
