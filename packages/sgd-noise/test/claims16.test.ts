// Closed forms behind the experiments of issue 16 (diffusion matrix, posterior sampling, escape
// from minima, noise shape), and their refusal of bad input.
import { describe, expect, it } from 'vitest';
import { ParameterError, runExperiment } from '@snrlab/core';
import {
  continuousLyapunov,
  discreteLyapunov,
  eigenSymmetric,
  gaussianKL,
  matMul,
  stationarySecondMoment,
  subspaceOverlap,
} from '../src/measure/lyapunov.js';
import { diffusionMatrixExperiment, rotatedCovariance } from '../src/experiments/diffusion-matrix.js';
import { posteriorSamplingExperiment } from '../src/experiments/posterior-sampling.js';
import { escapeMinimaExperiment, kramersTime, langevinTime } from '../src/experiments/escape-minima.js';
import { noiseShapeExperiment } from '../src/experiments/noise-shape.js';
import { generalizationExperiment } from '../src/experiments/generalization.js';

const transpose = (a: Float64Array, d: number) => Float64Array.from({ length: d * d }, (_, k) => a[(k % d) * d + Math.floor(k / d)]);
const maxAbs = (a: ArrayLike<number>) => Math.max(...Array.from(a, Math.abs));
const sub = (a: ArrayLike<number>, b: ArrayLike<number>) => Float64Array.from(a, (v, i) => v - b[i]);
const add = (a: ArrayLike<number>, b: ArrayLike<number>) => Float64Array.from(a, (v, i) => v + b[i]);

// a symmetric positive-definite Q and a non-symmetric, non-diagonal A with spectral radius < 1
const d = 3;
const Q = Float64Array.of(2, 0.5, -0.3, 0.5, 1, 0.2, -0.3, 0.2, 0.7);
const A = Float64Array.of(0.6, 0.2, 0, -0.1, 0.5, 0.3, 0.05, 0, 0.8);
const H = Float64Array.of(2, 0.3, 0, 0.3, 1, -0.2, 0, -0.2, 0.5);

describe('Lyapunov equations', () => {
  it('discrete: C = A C Aᵀ + Q holds to rounding, and is explicit for diagonal A', () => {
    const C = discreteLyapunov(A, Q, d);
    expect(maxAbs(sub(C, add(matMul(matMul(A, C, d), transpose(A, d), d), Q)))).toBeLessThan(1e-12);
    const a = [0.9, -0.5, 0.2];
    const Ad = Float64Array.of(a[0], 0, 0, 0, a[1], 0, 0, 0, a[2]);
    const Cd = discreteLyapunov(Ad, Q, d);
    for (let i = 0; i < d; i++) for (let j = 0; j < d; j++) expect(Cd[i * d + j]).toBeCloseTo(Q[i * d + j] / (1 - a[i] * a[j]), 12);
  });
  it('continuous: H C + C H = Q holds to rounding, and C_ij = Q_ij/(h_i + h_j) for diagonal H', () => {
    const C = continuousLyapunov(H, Q, d);
    expect(maxAbs(sub(add(matMul(H, C, d), matMul(C, transpose(H, d), d)), Q))).toBeLessThan(1e-12);
    const h = [3, 1, 0.25];
    const Hd = Float64Array.of(h[0], 0, 0, 0, h[1], 0, 0, 0, h[2]);
    const Cd = continuousLyapunov(Hd, Q, d);
    for (let i = 0; i < d; i++) for (let j = 0; j < d; j++) expect(Cd[i * d + j]).toBeCloseTo(Q[i * d + j] / (h[i] + h[j]), 12);
  });
  it('the discrete solution tends to the SDE one as η → 0: C_disc/C_SDE − 1 = O(η)', () => {
    const errs = [0.02, 0.01, 0.005].map((eta) => {
      const Ad = Float64Array.from(H, (v, k) => (k % (d + 1) === 0 ? 1 : 0) - eta * v);
      const Cd = discreteLyapunov(Ad, Q.map((v) => eta * eta * v), d);
      const Cs = continuousLyapunov(H, Q.map((v) => eta * v), d);
      return maxAbs(sub(Cd, Cs)) / maxAbs(Cs);
    });
    // halving η halves the relative difference (first order)
    expect(errs[0] / errs[1]).toBeCloseTo(2, 1);
    expect(errs[1] / errs[2]).toBeCloseTo(2, 1);
  });
  it('stationarySecondMoment: without Hessian fluctuation it is the discrete Lyapunov solution; in 1-D it has the closed form', () => {
    const eta = 0.1;
    const same = [H, H, H];
    const M = stationarySecondMoment(same, 4, eta, Q, d);
    const Ad = Float64Array.from(H, (v, k) => (k % (d + 1) === 0 ? 1 : 0) - eta * v);
    const C = discreteLyapunov(Ad, Q.map((v) => eta * eta * v), d);
    expect(maxAbs(sub(M, C))).toBeLessThan(1e-12);
    // 1-D: M = η²v / (2ηā − η²(ā² + Var h/B))
    const hs = [0.5, 1, 3].map((v) => Float64Array.of(v));
    const abar = 1.5;
    const varh = (0.25 + 1 + 9) / 3 - abar * abar;
    for (const B of [1, 3]) {
      const m = stationarySecondMoment(hs, B, eta, [2], 1)[0];
      expect(m).toBeCloseTo((eta * eta * 2) / (2 * eta * abar - eta * eta * (abar * abar + varh / B)), 12);
    }
  });
});

describe('Gaussian KL, eigenvectors and subspaces', () => {
  it('KL of 1-D Gaussians: ln(s₂/s₁) + (s₁² + m²)/(2s₂²) − ½', () => {
    const s1 = 0.7;
    const s2 = 1.3;
    const m = 0.4;
    expect(gaussianKL([0], [s1 * s1], [m], [1 / (s2 * s2)], 1)).toBeCloseTo(Math.log(s2 / s1) + (s1 * s1 + m * m) / (2 * s2 * s2) - 0.5, 12);
    expect(gaussianKL([1, 2], [2, 0.3, 0.3, 1], [1, 2], Float64Array.from([2, 0.3, 0.3, 1]).map((v, i, a) => [a[3], -a[1], -a[2], a[0]][i] / (a[0] * a[3] - a[1] * a[2])), 2)).toBeCloseTo(0, 12);
  });
  it('rotatedCovariance has the requested eigenvalues; overlaps are 1 for the same subspace and 0 for orthogonal ones', () => {
    const S = rotatedCovariance([4, 1, 0.25], 40);
    expect(Array.from(eigenSymmetric(S, 3).values)).toEqual([expect.closeTo(4, 12), expect.closeTo(1, 12), expect.closeTo(0.25, 12)]);
    const V = eigenSymmetric(S, 3).vectors;
    expect(subspaceOverlap(V, V, 2, 3)).toBeCloseTo(1, 12);
    const I = Float64Array.of(1, 0, 0, 0, 1, 0, 0, 0, 1);
    const J = Float64Array.of(0, 0, 1, 0, 1, 0, 1, 0, 0);
    expect(subspaceOverlap(I, J, 1, 3)).toBe(0);
    // the whole space overlaps itself whatever the basis
    expect(subspaceOverlap(V, I, 3, 3)).toBeCloseTo(1, 12);
  });
});

describe('Kramers against the exact Langevin MFPT', () => {
  it('their ratio tends to 1 as T → 0 (error O(T))', () => {
    const r = [0.1, 0.05, 0.025].map((T) => langevinTime(T) / kramersTime(T) - 1);
    expect(Math.abs(r[2])).toBeLessThan(Math.abs(r[1]));
    expect(Math.abs(r[1])).toBeLessThan(Math.abs(r[0]));
    expect(r[0] / r[1]).toBeCloseTo(2, 0);
  });
});

describe('bad input is refused with the parameter named (exit 2)', () => {
  const refuses = async (run: Promise<unknown>, parameter: string) => {
    const e = await run.then(
      () => undefined,
      (err: unknown) => err,
    );
    expect(e).toBeInstanceOf(ParameterError);
    expect((e as ParameterError).parameter).toBe(parameter);
  };
  it('sgd.diffusion-matrix', async () => {
    await refuses(runExperiment(diffusionMatrixExperiment, { learningRate: 2 }), 'learningRate');
    await refuses(runExperiment(diffusionMatrixExperiment, { noiseVariances: [1, 2] }), 'noiseVariances');
    await refuses(runExperiment(diffusionMatrixExperiment, { rotation: 0 }), 'rotation');
    await refuses(runExperiment(diffusionMatrixExperiment, { replicas: 10 }), 'replicas');
  });
  it('sgd.posterior-sampling', async () => {
    await refuses(runExperiment(posteriorSamplingExperiment, { etaFactors: [1, 0.5] }), 'etaFactors');
    await refuses(runExperiment(posteriorSamplingExperiment, { batchSize: 100, datasetSize: 50 }), 'batchSize');
    await refuses(runExperiment(posteriorSamplingExperiment, { etaFactors: [1, 1000] }), 'etaFactors[1]');
  });
  it('sgd.escape-minima', async () => {
    await refuses(runExperiment(escapeMinimaExperiment, { departureRates: [0.01, 0.013] }), 'departureRates[]');
    await refuses(runExperiment(escapeMinimaExperiment, { batchSizes: [1, 2, 40] }), 'batchSizes');
    await refuses(runExperiment(escapeMinimaExperiment, { batchSizes: [1, 1, 2] }), 'batchSizes');
  });
  it('sgd.noise-shape', async () => {
    await refuses(runExperiment(noiseShapeExperiment, { usualBatch: 32 }), 'usualBatch');
    await refuses(runExperiment(noiseShapeExperiment, { networks: ['mlp/iris'], batchSizes: [1, 200], usualBatch: 200 }), 'batchSizes[]');
    await refuses(runExperiment(noiseShapeExperiment, { batchSizes: [4, 1] }), 'batchSizes');
  });
  it('sgd.generalization', async () => {
    await refuses(runExperiment(generalizationExperiment, { batchSizes: [16, 4] }), 'batchSizes');
    await refuses(runExperiment(generalizationExperiment, { batchSizes: [4, 512] }), 'batchSizes[]');
    await refuses(runExperiment(generalizationExperiment, { replicas: 1 }), 'replicas');
  });
});
