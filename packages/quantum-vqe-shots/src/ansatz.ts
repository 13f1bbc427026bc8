/**
 * Ansätze.
 *  - hardwareEfficient(n, L): Qiskit's EfficientSU2 with linear entanglement: L repetitions of
 *    [RY on every qubit, RZ on every qubit, CNOT ladder (0,1), (1,2), …, (n−2, n−1)], then a final
 *    RY/RZ layer. d = 2n(L + 1) parameters, ordered layer by layer (RY block, then RZ block).
 *  - ucc(n): a UCC-style ansatz from the Hartree–Fock state. On four qubits (H₂, LiH, JW,
 *    spin orbitals ordered α₀β₀α₁β₁) a DoubleExcitation on wires [0, 1, 2, 3], optionally with the
 *    spin-conserving singles (Givens rotations on [0, 2] and [1, 3]). On two qubits (H₂ after
 *    parity reduction) one Givens rotation on [0, 1] from |q₀ = 1⟩.
 */
import { ParameterError, assertInteger } from '@snrlab/core';
import { Circuit } from './circuit.js';
import { assertQubits } from './simulator/limits.js';

export interface HardwareEfficientOptions {
  /** Initial occupation per wire (default all 0). */
  occupation?: readonly number[];
}

export function hardwareEfficient(qubits: number, layers: number, opts: HardwareEfficientOptions = {}): Circuit {
  assertQubits('qubits', qubits);
  assertInteger('layers', layers, { min: 0, max: 1000 });
  const c = new Circuit(qubits, { occupation: opts.occupation });
  const rotations = () => {
    for (let q = 0; q < qubits; q++) c.ry(q);
    for (let q = 0; q < qubits; q++) c.rz(q);
  };
  for (let l = 0; l < layers; l++) {
    rotations();
    for (let q = 0; q + 1 < qubits; q++) c.cnot(q, q + 1);
  }
  rotations();
  return c;
}

/** Parameter count of hardwareEfficient(n, L): 2n(L + 1). */
export function hardwareEfficientParams(qubits: number, layers: number): number {
  return 2 * qubits * (layers + 1);
}

export interface UccOptions {
  /** Add the spin-conserving single excitations (4 qubits only). Default false. */
  singles?: boolean;
}

export function ucc(qubits: number, opts: UccOptions = {}): Circuit {
  if (qubits === 2) {
    const c = new Circuit(2, { occupation: [1, 0] });
    c.singleExcitation([0, 1]);
    return c;
  }
  if (qubits === 4) {
    const c = new Circuit(4, { occupation: [1, 1, 0, 0] });
    c.doubleExcitation([0, 1, 2, 3]);
    if (opts.singles) {
      c.singleExcitation([0, 2]);
      c.singleExcitation([1, 3]);
    }
    return c;
  }
  throw new ParameterError('qubits', qubits, '2 or 4 for the built-in UCC ansatz (two electrons)');
}
