// Every morphogen experiment at reduced sizes: golden bytes, 1 and 2 workers, abort (tools/testing/pipeline.ts).
import { pipelineSuite } from '../../../tools/testing/pipeline.js';
import { experiments } from '../src/experiments/index.js';

pipelineSuite({
  testFile: import.meta.url,
  experiments,
  reduced: {
    'morphogen.gradient': {},
    'morphogen.rdme-stationary': { D: 1, k: 0.2, h: 1, p: 20, sourceLength: 2, patterningLength: 6, replicas: 4, duration: 20, burnIn: 5, snapshots: 100 },
    'morphogen.positional-error': { replicas: 200, readoutPositions: [12.25, 41.65, 120.05] },
    'morphogen.steepness': { replicas: 200, amplitudes: [300, 1000, 3000], decayLengths: [6, 10, 16, 25, 45] },
    'morphogen.time-averaging': { replicas: 4, windowsPerReplica: 2, doublings: 3 },
    'morphogen.embryo-variability': { embryos: 400, quadraturePoints: 6 },
    'morphogen.measured-profile': { syntheticEmbryos: 12, bootstrap: 200 },
  },
});
