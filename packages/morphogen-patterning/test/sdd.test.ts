import { describe, expect, it } from 'vitest';
import {
  decayLength,
  finiteDomainProfile,
  finiteDomainSlope,
  fitDecayLength,
  fitExponential,
  fitExponentialLinear,
  halfLineFluxProfile,
  infiniteLineProfile,
  latticeDecayLength,
  powerLawSlope,
  semiInfiniteAmplitude,
  semiInfiniteProfile,
} from '../src/sdd.js';

const g = { D: 1, k: 0.04, p: 2, sourceLength: 5, patterningLength: 30 };

/** Second derivative by central differences. */
const d2 = (f: (x: number) => number, x: number, e = 1e-3) => (f(x + e) - 2 * f(x) + f(x - e)) / (e * e);
const d1 = (f: (x: number) => number, x: number, e = 1e-5) => (f(x + e) - f(x - e)) / (2 * e);

describe('closed-form SDD gradients', () => {
  it('λ = √(D/k) and the lattice value λ_h = h/arccosh(1 + kh²/2D): 5.008 voxels for D/h² = 1, k = 0.04', () => {
    expect(decayLength(1, 0.04)).toBeCloseTo(5, 14);
    expect(latticeDecayLength(1, 0.04, 1)).toBeCloseTo(5.008, 3);
    // λ_h = λ(1 + h²/(24λ²) + O(h⁴))
    for (const h of [0.5, 0.25, 0.125]) {
      const lh = latticeDecayLength(1, 0.04, h);
      expect(Math.abs(lh / 5 - 1 - (h * h) / 600)).toBeLessThan(1e-3 * h ** 4);
    }
  });

  it('refuses D, k, h ≤ 0 naming the parameter', () => {
    expect(() => decayLength(0, 1)).toThrow(/invalid D: got 0/);
    expect(() => decayLength(1, -1)).toThrow(/invalid k: got -1/);
    expect(() => latticeDecayLength(1, 1, 0)).toThrow(/invalid h: got 0/);
  });

  it('the finite-domain cosh profile solves D C″ − kC + p·1[x<0] = 0 with zero flux at both ends', () => {
    const f = (x: number) => finiteDomainProfile(g, x);
    for (const x of [-4, -2.5, -0.7, 0.8, 5, 17, 29]) {
      const source = x < 0 ? g.p : 0;
      expect(Math.abs(g.D * d2(f, x) - g.k * f(x) + source)).toBeLessThan(1e-5 * g.p);
    }
    // continuity of value and flux at x = 0, zero flux at the walls
    expect(f(-1e-9)).toBeCloseTo(f(1e-9), 7);
    expect(Math.abs(d1(f, -g.sourceLength + 1e-4))).toBeLessThan(1e-4);
    expect(Math.abs(d1(f, g.patterningLength - 1e-4))).toBeLessThan(1e-4);
    // the issue's form in the patterning domain
    const lam = 5;
    for (const x of [0, 3, 12, 30]) {
      const issue = (g.p / g.k) * (Math.sinh(g.sourceLength / lam) / Math.sinh((g.sourceLength + g.patterningLength) / lam)) * Math.cosh((g.patterningLength - x) / lam);
      expect(f(x)).toBeCloseTo(issue, 10);
    }
    for (const x of [1, 10, 25]) expect(finiteDomainSlope(g, x)).toBeCloseTo(d1(f, x), 6);
  });

  it('absorbing and fixed far ends satisfy their boundary conditions', () => {
    const abs = (x: number) => finiteDomainProfile(g, x, { type: 'absorbing' });
    const fix = (x: number) => finiteDomainProfile(g, x, { type: 'fixed', value: 3 });
    expect(abs(g.patterningLength)).toBeCloseTo(0, 12);
    expect(fix(g.patterningLength)).toBeCloseTo(3, 10);
    for (const f of [abs, fix]) {
      for (const x of [-3, 2, 20]) expect(Math.abs(g.D * d2(f, x) - g.k * f(x) + (x < 0 ? g.p : 0))).toBeLessThan(1e-5 * g.p);
      expect(Math.abs(d1(f, -g.sourceLength + 1e-4))).toBeLessThan(1e-4);
      expect(f(-1e-9)).toBeCloseTo(f(1e-9), 7);
    }
  });

  it('long finite domains approach the semi-infinite exponential C₀e^{−x/λ} without overflow', () => {
    const long = { ...g, patterningLength: 5000 };
    const C0 = semiInfiniteAmplitude(g);
    expect(C0).toBeCloseTo((g.p / (2 * g.k)) * (1 - Math.exp(-2)), 12);
    for (const x of [-3, 0, 10, 40]) expect(finiteDomainProfile(long, x)).toBeCloseTo(semiInfiniteProfile(g, x), 9);
    expect(Number.isFinite(finiteDomainProfile(long, 4000))).toBe(true);
  });

  it('infinite-line and half-line flux solutions', () => {
    const Q = 3;
    const f = (x: number) => infiniteLineProfile(Q, 1, 0.04, x);
    // the jump of −D C′ across the source equals Q
    // C′(0±) = ∓C(0)/λ, so the flux jump is 2D·C(0)/λ
    expect((2 * 1 * f(0)) / 5).toBeCloseTo(Q, 12);
    expect(d1(f, 2)).toBeCloseTo(-f(2) / 5, 8);
    const h = (x: number) => halfLineFluxProfile(2, 1, 0.04, x);
    expect(-d1(h, 1e-6)).toBeCloseTo(2, 5);
  });

  it('fitDecayLength recovers λ from exponential, cosh and sinh profiles', () => {
    const xs = Array.from({ length: 40 }, (_, i) => 0.5 + i);
    for (const f of [
      (x: number) => 7 * Math.exp(-x / 6.3),
      (x: number) => 2 * Math.cosh((40 - x) / 6.3),
      (x: number) => 2 * Math.sinh((40 - x) / 6.3),
    ]) {
      const fit = fitDecayLength(xs, xs.map(f), 5);
      expect(fit.decayLength).toBeCloseTo(6.3, 8);
      expect(fit.maxRelResidual).toBeLessThan(1e-9);
    }
  });

  it('exponential fits in log and linear space agree on a pure exponential', () => {
    const xs = Array.from({ length: 30 }, (_, i) => i * 2);
    const cs = xs.map((x) => 50 * Math.exp(-x / 11));
    expect(fitExponential(xs, cs).decayLength).toBeCloseTo(11, 9);
    const lin = fitExponentialLinear(xs, cs, 5);
    expect(lin.decayLength).toBeCloseTo(11, 6);
    expect(lin.C0).toBeCloseTo(50, 5);
  });

  it('power-law slope of nonlinear decay: C^{−(n−1)/2} = s(x + x₀) solves D C″ = k Cⁿ', () => {
    for (const n of [2, 3]) {
      const s = powerLawSlope(1, 0.04, n);
      const C = (x: number) => Math.pow(s * (x + 2), -2 / (n - 1));
      for (const x of [0, 3, 10]) expect(d2(C, x) / (0.04 * Math.pow(C(x), n))).toBeCloseTo(1, 5);
    }
    expect(() => powerLawSlope(1, 1, 1)).toThrow(/decayOrder/);
  });
});
