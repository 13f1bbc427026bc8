/**
 * The curated compare entries: every entry's settings are valid for its experiment, and the entries
 * of the essay's claims (issue 16) land on their axes where theory puts them. The new entries run
 * here inline at their quick settings (seconds), not through the whole `snrlab compare`.
 */
import { describe, expect, it } from 'vitest';
import { inlineExecutor, parseParams, renamedParams } from '@snrlab/core';
import { langevinTime } from '@snrlab/sgd-noise';
import '../src/engines.js';
import { COMPARE_ENTRIES, escapeTemperature } from '../src/compare/entries.js';
import { compareFigures } from '../src/compare/figures.js';
import { runCompare } from '../src/compare/run.js';
import type { AxisPoint, CompareRun } from '../src/compare/types.js';

const se = (p: AxisPoint) => ((p.hi as number) - (p.lo as number)) / (2 * 1.96);

describe('compare entries', () => {
  it('every entry runs its experiment with valid quick and --full settings, under current parameter names', () => {
    for (const e of COMPARE_ENTRIES) {
      const renamed = renamedParams(e.experiment.params);
      for (const given of [e.params, e.full ?? e.params]) {
        expect(Object.keys(given).filter((k) => k in renamed), `${e.experiment.id}: renamed parameters (a deprecation warning on stderr)`).toEqual([]);
        const p = parseParams(e.experiment.params, given);
        e.experiment.validate?.(p);
      }
    }
  });

  it('escapeTemperature inverts the exact Langevin escape time', () => {
    for (const T of [0.05, 0.1, 0.3]) expect(escapeTemperature(langevinTime(T), 0.1)).toBeCloseTo(T, 9);
    expect(escapeTemperature(0, 0.1)).toBeNaN();
    // a time that no temperature within 20× of the nominal one gives (ln τ ≈ ΔU/T: T ≈ 0.003)
    expect(escapeTemperature(langevinTime(0.1) * 1e40, 0.1)).toBeNaN();
  });
});

describe('the essay-claim entries (issue 16), quick settings, seed 1', () => {
  const ids = ['sgd.diffusion-matrix', 'sgd.posterior-sampling', 'sgd.escape-minima'];
  const entries = COMPARE_ENTRIES.filter((e) => ids.includes(e.experiment.id) || (e.experiment.id === 'morphogen.positional-error' && e.params.preset === 'ra-hoxb4'));
  const runs = runCompare({ seed: 1, full: false, executor: inlineExecutor, modules: [], entries }).then((r) => r.runs);
  const runOf = async (id: string, preset?: string): Promise<CompareRun> => {
    const r = (await runs).find((x) => x.entry.experiment.id === id && x.entry.params.preset === preset);
    if (!r) throw new Error(`no compare entry for ${id}`);
    expect(r.error).toBeUndefined();
    return r;
  };

  it('there are four: three on the temperature axis, one on the positional axis', async () => {
    expect(entries.map((e) => e.experiment.id).sort()).toEqual(['morphogen.positional-error', ...ids].sort());
    const axes = (await runs).flatMap((r) => r.contributions.map((c) => c.axis)).sort();
    expect(axes).toEqual(['positional', 'temperature', 'temperature', 'temperature']);
  });

  it('sgd.diffusion-matrix: each axis of H at its own T; the discrete factor 2/(2 − ηh) is exactly what is divided out', async () => {
    const r = await runOf('sgd.diffusion-matrix');
    const m = r.result!.measurements as { d: number; sigmaPop: number[]; discrete: number[] };
    const eta = r.result!.params.learningRate as number;
    const B = r.result!.params.batchSize as number;
    const h = r.result!.params.curvatures as number[];
    const pts = r.contributions[0].points;
    expect(pts).toHaveLength(h.length);
    h.forEach((hi, i) => {
      const T = (eta * m.sigmaPop[i * m.d + i]) / (2 * B);
      expect(pts[i].x).toBe(T);
      // the exact discrete Lyapunov solution lands on y = x
      expect((m.discrete[i * m.d + i] * hi * (2 - eta * hi)) / 2 / T).toBeCloseTo(1, 12);
      expect(Math.abs(pts[i].y - T)).toBeLessThan(4 * se(pts[i]));
    });
  });

  it('sgd.posterior-sampling: tr(H·C)/d at T = η·trΣ/(2Bd) for every learning rate', async () => {
    const r = await runOf('sgd.posterior-sampling');
    const m = r.result!.measurements as { N: number; points: { scaledTraceSDE: number }[] };
    const pts = r.contributions[0].points;
    expect(pts).toHaveLength(4);
    pts.forEach((p, i) => {
      // x is the SDE temperature: its scaled trace is N·T
      expect(p.x * m.N).toBeCloseTo(m.points[i].scaledTraceSDE, 10);
      expect(Math.abs(p.y - p.x)).toBeLessThan(4 * se(p));
    });
  });

  it('sgd.escape-minima: the temperature read from each mean escape time is the nominal T', async () => {
    const r = await runOf('sgd.escape-minima');
    const m = r.result!.measurements as { temperatureSweep: { T: number; mean: number; se: number }[] };
    const pts = r.contributions[0].points;
    expect(pts.map((p) => p.x)).toEqual(m.temperatureSweep.map((row) => row.T));
    pts.forEach((p, i) => {
      expect(langevinTime(p.y) / m.temperatureSweep[i].mean).toBeCloseTo(1, 9);
      expect(p.lo).toBeLessThan(p.y);
      expect(p.hi).toBeGreaterThan(p.y);
      // the interval of a time maps to an asymmetric one of T: judge with the side towards x
      const half = (p.x < p.y ? p.y - (p.lo as number) : (p.hi as number) - p.y) / 1.96;
      expect(Math.abs(p.y - p.x)).toBeLessThan(4 * half);
    });
  });

  it('morphogen RA/Hoxb4 preset: the boundary at 55 µm reads σ_x·|F′|/σ_F = 1', async () => {
    const r = await runOf('morphogen.positional-error', 'ra-hoxb4');
    const [p] = r.contributions[0].points;
    expect(r.contributions[0].axis).toBe('positional');
    expect(Math.abs(p.y - 1)).toBeLessThan(4 * se(p));
  });

  it('the new series appear in the figures', async () => {
    const figures = compareFigures(await runs);
    const series = (name: string) => JSON.stringify(figures.find((f) => f.name === name)?.spec ?? {});
    expect(series('temperature')).toMatch(/SGD in 3-D, per axis of H/);
    expect(series('temperature')).toMatch(/SGD posterior sampler/);
    expect(series('temperature')).toMatch(/SGD escape over a barrier/);
    expect(series('positional-error')).toMatch(/RA → Hoxb4 boundary/);
  });
});
