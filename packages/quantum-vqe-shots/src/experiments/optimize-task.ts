/** One optimisation run of vqe.optimize (a problem, a method, a seed), as an executor task. */
import { ParameterError, defineExperimentTask, type Stream } from '@snrlab/core';
import { hardwareEfficient } from '../ansatz.js';
import type { Circuit } from '../circuit.js';
import { groundEnergy } from '../exact.js';
import type { Allocation, Grouping } from '../measurement.js';
import { ghzChain, molecule } from '../molecules.js';
import { gradientDescent, spsa } from '../optimizers.js';
import type { PauliSum } from '../pauli.js';
import { VQEProblem } from '../problem.js';
import { hamiltonianFromData, type HamiltonianData } from '../hamiltonian-file.js';
import { uccFor } from './common.js';

export const OPTIMIZE_PROBLEMS = ['h2-2q', 'h2-4q', 'ghz', 'hamiltonian'] as const;
export type OptimizeProblemId = (typeof OPTIMIZE_PROBLEMS)[number];
export const OPTIMIZE_METHODS = ['parameter-shift', 'spsa'] as const;
export type OptimizeMethod = (typeof OPTIMIZE_METHODS)[number];

export interface OptimizeJob {
  /** [problem, seed]: θ₀ comes from its 'init' child (shared by both methods, so the comparison is paired), the optimiser's shots and directions from its method child. */
  path: [OptimizeProblemId, number];
  problem: OptimizeProblemId;
  method: OptimizeMethod;
  ghzQubits: number;
  totalShots: number;
  shotsPerEvaluation: number;
  learningRate: number;
  spsaC: number;
  spsaA: number;
  initialSpread: number;
  grouping: Grouping;
  allocation: Allocation;
  /** Problem 'hamiltonian' only: the user's Hamiltonian and the hardware-efficient layers. */
  hamiltonian?: HamiltonianData;
  layers?: number;
}

export interface OptimizeRun {
  problem: OptimizeProblemId;
  method: OptimizeMethod;
  seed: number;
  error: number;
  energy: number;
  steps: number;
  shotsUsed: number;
  parameters: number;
}

/**
 * The problems: 2-qubit H₂ with a one-layer hardware-efficient ansatz (d = 8), 4-qubit H₂ with
 * the UCC double excitation (d = 1), and the n-qubit GHZ chain with a one-layer
 * hardware-efficient ansatz (d = 4n), whose ground state the ansatz reaches exactly.
 */
export function optimizeProblem(id: OptimizeProblemId, ghzQubits: number, own?: { hamiltonian?: HamiltonianData; layers?: number }): { hamiltonian: PauliSum; circuit: Circuit; title: string } {
  if (id === 'hamiltonian') {
    if (!own?.hamiltonian) throw new ParameterError('problems', id, 'a built-in problem, or a Hamiltonian given with --hamiltonian (parameter hamiltonian)');
    const h = hamiltonianFromData(own.hamiltonian);
    const L = own.layers ?? 1;
    return { hamiltonian: h, circuit: hardwareEfficient(h.qubits, L), title: `your Hamiltonian${own.hamiltonian.label ? ` '${own.hamiltonian.label}'` : ''}, ${h.qubits} qubits, hardware-efficient (${L} layer${L === 1 ? '' : 's'})` };
  }
  if (id === 'h2-2q') return { hamiltonian: molecule('h2-2q').hamiltonian, circuit: hardwareEfficient(2, 1), title: 'H₂ 2 qubits, hardware-efficient (1 layer)' };
  if (id === 'h2-4q') return { hamiltonian: molecule('h2-4q').hamiltonian, circuit: uccFor('h2-4q'), title: 'H₂ 4 qubits, UCC double excitation' };
  return { hamiltonian: ghzChain(ghzQubits), circuit: hardwareEfficient(ghzQubits, 1), title: `GHZ chain, ${ghzQubits} qubits, hardware-efficient (1 layer)` };
}

const groundCache = new Map<string, number>();

function exactGround(id: OptimizeProblemId, ghzQubits: number, h: PauliSum): number {
  const key = id === 'hamiltonian' ? `hamiltonian/${h.qubits}/${h.toString('indexed')}` : `${id}/${ghzQubits}`;
  let e = groundCache.get(key);
  if (e === undefined) {
    e = groundEnergy(h);
    groundCache.set(key, e);
  }
  return e;
}

export function optimizeRun(job: OptimizeJob, root: Stream): OptimizeRun {
  const { hamiltonian, circuit } = optimizeProblem(job.problem, job.ghzQubits, job);
  const problem = new VQEProblem(hamiltonian, circuit, { grouping: job.grouping, allocation: job.allocation });
  const init = root.child('init');
  const theta0 = new Float64Array(problem.numParams);
  for (let i = 0; i < theta0.length; i++) theta0[i] = job.initialSpread * init.normal();
  const stream = root.child(job.method);
  const e0 = exactGround(job.problem, job.ghzQubits, hamiltonian);
  const common = { steps: Number.MAX_SAFE_INTEGER, totalShots: job.totalShots, stream };
  const r =
    job.method === 'spsa'
      ? spsa(problem, theta0, { ...common, shotBudget: 2 * job.shotsPerEvaluation, c: job.spsaC, A: job.spsaA })
      : gradientDescent(problem, theta0, {
          ...common,
          shotBudget: problem.gradientTapes('parameter-shift') * job.shotsPerEvaluation,
          learningRate: job.learningRate,
        });
  return { problem: job.problem, method: job.method, seed: job.path[1], error: r.energy - e0, energy: r.energy, steps: r.steps, shotsUsed: r.shotsUsed, parameters: problem.numParams };
}

export const optimizeTask = defineExperimentTask(import.meta.url, 'vqe.optimize/run', (job: OptimizeJob, { stream }) => optimizeRun(job, stream));
