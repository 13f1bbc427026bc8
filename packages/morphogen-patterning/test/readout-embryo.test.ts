import { describe, expect, it } from 'vitest';
import { gaussHermite, Moments, Stream } from '@snrlab/core';
import { applySensingNoise, bergPurcellRelativeError, readBoundary, snapshotReadout, timeAveragedReadout } from '../src/readout.js';
import { boundaryMomentsQuadrature, boundaryPosition, boundaryPositionFast, drawKinetics, profileOnGrid, propagatedBoundarySpread } from '../src/embryo.js';
import { finiteDomainProfile } from '../src/sdd.js';
import { createProblem } from '../src/pde.js';
import { rdmeFromProblem, stationaryMean } from '../src/rdme/model.js';
import { NextSubvolumeSSA } from '../src/rdme/ssa.js';
import { logInterpolate } from '../src/positional.js';

describe('readout', () => {
  it('Berg–Purcell: δc/c = 1/√(D·a·c·T)', () => {
    expect(bergPurcellRelativeError(0.5, 2, 4, 100)).toBeCloseTo(1 / 20, 14);
    expect(bergPurcellRelativeError(1, 1, 0, 1)).toBe(Infinity);
    expect(() => bergPurcellRelativeError(1, 0, 1, 1)).toThrow(/invalid sensorSize: got 0/);
    expect(() => bergPurcellRelativeError(1, 1, 1, -2)).toThrow(/invalid integrationTime: got -2/);
  });

  it('sensing noise multiplies readouts by a mean-1 lognormal of CV δc/c (within 4 SE)', () => {
    const s = Stream.fromSeed(4);
    const h = 2;
    const n = 400; // c = 50 /µm³; D·a·c·T = 0.1·1·50·2 = 10 → CV = 1/√10
    const m = new Moments();
    const buf = new Float64Array(1);
    for (let r = 0; r < 20000; r++) {
      buf[0] = n;
      applySensingNoise(s, buf, { D: 0.1, sensorSize: 1, integrationTime: 2, h });
      m.push(buf[0] / n);
    }
    expect(Math.abs(m.mean - 1)).toBeLessThan(4 * m.sem);
    expect(Math.abs(m.sd - 1 / Math.sqrt(10))).toBeLessThan(4 * m.sdSE);
  });

  it('a threshold never crossed is reported as no boundary, with the reason, not NaN', () => {
    const grid = [0, 1, 2, 3];
    const v = [10, 8, 6, 4];
    expect(readBoundary(grid, v, 7)).toEqual({ boundary: true, position: 1.5 });
    const above = readBoundary(grid, v, 20);
    expect(above.boundary).toBe(false);
    if (!above.boundary) expect(above.reason).toMatch(/no boundary: threshold 20 is above the largest readout/);
    const below = readBoundary(grid, v, 1);
    if (!below.boundary) expect(below.reason).toMatch(/below the smallest readout/);
  });

  it('snapshot and time-averaged readouts of a running SSA', () => {
    const model = rdmeFromProblem(createProblem({ D: 1, k: 0.5, h: 1, length: 4, source: 10 }));
    const mu = stationaryMean(model);
    const sim = new NextSubvolumeSSA(model, Stream.fromSeed(2), Array.from(mu, Math.round));
    sim.advance(20);
    expect(Array.from(snapshotReadout(sim))).toEqual(Array.from(sim.counts));
    const t0 = sim.time;
    const avg = timeAveragedReadout(sim, 400);
    expect(sim.time).toBeCloseTo(t0 + 400, 9);
    // μ = 20 per voxel; a 400 s average has sd ≈ √(2μτ_c/T) with τ_c ≤ 1/k = 2 s: ≈ 0.45
    for (let i = 0; i < 4; i++) expect(Math.abs(avg[i] - 20)).toBeLessThan(4 * Math.sqrt((2 * 20 * 2) / 400));
  });

  it('log-linear interpolation is exact for exponentials', () => {
    const cells = Float64Array.from([0.5, 1.5, 2.5, 3.5]);
    const v = cells.map((x) => 100 * Math.exp(-x / 1.7));
    const grid = Float64Array.from({ length: 13 }, (_, i) => 0.5 + i * 0.25);
    const out = logInterpolate(cells, v, grid, new Float64Array(13));
    grid.forEach((x, i) => expect(out[i]).toBeCloseTo(100 * Math.exp(-x / 1.7), 10));
  });
});

describe('embryo variability', () => {
  const g = { sourceLength: 10, patterningLength: 100 };
  const ref = { p: 1, k: 0.01, D: 1 };

  it('draws lognormal p, k, D with the given means and CVs (within 4 SE)', () => {
    const s = Stream.fromSeed(8);
    const mk = new Moments();
    const mD = new Moments();
    for (let e = 0; e < 20000; e++) {
      const q = drawKinetics(s, ref, { p: 0, k: 0.3, D: 0.2 });
      expect(q.p).toBe(1);
      mk.push(q.k);
      mD.push(q.D);
    }
    expect(Math.abs(mk.mean - 0.01)).toBeLessThan(4 * mk.sem);
    expect(Math.abs(mk.sd / 0.01 - 0.3)).toBeLessThan((4 * mk.sdSE) / 0.01);
    expect(Math.abs(mD.sd - 0.2)).toBeLessThan(4 * mD.sdSE);
    expect(() => drawKinetics(s, ref, { p: -1, k: 0, D: 0 })).toThrow(/invalid cv.p/);
  });

  it('boundary positions: closed form = bisection, inside the source too, and none outside the range', () => {
    for (const th of [40, 30, 10, 1, 0.1]) {
      const a = boundaryPosition(ref, g, th);
      const b = boundaryPositionFast(ref, g, th);
      expect(b).not.toBeNull();
      expect(b as number).toBeCloseTo(a as number, 7);
      expect(finiteDomainProfile({ ...ref, ...g }, b as number)).toBeCloseTo(th, 6);
    }
    expect(boundaryPositionFast(ref, g, 1e3)).toBeNull();
    expect(boundaryPositionFast(ref, g, 1e-9)).toBeNull();
  });

  it('profileOnGrid equals the finite-domain profile', () => {
    const grid = Float64Array.from({ length: 50 }, (_, i) => 1 + 2 * i);
    const out = profileOnGrid(ref, g, grid, new Float64Array(50), 3);
    grid.forEach((x, i) => expect(out[i] / (3 * finiteDomainProfile({ ...ref, ...g }, x))).toBeCloseTo(1, 10));
  });

  it('Gauss–Hermite rule integrates polynomials of the standard normal exactly', () => {
    const { nodes, weights } = gaussHermite(8);
    const mom = (k: number) => nodes.reduce((s, z, i) => s + weights[i] * z ** k, 0);
    expect(mom(0)).toBeCloseTo(1, 12);
    expect(mom(2)).toBeCloseTo(1, 11);
    expect(mom(4)).toBeCloseTo(3, 10);
    expect(mom(6)).toBeCloseTo(15, 9);
  });

  it('quadrature of the boundary spread matches Monte Carlo; first order matches for small CVs', () => {
    const cv = { p: 0.3, k: 0.3, D: 0.3 };
    const th = finiteDomainProfile({ ...ref, ...g }, 30);
    const s = Stream.fromSeed(12);
    const m = new Moments();
    for (let e = 0; e < 20000; e++) {
      const x = boundaryPositionFast(drawKinetics(s, ref, cv), g, th);
      if (x !== null) m.push(x);
    }
    const q = boundaryMomentsQuadrature(ref, cv, g, th) as { mean: number; sd: number };
    expect(Math.abs(m.sd - q.sd)).toBeLessThan(4 * m.sdSE);
    expect(Math.abs(m.mean - q.mean)).toBeLessThan(4 * m.sem);
    const small = { p: 0.01, k: 0.01, D: 0.01 };
    const lin = propagatedBoundarySpread(ref, small, g, th);
    const qs = boundaryMomentsQuadrature(ref, small, g, th);
    expect(lin && qs && lin.firstOrder / qs.sd).toBeCloseTo(1, 3);
    // ∂x*/∂ln p = λ far from both walls (x* = λ ln(C₀/θ) + …)
    expect(lin && lin.gradient[0]).toBeCloseTo(10, 1);
  });
});
