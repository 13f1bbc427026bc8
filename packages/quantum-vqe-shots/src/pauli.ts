/**
 * Pauli-sum Hamiltonians H = Σ_t c_t P_t with real coefficients (so H is Hermitian) and
 * Pauli strings P_t stored as bit masks: qubit q carries I (x=0, z=0), X (1, 0), Y (1, 1) or Z (0, 1),
 * so that P|b⟩ = i^{#Y} (−1)^{popcount(b ∧ z)} |b ⊕ x⟩ (Y = iXZ).
 *
 * Wire order must be stated when parsing:
 *   'little-endian' — Qiskit labels: the rightmost letter acts on qubit 0 ("IZ" is Z on qubit 0);
 *   'indexed'       — OpenFermion/PennyLane style: "Z0 Z1", "X0 Y1 Z3" name each qubit.
 */
import { ParameterError, ParameterTypeError } from '@snrlab/core';
import { assertQubits } from './simulator/limits.js';
import type { StateVector } from './simulator/state.js';

export type WireOrder = 'little-endian' | 'indexed';
export const WIRE_ORDERS: readonly WireOrder[] = ['little-endian', 'indexed'];

export interface PauliTerm {
  readonly coefficient: number;
  /** Bit q set where qubit q carries X or Y. */
  readonly x: number;
  /** Bit q set where qubit q carries Z or Y. */
  readonly z: number;
}

/** A coefficient as given: a number, a numeric string, or a complex number {re, im} / [re, im]. */
export type CoefficientInput = number | string | { re: number; im: number } | [number, number];

export interface ParseOptions {
  /** How labels name qubits; required, so that a label is never read in the wrong order. */
  order: WireOrder;
  /** Number of qubits; inferred from the labels when omitted. */
  qubits?: number;
}

const LETTERS = 'IXYZ';
/** Imaginary parts below this are round-off and ignored; anything larger is refused. */
const IMAG_TOLERANCE = 1e-12;

/** Parity of the set bits of a 32-bit integer. */
export function parity(v: number): number {
  v ^= v >>> 16;
  v ^= v >>> 8;
  v ^= v >>> 4;
  return (0x6996 >>> (v & 0xf)) & 1;
}

export function popcount(v: number): number {
  v = v - ((v >>> 1) & 0x55555555);
  v = (v & 0x33333333) + ((v >>> 2) & 0x33333333);
  return (((v + (v >>> 4)) & 0x0f0f0f0f) * 0x01010101) >>> 24;
}

/** The letter on qubit q of a term. */
export function pauliLetter(t: PauliTerm, q: number): 'I' | 'X' | 'Y' | 'Z' {
  // index x + 2z: I (0,0), X (1,0), Z (0,1), Y (1,1)
  return 'IXZY'[((t.x >>> q) & 1) | (((t.z >>> q) & 1) << 1)] as 'I' | 'X' | 'Y' | 'Z';
}

/** Real coefficient of an input, refusing complex values (a Pauli sum is Hermitian only with real c). */
function realCoefficient(name: string, v: CoefficientInput): number {
  let re: number;
  let im = 0;
  if (typeof v === 'number') re = v;
  else if (typeof v === 'string') {
    const c = parseComplex(v.trim());
    if (!c) throw new ParameterTypeError(name, v, 'a real number');
    [re, im] = c;
  } else if (Array.isArray(v) && v.length === 2 && typeof v[0] === 'number' && typeof v[1] === 'number') [re, im] = v;
  else if (v && typeof v === 'object' && typeof (v as { re: unknown }).re === 'number' && typeof (v as { im: unknown }).im === 'number') {
    re = (v as { re: number }).re;
    im = (v as { im: number }).im;
  } else throw new ParameterTypeError(name, v, 'a real number');
  if (!Number.isFinite(re) || !Number.isFinite(im)) throw new ParameterError(name, v, 'a finite real number');
  if (Math.abs(im) > IMAG_TOLERANCE) {
    throw new ParameterError(name, v, 'a real number', `imaginary part ${im}: a Pauli sum with a complex coefficient is not Hermitian`);
  }
  return re;
}

/** "0.5", "-2e-3", "0.1j", "(0.5+0.1j)", "(1-2i)" → [re, im]; null if not a number. */
function parseComplex(s: string): [number, number] | null {
  let t = s.replace(/\s+/g, '');
  if (t.startsWith('(') && t.endsWith(')')) t = t.slice(1, -1);
  const num = '[+-]?(?:\\d+\\.?\\d*|\\.\\d+)(?:[eE][+-]?\\d+)?';
  let m = new RegExp(`^(${num})$`).exec(t);
  if (m) return [Number(m[1]), 0];
  m = new RegExp(`^(${num})[ij]$`).exec(t);
  if (m) return [0, Number(m[1])];
  m = new RegExp(`^(${num})(${num})[ij]$`).exec(t);
  if (m) return [Number(m[1]), Number(m[2])];
  if (/^[+-]?[ij]$/.test(t)) return [0, t.startsWith('-') ? -1 : 1];
  return null;
}

interface RawTerm {
  coefficient: number;
  x: number;
  z: number;
}

/** Masks of a little-endian label ("XZI": X on qubit 2, Z on qubit 1). */
function littleEndianMasks(name: string, label: string, qubits: number): { x: number; z: number } {
  if (label.length !== qubits) {
    throw new ParameterError(name, label, `a label of ${qubits} letters from I, X, Y, Z (one per qubit, qubit 0 rightmost)`, `it has ${label.length}`);
  }
  let x = 0;
  let z = 0;
  for (let k = 0; k < label.length; k++) {
    const q = qubits - 1 - k;
    const ch = label[k].toUpperCase();
    if (!LETTERS.includes(ch)) throw new ParameterError(name, label, 'letters I, X, Y, Z only', `bad letter '${label[k]}'`);
    if (ch === 'X' || ch === 'Y') x |= 1 << q;
    if (ch === 'Z' || ch === 'Y') z |= 1 << q;
  }
  return { x, z };
}

/** Factors of an indexed label ("X0 Y1 Z3", "Z0@Z1", "I", ""). Returns the masks and the largest index. */
function indexedMasks(name: string, label: string): { x: number; z: number; maxIndex: number } {
  const body = label.trim();
  let x = 0;
  let z = 0;
  let maxIndex = -1;
  if (body === '' || /^I\d*$/i.test(body)) return { x, z, maxIndex: /^I(\d+)$/i.test(body) ? Number(body.slice(1)) : -1 };
  const factors = body.split(/[\s@*]+/).filter((f) => f !== '');
  const seen = new Set<number>();
  for (const f of factors) {
    const m = /^([A-Za-z])(\d+)$/.exec(f);
    if (!m) throw new ParameterError(name, label, 'factors like "X0 Y1 Z3" (a letter I, X, Y, Z followed by a qubit index)', `bad factor '${f}'`);
    const ch = m[1].toUpperCase();
    if (!LETTERS.includes(ch)) throw new ParameterError(name, label, 'letters I, X, Y, Z only', `bad letter '${m[1]}'`);
    const q = Number(m[2]);
    if (q > 23) throw new ParameterError(name, label, 'qubit indices in [0, 23]', `index ${q}`);
    if (seen.has(q)) throw new ParameterError(name, label, 'each qubit named at most once', `qubit ${q} repeated`);
    seen.add(q);
    maxIndex = Math.max(maxIndex, q);
    if (ch === 'X' || ch === 'Y') x |= 1 << q;
    if (ch === 'Z' || ch === 'Y') z |= 1 << q;
  }
  return { x, z, maxIndex };
}

/** Split "0.5 XX - 1e-3 ZI + (0.1+0j) * YY" into signed term strings, respecting exponents and parentheses. */
function splitTerms(text: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (ch === '(') depth++;
    else if (ch === ')') depth--;
    else if ((ch === '+' || ch === '-') && depth === 0 && i > start) {
      const prev = text.slice(start, i).trimEnd();
      const exponent = /[0-9.][eE]$/.test(prev) && i > 0 && /[eE]/.test(text[i - 1]);
      if (!exponent && prev.trim() !== '' && !/[+\-*]$/.test(prev)) {
        out.push(text.slice(start, i));
        start = i;
      }
    }
  }
  out.push(text.slice(start));
  return out.map((s) => s.trim()).filter((s) => s !== '');
}

export class PauliSum {
  readonly qubits: number;
  readonly terms: readonly PauliTerm[];

  /** Terms with equal strings are merged (coefficients added), keeping the first one's position. */
  constructor(qubits: number, terms: readonly PauliTerm[]) {
    assertQubits('qubits', qubits);
    const merged: { coefficient: number; x: number; z: number }[] = [];
    const index = new Map<number, number>();
    const limit = 2 ** qubits;
    for (let i = 0; i < terms.length; i++) {
      const t = terms[i];
      if (!Number.isFinite(t.coefficient)) throw new ParameterError(`terms[${i}].coefficient`, t.coefficient, 'a finite real number');
      if (t.x < 0 || t.z < 0 || t.x >= limit || t.z >= limit) throw new ParameterError(`terms[${i}]`, t, `masks below 2^${qubits}`);
      const key = t.x * limit + t.z;
      const k = index.get(key);
      if (k === undefined) {
        index.set(key, merged.length);
        merged.push({ coefficient: t.coefficient, x: t.x, z: t.z });
      } else merged[k].coefficient += t.coefficient;
    }
    this.qubits = qubits;
    this.terms = merged.map((t) => Object.freeze(t));
  }

  /**
   * Parse "−1.05 II + 0.39 IZ − 0.39 ZI" (order 'little-endian') or "0.17 Z0 + 0.04 X0 X1 Y2 Y3"
   * (order 'indexed'). A coefficient may be written "(0.5+0j)"; a non-zero imaginary part is refused.
   */
  static parse(text: string, options: ParseOptions): PauliSum {
    if (typeof text !== 'string') throw new ParameterTypeError('hamiltonian', text, 'a string like "0.5 XX - 0.2 ZI"');
    const pairs: [string, CoefficientInput][] = [];
    const chunks = splitTerms(text);
    if (chunks.length === 0) throw new ParameterError('hamiltonian', text, 'at least one term');
    for (let i = 0; i < chunks.length; i++) {
      const m = /^([+-]?)\s*(\([^)]*\)|(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?[ij]?)?\s*\*?\s*(.*)$/.exec(chunks[i]);
      if (!m) throw new ParameterError(`terms[${i}]`, chunks[i], 'a coefficient followed by a Pauli label');
      const sign = m[1] === '-' ? -1 : 1;
      const coefText = m[2] ?? '1';
      const c = parseComplex(coefText);
      if (!c) throw new ParameterError(`terms[${i}].coefficient`, coefText, 'a real number');
      if (Math.abs(c[1]) > IMAG_TOLERANCE) {
        throw new ParameterError(`terms[${i}].coefficient`, coefText, 'a real number', `imaginary part ${c[1]}: a Pauli sum with a complex coefficient is not Hermitian`);
      }
      pairs.push([m[3].trim(), sign * c[0]]);
    }
    return PauliSum.fromTerms(pairs, options);
  }

  /** Build from [label, coefficient] pairs in the stated wire order. */
  static fromTerms(pairs: readonly (readonly [string, CoefficientInput])[], options: ParseOptions): PauliSum {
    if (!options || !WIRE_ORDERS.includes(options.order)) {
      throw new ParameterError('order', options?.order, `one of ${WIRE_ORDERS.map((o) => JSON.stringify(o)).join(', ')} (say which qubit each letter acts on)`);
    }
    if (!Array.isArray(pairs) || pairs.length === 0) throw new ParameterError('terms', pairs, 'a non-empty list of [label, coefficient] pairs');
    const raw: RawTerm[] = [];
    let qubits = options.qubits;
    if (qubits !== undefined) assertQubits('qubits', qubits);
    if (options.order === 'little-endian') {
      if (qubits === undefined) {
        const first = pairs.find(([l]) => l.trim() !== '');
        if (!first) throw new ParameterError('terms', pairs, 'at least one Pauli label to fix the qubit count (or give qubits)');
        qubits = first[0].trim().length;
        assertQubits('qubits (label length)', qubits);
      }
      for (let i = 0; i < pairs.length; i++) {
        const [label, coef] = pairs[i];
        if (typeof label !== 'string') throw new ParameterTypeError(`terms[${i}].label`, label, 'a string');
        const coefficient = realCoefficient(`terms[${i}].coefficient`, coef);
        const l = label.trim();
        const { x, z } = l === '' ? { x: 0, z: 0 } : littleEndianMasks(`terms[${i}].label`, l, qubits);
        raw.push({ coefficient, x, z });
      }
    } else {
      let maxIndex = -1;
      const parsed = pairs.map(([label, coef], i) => {
        if (typeof label !== 'string') throw new ParameterTypeError(`terms[${i}].label`, label, 'a string');
        const coefficient = realCoefficient(`terms[${i}].coefficient`, coef);
        const m = indexedMasks(`terms[${i}].label`, label);
        maxIndex = Math.max(maxIndex, m.maxIndex);
        return { coefficient, x: m.x, z: m.z, maxIndex: m.maxIndex, label };
      });
      if (qubits === undefined) qubits = Math.max(1, maxIndex + 1);
      assertQubits('qubits', qubits);
      for (let i = 0; i < parsed.length; i++) {
        if (parsed[i].maxIndex >= qubits) {
          throw new ParameterError(`terms[${i}].label`, parsed[i].label, `qubit indices in [0, ${qubits - 1}]`);
        }
        raw.push({ coefficient: parsed[i].coefficient, x: parsed[i].x, z: parsed[i].z });
      }
    }
    return new PauliSum(qubits, raw);
  }

  /** Label of term t: little-endian ("IZ") or indexed ("Z0"; "I" for the identity). */
  label(t: PauliTerm, order: WireOrder = 'little-endian'): string {
    if (order === 'little-endian') {
      let s = '';
      for (let q = this.qubits - 1; q >= 0; q--) s += pauliLetter(t, q);
      return s;
    }
    const f: string[] = [];
    for (let q = 0; q < this.qubits; q++) {
      const l = pauliLetter(t, q);
      if (l !== 'I') f.push(`${l}${q}`);
    }
    return f.length ? f.join(' ') : 'I';
  }

  toString(order: WireOrder = 'little-endian'): string {
    return this.terms
      .map((t, i) => {
        const c = t.coefficient;
        const sign = i === 0 ? (c < 0 ? '-' : '') : c < 0 ? '- ' : '+ ';
        return `${sign}${Math.abs(c)} ${this.label(t, order)}`;
      })
      .join(' ');
  }

  /** Sum of the identity terms' coefficients. */
  get constant(): number {
    let c = 0;
    for (const t of this.terms) if (t.x === 0 && t.z === 0) c += t.coefficient;
    return c;
  }

  /** Σ |c_t| over the non-identity terms: a bound on the spread of single-shot energies. */
  get oneNorm(): number {
    let s = 0;
    for (const t of this.terms) if (t.x !== 0 || t.z !== 0) s += Math.abs(t.coefficient);
    return s;
  }

  /** A copy with every coefficient multiplied by `factor` and `shift` added to the identity. */
  scaled(factor: number, shift = 0): PauliSum {
    const terms: PauliTerm[] = this.terms.map((t) => ({ coefficient: t.coefficient * factor, x: t.x, z: t.z }));
    if (shift !== 0) terms.push({ coefficient: shift, x: 0, z: 0 });
    return new PauliSum(this.qubits, terms);
  }

  private checkState(state: StateVector): void {
    if (state.qubits !== this.qubits) throw new ParameterError('state.qubits', state.qubits, `${this.qubits} (the Hamiltonian's qubit count)`);
  }

  /** ⟨ψ|P_t|ψ⟩ for one term (exact). */
  termExpectation(state: StateVector, t: PauliTerm): number {
    this.checkState(state);
    return pauliExpectation(state.re, state.im, t.x, t.z);
  }

  /** ⟨ψ|H|ψ⟩ (exact, no allocation). */
  expectation(state: StateVector): number {
    this.checkState(state);
    let e = 0;
    for (const t of this.terms) {
      e += t.x === 0 && t.z === 0 ? t.coefficient : t.coefficient * pauliExpectation(state.re, state.im, t.x, t.z);
    }
    return e;
  }

  /** out = H ψ for complex vectors given as (re, im) arrays of length 2^n (out must not alias the input). */
  apply(inRe: Float64Array, inIm: Float64Array, outRe: Float64Array, outIm: Float64Array): void {
    outRe.fill(0);
    outIm.fill(0);
    const dim = 2 ** this.qubits;
    for (const t of this.terms) {
      const nY = popcount(t.x & t.z) & 3;
      // phase i^{nY}
      const pr = nY === 0 ? 1 : nY === 2 ? -1 : 0;
      const pi = nY === 1 ? 1 : nY === 3 ? -1 : 0;
      const c = t.coefficient;
      const x = t.x;
      const z = t.z;
      for (let b = 0; b < dim; b++) {
        const s = parity(b & z) ? -c : c;
        const ar = inRe[b];
        const ai = inIm[b];
        const j = b ^ x;
        outRe[j] += s * (pr * ar - pi * ai);
        outIm[j] += s * (pr * ai + pi * ar);
      }
    }
  }

  /** The dense matrix (row-major, real and imaginary parts) for small n. */
  denseMatrix(): { re: Float64Array; im: Float64Array; dim: number } {
    if (this.qubits > 12) throw new ParameterError('qubits', this.qubits, 'at most 12 for a dense matrix');
    const dim = 2 ** this.qubits;
    const re = new Float64Array(dim * dim);
    const im = new Float64Array(dim * dim);
    for (const t of this.terms) {
      const nY = popcount(t.x & t.z) & 3;
      const pr = nY === 0 ? 1 : nY === 2 ? -1 : 0;
      const pi = nY === 1 ? 1 : nY === 3 ? -1 : 0;
      for (let b = 0; b < dim; b++) {
        const s = parity(b & t.z) ? -t.coefficient : t.coefficient;
        const row = b ^ t.x;
        re[row * dim + b] += s * pr;
        im[row * dim + b] += s * pi;
      }
    }
    return { re, im, dim };
  }
}

/** ⟨ψ|P|ψ⟩ for the Pauli string with masks (x, z). */
export function pauliExpectation(re: Float64Array, im: Float64Array, x: number, z: number): number {
  const dim = re.length;
  if (x === 0) {
    let s = 0;
    for (let b = 0; b < dim; b++) {
      const p = re[b] * re[b] + im[b] * im[b];
      s += parity(b & z) ? -p : p;
    }
    return s;
  }
  // Σ_b conj(ψ_{b⊕x}) (−1)^{popcount(b∧z)} ψ_b, times i^{#Y}
  let sr = 0;
  let si = 0;
  for (let b = 0; b < dim; b++) {
    const j = b ^ x;
    const cr = re[j] * re[b] + im[j] * im[b];
    const ci = re[j] * im[b] - im[j] * re[b];
    if (parity(b & z)) {
      sr -= cr;
      si -= ci;
    } else {
      sr += cr;
      si += ci;
    }
  }
  const nY = popcount(x & z) & 3;
  return nY === 0 ? sr : nY === 1 ? -si : nY === 2 ? -sr : si;
}
