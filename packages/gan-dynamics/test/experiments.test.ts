import { describe, expect, it } from 'vitest';
import { DivergenceError, checkVerdict, ParameterError, runExperiment, type ExperimentResult } from '@snrlab/core';
import { experiments } from '../src/experiments/index.js';
import { bilinearExperiment } from '../src/experiments/bilinear.js';
import { diracExperiment } from '../src/experiments/dirac.js';
import { mixtureExperiment } from '../src/experiments/mixture.js';
import { noiseDriftExperiment } from '../src/experiments/noise-drift.js';
import { METHODS } from '../src/methods.js';

const near = (m: number, theory: number, se: number, tol = 0) => expect(Math.abs(m - theory)).toBeLessThanOrEqual(4 * se + tol);

function checkVerdicts(r: ExperimentResult) {
  expect(r.verdicts.length).toBeGreaterThan(0);
  for (const v of r.verdicts) {
    expect(typeof v.agrees).toBe('boolean');
    expect(checkVerdict(v)).toBeNull();
    expect(v.claim.length).toBeGreaterThan(10);
  }
  for (const f of r.figures) expect((f.spec.layer as unknown[]).length).toBeGreaterThan(0);
}

describe('registry', () => {
  it('exports the four experiments with their ids', () => {
    expect(experiments.map((e) => e.id)).toEqual(['gan.bilinear', 'gan.noise-drift', 'gan.dirac', 'gan.mixture']);
  });
});

describe('gan.bilinear', () => {
  const small = { steps: 200, particles: 1500 };

  it('measures each method’s growth factor and E r² against the exact laws', async () => {
    const r = await runExperiment(bilinearExperiment, small, { seed: 3 });
    checkVerdicts(r);
    const m = r.metrics;
    for (const method of METHODS) {
      near(m[`${method}.meanR2Final`], m[`${method}.meanR2Theory`], m[`${method}.meanR2FinalSE`]);
      expect(Math.abs(m[`${method}.growthFactorMeasured`] - m[`${method}.growthFactorTheory`])).toBeLessThan(3e-4);
    }
    expect(m['simultaneous.growthFactorClosedForm']).toBeCloseTo(Math.sqrt(1.01), 15);
    expect(m['simultaneous.growthFactorMeasured']).toBeCloseTo(Math.sqrt(1.01), 12);
    expect(m['extragradient.growthFactorMeasured']).toBeCloseTo(Math.sqrt(1 - 0.01 + 0.0001), 12);
    expect(m['optimistic.growthFactorClosedForm']).toBeCloseTo(0.994936, 6);
    near(m['alternating.meanQFinal'], 1 - 0.1 * 0.5 + 2 * 0.01 * 0.01 * 200, m['alternating.meanQFinalSE']);
    // the deterministic growth-factor verdicts all agree
    for (const v of r.verdicts.filter((v) => v.claim.includes('grows by'))) expect(v.agrees).toBe(true);
    expect(r.figures.map((f) => f.name)).toEqual(['phase-noiseless', 'phase-noisy', 'mean-r2']);
  });

  it('runs a quadratic–bilinear game in higher dimension with separate learning rates', async () => {
    const r = await runExperiment(
      bilinearExperiment,
      { nx: 2, ny: 3, A: [1, 0.5, 0, -0.2, 1, 0.3], P: [0.1, 0, 0, 0.1], Q: [], learningRateX: 0.05, learningRateY: 0.15, steps: 150, particles: 800, methods: ['simultaneous', 'extragradient', 'negative-momentum'] },
      { seed: 4 },
    );
    checkVerdicts(r);
    for (const method of ['simultaneous', 'extragradient', 'negative-momentum']) near(r.metrics[`${method}.meanR2Final`], r.metrics[`${method}.meanR2Theory`], r.metrics[`${method}.meanR2FinalSE`]);
    expect(r.metrics['alternating.meanQFinal']).toBeUndefined();
  });

  it('judges a deterministic growth factor on a bound, not an SE, and catches a Jordan block’s k·ρ^k', async () => {
    // optimistic GDA at η = ½ on f = xy: λ² − (1 + i)λ + i/2 = 0 has a double root of modulus 1/√2
    // (a Jordan block), so |z_k| ∝ k·ρ^k: over a finite window the slope of log r is log ρ plus the
    // slope of log k, and the claim "grows by ρ per step" fails at every finite K — the verdict must say so
    const steps = 60;
    const r = await runExperiment(bilinearExperiment, { learningRateX: 0.5, learningRateY: 0.5, steps, particles: 20, methods: ['optimistic', 'simultaneous'] }, { seed: 1 });
    const g = r.verdicts.filter((v) => v.claim.includes('grows by'));
    expect(g.map((v) => v.status)).toEqual(['disagrees', 'agrees']);
    for (const v of g) {
      expect(v.se).toBeUndefined();
      expect(v.note).toMatch(/is a bound, not a confidence interval/);
    }
    const rho = r.metrics['optimistic.growthFactorTheory'];
    expect(rho).toBeCloseTo(Math.SQRT1_2, 7);
    // least-squares slope of log k over the fitted window [K/2, K]
    const ks = Array.from({ length: steps / 2 + 1 }, (_, i) => steps / 2 + i);
    const kb = ks.reduce((s, k) => s + k, 0) / ks.length;
    const lb = ks.reduce((s, k) => s + Math.log(k), 0) / ks.length;
    const slope = ks.reduce((s, k) => s + (k - kb) * (Math.log(k) - lb), 0) / ks.reduce((s, k) => s + (k - kb) ** 2, 0);
    const excess = Math.log(r.metrics['optimistic.growthFactorMeasured'] / rho);
    expect(excess / slope).toBeGreaterThan(0.9);
    expect(excess / slope).toBeLessThan(1.1);
  });

  it('gives identical metrics for the same seed', async () => {
    const a = await runExperiment(bilinearExperiment, { steps: 40, particles: 100 }, { seed: 9 });
    const b = await runExperiment(bilinearExperiment, { steps: 40, particles: 100 }, { seed: 9 });
    expect(a.metrics).toEqual(b.metrics);
  });

  it('refuses bad parameters, naming them', async () => {
    await expect(runExperiment(bilinearExperiment, { learningRateX: 0 })).rejects.toThrow(/invalid learningRateX: got 0/);
    await expect(runExperiment(bilinearExperiment, { learningRateY: -0.1 })).rejects.toThrow(/invalid learningRateY/);
    await expect(runExperiment(bilinearExperiment, { sigma: -0.5 })).rejects.toThrow(/invalid sigma: got -0.5/);
    await expect(runExperiment(bilinearExperiment, { nx: 2, A: [1, 2, 3] })).rejects.toThrow(/invalid A: .*shape mismatch/);
    await expect(runExperiment(bilinearExperiment, { nx: 2, ny: 2, A: [1, 0, 0, 1], P: [1] })).rejects.toThrow(/invalid P/);
  });

  it('stops a diverging run and reports the step', async () => {
    const err = await runExperiment(bilinearExperiment, { learningRateX: 2.5, learningRateY: 2.5, steps: 100, particles: 20, methods: ['simultaneous'] }).catch((e) => e);
    expect(err).toBeInstanceOf(DivergenceError);
    // |z| grows by √(1 + 6.25) per step from r₀ = 1
    expect((err as DivergenceError).step).toBe(Math.ceil(Math.log(1e12) / Math.log(Math.sqrt(7.25))));
  });
});

describe('gan.noise-drift', () => {
  it('measures the outward drift 2η²σ² and the stationary spreads', async () => {
    const r = await runExperiment(noiseDriftExperiment, { steps: 200, particles: 600, sigmas: [0.1, 0.3] }, { seed: 5 });
    checkVerdicts(r);
    const m = r.metrics;
    for (const k of ['alternating', 'simultaneous', 'continuous']) {
      expect(m[`${k}.driftCoefficientTheory`]).toBeCloseTo(2 * 0.04, 15);
      near(m[`${k}.driftCoefficientMeasured`], m[`${k}.driftCoefficientTheory`], m[`${k}.driftCoefficientSE`]);
    }
    for (const k of ['extragradient', 'optimistic', 'proximal', 'negative-momentum']) {
      near(m[`${k}.spreadCoefficientMeasured`], m[`${k}.spreadCoefficientTheory`], m[`${k}.spreadCoefficientSE`]);
      expect(m[`${k}.finalR2AtMaxSigma`]).toBeGreaterThan((k === 'negative-momentum' ? 2 : 100) * m[`${k}.noiselessR2Final`]);
    }
    expect(m['extragradient.stationaryCoefficientTheory']).toBeCloseTo((2 * 1.04) / 0.96, 12);
    // the seed claim: noise helps extragradient reach the equilibrium — refuted
    const claim = r.verdicts.find((v) => v.claim.startsWith('Noise helps'));
    expect(claim?.agrees).toBe(false);
  });

  it('with α-stable kicks the spread grows as k^{2/α}', async () => {
    const r = await runExperiment(noiseDriftExperiment, { noise: 'alpha-stable', alpha: 1.2, steps: 320, particles: 1600, sigmas: [0.05, 0.1], convergentMethods: ['extragradient'] }, { seed: 6 });
    checkVerdicts(r);
    near(r.metrics['alternating.spreadExponent'], 2 / 1.2, r.metrics['alternating.spreadExponentSE']);
    expect(r.verdicts.find((v) => v.claim.startsWith('Noise helps'))?.agrees).toBe(false);
  });

  it('refuses bad parameters, naming them', async () => {
    await expect(runExperiment(noiseDriftExperiment, { sigmas: [-0.1, 0.2] })).rejects.toThrow(/invalid sigmas\[0\]/);
    await expect(runExperiment(noiseDriftExperiment, { learningRate: 0 })).rejects.toThrow(/invalid learningRate/);
  });

  it('refuses too few particles for the α-stable checkpoints before any task runs', async () => {
    const events: string[] = [];
    const err = await runExperiment(noiseDriftExperiment, { noise: 'alpha-stable', particles: 100 }, { onProgress: (e) => events.push(e.stage) }).catch((e) => e);
    expect(err).toBeInstanceOf(ParameterError);
    expect((err as Error).message).toMatch(/invalid particles: got 100; expected at least 160 for 8 checkpoints/);
    expect(events).toEqual([]);
  });
});

describe('gan.dirac', () => {
  it('fits contraction rates against the eigenvalue prediction, with and without R1 and instance noise', async () => {
    const r = await runExperiment(diracExperiment, { steps: 600, particles: 120 }, { seed: 7 });
    checkVerdicts(r);
    const m = r.metrics;
    expect(m['none.eigenvalueRe']).toBeCloseTo(0, 15);
    expect(m['none.eigenvalueIm']).toBeCloseTo(0.5, 15);
    expect(m['r1.eigenvalueRe']).toBeCloseTo(-0.15, 15);
    expect(m['r1.eigenvalueIm']).toBeCloseTo(Math.sqrt(0.25 - 0.0225), 14);
    expect(m['instance-noise.eigenvalueRe']).toBeCloseTo(-0.49 / 4, 14);
    expect(m['r1.eigenvalueReNumeric']).toBeCloseTo(m['r1.eigenvalueRe'], 10);
    for (const v of r.verdicts.filter((v) => v.claim.includes('contraction factor'))) expect(v.agrees).toBe(true);
    for (const method of METHODS) {
      expect(m[`${method}.r1.converged`]).toBe(1);
      expect(m[`${method}.instance-noise.converged`]).toBe(1);
    }
    expect(m['simultaneous.none.converged']).toBe(0);
    expect(m['alternating.none.converged']).toBe(0);
    expect(m['simultaneous.none.contractionMeasured']).toBeGreaterThan(1);
    // with gradient noise the R1 runs settle at the linearised stationary spread
    near(m['extragradient.r1.noisyMeanR2'], m['extragradient.r1.noisyStationaryR2Linearized'], m['extragradient.r1.noisyMeanR2SE']);
    near(m.noisySpreadRatioPooled, 1, m.noisySpreadRatioPooledSE);
    expect(m.noisySpreadChi2P).toBeGreaterThan(1e-3);
  });

  it('refuses bad parameters, naming them', async () => {
    await expect(runExperiment(diracExperiment, { learningRateX: 0 })).rejects.toThrow(/invalid learningRateX/);
    await expect(runExperiment(diracExperiment, { sigma: -1 })).rejects.toThrow(/invalid sigma/);
    await expect(runExperiment(diracExperiment, { gamma: -1 })).rejects.toThrow(/invalid gamma/);
  });
});

describe('gan.mixture', () => {
  const small = { steps: 150, replicas: 2, batchSizes: [4, 32], methods: ['simultaneous', 'extragradient'], evalSamples: 300, noiseEstimates: 100 };

  it('trains at several batch sizes and measures the mini-batch noise', async () => {
    const r = await runExperiment(mixtureExperiment, small, { seed: 8 });
    checkVerdicts(r);
    const m = r.metrics;
    near(m.gradientNoiseExponent, -1, m.gradientNoiseExponentSE);
    expect(m['gradientNoiseSigma.B4'] / m['gradientNoiseSigma.B32']).toBeGreaterThan(2);
    for (const key of ['simultaneous.B4', 'extragradient.B32']) {
      expect(m[`${key}.modesCovered`]).toBeGreaterThanOrEqual(0);
      expect(m[`${key}.modesCovered`]).toBeLessThanOrEqual(3);
      expect(m[`${key}.w1`]).toBeGreaterThan(0);
      expect(m[`${key}.cycledFraction`]).toBeGreaterThanOrEqual(0);
    }
    // tr Cov ∝ 1/B (point), three "does not change" claims (equivalence, TOST), two popular claims (directional)
    expect(r.verdicts.map((v) => v.kind)).toEqual(['point', 'equivalence', 'equivalence', 'equivalence', 'directional', 'directional']);
    for (const v of r.verdicts.filter((v) => v.kind === 'equivalence')) {
      expect(v.margin).toBeGreaterThan(0);
      expect(v.power).toBeGreaterThanOrEqual(0);
      expect(v.note).toMatch(/margin: /);
    }
    const again = await runExperiment(mixtureExperiment, small, { seed: 8 });
    expect(again.metrics).toEqual(m);
  });

  it('refuses bad parameters, naming them', async () => {
    await expect(runExperiment(mixtureExperiment, { batchSizes: [0, 4] })).rejects.toThrow(/invalid batchSizes\[0\]/);
    await expect(runExperiment(mixtureExperiment, { learningRateY: -1 })).rejects.toThrow(/invalid learningRateY/);
    await expect(runExperiment(mixtureExperiment, { sigma: -0.2 })).rejects.toThrow(/invalid sigma/);
    // the distinct batch sizes are the budgets of the noise probe: at least two
    const events: string[] = [];
    await expect(runExperiment(mixtureExperiment, { batchSizes: [8, 8] }, { onProgress: (e) => events.push(e.stage) })).rejects.toThrow(/invalid budgets/);
    expect(events).toEqual([]);
  });
});
