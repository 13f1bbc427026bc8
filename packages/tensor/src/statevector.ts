/**
 * Statevector kernels, js (float64, the reference):
 * - `statevectorLayerJS`: a layer of gates on a batch of statevectors, in place. The gate loops
 *   are those of @snrlab/quantum-vqe-shots' simulator (simulator/gates.ts), with the same
 *   arithmetic in the same order, so a layer gives the simulator's bytes (its test checks this).
 * - `shotSampleJS`: measurement counts by integer thresholds. Row r's float64 CDF is cut into
 *   32-bit thresholds T_j = ⌊2³²·cdf_j/total⌋ (see `shotThresholds`); shot s of sample b reads
 *   word s w of stream child(first + b) and lands on the first outcome j with T_j > w (the last
 *   outcome of positive probability if none). Each outcome's probability is its float64 one to
 *   within 2⁻³², and zero-probability outcomes are never drawn. The webgpu kernel runs the same
 *   integer algorithm on the same Philox words, so its counts are bit-identical.
 */
import { assertInteger, ParameterError } from '@snrlab/core';
import type { ShotSampleArgs, StatevectorGate, StatevectorLayerArgs } from './kernel-types.js';
import { toStream } from './streams.js';

const SQRT1_2 = Math.SQRT1_2;
export const MAX_STATEVECTOR_QUBITS = 30;

/** A gate's parameter for batch element b. */
function paramOf(p: number | { param: number }, a: StatevectorLayerArgs, b: number, name: string): number {
  if (typeof p === 'number') return p;
  const k = p.param;
  const np = a.nParams ?? 0;
  if (!a.params || !Number.isInteger(k) || k < 0 || k >= np) throw new ParameterError(`${name}.param`, k, `an integer in [0, nParams = ${np})`);
  return a.params[b * np + k];
}

/** The 2×2 complex matrix of gate g for batch element b, or null for the two-qubit gates. */
export function gateMatrix(g: StatevectorGate, a: StatevectorLayerArgs, b: number, name = 'gate'): number[] | null {
  switch (g.gate) {
    case 'h':
      return [SQRT1_2, 0, SQRT1_2, 0, SQRT1_2, 0, -SQRT1_2, 0];
    case 'x':
      return [0, 0, 1, 0, 1, 0, 0, 0];
    case 'y':
      return [0, 0, 0, -1, 0, 1, 0, 0];
    case 'z':
      return [1, 0, 0, 0, 0, 0, -1, 0];
    case 's':
      return [1, 0, 0, 0, 0, 0, 0, 1];
    case 'sdg':
      return [1, 0, 0, 0, 0, 0, 0, -1];
    case 't':
      return [1, 0, 0, 0, 0, 0, SQRT1_2, SQRT1_2];
    case 'rx': {
      const t = paramOf(g.theta, a, b, name);
      const c = Math.cos(t / 2);
      const s = Math.sin(t / 2);
      return [c, 0, 0, -s, 0, -s, c, 0];
    }
    case 'ry': {
      const t = paramOf(g.theta, a, b, name);
      const c = Math.cos(t / 2);
      const s = Math.sin(t / 2);
      return [c, 0, -s, 0, s, 0, c, 0];
    }
    case 'rz': {
      const t = paramOf(g.theta, a, b, name);
      const c = Math.cos(t / 2);
      const s = Math.sin(t / 2);
      return [c, -s, 0, 0, 0, 0, c, s];
    }
    case 'u': {
      if (Array.isArray(g.matrix)) {
        if (g.matrix.length !== 8) throw new ParameterError(`${name}.matrix.length`, g.matrix.length, '8 (u00r, u00i, u01r, u01i, u10r, u10i, u11r, u11i)');
        return [...g.matrix];
      }
      const k = (g.matrix as { param: number }).param;
      const np = a.nParams ?? 0;
      if (!a.params || !Number.isInteger(k) || k < 0 || k + 8 > np) throw new ParameterError(`${name}.matrix.param`, k, `an integer in [0, nParams − 8 = ${np - 8}]`);
      return Array.from({ length: 8 }, (_, i) => a.params![b * np + k + i]);
    }
    default:
      return null;
  }
}

const ONE_QUBIT = new Set(['h', 'x', 'y', 'z', 's', 'sdg', 't', 'rx', 'ry', 'rz', 'u']);
const TWO_QUBIT = new Set(['cnot', 'cz', 'swap']);

export function checkStatevectorLayer(a: StatevectorLayerArgs): number {
  assertInteger('qubits', a.qubits, { min: 1, max: MAX_STATEVECTOR_QUBITS });
  assertInteger('batch', a.batch, { min: 1 });
  const dim = 2 ** a.qubits;
  if (a.re.length !== a.batch * dim) throw new ParameterError('re.length', a.re.length, `batch·2^qubits = ${a.batch * dim}`);
  if (a.im.length !== a.re.length) throw new ParameterError('im.length', a.im.length, `re.length = ${a.re.length}`);
  const np = a.nParams ?? 0;
  assertInteger('nParams', np, { min: 0 });
  if (np > 0 && (!a.params || a.params.length !== a.batch * np)) throw new ParameterError('params.length', a.params?.length, `batch·nParams = ${a.batch * np}`);
  checkGates(a.gates, a.qubits);
  return dim;
}

/** Gate names and wires (parameters are checked where they are read). */
export function checkGates(gates: readonly StatevectorGate[], qubits: number): void {
  if (!Array.isArray(gates)) throw new ParameterError('gates', gates, 'an array of gates');
  gates.forEach((g, i) => {
    const name = `gates[${i}]`;
    const one = ONE_QUBIT.has(g.gate);
    if (!one && !TWO_QUBIT.has(g.gate)) throw new ParameterError(`${name}.gate`, g.gate, `one of ${[...ONE_QUBIT, ...TWO_QUBIT].join(', ')}`);
    const w = g.wires;
    if (!Array.isArray(w) || w.length !== (one ? 1 : 2)) throw new ParameterError(`${name}.wires`, w, one ? 'one wire' : 'two wires');
    for (const q of w) if (!Number.isInteger(q) || q < 0 || q >= qubits) throw new ParameterError(`${name}.wires`, q, `an integer in [0, ${qubits - 1}]`);
    if (!one && w[0] === w[1]) throw new ParameterError(`${name}.wires`, w, 'two distinct wires');
  });
}

// ---- the single-qubit loops, on one state at offset o: the statevector simulator of
// @snrlab/quantum-vqe-shots calls these (o = 0), so a gate exists once -----------------------------

/** A general single-qubit unitary [[u00, u01], [u10, u11]] (complex entries as re/im pairs). */
export function svMatrix1(re: Float64Array, im: Float64Array, o: number, dim: number, q: number, u00r: number, u00i: number, u01r: number, u01i: number, u10r: number, u10i: number, u11r: number, u11i: number): void {
  const stride = 1 << q;
  for (let base = o; base < o + dim; base += stride << 1) {
    const end = base + stride;
    for (let i = base; i < end; i++) {
      const j = i + stride;
      const ar = re[i];
      const ai = im[i];
      const br = re[j];
      const bi = im[j];
      re[i] = u00r * ar - u00i * ai + u01r * br - u01i * bi;
      im[i] = u00r * ai + u00i * ar + u01r * bi + u01i * br;
      re[j] = u10r * ar - u10i * ai + u11r * br - u11i * bi;
      im[j] = u10r * ai + u10i * ar + u11r * bi + u11i * br;
    }
  }
}

/**
 * The real rotation [[c, −s], [s, c]] of the amplitude pair (i, j), in place: the body of every
 * real-rotation loop (RY here; the Givens rotations SingleExcitation and DoubleExcitation of
 * @snrlab/quantum-vqe-shots' simulator on their pairs of basis states).
 */
export function svRotatePair(re: Float64Array, im: Float64Array, i: number, j: number, c: number, sn: number): void {
  const ar = re[i];
  const br = re[j];
  re[i] = c * ar - sn * br;
  re[j] = sn * ar + c * br;
  const ai = im[i];
  const bi = im[j];
  im[i] = c * ai - sn * bi;
  im[j] = sn * ai + c * bi;
}

/** A real rotation [[c, −s], [s, c]]: RY(θ) with c = cos θ/2, s = sin θ/2. */
export function svRealRotation(re: Float64Array, im: Float64Array, o: number, dim: number, q: number, c: number, sn: number): void {
  const stride = 1 << q;
  for (let base = o; base < o + dim; base += stride << 1) {
    const end = base + stride;
    for (let i = base; i < end; i++) svRotatePair(re, im, i, i + stride, c, sn);
  }
}

/** RX(θ) = [[c, −is], [−is, c]]. */
export function svRx(re: Float64Array, im: Float64Array, o: number, dim: number, q: number, theta: number): void {
  const c = Math.cos(theta / 2);
  const sn = Math.sin(theta / 2);
  const stride = 1 << q;
  for (let base = o; base < o + dim; base += stride << 1) {
    const end = base + stride;
    for (let i = base; i < end; i++) {
      const j = i + stride;
      const ar = re[i];
      const ai = im[i];
      const br = re[j];
      const bi = im[j];
      re[i] = c * ar + sn * bi;
      im[i] = c * ai - sn * br;
      re[j] = sn * ai + c * br;
      im[j] = c * bi - sn * ar;
    }
  }
}

/** Multiply amplitudes with bit q = 0 by (c0r + i c0i) and those with bit q = 1 by (c1r + i c1i). */
export function svDiagonal1(re: Float64Array, im: Float64Array, o: number, dim: number, q: number, c0r: number, c0i: number, c1r: number, c1i: number): void {
  const stride = 1 << q;
  const skip0 = c0r === 1 && c0i === 0;
  for (let base = o; base < o + dim; base += stride << 1) {
    const end = base + stride;
    if (!skip0) {
      for (let i = base; i < end; i++) {
        const ar = re[i];
        const ai = im[i];
        re[i] = c0r * ar - c0i * ai;
        im[i] = c0r * ai + c0i * ar;
      }
    }
    for (let j = end; j < end + stride; j++) {
      const br = re[j];
      const bi = im[j];
      re[j] = c1r * br - c1i * bi;
      im[j] = c1r * bi + c1i * br;
    }
  }
}

export function svHadamard(re: Float64Array, im: Float64Array, o: number, dim: number, q: number): void {
  const stride = 1 << q;
  for (let base = o; base < o + dim; base += stride << 1) {
    const end = base + stride;
    for (let i = base; i < end; i++) {
      const j = i + stride;
      const ar = re[i];
      const br = re[j];
      re[i] = SQRT1_2 * (ar + br);
      re[j] = SQRT1_2 * (ar - br);
      const ai = im[i];
      const bi = im[j];
      im[i] = SQRT1_2 * (ai + bi);
      im[j] = SQRT1_2 * (ai - bi);
    }
  }
}

export function svPauliX(re: Float64Array, im: Float64Array, o: number, dim: number, q: number): void {
  const stride = 1 << q;
  for (let base = o; base < o + dim; base += stride << 1) {
    const end = base + stride;
    for (let i = base; i < end; i++) {
      const j = i + stride;
      const tr = re[i];
      re[i] = re[j];
      re[j] = tr;
      const ti = im[i];
      im[i] = im[j];
      im[j] = ti;
    }
  }
}

/** Y|0⟩ = i|1⟩, Y|1⟩ = −i|0⟩. */
export function svPauliY(re: Float64Array, im: Float64Array, o: number, dim: number, q: number): void {
  const stride = 1 << q;
  for (let base = o; base < o + dim; base += stride << 1) {
    const end = base + stride;
    for (let i = base; i < end; i++) {
      const j = i + stride;
      const ar = re[i];
      const ai = im[i];
      re[i] = im[j];
      im[i] = -re[j];
      re[j] = -ai;
      im[j] = ar;
    }
  }
}

/*
 * CNOT, CZ and SWAP visit every index whose bits lo < hi are both clear with three nested loops
 * (blocks above hi, blocks between, the run below lo), so no index arithmetic per amplitude.
 */

export function svCnot(re: Float64Array, im: Float64Array, o: number, dim: number, control: number, target: number): void {
  const nLo = 1 << Math.min(control, target);
  const nHi = 1 << Math.max(control, target);
  const cBit = 1 << control;
  const tBit = 1 << target;
  for (let a = o; a < o + dim; a += nHi << 1) {
    for (let b = a; b < a + nHi; b += nLo << 1) {
      const end = b + nLo;
      for (let i0 = b; i0 < end; i0++) {
        const i = i0 | cBit;
        const j = i | tBit;
        const tr = re[i];
        re[i] = re[j];
        re[j] = tr;
        const ti = im[i];
        im[i] = im[j];
        im[j] = ti;
      }
    }
  }
}

export function svCz(re: Float64Array, im: Float64Array, o: number, dim: number, w0: number, w1: number): void {
  const nLo = 1 << Math.min(w0, w1);
  const nHi = 1 << Math.max(w0, w1);
  const both = nLo | nHi;
  for (let a = o; a < o + dim; a += nHi << 1) {
    for (let b = a; b < a + nHi; b += nLo << 1) {
      const end = b + nLo;
      for (let i0 = b; i0 < end; i0++) {
        const i = i0 | both;
        re[i] = -re[i];
        im[i] = -im[i];
      }
    }
  }
}

export function svSwap(re: Float64Array, im: Float64Array, o: number, dim: number, w0: number, w1: number): void {
  const nLo = 1 << Math.min(w0, w1);
  const nHi = 1 << Math.max(w0, w1);
  for (let a = o; a < o + dim; a += nHi << 1) {
    for (let b = a; b < a + nHi; b += nLo << 1) {
      const end = b + nLo;
      for (let i0 = b; i0 < end; i0++) {
        const i = i0 | nLo;
        const j = i0 | nHi;
        const tr = re[i];
        re[i] = re[j];
        re[j] = tr;
        const ti = im[i];
        im[i] = im[j];
        im[j] = ti;
      }
    }
  }
}

/** A layer of gates on each state of the batch (float64; the simulator's loops and bytes). */
export function statevectorLayerJS(a: StatevectorLayerArgs): void {
  const dim = checkStatevectorLayer(a);
  const { re, im } = a;
  for (let b = 0; b < a.batch; b++) {
    const o = b * dim;
    a.gates.forEach((g, gi) => {
      const q = g.wires[0];
      switch (g.gate) {
        case 'h':
          return svHadamard(re, im, o, dim, q);
        case 'x':
          return svPauliX(re, im, o, dim, q);
        case 'y':
          return svPauliY(re, im, o, dim, q);
        case 'z':
          return svDiagonal1(re, im, o, dim, q, 1, 0, -1, 0);
        case 's':
          return svDiagonal1(re, im, o, dim, q, 1, 0, 0, 1);
        case 'sdg':
          return svDiagonal1(re, im, o, dim, q, 1, 0, 0, -1);
        case 't':
          return svDiagonal1(re, im, o, dim, q, 1, 0, SQRT1_2, SQRT1_2);
        case 'rx':
          return svRx(re, im, o, dim, q, paramOf(g.theta, a, b, `gates[${gi}]`));
        case 'ry': {
          const t = paramOf(g.theta, a, b, `gates[${gi}]`);
          return svRealRotation(re, im, o, dim, q, Math.cos(t / 2), Math.sin(t / 2));
        }
        case 'rz': {
          const t = paramOf(g.theta, a, b, `gates[${gi}]`);
          const c = Math.cos(t / 2);
          const sn = Math.sin(t / 2);
          return svDiagonal1(re, im, o, dim, q, c, -sn, c, sn);
        }
        case 'u': {
          const u = gateMatrix(g, a, b, `gates[${gi}]`)!;
          return svMatrix1(re, im, o, dim, q, u[0], u[1], u[2], u[3], u[4], u[5], u[6], u[7]);
        }
        case 'cnot':
          return svCnot(re, im, o, dim, g.wires[0], g.wires[1]);
        case 'cz':
          return svCz(re, im, o, dim, g.wires[0], g.wires[1]);
        case 'swap':
          return svSwap(re, im, o, dim, g.wires[0], g.wires[1]);
      }
    });
  }
}

// ---- shot sampling ---------------------------------------------------------------------------

export interface ShotPlan {
  B: number;
  rows: Int32Array;
  shots: Uint32Array;
  P: number;
}

export function checkShotSample(a: ShotSampleArgs): ShotPlan {
  assertInteger('dim', a.dim, { min: 1 });
  if (a.probabilities.length % a.dim !== 0 || a.probabilities.length === 0) throw new ParameterError('probabilities.length', a.probabilities.length, `a positive multiple of dim = ${a.dim}`);
  const P = a.probabilities.length / a.dim;
  const B = a.samples ?? (a.rows ? a.rows.length : typeof a.shots === 'number' ? P : a.shots.length);
  assertInteger('samples', B, { min: 1 });
  const rows = new Int32Array(B);
  for (let b = 0; b < B; b++) {
    const r = a.rows ? a.rows[b] : b;
    if (!Number.isInteger(r) || r < 0 || r >= P) throw new ParameterError(`rows[${b}]`, r, `an integer in [0, ${P - 1}] (a probability row)`);
    rows[b] = r;
  }
  const shots = new Uint32Array(B);
  for (let b = 0; b < B; b++) {
    const n = typeof a.shots === 'number' ? a.shots : a.shots[b];
    assertInteger(typeof a.shots === 'number' ? 'shots' : `shots[${b}]`, n, { min: 0, max: 4 * 0xffffffff });
    shots[b] = n;
  }
  if (typeof a.shots !== 'number' && a.shots.length !== B) throw new ParameterError('shots.length', a.shots.length, `samples = ${B}`);
  return { B, rows, shots, P };
}

/**
 * 32-bit thresholds of each probability row: T_j = min(2³² − 1, ⌊2³²·cdf_j/total⌋) for j below the
 * row's last outcome of positive probability L (written to `last`), from the float64 CDF.
 * Outcome j < L is drawn when T_{j−1} ≤ w < T_j (T_{−1} = 0), L when w ≥ T_{L−1}.
 */
export function shotThresholds(p: Float64Array, dim: number): { T: Uint32Array; last: Uint32Array } {
  const P = p.length / dim;
  const T = new Uint32Array(p.length);
  const last = new Uint32Array(P);
  for (let r = 0; r < P; r++) {
    const o = r * dim;
    let total = 0;
    let L = -1;
    for (let j = 0; j < dim; j++) {
      const v = p[o + j];
      if (!(v >= 0) || !Number.isFinite(v)) throw new ParameterError(`probabilities[${o + j}]`, v, 'a finite, non-negative number');
      total += v;
      if (v > 0) L = j;
    }
    if (L < 0) throw new ParameterError(`probabilities (row ${r})`, 0, 'a row with a positive total');
    last[r] = L;
    let cdf = 0;
    for (let j = 0; j < dim; j++) {
      cdf += p[o + j];
      T[o + j] = j >= L ? 0xffffffff : Math.min(0xffffffff, Math.floor((cdf / total) * 4294967296));
    }
  }
  return { T, last };
}

/** The outcome of word w against thresholds T[o .. o + L) (binary search), L if w ≥ all of them. */
export function outcomeOf(T: Uint32Array, o: number, L: number, w: number): number {
  let lo = 0;
  let hi = L;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (T[o + mid] > w) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

export function shotSampleJS(a: ShotSampleArgs): Uint32Array {
  const plan = checkShotSample(a);
  const { T, last } = shotThresholds(a.probabilities, a.dim);
  const s = toStream(a.stream);
  const first = a.first ?? 0;
  const out = new Uint32Array(plan.B * a.dim);
  for (let b = 0; b < plan.B; b++) {
    const c = s.child(first + b);
    const r = plan.rows[b];
    const o = r * a.dim;
    for (let k = 0; k < plan.shots[b]; k++) out[b * a.dim + outcomeOf(T, o, last[r], c.nextUint32())]++;
  }
  return out;
}
