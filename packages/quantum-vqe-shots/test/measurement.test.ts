import { describe, expect, it } from 'vitest';
import { Moments, Stream, chiSquareTest } from '@snrlab/core';
import {
  Circuit,
  PauliSum,
  ShotEstimator,
  allocateShots,
  sampleCounts,
  groundState,
  groupTerms,
  hardwareEfficient,
  molecule,
  qubitWiseCommute,
} from '../src/index.js';

const h2 = molecule('h2-4q').hamiltonian;

describe('qubit-wise commuting groups', () => {
  it('QWC is letter-by-letter agreement up to identities', () => {
    const m = (l: string) => PauliSum.fromTerms([[l, 1]], { order: 'little-endian' }).terms[0];
    const qwc = (a: string, b: string) => qubitWiseCommute(m(a).x, m(a).z, m(b).x, m(b).z);
    expect(qwc('XIZ', 'XZI')).toBe(true);
    expect(qwc('XIZ', 'YII')).toBe(false);
    expect(qwc('XX', 'YY')).toBe(false); // commute, but not qubit-wise
  });

  it('4-qubit H₂: the 10 Z-type terms form one group, the 4 XXYY-type terms one group each', () => {
    const g = groupTerms(h2, 'qwc');
    expect(g).toHaveLength(5);
    expect(g.map((x) => x.terms.length).sort((a, b) => a - b)).toEqual([1, 1, 1, 1, 10]);
    expect(groupTerms(h2, 'none')).toHaveLength(14);
    const zGroup = g.find((x) => x.terms.length === 10)!;
    expect(zGroup.basisX).toBe(0);
    expect(zGroup.basisY).toBe(0);
  });

  it('allocation: uniform splits evenly, weighted follows Σ|c|, each group gets a shot', () => {
    const g = groupTerms(h2, 'qwc');
    expect(Array.from(allocateShots(g, 103, 'uniform'))).toEqual([21, 21, 21, 20, 20]);
    const w = allocateShots(g, 1000, 'weighted');
    expect(w.reduce((a, b) => a + b, 0)).toBe(1000);
    const W = g.reduce((a, x) => a + x.weight, 0);
    g.forEach((x, i) => expect(Math.abs(w[i] - (1000 * x.weight) / W)).toBeLessThanOrEqual(1));
    const tiny = allocateShots(g, 5, 'weighted');
    expect(Array.from(tiny)).toEqual([1, 1, 1, 1, 1]);
    expect(() => allocateShots(g, 4, 'uniform')).toThrow(/invalid shots: got 4; expected an integer in \[5, ∞\]/);
  });
});

describe('shot-based estimation', () => {
  const c = hardwareEfficient(4, 1);
  const theta = Float64Array.from({ length: c.numParams }, (_, i) => 0.37 * i + 0.1);
  const state = c.state(theta);

  it('is unbiased and its variance is Σ_g Var_g/N_g (within 4 SE at a fixed seed)', () => {
    for (const allocation of ['uniform', 'weighted'] as const) {
      const est = new ShotEstimator(h2, { grouping: 'qwc', allocation });
      const prep = est.prepare(state);
      const exact = h2.expectation(state);
      expect(prep.energy).toBeCloseTo(exact, 13);
      const s = Stream.fromSeed(11).child(allocation);
      const m = new Moments();
      const se2 = new Moments();
      for (let r = 0; r < 3000; r++) {
        const e = est.estimate(state, 100, s);
        m.push(e.energy);
        se2.push(e.se * e.se);
      }
      const v = est.estimatorVariance(state, 100);
      expect(Math.abs(m.mean - exact)).toBeLessThan(4 * m.sem);
      expect(Math.abs(m.variance - v)).toBeLessThan(4 * m.varianceSE);
      // the reported SE² is an unbiased estimate of the same variance
      expect(Math.abs(se2.mean - v)).toBeLessThan(4 * se2.sem);
    }
  });

  it('sampling a prepared state follows the same law as sampling the state', () => {
    const est = new ShotEstimator(h2);
    const prep = est.prepare(state);
    const a = est.estimate(state, 250, Stream.fromSeed(3));
    const b = est.estimatePrepared(prep, 250, Stream.fromSeed(3));
    expect(b.energy).toBe(a.energy);
    expect(b.se).toBe(a.se);
  });

  it('2-qubit H₂, each term alone at the ground state: Σ c_i²(1 − ⟨P_i⟩²) = 0.046691 per shot', () => {
    const m = molecule('h2-2q');
    const gs = groundState(m.hamiltonian).state;
    const est = new ShotEstimator(m.hamiltonian, { grouping: 'none' });
    expect(est.perShotVariance(gs)).toBeCloseTo(0.046691, 6);
    // measured: Σ_g N_g Var(mean_g) with N_g = 200 shots per term
    const G = est.groups.length;
    const groupMeans = new Float64Array(G);
    const mom = Array.from({ length: G }, () => new Moments());
    const prep = est.prepare(gs);
    const s = Stream.fromSeed(5);
    for (let r = 0; r < 4000; r++) {
      est.estimatePrepared(prep, 200 * G, s, groupMeans);
      groupMeans.forEach((v, g) => mom[g].push(v));
    }
    const measured = mom.reduce((a, x) => a + 200 * x.variance, 0);
    const se = Math.sqrt(mom.reduce((a, x) => a + (200 * x.varianceSE) ** 2, 0));
    expect(Math.abs(measured - 0.046691)).toBeLessThan(4 * se);
  });

  it('rotates Y and X groups into the computational basis', () => {
    // S H |0⟩ = |+i⟩: Y reads +1 on every shot; X and Z read ±1 evenly
    const circ = new Circuit(1);
    circ.h(0).s(0);
    const plusI = circ.state([]);
    const y = new ShotEstimator(PauliSum.parse('Y', { order: 'little-endian' }));
    const e = y.estimate(plusI, 500, Stream.fromSeed(1));
    expect(e.energy).toBe(1);
    expect(e.se).toBe(0);
    const xz = new ShotEstimator(PauliSum.parse('X + Z', { order: 'little-endian' }));
    expect(xz.prepare(plusI).energy).toBeCloseTo(0, 14);
    expect(xz.perShotVariance(plusI)).toBeCloseTo(2, 14);
  });

  it('0 shots is exact; negative shots and too few shots are refused', () => {
    const est = new ShotEstimator(h2);
    expect(est.estimate(state, 0, Stream.fromSeed(1))).toEqual({ energy: h2.expectation(state), se: 0, shots: 0 });
    expect(() => est.estimate(state, -1, Stream.fromSeed(1))).toThrow(/invalid shots: got -1; expected an integer in \[0, ∞\]/);
    expect(() => est.estimate(state, 3, Stream.fromSeed(1))).toThrow(/shots: got 3; expected an integer in \[5, ∞\].*5 measurement groups/);
  });
});

describe('multinomial sampling over bitstrings', () => {
  it('both samplers follow the multinomial law (chi-square) and never draw impossible outcomes', () => {
    const p = Float64Array.from([0.3, 0, 0.05, 0.25, 0, 0.1, 0.2, 0.1, 0]);
    const out = new Float64Array(p.length);
    const spacings = new Float64Array(64);
    for (const shots of [5, 50]) {
      // 5 < 9 outcomes: ordered uniforms; 50 ≥ 9: conditional binomials
      const s = Stream.fromSeed(shots);
      const total = new Float64Array(p.length);
      const reps = 4000;
      for (let r = 0; r < reps; r++) {
        sampleCounts(s, shots, p, out, spacings);
        expect(out.reduce((a, b) => a + b, 0)).toBe(shots);
        out.forEach((k, b) => (total[b] += k));
      }
      [1, 4, 8].forEach((b) => expect(total[b]).toBe(0));
      const nz = [0, 2, 3, 5, 6, 7];
      const t = chiSquareTest(nz.map((b) => total[b]), nz.map((b) => p[b] * shots * reps));
      expect(t.pValue).toBeGreaterThan(1e-3);
    }
  });
});
