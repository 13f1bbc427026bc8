/**
 * Exact reference energies for n ≤ 12 qubits: dense diagonalisation (core's symmetricEigen, ml-matrix's tred2/tql2) for small
 * Hamiltonians, Lanczos with full reorthogonalisation above. A complex Hermitian H = A + iB is
 * diagonalised densely through the real symmetric embedding [[A, −B], [B, A]], whose spectrum is
 * that of H with every eigenvalue twice.
 */
import { ParameterError, Stream, assertOneOf, symmetricEigen } from '@snrlab/core';
import type { PauliSum } from './pauli.js';
import { StateVector } from './simulator/state.js';

export const MAX_EXACT_QUBITS = 12;
/** Dense diagonalisation up to this many qubits (a 2^n × 2^n matrix, doubled if complex). */
export const DENSE_QUBITS = 7;

export type ExactMethod = 'auto' | 'dense' | 'lanczos';

export interface GroundState {
  energy: number;
  state: StateVector;
  method: 'dense' | 'lanczos';
  /** Lanczos iterations (0 for dense). */
  iterations: number;
  /** ‖Hψ − Eψ‖ of the returned state. */
  residual: number;
}

export interface ExactOptions {
  method?: ExactMethod;
  /** Lanczos stops when ‖Hψ − θψ‖ < tolerance·max(1, |θ|). */
  tolerance?: number;
  maxIterations?: number;
}

function checkSize(h: PauliSum): void {
  if (h.qubits > MAX_EXACT_QUBITS) {
    throw new ParameterError('qubits', h.qubits, `an integer in [1, ${MAX_EXACT_QUBITS}] for exact diagonalisation`);
  }
}

function isReal(m: { im: Float64Array }): boolean {
  for (let i = 0; i < m.im.length; i++) if (m.im[i] !== 0) return false;
  return true;
}

/** All eigenvalues, ascending (dense; n ≤ 7). */
export function spectrum(h: PauliSum): Float64Array {
  checkSize(h);
  if (h.qubits > DENSE_QUBITS) throw new ParameterError('qubits', h.qubits, `an integer in [1, ${DENSE_QUBITS}] for a dense spectrum`);
  return dense(h).values;
}

function dense(h: PauliSum): { values: Float64Array; vector: StateVector } {
  const m = h.denseMatrix();
  const d = m.dim;
  const real = isReal(m);
  const size = real ? d : 2 * d;
  const a = new Float64Array(size * size);
  for (let r = 0; r < d; r++) {
    for (let c = 0; c < d; c++) {
      const vr = m.re[r * d + c];
      a[r * size + c] = vr;
      if (!real) {
        const vi = m.im[r * d + c];
        a[(r + d) * size + c + d] = vr;
        a[r * size + c + d] = -vi;
        a[(r + d) * size + c] = vi;
      }
    }
  }
  const evd = symmetricEigen(a, size);
  const all = evd.values;
  let k = 0;
  for (let i = 1; i < all.length; i++) if (all[i] < all[k]) k = i;
  const re = new Float64Array(d);
  const im = new Float64Array(d);
  for (let i = 0; i < d; i++) {
    re[i] = evd.vectors[i * size + k];
    im[i] = real ? 0 : evd.vectors[(i + d) * size + k];
  }
  const sortedValues = Float64Array.from(all).sort();
  // the complex embedding repeats each eigenvalue: keep every other one
  const values = real ? sortedValues : sortedValues.filter((_, i) => i % 2 === 0);
  return { values, vector: new StateVector(h.qubits).setAmplitudes(re, im) };
}

function residualOf(h: PauliSum, s: StateVector, e: number): number {
  const hr = new Float64Array(s.dim);
  const hi = new Float64Array(s.dim);
  h.apply(s.re, s.im, hr, hi);
  let r = 0;
  for (let i = 0; i < s.dim; i++) {
    const a = hr[i] - e * s.re[i];
    const b = hi[i] - e * s.im[i];
    r += a * a + b * b;
  }
  return Math.sqrt(r);
}

/** Lowest eigenpair of the symmetric tridiagonal matrix (alpha on the diagonal, beta off it). */
function tridiagonalLowest(alpha: number[], beta: number[]): { value: number; vector: number[] } {
  const k = alpha.length;
  const t = new Float64Array(k * k);
  for (let i = 0; i < k; i++) {
    t[i * k + i] = alpha[i];
    if (i + 1 < k) {
      t[i * k + i + 1] = beta[i];
      t[(i + 1) * k + i] = beta[i];
    }
  }
  const evd = symmetricEigen(t, k);
  const vals = evd.values;
  let j = 0;
  for (let i = 1; i < vals.length; i++) if (vals[i] < vals[j]) j = i;
  return { value: vals[j], vector: Array.from({ length: k }, (_, i) => evd.vectors[i * k + j]) };
}

function lanczos(h: PauliSum, tolerance: number, maxIterations: number): GroundState {
  const dim = 2 ** h.qubits;
  const m = Math.min(dim, maxIterations);
  const vr: Float64Array[] = [];
  const vi: Float64Array[] = [];
  // a generic (pseudo-random, fixed) start vector: a symmetric one can miss the ground sector
  const s = Stream.fromSeed('snrlab/quantum-vqe-shots/lanczos');
  let r0 = new Float64Array(dim);
  let i0 = new Float64Array(dim);
  s.fillNormal(r0);
  s.fillNormal(i0);
  let nrm = 0;
  for (let i = 0; i < dim; i++) nrm += r0[i] * r0[i] + i0[i] * i0[i];
  nrm = Math.sqrt(nrm);
  for (let i = 0; i < dim; i++) {
    r0[i] /= nrm;
    i0[i] /= nrm;
  }
  const alpha: number[] = [];
  const beta: number[] = [];
  const wr = new Float64Array(dim);
  const wi = new Float64Array(dim);
  let best = { value: NaN, vector: [] as number[] };
  let iterations = 0;
  for (let j = 0; j < m; j++) {
    vr.push(r0);
    vi.push(i0);
    h.apply(r0, i0, wr, wi);
    let a = 0;
    for (let i = 0; i < dim; i++) a += r0[i] * wr[i] + i0[i] * wi[i];
    alpha.push(a);
    iterations = j + 1;
    // full reorthogonalisation, twice (classical Gram–Schmidt is stable when repeated)
    for (let pass = 0; pass < 2; pass++) {
      for (let k = 0; k <= j; k++) {
        const pr = vr[k];
        const pi = vi[k];
        let cr = 0;
        let ci = 0;
        for (let i = 0; i < dim; i++) {
          cr += pr[i] * wr[i] + pi[i] * wi[i];
          ci += pr[i] * wi[i] - pi[i] * wr[i];
        }
        for (let i = 0; i < dim; i++) {
          wr[i] -= cr * pr[i] - ci * pi[i];
          wi[i] -= cr * pi[i] + ci * pr[i];
        }
      }
    }
    let b = 0;
    for (let i = 0; i < dim; i++) b += wr[i] * wr[i] + wi[i] * wi[i];
    b = Math.sqrt(b);
    const check = j === m - 1 || b < 1e-12 || (j >= 4 && j % 4 === 0);
    if (check) {
      best = tridiagonalLowest(alpha, beta);
      const res = b * Math.abs(best.vector[best.vector.length - 1]);
      if (res < tolerance * Math.max(1, Math.abs(best.value)) || b < 1e-12) break;
    }
    beta.push(b);
    r0 = new Float64Array(dim);
    i0 = new Float64Array(dim);
    for (let i = 0; i < dim; i++) {
      r0[i] = wr[i] / b;
      i0[i] = wi[i] / b;
    }
  }
  const gr = new Float64Array(dim);
  const gi = new Float64Array(dim);
  for (let k = 0; k < best.vector.length; k++) {
    const y = best.vector[k];
    for (let i = 0; i < dim; i++) {
      gr[i] += y * vr[k][i];
      gi[i] += y * vi[k][i];
    }
  }
  const state = new StateVector(h.qubits).setAmplitudes(gr, gi);
  const energy = h.expectation(state);
  return { energy, state, method: 'lanczos', iterations, residual: residualOf(h, state, energy) };
}

/**
 * The ground energy and a ground state of H (n ≤ 12). 'auto' is dense up to 7 qubits and
 * Lanczos above; both are exact to round-off (Lanczos to the stated residual tolerance).
 */
export function groundState(h: PauliSum, opts: ExactOptions = {}): GroundState {
  checkSize(h);
  const method = opts.method ?? 'auto';
  assertOneOf('method', method, ['auto', 'dense', 'lanczos']);
  const useDense = method === 'dense' || (method === 'auto' && h.qubits <= DENSE_QUBITS);
  if (useDense) {
    if (h.qubits > DENSE_QUBITS) throw new ParameterError('qubits', h.qubits, `an integer in [1, ${DENSE_QUBITS}] for the dense method`);
    const { values, vector } = dense(h);
    const energy = values[0];
    return { energy, state: vector, method: 'dense', iterations: 0, residual: residualOf(h, vector, energy) };
  }
  return lanczos(h, opts.tolerance ?? 1e-10, opts.maxIterations ?? 400);
}

/** The ground energy alone. */
export function groundEnergy(h: PauliSum, opts: ExactOptions = {}): number {
  return groundState(h, opts).energy;
}
