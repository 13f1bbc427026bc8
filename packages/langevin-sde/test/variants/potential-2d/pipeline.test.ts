// The experiments that take a 2-D --potential, run on the committed example at reduced sizes:
// golden bytes, 1 and 2 workers, abort, and verdicts that can fail (tools/testing/pipeline.ts).
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { pipelineSuite } from '../../../../../tools/testing/pipeline.js';
import { boltzmannExperiment, replicaAverageExperiment } from '../../../src/experiments/index.js';

const example = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../../../examples/langevin/coupled-double-well-2d.txt');
const userPotential = { expression: fs.readFileSync(example, 'utf8').trim(), dim: 2 };

pipelineSuite({
  testFile: import.meta.url,
  experiments: [boltzmannExperiment, replicaAverageExperiment],
  reduced: {
    'langevin.boltzmann': { replicas: 8192, time: 1, dt: 0.0025, userPotential },
    'langevin.replica-average': { estimates: 100, replicas: [1, 4, 16], time: 1, userPotential },
  },
});
