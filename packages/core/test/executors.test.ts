import { afterAll, describe, expect, it } from 'vitest';
import { WorkerPool } from '../src/executors/pool.js';
import { InlineExecutor } from '../src/executors/inline.js';
import { failTask, normalsTask } from './fixtures/tasks.js';
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

  it('an experiment prints identical metrics inline and with 1, 2 and 4 workers', async () => {
    const params = { noise: 'alpha-stable', alpha: 1.5, replicates: 500, budgets: [1, 2, 4, 8, 16] };
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
});
