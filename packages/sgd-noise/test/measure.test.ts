import { describe, expect, it } from 'vitest';
import { noiseScale, Stream, stableSymmetric } from '@snrlab/core';
import {
  anisotropy,
  anisotropyFromPerExample,
  dataPcAlignment,
  fitCriticalBatch,
  frobeniusAlignment,
  gaussianMixture,
  gradientError,
  gradientNoise,
  gradientScale,
  hessianMatrix,
  iris,
  leastSquaresGradient,
  leastSquaresGradientExact,
  leastSquaresMinimizer,
  linearRegression,
  linearTeacher,
  measureBatchNoise,
  miniBatchNoiseTrace,
  mlp,
  noiseScales,
  noiseTrace,
  scaledLearningRate,
  sgdTemperature,
  softmaxRegression,
  standardize,
  stationaryVarianceDiscrete,
  stationaryVarianceSDE,
  symmetricEigen,
  tailIndex,
  toFloat32Problem,
  topHessianEigenvalue,
  twoBatchEstimate,
  updateNoiseVariance,
} from '../src/index.js';
import { genericParams, maxDiff } from './helpers.js';

const data = standardize(iris());
const model = softmaxRegression(4, 3);
const theta = genericParams(model, 2);

describe('gradient noise at a point', () => {
  it('trΣ, covariance and B_simple match a direct computation from the per-example gradients', () => {
    const gn = gradientNoise(model, theta, data, { covariance: true });
    const per = model.perExample(theta, data).gradients as Float64Array;
    const P = model.paramCount;
    const N = data.n;
    const G = new Float64Array(P);
    for (let i = 0; i < N; i++) for (let j = 0; j < P; j++) G[j] += per[i * P + j] / N;
    let tr = 0;
    for (let i = 0; i < N; i++) for (let j = 0; j < P; j++) tr += (per[i * P + j] - G[j]) ** 2;
    expect(gn.trSigmaPop).toBeCloseTo(tr / N, 12);
    expect(gn.trSigma).toBeCloseTo(tr / (N - 1), 12);
    const g2 = G.reduce((a, v) => a + v * v, 0);
    expect(gn.bSimple).toBeCloseTo(tr / N / g2, 9);
    expect(gn.bSimpleSample).toBeCloseTo(noiseScale({ data: per, n: N, d: P }).bSimple, 9);
    let trace = 0;
    for (let j = 0; j < P; j++) trace += (gn.covariance as Float64Array)[j * P + j];
    expect(trace).toBeCloseTo(gn.trSigma, 12);
    // the streaming path (no N×P matrix) gives the same numbers
    const st = gradientNoise(model, theta, data, { maxMatrix: 10, chunk: 7, covariance: true });
    expect(st.trSigma).toBeCloseTo(gn.trSigma, 12);
    expect(maxDiff(st.covariance as Float64Array, gn.covariance as Float64Array)).toBeLessThan(1e-12);
    // and the norms-only trace
    const nt = noiseTrace(model, theta, data, { chunk: 13 });
    expect(nt.trSigmaPop).toBeCloseTo(gn.trSigmaPop, 10);
    expect(nt.bSimple).toBeCloseTo(gn.bSimple, 8);
  });

  it('mini-batch noise trace: trΣ/B with replacement, times (N − B)/(N − 1) without', () => {
    expect(miniBatchNoiseTrace(2, 4, { population: 100, replacement: true })).toBe(0.5);
    expect(miniBatchNoiseTrace(2, 4, { population: 100, replacement: false })).toBeCloseTo((0.5 * 96) / 99, 15);
    expect(miniBatchNoiseTrace(2, 100, { population: 100, replacement: false })).toBe(0);
    expect(() => miniBatchNoiseTrace(2, 101, { population: 100, replacement: false })).toThrow(/invalid batchSize: got 101/);
  });

  for (const replacement of [true, false]) {
    it(`measured mini-batch noise follows the ${replacement ? '1/B' : 'finite-population'} law (within 4 SE)`, () => {
      const r = measureBatchNoise(model, theta, data, { batchSizes: [1, 4, 16, 64, 128], replacement, replicates: 300, stream: Stream.fromSeed(replacement ? 1 : 2) });
      expect(Math.abs(r.exponent + 1)).toBeLessThan(4 * r.exponentSE);
      for (const pt of r.points) expect(Math.abs(pt.spread - r.trSigmaPop / pt.budget)).toBeLessThan(4 * pt.spreadSE);
      if (!replacement) expect(r.exponentRaw).toBeLessThan(-1.1); // the naive law fails near B = N
    });
  }

  it('the two-batch estimator agrees with the exact B_simple (within 4 SE)', () => {
    const exact = gradientNoise(model, theta, data).bSimple;
    const r = twoBatchEstimate(model, theta, data, { bSmall: 2, bBig: 32, repeats: 3000, stream: Stream.fromSeed(3) });
    expect(Math.abs(r.bSimple - exact)).toBeLessThan(4 * r.bSimpleSE);
  });
});

describe('Hessian and B_noise', () => {
  const { dataset } = linearTeacher({ n: 300, dim: 3, noise: 0.5, conditionNumber: 10, stream: Stream.fromSeed(4) });
  const lin = linearRegression(3);
  const th = genericParams(lin, 1);

  it('linear regression: H = E[x̃x̃ᵀ] exactly (x̃ = (x, 1))', () => {
    const H = hessianMatrix(lin, th, dataset);
    const P = 4;
    for (let a = 0; a < P; a++) {
      for (let b = 0; b < P; b++) {
        let s = 0;
        for (let i = 0; i < dataset.n; i++) s += (a < 3 ? dataset.x[i * 3 + a] : 1) * (b < 3 ? dataset.x[i * 3 + b] : 1);
        expect(H[a * P + b]).toBeCloseTo(s / dataset.n, 12);
      }
    }
    const top = topHessianEigenvalue(lin, th, dataset, { iterations: 200 });
    expect(top.value).toBeCloseTo(symmetricEigen(H, P).values[0], 8);
  });

  it('B_noise from the explicit Hessian equals B_noise from one HVP per example', () => {
    const small = { ...dataset, n: 20, x: dataset.x.subarray(0, 60), y: dataset.y.subarray(0, 20) };
    const a = noiseScales(lin, th, small, { method: 'hessian' });
    const b = noiseScales(lin, th, small, { method: 'per-example-hvp' });
    expect(a.bNoise).toBeCloseTo(b.bNoise, 9);
    expect(a.bSimple).toBeCloseTo(b.bSimple, 12);
    // more parameters than examples: the per-example route is chosen, and agrees with the Hessian route
    const few = linearTeacher({ n: 10, dim: 2, stream: Stream.fromSeed(5) }).dataset;
    const m = mlp([2, 3, 1], { activation: 'tanh', loss: 'squared' });
    const q = genericParams(m, 3);
    const ns = noiseScales(m, q, few);
    expect(ns.method).toBe('per-example-hvp');
    expect(ns.bNoise).toBeCloseTo(noiseScales(m, q, few, { method: 'hessian' }).bNoise, 9);
  });

  it('fits the critical batch size: exact data recover S_min and B_crit', () => {
    const pts = [1, 2, 4, 8, 16, 32, 64, 128].map((B) => ({ batchSize: B, steps: 10 * (1 + 32 / B), stepsSE: 0.1 }));
    const f = fitCriticalBatch(pts);
    expect(f.sMin).toBeCloseTo(10, 9);
    expect(f.bCrit).toBeCloseTo(32, 8);
    expect(f.eMin).toBeCloseTo(320, 7);
    expect(f.bCritFromE).toBeCloseTo(32, 8);
    // noisy data: within 4 SE
    const s = Stream.fromSeed(6);
    const noisy = pts.map((p) => ({ ...p, steps: p.steps + 0.5 * s.normal(), stepsSE: 0.5 }));
    const g = fitCriticalBatch(noisy);
    expect(Math.abs(g.bCrit - 32)).toBeLessThan(4 * g.bCritSE);
    expect(() => fitCriticalBatch(pts.slice(0, 2))).toThrow(/points\.length/);
  });
});

describe('anisotropy', () => {
  it('Σ ∝ H gives alignment 1 and slope 1; Σ ∝ H⁻¹ gives slope −1', () => {
    const P = 4;
    const H = Float64Array.of(4, 1, 0, 0, 1, 3, 0, 0, 0, 0, 1, 0.2, 0, 0, 0.2, 0.5);
    const a = anisotropy(H.map((v) => 0.3 * v), H, P, { k: 1 });
    expect(a.alignment).toBeCloseTo(1, 14);
    expect(a.slope).toBeCloseTo(1, 10);
    expect(a.sharpToFlatNoiseRatio).toBeCloseTo(a.sharpToFlatCurvatureRatio, 10);
    const { values, vectors } = symmetricEigen(H, P);
    const inv = new Float64Array(P * P);
    for (let k = 0; k < P; k++) for (let i = 0; i < P; i++) for (let j = 0; j < P; j++) inv[i * P + j] += (vectors[k * P + i] * vectors[k * P + j]) / values[k];
    expect(anisotropy(inv, H, P, { k: 1 }).slope).toBeCloseTo(-1, 10);
    expect(frobeniusAlignment(H, inv)).toBeLessThan(1);
  });

  it('per-example draws with covariance H: slope 1 within 4 SE', () => {
    const P = 3;
    const H = Float64Array.of(9, 0, 0, 0, 1, 0, 0, 0, 0.1);
    const n = 4000;
    const s = Stream.fromSeed(7);
    const g = new Float64Array(n * P);
    for (let i = 0; i < n; i++) for (let j = 0; j < P; j++) g[i * P + j] = Math.sqrt(H[j * P + j]) * s.normal();
    const a = anisotropyFromPerExample(g, n, P, H, { k: 1 });
    expect(Math.abs(a.slope - 1)).toBeLessThan(4 * a.slopeSE);
    expect(Math.abs(Math.log(a.sharpToFlatNoiseRatio / 90))).toBeLessThan(4 * a.logRatioSE);
  });

  it('linear regression at its minimum: the first layer\'s noise is aligned with the data covariance', () => {
    const { dataset } = linearTeacher({ n: 3000, dim: 3, noise: 0.5, conditionNumber: 20, stream: Stream.fromSeed(8) });
    const lin = linearRegression(3);
    const gn = gradientNoise(lin, lin.init(Stream.fromSeed(1)), dataset, { covariance: true });
    const pc = dataPcAlignment(lin, gn.covariance as Float64Array, dataset);
    expect(pc.alignment).toBeGreaterThan(0.9);
    expect(pc.topToBottomNoiseRatio).toBeGreaterThan(5);
    const g = gaussianMixture({ n: 10, dim: 2, stream: Stream.fromSeed(1) }).dataset;
    expect(() => dataPcAlignment(lin, gn.covariance as Float64Array, g)).toThrow(/model/);
  });
});

describe('tails, temperature and precision', () => {
  it('tail index of α-stable samples (within 4 SE)', () => {
    const s = Stream.fromSeed(9);
    const x = new Float64Array(40000).map(() => stableSymmetric(s, 1.3));
    const t = tailIndex(x);
    expect(Math.abs(t.alphaMohammadi - 1.3)).toBeLessThan(4 * t.alphaMohammadiSE);
    expect(Math.abs(t.alphaHill - 1.3)).toBeLessThan(4 * t.alphaHillSE);
    expect(() => tailIndex([1, 2])).toThrow(/samples\.length/);
  });

  it('temperature and stationary variances', () => {
    expect(sgdTemperature(0.1, 4, 2)).toBeCloseTo(0.1, 15);
    expect(stationaryVarianceSDE(0.1, 4, 2, 0.5)).toBeCloseTo(0.2, 15);
    expect(stationaryVarianceDiscrete(0.1, 4, 2, 0.5)).toBeCloseTo(0.4 / (2 * 0.5 * 1.95), 15);
    expect(() => stationaryVarianceDiscrete(4, 1, 1, 0.5)).toThrow(/invalid learningRate: got 4; expected a value below 2\/h = 4/);
    expect(() => sgdTemperature(-1, 1, 1)).toThrow(/learningRate/);
    expect(scaledLearningRate('linear', 0.1, 8, 2)).toBeCloseTo(0.4, 15);
    expect(scaledLearningRate('sqrt', 0.1, 8, 2)).toBeCloseTo(0.2, 15);
    expect(updateNoiseVariance(0.1, 4, 2)).toBeCloseTo(0.02, 15);
  });

  it('precision: float32 rounding error ≫ float64, exact gradient vanishes at the minimiser', () => {
    const { dataset } = linearTeacher({ n: 200, dim: 3, noise: 0.5, stream: Stream.fromSeed(10) });
    const p = toFloat32Problem({ X: dataset.x, y: dataset.y, n: dataset.n, d: 3 });
    const { theta: star } = leastSquaresMinimizer(p);
    const scale = gradientScale(p, star);
    expect(Math.hypot(...leastSquaresGradientExact(p, star))).toBeLessThan(1e-15 * scale);
    const th = star.map((v) => v + 1e-3);
    const e32 = gradientError(p, th, 'float32').error;
    const e64 = gradientError(p, th, 'float64').error;
    expect(Math.log2(e32 / e64)).toBeGreaterThan(25);
    expect(Math.log2(e32 / e64)).toBeLessThan(33);
    // float64 naive and exact agree to rounding
    expect(maxDiff(leastSquaresGradient(p, th, 'float64'), leastSquaresGradientExact(p, th))).toBeLessThan(1e-14 * scale);
  });
});
