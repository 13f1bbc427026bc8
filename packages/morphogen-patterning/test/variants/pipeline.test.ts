// Second parameter sets for the code paths the first suite does not reach (nonlinear decay, an
// approximate RDME simulator, molecular noise, too few usable sweep points, missing boundaries).
import { pipelineSuite } from '../../../../tools/testing/pipeline.js';
import { embryoVariabilityExperiment, gradientExperiment, positionalErrorExperiment, rdmeStationaryExperiment, steepnessExperiment } from '../../src/experiments/index.js';

pipelineSuite({
  testFile: import.meta.url,
  experiments: [gradientExperiment, rdmeStationaryExperiment, positionalErrorExperiment, steepnessExperiment, embryoVariabilityExperiment],
  reduced: {
    'morphogen.gradient': { decayOrder: 2, k: 1e-4, thresholdFraction: 2 },
    'morphogen.rdme-stationary': { D: 1, k: 0.2, h: 1, p: 2000, sourceLength: 2, patterningLength: 6, method: 'cle', replicas: 4, duration: 10, snapshots: 50 },
    'morphogen.positional-error': { noise: 'molecular', replicas: 200, readoutPositions: [12.25, 41.65] },
    'morphogen.steepness': { replicas: 100, amplitude: 20, amplitudes: [5, 10], decayLengths: [6, 10, 20], minCount: 50 },
    'morphogen.embryo-variability': { embryos: 200, cvP: 2, cvK: 0.5, quadraturePoints: 5, readoutPositions: [12.25, 200, 240] },
  },
});
