/**
 * Gate kernels: each updates a StateVector in place and allocates nothing. The single-qubit loops
 * are @snrlab/tensor's (the js statevector kernel uses the same ones, so a gate exists once), and
 * the Givens rotations below rotate their amplitude pairs with tensor's `svRotatePair`, RY's body.
 *
 * Conventions (those of PennyLane and Qiskit):
 *   RX(θ) = exp(−iθX/2), RY(θ) = exp(−iθY/2), RZ(θ) = exp(−iθZ/2) = diag(e^{−iθ/2}, e^{iθ/2});
 *   S = diag(1, i), T = diag(1, e^{iπ/4}); CNOT(control, target); CZ; SWAP.
 *   SingleExcitation(θ) on wires [a, b] (a Givens rotation): |01⟩ → cos(θ/2)|01⟩ + sin(θ/2)|10⟩,
 *   |10⟩ → cos(θ/2)|10⟩ − sin(θ/2)|01⟩, with the bits written (wire a, wire b).
 *   DoubleExcitation(θ) on wires [w0, w1, w2, w3]: |0011⟩ → cos(θ/2)|0011⟩ + sin(θ/2)|1100⟩,
 *   |1100⟩ → cos(θ/2)|1100⟩ − sin(θ/2)|0011⟩, bits written (w0 w1 w2 w3); other states unchanged.
 * Qubit q is bit q of the basis index (see state.ts).
 */
import { ParameterError } from '@snrlab/core';
import { svCnot, svCz, svDiagonal1, svHadamard, svMatrix1, svPauliX, svPauliY, svRealRotation, svRotatePair, svRx, svSwap } from '@snrlab/tensor';
import type { StateVector } from './state.js';

const SQRT1_2 = Math.SQRT1_2;

function checkWire(s: StateVector, q: number, name = 'wire'): void {
  if (!(q >= 0 && q < s.qubits && (q | 0) === q)) throw new ParameterError(name, q, `an integer in [0, ${s.qubits - 1}]`);
}

/** Check up to four wires (−1 = unused) without building an array. */
function checkDistinct(s: StateVector, a: number, b: number, c = -1, d = -1): void {
  checkWire(s, a, 'wires[0]');
  checkWire(s, b, 'wires[1]');
  if (c !== -1) checkWire(s, c, 'wires[2]');
  if (d !== -1) checkWire(s, d, 'wires[3]');
  const clash = a === b || (c !== -1 && (c === a || c === b)) || (d !== -1 && (d === a || d === b || d === c));
  if (clash) throw new ParameterError('wires', [a, b, c, d].filter((w) => w !== -1), 'distinct wires');
}

/**
 * A general single-qubit unitary [[u00, u01], [u10, u11]] (complex entries as re/im pairs).
 * The special gates below are faster; this one serves anything else.
 */
export function applyMatrix1(
  s: StateVector,
  q: number,
  u00r: number,
  u00i: number,
  u01r: number,
  u01i: number,
  u10r: number,
  u10i: number,
  u11r: number,
  u11i: number,
): void {
  checkWire(s, q);
  svMatrix1(s.re, s.im, 0, s.dim, q, u00r, u00i, u01r, u01i, u10r, u10i, u11r, u11i);
}

/** A real rotation [[c, −s], [s, c]] on qubit q: RY(θ) with c = cos θ/2, s = sin θ/2. */
function realRotation(s: StateVector, q: number, c: number, sn: number): void {
  svRealRotation(s.re, s.im, 0, s.dim, q, c, sn);
}

export function ry(s: StateVector, q: number, theta: number): void {
  checkWire(s, q);
  realRotation(s, q, Math.cos(theta / 2), Math.sin(theta / 2));
}

export function rx(s: StateVector, q: number, theta: number): void {
  checkWire(s, q);
  svRx(s.re, s.im, 0, s.dim, q, theta);
}

/** Multiply amplitudes with bit q = 0 by (c0r + i c0i) and those with bit q = 1 by (c1r + i c1i). */
function diagonal1(s: StateVector, q: number, c0r: number, c0i: number, c1r: number, c1i: number): void {
  svDiagonal1(s.re, s.im, 0, s.dim, q, c0r, c0i, c1r, c1i);
}

export function rz(s: StateVector, q: number, theta: number): void {
  checkWire(s, q);
  const c = Math.cos(theta / 2);
  const sn = Math.sin(theta / 2);
  diagonal1(s, q, c, -sn, c, sn);
}

export function z(s: StateVector, q: number): void {
  checkWire(s, q);
  diagonal1(s, q, 1, 0, -1, 0);
}

export function sGate(s: StateVector, q: number): void {
  checkWire(s, q);
  diagonal1(s, q, 1, 0, 0, 1);
}

/** S† = diag(1, −i): with H it rotates the Y basis onto the Z basis (H S† |+i⟩ = |0⟩). */
export function sdg(s: StateVector, q: number): void {
  checkWire(s, q);
  diagonal1(s, q, 1, 0, 0, -1);
}

export function tGate(s: StateVector, q: number): void {
  checkWire(s, q);
  diagonal1(s, q, 1, 0, SQRT1_2, SQRT1_2);
}

export function h(s: StateVector, q: number): void {
  checkWire(s, q);
  svHadamard(s.re, s.im, 0, s.dim, q);
}

export function x(s: StateVector, q: number): void {
  checkWire(s, q);
  svPauliX(s.re, s.im, 0, s.dim, q);
}

export function y(s: StateVector, q: number): void {
  checkWire(s, q);
  svPauliY(s.re, s.im, 0, s.dim, q);
}

export function cnot(s: StateVector, control: number, target: number): void {
  checkWire(s, control, 'control');
  checkWire(s, target, 'target');
  if (control === target) throw new ParameterError('target', target, `a wire other than the control ${control}`);
  svCnot(s.re, s.im, 0, s.dim, control, target);
}

export function cz(s: StateVector, a: number, b: number): void {
  checkWire(s, a, 'wires[0]');
  checkWire(s, b, 'wires[1]');
  if (a === b) throw new ParameterError('wires[1]', b, `a wire other than ${a}`);
  svCz(s.re, s.im, 0, s.dim, a, b);
}

export function swap(s: StateVector, a: number, b: number): void {
  checkWire(s, a, 'wires[0]');
  checkWire(s, b, 'wires[1]');
  if (a === b) throw new ParameterError('wires[1]', b, `a wire other than ${a}`);
  svSwap(s.re, s.im, 0, s.dim, a, b);
}

/** Insert a zero bit at position p (k's bits at p and above move up by one). */
function insertZero(k: number, p: number): number {
  const low = k & ((1 << p) - 1);
  return ((k >>> p) << (p + 1)) | low;
}

/** Givens rotation on wires [a, b] in the {|01⟩, |10⟩} subspace (PennyLane's SingleExcitation). */
export function singleExcitation(s: StateVector, a: number, b: number, theta: number): void {
  checkDistinct(s, a, b);
  const c = Math.cos(theta / 2);
  const sn = Math.sin(theta / 2);
  const re = s.re;
  const im = s.im;
  const lo = Math.min(a, b);
  const hi = Math.max(a, b);
  const aBit = 1 << a;
  const bBit = 1 << b;
  const quarter = s.dim >>> 2;
  for (let k = 0; k < quarter; k++) {
    const base = insertZero(insertZero(k, lo), hi);
    // (wire a, wire b) = (0, 1) and (1, 0)
    svRotatePair(re, im, base | bBit, base | aBit, c, sn);
  }
}

/** Rotation in the {|0011⟩, |1100⟩} subspace of wires [w0, w1, w2, w3] (PennyLane's DoubleExcitation). */
export function doubleExcitation(s: StateVector, w0: number, w1: number, w2: number, w3: number, theta: number): void {
  checkDistinct(s, w0, w1, w2, w3);
  const c = Math.cos(theta / 2);
  const sn = Math.sin(theta / 2);
  const re = s.re;
  const im = s.im;
  // sort the four wires with scalars (no array): a sorting network of five compare-swaps
  let p0 = w0;
  let p1 = w1;
  let p2 = w2;
  let p3 = w3;
  let t: number;
  if (p0 > p1) { t = p0; p0 = p1; p1 = t; }
  if (p2 > p3) { t = p2; p2 = p3; p3 = t; }
  if (p0 > p2) { t = p0; p0 = p2; p2 = t; }
  if (p1 > p3) { t = p1; p1 = p3; p3 = t; }
  if (p1 > p2) { t = p1; p1 = p2; p2 = t; }
  const low = (1 << w2) | (1 << w3); // |0011⟩: w2 and w3 occupied
  const high = (1 << w0) | (1 << w1); // |1100⟩: w0 and w1 occupied
  const n16 = s.dim >>> 4;
  for (let k = 0; k < n16; k++) {
    const base = insertZero(insertZero(insertZero(insertZero(k, p0), p1), p2), p3);
    svRotatePair(re, im, base | low, base | high, c, sn);
  }
}
