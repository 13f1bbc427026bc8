import { afterAll, describe, expect, it } from 'vitest';
import { defaultParams, describeParams, runExperiment, WorkerPool, type ExperimentResult } from '@snrlab/core';
import {
  baoabExperiment,
  boltzmannExperiment,
  convergenceOrderExperiment,
  experiments,
  kramersExperiment,
  ouExperiment,
  replicaAverageExperiment,
  saddleEscapeExperiment,
} from '../src/index.js';

const within = (measured: number, theory: number, se: number, k = 4, allowance = 0) => Math.abs(measured - theory) <= k * se + allowance;

function expectComputedVerdicts(r: ExperimentResult, count?: number) {
  if (count !== undefined) expect(r.verdicts).toHaveLength(count);
  for (const v of r.verdicts) {
    expect(typeof v.agrees).toBe('boolean');
    expect(v.ci95[0]).toBeLessThanOrEqual(v.measured);
    expect(v.ci95[1]).toBeGreaterThanOrEqual(v.measured);
  }
}

const pools: WorkerPool[] = [];
afterAll(async () => {
  await Promise.all(pools.map((p) => p.close()));
});

describe('the experiments', () => {
  it('are the six of the issue and the replica average, with defaults, units and descriptions', () => {
    expect(experiments.map((e) => e.id)).toEqual(['langevin.ou', 'langevin.convergence-order', 'langevin.boltzmann', 'langevin.kramers', 'langevin.saddle-escape', 'langevin.baoab', 'langevin.replica-average']);
    for (const e of experiments) {
      expect(() => defaultParams(e.params)).not.toThrow();
      for (const p of describeParams(e.params)) expect(p.description, `${e.id}.${p.name}`).toBeTruthy();
    }
  });

  it('langevin.ou: every solver matches the exact OU law', async () => {
    const r = await runExperiment(ouExperiment, { replicas: 3000, dt: 0.01 }, { seed: 2 });
    expectComputedVerdicts(r, 10);
    for (const k of ['eulerMaruyama', 'milstein', 'sra1', 'exactOu', 'baoab']) {
      const m = r.metrics;
      expect(within(m[`${k}Mean`], m[`${k}MeanTheory`], m[`${k}MeanSE`]), k).toBe(true);
      expect(within(m[`${k}Variance`], m[`${k}VarianceTheory`], m[`${k}VarianceSE`]), k).toBe(true);
    }
    expect(r.metrics.exactOuVarianceTheory).toBeCloseTo(0.5 * (1 - Math.exp(-2)), 12);
    await expect(runExperiment(ouExperiment, { dt: 0.3 }, { seed: 2 })).rejects.toThrow(/invalid dt: got 0.3/);
    await expect(runExperiment(ouExperiment, { replicas: 5 })).rejects.toThrow(/invalid replicas: got 5/);
  });

  it('langevin.convergence-order: EM 0.5 and Milstein 1.0 on the GBM, SRA1 1.5 on the double well', async () => {
    const small = { replicas: 2000, batches: 5, finestLevel: 7, levels: 5 };
    for (const [solver, strong, weak] of [['euler-maruyama', 0.5, 1], ['milstein', 1, 1], ['sra1', 1.5, 2]] as const) {
      const r = await runExperiment(convergenceOrderExperiment, { ...small, solver, replicas: solver === 'sra1' ? 1000 : 2000 }, { seed: 3 });
      expectComputedVerdicts(r, 2);
      expect(r.metrics.declaredStrongOrder).toBe(strong);
      expect(r.metrics.declaredWeakOrder).toBe(weak);
      expect(within(r.metrics.strongOrder, strong, r.metrics.strongOrderSE, 4, 0.2), `${solver} strong ${r.metrics.strongOrder}`).toBe(true);
      expect(within(r.metrics.weakOrder, weak, r.metrics.weakOrderSE, 4, 0.2), `${solver} weak ${r.metrics.weakOrder}`).toBe(true);
    }
    // Euler–Maruyama on additive noise: strong order 1, declared as such
    const add = await runExperiment(convergenceOrderExperiment, { ...small, problem: 'double-well', path: 'sum', finestLevel: 6, levels: 4, replicas: 1000 }, { seed: 3 });
    expect(add.metrics.declaredStrongOrder).toBe(1);
    expect(within(add.metrics.strongOrder, 1, add.metrics.strongOrderSE, 4, 0.2)).toBe(true);
    await expect(runExperiment(convergenceOrderExperiment, { solver: 'sra1', problem: 'gbm' })).rejects.toThrow(/invalid solver: got "sra1"/);
    await expect(runExperiment(convergenceOrderExperiment, { solver: 'rk4' })).rejects.toThrow(/invalid solver/);
  });

  it('langevin.boltzmann: EM on U = x²/2 at T = 1 samples variance 1/(1 − h/2), not 1', async () => {
    const r = await runExperiment(boltzmannExperiment, { replicas: 20_000, time: 10 }, { seed: 4 });
    expectComputedVerdicts(r, 2);
    const m = r.metrics;
    expect(m.varianceTheory).toBeCloseTo(1 / (1 - 0.05), 12);
    expect(within(m.varianceMeasured, m.varianceTheory, m.varianceSE)).toBe(true);
    expect((m.varianceMeasured - m.varianceContinuum) / m.varianceSE).toBeGreaterThan(3);
    expect(m.ksPValue).toBeGreaterThan(0.001);
    // the double well against its quadrature density, with a weak-order-2 solver and a small step
    const dw = await runExperiment(boltzmannExperiment, { potential: 'double-well', solver: 'sra1', dt: 0.01, temperature: 0.5, replicas: 20_000, time: 2 }, { seed: 4 });
    expect(within(dw.metrics.varianceMeasured, dw.metrics.varianceTheory, dw.metrics.varianceSE)).toBe(true);
    expect(dw.metrics.ksPValue).toBeGreaterThan(0.001);
    // BAOAB's configurations are exact at this step
    const ba = await runExperiment(boltzmannExperiment, { solver: 'baoab', dt: 0.5, replicas: 20_000, time: 10 }, { seed: 4 });
    expect(ba.metrics.varianceTheory).toBeCloseTo(1, 10);
    expect(within(ba.metrics.varianceMeasured, 1, ba.metrics.varianceSE)).toBe(true);
    await expect(runExperiment(boltzmannExperiment, { potential: 'double-well', solver: 'exact-ou' })).rejects.toThrow(/invalid solver: got "exact-ou"/);
    await expect(runExperiment(boltzmannExperiment, { temperature: 0 })).rejects.toThrow(/invalid temperature: got 0/);
  });

  it('langevin.kramers: the measured MFPT matches the exact 5.743; Kramers is only asymptotic', async () => {
    const r = await runExperiment(kramersExperiment, { replicas: 4000 }, { seed: 5 });
    expectComputedVerdicts(r, 1);
    const m = r.metrics;
    expect(m.mfptExact).toBeCloseTo(5.7434, 4);
    expect(within(m.mfptMeasured, m.mfptExact, m.mfptSE)).toBe(true);
    expect(m.censored).toBe(0);
    expect(m.kramersPrediction).toBeCloseTo(m.kramersTime / 2, 12);
    expect(m.mfptUncorrected - m.mfptMeasured).toBeGreaterThan(3 * m.mfptSE);
    const well = await runExperiment(kramersExperiment, { D: 0.5, target: 'well', replicas: 2000 }, { seed: 5 });
    expect(within(well.metrics.mfptMeasured, well.metrics.mfptExact, well.metrics.mfptSE)).toBe(true);
    await expect(runExperiment(kramersExperiment, { D: -1 })).rejects.toThrow(/invalid D: got -1/);
    await expect(runExperiment(kramersExperiment, { target: 'moon' })).rejects.toThrow(/invalid target/);
  });

  it('langevin.saddle-escape: (1/(2λ))[ln(λr²/D) + γ_E + ln 2], slope 1/(2λ) in ln(1/D), no escape without noise', async () => {
    const r = await runExperiment(saddleEscapeExperiment, { replicas: 4000, sweepReplicas: 1000, lambda: 2 }, { seed: 6 });
    expectComputedVerdicts(r, 3);
    const m = r.metrics;
    expect(m.theory).toBeCloseTo((Math.log((2 * 1) / 1e-4) + 0.5772156649 + Math.LN2) / 4, 8);
    expect(within(m.meanEscapeTime, m.theory, m.meanEscapeTimeSE)).toBe(true);
    expect(within(m.slopeVsLogInverseD, 0.25, m.slopeSE)).toBe(true);
    expect(m.deterministicEscapedFraction).toBe(0);
    await expect(runExperiment(saddleEscapeExperiment, { r: 0 })).rejects.toThrow(/invalid r: got 0/);
  });

  it('langevin.baoab: Var(q) = 1/ω² and Var(p) = 1 − h²ω²/4', async () => {
    const r = await runExperiment(baoabExperiment, { replicas: 20_000, sweep: [1.8], omega: 2, dt: 0.5 }, { seed: 7 });
    expectComputedVerdicts(r, 4);
    const m = r.metrics;
    expect(m.varQTheory).toBe(0.25);
    expect(m.varPTheory).toBeCloseTo(0.75, 12);
    expect(within(m.varQ, 0.25, m.varQSE)).toBe(true);
    expect(within(m.varP, 0.75, m.varPSE)).toBe(true);
    await expect(runExperiment(baoabExperiment, { dt: 2.5 })).rejects.toThrow(/invalid dt: got 2.5/);
  });

  it('langevin.replica-average: Var ∝ R^-1 with the Boltzmann variance of x² as prefactor', async () => {
    const r = await runExperiment(replicaAverageExperiment, { estimates: 400, replicas: [1, 4, 16], time: 2 }, { seed: 5 });
    expectComputedVerdicts(r, 1);
    const m = r.metrics;
    expect(within(m.exponent, -1, m.exponentSE)).toBe(true);
    // each point against Var_B(x²)/R within 4 SE (EM's O(dt) step bias is far below the SE here)
    for (const [R, v, se, theory] of r.tables[0].rows as number[][]) expect(within(v, theory, se), `R = ${R}`).toBe(true);
    await expect(runExperiment(replicaAverageExperiment, { replicas: [4] })).rejects.toThrow(/invalid replicas: got \[4\]; expected .*at least 2/);
  });

  it('same seed gives identical metrics, inline and on a worker pool', async () => {
    const params = { replicas: 3000, D: 0.5 };
    const a = await runExperiment(kramersExperiment, params, { seed: 9 });
    const b = await runExperiment(kramersExperiment, params, { seed: 9 });
    expect(b.metrics).toEqual(a.metrics);
    const pool = new WorkerPool({ workers: 2 });
    pools.push(pool);
    const c = await runExperiment(kramersExperiment, params, { seed: 9, executor: pool });
    expect(JSON.stringify(c.metrics)).toBe(JSON.stringify(a.metrics));
    const d = await runExperiment(kramersExperiment, params, { seed: 10 });
    expect(d.metrics.mfptMeasured).not.toBe(a.metrics.mfptMeasured);
  });
});
