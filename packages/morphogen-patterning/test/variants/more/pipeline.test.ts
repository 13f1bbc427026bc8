// Third parameter sets: 2-D explicit gradient with an absorbing end, the 'auto' RDME switch,
// combined noise with a time-averaged readout and sensing noise, a sweep too short for λ*.
import { pipelineSuite } from '../../../../../tools/testing/pipeline.js';
import { gradientExperiment, positionalErrorExperiment, rdmeStationaryExperiment, steepnessExperiment } from '../../../src/experiments/index.js';

pipelineSuite({
  testFile: import.meta.url,
  experiments: [gradientExperiment, rdmeStationaryExperiment, positionalErrorExperiment, steepnessExperiment],
  reduced: {
    'morphogen.gradient': { dimension: 2, width: 9.8, solver: 'explicit', farBoundary: 'absorbing', patterningLength: 98, domain: 'semi-infinite' },
    'morphogen.rdme-stationary': { D: 1, k: 0.2, h: 1, p: 200, sourceLength: 2, patterningLength: 6, method: 'auto', replicas: 4, duration: 5, snapshots: 20 },
    'morphogen.positional-error': { noise: 'both', readout: 'time-average', sensingNoise: true, replicas: 200, readoutPositions: [12.25, 61.25, 240] },
    'morphogen.steepness': { replicas: 200, amplitudes: [300, 1000], decayLengths: [4, 5, 20, 40] },
  },
});
