// Every core experiment at reduced sizes: golden bytes, 1 and 2 workers, abort (tools/testing/pipeline.ts).
import { pipelineSuite } from '../../../tools/testing/pipeline.js';
import { experiments } from '../src/experiments/index.js';

pipelineSuite({
  testFile: import.meta.url,
  experiments,
  reduced: {
    'core.estimator-scaling': { budgets: [1, 4, 16], estimates: 400 },
    'core.positional-error': { replicas: 200, gridPoints: 101 },
  },
});
