import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { coerceParams, describeParams, onDeprecation, parseParams, paramsJSONSchema } from '../src/experiment/params.js';
import { defineExperiment, getExperiment, listExperiments, registerExperiments, suggestExperiments } from '../src/experiment/registry.js';
import { rerunManifest, runExperiment } from '../src/experiment/run.js';
import { defineExperimentTask } from '../src/experiment/pipeline.js';
import { intervalAgrees, verdict } from '../src/experiment/verdict.js';
import { ParameterError, ParameterTypeError } from '../src/errors.js';
import { experiments } from '../src/experiments/index.js';
import { PACKAGE } from '../src/package.js';
import pkg from '../package.json' with { type: 'json' };
import '../src/register.js';

const schema = z.object({
  alpha: z.number().gt(0).max(2).default(1.5).meta({ unit: 'dimensionless' }).describe('stability index'),
  budgets: z.array(z.int().min(1)).min(2).default([1, 2]),
  noise: z.enum(['gaussian', 'poisson']).default('gaussian'),
  flag: z.boolean().default(false),
});

describe('parameters', () => {
  it('defaults, JSON Schema and descriptions come from the zod schema', () => {
    expect(parseParams(schema, {})).toEqual({ alpha: 1.5, budgets: [1, 2], noise: 'gaussian', flag: false });
    const js = paramsJSONSchema(schema) as { properties: Record<string, any> };
    expect(js.properties.alpha).toMatchObject({ exclusiveMinimum: 0, maximum: 2, default: 1.5, unit: 'dimensionless' });
    const d = describeParams(schema);
    expect(d.find((p) => p.name === 'alpha')).toMatchObject({ allowed: 'a number in (0, 2]', unit: 'dimensionless', description: 'stability index' });
    expect(d.find((p) => p.name === 'noise')!.allowed).toBe('one of "gaussian", "poisson"');
  });

  it('bad values name the parameter, the value and the allowed range', () => {
    expect(() => parseParams(schema, { alpha: 3 })).toThrow(ParameterError);
    expect(() => parseParams(schema, { alpha: 3 })).toThrow('invalid alpha: got 3; expected a number in (0, 2]');
    expect(() => parseParams(schema, { budgets: [1, 0] })).toThrow(/invalid budgets\[1\]: got 0; expected an integer in \[1, ∞\)/);
    expect(() => parseParams(schema, { noise: 'cauchy' })).toThrow(/invalid noise: got "cauchy"; expected one of "gaussian", "poisson"/);
    expect(() => parseParams(schema, { alhpa: 1 })).toThrow(/invalid alhpa: .*known parameter: alpha, budgets, noise, flag/);
    expect(() => parseParams(schema, { alpha: 'x' })).toThrow(ParameterTypeError);
  });

  it('CLI strings are coerced by type: numbers, lists, booleans, enums', () => {
    expect(coerceParams(schema, { alpha: '0.5', budgets: '1,4,16', flag: 'true', noise: 'poisson' })).toEqual({
      alpha: 0.5,
      budgets: [1, 4, 16],
      flag: true,
      noise: 'poisson',
    });
    expect(() => coerceParams(schema, { alpha: 'abc' })).toThrow(/invalid alpha: got "abc"; expected a number in \(0, 2\]/);
    expect(() => coerceParams(schema, { budgets: '1,x' })).toThrow(/budgets\[1\]/);
  });
});

describe('verdicts', () => {
  it('agrees is computed from the interval and the tolerance', () => {
    expect(verdict({ claim: 'c', theory: 1, measured: 1.1, se: 0.05 }).agrees).toBe(false);
    expect(verdict({ claim: 'c', theory: 1, measured: 1.05, se: 0.05 }).agrees).toBe(true);
    expect(verdict({ claim: 'c', theory: 1, measured: 1.3, ci95: [1.25, 1.35], tolerance: 0.3 }).agrees).toBe(true);
    expect(verdict({ claim: 'c', theory: 1, measured: 1.3, ci95: [1.25, 1.35], tolerance: 0.2 }).agrees).toBe(false);
    expect(intervalAgrees([NaN, 1], 0)).toBe(false);
  });

  it('allowances: a stated one bridges a small gap; one from the judged data or larger than half the effect gives inconclusive', async () => {
    const { verdict: v } = await import('../src/experiment/verdict.js');
    const base = { claim: 'c', theory: 1, measured: 1.3, ci95: [1.25, 1.35] as [number, number] };
    expect(v({ ...base, allowance: { value: 0.3, derivation: 'second-order bound' } }).status).toBe('agrees');
    expect(v({ ...base, allowance: { value: 0.2, derivation: 'second-order bound' } }).status).toBe('disagrees');
    const fromData = v({ ...base, allowance: { value: 0.3, derivation: 'curvature estimated from the same runs', fromData: true } });
    expect(fromData.status).toBe('inconclusive');
    expect(fromData.agrees).toBe(false);
    expect(fromData.note).toMatch(/Inconclusive: only the allowance 0.3, estimated from the same data/);
    expect(fromData.decide).toMatch(/derived independently/);
    // an allowance larger than half the effect cannot carry agreement
    expect(v({ ...base, allowance: { value: 0.6, derivation: 'loose' } }).status).toBe('inconclusive');
    expect(v({ ...base, effect: 2, allowance: { value: 0.6, derivation: 'loose' } }).status).toBe('agrees');
    // without the allowance the interval alone decides
    expect(v({ claim: 'c', theory: 1, measured: 1.0, se: 0.05, allowance: { value: 5, derivation: 'x', fromData: true } }).status).toBe('agrees');
    expect(v({ claim: 'c', theory: 1, measured: NaN, se: 0.05 }).status).toBe('inconclusive');
  });

  it('directional claims use one-sided 95% bounds: supported, inconclusive (not agreement), contradicted', async () => {
    const { claimStatus, directionalVerdict, intervalText } = await import('../src/experiment/verdict.js');
    expect(claimStatus(-1, 0.1, 'below')).toBe('supported');
    expect(claimStatus(0.1, 0.1, 'below')).toBe('inconclusive');
    expect(claimStatus(1, 0.1, 'below')).toBe('contradicted');
    expect(claimStatus(1, 0.1, 'above')).toBe('supported');
    const v = directionalVerdict({ claim: 'ratio ≤ 1 (log10 ≤ 0)', measured: 0.5, se: 0.1, direction: 'below' });
    expect(v.status).toBe('disagrees');
    expect(v.note).toMatch(/^Contradicted/);
    const unsure = directionalVerdict({ claim: 'x', measured: 0.1, se: 0.1, direction: 'below' });
    expect(unsure.status).toBe('inconclusive');
    expect(unsure.agrees).toBe(false);
    // (1.645·0.1/0.1)² ≈ 2.7× the budget would put the upper bound below 0
    expect(unsure.decide).toMatch(/about 2.7× the budget/);
    expect(intervalText(unsure.ci95)).toBe('≤ 0.2645');
    expect(intervalText(directionalVerdict({ claim: 'x', measured: 0.5, se: 0.1, direction: 'above' }).ci95)).toBe('≥ 0.3355');
    expect(directionalVerdict({ claim: 'x', measured: -0.5, se: 0.1, direction: 'below' }).status).toBe('agrees');
  });

  it('equivalence claims use two one-sided tests with a stated margin, and report their power', async () => {
    const { equivalenceVerdict } = await import('../src/experiment/verdict.js');
    const ok = equivalenceVerdict({ claim: 'no change', measured: 0.01, se: 0.02, margin: 0.1, marginDerivation: 'a tenth of the effect' });
    expect(ok.status).toBe('agrees');
    expect(ok.power).toBeGreaterThan(0.99);
    const weak = equivalenceVerdict({ claim: 'no change', measured: 0.01, se: 0.2, margin: 0.1, marginDerivation: 'x' });
    expect(weak.status).toBe('inconclusive');
    expect(weak.power).toBe(0);
    // se needed for 80% power is 0.1/(1.645 + 1.2816) = 0.03417: (0.2/0.03417)² ≈ 34
    expect(weak.decide).toMatch(/about 34× the budget/);
    expect(equivalenceVerdict({ claim: 'no change', measured: 0.5, se: 0.05, margin: 0.1, marginDerivation: 'x' }).status).toBe('disagrees');
  });

  it('a verdict can fail: reassess with theory moved by 10 SE never agrees for a sound point verdict', async () => {
    const { verdict: v, reassess, checkVerdict } = await import('../src/experiment/verdict.js');
    const sound = v({ claim: 'c', theory: 1, measured: 1.02, se: 0.05, allowance: { value: 0.05, derivation: 'bound' } });
    expect(reassess(sound, 1 + 10 * 0.05)).not.toBe('agrees');
    expect(reassess(sound, 1 - 10 * 0.05)).not.toBe('agrees');
    const swallowing = v({ claim: 'c', theory: 1, measured: 1.02, se: 0.05, effect: 10, allowance: { value: 1, derivation: 'too large' } });
    expect(reassess(swallowing, 1 + 10 * 0.05)).toBe('agrees'); // the check a test applies catches this allowance
    expect(checkVerdict(sound)).toBeNull();
    expect(checkVerdict({ ...sound, status: 'disagrees', agrees: false })).toMatch(/gives 'agrees'/);
  });
});

describe('registry and runner', () => {
  it('core registers its experiments; unknown ids get suggestions', () => {
    expect(listExperiments().map((e) => e.id)).toEqual(expect.arrayContaining(['core.estimator-scaling', 'core.positional-error']));
    expect(getExperiment('core.estimator-scaling')?.package).toEqual(PACKAGE);
    expect(suggestExperiments('core.estimator-scalin')[0]).toBe('core.estimator-scaling');
    expect(suggestExperiments('positional')[0]).toBe('core.positional-error');
  });

  const trivial = {
    title: '',
    claim: '',
    params: z.object({}),
    measurements: z.object({}),
    plan: () => [],
    task: defineExperimentTask(import.meta.url, 'test.trivial/none', () => 0),
    reduce: () => ({}),
    judge: () => [],
    present: () => ({}),
  };

  it('ids are checked', () => {
    expect(() => defineExperiment({ id: 'Bad Id', domain: 'x', ...trivial })).toThrow(/invalid experiment id/);
    expect(() => defineExperiment({ id: 'a.b', domain: 'x', ...trivial })).toThrow(/domain 'x.'/);
  });

  it('a hard-coded verdict that its interval contradicts is refused', async () => {
    const liar = defineExperiment({
      id: 'test.liar',
      domain: 'test',
      ...trivial,
      judge: () => [{ claim: 'c', kind: 'point' as const, theory: 0, measured: 5, ci95: [4, 6] as [number, number], status: 'agrees' as const, agrees: true, note: '' }],
    });
    await expect(runExperiment(liar)).rejects.toThrow(/status 'agrees', which its interval does not support \(it gives 'disagrees'\)/);
  });

  it('same seed, same metrics; the manifest reruns the result', async () => {
    const a = await runExperiment('core.estimator-scaling', { estimates: 400 }, { seed: 5 });
    const b = await runExperiment('core.estimator-scaling', { estimates: 400 }, { seed: 5 });
    const c = await runExperiment('core.estimator-scaling', { estimates: 400 }, { seed: 6 });
    expect(b.metrics).toEqual(a.metrics);
    expect(c.metrics.exponent).not.toBe(a.metrics.exponent);
    const m = JSON.parse(JSON.stringify(a.manifest));
    expect(m).toMatchObject({ schema: 'snrlab-manifest/1', id: 'core.estimator-scaling', seed: 5, backend: 'js', rng: { generator: 'philox4x32-10' } });
    expect(m.params.estimates).toBe(400);
    expect(m.packages['@snrlab/core']).toBe(PACKAGE.version);
    expect(m.node).toBe(process.version);
    const again = await rerunManifest(m);
    expect(again.metrics).toEqual(a.metrics);
    // a manifest written before the glossary rename (replicates → estimates) still reruns to the same bytes
    const old = { ...m, params: { ...m.params, replicates: m.params.estimates, estimates: undefined } };
    delete old.params.estimates;
    const prev = onDeprecation(() => {});
    try {
      expect((await rerunManifest(old)).metrics).toEqual(a.metrics);
    } finally {
      onDeprecation(prev);
    }
  });

  it('unknown experiments and bad parameters fail before running', async () => {
    await expect(runExperiment('core.estimator-scalin')).rejects.toThrow(/did you mean 'core.estimator-scaling'/);
    await expect(runExperiment('core.estimator-scaling', { alpha: 2.5 })).rejects.toThrow(/invalid alpha: got 2.5; expected a number in \(0, 2\]/);
  });

  it('PACKAGE matches package.json', () => {
    expect(PACKAGE).toEqual({ name: pkg.name, version: pkg.version });
  });

  it('core experiments agree with theory at their defaults', async () => {
    for (const e of experiments) {
      const r = await runExperiment(e, e.id === 'core.positional-error' ? { replicas: 1000 } : {});
      for (const v of r.verdicts) expect(v.agrees, `${e.id}: ${v.claim} measured ${v.measured}`).toBe(true);
    }
  });

  it('alpha-stable with α = 1.5: the interval contains −2/3', async () => {
    const r = await runExperiment('core.estimator-scaling', { noise: 'alpha-stable', alpha: 1.5 }, { seed: 1 });
    expect(r.verdicts[0].ci95[0]).toBeLessThanOrEqual(-2 / 3);
    expect(r.verdicts[0].ci95[1]).toBeGreaterThanOrEqual(-2 / 3);
  });

  it('positional error: no boundary is a clear result', async () => {
    const r = await runExperiment('core.positional-error', { thresholdFraction: 0.001, domainLength: 10, replicas: 200 });
    expect(r.metrics.boundary).toBe(0);
    expect(r.notes[0]).toMatch(/No boundary/);
  });
});

void registerExperiments;

describe("core's experiments judge their claims on the right quantity", () => {
  it('Student-t with 2 < df ≤ 4: the variance is judged, with a subsampling interval; IQR² only where the variance does not exist', async () => {
    const { estimatorScalingExperiment, spreadFor } = await import('../src/experiments/index.js');
    expect(spreadFor({ noise: 'student-t', df: 3, alpha: 1.5 })).toBe('variance');
    expect(spreadFor({ noise: 'student-t', df: 2, alpha: 1.5 })).toBe('iqr');
    expect(spreadFor({ noise: 'alpha-stable', df: 10, alpha: 1.5 })).toBe('iqr');
    const r = await runExperiment(estimatorScalingExperiment, { noise: 'student-t', df: 3, budgets: [1, 4, 16, 64], estimates: 2000 }, { seed: 2 });
    const m = r.measurements as { interval?: string; exponentCI95?: [number, number]; spread: string };
    expect(m.spread).toBe('variance');
    expect(m.interval).toBe('subsampling');
    const v = r.verdicts[0];
    expect(v.claim).toMatch(/^variance ∝ B\^-1/);
    expect(v.ci95).toEqual(m.exponentCI95);
    expect(v.status).toBe('agrees');
    expect(v.note).toMatch(/subsampling/);
  });

  it('rigid-shift theory: exactly 1 on a linear Gaussian field, and √(θψ₁(θ + 1)) for Poisson noise on an exponential as the grid is refined', async () => {
    const { positionalErrorExperiment } = await import('../src/experiments/index.js');
    const { rigidShiftTheory, trigamma } = await import('../src/experiments/positional-error.js');
    expect(trigamma(1)).toBeCloseTo((Math.PI * Math.PI) / 6, 13);
    expect(trigamma(0.5)).toBeCloseTo((Math.PI * Math.PI) / 2, 12);
    const parse = (o: Record<string, unknown>) => positionalErrorExperiment.params.parse(o);
    expect(rigidShiftTheory(parse({ profile: 'linear', noise: 'gaussian' })).ratio).toBeCloseTo(1, 12);
    const fine = rigidShiftTheory(parse({ gridPoints: 4001 }));
    expect(fine.continuumRatio).toBeCloseTo(Math.sqrt(250 * trigamma(251)), 15);
    // the grid part falls with h: at h = 0.025 the exact ratio is within 1e-4 of the continuum's
    expect(Math.abs(fine.ratio - fine.continuumRatio)).toBeLessThan(1e-4);
    // Gaussian noise on an exponential: 1 + (5/4)(σ/θ)² to second order
    const g = rigidShiftTheory(parse({ noise: 'gaussian', sigma: 20, gridPoints: 4001 }));
    expect(Math.abs(g.ratio - (1 + 1.25 * (20 / 250) ** 2))).toBeLessThan(3 * (20 / 250) ** 4 * 10);
  });

  it('core.positional-error: off the rigid-shift regime the allowance is marked as estimated from the data', async () => {
    const { positionalErrorExperiment } = await import('../src/experiments/index.js');
    const r = await runExperiment(positionalErrorExperiment, { correlationLength: 50, replicas: 400, gridPoints: 101 }, { seed: 3 });
    const v = r.verdicts[0];
    expect(v.claim).toBe('σ_x(direct) / σ_x(delta method) = 1');
    expect(v.allowance?.fromData).toBe(true);
    if (!(v.ci95[0] <= 1 && 1 <= v.ci95[1])) expect(v.status).not.toBe('agrees');
  });
});
