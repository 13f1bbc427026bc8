import { describe, expect, it } from 'vitest';
import { Stream } from '../src/random/stream.js';
import { stableSymmetric } from '../src/random/distributions.js';
import { Moments, VectorMoments } from '../src/stats/moments.js';
import { Histogram } from '../src/stats/histogram.js';
import { quantile, iqr, median } from '../src/stats/quantile.js';
import { chiSquareTest, ksTest, ksTest2 } from '../src/stats/tests.js';
import { linearFit, loglogSlope } from '../src/stats/regression.js';
import { bootstrapCI } from '../src/stats/bootstrap.js';
import { hillEstimator, mohammadiEstimator } from '../src/stats/tail.js';
import { kolmogorovSf, normalCdf } from '../src/stats/special.js';

function twoPass(xs: number[]) {
  const n = xs.length;
  const mean = xs.reduce((a, b) => a + b, 0) / n;
  const c = (k: number) => xs.reduce((a, x) => a + (x - mean) ** k, 0);
  return { mean, m2: c(2), m3: c(3), m4: c(4) };
}

describe('Moments', () => {
  const s = Stream.fromSeed(1);
  const xs = Array.from({ length: 1001 }, () => s.exponential() * 3 + 1);

  it('matches a two-pass computation to fourth order', () => {
    const m = Moments.of(xs);
    const ref = twoPass(xs);
    expect(m.mean).toBeCloseTo(ref.mean, 12);
    expect(m.m2 / ref.m2).toBeCloseTo(1, 12);
    expect(m.m3 / ref.m3).toBeCloseTo(1, 10);
    expect(m.m4 / ref.m4).toBeCloseTo(1, 10);
  });

  it('merging chunks equals one pass, in any order', () => {
    const whole = Moments.of(xs);
    const parts = [xs.slice(0, 10), xs.slice(10, 500), xs.slice(500, 501), xs.slice(501)].map((p) => Moments.of(p));
    const merged = new Moments();
    for (const p of parts) merged.merge(Moments.fromJSON(JSON.parse(JSON.stringify(p.toJSON()))));
    const rev = new Moments();
    for (const p of [...parts].reverse()) rev.merge(p);
    for (const m of [merged, rev]) {
      expect(m.n).toBe(whole.n);
      expect(m.mean).toBeCloseTo(whole.mean, 12);
      expect(m.variance / whole.variance).toBeCloseTo(1, 12);
      expect(m.skewness / whole.skewness).toBeCloseTo(1, 10);
      expect(m.kurtosis / whole.kurtosis).toBeCloseTo(1, 9);
      expect(m.min).toBe(whole.min);
      expect(m.max).toBe(whole.max);
    }
  });

  it('varianceSE describes the scatter of sample variances (normal: σ²√(2/(n−1)))', () => {
    const st = Stream.fromSeed(2);
    const n = 200;
    const vars = new Moments();
    const ses = new Moments();
    for (let r = 0; r < 2000; r++) {
      const m = new Moments();
      for (let i = 0; i < n; i++) m.push(st.normal());
      vars.push(m.variance);
      ses.push(m.varianceSE);
    }
    // the average reported SE against the observed sd of the variance: agree within ~5%
    expect(Math.abs(ses.mean / vars.sd - 1)).toBeLessThan(0.06);
    expect(Math.abs(vars.sd - Math.sqrt(2 / (n - 1)))).toBeLessThan(4 * vars.sdSE);
  });
});

describe('VectorMoments', () => {
  it('covariance, variances and trace match direct formulas, and merges are exact', () => {
    const s = Stream.fromSeed(3);
    const d = 3;
    const rows: number[][] = [];
    for (let i = 0; i < 500; i++) {
      const z = [s.normal(), s.normal(), s.normal()];
      rows.push([z[0], 0.5 * z[0] + z[1], 2 + z[2] * 3]);
    }
    const vm = new VectorMoments(d, true);
    rows.forEach((r) => vm.push(r));
    const n = rows.length;
    const mean = [0, 1, 2].map((j) => rows.reduce((a, r) => a + r[j], 0) / n);
    const cov = (a: number, b: number) => rows.reduce((acc, r) => acc + (r[a] - mean[a]) * (r[b] - mean[b]), 0) / (n - 1);
    const C = vm.covarianceMatrix();
    for (let a = 0; a < d; a++) for (let b = 0; b < d; b++) expect(C[a * d + b]).toBeCloseTo(cov(a, b), 10);
    expect(vm.trace()).toBeCloseTo(cov(0, 0) + cov(1, 1) + cov(2, 2), 10);
    const diag = new VectorMoments(d, false);
    const a = new VectorMoments(d, false);
    const b = new VectorMoments(d, false);
    rows.forEach((r, i) => {
      diag.push(r);
      (i < 123 ? a : b).push(r);
    });
    a.merge(VectorMoments.fromJSON(b.toJSON()));
    expect(a.trace()).toBeCloseTo(diag.trace(), 10);
    const va = a.variances();
    diag.variances().forEach((v, i) => expect(va[i]).toBeCloseTo(v, 10));
  });
});

describe('quantiles and histograms', () => {
  it('type-7 quantiles match R/NumPy on a small example', () => {
    const x = [3, 1, 4, 1, 5, 9, 2, 6];
    expect(median(x)).toBe(3.5);
    expect(quantile(x, 0.25)).toBe(1.75);
    expect(iqr(x)).toBe(5.25 - 1.75);
  });

  it('histogram quantiles approach the exact ones, and histograms merge', () => {
    const s = Stream.fromSeed(4);
    const xs = Array.from({ length: 50_000 }, () => s.normal());
    const h = new Histogram(-6, 6, 1200).pushAll(xs.slice(0, 20_000));
    h.merge(Histogram.fromJSON(new Histogram(-6, 6, 1200).pushAll(xs.slice(20_000)).toJSON()));
    expect(h.total).toBe(50_000);
    for (const p of [0.1, 0.5, 0.9]) expect(Math.abs(h.quantile(p) - quantile(xs, p))).toBeLessThan(0.01);
    expect(() => h.merge(new Histogram(-5, 5, 10))).toThrow(/bins differ/);
  });
});

describe('goodness-of-fit tests', () => {
  it('KS p-values are uniform under the null: 5% rejection rate within binomial error', () => {
    const s = Stream.fromSeed(5);
    let rejected = 0;
    const runs = 1000;
    for (let r = 0; r < runs; r++) {
      const x = Array.from({ length: 100 }, () => s.normal());
      if (ksTest(x, (v) => normalCdf(v)).pValue < 0.05) rejected++;
    }
    expect(Math.abs(rejected / runs - 0.05)).toBeLessThan(4 * Math.sqrt((0.05 * 0.95) / runs));
  });

  it('KS rejects a shifted distribution and the two-sample test detects it', () => {
    const s = Stream.fromSeed(6);
    const a = Array.from({ length: 2000 }, () => s.normal());
    const b = Array.from({ length: 2000 }, () => s.normal() + 0.3);
    expect(ksTest(b, (v) => normalCdf(v)).pValue).toBeLessThan(1e-6);
    expect(ksTest2(a, b).pValue).toBeLessThan(1e-6);
    expect(ksTest2(a, Array.from({ length: 1500 }, () => s.normal())).pValue).toBeGreaterThan(0.01);
  });

  it('Kolmogorov tail: known values', () => {
    expect(kolmogorovSf(1.3581)).toBeCloseTo(0.05, 3);
    expect(kolmogorovSf(1.6276)).toBeCloseTo(0.01, 3);
    expect(kolmogorovSf(0.5)).toBeCloseTo(0.9639, 3);
  });

  it('chi-square: a fair die passes, a loaded one fails; statistic and df are right', () => {
    const r = chiSquareTest([10, 10, 10, 10, 10, 10], [1, 1, 1, 1, 1, 1]);
    expect(r.statistic).toBe(0);
    expect(r.df).toBe(5);
    expect(r.pValue).toBeCloseTo(1, 10);
    const loaded = chiSquareTest([300, 100, 100, 100, 100, 100], [1, 1, 1, 1, 1, 1]);
    expect(loaded.statistic).toBeCloseTo((300 - 800 / 6) ** 2 / (800 / 6) + 5 * (100 - 800 / 6) ** 2 / (800 / 6), 8);
    expect(loaded.pValue).toBeLessThan(1e-10);
  });
});

describe('fits', () => {
  it('an exact line is recovered', () => {
    const f = linearFit([1, 2, 3, 4], [3, 5, 7, 9]);
    expect(f.slope).toBeCloseTo(2, 12);
    expect(f.intercept).toBeCloseTo(1, 12);
    expect(f.slopeSE).toBeCloseTo(0, 12);
  });

  it('the slope SE from known errors matches the scatter of slopes; the Birge-inflated SE covers ≥ 95%', () => {
    const s = Stream.fromSeed(7);
    const x = [1, 2, 4, 8, 16, 32];
    const slopes = new Moments();
    const rawSE = new Moments();
    let covered = 0;
    const runs = 2000;
    for (let r = 0; r < runs; r++) {
      const y = x.map((b) => (1 / b) * Math.exp(0.05 * s.normal()));
      const fit = loglogSlope(x, y, y.map((v) => 0.05 * v));
      slopes.push(fit.slope);
      rawSE.push(fit.slopeSE / Math.sqrt(Math.max(1, fit.chi2Reduced)));
      if (Math.abs(fit.slope + 1) <= 1.96 * fit.slopeSE) covered++;
    }
    expect(Math.abs(slopes.mean + 1)).toBeLessThan(4 * slopes.sem);
    // the SE from the stated errors is exact here (all runs give the same value)
    expect(Math.abs(rawSE.mean / slopes.sd - 1)).toBeLessThan(4 * Math.SQRT1_2 / Math.sqrt(runs - 1));
    expect(covered / runs).toBeGreaterThan(0.95 - 4 * Math.sqrt((0.95 * 0.05) / runs));
  });

  it('log–log fits refuse non-positive values by index', () => {
    expect(() => loglogSlope([1, 2], [1, 0])).toThrow(/point 1/);
  });
});

describe('bootstrap', () => {
  it('percentile and BCa intervals for a mean cover it at about 95%', () => {
    const s = Stream.fromSeed(8);
    for (const method of ['percentile', 'bca'] as const) {
      let covered = 0;
      const runs = 200;
      for (let r = 0; r < runs; r++) {
        const data = Array.from({ length: 60 }, () => s.normal());
        const ci = bootstrapCI(data, (x) => x.reduce((a, b) => a + b, 0) / x.length, { stream: s, replicates: 400, method }).ci;
        if (ci[0] <= 0 && 0 <= ci[1]) covered++;
      }
      expect(Math.abs(covered / runs - 0.95)).toBeLessThan(4 * Math.sqrt((0.95 * 0.05) / runs) + 0.02);
    }
  });
});

describe('tail-index estimators', () => {
  it.each([1.2, 1.5, 1.8])('Mohammadi recovers α = %f within 4 SE', (alpha) => {
    const s = Stream.fromSeed(Math.round(alpha * 10));
    const x = Array.from({ length: 100_000 }, () => stableSymmetric(s, alpha));
    const est = mohammadiEstimator(x);
    expect(Math.abs(est.alpha - alpha)).toBeLessThan(4 * est.se);
  });

  it('Hill recovers a Pareto tail index within 4 SE', () => {
    const s = Stream.fromSeed(11);
    const alpha = 1.7;
    const x = Array.from({ length: 50_000 }, () => Math.pow(s.uniformPositive(), -1 / alpha));
    const est = hillEstimator(x, 2000);
    expect(Math.abs(est.alpha - alpha)).toBeLessThan(4 * est.se);
    expect(() => hillEstimator([1, 2, 3], 5)).toThrow(/invalid k/);
  });
});

describe('jackknife and family verdicts', () => {
  it('the jackknife SE of a mean over groups equals the SE of the group means', async () => {
    const { jackknife } = await import('../src/stats/jackknife.js');
    const g = [1.2, 0.7, 1.9, 1.1, 0.4, 1.5];
    const J = g.length;
    const loo = jackknife(J, (skip) => g.filter((_, i) => i !== skip).reduce((a, b) => a + b, 0) / (J - 1));
    const m = Moments.of(g);
    expect(loo.se).toBeCloseTo(m.sem, 12);
  });

  it('simultaneous verdicts widen to Bonferroni intervals; ksVerdict accepts exactly when the test does', async () => {
    const { simultaneousVerdicts, ksVerdict } = await import('../src/experiment/verdict.js');
    const [a, b] = simultaneousVerdicts([
      { claim: 'a', theory: 0, measured: 2.1, se: 1 },
      { claim: 'b', theory: 0, measured: 2.4, se: 1 },
    ]);
    // z = 2.2414 for two checks: 2.1 agrees, 2.4 does not
    expect(a.agrees).toBe(true);
    expect(b.agrees).toBe(false);
    expect(a.ci95[1] - a.measured).toBeCloseTo(2.2414, 3);
    const s = Stream.fromSeed(12);
    for (let r = 0; r < 20; r++) {
      const x = Array.from({ length: 200 }, () => s.normal() + (r % 2 ? 0.3 : 0));
      const t = ksTest(x, (v) => normalCdf(v));
      expect(ksVerdict(t, 'normal').agrees).toBe(t.pValue > 0.05);
    }
  });
});

describe('weighted means and fits through the origin', () => {
  it('weightedMean is the inverse-variance mean, Birge-inflated when the scatter exceeds the errors', async () => {
    const { weightedMean } = await import('../src/stats/regression.js');
    const a = weightedMean([1, 3], [1, 1]);
    expect(a.mean).toBe(2);
    // χ²_red = 2 > 1: the SE √(1/2) grows by √2
    expect(a.se).toBeCloseTo(1, 12);
    const b = weightedMean([1, 1.1], [1, 1]);
    expect(b.se).toBeCloseTo(Math.SQRT1_2, 12);
  });

  it('proportionalFit recovers y = c·x; linearFit reports the intercept–slope covariance', async () => {
    const { proportionalFit } = await import('../src/stats/regression.js');
    const f = proportionalFit([1, 2, 3], [2, 4, 6], [0.1, 0.1, 0.1]);
    expect(f.c).toBeCloseTo(2, 12);
    const s = Stream.fromSeed(21);
    const x = [1, 2, 3, 4, 5];
    const ab = new VectorMoments(2, true);
    for (let r = 0; r < 4000; r++) {
      const fit = linearFit(x, x.map((v) => 1 + 2 * v + 0.3 * s.normal()), x.map(() => 0.3));
      ab.push([fit.intercept, fit.slope]);
    }
    // the covariance from the stated errors (a noise-free fit: no Birge inflation) against the
    // scatter of 4000 fits; a sample covariance has a relative SE of about √(2/n) = 2.2%, so 4 SE ≈ 9%
    const cov = linearFit(x, x.map((v) => 1 + 2 * v), x.map(() => 0.3)).covariance;
    expect(Math.abs(ab.covarianceMatrix()[1] - cov)).toBeLessThan(0.09 * Math.abs(cov));
  });
});
