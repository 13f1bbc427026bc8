import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import '@snrlab/core/register';
import { WorkerPool } from '@snrlab/core';
import { checkSpec, countJobs, expandSweep, parseSweepText, type SweepSpec } from '../src/spec.js';
import { runSweep } from '../src/run.js';
import { readResults, resultsToCSV, resultsToJSON } from '../src/export.js';

const registerModule = new URL('../../core/src/register.ts', import.meta.url).href;
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'snrlab-sweep-'));
const pools: WorkerPool[] = [];
afterAll(() => Promise.all(pools.map((p) => p.close())));

const spec = (): SweepSpec => ({
  experiment: 'core.estimator-scaling',
  seed: 5,
  replicas: 2,
  params: { estimates: 200, budgets: [1, 4, 16] },
  grid: { noise: ['gaussian', 'poisson', 'student-t'], mean: [2, 8] },
});

describe('sweep files', () => {
  it('expand Cartesian and zipped grids with replicas and stable seeds', () => {
    const { points } = expandSweep(spec());
    expect(points).toHaveLength(12);
    expect(countJobs(spec())).toBe(12);
    expect(points[0]).toMatchObject({ index: 0, point: 0, replica: 0, params: { noise: 'gaussian', mean: 2, estimates: 200 } });
    expect(points[11]).toMatchObject({ index: 11, point: 5, replica: 1, params: { noise: 'student-t', mean: 8 } });
    expect(new Set(points.map((p) => p.seed)).size).toBe(12);
    const again = expandSweep(spec()).points;
    expect(again.map((p) => p.seed)).toEqual(points.map((p) => p.seed));
    const zip = expandSweep({ ...spec(), mode: 'zip', grid: { noise: ['gaussian', 'poisson'], mean: [2, 8] } });
    expect(zip.points.map((p) => [p.params.noise, p.params.mean])).toEqual([
      ['gaussian', 2],
      ['gaussian', 2],
      ['poisson', 8],
      ['poisson', 8],
    ]);
  });

  it('bad files are refused before anything runs, with the path of the bad field', () => {
    const bad = (patch: Partial<SweepSpec> & Record<string, unknown>) => () => expandSweep(checkSpec({ ...spec(), ...patch }));
    expect(bad({ experiment: 'core.estimator-scalin' })).toThrow(/at experiment: unknown experiment .*did you mean 'core.estimator-scaling'/);
    expect(bad({ grid: { noise: ['gaussian'], colour: ['red'] } })).toThrow(/at grid.colour\[0\]: invalid colour/);
    expect(bad({ grid: { alpha: [1, 2.5] } })).toThrow(/at grid.alpha\[1\]: invalid alpha: got 2.5; expected a number in \(0, 2\]/);
    expect(bad({ grid: { noise: [] } })).toThrow(/at grid.noise: empty list/);
    expect(bad({ grid: {} })).toThrow(/at grid: empty/);
    expect(bad({ mode: 'zip', grid: { noise: ['gaussian', 'poisson'], mean: [1] } })).toThrow(/at grid.mean: has 1 values; mode zip needs 2/);
    expect(bad({ params: { noise: 'gaussian' }, grid: { noise: ['poisson'] } })).toThrow(/at grid.noise: also set in params/);
    expect(bad({ params: { estimates: 5 } })).toThrow(/at params.estimates: invalid estimates: got 5/);
    expect(bad({ replicas: 0 })).toThrow(/at replicas/);
    expect(bad({ colour: 'red' })).toThrow(/at colour: unknown field/);
    expect(() => parseSweepText('grid: [', 'x.yaml')).toThrow(/cannot parse x.yaml/);
  });

  it('more than a million runs need confirmation', async () => {
    const big: SweepSpec = { experiment: 'core.estimator-scaling', replicas: 1000, grid: { df: Array.from({ length: 1001 }, (_, i) => i + 1) } };
    await expect(runSweep(big, { db: path.join(tmp, 'big.sqlite') })).rejects.toThrow(/1001000 runs .*confirm with --yes/);
  });
});

describe('running sweeps', () => {
  it('inline and on two workers the results are byte-identical', async () => {
    const a = await runSweep(spec(), { db: path.join(tmp, 'a.sqlite') });
    expect(a).toMatchObject({ total: 12, done: 12, failed: 0, skipped: 0, cancelled: 0 });
    const p = new WorkerPool({ workers: 2 });
    pools.push(p);
    await runSweep(spec(), { db: path.join(tmp, 'b.sqlite'), executor: p, modules: [registerModule] });
    const ja = resultsToJSON(readResults(path.join(tmp, 'a.sqlite')));
    const jb = resultsToJSON(readResults(path.join(tmp, 'b.sqlite')));
    expect(jb).toBe(ja);
    const rows = readResults(path.join(tmp, 'a.sqlite'));
    expect(rows[0].manifest?.seed).toBe(rows[0].seed);
    expect(rows[0].metrics?.exponent).toBeTypeOf('number');
  });

  it('an interrupted sweep resumes without rerunning finished points and ends identical', async () => {
    const full = path.join(tmp, 'full.sqlite');
    await runSweep(spec(), { db: full });
    const db = path.join(tmp, 'resume.sqlite');
    const ac = new AbortController();
    const first = await runSweep(spec(), {
      db,
      signal: ac.signal,
      onProgress: (done) => {
        if (done >= 5) ac.abort();
      },
    });
    expect(first.done).toBe(5);
    expect(first.cancelled).toBe(7);
    const before = new Map(readResults(db).map((r) => [r.index, r.finishedAt]));
    await expect(runSweep(spec(), { db })).rejects.toThrow(/pass --resume/);
    const second = await runSweep(spec(), { db, resume: true });
    expect(second).toMatchObject({ total: 12, done: 12, skipped: 5 });
    const after = readResults(db);
    for (const r of after) if (before.has(r.index)) expect(r.finishedAt).toBe(before.get(r.index));
    expect(resultsToJSON(after)).toBe(resultsToJSON(readResults(full)));
    await expect(runSweep({ ...spec(), seed: 6 }, { db, resume: true })).rejects.toThrow(/holds a different sweep/);
  });

  it('exports CSV with one row per point', () => {
    const csv = resultsToCSV(readResults(path.join(tmp, 'a.sqlite')));
    const lines = csv.trim().split('\n');
    expect(lines).toHaveLength(13);
    expect(lines[0]).toBe('index,point,replica,seed,status,budgets,estimates,mean,noise,chi2Reduced,exponent,exponentSE,prefactor,theoryExponent,verdictsAgree,error');
    expect(lines[1]).toMatch(/^0,0,0,"5\|.*",done,"\[1,4,16\]",200,2,gaussian,/);
  });
});
