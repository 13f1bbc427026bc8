/**
 * Shot-based energy estimation. The non-identity terms of H are grouped into qubit-wise
 * commuting (QWC) sets; each set is rotated into the computational basis (H on X qubits, S†
 * then H on Y qubits) and measured with N_g shots drawn from the multinomial over bitstrings.
 * On a shot with outcome b, term i of the group reads (−1)^{popcount(b ∧ support_i)}, so the
 * group reads h_g(b) = Σ_i c_i (−1)^{popcount(b ∧ support_i)} and
 *   Ê = c_I + Σ_g mean_g,  Var Ê = Σ_g Var_g / N_g,  Var_g = ⟨H_g²⟩ − ⟨H_g⟩² (per shot).
 * Shots and the random stream are arguments of each evaluation: there is no global device.
 */
import { ParameterError, assertInteger, assertOneOf, multinomial, type Stream } from '@snrlab/core';
import { parity, type PauliSum } from './pauli.js';
import { h as hadamard, sdg } from './simulator/gates.js';
import { StateVector } from './simulator/state.js';

export type Grouping = 'qwc' | 'none';
export type Allocation = 'uniform' | 'weighted';
export const GROUPINGS: readonly Grouping[] = ['qwc', 'none'];
export const ALLOCATIONS: readonly Allocation[] = ['uniform', 'weighted'];

export interface MeasurementGroup {
  /** Indices into the Hamiltonian's terms. */
  readonly terms: readonly number[];
  readonly coefficients: Float64Array;
  /** Support mask (x ∨ z) of each term: after the basis rotation it reads the parity of these bits. */
  readonly supports: Int32Array;
  /** Qubits measured in the X basis (rotated by H) and in the Y basis (rotated by S† then H). */
  readonly basisX: number;
  readonly basisY: number;
  /** Σ |c_i| over the group: the weight used by 'weighted' allocation. */
  readonly weight: number;
}

/** Do two Pauli strings act with the same letter (or I) on every qubit? */
export function qubitWiseCommute(x1: number, z1: number, x2: number, z2: number): boolean {
  const overlap = (x1 | z1) & (x2 | z2);
  return ((x1 ^ x2) & overlap) === 0 && ((z1 ^ z2) & overlap) === 0;
}

/**
 * Group the non-identity terms: 'none' gives one group per term; 'qwc' assigns terms, in
 * order of decreasing |c|, to the first group they qubit-wise commute with (greedy colouring).
 */
export function groupTerms(h: PauliSum, grouping: Grouping = 'qwc'): MeasurementGroup[] {
  assertOneOf('grouping', grouping, GROUPINGS);
  const order = h.terms
    .map((t, i) => ({ t, i }))
    .filter(({ t }) => t.x !== 0 || t.z !== 0)
    .sort((a, b) => Math.abs(b.t.coefficient) - Math.abs(a.t.coefficient) || a.i - b.i);
  const groups: { terms: number[]; x: number; z: number }[] = [];
  for (const { t, i } of order) {
    let placed = false;
    if (grouping === 'qwc') {
      for (const g of groups) {
        if (qubitWiseCommute(g.x, g.z, t.x, t.z)) {
          g.terms.push(i);
          g.x |= t.x;
          g.z |= t.z;
          placed = true;
          break;
        }
      }
    }
    if (!placed) groups.push({ terms: [i], x: t.x, z: t.z });
  }
  return groups.map((g) => {
    const terms = [...g.terms].sort((a, b) => a - b);
    const coefficients = Float64Array.from(terms, (i) => h.terms[i].coefficient);
    const supports = Int32Array.from(terms, (i) => h.terms[i].x | h.terms[i].z);
    let weight = 0;
    for (const c of coefficients) weight += Math.abs(c);
    return { terms, coefficients, supports, basisX: g.x & ~g.z, basisY: g.x & g.z, weight };
  });
}

/**
 * Split `shots` among groups: 'uniform' gives ⌊N/G⌋ each (the remainder to the first groups);
 * 'weighted' gives N_g ∝ Σ_{i∈g}|c_i| by largest remainders, at least one each. Needs N ≥ G.
 */
export function allocateShots(groups: readonly MeasurementGroup[], shots: number, allocation: Allocation, out: Int32Array = new Int32Array(groups.length)): Int32Array {
  assertOneOf('allocation', allocation, ALLOCATIONS);
  const G = groups.length;
  if (G === 0) return out;
  assertInteger('shots', shots, { min: G, note: `each of the ${G} measurement groups needs at least one shot` });
  if (allocation === 'uniform') {
    const base = Math.floor(shots / G);
    const extra = shots - base * G;
    for (let g = 0; g < G; g++) out[g] = base + (g < extra ? 1 : 0);
    return out;
  }
  let W = 0;
  for (const g of groups) W += g.weight;
  const ideal = groups.map((g) => (W > 0 ? (shots * g.weight) / W : shots / G));
  let total = 0;
  for (let g = 0; g < G; g++) {
    out[g] = Math.max(1, Math.floor(ideal[g]));
    total += out[g];
  }
  const byRemainder = ideal.map((v, g) => ({ g, r: v - Math.floor(v) })).sort((a, b) => b.r - a.r || a.g - b.g);
  for (let k = 0; total < shots; k = (k + 1) % G) {
    out[byRemainder[k].g]++;
    total++;
  }
  while (total > shots) {
    // the at-least-one rule overshot: take from the group most above its ideal share
    let worst = -1;
    for (let g = 0; g < G; g++) if (out[g] > 1 && (worst < 0 || out[g] - ideal[g] > out[worst] - ideal[worst])) worst = g;
    out[worst]--;
    total--;
  }
  return out;
}

/**
 * Multinomial counts of `shots` i.i.d. draws from the (unnormalised) probabilities p, into `out`.
 * With fewer shots than outcomes it sorts the shots instead of the outcomes: ordered uniforms from
 * exponential spacings, U_(k) = S_k / S_{N+1} with S_k = E_1 + … + E_k, matched against the
 * cumulative distribution in one pass (O(N + 2^n), N logarithms). Otherwise it draws conditional
 * binomials (core's multinomial, O(2^n) binomials). Both give exactly the multinomial law.
 * `spacings` is scratch of length ≥ shots + 1.
 */
export function sampleCounts(stream: Stream, shots: number, p: Float64Array, out: Float64Array, spacings: Float64Array): Float64Array {
  const dim = p.length;
  if (shots >= dim) return multinomial(stream, shots, p, out) as Float64Array;
  out.fill(0);
  let total = 0;
  for (let b = 0; b < dim; b++) total += p[b];
  let s = 0;
  for (let k = 0; k <= shots; k++) {
    s += stream.exponential();
    spacings[k] = s;
  }
  const scale = total / s;
  let b = 0;
  let cdf = p[0];
  for (let k = 0; k < shots; k++) {
    const u = spacings[k] * scale;
    while (u >= cdf && b < dim - 1) cdf += p[++b];
    if (p[b] > 0) out[b]++;
    else {
      // round-off carried u to the end: give the shot to the last possible outcome
      let j = b;
      while (j > 0 && !(p[j] > 0)) j--;
      out[j]++;
    }
  }
  return out;
}

export interface EnergyEstimate {
  /** Ê: the identity constant plus the group means. */
  energy: number;
  /** Standard error from the sample variances of each group's single-shot readings. */
  se: number;
  /** Shots spent (Σ N_g). */
  shots: number;
}

export interface EstimatorOptions {
  grouping?: Grouping;
  allocation?: Allocation;
}

/** Probabilities of each group's rotated state, prepared once to sample many estimates from. */
export interface PreparedMeasurement {
  readonly probabilities: readonly Float64Array[];
  /** Exact ⟨H_g⟩ and per-shot Var_g of each group at this state. */
  readonly means: Float64Array;
  readonly variances: Float64Array;
  /** Exact ⟨H⟩. */
  readonly energy: number;
}

export class ShotEstimator {
  readonly hamiltonian: PauliSum;
  readonly groups: readonly MeasurementGroup[];
  readonly grouping: Grouping;
  readonly allocation: Allocation;
  /** Sum of the identity terms: known exactly, measured with no shots. */
  readonly constant: number;
  private readonly rotated: StateVector;
  private readonly probs: Float64Array;
  private readonly counts: Float64Array;
  private readonly alloc: Int32Array;
  private allocFor = -1;
  private spacings = new Float64Array(0);

  constructor(hamiltonian: PauliSum, opts: EstimatorOptions = {}) {
    this.hamiltonian = hamiltonian;
    this.grouping = opts.grouping ?? 'qwc';
    this.allocation = opts.allocation ?? 'uniform';
    assertOneOf('allocation', this.allocation, ALLOCATIONS);
    this.groups = groupTerms(hamiltonian, this.grouping);
    this.constant = hamiltonian.constant;
    this.rotated = new StateVector(hamiltonian.qubits);
    this.probs = new Float64Array(this.rotated.dim);
    this.counts = new Float64Array(this.rotated.dim);
    this.alloc = new Int32Array(this.groups.length);
  }

  /** Fewest shots an evaluation can take: one per group. */
  get minShots(): number {
    return Math.max(1, this.groups.length);
  }

  /** Shots per group for an evaluation of `shots` (cached; do not keep the array). */
  shotsPerGroup(shots: number): Int32Array {
    if (shots !== this.allocFor) {
      allocateShots(this.groups, shots, this.allocation, this.alloc);
      this.allocFor = shots;
    }
    return this.alloc;
  }

  private checkState(state: StateVector): void {
    if (state.qubits !== this.hamiltonian.qubits) {
      throw new ParameterError('state.qubits', state.qubits, `${this.hamiltonian.qubits} (the Hamiltonian's qubit count)`);
    }
  }

  /** Rotate a copy of `state` into group g's measurement basis and write its outcome probabilities. */
  private rotatedProbabilities(state: StateVector, g: number, out: Float64Array): Float64Array {
    const grp = this.groups[g];
    const r = this.rotated.copyFrom(state);
    for (let q = 0; q < r.qubits; q++) {
      const bit = 1 << q;
      if (grp.basisX & bit) hadamard(r, q);
      else if (grp.basisY & bit) {
        sdg(r, q);
        hadamard(r, q);
      }
    }
    return r.probabilities(out);
  }

  /** h_g(b): the reading of group g on outcome b. */
  private reading(g: number, b: number): number {
    const grp = this.groups[g];
    let v = 0;
    for (let i = 0; i < grp.coefficients.length; i++) {
      v += parity(b & grp.supports[i]) ? -grp.coefficients[i] : grp.coefficients[i];
    }
    return v;
  }

  /** Group g's reading h_g(b) on every computational-basis outcome b of its rotated state. */
  readings(g: number): Float64Array {
    const dim = 1 << this.hamiltonian.qubits;
    const out = new Float64Array(dim);
    for (let b = 0; b < dim; b++) out[b] = this.reading(g, b);
    return out;
  }

  /** Exact mean and per-shot variance of group g from outcome probabilities. */
  private moments(g: number, p: Float64Array): [number, number] {
    let m1 = 0;
    let m2 = 0;
    for (let b = 0; b < p.length; b++) {
      if (p[b] === 0) continue;
      const v = this.reading(g, b);
      m1 += p[b] * v;
      m2 += p[b] * v * v;
    }
    return [m1, Math.max(0, m2 - m1 * m1)];
  }

  /** Per-group rotated probabilities and exact moments, for sampling many estimates of one state. */
  prepare(state: StateVector): PreparedMeasurement {
    this.checkState(state);
    const G = this.groups.length;
    const probabilities: Float64Array[] = [];
    const means = new Float64Array(G);
    const variances = new Float64Array(G);
    let energy = this.constant;
    for (let g = 0; g < G; g++) {
      const p = this.rotatedProbabilities(state, g, new Float64Array(state.dim));
      probabilities.push(p);
      [means[g], variances[g]] = this.moments(g, p);
      energy += means[g];
    }
    return { probabilities, means, variances, energy };
  }

  /** Exact per-shot variances Var_g of each group at `state`. */
  groupVariances(state: StateVector, out = new Float64Array(this.groups.length)): Float64Array {
    this.checkState(state);
    for (let g = 0; g < this.groups.length; g++) out[g] = this.moments(g, this.rotatedProbabilities(state, g, this.probs))[1];
    return out;
  }

  /** Σ_g Var_g: the variance per shot when every group gets the same N shots (the "per-shot" sum). */
  perShotVariance(state: StateVector): number {
    let s = 0;
    for (const v of this.groupVariances(state)) s += v;
    return s;
  }

  /** Exact Var Ê = Σ_g Var_g / N_g for an evaluation of `shots` shots (0 shots: exact, variance 0). */
  estimatorVariance(state: StateVector, shots: number): number {
    if (shots === 0) return 0;
    const n = this.shotsPerGroup(shots);
    const v = this.groupVariances(state);
    let s = 0;
    for (let g = 0; g < v.length; g++) s += v[g] / n[g];
    return s;
  }

  /** Same as estimatorVariance, from prepared moments. */
  preparedVariance(prep: PreparedMeasurement, shots: number): number {
    if (shots === 0) return 0;
    const n = this.shotsPerGroup(shots);
    let s = 0;
    for (let g = 0; g < n.length; g++) s += prep.variances[g] / n[g];
    return s;
  }

  /** Sample group g with `n` shots from probabilities p; returns [mean, unbiased sample variance]. */
  private sampleGroup(g: number, p: Float64Array, n: number, stream: Stream): [number, number] {
    if (this.spacings.length < n + 1 && n < p.length) this.spacings = new Float64Array(n + 1);
    const counts = sampleCounts(stream, n, p, this.counts, this.spacings);
    let s1 = 0;
    let s2 = 0;
    for (let b = 0; b < counts.length; b++) {
      const k = counts[b];
      if (k === 0) continue;
      const v = this.reading(g, b);
      s1 += k * v;
      s2 += k * v * v;
    }
    const mean = s1 / n;
    const variance = n > 1 ? Math.max(0, (s2 - n * mean * mean) / (n - 1)) : NaN;
    return [mean, variance];
  }

  /**
   * Estimate ⟨H⟩ at `state` with `shots` shots drawn from `stream` (0 shots = exact, SE 0).
   * `groupMeans`, if given, receives each group's estimate.
   */
  estimate(state: StateVector, shots: number, stream: Stream, groupMeans?: Float64Array): EnergyEstimate {
    this.checkState(state);
    assertInteger('shots', shots, { min: 0 });
    if (shots === 0) return { energy: this.hamiltonian.expectation(state), se: 0, shots: 0 };
    const n = this.shotsPerGroup(shots);
    let energy = this.constant;
    let v = 0;
    for (let g = 0; g < this.groups.length; g++) {
      const [m, s2] = this.sampleGroup(g, this.rotatedProbabilities(state, g, this.probs), n[g], stream);
      if (groupMeans) groupMeans[g] = m;
      energy += m;
      v += s2 / n[g];
    }
    return { energy, se: Math.sqrt(v), shots };
  }

  /** Estimate from a prepared state (same law as `estimate`, without re-simulating). */
  estimatePrepared(prep: PreparedMeasurement, shots: number, stream: Stream, groupMeans?: Float64Array): EnergyEstimate {
    assertInteger('shots', shots, { min: 0 });
    if (shots === 0) return { energy: prep.energy, se: 0, shots: 0 };
    const n = this.shotsPerGroup(shots);
    let energy = this.constant;
    let v = 0;
    for (let g = 0; g < this.groups.length; g++) {
      const [m, s2] = this.sampleGroup(g, prep.probabilities[g], n[g], stream);
      if (groupMeans) groupMeans[g] = m;
      energy += m;
      v += s2 / n[g];
    }
    return { energy, se: Math.sqrt(v), shots };
  }
}
