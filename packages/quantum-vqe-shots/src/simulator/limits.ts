/**
 * Size limits of the statevector simulator. A state of n qubits holds 2^n complex amplitudes
 * as two Float64Arrays (real and imaginary parts), 16·2^n bytes.
 */
import { ParameterError, ParameterTypeError } from '@snrlab/core';

/** The simulator is built and benchmarked for up to 20 qubits; it accepts up to 24. */
export const DESIGN_QUBITS = 20;
export const MAX_QUBITS = 24;

/** Bytes a statevector of `qubits` qubits needs (real + imaginary Float64Arrays). */
export function stateBytes(qubits: number): number {
  return 16 * 2 ** qubits;
}

/** "512 MiB", "16 GiB": memory in binary units. */
export function formatBytes(bytes: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'];
  let v = bytes;
  let u = 0;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  return `${Number.isInteger(v) ? v : v.toFixed(1)} ${units[u]}`;
}

/** Refuse a qubit count that is not an integer in [1, 24]; above 24, say how much memory it would take. */
export function assertQubits(name: string, qubits: unknown, max = MAX_QUBITS): asserts qubits is number {
  if (typeof qubits !== 'number') throw new ParameterTypeError(name, qubits, `an integer in [1, ${max}]`);
  if (!Number.isInteger(qubits) || qubits < 1 || qubits > max) {
    const note =
      Number.isInteger(qubits) && qubits > max
        ? `a statevector of ${qubits} qubits needs ${formatBytes(stateBytes(qubits))} (16 bytes × 2^${qubits} amplitudes)`
        : undefined;
    throw new ParameterError(name, qubits, `an integer in [1, ${max}]`, note);
  }
}
