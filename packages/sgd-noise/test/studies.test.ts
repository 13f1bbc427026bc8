/** The mechanisms the noise-tuning studies rest on, checked one by one. */
import { describe, expect, it } from 'vitest';
import { directionalVerdict, loglogSlope, Moments, sampleWithoutReplacement, Stream } from '@snrlab/core';
import {
  augmentationNoise,
  augmentBatch,
  assertMixupAlpha,
  copyAffineParams,
  degrees,
  fullAggregateDataset,
  gaussianMixture,
  gradientNoise,
  graphData,
  hessianMatrix,
  inputNoiseSensitivity,
  invariantNoiseScale,
  largestStableLearningRate,
  linearRegression,
  linearTeacher,
  logisticRegression,
  meanPairwiseCosine,
  minimumLocation,
  mixedUnitsTeacher,
  mlp,
  NeighborSampler,
  neighborFeatureCovariance,
  neighborSamplingNoise,
  newtonMinimum,
  pairedMiniBatchNoise,
  preNormalizationRanges,
  rangeIndices,
  relatedTasks,
  scaleRanges,
  setPopulationStatistics,
  signals1d,
  standardize,
  standardizationTheory,
  symmetricEigen,
  symmetricEigenvalues,
  traceRatio,
  unitScales,
  validateAugmentation,
  withBatchNormEpsilon,
  withoutReplacementFactor,
  type Batch,
  type Dataset,
} from '../src/index.js';
import { maxDiff } from './helpers.js';

const within = (measured: number, theory: number, se: number, k = 4) => Math.abs(measured - theory) <= k * se;

describe('standardisation: conditioning and noise of mixed units', () => {
  const zero = new Float64Array(3);
  const model = linearRegression(2);
  it('training-set trΣ, |G|² and B_simple at θ = 0 match the closed forms (within 4 SE of a large sample)', () => {
    const t = mixedUnitsTeacher({ n: 40_000, scaleRatio: 100, stream: Stream.fromSeed(3) });
    const th = standardizationTheory(t);
    for (const [d, T] of [
      [t.dataset, th.raw],
      [standardize(t.dataset), th.standardized],
    ] as const) {
      const n = gradientNoise(model, zero, d);
      // per-example gradients −y·(x, 1): their squared norms are the sample whose mean is trΣ + |G|²
      const sq = Moments.of(Array.from({ length: d.n }, (_, i) => ((n.perExample as Float64Array).subarray(i * 3, i * 3 + 3) as Float64Array).reduce((a, v) => a + v * v, 0)));
      expect(within(n.trSigmaPop + n.gNormSq, T.trSigma + T.gNormSq, sq.sem)).toBe(true);
      expect(Math.abs(n.bSimple / T.bSimple - 1)).toBeLessThan(0.05);
    }
  });

  it('orders the condition numbers: κ_raw grows as r² and dwarfs κ_std ≈ 1, which does not depend on the units', () => {
    const ratios = [1e2, 1e3, 1e4, 1e5];
    const raw: number[] = [];
    const std: number[] = [];
    for (const r of ratios) {
      const t = mixedUnitsTeacher({ n: 2000, scaleRatio: r, stream: Stream.fromSeed(4) });
      const ev = symmetricEigenvalues(hessianMatrix(model, zero, t.dataset), 3);
      const es = symmetricEigenvalues(hessianMatrix(model, zero, standardize(t.dataset)), 3);
      raw.push(ev[0] / ev[2]);
      std.push(es[0] / es[2]);
      expect(ev[0] / ev[2]).toBeGreaterThan(1e3 * (es[0] / es[2]));
      // the population value S̃MS̃ within 25% (a sample of 2000)
      expect(Math.abs(ev[0] / ev[2] / standardizationTheory(t).raw.conditionNumber - 1)).toBeLessThan(0.25);
    }
    for (let i = 1; i < raw.length; i++) expect(raw[i]).toBeGreaterThan(raw[i - 1]);
    expect(Math.abs(loglogSlope(ratios, raw).slope - 2)).toBeLessThan(1e-3);
    // the same unit-free draws: the standardised data do not see the units at all
    expect(Math.max(...std) - Math.min(...std)).toBeLessThan(1e-6);
    expect(std[0]).toBeLessThan(1.3);
  });

  it('tr(H⁻¹Σ)/(GᵀH⁻¹G) is invariant under standardising; B_simple is not', () => {
    const t = mixedUnitsTeacher({ n: 500, scaleRatio: 1e4, stream: Stream.fromSeed(5) });
    const out = [t.dataset, standardize(t.dataset)].map((d) => {
      const n = gradientNoise(model, zero, d, { covariance: true });
      const S = (n.covariance as Float64Array).map((v) => (v * (d.n - 1)) / d.n);
      return { inv: invariantNoiseScale(hessianMatrix(model, zero, d), S, n.gradient), b: n.bSimple };
    });
    expect(Math.abs(out[0].inv / out[1].inv - 1)).toBeLessThan(1e-6);
    expect(Math.abs(out[0].b / out[1].b - 1)).toBeGreaterThan(0.5);
  });

  it('gradient descent is stable up to 2/λ_max (bisection)', () => {
    const t = mixedUnitsTeacher({ n: 300, scaleRatio: 10, stream: Stream.fromSeed(6) });
    const lmax = symmetricEigenvalues(hessianMatrix(model, zero, t.dataset), 3)[0];
    const r = largestStableLearningRate(model, zero, t.dataset, { guess: 2 / lmax, steps: 600 });
    // a growth |1 − ηλ|^steps below the blow-up factor 100 goes unnoticed: ln(100)/steps above 2/λ_max at most
    expect(r.learningRate).toBeLessThanOrEqual((2 / lmax) * (1 + Math.log(100) / 600));
    expect(r.learningRate).toBeGreaterThan((2 / lmax) * (1 - 0.01));
  });

  it('refuses a scale ratio ≤ 0 by name', () => {
    for (const bad of [0, -3, NaN]) {
      expect(() => unitScales(2, bad)).toThrow(/invalid scaleRatio: got .*; expected a number in \(0, 1000000000000\]/);
      expect(() => mixedUnitsTeacher({ n: 10, scaleRatio: bad, stream: Stream.fromSeed(1) })).toThrow(/invalid scaleRatio/);
    }
  });
});

describe('batch norm: the weights below it do not set the scale', () => {
  const s = Stream.fromSeed(7);
  const { dataset: data } = gaussianMixture({ n: 64, dim: 5, classes: 3, stream: s.child('data') });
  const bn = withBatchNormEpsilon(mlp([5, 12, 3], { batchNorm: true }), 0);
  const theta = bn.init(s.child('init'));
  for (let j = 0; j < theta.length; j++) theta[j] += 0.1 * s.normal();
  const ranges = preNormalizationRanges(bn);
  const block = rangeIndices(ranges);

  it('c·W: the loss is unchanged and every batch gradient of W is divided by c (ε = 0)', () => {
    const batches: Batch[] = [0, 1, 2].map((b) => ({ x: data.x.subarray(b * 16 * 5, (b + 1) * 16 * 5), y: data.y.subarray(b * 16, (b + 1) * 16), n: 16 }));
    for (const c of [0.1, 0.37, 3, 17]) {
      const th = scaleRanges(theta, ranges, c);
      for (const b of batches) {
        expect(Math.abs(bn.lossValue(th, b) - bn.lossValue(theta, b))).toBeLessThan(1e-12);
        const g1 = bn.gradient(theta, b).gradient;
        const gc = bn.gradient(th, b).gradient;
        const scaled = Array.from(block, (j) => c * gc[j]);
        const ref = Array.from(block, (j) => g1[j]);
        expect(maxDiff(scaled, ref)).toBeLessThan(1e-10 * Math.max(...ref.map(Math.abs)));
        // the layers after the normalisation see the same gradient
        const rest = Array.from({ length: theta.length }, (_, j) => j).filter((j) => !block.includes(j));
        expect(maxDiff(rest.map((j) => gc[j]), rest.map((j) => g1[j]))).toBeLessThan(1e-10);
      }
    }
  });

  it('with ε the identity holds for (W, ε/c²): L(cW; ε) = L(W; ε/c²)', () => {
    const eps = 1e-3;
    const c = 0.25;
    const a = withBatchNormEpsilon(bn, eps).lossValue(scaleRanges(theta, ranges, c), data);
    const b = withBatchNormEpsilon(bn, eps / (c * c)).lossValue(theta, data);
    expect(Math.abs(a - b)).toBeLessThan(1e-12);
    expect(Math.abs(a - withBatchNormEpsilon(bn, eps).lossValue(theta, data))).toBeGreaterThan(1e-6);
  });

  it('without batch norm the same rescaling changes the loss', () => {
    const plain = mlp([5, 12, 3]);
    const p0 = copyAffineParams(bn, theta, plain, plain.init(s.child('plain')));
    const first = plain.paramRanges().filter((r) => r.layer === 0);
    expect(Math.abs(plain.lossValue(scaleRanges(p0, first, 3), data) - plain.lossValue(p0, data))).toBeGreaterThan(1e-3);
    // the copy carried the dense weights over
    expect(Array.from(plain.slice(p0, 0))).toEqual(Array.from(bn.slice(theta, 0)));
  });

  it('frozen population statistics: eval mode on the full data equals training mode on the full batch', () => {
    setPopulationStatistics(bn, theta, data);
    expect(Math.abs(bn.lossValue(theta, data, { train: false }) - bn.lossValue(theta, data, { train: true }))).toBeLessThan(1e-12);
  });

  it('refuses c ≤ 0 by name', () => {
    expect(() => scaleRanges(theta, ranges, 0)).toThrow(/invalid c: got 0/);
  });
});

describe('paired mini-batch noise', () => {
  it('the mean of B draws without replacement follows σ²/B·(N − B)/(N − 1) (within 4 SE); an estimator paired with itself has ratio 1', () => {
    const N = 200;
    const values = Stream.fromSeed(8).fillNormal(new Float64Array(N));
    const m = Moments.of(values);
    const sigmaPop = (m.variance * (N - 1)) / N;
    const out = new Float64Array(1);
    const mean = (idx: Int32Array, B: number) => {
      let s = 0;
      for (let k = 0; k < B; k++) s += values[idx[k]];
      out[0] = s / B;
      return out;
    };
    for (const B of [1, 10, 100]) {
      const r = pairedMiniBatchNoise([mean, mean], [1, 1], { population: N, batchSize: B, replicates: 2000, stream: Stream.fromSeed(9).child(B) });
      expect(within(r.traces[0], (sigmaPop / B) * r.fpc, r.traceSE[0])).toBe(true);
      const q = traceRatio(r, 0, 1);
      expect(q.value).toBe(1);
      expect(q.se).toBe(0);
    }
  });
});

describe('augmentation transforms', () => {
  const sig = signals1d({ n: 6, length: 10, classes: 2, noise: 0.3, stream: Stream.fromSeed(10) });
  const copy = (): Batch => ({ x: Float64Array.from(sig.x), y: Float64Array.from(sig.y), n: sig.n });

  it('shift permutes positions, crop fills zeros, flip twice is the identity, antithetic noise pairs average to the input', () => {
    const sh = augmentBatch(copy(), sig.inputShape, { kind: 'shift', strength: 3 }, Stream.fromSeed(1));
    for (let i = 0; i < sig.n; i++) {
      const a = Array.from(sig.x.subarray(i * 10, (i + 1) * 10)).sort();
      const b = Array.from(sh.x.subarray(i * 10, (i + 1) * 10)).sort();
      expect(b).toEqual(a);
    }
    const cr = augmentBatch(copy(), sig.inputShape, { kind: 'crop', strength: 3 }, Stream.fromSeed(1));
    let zeros = 0;
    for (let j = 0; j < cr.x.length; j++) if (cr.x[j] === 0) zeros++;
    expect(zeros).toBeGreaterThan(0);
    const f = augmentBatch(augmentBatch(copy(), sig.inputShape, { kind: 'flip', strength: 1 }, Stream.fromSeed(1)), sig.inputShape, { kind: 'flip', strength: 1 }, Stream.fromSeed(2));
    expect(Array.from(f.x)).toEqual(Array.from(sig.x));
    const two: Batch = { x: new Float64Array(20), y: new Float64Array(2), n: 2 };
    two.x.set(sig.x.subarray(0, 10));
    two.x.set(sig.x.subarray(0, 10), 10);
    augmentBatch(two, sig.inputShape, { kind: 'noise', strength: 0.5 }, Stream.fromSeed(3), { antithetic: true });
    for (let j = 0; j < 10; j++) expect(two.x[j] + two.x[10 + j]).toBeCloseTo(2 * sig.x[j], 12);
  });

  it('mixup mixes inputs and soft targets convexly; α ≤ 0 and class-index labels are refused by name', () => {
    const binary: Dataset = { ...sig, task: 'binary' };
    const b = augmentBatch(copy(), sig.inputShape, { kind: 'mixup', strength: 0.4 }, Stream.fromSeed(4), { partners: binary });
    for (const y of b.y) expect(y >= 0 && y <= 1).toBe(true);
    expect(b.y.some((y) => y > 0 && y < 1)).toBe(true);
    for (const bad of [0, -0.5]) {
      expect(() => assertMixupAlpha(bad)).toThrow(/invalid mixupAlpha: got .*; expected a number in \(0, 1000000\]/);
      expect(() => validateAugmentation({ kind: 'mixup', strength: bad }, binary)).toThrow(/invalid augmentation\.strength/);
    }
    expect(() => validateAugmentation({ kind: 'mixup', strength: 0.4 }, sig)).toThrow(/invalid augmentation\.kind: got "mixup"; expected a binary or regression task/);
    expect(() => validateAugmentation({ kind: 'shift', strength: 2 }, { inputShape: [10], task: 'binary' })).toThrow(/invalid augmentation\.kind: got "shift"/);
  });

  it('linear regression with additive noise: trΣ_aug − trΣ = s²·E‖J‖² + s⁴|w|²(d + 1) exactly (within 4 SE), and within + between = trΣ_aug', () => {
    const d = 3;
    const { dataset } = linearTeacher({ n: 400, dim: d, noise: 0.5, stream: Stream.fromSeed(11) });
    const model = linearRegression(d);
    const theta = Float64Array.of(0.5, -0.3, 0.8, 0.1);
    const sens = inputNoiseSensitivity(model, theta, dataset);
    expect(Math.abs(sens.laplacianCov)).toBeLessThan(1e-4 * sens.jacobianSq);
    const w2 = 0.5 ** 2 + 0.3 ** 2 + 0.8 ** 2;
    for (const [i, sd] of [0.1, 0.5].entries()) {
      const r = augmentationNoise(model, theta, dataset, { kind: 'noise', strength: sd }, { copies: 8, stream: Stream.fromSeed(12).child(i) });
      expect(within(r.excess, sd * sd * sens.coefficient + sd ** 4 * w2 * (d + 1), r.excessSE)).toBe(true);
      expect(Math.abs(r.within + r.between - r.trSigmaAug)).toBeLessThan(1e-12 * r.trSigmaAug);
    }
  });
});

describe('neighbour sampling: the finite-population law', () => {
  const data = graphData({ kind: 'sbm', nodes: 120, meanDegree: 10, features: 3, stream: Stream.fromSeed(13) });
  const deg = degrees(data.graph);

  it('builds a simple undirected graph with the asked mean degree (within 4 SE of its binomial spread)', () => {
    const g = data.graph;
    for (let v = 0; v < g.nodes; v++) {
      for (let t = g.offsets[v]; t < g.offsets[v + 1]; t++) {
        const u = g.neighbors[t];
        expect(u).not.toBe(v);
        expect(Array.from(g.neighbors.subarray(g.offsets[u], g.offsets[u + 1]))).toContain(v);
      }
    }
    const m = Moments.of(deg);
    expect(within(m.mean, 10, Math.sqrt(10 / g.nodes / 2))).toBe(true);
    const pl = graphData({ kind: 'power-law', nodes: 400, meanDegree: 8, stream: Stream.fromSeed(14) });
    const pd = degrees(pl.graph);
    expect(Math.max(...pd)).toBeGreaterThan(5 * Moments.of(pd).mean);
  });

  it('the sampled mean has Var = C(1/k − 1/deg) exactly (within 4 SE), and 0 when k ≥ deg', () => {
    const v = deg.indexOf(Math.max(...deg));
    const D = deg[v];
    const C = neighborFeatureCovariance(data, v);
    const sampler = new NeighborSampler(data);
    const row = new Float64Array(6);
    const s = Stream.fromSeed(15);
    for (const k of [1, 3, D - 1]) {
      const m = new Moments();
      for (let r = 0; r < 4000; r++) {
        expect(sampler.row(v, k, s, row, 0)).toBe(k);
        m.push(row[3]);
      }
      expect(within(m.variance, C[0] * withoutReplacementFactor(k, D), m.varianceSE)).toBe(true);
    }
    // k above the degree: all neighbours, no noise
    const full = new Float64Array(6);
    sampler.row(v, Infinity, null, full, 0);
    expect(sampler.row(v, D + 5, s, row, 0)).toBe(D);
    expect(Array.from(row)).toEqual(Array.from(full));
    expect(withoutReplacementFactor(D + 5, D)).toBe(0);
  });

  it('the per-node noise of the aggregates averages the same law over nodes; nodes with deg ≤ k are counted', () => {
    const model = mlp([6, 4, data.classes], { activation: 'tanh' });
    const theta = model.init(Stream.fromSeed(16));
    for (const k of [2, 8]) {
      const r = neighborSamplingNoise(model, theta, data, { k, draws: 24, stream: Stream.fromSeed(17).child(k) });
      expect(within(r.aggregateVariance, r.aggregateTheory, r.aggregateVarianceSE)).toBe(true);
      expect(r.nodesUsingAll).toBe(Array.from(deg).filter((d) => d <= k).length);
    }
    expect(() => neighborSamplingNoise(model, theta, data, { k: 0, draws: 4, stream: Stream.fromSeed(1) })).toThrow(/invalid k: got 0/);
    expect(fullAggregateDataset(data).inputShape).toEqual([6]);
  });

  it('sampleWithoutReplacement (core) draws distinct neighbours', () => {
    const idx = sampleWithoutReplacement(Stream.fromSeed(18), 10, 10);
    expect(new Set(idx).size).toBe(10);
  });
});

describe('fine-tuning helpers', () => {
  it('mean pairwise cosine: 1 for equal gradients, −1 for two opposite, about 0 for random ones', () => {
    expect(meanPairwiseCosine(Float64Array.of(1, 2, 2, 4, 3, 6), 3, 2)).toBeCloseTo(1, 12);
    expect(meanPairwiseCosine(Float64Array.of(1, 0, -2, 0), 2, 2)).toBeCloseTo(-1, 12);
    const n = 300;
    const P = 50;
    const r = meanPairwiseCosine(Stream.fromSeed(19).fillNormal(new Float64Array(n * P)), n, P);
    // each pair's cosine has sd 1/√P; the mean over n(n − 1)/2 pairs far less
    expect(Math.abs(r)).toBeLessThan(4 / Math.sqrt(P) / Math.sqrt(n));
  });

  it('related tasks have readouts at cosine ρ', () => {
    for (const rho of [0, 0.5, 0.95]) {
      expect(relatedTasks({ nA: 10, nB: 10, dim: 3, relatedness: rho, stream: Stream.fromSeed(20) }).readoutCosine).toBeCloseTo(rho, 12);
    }
    expect(() => relatedTasks({ nA: 10, nB: 10, dim: 3, relatedness: 1.5, stream: Stream.fromSeed(20) })).toThrow(/invalid relatedness/);
  });
});

describe('the location of a minimum from mini-batch gradients', () => {
  it('linear regression: σ_θ(direct) = σ_g/|H| within 4 SE + the second-order terms', () => {
    const { dataset } = linearTeacher({ n: 400, dim: 3, noise: 0.5, stream: Stream.fromSeed(21) });
    const model = linearRegression(3);
    const star = newtonMinimum(model, dataset, new Float64Array(4));
    expect(star.gradNorm).toBeLessThan(1e-12);
    const H = hessianMatrix(model, star.params, dataset);
    const u = symmetricEigen(H, 4).vectors.slice(0, 4);
    const r = minimumLocation(model, dataset, star.params, u, { batchSize: 64, realizations: 400, stream: Stream.fromSeed(22), gridPoints: 5 });
    expect(r.boundary).toBe(true);
    expect(Math.abs(r.sigmaXDirect - r.sigmaThetaExact)).toBeLessThanOrEqual(4 * r.sigmaXDirectSE + r.tolerance * r.sigmaThetaExact);
    // the analytic σ_F/|F′| is evaluated at the sampled crossing, a hair from θ*
    expect(Math.abs((r.sigmaXDeltaAnalytic as number) / r.sigmaThetaExact - 1)).toBeLessThan(0.01);
    // the exact σ_g² is uᵀΣu/B
    const noise = gradientNoise(model, star.params, dataset, { covariance: true });
    const S = noise.covariance as Float64Array;
    let q = 0;
    for (let i = 0; i < 4; i++) for (let j = 0; j < 4; j++) q += u[i] * S[i * 4 + j] * u[j];
    expect(r.sigmaGExact).toBeCloseTo(Math.sqrt((q * (dataset.n - 1)) / dataset.n / 64), 12);
  });

  it('logistic regression needs Newton to converge; a zero-curvature direction is refused', () => {
    const { dataset } = gaussianMixture({ n: 200, dim: 2, classes: 2, separation: 1, binary: true, stream: Stream.fromSeed(23) });
    const model = logisticRegression(2);
    const star = newtonMinimum(model, dataset, new Float64Array(3));
    expect(star.gradNorm).toBeLessThan(1e-12);
    expect(() => minimumLocation(model, dataset, star.params, new Float64Array(3), { batchSize: 8, realizations: 100, stream: Stream.fromSeed(1) })).toThrow(/invalid u/);
  });
});

describe('directional verdicts', () => {
  it('agree unless the one-sided bound contradicts the claim, and say which', () => {
    expect(directionalVerdict({ claim: 'q < 0', measured: -1, se: 0.1, direction: 'below' })).toMatchObject({ agrees: true });
    expect(directionalVerdict({ claim: 'q < 0', measured: -1, se: 0.1, direction: 'below' }).note).toMatch(/^Supported/);
    expect(directionalVerdict({ claim: 'q < 0', measured: 0.05, se: 0.1, direction: 'below' }).note).toMatch(/^Inconclusive/);
    expect(directionalVerdict({ claim: 'q < 0', measured: 1, se: 0.1, direction: 'below' })).toMatchObject({ agrees: false });
    expect(directionalVerdict({ claim: 'q > 0', measured: -1, se: 0.1, direction: 'above' })).toMatchObject({ agrees: false });
  });
});
