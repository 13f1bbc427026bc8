import { describe, expect, it } from 'vitest';
import { eigenvalues, gaussHermite, ParameterError } from '@snrlab/core';
import {
  bilinearGame,
  diracEigenvalues,
  diracGan,
  fPrime,
  fSecond,
  isBilinear,
  matrixRows,
  quadraticBilinearGame,
} from '../src/games.js';

/** Jacobian of a game's field at z by central differences. */
function numericJacobian(field: (z: number[], out: Float64Array) => void, z: number[], h = 1e-6): number[][] {
  const d = z.length;
  const J = Array.from({ length: d }, () => new Array<number>(d).fill(0));
  const a = new Float64Array(d);
  const b = new Float64Array(d);
  for (let j = 0; j < d; j++) {
    const zp = z.slice();
    const zm = z.slice();
    zp[j] += h;
    zm[j] -= h;
    field(zp, a);
    field(zm, b);
    for (let i = 0; i < d; i++) J[i][j] = (a[i] - b[i]) / (2 * h);
  }
  return J;
}

describe('linear games', () => {
  it('f = xy has the rotation field v = (−y, x)', () => {
    const g = bilinearGame([[1]]);
    const out = new Float64Array(2);
    g.field([0.3, -0.7], out);
    expect(Array.from(out)).toEqual([0.7, 0.3]);
    expect(g.value([0.3, -0.7])).toBeCloseTo(-0.21, 15);
    expect(isBilinear(g)).toBe(true);
  });

  it('quadratic–bilinear: v = (−Px − Ay, Aᵀx − Qy) in any dimension', () => {
    const A = [
      [1, 2, 0],
      [0, -1, 3],
    ];
    const P = [
      [2, 0],
      [0, 1],
    ];
    const Q = [
      [1, 0, 0],
      [0, 2, 0],
      [0, 0, 3],
    ];
    const g = quadraticBilinearGame(A, P, Q);
    expect(g.dim).toBe(5);
    expect(isBilinear(g)).toBe(false);
    const z = [0.5, -1, 2, 0.25, -0.5];
    const out = new Float64Array(5);
    g.field(z, out);
    const [x0, x1, y0, y1, y2] = z;
    expect(out[0]).toBeCloseTo(-(2 * x0) - (1 * y0 + 2 * y1), 14);
    expect(out[1]).toBeCloseTo(-(1 * x1) - (-1 * y1 + 3 * y2), 14);
    expect(out[2]).toBeCloseTo(1 * x0 - 1 * y0, 14);
    expect(out[3]).toBeCloseTo(2 * x0 - x1 - 2 * y1, 14);
    expect(out[4]).toBeCloseTo(3 * x1 - 3 * y2, 14);
    // the field is (−∇ₓf, ∇ᵧf) of f = ½xᵀPx + xᵀAy − ½yᵀQy
    const J = numericJacobian((zz, o) => g.field(zz, o), z);
    const gradF = (zz: number[]) => {
      const h = 1e-6;
      return zz.map((_, i) => {
        const p = zz.slice();
        const m = zz.slice();
        p[i] += h;
        m[i] -= h;
        return (g.value(p) - g.value(m)) / (2 * h);
      });
    };
    const gf = gradF(z);
    for (let i = 0; i < 2; i++) expect(out[i]).toBeCloseTo(-gf[i], 6);
    for (let i = 2; i < 5; i++) expect(out[i]).toBeCloseTo(gf[i], 6);
    expect(J[0][0]).toBeCloseTo(-2, 6);
  });

  it('refuses an A matrix with a shape mismatch, naming A', () => {
    expect(() => quadraticBilinearGame([[1, 2], [3]])).toThrow(ParameterError);
    expect(() => quadraticBilinearGame([[1, 2], [3]])).toThrow(/invalid A\[1\]\.length/);
    expect(() => matrixRows('A', [1, 2, 3], 2, 2)).toThrow(/invalid A: .*expected 4 numbers/);
    expect(() => quadraticBilinearGame([[1, 2]], [[1, 0], [0, 1]])).toThrow(/invalid P shape/);
    expect(() => quadraticBilinearGame([[1, 2]], null, [[1]])).toThrow(/invalid Q shape/);
    expect(() => quadraticBilinearGame([[1, NaN]])).toThrow(/invalid A\[1\]/);
  });
});

describe('Dirac GAN (Mescheder et al. 2018)', () => {
  it("f′(t) = sigmoid(−t): f′(0) = ½, f″(0) = −¼", () => {
    expect(fPrime(0)).toBe(0.5);
    expect(fSecond(0)).toBe(-0.25);
    expect(fPrime(3)).toBeCloseTo(1 / (1 + Math.exp(3)), 15);
    expect(fPrime(-800)).toBe(1);
  });

  it('has v_θ = −ψ f′(ψθ), v_ψ = θ f′(ψθ) − γψ', () => {
    const g = diracGan({ gamma: 0.4 });
    const out = new Float64Array(2);
    g.field([0.7, -1.3], out);
    expect(out[0]).toBeCloseTo(1.3 * fPrime(-0.91), 15);
    expect(out[1]).toBeCloseTo(0.7 * fPrime(-0.91) + 0.4 * 1.3, 15);
  });

  it('Jacobian eigenvalues are ±i·f′(0) without regularisation', () => {
    const ev = diracEigenvalues();
    expect(ev.re).toEqual([-0, -0]);
    expect(ev.im[0]).toBeCloseTo(0.5, 15);
    const J = numericJacobian((z, o) => diracGan().field(z, o), [0, 0]);
    const num = eigenvalues(J.flat(), 2);
    expect(Math.abs(num.re[0])).toBeLessThan(1e-9);
    expect(Math.abs(num.im[0])).toBeCloseTo(fPrime(0), 8);
  });

  it('with R1 the eigenvalues are −γ/2 ± √(γ²/4 − f′(0)²), complex and real', () => {
    for (const gamma of [0.3, 1, 2.5]) {
      const ev = diracEigenvalues(gamma);
      const disc = (gamma * gamma) / 4 - 0.25;
      const num = eigenvalues(numericJacobian((z, o) => diracGan({ gamma }).field(z, o), [0, 0]).flat(), 2);
      if (disc < 0) {
        expect(ev.re[0]).toBeCloseTo(-gamma / 2, 15);
        expect(Math.abs(ev.im[0])).toBeCloseTo(Math.sqrt(-disc), 14);
        expect(Math.abs(num.im[0])).toBeCloseTo(Math.sqrt(-disc), 7);
      } else {
        expect([...ev.re].sort()).toEqual([-gamma / 2 - Math.sqrt(disc), -gamma / 2 + Math.sqrt(disc)].sort());
        expect(Math.max(num.re[0], num.re[1])).toBeCloseTo(-gamma / 2 + Math.sqrt(disc), 7);
      }
      expect(Math.max(num.re[0], num.re[1])).toBeCloseTo(Math.max(...ev.re), 7);
    }
  });

  it('instance noise of sd s acts at the equilibrium like R1 with γ = s²/2', () => {
    const s = 0.7;
    const g = diracGan({ instanceNoise: s, quadratureNodes: 24 });
    const J = numericJacobian((z, o) => g.field(z, o), [0, 0], 1e-5);
    expect(J[0][0]).toBeCloseTo(0, 8);
    expect(J[0][1]).toBeCloseTo(-0.5, 8);
    expect(J[1][0]).toBeCloseTo(0.5, 8);
    expect(J[1][1]).toBeCloseTo(2 * s * s * fSecond(0), 8);
    const ev = diracEigenvalues(0, s);
    const ev2 = diracEigenvalues((s * s) / 2, 0);
    expect(ev.re[0]).toBeCloseTo(ev2.re[0], 15);
    expect(Array.from(g.jacobian())).toEqual([0, -0.5, 0.5, -(s * s) / 2]);
  });

  it('stays exact next to the equilibrium (no cancellation of the ½ terms)', () => {
    const g = diracGan({ instanceNoise: 0.7 });
    const out = new Float64Array(2);
    g.field([3e-18, -2e-18], out);
    expect(out[0] / 1e-18).toBeCloseTo(1, 10);
    expect(out[1] / 1e-18).toBeCloseTo(1.5 + 0.49 / 2 * 2, 8);
  });

  it('refuses a negative γ or instance noise, naming it', () => {
    expect(() => diracGan({ gamma: -1 })).toThrow(/invalid gamma/);
    expect(() => diracGan({ instanceNoise: -0.1 })).toThrow(/invalid instanceNoise/);
  });
});

describe('Gauss–Hermite quadrature', () => {
  it('integrates the moments of N(0, 1) exactly', () => {
    const { nodes, weights } = gaussHermite(12);
    const moment = (k: number) => nodes.reduce((s, x, i) => s + weights[i] * x ** k, 0);
    expect(moment(0)).toBeCloseTo(1, 13);
    expect(moment(1)).toBeCloseTo(0, 13);
    expect(moment(2)).toBeCloseTo(1, 12);
    expect(moment(4)).toBeCloseTo(3, 11);
    expect(moment(6)).toBeCloseTo(15, 10);
    expect(moment(10)).toBeCloseTo(945, 7);
  });
});
