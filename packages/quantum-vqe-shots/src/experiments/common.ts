/** Helpers shared by the experiments: problems by name, pooled ratios, small statistics. */
import { ParameterError, weightedMean } from '@snrlab/core';
import { hardwareEfficient, ucc } from '../ansatz.js';
import type { Circuit } from '../circuit.js';
import { MAX_EXACT_QUBITS } from '../exact.js';
import { hamiltonianFromData, type HamiltonianData } from '../hamiltonian-file.js';
import { MOLECULE_IDS, molecule, type MoleculeId } from '../molecules.js';
import type { PauliSum } from '../pauli.js';

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

/**
 * Pooled ratios to theory: core's weightedMean without the Birge factor (points with SE 0 get
 * weight 0), SE (Σ 1/sᵢ²)^(−1/2) — right only if each point's SE is its whole error. With the
 * factor (core's default) the SE grows by √χ²_red: at the test sizes vqe.gradient-variance's SPSA
 * shot-noise ratio SE would go from 0.072 to 0.117 (χ²_red ≈ 2.7) and vqe.shot-noise would not
 * change — a verdict change left to a decision of its own.
 */
export function pooled(values: ArrayLike<number>, ses: ArrayLike<number>): { mean: number; se: number } {
  const { mean, se } = weightedMean(values, ses, { birge: false });
  return { mean, se };
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

/** The Hamiltonian an experiment runs on: the user's (`hamiltonian`, from a file) or the built-in molecule. */
export interface ProblemHamiltonian {
  hamiltonian: PauliSum;
  own: boolean;
  title: string;
}

const own = new WeakMap<HamiltonianData, PauliSum>();

export function problemHamiltonian(p: { molecule: MoleculeId; hamiltonian?: HamiltonianData }): ProblemHamiltonian {
  if (p.hamiltonian) {
    let h = own.get(p.hamiltonian);
    if (!h) {
      h = hamiltonianFromData(p.hamiltonian);
      own.set(p.hamiltonian, h);
    }
    return { hamiltonian: h, own: true, title: `your Hamiltonian${p.hamiltonian.label ? ` '${p.hamiltonian.label}'` : ''} (${h.qubits} qubits, ${h.terms.length} terms)` };
  }
  const m = molecule(p.molecule);
  return { hamiltonian: m.hamiltonian, own: false, title: m.title };
}

/**
 * The ansatz for a problem: the built-in molecule's UCC, or for a Hamiltonian from a file of 2 or
 * 4 qubits the same UCC circuits (with the singles on 4), which assume the built-in molecules'
 * conventions (Hartree–Fock |q₀ = 1⟩, or |1100⟩ with spin orbitals α₀β₀α₁β₁ under Jordan–Wigner).
 */
export function problemCircuit(p: { molecule: MoleculeId; hamiltonian?: HamiltonianData }, ansatz: AnsatzId, layers: number): Circuit {
  if (!p.hamiltonian) return ansatzFor(p.molecule, ansatz, layers);
  const n = p.hamiltonian.qubits;
  if (ansatz === 'hardware-efficient') return hardwareEfficient(n, layers);
  if (n !== 2 && n !== 4) {
    throw new ParameterError('ansatz', ansatz, '"hardware-efficient" for a Hamiltonian of this size', `the UCC ansatz is built for 2 or 4 qubits (two electrons); your Hamiltonian has ${n}`);
  }
  return ucc(n, { singles: n === 4 });
}

/** Refuse a Hamiltonian from a file that is too large for the exact ground energy an experiment needs. */
export function assertExactSize(p: { hamiltonian?: HamiltonianData }, why: string): void {
  if (p.hamiltonian && p.hamiltonian.qubits > MAX_EXACT_QUBITS) {
    throw new ParameterError('hamiltonian.qubits', p.hamiltonian.qubits, `an integer in [1, ${MAX_EXACT_QUBITS}]`, `${why} needs the exact ground energy, by diagonalisation up to ${MAX_EXACT_QUBITS} qubits (the simulator itself holds 24)`);
  }
}
