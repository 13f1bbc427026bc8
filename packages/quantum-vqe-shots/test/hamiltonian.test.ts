import { describe, expect, it } from 'vitest';
import {
  Circuit,
  H2_NUCLEAR_REPULSION,
  PauliSum,
  StateVector,
  gates,
  groundState,
  molecule,
  spectrum,
  transverseFieldIsing,
  ghzChain,
} from '../src/index.js';

describe('Pauli-sum parsing and wire order', () => {
  it('little-endian labels put qubit 0 on the right; indexed labels name qubits', () => {
    const le = PauliSum.parse('0.5 IZ - 0.25 XY', { order: 'little-endian' });
    const ix = PauliSum.parse('0.5 Z0 - 0.25 Y0 X1', { order: 'indexed' });
    expect(le.qubits).toBe(2);
    expect(ix.qubits).toBe(2);
    expect(le.terms.map((t) => [t.x, t.z, t.coefficient])).toEqual(ix.terms.map((t) => [t.x, t.z, t.coefficient]));
    expect(le.label(le.terms[0])).toBe('IZ');
    expect(le.label(le.terms[0], 'indexed')).toBe('Z0');
    // Z on qubit 0 of |q1 q0⟩ = |01⟩ (index 1) reads −1
    expect(le.termExpectation(StateVector.basis(2, 1), le.terms[0])).toBe(-1);
  });

  it('reads coefficients with exponents, parentheses and explicit zero imaginary parts', () => {
    const h = PauliSum.parse('-1.5e-1 * ZZ + (0.25+0j) XX - 2 II', { order: 'little-endian' });
    expect(h.terms.map((t) => t.coefficient)).toEqual([-0.15, 0.25, -2]);
    expect(h.constant).toBe(-2);
    const merged = PauliSum.fromTerms([['Z0', 1], ['Z0', 0.5]], { order: 'indexed' });
    expect(merged.terms).toHaveLength(1);
    expect(merged.terms[0].coefficient).toBe(1.5);
  });

  it('refuses a label of the wrong length or with a bad letter, naming the term', () => {
    expect(() => PauliSum.fromTerms([['XX', 1], ['XYZ', 1]], { order: 'little-endian' })).toThrow(/terms\[1\]\.label: got "XYZ"; expected a label of 2 letters/);
    expect(() => PauliSum.parse('0.5 XA', { order: 'little-endian' })).toThrow(/terms\[0\]\.label.*letters I, X, Y, Z only.*'A'/);
    expect(() => PauliSum.parse('0.5 Q1', { order: 'indexed' })).toThrow(/terms\[0\]\.label.*bad letter 'Q'/);
    expect(() => PauliSum.fromTerms([['Z5', 1]], { order: 'indexed', qubits: 4 })).toThrow(/terms\[0\]\.label.*\[0, 3\]/);
    expect(() => PauliSum.parse('X0 X0', { order: 'indexed' })).toThrow(/repeated/);
  });

  it('refuses a complex (non-Hermitian) coefficient, naming the term', () => {
    expect(() => PauliSum.fromTerms([['ZZ', 1], ['XY', { re: 0.1, im: 0.2 }]], { order: 'little-endian' })).toThrow(
      /terms\[1\]\.coefficient.*a real number.*not Hermitian/,
    );
    expect(() => PauliSum.parse('0.5 XX + (0.1+0.3j) ZZ', { order: 'little-endian' })).toThrow(/terms\[1\]\.coefficient.*imaginary part 0.3/);
    expect(() => PauliSum.parse('0.2j YY', { order: 'little-endian' })).toThrow(/not Hermitian/);
  });

  it('requires the wire order to be stated', () => {
    expect(() => PauliSum.fromTerms([['ZZ', 1]], {} as never)).toThrow(/invalid order.*"little-endian", "indexed"/);
  });

  it('expectation and H·ψ agree with the dense matrix on a random complex state', () => {
    const h = PauliSum.parse('0.3 XYZ - 0.7 ZZI + 0.2 YIY + 1.1 III - 0.4 IXX', { order: 'little-endian' });
    const s = new StateVector(3);
    for (let q = 0; q < 3; q++) {
      gates.ry(s, q, 0.4 + q);
      gates.rz(s, q, 0.9 - q);
    }
    gates.cnot(s, 0, 2);
    const m = h.denseMatrix();
    // ⟨ψ|M|ψ⟩ by hand
    let er = 0;
    const hr = new Float64Array(8);
    const hi = new Float64Array(8);
    for (let r = 0; r < 8; r++) {
      let ar = 0;
      let ai = 0;
      for (let c = 0; c < 8; c++) {
        ar += m.re[r * 8 + c] * s.re[c] - m.im[r * 8 + c] * s.im[c];
        ai += m.re[r * 8 + c] * s.im[c] + m.im[r * 8 + c] * s.re[c];
      }
      hr[r] = ar;
      hi[r] = ai;
      er += s.re[r] * ar + s.im[r] * ai;
    }
    expect(h.expectation(s)).toBeCloseTo(er, 13);
    const or = new Float64Array(8);
    const oi = new Float64Array(8);
    h.apply(s.re, s.im, or, oi);
    or.forEach((v, i) => expect(v).toBeCloseTo(hr[i], 13));
    oi.forEach((v, i) => expect(v).toBeCloseTo(hi[i], 13));
  });
});

describe('built-in molecules against published energies', () => {
  it('2-qubit H₂ (Qiskit, little-endian): ground −1.857275030 electronic, −1.137306036 total', () => {
    const m = molecule('h2-2q');
    expect(m.hamiltonian.toString()).toBe('-1.052373245772859 II + 0.39793742484318045 IZ - 0.39793742484318045 ZI - 0.01128010425623538 ZZ + 0.18093119978423156 XX');
    const g = groundState(m.hamiltonian);
    expect(g.energy).toBeCloseTo(-1.85727503, 8);
    expect(g.energy + H2_NUCLEAR_REPULSION).toBeCloseTo(-1.137306036, 8);
    expect(g.residual).toBeLessThan(1e-12);
  });

  it('4-qubit JW H₂ (PennyLane): 15 terms, ground −1.13618945, Hartree–Fock |1100⟩ −1.11734903', () => {
    const m = molecule('h2-4q');
    expect(m.hamiltonian.terms).toHaveLength(15);
    expect(groundState(m.hamiltonian).energy).toBeCloseTo(-1.13618945, 8);
    expect(m.hamiltonian.expectation(StateVector.fromOccupation([1, 1, 0, 0]))).toBeCloseTo(-1.11734903, 8);
  });

  it('4-qubit H₂ reproduces PennyLane’s integration value for RX(0.1·i) on wire i (0.7384971473437577)', () => {
    const c = new Circuit(4);
    for (let w = 0; w < 4; w++) c.rx(w, 0.1 * w);
    expect(molecule('h2-4q').hamiltonian.expectation(c.state([]))).toBeCloseTo(0.7384971473437577, 12);
  });

  it('4-qubit LiH active space: 27 terms; exact ground below Hartree–Fock', () => {
    const m = molecule('lih-4q');
    expect(m.hamiltonian.terms).toHaveLength(27);
    const e = groundState(m.hamiltonian).energy;
    expect(e).toBeCloseTo(-7.862128833, 8);
    expect(m.hamiltonian.expectation(StateVector.fromOccupation([1, 1, 0, 0]))).toBeCloseTo(-7.86186477, 8);
  });
});

describe('exact diagonalisation', () => {
  it('dense and Lanczos agree (6-qubit Ising chain, complex 5-qubit sum)', () => {
    const h = transverseFieldIsing(6, 0.8);
    const d = groundState(h, { method: 'dense' });
    const l = groundState(h, { method: 'lanczos' });
    expect(l.energy).toBeCloseTo(d.energy, 10);
    expect(l.state.fidelity(d.state)).toBeCloseTo(1, 8);
    const c = PauliSum.parse('0.3 XYZIX - 0.5 ZZIII + 0.7 YIYZI - 0.2 IIIYY + 0.1 ZIIIZ + 0.4 XIIII', { order: 'little-endian' });
    expect(groundState(c, { method: 'lanczos' }).energy).toBeCloseTo(groundState(c, { method: 'dense' }).energy, 10);
    expect(spectrum(c)).toHaveLength(32);
  });

  it('the GHZ chain has ground energy −n', () => {
    expect(groundState(ghzChain(8)).energy).toBeCloseTo(-8, 9);
  });

  it('the open Ising chain at h = 1 matches the free-fermion ground energy', () => {
    // critical open chain (h = J = 1), free fermions (Pfeuty 1970): E₀ = 1 − 1/sin(π/(2(2n + 1)))
    const n = 10;
    const exact = 1 - 1 / Math.sin(Math.PI / (2 * (2 * n + 1)));
    expect(groundState(transverseFieldIsing(n, 1)).energy).toBeCloseTo(exact, 9);
  });

  it('refuses more than 12 qubits', () => {
    expect(() => groundState(transverseFieldIsing(13, 1))).toThrow(/qubits: got 13; expected an integer in \[1, 12\]/);
  });
});
