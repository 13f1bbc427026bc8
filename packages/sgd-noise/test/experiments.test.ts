import { describe, expect, it } from 'vitest';
import { runExperiment, WorkerPool, type ExperimentResult } from '@snrlab/core';
import { experiments } from '../src/index.js';
import { discreteChainLaw } from '../src/experiments/temperature.js';

const exp = (id: string) => {
  const e = experiments.find((x) => x.id === id);
  if (!e) throw new Error(`no experiment ${id}`);
  return e;
};
const run = (id: string, params: Record<string, unknown>, seed = 1) => runExperiment(exp(id), params, { seed });
const within = (measured: number, theory: number, se: number, k = 4, tolerance = 0) => Math.abs(measured - theory) <= k * se + tolerance;

function checkVerdicts(r: ExperimentResult, n: number) {
  expect(r.verdicts.length).toBe(n);
  for (const v of r.verdicts) {
    expect(typeof v.agrees).toBe('boolean');
    expect(v.ci95[0]).toBeLessThanOrEqual(v.ci95[1]);
  }
  expect(r.figures.length).toBeGreaterThan(0);
  for (const f of r.figures) expect((f.spec.layer as unknown[]).length).toBeGreaterThan(0);
}

describe('the experiments are registered with valid ids', () => {
  it('ids', () => {
    expect(experiments.map((e) => e.id).sort()).toEqual(
      [
        'sgd.anisotropy',
        'sgd.batch-variance',
        'sgd.gap-averaging',
        'sgd.heavy-tails',
        'sgd.noise-scale',
        'sgd.precision-floor',
        'sgd.saddle-escape',
        'sgd.scaling-rules',
        'sgd.temperature',
        // the noise-tuning studies and the minimum-location readout
        'sgd.standardization',
        'sgd.batchnorm',
        'sgd.augmentation',
        'sgd.neighbor-sampling',
        'sgd.fine-tuning',
        'sgd.minimum-location',
        // the essay's claims of issue 16
        'sgd.diffusion-matrix',
        'sgd.posterior-sampling',
        'sgd.escape-minima',
        'sgd.noise-shape',
        'sgd.generalization',
      ].sort(),
    );
  });
});

describe('sgd.batch-variance', () => {
  const small = { batchSizes: [1, 4, 16, 64], estimates: 200, warmupSteps: 20 };
  for (const replacement of [true, false]) {
    it(`${replacement ? 'with' : 'without'} replacement: exponent −1 and prefactor trΣ (within 4 SE)`, async () => {
      const r = await run('sgd.batch-variance', { ...small, replacement });
      expect(within(r.metrics.exponent, -1, r.metrics.exponentSE)).toBe(true);
      expect(within(r.metrics.theoryRatio, 1, r.metrics.theoryRatioSE)).toBe(true);
      checkVerdicts(r, replacement ? 2 : 3);
      if (!replacement) expect(r.metrics.exponentRaw).toBeLessThan(r.metrics.exponent);
    });
  }
  it('same seed, same metrics; another seed, other metrics', async () => {
    const a = await run('sgd.batch-variance', small, 5);
    const b = await run('sgd.batch-variance', small, 5);
    const c = await run('sgd.batch-variance', small, 6);
    expect(a.metrics).toEqual(b.metrics);
    expect(c.metrics.exponent).not.toBe(a.metrics.exponent);
  });
  it('refuses a batch larger than the data, and a model that does not fit the data', async () => {
    await expect(run('sgd.batch-variance', { batchSizes: [1, 4, 151] })).rejects.toThrow(/invalid batchSizes\[\]: got 151; expected an integer in \[1, 150\]/);
    await expect(run('sgd.batch-variance', { model: 'logistic-regression' })).rejects.toThrow(/invalid model: got "logistic-regression"/);
    await expect(run('sgd.batch-variance', { estimates: 3 })).rejects.toThrow(/invalid estimates: got 3/);
  });
  it('runs every model on a dataset it fits (MLP, CNN)', async () => {
    const a = await run('sgd.batch-variance', { model: 'mlp', dataset: 'gaussian-mixture', datasetSize: 120, batchSizes: [1, 8, 32], estimates: 60, warmupSteps: 5 });
    expect(Number.isFinite(a.metrics.exponent)).toBe(true);
    const b = await run('sgd.batch-variance', { model: 'cnn', dataset: 'signals', datasetSize: 80, batchSizes: [1, 8, 32], estimates: 60, warmupSteps: 5, replacement: true });
    expect(within(b.metrics.exponent, -1, b.metrics.exponentSE)).toBe(true);
  });
});

describe('sgd.gap-averaging', () => {
  it('independent positions: exponent −1; correlated: the exact AR(1) law', async () => {
    const r = await run('sgd.gap-averaging', { positions: [1, 4, 16, 64], estimates: 400 });
    expect(within(r.metrics.exponent, -1, r.metrics.exponentSE)).toBe(true);
    expect(within(r.metrics.exponentCorrelated, r.metrics.theoryExponentCorrelated, r.metrics.exponentCorrelatedSE)).toBe(true);
    expect(r.metrics.exponentCorrelated).toBeGreaterThan(-0.9);
    checkVerdicts(r, 3);
  });
  it('refuses a correlation of 1', async () => {
    await expect(run('sgd.gap-averaging', { correlation: 1 })).rejects.toThrow(/invalid correlation: got 1/);
  });
});

describe('sgd.noise-scale', () => {
  const small = { datasetSize: 200, dim: 4, conditionNumber: 10, estimates: 400, batchSizes: [1, 4, 16, 64], learningRates: 4, replicas: 2, maxSteps: 600 };
  it('two-batch B_simple within 4 SE of the exact value; B_crit fitted', async () => {
    const r = await run('sgd.noise-scale', small);
    expect(within(r.metrics.bSimpleTwoBatch, r.metrics.bSimple, r.metrics.bSimpleTwoBatchSE)).toBe(true);
    expect(r.metrics.bCrit).toBeGreaterThan(0);
    expect(r.metrics.bNoiseAtTarget).toBeGreaterThan(r.metrics.bNoise);
    expect(r.metrics.bCritFromE).toBeCloseTo(r.metrics.bCrit, 6);
    checkVerdicts(r, 2);
  });
  it('refuses bBig ≤ bSmall', async () => {
    await expect(run('sgd.noise-scale', { ...small, bSmall: 8, bBig: 8 })).rejects.toThrow(/invalid bBig: got 8/);
  });
});

describe('sgd.temperature', () => {
  it('quadratic: the discrete law (within 4 SE); double well: the exact discrete-chain variance and Boltzmann (within 4 SE)', async () => {
    const r = await run('sgd.temperature', { replicas: 1500, doubleWellReplicas: 400, doubleWellTime: 8 });
    expect(within(r.metrics.varianceMeasured, r.metrics.varianceDiscrete, r.metrics.varianceMeasuredSE)).toBe(true);
    expect(within(r.metrics.doubleWellVariance, r.metrics.discreteVariance, r.metrics.doubleWellVarianceSE)).toBe(true);
    expect(within(r.metrics.doubleWellVariance, r.metrics.boltzmannVariance, r.metrics.doubleWellVarianceSE)).toBe(true);
    // the O(ηU″) shift of the discrete chain is small at η = 0.01
    expect(Math.abs(r.metrics.discreteVariance / r.metrics.boltzmannVariance - 1)).toBeLessThan(0.01);
    expect(r.metrics.temperature).toBeCloseTo((0.5 * 1) / (2 * 4), 15);
    checkVerdicts(r, 6);
    // the SDE value is the ηh → 0 limit: at small ηh the two laws agree
    const c = await run('sgd.temperature', { learningRate: 0.02, replicas: 1500, doubleWellReplicas: 100, doubleWellTime: 1 });
    expect(within(c.metrics.varianceMeasured, c.metrics.varianceSDE, c.metrics.varianceMeasuredSE, 4, c.metrics.varianceDiscrete - c.metrics.varianceSDE)).toBe(true);
  });
  it('Rademacher per-example noise gives the same stationary variance', async () => {
    const r = await run('sgd.temperature', { perExampleNoise: 'rademacher', replicas: 1500, doubleWellReplicas: 400, doubleWellTime: 1 });
    expect(within(r.metrics.varianceMeasured, r.metrics.varianceDiscrete, r.metrics.varianceMeasuredSE)).toBe(true);
    expect(within(r.metrics.doubleWellVariance, r.metrics.discreteVariance, r.metrics.doubleWellVarianceSE)).toBe(true);
  });
  it('the transfer operator reproduces the exact discrete law on the quadratic', () => {
    // x ← x − η(hx + ξ): from N(0, v₀) the variance after k steps is v∞ + (v₀ − v∞)(1 − ηh)^{2k}, v∞ = ησ²/(Bh(2 − ηh))
    const eta = 0.1;
    const h = 2;
    for (const [noise, B, tol] of [
      ['gaussian', 4, 1e-12],
      ['rademacher', 1, 1 / 3600], // mass splitting: ≤ h²/4 per step over the step variance
      ['rademacher', 5, 1 / 3600],
    ] as const) {
      const vInf = eta / (B * h * (2 - eta * h));
      const v0 = eta / (2 * B * h);
      for (const steps of [0, 7, 60]) {
        const law = discreteChainLaw({ drift: (x) => h * x, eta, sigma2: 1, batchSize: B, noise, startDensity: (x) => Math.exp((-x * x) / (2 * v0)), steps, range: [-40 * Math.sqrt(v0), 40 * Math.sqrt(v0)] });
        const want = vInf + (v0 - vInf) * Math.pow(1 - eta * h, 2 * steps);
        expect(Math.abs(law.variance / want - 1)).toBeLessThan(tol);
        expect(Math.abs(law.mean)).toBeLessThan(1e-12);
      }
    }
  });
  it('refuses ηh ≥ 2 and a non-positive learning rate, naming the learning rate', async () => {
    await expect(run('sgd.temperature', { learningRate: 3 })).rejects.toThrow(/invalid learningRate: got 3; expected a value below 2\/h = 2/);
    await expect(run('sgd.temperature', { learningRate: 0 })).rejects.toThrow(/invalid learningRate: got 0/);
  });
});

describe('sgd.scaling-rules', () => {
  it('linear rule: T constant; square-root rule: update variance constant (the exact discrete exponents, within 4 SE)', async () => {
    const r = await run('sgd.scaling-rules', { batchSizes: [1, 4, 16], replicas: 600 });
    const m = r.metrics;
    const th = (r.measurements as { theoryExponents: Record<string, number> }).theoryExponents;
    expect(within(m.varianceExponentLinear, th.linearVar, m.varianceExponentLinearSE)).toBe(true);
    expect(within(m.updateVarianceExponentSqrt, th.sqrtUpdate, m.updateVarianceExponentSqrtSE)).toBe(true);
    expect(within(m.updateVarianceExponentLinear, th.linearUpdate, m.updateVarianceExponentLinearSE)).toBe(true);
    expect(within(m.varianceExponentSqrt, th.sqrtVar, m.varianceExponentSqrtSE)).toBe(true);
    // the discrete exponents differ from the SDE ones (0, 0, 1, −0.5) by less than 0.05 over this sweep
    expect(Math.abs(th.linearVar)).toBeLessThan(0.05);
    expect(Math.abs(th.sqrtVar + 0.5)).toBeLessThan(0.05);
    expect(within(m.lossVarianceExponentSqrt, -1, m.lossVarianceExponentSqrtSE, 4, 0.1)).toBe(true);
    checkVerdicts(r, 4);
  });
});

describe('sgd.saddle-escape', () => {
  const small = { batchSizes: [1, 8, 64], replicas: 40, maxTime: 20, langevinReplicas: 500 };
  it('GD stays, SGD escapes, the escape time scales like Langevin', async () => {
    const r = await run('sgd.saddle-escape', small);
    const m = r.metrics;
    expect(m.gradientNormAtSaddle).toBe(0);
    expect(m.gdEscapedFraction).toBe(0);
    expect(m.escapedFraction).toBe(1);
    expect(m.zeroSaddleEscapedFraction).toBe(0);
    expect(m.lambda).toBeCloseTo(1, 10);
    expect(m.noiseAlongUnstable).toBeCloseTo(2, 10); // s₁²s₂/2
    expect(within(m.slope, m.slopeTheoryDiscrete, m.slopeSE)).toBe(true);
    // the same scaling as Langevin dynamics simulated by langevin.saddle-escape
    expect(within(m.slope, m.langevinSlope, Math.hypot(m.slopeSE, m.langevinSlopeSE))).toBe(true);
    expect(within(m.meanTimeRatio, 1, m.meanTimeRatioSE)).toBe(true);
    checkVerdicts(r, 4);
    expect(r.notes.some((n) => /Demonstration, not a verdict: full-batch gradient descent/.test(n))).toBe(true);
  });
  it('gives the same bytes inline and in a pool of two workers', async () => {
    const pool = new WorkerPool({ workers: 2 });
    try {
      const a = await runExperiment(exp('sgd.saddle-escape'), { ...small, replicas: 10 }, { seed: 3 });
      const b = await runExperiment(exp('sgd.saddle-escape'), { ...small, replicas: 10 }, { seed: 3, executor: pool });
      expect(b.metrics).toEqual(a.metrics);
    } finally {
      await pool.close();
    }
  });
  it('refuses s₂ ≥ s₁', async () => {
    await expect(run('sgd.saddle-escape', { s1: 1, s2: 1 })).rejects.toThrow(/invalid s2: got 1/);
  });
});

describe('sgd.anisotropy', () => {
  it('Σ ∝ H on linear and logistic regression (slope 1 within 4 SE); the popular claim fails', async () => {
    const r = await run('sgd.anisotropy', { models: ['linear-regression', 'logistic-regression'], datasetSize: 600, steps: 400 });
    for (const name of ['linear-regression', 'logistic-regression']) {
      expect(within(r.metrics[`${name}.noiseHessianSlope`], 1, r.metrics[`${name}.noiseHessianSlopeSE`])).toBe(true);
      expect(r.metrics[`${name}.sharpToFlatNoiseRatio`]).toBeGreaterThan(1);
      expect(r.metrics[`${name}.hessianAlignment`]).toBeGreaterThan(0.9);
    }
    checkVerdicts(r, 8);
    expect(r.verdicts.filter((v) => v.claim.includes('popular claim')).every((v) => !v.agrees)).toBe(true);
  });
});

describe('sgd.heavy-tails', () => {
  const small = { examples: 4000, replicas: 6, steps: 100 };
  it('tail index and variance growth (within 4 SE); clipping stabilises training', async () => {
    const r = await run('sgd.heavy-tails', small);
    const m = r.metrics;
    expect(within(m.alphaMohammadi, 1.5, m.alphaMohammadiSE)).toBe(true);
    expect(within(m.alphaHill, 1.5, m.alphaHillSE)).toBe(true);
    expect(within(m.varianceGrowthExponent, 1 / 3, m.varianceGrowthExponentSE)).toBe(true);
    expect(within(m.clippedVarianceGrowthExponent, 0, m.clippedVarianceGrowthExponentSE)).toBe(true);
    checkVerdicts(r, 6);
    const again = await run('sgd.heavy-tails', small);
    expect(again.metrics).toEqual(m);
  });
  it('heavy-tailed labels through linear regression', async () => {
    const r = await run('sgd.heavy-tails', { ...small, source: 'heavy-tailed-labels' });
    expect(within(r.metrics.alphaHill, 1.5, r.metrics.alphaHillSE)).toBe(true);
  });
});

describe('sgd.precision-floor', () => {
  it('floor ratio 2^29 within the stated 1-bit margin + 4 SE; the float32 error is flat', async () => {
    const r = await run('sgd.precision-floor', { directions: 8, distances: [1e-2, 1e-4, 1e-6, 1e-8, 1e-10] });
    const m = r.metrics;
    expect(within(m.log2FloorRatio, 29, m.log2FloorRatioSE, 4, 1)).toBe(true);
    expect(r.verdicts[0].kind).toBe('equivalence');
    expect(within(m.errorSlope32, 0, m.errorSlope32SE)).toBe(true);
    expect(m.floor32).toBeGreaterThan(m.floor64 * 1e7);
    checkVerdicts(r, 2);
  });
});

