// Every langevin experiment at reduced sizes: golden bytes, 1 and 2 workers, abort (tools/testing/pipeline.ts).
import { pipelineSuite } from '../../../tools/testing/pipeline.js';
import { experiments } from '../src/experiments/index.js';

pipelineSuite({
  testFile: import.meta.url,
  experiments,
  reduced: {
    'langevin.ou': { replicas: 1000, dt: 0.01 },
    'langevin.convergence-order': { replicas: 400, batches: 4, finestLevel: 6, levels: 4 },
    'langevin.boltzmann': { replicas: 40_000, time: 2 },
    'langevin.kramers': { replicas: 8292, D: 0.5 },
    'langevin.saddle-escape': { replicas: 4200, sweepReplicas: 100 },
    'langevin.baoab': { replicas: 2000, time: 10 },
    'langevin.replica-average': { estimates: 100, replicas: [1, 4, 16], time: 1 },
  },
});
