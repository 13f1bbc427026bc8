/** Helpers shared by the experiments: problems by name, pooled ratios, small statistics. */
import { ParameterError } from '@snrlab/core';
import { hardwareEfficient, ucc } from '../ansatz.js';
import type { Circuit } from '../circuit.js';
import { MOLECULE_IDS, molecule, type MoleculeId } from '../molecules.js';

export const ANSATZE = ['ucc', 'hardware-efficient'] as const;
export type AnsatzId = (typeof ANSATZE)[number];

export { MOLECULE_IDS };

/** 1.6 mHa (1 kcal/mol): chemical accuracy. */
export const CHEMICAL_ACCURACY = 1.6e-3;

/**
 * The UCC ansatz for a built-in molecule: a Givens rotation for 2-qubit H₂, the double
 * excitation for 4-qubit H₂, and the double plus the spin-conserving singles for LiH (whose
 * ground state has single-excitation weight, about 9e-5 in probability).
 */
export function uccFor(id: MoleculeId): Circuit {
  const m = molecule(id);
  return ucc(m.hamiltonian.qubits, { singles: id === 'lih-4q' });
}

export function ansatzFor(id: MoleculeId, ansatz: AnsatzId, layers: number): Circuit {
  const m = molecule(id);
  if (ansatz === 'ucc') return uccFor(id);
  if (ansatz === 'hardware-efficient') return hardwareEfficient(m.hamiltonian.qubits, layers);
  throw new ParameterError('ansatz', ansatz, ANSATZE.map((a) => JSON.stringify(a)).join(' or '));
}

/** Inverse-variance weighted mean of values with standard errors (points with SE 0 dominate). */
export function pooled(values: readonly number[], ses: readonly number[]): { mean: number; se: number } {
  let sw = 0;
  let s = 0;
  for (let i = 0; i < values.length; i++) {
    const w = ses[i] > 0 ? 1 / (ses[i] * ses[i]) : 0;
    sw += w;
    s += w * values[i];
  }
  if (sw === 0) {
    const m = values.reduce((a, b) => a + b, 0) / values.length;
    return { mean: m, se: 0 };
  }
  return { mean: s / sw, se: Math.sqrt(1 / sw) };
}

/** Σ x_i² of a vector difference a − b. */
export function squaredDistance(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) {
    const d = a[i] - b[i];
    s += d * d;
  }
  return s;
}

export function squaredNorm(a: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * a[i];
  return s;
}
