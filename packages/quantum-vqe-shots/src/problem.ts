/**
 * A VQE problem: an ansatz circuit, a Hamiltonian and the way it is measured. It evaluates
 * energies exactly or from shots, and executes the tapes of a gradient transform. Shots and the
 * stream are passed to every evaluation.
 */
import { ParameterError, type Stream } from '@snrlab/core';
import { shiftRuleOf, type Circuit } from './circuit.js';
import { gradientTransform, type GradientMethod, type GradientTransform, type Tape, type TransformOptions } from './gradients.js';
import { ShotEstimator, type EnergyEstimate, type EstimatorOptions, type PreparedMeasurement } from './measurement.js';
import type { PauliSum } from './pauli.js';
import { StateVector } from './simulator/state.js';

export interface GradientResult {
  gradient: Float64Array;
  shotsUsed: number;
  transform: GradientTransform;
  /** The tapes' measured energies. */
  energies: Float64Array;
}

export class VQEProblem {
  readonly circuit: Circuit;
  readonly hamiltonian: PauliSum;
  readonly estimator: ShotEstimator;
  /** Scratch state reused by every evaluation. */
  private readonly state: StateVector;

  constructor(hamiltonian: PauliSum, circuit: Circuit, opts: EstimatorOptions = {}) {
    if (circuit.qubits !== hamiltonian.qubits) {
      throw new ParameterError('circuit.qubits', circuit.qubits, `${hamiltonian.qubits} (the Hamiltonian's qubit count)`);
    }
    this.circuit = circuit;
    this.hamiltonian = hamiltonian;
    this.estimator = new ShotEstimator(hamiltonian, opts);
    this.state = new StateVector(hamiltonian.qubits);
  }

  get numParams(): number {
    return this.circuit.numParams;
  }

  /** Circuits one gradient of `method` runs: Σ over trainable gates of 2 or 4 (parameter shift), 2d (finite differences), 2 (SPSA). */
  gradientTapes(method: GradientMethod): number {
    if (method === 'spsa') return 2;
    if (method === 'finite-difference') return 2 * this.numParams;
    let n = 0;
    for (const k of this.circuit.trainableOperations()) n += shiftRuleOf(this.circuit.operations[k].gate) === 'four-term' ? 4 : 2;
    return n;
  }

  /** The prepared state |ψ(θ)⟩ (a view of the scratch state: copy it to keep it). */
  prepareState(theta: ArrayLike<number>, shiftOp = -1, shiftAngle = 0): StateVector {
    return this.circuit.run(theta, this.state, shiftOp, shiftAngle);
  }

  /** ⟨ψ(θ)|H|ψ(θ)⟩. */
  exactEnergy(theta: ArrayLike<number>, shiftOp = -1, shiftAngle = 0): number {
    return this.hamiltonian.expectation(this.prepareState(theta, shiftOp, shiftAngle));
  }

  /** Ê(θ) from `shots` shots (0 = exact). */
  estimateEnergy(theta: ArrayLike<number>, shots: number, stream: Stream): EnergyEstimate {
    return this.estimator.estimate(this.prepareState(theta), shots, stream);
  }

  /** Exact Var Ê(θ) for an evaluation of `shots` shots. */
  estimatorVariance(theta: ArrayLike<number>, shots: number, shiftOp = -1, shiftAngle = 0): number {
    return this.estimator.estimatorVariance(this.prepareState(theta, shiftOp, shiftAngle), shots);
  }

  /** Group probabilities and exact moments at one tape, for sampling it many times. */
  prepareTape(t: Tape): PreparedMeasurement {
    return this.estimator.prepare(this.prepareState(t.parameters, t.shiftOp, t.shiftAngle));
  }

  /** Energies of every tape, in order, with each tape's shots, drawing from `stream`. */
  execute(tapes: readonly Tape[], stream: Stream, out = new Float64Array(tapes.length)): Float64Array {
    for (let i = 0; i < tapes.length; i++) {
      const t = tapes[i];
      const s = this.prepareState(t.parameters, t.shiftOp, t.shiftAngle);
      out[i] = this.estimator.estimate(s, t.shots, stream).energy;
    }
    return out;
  }

  /** Build the method's tapes for θ, run them and post-process: one gradient at the given budget. */
  gradient(method: GradientMethod, theta: ArrayLike<number>, opts: TransformOptions & { stream: Stream }): GradientResult {
    const transform = gradientTransform(method, this.circuit, theta, {
      minShotsPerEvaluation: this.estimator.minShots,
      ...opts,
    });
    const energies = this.execute(transform.tapes, opts.stream);
    return { gradient: transform.postprocess(energies), shotsUsed: transform.shotsUsed, transform, energies };
  }
}
