// The experiments that take --hamiltonian, run on the committed example files at reduced sizes:
// golden bytes, 1 and 2 workers, abort, and verdicts that can fail.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { pipelineSuite } from '../../../../../tools/testing/pipeline.js';
import { energyExperiment, optimizeExperiment, shotNoiseExperiment } from '../../../src/experiments/index.js';
import { parseHamiltonian } from '../../../src/hamiltonian-file.js';

const examples = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../../../examples/vqe');
const read = (f: string) => parseHamiltonian(fs.readFileSync(path.join(examples, f), 'utf8'), f).data;

pipelineSuite({
  testFile: import.meta.url,
  experiments: [energyExperiment, shotNoiseExperiment, optimizeExperiment],
  reduced: {
    'vqe.energy': { hamiltonian: read('lih-4q.sparsepauliop.json'), steps: 200 },
    'vqe.shot-noise': { hamiltonian: read('ising-6q.json'), state: 'ground', grouping: 'qwc', shots: [16, 64, 256], estimates: 300 },
    'vqe.optimize': { hamiltonian: read('h2-4q.qiskit.json'), replicas: 2, totalShots: 10_000, shotsPerEvaluation: 50 },
  },
});
