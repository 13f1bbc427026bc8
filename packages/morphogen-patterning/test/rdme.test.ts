import { describe, expect, it } from 'vitest';
import { Stream } from '@snrlab/core';
import { createProblem } from '../src/pde.js';
import { rdmeFromProblem, singleMoleculeGenerator, stationaryMean, totalProduction, type RdmeModel } from '../src/rdme/model.js';
import { NextSubvolumeSSA, type RdmeSimulator } from '../src/rdme/ssa.js';
import { ChemicalLangevinSimulator, TauLeapSimulator } from '../src/rdme/approx.js';
import { chooseMethod, createSimulator, SWITCH_CLE, SWITCH_TAU_LEAP } from '../src/rdme/method.js';
import { jacobiEigen as symmetricEigen } from '@snrlab/core';
import { VoxelCorrelation } from '../src/rdme/correlation.js';

/** 8 voxels of 1 µm, D = 1, k = 0.2; source in the first two voxels. */
function smallModel(rate = 20, right: 'zero-flux' | 'absorbing' = 'zero-flux'): RdmeModel {
  return rdmeFromProblem(createProblem({ D: 1, k: 0.2, h: 1, length: 8, source: (x) => (x < 2 ? rate : 0), boundary: { right: { type: right } } }));
}

/** Per-voxel pooled mean and Fano over replicas, with jackknife SEs. */
function stationaryStats(make: (s: Stream, init: number[]) => RdmeSimulator, m: RdmeModel, replicas: number, burn: number, T: number, seed: number) {
  const mu = stationaryMean(m);
  const V = m.voxels;
  const rows: { a: Float64Array; b: Float64Array }[] = [];
  for (let r = 0; r < replicas; r++) {
    const sim = make(Stream.fromSeed(seed).child(r), Array.from(mu, Math.round));
    sim.advance(burn);
    sim.resetWindow();
    sim.advance(burn + T);
    const a = new Float64Array(V);
    const b = new Float64Array(V);
    sim.windowAverages(a, b);
    rows.push({ a, b });
  }
  const stat = (i: number, f: (a: number, b: number) => number) => {
    const sa = rows.reduce((s, r) => s + r.a[i], 0);
    const sb = rows.reduce((s, r) => s + r.b[i], 0);
    const all = f(sa / replicas, sb / replicas);
    const loo = rows.map((r) => f((sa - r.a[i]) / (replicas - 1), (sb - r.b[i]) / (replicas - 1)));
    const mean = loo.reduce((s, x) => s + x, 0) / replicas;
    const se = Math.sqrt(((replicas - 1) / replicas) * loo.reduce((s, x) => s + (x - mean) ** 2, 0));
    return { value: all, se };
  };
  return {
    mu,
    mean: Array.from({ length: V }, (_, i) => stat(i, (a) => a)),
    fano: Array.from({ length: V }, (_, i) => stat(i, (a, b) => (b - a * a) / a)),
  };
}

describe('RDME stationarity (Jahnke & Huisinga 2007: product Poisson)', () => {
  it('SSA: every voxel mean equals the deterministic lattice profile and its Fano factor is 1 (within 4 SE)', () => {
    const m = smallModel();
    const s = stationaryStats((st, init) => new NextSubvolumeSSA(m, st, init), m, 16, 25, 500, 11);
    for (let i = 0; i < m.voxels; i++) {
      expect(Math.abs(s.mean[i].value - s.mu[i])).toBeLessThan(4 * s.mean[i].se);
      expect(Math.abs(s.fano[i].value - 1)).toBeLessThan(4 * s.fano[i].se);
      expect(s.fano[i].se).toBeLessThan(0.05);
    }
  });

  it('SSA with an absorbing face (removal rate 2D/h²) matches the finite-volume Dirichlet steady state', () => {
    const m = smallModel(20, 'absorbing');
    expect(m.outflow[m.voxels - 1]).toBeCloseTo(2, 12);
    const s = stationaryStats((st, init) => new NextSubvolumeSSA(m, st, init), m, 12, 25, 400, 12);
    for (let i = 0; i < m.voxels; i++) {
      expect(Math.abs(s.mean[i].value - s.mu[i])).toBeLessThan(4 * s.mean[i].se);
      expect(Math.abs(s.fano[i].value - 1)).toBeLessThan(4 * s.fano[i].se);
    }
    // total is below Σb/k because of the outflow
    expect(s.mu.reduce((a, b) => a + b, 0)).toBeLessThan(totalProduction(m) / m.k);
  });

  it('tau-leaping and the CLE reproduce the stationary means at high copy numbers, and Fano ≈ 1', () => {
    const m = smallModel(2000);
    for (const make of [
      (st: Stream, init: number[]) => new TauLeapSimulator(m, st, init),
      (st: Stream, init: number[]) => new ChemicalLangevinSimulator(m, st, init),
    ]) {
      const s = stationaryStats(make, m, 8, 25, 200, 13);
      for (let i = 0; i < m.voxels; i++) {
        // the leap and the Euler step bias the moments by O(e·τ) with e·τ ≤ ε = 0.03 (CLE: 0.05): a stated allowance
        expect(Math.abs(s.mean[i].value / s.mu[i] - 1)).toBeLessThan(4 * (s.mean[i].se / s.mu[i]) + 0.005);
        expect(Math.abs(s.fano[i].value - 1)).toBeLessThan(4 * s.fano[i].se + 0.05);
      }
    }
  });

  it('the switch criterion picks SSA below 100 molecules per voxel, tau-leaping below 1000, the CLE above', () => {
    const m = smallModel();
    const mu = stationaryMean(m);
    expect(chooseMethod(m, mu.map(() => SWITCH_TAU_LEAP - 1)).method).toBe('ssa');
    expect(chooseMethod(m, mu.map(() => SWITCH_TAU_LEAP)).method).toBe('tau-leap');
    expect(chooseMethod(m, mu.map(() => SWITCH_CLE)).method).toBe('cle');
    expect(chooseMethod(m).method).toBe('ssa');
    expect(chooseMethod(smallModel(1e5)).method).toBe('cle');
    expect(createSimulator(smallModel(1e5), 'auto', Stream.fromSeed(1))).toBeInstanceOf(ChemicalLangevinSimulator);
    expect(() => createSimulator(m, 'bogus' as never, Stream.fromSeed(1))).toThrow(/invalid method/);
  });
});

describe('SSA mechanics', () => {
  it('every trajectory is reproducible from its stream', () => {
    const m = smallModel();
    const run = (label: number) => {
      const sim = new NextSubvolumeSSA(m, Stream.fromSeed(5).child(label));
      sim.advance(50);
      return { counts: Array.from(sim.counts), events: sim.events };
    };
    expect(run(1)).toEqual(run(1));
    expect(run(1)).not.toEqual(run(2));
    // a restored stream state continues the same trajectory
    const st = Stream.fromSeed(5).child(1);
    const a = new NextSubvolumeSSA(m, Stream.restore(st.state()));
    a.advance(50);
    expect(Array.from(a.counts)).toEqual(run(1).counts);
  });

  it('advancing in pieces gives the same trajectory as one advance', () => {
    const m = smallModel();
    const one = new NextSubvolumeSSA(m, Stream.fromSeed(9));
    one.advance(30);
    const many = new NextSubvolumeSSA(m, Stream.fromSeed(9));
    for (let t = 1; t <= 30; t++) many.advance(t);
    expect(Array.from(many.counts)).toEqual(Array.from(one.counts));
    expect(many.events).toBe(one.events);
  });

  it('pure decay without production empties the lattice at rate k (mean N₀e^{−kt})', () => {
    const m = rdmeFromProblem(createProblem({ D: 1, k: 0.5, h: 1, length: 4, source: 0 }));
    let total = 0;
    const R = 400;
    for (let r = 0; r < R; r++) {
      const sim = new NextSubvolumeSSA(m, Stream.fromSeed(3).child(r), [25, 25, 25, 25]);
      sim.advance(2);
      total += Array.from(sim.counts).reduce((a, b) => a + b, 0);
    }
    const p = Math.exp(-1);
    const mean = 100 * p;
    const se = Math.sqrt((100 * p * (1 - p)) / R);
    expect(Math.abs(total / R - mean)).toBeLessThan(4 * se);
  });

  it('refuses bad initial states and times', () => {
    const m = smallModel();
    expect(() => new NextSubvolumeSSA(m, Stream.fromSeed(1), [1, 2])).toThrow(/invalid initial.length/);
    expect(() => new NextSubvolumeSSA(m, Stream.fromSeed(1), [1, 2, 3, 4, 5, 6, 7, -1])).toThrow(/invalid initial\[7\]/);
    const sim = new NextSubvolumeSSA(m, Stream.fromSeed(1));
    sim.advance(1);
    expect(() => sim.advance(0.5)).toThrow(/invalid tEnd/);
    expect(() => rdmeFromProblem(createProblem({ D: 1, k: 1, h: 1, length: 3, source: 1, decayOrder: 2 }))).toThrow(/invalid decayOrder/);
  });
});

describe('exact temporal correlations', () => {
  it('symmetricEigen diagonalises the single-molecule generator', () => {
    const m = smallModel();
    const V = m.voxels;
    const M = singleMoleculeGenerator(m);
    const { values, vectors } = symmetricEigen(M, V);
    for (let i = 0; i < V; i++) {
      for (let j = 0; j < V; j++) {
        let s = 0;
        for (let q = 0; q < V; q++) s += vectors[i * V + q] * values[q] * vectors[j * V + q];
        expect(s).toBeCloseTo(M[i * V + j], 10);
      }
    }
  });

  it('window-average variance: μ for a snapshot, 2μτ_c/T for long windows, τ_c = [(−M)⁻¹]_ii', () => {
    const m = smallModel();
    const mu = stationaryMean(m);
    const c = new VoxelCorrelation(m, mu);
    const V = m.voxels;
    // τ_c from a linear solve of (−M)x = e_i (Gaussian elimination)
    const i = 3;
    const A = Array.from({ length: V }, (_, r) => Array.from({ length: V }, (_, q) => -singleMoleculeGenerator(m)[r * V + q]));
    const b = Array.from({ length: V }, (_, r) => (r === i ? 1 : 0));
    for (let col = 0; col < V; col++) {
      for (let r = col + 1; r < V; r++) {
        const f = A[r][col] / A[col][col];
        for (let q = col; q < V; q++) A[r][q] -= f * A[col][q];
        b[r] -= f * b[col];
      }
    }
    const x = new Array(V).fill(0);
    for (let r = V - 1; r >= 0; r--) {
      let s = b[r];
      for (let q = r + 1; q < V; q++) s -= A[r][q] * x[q];
      x[r] = s / A[r][r];
    }
    expect(c.correlationTime(i)).toBeCloseTo(x[i], 10);
    expect(c.timeAverageVariance(i, 0)).toBeCloseTo(mu[i], 10);
    expect(c.autocorrelation(i, 0)).toBeCloseTo(1, 12);
    const T = 1e5;
    expect(c.timeAverageVariance(i, T) / ((2 * mu[i] * c.correlationTime(i)) / T)).toBeCloseTo(1, 3);
  });

  it('the SSA window-average variance matches the exact formula (within 4 SE)', () => {
    const m = smallModel();
    const mu = stationaryMean(m);
    const c = new VoxelCorrelation(m, mu);
    const i = 4;
    const T = 2 * c.correlationTime(i);
    const sim = new NextSubvolumeSSA(m, Stream.fromSeed(21), Array.from(mu, Math.round));
    sim.advance(25);
    const a = new Float64Array(m.voxels);
    const xs: number[] = [];
    for (let w = 0; w < 4000; w++) {
      sim.resetWindow();
      sim.advance(sim.time + T);
      sim.windowAverages(a);
      xs.push(a[i]);
    }
    // batch means over 20 batches give an SE that respects the windows' correlation
    const B = 20;
    const per = xs.length / B;
    const mean = xs.reduce((s, v) => s + v, 0) / xs.length;
    const vars = Array.from({ length: B }, (_, b) => xs.slice(b * per, (b + 1) * per).reduce((s, v) => s + (v - mean) ** 2, 0) / per);
    const v = vars.reduce((s, x) => s + x, 0) / B;
    const se = Math.sqrt(vars.reduce((s, x) => s + (x - v) ** 2, 0) / (B - 1) / B);
    expect(Math.abs(v - c.timeAverageVariance(i, T))).toBeLessThan(4 * se);
    expect(v).toBeLessThan(0.8 * mu[i]);
  });
});
