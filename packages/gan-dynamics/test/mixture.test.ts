import { describe, expect, it } from 'vitest';
import { estimatorScaling, Stream } from '@snrlab/core';
import {
  countSwings,
  ganDims,
  ganField,
  ganLosses,
  initialGanParameters,
  modeCenters,
  modeCoverage,
  sampleMixture,
  wasserstein1,
  type GanShape,
  type MixtureSpec,
} from '../src/mixture.js';
import { trainMixtureGan } from '../src/mixture-train.js';

const shape: GanShape = { hiddenG: 5, hiddenD: 4 };
const data: MixtureSpec = { modes: 3, spacing: 4, modeSd: 0.3 };

describe('mixture-of-Gaussians GAN', () => {
  it('computes the exact field (−∇_θ L_G, ∇_ψ V_D), checked by central differences', () => {
    const s = Stream.fromSeed(3);
    const z = initialGanParameters(shape, data, s);
    for (let i = 0; i < z.length; i++) z[i] += 0.5 * s.normal();
    const real = sampleMixture(data, s, new Float64Array(9));
    const lat = s.fillNormal(new Float64Array(9));
    const out = new Float64Array(z.length);
    ganField(shape, z, 0, real, lat, out, new Float64Array(4), new Float64Array(5));
    const { nx } = ganDims(shape);
    for (let i = 0; i < z.length; i++) {
      const h = 1e-6;
      const zp = z.slice();
      const zm = z.slice();
      zp[i] += h;
      zm[i] -= h;
      const lp = ganLosses(shape, zp, real, lat);
      const lm = ganLosses(shape, zm, real, lat);
      const fd = i < nx ? -(lp.LG - lm.LG) / (2 * h) : (lp.VD - lm.VD) / (2 * h);
      expect(Math.abs(fd - out[i])).toBeLessThan(1e-7 * (1 + Math.abs(out[i])));
    }
  });

  it('samples the mixture with equal weights around its centres', () => {
    expect(Array.from(modeCenters(data))).toEqual([-4, 0, 4]);
    const x = sampleMixture(data, Stream.fromSeed(1), new Float64Array(30000));
    const cov = modeCoverage(data, x, 0.25);
    expect(cov.covered).toBe(3);
    expect(cov.highQuality).toBeGreaterThan(0.99);
    // share of each mode: binomial with p = 1/3
    const se = Math.sqrt((1 / 3) * (2 / 3) / 30000);
    for (const sh of cov.shares) expect(Math.abs(sh - 1 / 3)).toBeLessThan(4 * se + 0.003);
  });

  it('Wasserstein-1 between equal-size samples is the mean gap of the sorted samples', () => {
    const a = Float64Array.of(3, 1, 2, 5);
    expect(wasserstein1(a, a.map((v) => v + 0.75))).toBeCloseTo(0.75, 15);
    expect(wasserstein1(Float64Array.of(0, 1), Float64Array.of(1, 3))).toBeCloseTo(1.5, 15);
    expect(() => wasserstein1(Float64Array.of(1), Float64Array.of(1, 2))).toThrow(/invalid samples/);
  });

  it('counts a mode as covered only above the threshold', () => {
    const x = new Float64Array(100);
    x.fill(-4, 0, 90);
    x.fill(4, 90, 100);
    expect(modeCoverage(data, x, 0.05).covered).toBe(2);
    expect(modeCoverage(data, x, 0.2).covered).toBe(1);
  });

  it('counts swings with hysteresis', () => {
    const wave = Array.from({ length: 400 }, (_, i) => Math.sin((2 * Math.PI * i) / 100));
    expect(countSwings(wave, 0.5)).toBe(7);
    expect(countSwings(wave, 1.5)).toBe(0);
    const jitter = Array.from({ length: 400 }, (_, i) => 0.1 * Math.sin(i));
    expect(countSwings(jitter, 0.5)).toBe(0);
  });

  it('mini-batch gradient noise: tr Cov ∝ 1/B', () => {
    const z = initialGanParameters(shape, data, Stream.fromSeed(2));
    const dim = ganDims(shape).dim;
    const hD = new Float64Array(4);
    const hG = new Float64Array(5);
    const r = estimatorScaling(
      (b, s) => {
        const out = new Float64Array(dim);
        ganField(shape, z, 0, sampleMixture(data, s, new Float64Array(b)), s.fillNormal(new Float64Array(b)), out, hD, hG);
        return out;
      },
      [2, 8, 32, 128],
      400,
      { stream: Stream.fromSeed(4) },
    );
    expect(Math.abs(r.exponent + 1)).toBeLessThan(4 * r.exponentSE);
  });

  it('trains reproducibly and reports sane metrics', () => {
    const go = () =>
      trainMixtureGan({
        method: { method: 'extragradient', learningRateX: 0.1, learningRateY: 0.1 },
        shape,
        data,
        batchSize: 8,
        steps: 200,
        noise: { kind: 'gaussian', sigma: 0.01 },
        stream: Stream.fromSeed(5),
        evalSamples: 500,
        checkEvery: 10,
        coverageThreshold: 0.1,
        minSwings: 4,
      });
    const a = go();
    const b = go();
    expect(a).toEqual(b);
    expect(a.modesCovered).toBeGreaterThanOrEqual(0);
    expect(a.modesCovered).toBeLessThanOrEqual(3);
    expect(a.w1).toBeGreaterThan(0);
    expect(a.traceSteps).toHaveLength(21);
  });

  it('refuses bad settings, naming them', () => {
    const base = { method: { method: 'simultaneous' as const, learningRateX: 0.1, learningRateY: 0.1 }, shape, data, batchSize: 8, steps: 20, noise: { kind: 'none' as const, sigma: 0 }, stream: Stream.fromSeed(1), evalSamples: 100, checkEvery: 5, coverageThreshold: 0.1, minSwings: 4 };
    expect(() => trainMixtureGan({ ...base, batchSize: 0 })).toThrow(/invalid batchSize/);
    expect(() => trainMixtureGan({ ...base, method: { ...base.method, learningRateY: 0 } })).toThrow(/invalid learningRateY/);
    expect(() => trainMixtureGan({ ...base, noise: { kind: 'gaussian', sigma: -1 } })).toThrow(/invalid sigma/);
    expect(() => trainMixtureGan({ ...base, data: { ...data, modeSd: 0 } })).toThrow(/invalid modeSd/);
  });
});
