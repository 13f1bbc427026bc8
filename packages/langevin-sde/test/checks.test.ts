import { describe, expect, it } from 'vitest';
import { ksTest, Stream } from '@snrlab/core';
import { ksCritical, simultaneousVerdicts } from '@snrlab/core';
import { boltzmann, checkStationary, doubleWell, gaussianLaw } from '../src/index.js';

describe('stationary-distribution checks', () => {
  const s = Stream.fromSeed(12);
  const normals = (n: number, sd: number) => Float64Array.from({ length: n }, () => sd * s.normal());

  it('accept a sample from the law and refuse a law with the wrong variance', () => {
    const x = normals(20_000, 1);
    const ok = checkStationary(x, gaussianLaw(0, 1));
    expect(ok.verdicts.map((v) => v.agrees)).toEqual([true, true]);
    const wrong = checkStationary(x, gaussianLaw(0, 1.2));
    expect(wrong.verdicts.map((v) => v.agrees)).toEqual([false, false]);
  });

  it('accept inverse-CDF draws from a Boltzmann density', () => {
    const law = boltzmann(doubleWell({ tilt: 0.1 }), 0.4);
    const draw = law.sampler();
    const x = new Float64Array(20_000);
    for (let i = 0; i < x.length; i++) draw.sample(s, x, i);
    const c = checkStationary(x, law);
    expect(c.verdicts.every((v) => v.agrees)).toBe(true);
    expect(Math.abs(c.mean - law.mean)).toBeLessThan(4 * c.meanSE);
  });

  it('the KS verdict accepts exactly when the test does, at the Bonferroni level', () => {
    const x = normals(500, 1);
    const t = ksTest(x, gaussianLaw(0.12, 1).cdf);
    const c = ksCritical(500, 0.05);
    expect(t.statistic <= c).toBe(t.pValue >= 0.05);
    expect(ksCritical(500, 0.025)).toBeGreaterThan(c);
    const [v] = simultaneousVerdicts([{ claim: 'a', theory: 0, measured: 2.2, se: 1 }], 1);
    const [w] = simultaneousVerdicts([{ claim: 'a', theory: 0, measured: 2.2, se: 1 }], 3);
    expect([v.agrees, w.agrees]).toEqual([false, true]);
  });
});
