// sgd.generalization with its CNN student (model = 'cnn'): golden bytes, 1 and 2 workers, abort
// (tools/testing/pipeline.ts; golden file in test/cnn/golden/, apart from the default MLP run), and
// the verdicts at a small size: computed from the measured paired differences, able to fail.
import { describe, expect, it } from 'vitest';
import { checkVerdict, ParameterError, runExperiment } from '@snrlab/core';
import { canFail, pipelineSuite } from '../../../tools/testing/pipeline.js';
import { generalizationExperiment } from '../src/experiments/generalization.js';

pipelineSuite({
  testFile: new URL('./cnn/generalization-cnn.test.ts', import.meta.url).href,
  experiments: [generalizationExperiment],
  reduced: {
    // the 2-D set: the convolution over [6, 6, 1] images
    'sgd.generalization': { model: 'cnn', dataset: 'bars', datasetSize: 64, testSize: 200, batchSizes: [2, 16], epochs: 5, replicas: 4, studentHidden: 4, learningRate: 0.05 },
  },
});

describe('sgd.generalization, CNN on the signals set', () => {
  const params = { model: 'cnn', datasetSize: 64, testSize: 400, batchSizes: [2, 16], epochs: 10, replicas: 6, studentHidden: 4, learningRate: 0.05 };
  const run = runExperiment(generalizationExperiment, params, { seed: 7 });

  it('measures misclassification rates, better than chance at the smallest B', async () => {
    const { measurements: m } = await run;
    expect(m.configs.map((c) => [c.sweep, c.B])).toEqual([
      ['fixed-eta', 2],
      ['fixed-eta', 16],
      ['fixed-ratio', 16],
    ]);
    // an error rate of 400 test examples is a multiple of 1/400
    for (const row of m.perSeed) for (const e of row) expect(Math.abs(e * 400 - Math.round(e * 400))).toBeLessThan(1e-9);
    const small = m.configs[0];
    expect(small.diverged).toBe(0);
    expect(0.5 - small.test).toBeGreaterThan(4 * small.testSE);
  });

  it('judges the paired differences over seeds, with computed verdicts that can fail', async () => {
    const r = await run;
    const m = r.measurements;
    const diffs = m.perSeed.map((s) => s[1] - s[0]);
    const mean = diffs.reduce((a, v) => a + v, 0) / diffs.length;
    const sd = Math.sqrt(diffs.reduce((a, v) => a + (v - mean) ** 2, 0) / (diffs.length - 1));
    expect(m.fixedEtaDifference).toBeCloseTo(mean, 12);
    expect(m.fixedEtaDifferenceSE).toBeCloseTo(sd / Math.sqrt(diffs.length), 12);
    const logs = m.perSeed.map((s) => Math.log(s[2] / s[0]));
    expect(m.fixedRatioLogRatio).toBeCloseTo(logs.reduce((a, v) => a + v, 0) / logs.length, 12);

    const [directional, equivalence] = r.verdicts;
    expect(directional.kind).toBe('directional');
    expect(directional.claim).toMatch(/test error rate\(B = 16\) − test error rate\(B = 2\) > 0/);
    expect(directional.measured).toBe(m.fixedEtaDifference);
    expect(equivalence.kind).toBe('equivalence');
    for (const v of r.verdicts) {
      expect(checkVerdict(v)).toBeNull();
      expect(canFail(v), v.claim).toBe(true);
    }
    // the one-sided bound decides the directional claim
    const lower = m.fixedEtaDifference - 1.6448536269514722 * m.fixedEtaDifferenceSE;
    expect(directional.status).toBe(lower > 0 ? 'agrees' : m.fixedEtaDifference + 1.6448536269514722 * m.fixedEtaDifferenceSE < 0 ? 'disagrees' : 'inconclusive');
  });

  it('refuses a dataset without the CNN, naming the parameter', async () => {
    const e = await runExperiment(generalizationExperiment, { dataset: 'bars' }).then(
      () => undefined,
      (err: unknown) => err,
    );
    expect(e).toBeInstanceOf(ParameterError);
    expect((e as ParameterError).parameter).toBe('dataset');
    const bad = await runExperiment(generalizationExperiment, { model: 'resnet' }).then(
      () => undefined,
      (err: unknown) => err,
    );
    expect(bad).toBeInstanceOf(ParameterError);
    expect((bad as ParameterError).parameter).toBe('model');
  });
});
