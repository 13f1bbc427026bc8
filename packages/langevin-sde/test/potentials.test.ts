import { describe, expect, it } from 'vitest';
import { Stream } from '@snrlab/core';
import { doubleWell, doubleWellCriticalPoints, eigenvalues2x2, harmonic, mullerBrown, saddle, type Potential } from '../src/index.js';

function checkDerivatives(pot: Potential, points: number[][]) {
  const d = pot.dim;
  const g = new Float64Array(d);
  const H = new Float64Array(d * d);
  const gp = new Float64Array(d);
  const gm = new Float64Array(d);
  for (const p of points) {
    const x = Float64Array.from(p);
    pot.gradient(x, g, 0, 0);
    pot.hessian(x, H, 0, 0);
    for (let j = 0; j < d; j++) {
      const e = 1e-5 * Math.max(1, Math.abs(x[j]));
      const xp = Float64Array.from(x);
      const xm = Float64Array.from(x);
      xp[j] += e;
      xm[j] -= e;
      const fd = (pot.value(xp) - pot.value(xm)) / (2 * e);
      expect(g[j]).toBeCloseTo(fd, Math.abs(fd) > 100 ? 3 : 5);
      pot.gradient(xp, gp, 0, 0);
      pot.gradient(xm, gm, 0, 0);
      for (let i = 0; i < d; i++) {
        const fdH = (gp[i] - gm[i]) / (2 * e);
        expect(H[i * d + j]).toBeCloseTo(fdH, Math.abs(fdH) > 100 ? 2 : 4);
      }
    }
  }
}

describe('potentials', () => {
  const s = Stream.fromSeed(4);
  const pts = (d: number, scale: number) => Array.from({ length: 5 }, () => Array.from({ length: d }, () => scale * s.normal()));

  it('gradients and Hessians match finite differences', () => {
    checkDerivatives(harmonic({ stiffness: [1, 3, 0.5], center: [0.1, -2, 0] }), pts(3, 1));
    checkDerivatives(doubleWell({ tilt: 0.2 }), pts(1, 1.2));
    checkDerivatives(doubleWell({ dim: 3 }), pts(3, 1));
    checkDerivatives(saddle({ stable: 2, unstable: 0.5 }), pts(2, 1));
    checkDerivatives(mullerBrown(), [[-0.5, 1.4], [0.6, 0], [0, 0.5], [-1, 1], [0.3, 0.3]]);
  });

  it('evaluates an ensemble in place through offsets', () => {
    const pot = doubleWell({ tilt: 0.1 });
    const x = Float64Array.of(-1, 0.5, 2);
    const g = new Float64Array(3);
    for (let i = 0; i < 3; i++) pot.gradient(x, g, i, i);
    expect(Array.from(g)).toEqual(Array.from(x, (v) => v * v * v - v - 0.1));
  });

  it('the double well has wells at ±1 and its barrier at 0; tilting moves them', () => {
    const dw = doubleWell();
    expect(dw.minima.map((m) => m[0])).toEqual([-1, 1]);
    expect(dw.saddles[0][0]).toBeCloseTo(0, 15);
    expect(dw.value([0]) - dw.value([-1])).toBeCloseTo(0.25, 15);
    for (const tilt of [0.1, -0.3]) {
      const r = doubleWellCriticalPoints(tilt);
      expect(r).toHaveLength(3);
      for (const x of r) expect(x * x * x - x - tilt).toBeCloseTo(0, 13);
    }
    expect(doubleWellCriticalPoints(1)).toHaveLength(1); // beyond 2/√27 only one well remains
  });

  it('Müller–Brown: the published minima and saddles, with their energies', () => {
    const mb = mullerBrown();
    const energies = (ps: readonly Float64Array[]) => ps.map((p) => mb.value(p));
    const [m1, m2, m3] = energies(mb.minima);
    expect(m1).toBeCloseTo(-146.699, 2);
    expect(m2).toBeCloseTo(-108.167, 2);
    expect(m3).toBeCloseTo(-80.768, 2);
    const [s1, s2] = energies(mb.saddles);
    expect(s1).toBeCloseTo(-40.665, 2);
    expect(s2).toBeCloseTo(-72.249, 2);
    const g = new Float64Array(2);
    const H = new Float64Array(4);
    for (const p of mb.minima) {
      mb.gradient(p, g, 0, 0);
      expect(Math.hypot(g[0], g[1])).toBeLessThan(1e-8);
      mb.hessian(p, H, 0, 0);
      expect(eigenvalues2x2(H[0], H[1], H[3])[0]).toBeGreaterThan(0);
    }
    for (const p of mb.saddles) {
      mb.hessian(p, H, 0, 0);
      const [lo, hi] = eigenvalues2x2(H[0], H[1], H[3]);
      expect(lo).toBeLessThan(0);
      expect(hi).toBeGreaterThan(0);
    }
  });

  it('refuses bad parameters by name', () => {
    expect(() => harmonic({ stiffness: NaN })).toThrow(/stiffness/);
    expect(() => harmonic({ stiffness: [1, 2], center: [0, 0, 0] })).toThrow(/center\.length/);
    expect(() => saddle({ unstable: -1 })).toThrow(/unstable/);
    expect(() => mullerBrown({ scale: 0 })).toThrow(/scale/);
  });
});
