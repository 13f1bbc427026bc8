/**
 * A statevector of n qubits on two Float64Arrays (real and imaginary parts).
 *
 * Wire order: qubit q is bit q of the basis index, b = Σ_q bit_q · 2^q (little-endian, as in
 * Qiskit). The amplitude of |q_{n−1} … q_1 q_0⟩ is at index q_0 + 2 q_1 + … . Gate kernels live
 * in gates.ts and work in place, allocating nothing.
 */
import { ParameterError, ParameterTypeError } from '@snrlab/core';
import { assertQubits } from './limits.js';

export class StateVector {
  readonly qubits: number;
  readonly dim: number;
  readonly re: Float64Array;
  readonly im: Float64Array;

  /** |0…0⟩ on `qubits` qubits (1 to 24; 16·2^n bytes). */
  constructor(qubits: number) {
    assertQubits('qubits', qubits);
    this.qubits = qubits;
    this.dim = 2 ** qubits;
    this.re = new Float64Array(this.dim);
    this.im = new Float64Array(this.dim);
    this.re[0] = 1;
  }

  /** The computational basis state |index⟩ (index = Σ_q bit_q 2^q). */
  static basis(qubits: number, index: number): StateVector {
    const s = new StateVector(qubits);
    s.reset(index);
    return s;
  }

  /**
   * The basis state with wire w set to occupation[w] (0 or 1), in wire order: fromOccupation([1, 1, 0, 0])
   * is the Hartree–Fock state PennyLane writes |1100⟩ (wires 0 and 1 occupied), index 0b0011 = 3.
   */
  static fromOccupation(occupation: readonly number[]): StateVector {
    return StateVector.basis(occupation.length, occupationIndex(occupation));
  }

  /** Set to the basis state |index⟩ without allocating. */
  reset(index = 0): this {
    if (!Number.isInteger(index) || index < 0 || index >= this.dim) {
      throw new ParameterError('index', index, `an integer in [0, ${this.dim - 1}]`);
    }
    this.re.fill(0);
    this.im.fill(0);
    this.re[index] = 1;
    return this;
  }

  /** Copy amplitudes from a state of the same size. */
  copyFrom(other: StateVector): this {
    if (other.qubits !== this.qubits) throw new ParameterError('other.qubits', other.qubits, `${this.qubits}`);
    this.re.set(other.re);
    this.im.set(other.im);
    return this;
  }

  clone(): StateVector {
    return new StateVector(this.qubits).copyFrom(this);
  }

  /** Load amplitudes (real parts, and imaginary parts if given), normalising them. */
  setAmplitudes(re: ArrayLike<number>, im?: ArrayLike<number>): this {
    if (re.length !== this.dim) throw new ParameterError('re.length', re.length, `${this.dim}`);
    if (im && im.length !== this.dim) throw new ParameterError('im.length', im.length, `${this.dim}`);
    let n2 = 0;
    for (let i = 0; i < this.dim; i++) {
      const a = re[i];
      const b = im ? im[i] : 0;
      n2 += a * a + b * b;
    }
    if (!(n2 > 0) || !Number.isFinite(n2)) throw new ParameterError('amplitudes', n2, 'a finite, non-zero norm');
    const s = 1 / Math.sqrt(n2);
    for (let i = 0; i < this.dim; i++) {
      this.re[i] = re[i] * s;
      this.im[i] = im ? im[i] * s : 0;
    }
    return this;
  }

  /** Σ |ψ_b|² (1 for a valid state). */
  norm2(): number {
    const re = this.re;
    const im = this.im;
    let s = 0;
    for (let i = 0; i < this.dim; i++) s += re[i] * re[i] + im[i] * im[i];
    return s;
  }

  /** |ψ_b|² into `out` (allocated if not given). */
  probabilities(out: Float64Array = new Float64Array(this.dim)): Float64Array {
    const re = this.re;
    const im = this.im;
    for (let i = 0; i < this.dim; i++) out[i] = re[i] * re[i] + im[i] * im[i];
    return out;
  }

  /** ⟨this|other⟩ as [re, im]. */
  inner(other: StateVector): [number, number] {
    let sr = 0;
    let si = 0;
    for (let i = 0; i < this.dim; i++) {
      sr += this.re[i] * other.re[i] + this.im[i] * other.im[i];
      si += this.re[i] * other.im[i] - this.im[i] * other.re[i];
    }
    return [sr, si];
  }

  /** |⟨this|other⟩|². */
  fidelity(other: StateVector): number {
    const [a, b] = this.inner(other);
    return a * a + b * b;
  }
}

/** Basis index of an occupation list in wire order (wire w is bit w). */
export function occupationIndex(occupation: readonly number[]): number {
  if (!Array.isArray(occupation)) throw new ParameterTypeError('occupation', occupation, 'an array of 0/1 per wire');
  assertQubits('occupation.length', occupation.length);
  let idx = 0;
  for (let w = 0; w < occupation.length; w++) {
    const b = occupation[w];
    if (b !== 0 && b !== 1) throw new ParameterError(`occupation[${w}]`, b, '0 or 1');
    if (b) idx |= 1 << w;
  }
  return idx;
}

/**
 * Bitstring of a basis index, written the Qiskit way: qubit n−1 first, qubit 0 last
 * (bitstring(1, 3) = "001"). `wireOrder: true` writes wire 0 first, as PennyLane does.
 */
export function bitstring(index: number, qubits: number, wireOrder = false): string {
  let s = '';
  for (let q = 0; q < qubits; q++) {
    const bit = (index >>> q) & 1 ? '1' : '0';
    s = wireOrder ? s + bit : bit + s;
  }
  return s;
}
