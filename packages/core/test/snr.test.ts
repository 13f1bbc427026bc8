import { describe, expect, it } from 'vitest';
import ndarray from 'ndarray';
import { Stream } from '../src/random/stream.js';
import { sampleWithoutReplacement, stableSymmetric } from '../src/random/distributions.js';
import { estimatorScaling, finitePopulationCorrection } from '../src/snr/scaling.js';
import { noiseScale, twoBatchNoiseScale } from '../src/snr/noise-scale.js';
import { positionalError, thresholdCrossing } from '../src/snr/positional-error.js';

describe('estimatorScaling', () => {
  it('Gaussian means: exponent −1 within 4 SE', () => {
    const r = estimatorScaling(
      (b, s) => {
        let a = 0;
        for (let i = 0; i < b; i++) a += s.normal();
        return a / b;
      },
      [1, 4, 16, 64],
      2000,
      { stream: Stream.fromSeed(1) },
    );
    expect(Math.abs(r.exponent + 1)).toBeLessThan(4 * r.exponentSE);
    expect(r.points[0].spread).toBeGreaterThan(0.9);
  });

  it('α-stable means: IQR² exponent 2/α − 2 within 4 SE', () => {
    const alpha = 1.3;
    const r = estimatorScaling(
      (b, s) => {
        let a = 0;
        for (let i = 0; i < b; i++) a += stableSymmetric(s, alpha);
        return a / b;
      },
      [1, 4, 16, 64],
      3000,
      { stream: Stream.fromSeed(2), spread: 'iqr' },
    );
    expect(Math.abs(r.exponent - (2 / alpha - 2))).toBeLessThan(4 * r.exponentSE);
  });

  it('vector estimators use tr Cov: d independent unit coordinates give d/B', () => {
    const d = 5;
    const r = estimatorScaling(
      (b, s) => {
        const g = new Float64Array(d);
        for (let i = 0; i < b; i++) for (let j = 0; j < d; j++) g[j] += s.normal() / b;
        return g;
      },
      [2, 8, 32],
      1000,
      { stream: Stream.fromSeed(3) },
    );
    expect(Math.abs(r.exponent + 1)).toBeLessThan(4 * r.exponentSE);
    for (const p of r.points) expect(Math.abs(p.spread - d / p.budget)).toBeLessThan(4 * p.spreadSE);
  });

  it('sampling without replacement follows the finite-population law', () => {
    const N = 64;
    const s0 = Stream.fromSeed(4);
    const population = Float64Array.from({ length: N }, () => s0.normal());
    let mu = 0;
    for (const v of population) mu += v / N;
    let sigma2 = 0;
    for (const v of population) sigma2 += (v - mu) ** 2 / (N - 1);
    const idx = new Int32Array(N);
    const scratch = new Int32Array(N);
    const est = (b: number, s: Stream) => {
      sampleWithoutReplacement(s, N, b, idx, scratch);
      let a = 0;
      for (let i = 0; i < b; i++) a += population[idx[i]];
      return a / b;
    };
    const budgets = [2, 8, 32, 48];
    const r = estimatorScaling(est, budgets, 3000, { stream: Stream.fromSeed(5), population: N });
    // with the FPC divided out, the law is exactly σ²/B
    expect(Math.abs(r.exponent + 1)).toBeLessThan(4 * r.exponentSE);
    for (const p of r.points) {
      expect(p.fpc).toBeCloseTo(finitePopulationCorrection(N, p.budget), 14);
      expect(Math.abs(p.spreadRaw - (sigma2 / p.budget) * p.fpc)).toBeLessThan(4 * p.spreadSE * p.fpc);
    }
    // the raw spread falls faster than 1/B: (N − B)/(N − 1) drops from 0.98 to 0.25 here
    expect(r.exponentRaw).toBeLessThan(r.exponent - 0.2);
  });

  it('bad budgets are refused by name', () => {
    const f = (_b: number, s: Stream) => s.normal();
    expect(() => estimatorScaling(f, [4], 100, { stream: Stream.fromSeed(1) })).toThrow(/budgets/);
    expect(() => estimatorScaling(f, [0, 4], 100, { stream: Stream.fromSeed(1) })).toThrow(/budgets\[\]: got 0/);
    expect(() => estimatorScaling(f, [1, 4], 10, { stream: Stream.fromSeed(1) })).toThrow(/replicates: got 10/);
  });
});

describe('noise scale', () => {
  // per-example gradients g_i = G + ξ_i with known G and per-coordinate noise sd
  function make(n: number, G: number[], sd: number[], seed: number) {
    const s = Stream.fromSeed(seed);
    const d = G.length;
    const data = new Float64Array(n * d);
    for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) data[i * d + j] = G[j] + sd[j] * s.normal();
    return { data, n, d };
  }

  it('B_simple = tr Σ / |G|² from per-example gradients (flat array or ndarray)', () => {
    const G = [0.3, -0.4];
    const sd = [1, 2];
    const g = make(200_000, G, sd, 1);
    const a = noiseScale(g);
    const b = noiseScale(ndarray(g.data, [g.n, g.d]));
    expect(a.bSimple).toBe(b.bSimple);
    const trTrue = 5;
    expect(Math.abs(a.trSigma - trTrue)).toBeLessThan(4 * Math.sqrt((2 * (1 + 16)) / g.n));
    expect(Math.abs(a.gNormSq - 0.25)).toBeLessThan(4 * Math.sqrt((4 * (0.09 + 0.16 * 4)) / g.n + (2 * 25) / g.n ** 2));
    expect(a.gNormSqBiased - a.gNormSq).toBeCloseTo(a.trSigma / g.n, 12);
  });

  it('the two-batch estimator agrees with the exact B_simple within its SE', () => {
    const G = [0.3, -0.4, 0.1];
    const sd = [1, 2, 0.5];
    const exact = 5.25 / 0.26;
    const s = Stream.fromSeed(9);
    const bSmall = 8;
    const bBig = 128;
    const reps = 4000;
    const gS: number[] = [];
    const gB: number[] = [];
    for (let r = 0; r < reps; r++) {
      for (const [b, out] of [
        [bSmall, gS],
        [bBig, gB],
      ] as [number, number[]][]) {
        let n2 = 0;
        for (let j = 0; j < 3; j++) {
          let m = 0;
          for (let i = 0; i < b; i++) m += G[j] + sd[j] * s.normal();
          n2 += (m / b) ** 2;
        }
        out.push(n2);
      }
    }
    const r = twoBatchNoiseScale({ bSmall, bBig, gSmallSq: gS, gBigSq: gB });
    expect(Math.abs(r.bSimple - exact)).toBeLessThan(4 * r.bSimpleSE);
    const diffs = gS.map((v, i) => (v - gB[i]) / (1 / bSmall - 1 / bBig));
    const dm = diffs.reduce((a, b) => a + b, 0) / reps;
    const trSE = Math.sqrt(diffs.reduce((a, v) => a + (v - dm) ** 2, 0) / (reps - 1) / reps);
    expect(r.trSigma).toBeCloseTo(dm, 10);
    expect(Math.abs(r.trSigma - 5.25)).toBeLessThan(4 * trSE);
    // averaging per-repeat ratios instead is biased: the naive estimate lies far from the truth
    const naive =
      gS.map((s2, i) => (s2 - gB[i]) / (1 / bSmall - 1 / bBig) / ((bBig * gB[i] - bSmall * s2) / (bBig - bSmall))).reduce((a, b) => a + b, 0) /
      reps;
    expect(Math.abs(naive - exact)).toBeGreaterThan(4 * r.bSimpleSE);
    expect(() => twoBatchNoiseScale({ bSmall: 8, bBig: 4, gSmallSq: [1], gBigSq: [1] })).toThrow(/bBig: got 4/);
  });
});

describe('positional error', () => {
  it('thresholdCrossing interpolates and reports no crossing as NaN', () => {
    expect(thresholdCrossing([0, 1, 2], [10, 6, 2], 4)).toBeCloseTo(1.5, 12);
    expect(thresholdCrossing([0, 1, 2], [1, 3, 1], 2, 'last')).toBeCloseTo(1.5, 12);
    expect(Number.isNaN(thresholdCrossing([0, 1], [5, 6], 1))).toBe(true);
  });

  it('a rigidly shifted linear profile: direct = delta method = σ/|slope|', () => {
    const grid = Float64Array.from({ length: 101 }, (_, i) => i);
    const F = (x: number) => 100 - x;
    const sigma = 2;
    const r = positionalError({
      grid,
      threshold: 40,
      realizations: 5000,
      stream: Stream.fromSeed(1),
      sample: (s, out) => {
        const e = sigma * s.normal();
        for (let i = 0; i < out.length; i++) out[i] = F(grid[i]) + e;
      },
      mean: F,
      sd: () => sigma,
    });
    expect(r.boundary).toBe(true);
    expect(Math.abs(r.xStar - 60)).toBeLessThan(0.1);
    expect(r.sigmaXDeltaAnalytic).toBeCloseTo(2, 6); // numerical derivative of the analytic profile
    expect(Math.abs(r.sigmaXDirect - 2)).toBeLessThan(4 * r.sigmaXDirectSE);
    expect(Math.abs(r.ratio - 1)).toBeLessThan(4 * r.ratioSE + 1e-12);
  });

  it('a threshold the field never reaches gives a clear "no boundary" result, not NaN-only', () => {
    const grid = Float64Array.from({ length: 11 }, (_, i) => i);
    const r = positionalError({
      grid,
      threshold: 1000,
      realizations: 200,
      stream: Stream.fromSeed(1),
      sample: (s, out) => out.fill(10 + s.normal()),
    });
    expect(r.boundary).toBe(false);
    expect(r.reason).toMatch(/never crosses the threshold 1000/);
    expect(r.noBoundary).toBe(200);
  });
});
