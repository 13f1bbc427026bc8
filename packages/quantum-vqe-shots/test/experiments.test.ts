import { describe, expect, it } from 'vitest';
import {
  describeParams,
  getExperiment,
  inlineExecutor,
  lookupTask,
  paramsJSONSchema,
  runExperiment,
  type Executor,
  type MapOptions,
  type Settled,
  type ExperimentResult,
  type TaskRef,
} from '@snrlab/core';
import { experiments } from '../src/index.js';
import { energyExperiment } from '../src/experiments/energy.js';
import { gradientVarianceExperiment } from '../src/experiments/gradient-variance.js';
import { optimizeExperiment } from '../src/experiments/optimize.js';
import { shotNoiseExperiment } from '../src/experiments/shot-noise.js';
import { optimalAngleExperiment } from '../src/experiments/optimal-angle.js';
import '../src/register.js';

/** Runs jobs last-to-first but returns them in job order: results must not depend on the schedule. */
const reversedExecutor: Executor = {
  kind: 'reversed',
  workers: 1,
  async map<A, R>(task: TaskRef<A, R>, jobs: readonly A[], opts?: MapOptions<R>): Promise<R[]> {
    const fn = lookupTask(task)!;
    const out: R[] = new Array(jobs.length);
    for (let i = jobs.length - 1; i >= 0; i--) {
      out[i] = await fn(jobs[i]);
      opts?.onResult?.(i, out[i]);
    }
    return out;
  },
  async mapSettled<A, R>(task: TaskRef<A, R>, jobs: readonly A[]): Promise<Settled<R>[]> {
    const values = await reversedExecutor.map(task, jobs);
    return values.map((value) => ({ status: 'ok', value, attempts: 1 }));
  },
  async close() {},
};

function verdictsComputed(r: ExperimentResult) {
  expect(r.verdicts.length).toBeGreaterThan(0);
  for (const v of r.verdicts) {
    expect(typeof v.agrees).toBe('boolean');
    expect(v.ci95[0]).toBeLessThanOrEqual(v.ci95[1]);
  }
  for (const [k, v] of Object.entries(r.metrics)) expect(Number.isFinite(v), k).toBe(true);
  expect(() => JSON.stringify(r)).not.toThrow();
}

describe('registration and parameter schemas', () => {
  it('registers the five experiments with describable parameters', () => {
    expect(experiments.map((e) => e.id).sort()).toEqual(['vqe.energy', 'vqe.gradient-variance', 'vqe.optimal-angle', 'vqe.optimize', 'vqe.shot-noise']);
    for (const e of experiments) {
      expect(getExperiment(e.id)).toBe(e);
      expect(describeParams(e.params).length).toBeGreaterThan(3);
      expect(paramsJSONSchema(e.params)).toHaveProperty('properties');
    }
  });
});

describe('vqe.energy', () => {
  it('with exact expectations reaches the exact H₂ ground energy to 1e-6 (4 and 2 qubits)', async () => {
    const r = await runExperiment(energyExperiment, {}, { seed: 3 });
    verdictsComputed(r);
    expect(r.metrics.exactGroundEnergy).toBeCloseTo(-1.13618945, 8);
    expect(Math.abs(r.metrics.error)).toBeLessThan(1e-6);
    expect(r.verdicts.every((v) => v.agrees)).toBe(true);
    const two = await runExperiment(energyExperiment, { molecule: 'h2-2q' }, { seed: 3 });
    expect(two.metrics.exactGroundEnergyTotal).toBeCloseTo(-1.137306036, 8);
    expect(Math.abs(two.metrics.error)).toBeLessThan(1e-6);
  });

  it('runs with shots and SPSA, reproducibly', async () => {
    const p = { molecule: 'h2-4q', optimiser: 'spsa', shots: 200, steps: 60 };
    const a = await runExperiment(energyExperiment, p, { seed: 4 });
    const b = await runExperiment(energyExperiment, p, { seed: 4 });
    verdictsComputed(a);
    expect(a.metrics).toEqual(b.metrics);
    expect(a.metrics.shotsUsed).toBe(50 * 200 + 60 * 2 * 200); // calibration, then 2 circuits per step
    expect(a.metrics.error).toBeGreaterThan(0); // a variational energy
  });

  it('with shots judges the mean final error over independent runs; one run is a demonstration, not a verdict', async () => {
    const p = { molecule: 'h2-4q', optimiser: 'spsa', shots: 200, steps: 40 };
    const many = await runExperiment(energyExperiment, { ...p, replicas: 4 }, { seed: 4 });
    const v = many.verdicts.find((x) => x.kind === 'directional')!;
    expect(v.claim).toMatch(/mean final error is below chemical accuracy/);
    expect(v.measured).toBe(many.metrics.meanError);
    expect(many.metrics.runs).toBe(4);
    const one = await runExperiment(energyExperiment, { ...p, replicas: 1 }, { seed: 4 });
    expect(one.metrics.error).toBe(many.metrics.error); // run 0 is the same whatever runs is
    expect(one.verdicts.map((x) => x.kind)).toEqual(['point']); // only the reference check
    expect(one.notes.join(' ')).toMatch(/Demonstration, not a verdict/);
  });

  it('makes no verdict against a reference this package computed itself (LiH)', async () => {
    const r = await runExperiment(energyExperiment, { molecule: 'lih-4q', steps: 200 }, { seed: 1 });
    expect(r.verdicts.map((x) => x.claim)).toEqual(['with exact expectations VQE reaches the exact ground energy to 1e-6 Ha']);
  });

  it('refuses bad parameters by name', async () => {
    await expect(runExperiment(energyExperiment, { shots: -1 })).rejects.toThrow(/invalid shots: got -1/);
    await expect(runExperiment(energyExperiment, { molecule: 'he2' })).rejects.toThrow(/invalid molecule: got "he2"/);
    await expect(runExperiment(energyExperiment, { layers: 11 })).rejects.toThrow(/invalid layers/);
  });
});

describe('vqe.shot-noise', () => {
  const params = { shots: [16, 64, 256], estimates: 1500 };

  it('variance ∝ N^−1 and 0.046691 per shot for 2-qubit H₂ term by term (within 4 SE)', async () => {
    const r = await runExperiment(shotNoiseExperiment, params, { seed: 7 });
    verdictsComputed(r);
    const m = r.metrics;
    expect(Math.abs(m.exponent + 1)).toBeLessThan(4 * m.exponentSE);
    expect(Math.abs(m.perShotVariance - 0.046691)).toBeLessThan(4 * m.perShotVarianceSE);
    expect(m.termwiseVarianceSum).toBeCloseTo(0.046691, 6);
    expect(Math.abs(m.varianceTimesShots - m.analyticVarianceTimesShots)).toBeLessThan(4 * m.varianceTimesShotsSE);
    expect(m.analyticVarianceTimesShots).toBeCloseTo(4 * 0.0466911, 6); // 4 groups share N uniformly
  });

  it('same seed, same metrics; grouped measurement matches its own theory', async () => {
    const a = await runExperiment(shotNoiseExperiment, { ...params, grouping: 'qwc', allocation: 'weighted', molecule: 'h2-4q', state: 'random' }, { seed: 2 });
    const b = await runExperiment(shotNoiseExperiment, { ...params, grouping: 'qwc', allocation: 'weighted', molecule: 'h2-4q', state: 'random' }, { seed: 2 });
    expect(a.metrics).toEqual(b.metrics);
    expect(Math.abs(a.metrics.perShotVariance - a.metrics.analyticPerShotVariance)).toBeLessThan(4 * a.metrics.perShotVarianceSE);
  });

  it('refuses shot counts below the number of groups', async () => {
    await expect(runExperiment(shotNoiseExperiment, { shots: [2, 8] })).rejects.toThrow(/invalid shots\[\]: got 2; expected an integer ≥ 4/);
    await expect(runExperiment(shotNoiseExperiment, { shots: [16] })).rejects.toThrow(/shots/);
  });
});

describe('vqe.gradient-variance', () => {
  const params = { layers: [0, 1, 2], thetaPoints: 1, estimates: 300, shiftEstimates: 30 };

  it('measures each part against its theory and says which parts grow with d', async () => {
    const r = await runExperiment(gradientVarianceExperiment, params, { seed: 5 });
    verdictsComputed(r);
    const m = r.metrics;
    expect(m.maxParameters).toBe(24);
    expect(Math.abs(m.spsaShotNoiseRatio - 1)).toBeLessThan(4 * m.spsaShotNoiseRatioSE);
    expect(Math.abs(m.spsaDirectionRatio - 1)).toBeLessThan(4 * m.spsaDirectionRatioSE);
    expect(Math.abs(m.mseExponentParameterShift - m.mseExponentParameterShiftTheory)).toBeLessThan(4 * m.mseExponentParameterShiftSE);
    // at a fixed budget parameter shift's error grows as d² (N = B/2d shots per circuit)
    expect(Math.abs(m.mseExponentParameterShiftTheory - 2)).toBeLessThan(0.3);
    expect(m.shotsSpsa).toBe(12800);
    expect(m.shotsParameterShift).toBe(48 * Math.floor(12800 / 48)); // 2d = 48 circuits
    const claim = r.verdicts.find((v) => v.claim.startsWith('popular claim'))!;
    expect(claim.theory).toBe(0);
    expect(claim.agrees).toBe(false); // the total SPSA variance grows with d
  });

  it('is the same for any schedule of its sweep points', async () => {
    const p = { ...params, estimates: 60, shiftEstimates: 20, sweep: 'width', widths: [2, 3, 4] };
    const a = await runExperiment(gradientVarianceExperiment, p, { seed: 1, executor: inlineExecutor });
    const b = await runExperiment(gradientVarianceExperiment, p, { seed: 1, executor: reversedExecutor });
    expect(a.metrics).toEqual(b.metrics);
  });

  it('refuses a budget that cannot give every circuit a shot per group', async () => {
    await expect(runExperiment(gradientVarianceExperiment, { ...params, shotBudget: 100 })).rejects.toThrow(/invalid shotBudget: got 100; expected an integer ≥ 160/);
  });
});

describe('vqe.optimize', () => {
  const params = { problems: ['h2-4q', 'h2-2q'], replicas: 3, totalShots: 20_000, shotsPerEvaluation: 100 };

  it('compares the methods at equal budgets, reproducibly and for any schedule', async () => {
    const a = await runExperiment(optimizeExperiment, params, { seed: 9 });
    const b = await runExperiment(optimizeExperiment, params, { seed: 9, executor: reversedExecutor });
    verdictsComputed(a);
    expect(a.metrics).toEqual(b.metrics);
    for (const id of ['h2-4q', 'h2-2q']) {
      for (const method of ['spsa', 'parameter-shift']) {
        const s = a.metrics[`successRate.${id}.${method}`];
        expect(s).toBeGreaterThanOrEqual(0);
        expect(s).toBeLessThanOrEqual(1);
        expect(a.metrics[`medianError.${id}.${method}`]).toBeGreaterThan(0);
      }
    }
    // parameter shift on H₂-4q: 4 circuits per step (four-term rule) of 100 shots
    expect(a.metrics['steps.h2-4q.parameter-shift']).toBe(50);
    expect(a.metrics['steps.h2-4q.spsa']).toBe((20_000 - 5000) / 200);
    expect(a.verdicts).toHaveLength(2);
  });

  it('refuses too few shots per evaluation', async () => {
    await expect(runExperiment(optimizeExperiment, { ...params, shotsPerEvaluation: 3 })).rejects.toThrow(/invalid shotsPerEvaluation: got 3; expected an integer ≥ 5/);
    await expect(runExperiment(optimizeExperiment, { replicas: 1 })).rejects.toThrow(/invalid replicas/);
  });
});

describe('vqe.optimal-angle', () => {
  it('the zero of the shot-noisy derivative scatters as σ_g/|E″| (within 4 SE)', async () => {
    const r = await runExperiment(optimalAngleExperiment, { replicas: 300, gridPoints: 41 }, { seed: 3 });
    expect(r.metrics.boundary).toBe(1);
    expect(Math.abs(r.metrics.thetaStar - 0.2235)).toBeLessThan(1e-3);
    expect(Math.abs(r.metrics.sigmaThetaDirect - r.metrics.sigmaThetaPredicted)).toBeLessThan(4 * r.metrics.sigmaThetaDirectSE);
    expect(Math.abs(r.metrics.ratio - 1)).toBeLessThan(4 * r.metrics.ratioSE + r.metrics.secondOrder);
    // four times the shots halve σ_θ: the exact prediction scales as N^-1/2
    const r4 = await runExperiment(optimalAngleExperiment, { replicas: 100, gridPoints: 21, shotBudget: 16000 }, { seed: 3 });
    expect(r4.metrics.sigmaThetaPredicted / r.metrics.sigmaThetaPredicted).toBeCloseTo(0.5, 2);
  });
});
