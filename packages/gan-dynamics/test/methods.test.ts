import { describe, expect, it } from 'vitest';
import { DivergenceError, ParameterError } from '@snrlab/core';
import { fitGrowthFactor } from '../src/analysis.js';
import { bilinearGame, diracGan, quadraticBilinearGame, type Game } from '../src/games.js';
import { METHODS, Stepper, initialState, type MethodName, type Oracle } from '../src/methods.js';
import { trajectory } from '../src/run.js';
import {
  alternatingInvariant,
  extragradientGrowth,
  growthFactorTheory,
  optimisticGrowth,
  proximalGrowth,
  quadraticForm,
  simultaneousGrowth,
} from '../src/theory.js';

const xy = bilinearGame([[1]]);
const run = (method: MethodName, eta: number, steps: number, z0 = [0.6, -0.8], game: Game = xy, extra: Record<string, unknown> = {}) =>
  trajectory({ method, learningRateX: eta, learningRateY: eta, game, z0, steps, ...extra });

describe('reference behaviour on f = xy (exact)', () => {
  for (const eta of [0.1, 0.5]) {
    it(`simultaneous GDA: r_{k+1} = √(1+η²)·r_k at η = ${eta}`, () => {
      const t = run('simultaneous', eta, 200);
      for (let k = 0; k < 200; k++) expect(t.radius[k + 1] / t.radius[k]).toBeCloseTo(Math.sqrt(1 + eta * eta), 13);
      expect(simultaneousGrowth(eta)).toBe(Math.sqrt(1 + eta * eta));
    });

    it(`alternating GDA conserves Q = x² + y² − ηxy at η = ${eta}`, () => {
      const t = run('alternating', eta, 2000, [0.6, -0.8], xy, { pathEvery: 1 });
      const Q0 = 0.36 + 0.64 - eta * 0.6 * -0.8;
      for (let k = 0; k <= 2000; k += 7) {
        const x = t.path[2 * k];
        const y = t.path[2 * k + 1];
        expect(x * x + y * y - eta * x * y).toBeCloseTo(Q0, 12);
      }
    });

    it(`extragradient: r_{k+1} = √(1 − η² + η⁴)·r_k at η = ${eta}`, () => {
      const t = run('extragradient', eta, 200);
      for (let k = 0; k < 200; k++) expect(t.radius[k + 1] / t.radius[k]).toBeCloseTo(Math.sqrt(1 - eta * eta + eta ** 4), 13);
      expect(extragradientGrowth(eta)).toBeCloseTo(Math.sqrt(1 - eta * eta + eta ** 4), 15);
    });

    it(`proximal point: r_{k+1} = r_k/√(1+η²) at η = ${eta}`, () => {
      const t = run('proximal', eta, 200);
      for (let k = 0; k < 200; k++) expect(t.radius[k + 1] / t.radius[k]).toBeCloseTo(proximalGrowth(eta), 13);
    });
  }

  it('optimistic GDA: spectral radius 0.994936 at η = 0.1 and 0.7071 at η = 0.5', () => {
    expect(optimisticGrowth(0.1)).toBeCloseTo(0.994936, 6);
    expect(optimisticGrowth(0.5)).toBeCloseTo(0.7071, 4);
    expect(optimisticGrowth(0.5)).toBeCloseTo(Math.SQRT1_2, 14);
    // the implementation's own linear map has the same spectral radius
    const opt = (eta: number) => growthFactorTheory(xy, { method: 'optimistic', learningRateX: eta, learningRateY: eta });
    expect(opt(0.1)).toBeCloseTo(0.994936, 6);
    expect(opt(0.1)).toBeCloseTo(optimisticGrowth(0.1), 12);
    // at η = ½ the two roots coincide (a defective matrix): eigenvalues to ~√ε
    expect(opt(0.5)).toBeCloseTo(0.7071, 4);
    expect(Math.abs(opt(0.5) - Math.SQRT1_2)).toBeLessThan(1e-7);
    // and the measured decay of a trajectory at η = 0.1
    const t = run('optimistic', 0.1, 3000);
    const fit = fitGrowthFactor(t.radius, 1500);
    expect(Math.abs(fit.factor - 0.994936)).toBeLessThan(1e-6);
  });

  it('the spectral radius of every method’s linear map equals its closed form', () => {
    for (const eta of [0.1, 0.3, 0.5]) {
      const theory = (method: MethodName) => growthFactorTheory(xy, { method, learningRateX: eta, learningRateY: eta });
      expect(theory('simultaneous')).toBeCloseTo(simultaneousGrowth(eta), 12);
      expect(theory('alternating')).toBeCloseTo(1, 12);
      expect(theory('extragradient')).toBeCloseTo(extragradientGrowth(eta), 12);
      expect(theory('proximal')).toBeCloseTo(proximalGrowth(eta), 12);
      expect(theory('negative-momentum')).toBeLessThan(1);
    }
  });

  it('negative momentum (Gidel et al. 2019) converges where alternating GDA only cycles', () => {
    const t = run('negative-momentum', 0.1, 4000, [0.6, -0.8], xy, { momentum: -0.5 });
    const rho = growthFactorTheory(xy, { method: 'negative-momentum', learningRateX: 0.1, learningRateY: 0.1, momentum: -0.5 });
    expect(rho).toBeLessThan(1);
    const fit = fitGrowthFactor(t.radius, 2000);
    expect(Math.abs(fit.factor - rho)).toBeLessThan(fit.oscillationBound + 4 * fit.se);
    expect(t.radius[4000]).toBeLessThan(1e-2);
    // zero momentum is alternating GDA
    const a = run('negative-momentum', 0.1, 50, [0.6, -0.8], xy, { momentum: 0 });
    const b = run('alternating', 0.1, 50);
    expect(Array.from(a.final)).toEqual(Array.from(b.final));
  });
});

describe('separate learning rates and general games', () => {
  it('alternating GDA conserves |x|² + (ηₓ/ηᵧ)|y|² − ηₓxᵀAy for any A and learning rates', () => {
    const game = bilinearGame([
      [1, 0.5, -0.2],
      [0.3, -1, 0.7],
    ]);
    const W = alternatingInvariant(game, 0.05, 0.2);
    const z0 = [0.2, -0.4, 0.9, 0.1, -0.3];
    const t = trajectory({ method: 'alternating', learningRateX: 0.05, learningRateY: 0.2, game, z0, steps: 1000 });
    expect(quadraticForm(W, t.final, 5)).toBeCloseTo(quadraticForm(W, z0, 5), 12);
  });

  it('simultaneous GDA grows as √(1 + ηₓηᵧ) per step asymptotically', () => {
    const rho = growthFactorTheory(xy, { method: 'simultaneous', learningRateX: 0.05, learningRateY: 0.2 });
    expect(rho).toBeCloseTo(Math.sqrt(1 + 0.05 * 0.2), 12);
    const t = trajectory({ method: 'simultaneous', learningRateX: 0.05, learningRateY: 0.2, game: xy, z0: [1, 0], steps: 2000 });
    const fit = fitGrowthFactor(t.radius, 1000);
    expect(Math.abs(fit.factor - rho)).toBeLessThan(fit.oscillationBound + 4 * fit.se + 1e-12);
  });

  it('the proximal fixed point on a non-linear game agrees with the exact solve on a linear one', () => {
    // the same linear game, hidden behind an oracle without `linear`, takes the fixed-point path
    const game = quadraticBilinearGame([[1, 2]], [[0.5]], [[0.2, 0], [0, 0.1]]);
    const opaque: Oracle = { nx: 1, dim: 3, field: (z, out, _c, off = 0) => game.field(z, out, off) };
    const exact = new Stepper({ nx: 1, dim: 3, linear: game.matrix, field: (z, out, _c, off = 0) => game.field(z, out, off) }, { method: 'proximal', learningRateX: 0.1, learningRateY: 0.2 });
    const fixed = new Stepper(opaque, { method: 'proximal', learningRateX: 0.1, learningRateY: 0.2 });
    const a = initialState('proximal', [0.3, -0.5, 0.8]);
    const b = a.slice();
    for (let k = 0; k < 50; k++) {
      exact.step(a, k);
      fixed.step(b, k);
    }
    for (let i = 0; i < 3; i++) expect(b[i]).toBeCloseTo(a[i], 12);
  });

  it('the proximal fixed point refuses a learning rate too large for it to converge', () => {
    const game = diracGan({ gamma: 20 });
    expect(() => trajectory({ method: 'proximal', learningRateX: 1, learningRateY: 1, game, z0: [1, 1], steps: 5 })).toThrow(/invalid learningRate/);
  });
});

describe('bad input', () => {
  it('refuses a non-positive learning rate, naming it', () => {
    for (const method of METHODS) {
      expect(() => run(method, 0, 5)).toThrow(ParameterError);
      expect(() => trajectory({ method, learningRateX: -0.1, learningRateY: 0.1, game: xy, z0: [1, 0], steps: 5 })).toThrow(/invalid learningRateX: got -0.1/);
      expect(() => trajectory({ method, learningRateX: 0.1, learningRateY: 0, game: xy, z0: [1, 0], steps: 5 })).toThrow(/invalid learningRateY: got 0/);
    }
  });

  it('refuses a momentum outside (−1, 1), an unknown method and a start of the wrong length', () => {
    expect(() => run('negative-momentum', 0.1, 5, [1, 0], xy, { momentum: -1 })).toThrow(/invalid momentum/);
    expect(() => run('newton' as MethodName, 0.1, 5)).toThrow(/invalid method/);
    expect(() => run('simultaneous', 0.1, 5, [1, 0, 0])).toThrow(/invalid z0\.length/);
  });

  it('stops a diverging run at r > 10¹² and reports the step', () => {
    // simultaneous GDA at η = 1.5 grows by √3.25 per step from r₀ = 1
    const expected = Math.ceil(Math.log(1e12) / Math.log(Math.sqrt(1 + 2.25)));
    let err: unknown;
    try {
      run('simultaneous', 1.5, 100, [1, 0]);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(DivergenceError);
    const d = err as DivergenceError;
    expect(d.step).toBe(expected);
    expect(d.value).toBeGreaterThan(1e12);
    expect(d.message).toMatch(new RegExp(`step ${expected}`));
    expect((d.partial as { radius: Float64Array }).radius.length).toBe(expected);
  });
});
