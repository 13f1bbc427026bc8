/** Input options: how the CLI fills this package's parameters from a user's files. */
import type { InputOption } from '@snrlab/core';
import { readHamiltonianFile } from './hamiltonian-file.js';

/** `--hamiltonian file`: a Pauli-sum Hamiltonian for the energy, shot-noise and optimiser experiments. */
export const hamiltonianInput: InputOption = {
  flag: 'hamiltonian',
  param: 'hamiltonian',
  description: 'your Hamiltonian: OpenFermion QubitOperator text, Qiskit SparsePauliOp labels/coeffs as JSON (little-endian labels), or JSON {qubits, terms: [{pauli, coefficient}]}',
  kind: 'file',
  experiments: ['vqe.energy', 'vqe.shot-noise', 'vqe.optimize'],
  async load(path: string) {
    const { data, format } = await readHamiltonianFile(path);
    return { value: data, format: `${format} (${data.qubits} qubits, ${data.terms.length} terms)` };
  },
};

export const inputOptions: InputOption[] = [hamiltonianInput];
