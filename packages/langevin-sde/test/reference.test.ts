import { describe, expect, it } from 'vitest';
import {
  boltzmann,
  doubleWell,
  expm2x2,
  harmonic,
  kramersRate,
  mfptExact,
  ouMoments,
  saddleEscapeTime,
  underdampedHarmonicMoments,
} from '../src/index.js';

describe('Boltzmann density by quadrature', () => {
  it('harmonic: Z = √(2πT/k), variance T/k, exact CDF', () => {
    const b = boltzmann(harmonic({ stiffness: 4 }), 2);
    expect(b.Z).toBeCloseTo(Math.sqrt((2 * Math.PI * 2) / 4), 10);
    expect(b.variance).toBeCloseTo(0.5, 10);
    expect(b.mean).toBeCloseTo(0, 12);
    expect(b.cdf(0)).toBeCloseTo(0.5, 8);
    expect(b.cdf(Math.sqrt(0.5))).toBeCloseTo(0.841344746, 7);
    expect(b.quantile(b.cdf(0.3))).toBeCloseTo(0.3, 6);
  });

  it('double well: normalised, symmetric, tilted towards +x', () => {
    const b = boltzmann(doubleWell(), 0.5);
    expect(b.expectation(() => 1)).toBeCloseTo(1, 12);
    expect(b.mean).toBeCloseTo(0, 12);
    const t = boltzmann(doubleWell({ tilt: 0.1 }), 0.5);
    expect(t.mean).toBeGreaterThan(0.1);
    expect(() => boltzmann((x) => -x * x, 1)).toThrow(/potential/);
    expect(() => boltzmann(doubleWell(), 0)).toThrow(/temperature/);
  });
});

describe('exact mean first-passage times', () => {
  it('gives 5.743 from −1 to 0 in the double well at D = 0.25 (the issue’s reference)', () => {
    expect(mfptExact({ potential: doubleWell(), temperature: 0.25, x0: -1, b: 0 })).toBeCloseTo(5.7434, 4);
  });

  it('free diffusion with a reflecting wall: (b² − x0²)/(2D), and D = T/γ', () => {
    const free = (x: number) => 0 * x;
    expect(mfptExact({ potential: free, temperature: 0.5, x0: 0.3, b: 1, reflecting: 0 })).toBeCloseTo(1 - 0.09, 8);
    expect(mfptExact({ potential: free, temperature: 1, friction: 2, x0: 0.3, b: 1, reflecting: 0 })).toBeCloseTo(1 - 0.09, 8);
    // mirrored: exit downward
    expect(mfptExact({ potential: free, temperature: 0.5, x0: -0.3, b: -1, reflecting: 0 })).toBeCloseTo(0.91, 8);
  });

  it('approaches the asymptotic saddle escape time as D → 0', () => {
    const U = (x: number) => -0.5 * x * x;
    for (const D of [1e-3, 1e-4]) {
      const exact = mfptExact({ potential: U, temperature: D, x0: 0, b: 1, reflecting: 0 });
      expect(Math.abs(exact / saddleEscapeTime({ lambda: 1, r: 1, D }) - 1)).toBeLessThan(D);
    }
  });

  it('Kramers: √(U″(a)|U″(b)|)/(2π)·e^{−ΔU/D}, approaching the exact rate at low noise', () => {
    const dw = doubleWell();
    expect(kramersRate({ potential: dw, temperature: 0.25 })).toBeCloseTo((Math.sqrt(2) / (2 * Math.PI)) * Math.exp(-1), 12);
    const ratio = (D: number) => 1 / kramersRate({ potential: dw, temperature: D }) / mfptExact({ potential: dw, temperature: D, x0: -1, b: 1 });
    expect(Math.abs(ratio(0.05) - 1)).toBeLessThan(Math.abs(ratio(0.25) - 1));
    expect(Math.abs(ratio(0.05) - 1)).toBeLessThan(0.1);
    expect(() => kramersRate({ potential: dw, temperature: 0.25, minimum: 0, barrier: 0 })).toThrow(/minimum/);
  });
});

describe('exact laws', () => {
  it('OU moments', () => {
    const m = ouMoments({ rate: 2, center: 1, sigma: 0.5, x0: 3, t: 0.7 });
    expect(m.mean).toBeCloseTo(1 + 2 * Math.exp(-1.4), 14);
    expect(m.variance).toBeCloseTo((0.25 * (1 - Math.exp(-2.8))) / 4, 14);
    expect(ouMoments({ rate: 0, sigma: 2, x0: 0, t: 3 }).variance).toBe(12);
  });

  it('e^{At} for real, complex and repeated eigenvalues', () => {
    const series = (A: number[], t: number) => {
      let term = [1, 0, 0, 1];
      const sum = [1, 0, 0, 1];
      for (let k = 1; k < 40; k++) {
        term = [
          (t / k) * (term[0] * A[0] + term[1] * A[2]),
          (t / k) * (term[0] * A[1] + term[1] * A[3]),
          (t / k) * (term[2] * A[0] + term[3] * A[2]),
          (t / k) * (term[2] * A[1] + term[3] * A[3]),
        ];
        for (let i = 0; i < 4; i++) sum[i] += term[i];
      }
      return sum;
    };
    for (const A of [[0, 1, -1, -0.5], [0, 1, -1, -3], [0, 1, -1, -2], [1, 2, 0.5, -1]]) {
      const e = expm2x2(A[0], A[1], A[2], A[3], 1.3);
      const s = series(A, 1.3);
      for (let i = 0; i < 4; i++) expect(e[i]).toBeCloseTo(s[i], 9);
    }
  });

  it('underdamped oscillator: zero spread at t = 0, Boltzmann spread as t → ∞', () => {
    expect(underdampedHarmonicMoments({ stiffness: 2, friction: 1, temperature: 0.5, q0: 1, t: 0 })).toMatchObject({ meanQ: 1, varQ: 0, varP: 0 });
    const late = underdampedHarmonicMoments({ stiffness: 2, mass: 3, friction: 1, temperature: 0.5, q0: 1, t: 200 });
    expect(late.varQ).toBeCloseTo(0.25, 10);
    expect(late.varP).toBeCloseTo(1.5, 10);
    expect(late.covQP).toBeCloseTo(0, 10);
  });
});
