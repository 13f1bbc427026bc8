import { afterAll, describe, expect, it } from 'vitest';
import { WorkerPool } from '../src/executors/pool.js';
import { InlineExecutor } from '../src/executors/inline.js';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { alwaysCrashTask, crashOnceTask, failTask, keptLengthTask, normalsTask, sleepTask, transferTask } from './fixtures/tasks.js';
import { runExperiment } from '../src/experiment/run.js';
import { estimatorScalingExperiment } from '../src/experiments/estimator-scaling.js';
import { Stream } from '../src/random/stream.js';

const sumTask = normalsTask;

const pools: WorkerPool[] = [];
afterAll(async () => {
  await Promise.all(pools.map((p) => p.close()));
});

function pool(n: number) {
  const p = new WorkerPool({ workers: n });
  pools.push(p);
  return p;
}

describe('executors', () => {
  const root = Stream.fromSeed(77);
  const jobs = Array.from({ length: 9 }, (_, i) => ({ stream: root.child(i).state(), n: 1000 + i }));

  it('the pool returns results in job order, byte-identical to inline, for 1, 2 and 4 workers', async () => {
    const inline = await new InlineExecutor().map(sumTask, jobs);
    const ref = Buffer.concat(inline.map((a) => Buffer.from(a.buffer)));
    for (const n of [1, 2, 4]) {
      const got = await pool(n).map(sumTask, jobs);
      expect(Buffer.concat(got.map((a) => Buffer.from(a.buffer))).equals(ref)).toBe(true);
    }
  });

  it('transferResult moves a result back from a worker and changes nothing inline', async () => {
    const p = pool(1);
    const [r] = await p.map(transferTask, [{ n: 1000 }]);
    expect(r.x.length).toBe(1000);
    expect(r.x[999]).toBe(1.5);
    expect(await p.map(keptLengthTask, [{}])).toEqual([0]); // the worker's copy is detached: moved, not copied
    const inline = new InlineExecutor();
    const [s] = await inline.map(transferTask, [{ n: 10 }]);
    expect(s.x[9]).toBe(1.5);
    expect(await inline.map(keptLengthTask, [{}])).toEqual([80]);
  });

  it('an experiment prints identical metrics inline and with 1, 2 and 4 workers', async () => {
    const params = { noise: 'alpha-stable', alpha: 1.5, estimates: 500, budgets: [1, 2, 4, 8, 16] };
    const ref = await runExperiment(estimatorScalingExperiment, params, { seed: 3 });
    for (const n of [1, 2, 4]) {
      const r = await runExperiment(estimatorScalingExperiment, params, { seed: 3, executor: pool(n) });
      expect(JSON.stringify([r.metrics, r.tables, r.verdicts])).toBe(JSON.stringify([ref.metrics, ref.tables, ref.verdicts]));
      expect(r.manifest.executor).toEqual({ kind: 'pool', workers: n });
    }
  });

  it('a job that throws rejects the map with its message', async () => {
    await expect(pool(2).map(failTask, [0, 1, 2, 3, 4].map((i) => ({ i })))).rejects.toThrow(/job 3 failed/);
    await expect(new InlineExecutor().map(failTask, [{ i: 3 }])).rejects.toThrow(/job 3 failed/);
  });

  it('an aborted signal stops the inline executor', async () => {
    const ac = new AbortController();
    ac.abort();
    await expect(new InlineExecutor().map(sumTask, jobs, { signal: ac.signal })).rejects.toThrow(/cancelled/);
  });

  it('mapSettled records jobs that throw as failed and keeps the rest', async () => {
    const jobs = [0, 1, 2, 3, 4].map((i) => ({ i }));
    for (const ex of [pool(2), new InlineExecutor()]) {
      const r = await ex.mapSettled(failTask, jobs);
      expect(r.map((s) => s.status)).toEqual(['ok', 'ok', 'ok', 'failed', 'ok']);
      expect(r[3]).toMatchObject({ status: 'failed', error: 'job 3 failed', attempts: 1 });
      expect(r[4]).toMatchObject({ status: 'ok', value: 4 });
    }
  });

  it('a crashed worker is replaced and its job retried once; a second crash is recorded', async () => {
    const marker = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'snrlab-crash-')), 'marker');
    const p = pool(2);
    const r = await p.mapSettled(crashOnceTask, [{ marker, value: 21 }]);
    expect(r[0]).toEqual({ status: 'ok', value: 42, attempts: 2 });
    const r2 = await p.mapSettled(alwaysCrashTask, [0, 1, 2].map((i) => ({ i })));
    expect(r2[1]).toMatchObject({ status: 'failed', attempts: 2 });
    expect((r2[1] as { error: string }).error).toMatch(/worker crashed \(exit code 9\)/);
    expect(r2[0]).toMatchObject({ status: 'ok', value: 0 });
    expect(r2[2]).toMatchObject({ status: 'ok', value: 2 });
    // the pool still works afterwards
    expect(await p.map(failTask, [{ i: 0 }])).toEqual([0]);
  });

  it('aborting stops in-flight jobs at once and keeps the finished ones', async () => {
    const p = pool(2);
    const ac = new AbortController();
    const jobs = [{ ms: 10, i: 0 }, { ms: 10, i: 1 }, { ms: 60_000, i: 2 }, { ms: 60_000, i: 3 }, { ms: 10, i: 4 }];
    const t0 = Date.now();
    let shortDone = 0;
    const pending = p.mapSettled(sleepTask, jobs, {
      signal: ac.signal,
      // abort once both short jobs are done (under load a worker may start late), while 2 and 3 run
      onSettled: (i) => {
        if (i <= 1 && ++shortDone === 2) setTimeout(() => ac.abort(), 100);
      },
    });
    const r = await pending;
    expect(Date.now() - t0).toBeLessThan(30_000);
    expect(r[0]).toMatchObject({ status: 'ok', value: 0 });
    expect(r[1]).toMatchObject({ status: 'ok', value: 1 });
    expect(r[2].status).toBe('cancelled');
    expect(r[3].status).toBe('cancelled');
    expect(await p.map(sleepTask, [{ ms: 1, i: 9 }])).toEqual([9]);
  });
});
