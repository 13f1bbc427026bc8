/**
 * Built-in Hamiltonians with their sources (see README, "Sources"):
 *  - h2-2q: H₂ in STO-3G at R = 0.735 Å, two qubits after parity mapping and two-qubit
 *    reduction, from Qiskit's tests (test/python/algorithms/test_vqe.py). Little-endian labels;
 *    electronic energy (add the nuclear repulsion 0.7199689944 Ha for the total).
 *  - h2-4q: H₂, four qubits, Jordan–Wigner, the 15-term Hamiltonian of PennyLane's
 *    tests/qchem/openfermion_pyscf_tests/test_convert.py ("h2_psycf [jordan_WIGNER]"). Indexed
 *    labels; total energy (the constant includes the nuclear repulsion).
 *  - lih-4q: LiH in a 2-electron, 2-orbital active space, four qubits, Jordan–Wigner, from the
 *    same file ("lih [jordan_WIGNER]"). Indexed labels; total energy (core and nuclear energy in
 *    the constant).
 *  - tfim-n: the open transverse-field Ising chain H = −J Σ Z_i Z_{i+1} − h Σ X_i, a
 *    hardware-efficient test problem of any width.
 */
import { ParameterError, assertInteger, assertFinite } from '@snrlab/core';
import { PauliSum, type CoefficientInput } from './pauli.js';

export interface Molecule {
  readonly id: MoleculeId;
  readonly title: string;
  readonly hamiltonian: PauliSum;
  /** Hartree–Fock occupation per wire (wire w first). */
  readonly hartreeFock: readonly number[];
  /** Published exact ground energy in the Hamiltonian's own convention (see `energyKind`). */
  readonly referenceGroundEnergy: number;
  /**
   * Decimals to which `referenceGroundEnergy` is published (it is the unrounded value to within
   * half a unit in that place); absent when no source states the energy and the reference is this
   * package's own diagonalisation, which no verdict may then be judged against.
   */
  readonly referenceDecimals?: number;
  /** Energy of the Hartree–Fock basis state, where published. */
  readonly referenceHartreeFockEnergy?: number;
  /** Nuclear repulsion to add to an electronic energy (0 if H already includes it). */
  readonly nuclearRepulsion: number;
  readonly energyKind: 'electronic' | 'total';
  readonly source: string;
}

export const MOLECULE_IDS = ['h2-2q', 'h2-4q', 'lih-4q'] as const;
export type MoleculeId = (typeof MOLECULE_IDS)[number];

const H2_2Q: [string, number][] = [
  ['II', -1.052373245772859],
  ['IZ', 0.39793742484318045],
  ['ZI', -0.39793742484318045],
  ['ZZ', -0.01128010425623538],
  ['XX', 0.18093119978423156],
];

const H2_4Q: [string, CoefficientInput][] = [
  ['', -0.04207897647782188],
  ['Z0', 0.17771287465139934],
  ['Z1', 0.1777128746513993],
  ['Z2', -0.24274280513140484],
  ['Z3', -0.24274280513140484],
  ['Z0 Z1', 0.17059738328801055],
  ['Y0 X1 X2 Y3', 0.04475014401535161],
  ['Y0 Y1 X2 X3', -0.04475014401535161],
  ['X0 X1 Y2 Y3', -0.04475014401535161],
  ['X0 Y1 Y2 X3', 0.04475014401535161],
  ['Z0 Z2', 0.12293305056183801],
  ['Z0 Z3', 0.1676831945771896],
  ['Z1 Z2', 0.1676831945771896],
  ['Z1 Z3', 0.12293305056183801],
  ['Z2 Z3', 0.176276408043196],
];

const LIH_4Q: [string, CoefficientInput][] = [
  ['', -7.50915719389077],
  ['Z0', 0.155924093421341],
  ['Y0 Z1 Y2', 0.01401593800246412],
  ['X0 Z1 X2', 0.01401593800246412],
  ['Z1', 0.1559240934213409],
  ['Y1 Z2 Y3', 0.014015938002464118],
  ['X1 Z2 X3', 0.014015938002464118],
  ['Z2', -0.01503982573626933],
  ['Z3', -0.015039825736269333],
  ['Z0 Z1', 0.12182774218528421],
  ['Y0 Y2', 0.012144893851836855],
  ['X0 X2', 0.012144893851836855],
  ['Z0 Y1 Z2 Y3', 0.012144893851836855],
  ['Z0 X1 Z2 X3', 0.012144893851836855],
  ['Y0 X1 X2 Y3', 0.00326599398593671],
  ['Y0 Y1 X2 X3', -0.00326599398593671],
  ['X0 X1 Y2 Y3', -0.00326599398593671],
  ['X0 Y1 Y2 X3', 0.00326599398593671],
  ['Z0 Z2', 0.052636515240899254],
  ['Z0 Z3', 0.05590250922683597],
  ['Y0 Z1 Y2 Z3', -0.0018710418360866883],
  ['X0 Z1 X2 Z3', -0.0018710418360866883],
  ['Z1 Z2', 0.05590250922683597],
  ['Y1 Y3', -0.0018710418360866883],
  ['X1 X3', -0.0018710418360866883],
  ['Z1 Z3', 0.052636515240899254],
  ['Z2 Z3', 0.08447056917218312],
];

/** Nuclear repulsion of H₂ at 0.735 Å in STO-3G (Qiskit), in hartree. */
export const H2_NUCLEAR_REPULSION = 0.7199689944;

function build(id: MoleculeId): Molecule {
  switch (id) {
    case 'h2-2q':
      return {
        id,
        title: 'H₂, STO-3G, R = 0.735 Å, 2 qubits (parity mapping, two-qubit reduction)',
        hamiltonian: PauliSum.fromTerms(H2_2Q, { order: 'little-endian' }),
        hartreeFock: [1, 0],
        referenceGroundEnergy: -1.85727503,
        referenceDecimals: 8,
        nuclearRepulsion: H2_NUCLEAR_REPULSION,
        energyKind: 'electronic',
        source: 'Qiskit, test/python/algorithms/test_vqe.py (h2_op, h2_energy = −1.85727503)',
      };
    case 'h2-4q':
      return {
        id,
        title: 'H₂, 4 qubits, Jordan–Wigner (PennyLane qchem tests)',
        hamiltonian: PauliSum.fromTerms(H2_4Q, { order: 'indexed', qubits: 4 }),
        hartreeFock: [1, 1, 0, 0],
        referenceGroundEnergy: -1.13618945,
        referenceDecimals: 8,
        referenceHartreeFockEnergy: -1.11734903,
        nuclearRepulsion: 0,
        energyKind: 'total',
        source: 'PennyLane, tests/qchem/openfermion_pyscf_tests/test_convert.py ("h2_psycf [jordan_WIGNER]")',
      };
    case 'lih-4q':
      return {
        id,
        title: 'LiH, 2-electron/2-orbital active space, 4 qubits, Jordan–Wigner (PennyLane qchem tests)',
        hamiltonian: PauliSum.fromTerms(LIH_4Q, { order: 'indexed', qubits: 4 }),
        hartreeFock: [1, 1, 0, 0],
        // the test file states no energy: this is our exact diagonalisation (see README)
        referenceGroundEnergy: -7.862128833,
        referenceHartreeFockEnergy: -7.86186477,
        nuclearRepulsion: 0,
        energyKind: 'total',
        source:
          'PennyLane, tests/qchem/openfermion_pyscf_tests/test_convert.py ("lih [jordan_WIGNER]"); the file states no energy: the reference is this package’s exact diagonalisation, which agrees to 2e-10 Ha with the CASCI(2,2) energy −7.862128833439 Ha reported for LiH at 1.6 Å elsewhere',
      };
  }
}

const cache = new Map<MoleculeId, Molecule>();

/** A built-in molecule by id ('h2-2q', 'h2-4q', 'lih-4q'). */
export function molecule(id: MoleculeId): Molecule {
  if (!MOLECULE_IDS.includes(id)) throw new ParameterError('molecule', id, `one of ${MOLECULE_IDS.map((m) => JSON.stringify(m)).join(', ')}`);
  let m = cache.get(id);
  if (!m) {
    m = build(id);
    cache.set(id, m);
  }
  return m;
}

/** Open transverse-field Ising chain H = −J Σ_{i<n−1} Z_i Z_{i+1} − h Σ_i X_i on n qubits. */
export function transverseFieldIsing(qubits: number, field = 1, coupling = 1): PauliSum {
  assertInteger('qubits', qubits, { min: 2, max: 24 });
  assertFinite('field', field);
  assertFinite('coupling', coupling);
  const terms: [string, number][] = [];
  for (let i = 0; i + 1 < qubits; i++) terms.push([`Z${i} Z${i + 1}`, -coupling]);
  for (let i = 0; i < qubits; i++) terms.push([`X${i}`, -field]);
  return PauliSum.fromTerms(terms, { order: 'indexed', qubits });
}

/**
 * The GHZ chain H = −Σ_{i<n−1} Z_i Z_{i+1} − X_0 X_1 ⋯ X_{n−1}: its unique ground state is the GHZ
 * state (|0…0⟩ + |1…1⟩)/√2 at energy −n (gap 2), which a one-layer hardware-efficient circuit
 * prepares exactly (RY(π/2) on qubit 0, then the CNOT ladder). A hardware-efficient problem whose
 * exact answer the ansatz can reach, so that an energy error is the optimiser's, not the ansatz's.
 */
export function ghzChain(qubits: number): PauliSum {
  assertInteger('qubits', qubits, { min: 2, max: 24 });
  const terms: [string, number][] = [];
  for (let i = 0; i + 1 < qubits; i++) terms.push([`Z${i} Z${i + 1}`, -1]);
  terms.push([Array.from({ length: qubits }, (_, i) => `X${i}`).join(' '), -1]);
  return PauliSum.fromTerms(terms, { order: 'indexed', qubits });
}
