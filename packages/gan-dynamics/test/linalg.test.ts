import { describe, expect, it } from 'vitest';
import { Stream } from '@snrlab/core';
import { eigenvalues, LU, spectralRadius } from '../src/linalg.js';

/** Companion matrix of the monic polynomial with the given real roots and complex pairs. */
function companion(coeffs: number[]): Float64Array {
  // x^n + c[n-1] x^{n-1} + ... + c[0]
  const n = coeffs.length;
  const M = new Float64Array(n * n);
  for (let i = 1; i < n; i++) M[i * n + i - 1] = 1;
  for (let i = 0; i < n; i++) M[i * n + n - 1] = -coeffs[i];
  return M;
}

function polyFromRoots(re: number[], im: number[]): number[] {
  // expand Π (x − λ) with complex arithmetic; the result is real for conjugate pairs
  let cr = [1];
  let ci = [0];
  for (let k = 0; k < re.length; k++) {
    const nr = new Array(cr.length + 1).fill(0);
    const ni = new Array(cr.length + 1).fill(0);
    for (let j = 0; j < cr.length; j++) {
      nr[j + 1] += cr[j];
      ni[j + 1] += ci[j];
      nr[j] -= re[k] * cr[j] - im[k] * ci[j];
      ni[j] -= re[k] * ci[j] + im[k] * cr[j];
    }
    cr = nr;
    ci = ni;
  }
  return cr.slice(0, -1);
}

const sortPairs = (re: ArrayLike<number>, im: ArrayLike<number>) =>
  Array.from(re, (r, i) => [r, im[i]]).sort((a, b) => a[0] - b[0] || a[1] - b[1]);

describe('eigenvalues', () => {
  it('recovers the roots of a polynomial from its companion matrix', () => {
    const re = [0.5, -1.25, 2, 0.3, 0.3, -0.7, -0.7];
    const im = [0, 0, 0, 0.4, -0.4, 1.1, -1.1];
    const ev = eigenvalues(companion(polyFromRoots(re, im)), re.length);
    const got = sortPairs(ev.re, ev.im);
    const want = sortPairs(re, im);
    for (let i = 0; i < re.length; i++) {
      expect(got[i][0]).toBeCloseTo(want[i][0], 9);
      expect(got[i][1]).toBeCloseTo(want[i][1], 9);
    }
  });

  it('keeps trace and determinant of random matrices', () => {
    const s = Stream.fromSeed(5);
    for (const n of [2, 3, 5, 8, 12]) {
      const M = new Float64Array(n * n);
      s.fillNormal(M);
      const ev = eigenvalues(M, n);
      let tr = 0;
      for (let i = 0; i < n; i++) tr += M[i * n + i];
      let sr = 0;
      let si = 0;
      for (let i = 0; i < n; i++) {
        sr += ev.re[i];
        si += ev.im[i];
      }
      expect(sr).toBeCloseTo(tr, 9);
      expect(si).toBeCloseTo(0, 9);
      // determinant by LU-free expansion for n = 2, 3
      if (n === 2) {
        const det = M[0] * M[3] - M[1] * M[2];
        const prod = ev.re[0] * ev.re[1] - ev.im[0] * ev.im[1];
        expect(prod).toBeCloseTo(det, 9);
      }
    }
  });

  it('gives the modulus of a rotation and of a scaled rotation', () => {
    const c = Math.cos(0.3);
    const sn = Math.sin(0.3);
    expect(spectralRadius(Float64Array.of(c, -sn, sn, c), 2)).toBeCloseTo(1, 14);
    expect(spectralRadius(Float64Array.of(2 * c, -2 * sn, 2 * sn, 2 * c), 2)).toBeCloseTo(2, 14);
  });

  it('refuses a non-finite matrix', () => {
    expect(() => eigenvalues(Float64Array.of(1, NaN, 0, 1), 2)).toThrow(/non-finite/);
  });
});

describe('LU', () => {
  it('solves a linear system', () => {
    const A = Float64Array.of(4, 1, 2, 1, 3, 0, 2, 0, 5);
    const x = Float64Array.of(1, -2, 0.5);
    const b = new Float64Array(3);
    for (let i = 0; i < 3; i++) for (let j = 0; j < 3; j++) b[i] += A[i * 3 + j] * x[j];
    const out = new Float64Array(3);
    new LU(A, 3).solve(b, out);
    for (let i = 0; i < 3; i++) expect(out[i]).toBeCloseTo(x[i], 13);
  });

  it('refuses a singular matrix', () => {
    expect(() => new LU(Float64Array.of(1, 2, 2, 4), 2)).toThrow(/singular/);
  });
});
