import { describe, expect, it } from 'vitest';
import { DivergenceError, Moments, Stream } from '@snrlab/core';
import { bilinearGame } from '../src/games.js';
import { continuousTimeEnsemble } from '../src/langevin.js';
import { METHODS } from '../src/methods.js';
import { fillNoise } from '../src/noise.js';
import { runGameEnsemble } from '../src/run.js';
import {
  alternatingInvariant,
  alternatingMeanQ,
  continuousMeanR2,
  expectedSquaredRadius,
  extragradientMeanR2,
  extragradientStationaryR2,
  quadraticForm,
  simultaneousMeanR2,
  stationarySquaredRadius,
} from '../src/theory.js';

const xy = bilinearGame([[1]]);
const within4SE = (m: Moments, theory: number) => expect(Math.abs(m.mean - theory)).toBeLessThan(4 * m.sem);

describe('exact laws under i.i.d. gradient noise of variance σ² per component', () => {
  it('the mean–covariance recursion reproduces the closed forms', () => {
    const eta = 0.3;
    const sigma = 0.2;
    const z0 = [0.6, 0.8];
    const sim = expectedSquaredRadius(xy, { method: 'simultaneous', learningRateX: eta, learningRateY: eta }, z0, sigma, 60);
    const eg = expectedSquaredRadius(xy, { method: 'extragradient', learningRateX: eta, learningRateY: eta }, z0, sigma, 60);
    const W = alternatingInvariant(xy, eta, eta);
    const alt = expectedSquaredRadius(xy, { method: 'alternating', learningRateX: eta, learningRateY: eta }, z0, sigma, 60, W);
    const Q0 = 1 - eta * 0.48;
    for (const k of [0, 1, 5, 60]) {
      expect(sim.r2[k]).toBeCloseTo(simultaneousMeanR2(k, eta, sigma, 1), 11);
      expect(eg.r2[k]).toBeCloseTo(extragradientMeanR2(k, eta, sigma, 1), 12);
      expect(alt.quadratic![k]).toBeCloseTo(alternatingMeanQ(k, eta, sigma, Q0), 12);
    }
    expect(stationarySquaredRadius(xy, { method: 'extragradient', learningRateX: eta, learningRateY: eta }, sigma)).toBeCloseTo(extragradientStationaryR2(eta, sigma), 12);
    expect(stationarySquaredRadius(xy, { method: 'alternating', learningRateX: eta, learningRateY: eta }, sigma)).toBe(Infinity);
  });

  it('simultaneous GDA: E r²_k = (1+η²)^k r₀² + 2σ²((1+η²)^k − 1), through tensor’s EM step and the generic loop', () => {
    const eta = 0.2;
    const sigma = 0.3;
    for (const useEmStep of [true, false]) {
      const ens = runGameEnsemble({ method: 'simultaneous', learningRateX: eta, learningRateY: eta, game: xy, z0: [1, 0], steps: 60, particles: 4000, noise: { kind: 'gaussian', sigma }, stream: Stream.fromSeed(11), recordEvery: 20, useEmStep });
      expect(ens.steps).toEqual([0, 20, 40, 60]);
      ens.steps.forEach((k, i) => {
        if (k > 0) within4SE(ens.r2[i], simultaneousMeanR2(k, eta, sigma, 1));
      });
    }
  });

  it('alternating GDA: E Q_k = Q₀ + 2η²σ²k', () => {
    const eta = 0.2;
    const sigma = 0.3;
    const W = alternatingInvariant(xy, eta, eta);
    const z0 = [0.6, 0.8];
    const ens = runGameEnsemble({
      method: 'alternating',
      learningRateX: eta,
      learningRateY: eta,
      game: xy,
      z0,
      steps: 300,
      particles: 3000,
      noise: { kind: 'gaussian', sigma },
      stream: Stream.fromSeed(12),
      recordEvery: 100,
      observables: [{ name: 'Q', fn: (z, off) => quadraticForm(W, z, 2, off) }],
    });
    const Q0 = quadraticForm(W, z0, 2);
    ens.steps.forEach((k, i) => {
      if (k > 0) within4SE(ens.observed.Q[i], alternatingMeanQ(k, eta, sigma, Q0));
    });
  });

  it('extragradient settles at E r² = 2σ²(1+η²)/(1−η²)', () => {
    const eta = 0.5;
    const sigma = 0.4;
    // ρ² = 1 − η² + η⁴ = 0.8125: after 150 steps the start is forgotten (ρ^300 < 10⁻²⁶)
    const ens = runGameEnsemble({ method: 'extragradient', learningRateX: eta, learningRateY: eta, game: xy, z0: [1, 0], steps: 150, particles: 4000, noise: { kind: 'gaussian', sigma }, stream: Stream.fromSeed(13), recordEvery: 150 });
    within4SE(ens.r2[1], extragradientStationaryR2(eta, sigma));
    expect(extragradientStationaryR2(eta, sigma)).toBeCloseTo((2 * 0.16 * 1.25) / 0.75, 14);
  });

  it('every method follows its exact E r² law (quadratic–bilinear game, unequal learning rates)', () => {
    const game = bilinearGame([
      [1, 0.5],
      [-0.3, 0.8],
    ]);
    const z0 = [0.5, -0.5, 0.5, 0.5];
    for (const method of METHODS) {
      const opts = { method, learningRateX: 0.15, learningRateY: 0.25, momentum: -0.4 };
      const exact = expectedSquaredRadius(game, opts, z0, 0.2, 80);
      const ens = runGameEnsemble({ ...opts, game, z0, steps: 80, particles: 2000, noise: { kind: 'gaussian', sigma: 0.2 }, stream: Stream.fromSeed(14).child(method), recordEvery: 80 });
      within4SE(ens.r2[1], exact.r2[80]);
    }
  });

  it('α-stable noise with α = 2 has the Gaussian law (scale σ/√2 convention)', () => {
    const ens = runGameEnsemble({ method: 'alternating', learningRateX: 0.2, learningRateY: 0.2, game: xy, z0: [1, 0], steps: 100, particles: 3000, noise: { kind: 'alpha-stable', sigma: 0.3, alpha: 2 }, stream: Stream.fromSeed(15), recordEvery: 100 });
    const exact = expectedSquaredRadius(xy, { method: 'alternating', learningRateX: 0.2, learningRateY: 0.2 }, [1, 0], 0.3, 100);
    within4SE(ens.r2[1], exact.r2[100]);
    const draws = new Float64Array(20000);
    fillNoise({ kind: 'alpha-stable', sigma: 0.5, alpha: 2 }, Stream.fromSeed(3), draws);
    const m = Moments.of(draws);
    expect(Math.abs(m.variance - 0.25)).toBeLessThan(4 * m.varianceSE);
  });

  it('continuous time (langevin-sde): rotation plus diffusion gives E r² = r₀² + 2s²t', () => {
    const s = 0.3;
    const ct = continuousTimeEnsemble({ game: xy, z0: [0.6, 0.8], s, horizon: 8, dt: 0.02, particles: 3000, stream: Stream.fromSeed(16), saves: 4 });
    expect(ct.solver).toBe('sra1');
    ct.t.forEach((t, i) => within4SE(ct.r2[i], continuousMeanR2(t, s, 1)));
    // in any dimension: d·s²·t for a bilinear game
    const g4 = bilinearGame([
      [1, 2],
      [0, -1],
    ]);
    const c4 = continuousTimeEnsemble({ game: g4, z0: [0.5, 0.5, 0.5, 0.5], s, horizon: 2, dt: 0.01, particles: 3000, stream: Stream.fromSeed(17), saves: 1 });
    within4SE(c4.r2[0], continuousMeanR2(2, s, 1, 4));
  });

  it('refuses σ < 0, naming sigma', () => {
    expect(() =>
      runGameEnsemble({ method: 'simultaneous', learningRateX: 0.1, learningRateY: 0.1, game: xy, z0: [1, 0], steps: 5, particles: 10, noise: { kind: 'gaussian', sigma: -0.1 }, stream: Stream.fromSeed(1) }),
    ).toThrow(/invalid sigma: got -0.1/);
  });

  it('an ensemble stops at r > 10¹² with the step and the particle', () => {
    for (const method of ['simultaneous', 'extragradient'] as const) {
      let err: unknown;
      try {
        runGameEnsemble({ method, learningRateX: 2.5, learningRateY: 2.5, game: xy, z0: [1, 0], steps: 200, particles: 50, noise: { kind: 'gaussian', sigma: 0.01 }, stream: Stream.fromSeed(1) });
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(DivergenceError);
      const d = err as DivergenceError;
      expect(d.value).toBeGreaterThan(1e12);
      expect(d.step).toBeGreaterThan(5);
      expect(d.step).toBeLessThan(200);
      expect(d.replica).toBeGreaterThanOrEqual(0);
    }
  });

  it('gives the same bytes for the same seed', () => {
    const go = () => runGameEnsemble({ method: 'optimistic', learningRateX: 0.1, learningRateY: 0.1, game: xy, z0: [1, 0], steps: 30, particles: 100, noise: { kind: 'alpha-stable', sigma: 0.1, alpha: 1.5 }, stream: Stream.fromSeed(9) }).final;
    expect(Array.from(go())).toEqual(Array.from(go()));
  });
});

describe('fused kernels', () => {
  it('agree with the generic stepper on the same noise, for every method, in 2 and 5 dimensions', () => {
    const games = [bilinearGame([[1.3]]), bilinearGame([
      [1, 0.5, -0.2],
      [0.3, -1, 0.7],
    ])];
    for (const game of games) {
      const z0 = Array.from({ length: game.dim }, (_, i) => 0.3 + 0.1 * i);
      for (const method of METHODS) {
        const run = (fused: boolean) =>
          runGameEnsemble({ method, learningRateX: 0.15, learningRateY: 0.25, momentum: -0.3, game, z0, steps: 40, particles: 30, noise: { kind: 'gaussian', sigma: 0.2 }, stream: Stream.fromSeed(21), fused, useEmStep: false }).final;
        const a = run(true);
        const b = run(false);
        for (let i = 0; i < a.length; i++) expect(a[i]).toBeCloseTo(b[i], 12);
      }
    }
  });
});
