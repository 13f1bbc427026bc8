import { describe, expect, it } from 'vitest';
import { Circuit, StateVector, bitstring, gates, occupationIndex, stateBytes, formatBytes } from '../src/index.js';

const S = Math.SQRT1_2;

/** Amplitudes as [re, im] pairs. */
function amps(s: StateVector): [number, number][] {
  return Array.from(s.re, (r, i) => [r, s.im[i]]);
}

function expectState(s: StateVector, expected: [number, number][], tol = 1e-14) {
  expect(s.dim).toBe(expected.length);
  amps(s).forEach(([r, i], k) => {
    expect(r).toBeCloseTo(expected[k][0], -Math.log10(tol));
    expect(i).toBeCloseTo(expected[k][1], -Math.log10(tol));
  });
}

describe('statevector conventions', () => {
  it('qubit q is bit q of the index (little-endian)', () => {
    const s = new StateVector(3);
    gates.x(s, 0);
    expect(s.re[1]).toBe(1); // |001⟩ in Qiskit's notation
    expect(bitstring(1, 3)).toBe('001');
    expect(bitstring(1, 3, true)).toBe('100');
    expect(occupationIndex([1, 1, 0, 0])).toBe(3);
    expect(StateVector.fromOccupation([0, 0, 1]).re[4]).toBe(1);
  });

  it('refuses more than 24 qubits and says how much memory it would take', () => {
    expect(() => new StateVector(25)).toThrow(/qubits.*25.*\[1, 24\].*512 MiB/);
    expect(() => new StateVector(30)).toThrow(/16 GiB/);
    expect(() => new StateVector(0)).toThrow(/qubits/);
    expect(formatBytes(stateBytes(20))).toBe('16 MiB');
  });
});

describe('single-qubit gates against hand-computed states', () => {
  it('X, Y, Z, H, S, T on |0⟩ and |1⟩', () => {
    const one = () => StateVector.basis(1, 1);
    const zero = () => new StateVector(1);
    let s = zero();
    gates.x(s, 0);
    expectState(s, [[0, 0], [1, 0]]);
    s = zero();
    gates.y(s, 0);
    expectState(s, [[0, 0], [0, 1]]); // Y|0⟩ = i|1⟩
    s = one();
    gates.y(s, 0);
    expectState(s, [[0, -1], [0, 0]]); // Y|1⟩ = −i|0⟩
    s = one();
    gates.z(s, 0);
    expectState(s, [[0, 0], [-1, 0]]);
    s = zero();
    gates.h(s, 0);
    expectState(s, [[S, 0], [S, 0]]);
    s = one();
    gates.h(s, 0);
    expectState(s, [[S, 0], [-S, 0]]);
    s = one();
    gates.sGate(s, 0);
    expectState(s, [[0, 0], [0, 1]]);
    s = one();
    gates.tGate(s, 0);
    expectState(s, [[0, 0], [S, S]]);
    s = one();
    gates.sdg(s, 0);
    expectState(s, [[0, 0], [0, -1]]);
  });

  it('rotations exp(−iθP/2)', () => {
    const t = 0.7;
    const c = Math.cos(t / 2);
    const sn = Math.sin(t / 2);
    let s = new StateVector(1);
    gates.rx(s, 0, t);
    expectState(s, [[c, 0], [0, -sn]]);
    s = new StateVector(1);
    gates.ry(s, 0, t);
    expectState(s, [[c, 0], [sn, 0]]);
    s = new StateVector(1);
    gates.h(s, 0);
    gates.rz(s, 0, t);
    expectState(s, [[S * c, -S * sn], [S * c, S * sn]]);
  });

  it('the general matrix kernel equals the special ones', () => {
    const a = new StateVector(3);
    const b = new StateVector(3);
    for (const s of [a, b]) {
      gates.h(s, 0);
      gates.ry(s, 1, 0.4);
      gates.cnot(s, 0, 2);
      gates.rx(s, 2, 1.1);
    }
    const t = 0.9;
    const c = Math.cos(t / 2);
    const sn = Math.sin(t / 2);
    gates.rx(a, 1, t);
    gates.applyMatrix1(b, 1, c, 0, 0, -sn, 0, -sn, c, 0);
    a.re.forEach((v, i) => expect(v).toBeCloseTo(b.re[i], 14));
    a.im.forEach((v, i) => expect(v).toBeCloseTo(b.im[i], 14));
    expect(a.fidelity(b)).toBeCloseTo(1, 14);
  });
});

describe('two- and four-qubit gates', () => {
  it('CNOT makes a Bell state; control and target are distinct', () => {
    const s = new StateVector(2);
    gates.h(s, 0);
    gates.cnot(s, 0, 1);
    expectState(s, [[S, 0], [0, 0], [0, 0], [S, 0]]);
    expect(() => gates.cnot(s, 1, 1)).toThrow(/target/);
    expect(() => gates.cnot(s, 0, 2)).toThrow(/target: got 2; expected an integer in \[0, 1\]/);
  });

  it('CNOT acts on the named control and target (|q1 q0⟩ = |01⟩ → |11⟩)', () => {
    const s = StateVector.basis(3, 0b001);
    gates.cnot(s, 0, 2);
    expect(s.re[0b101]).toBe(1);
    gates.cnot(s, 1, 0); // control 1 is |0⟩: nothing happens
    expect(s.re[0b101]).toBe(1);
  });

  it('CZ flips the sign of |11⟩ only, SWAP exchanges the qubits', () => {
    const s = new StateVector(2);
    gates.h(s, 0);
    gates.h(s, 1);
    gates.cz(s, 0, 1);
    expectState(s, [[0.5, 0], [0.5, 0], [0.5, 0], [-0.5, 0]]);
    const w = StateVector.basis(3, 0b001);
    gates.swap(w, 0, 2);
    expect(w.re[0b100]).toBe(1);
  });

  it('SingleExcitation rotates |01⟩ ↔ |10⟩ (PennyLane convention)', () => {
    const t = 0.6;
    const c = Math.cos(t / 2);
    const sn = Math.sin(t / 2);
    // wires [a, b] = [0, 1]; |01⟩ means wire 0 = 0, wire 1 = 1: index 0b10
    const s = StateVector.basis(2, 0b10);
    gates.singleExcitation(s, 0, 1, t);
    expectState(s, [[0, 0], [sn, 0], [c, 0], [0, 0]]);
    const u = StateVector.basis(2, 0b11);
    gates.singleExcitation(u, 0, 1, t);
    expectState(u, [[0, 0], [0, 0], [0, 0], [1, 0]]);
  });

  it('DoubleExcitation rotates |1100⟩ → cos|1100⟩ − sin|0011⟩ and leaves other states alone', () => {
    const t = 0.42;
    const s = StateVector.fromOccupation([1, 1, 0, 0]);
    gates.doubleExcitation(s, 0, 1, 2, 3, t);
    expect(s.re[occupationIndex([1, 1, 0, 0])]).toBeCloseTo(Math.cos(t / 2), 15);
    expect(s.re[occupationIndex([0, 0, 1, 1])]).toBeCloseTo(-Math.sin(t / 2), 15);
    expect(s.norm2()).toBeCloseTo(1, 15);
    const other = StateVector.fromOccupation([1, 0, 1, 0]);
    gates.doubleExcitation(other, 0, 1, 2, 3, t);
    expect(other.re[occupationIndex([1, 0, 1, 0])]).toBe(1);
    expect(() => gates.doubleExcitation(other, 0, 1, 2, 2, t)).toThrow(/distinct/);
  });

  it('gates on a 12-qubit state keep the norm and invert', () => {
    const s = new StateVector(12);
    for (let q = 0; q < 12; q++) gates.ry(s, q, 0.1 * (q + 1));
    const ref = s.clone();
    gates.rz(s, 11, 0.3);
    gates.cnot(s, 11, 0);
    gates.doubleExcitation(s, 2, 7, 9, 11, 0.5);
    gates.doubleExcitation(s, 2, 7, 9, 11, -0.5);
    gates.cnot(s, 11, 0);
    gates.rz(s, 11, -0.3);
    expect(s.fidelity(ref)).toBeCloseTo(1, 13);
    expect(s.norm2()).toBeCloseTo(1, 13);
  });
});

describe('Circuit', () => {
  it('runs from the initial occupation and shifts one gate occurrence', () => {
    const c = new Circuit(2, { occupation: [1, 0] });
    c.ry(1).cnot(1, 0);
    expect(c.numParams).toBe(1);
    const s = c.state([Math.PI]);
    // RY(π)|0⟩ = |1⟩ on wire 1, then CNOT(1 → 0) flips wire 0 back to 0: index 0b10
    expect(s.re[0b10]).toBeCloseTo(1, 14);
    const shifted = c.run([0], new StateVector(2), 0, Math.PI);
    expect(shifted.re[0b10]).toBeCloseTo(1, 14);
  });

  it('refuses a wrong parameter count, bad wires and angles on fixed gates', () => {
    const c = new Circuit(2).ry(0).rz(1);
    expect(() => c.state([0.1])).toThrow(/parameters.length: got 1; expected 2/);
    expect(() => c.add('CNOT', [0, 0])).toThrow(/distinct/);
    expect(() => c.add('H', [3])).toThrow(/wires\[0\]: got 3/);
    expect(() => c.add('H', [0], 0.2)).toThrow(/angle/);
    expect(() => c.ry(0, { param: 5 })).toThrow(/angle.param/);
    expect(() => c.state([0.1, NaN])).toThrow(/parameters\[1\]/);
  });
});
