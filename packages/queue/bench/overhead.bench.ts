/**
 * Queue overhead per task against the local worker pool, on the same sweep and the same number
 * of processes: core.estimator-scaling at its default sizes (4000 replicates, budgets 1…128),
 * 32 points. The queue runs one worker (concurrency W, sandboxed processes) on a redis-server
 * started here on loopback; the pool runs W worker threads. Target: the queue's total time at
 * the default batch size within 5% of the pool's. Batch size 1 is shown for comparison.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { WorkerPool } from '@snrlab/core';
import '@snrlab/core/register';
import { runSweep, type SweepSpec } from '@snrlab/sweep';
import { batchSizeFor, runQueueSweep, startWorker } from '@snrlab/queue';
import { interleaved, report } from '../../../tools/bench/harness';
import { RedisServer, skipReason } from '../test/redis';

const skip = skipReason();
if (skip) {
  console.log(`  (skipped: ${skip})`);
  process.exit(0);
}
const W = Math.max(1, Math.min(4, os.availableParallelism()));
const POINTS = 32;
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'snrlab-queue-bench-'));
const spec = (seed: number): SweepSpec => ({
  experiment: 'core.estimator-scaling',
  seed,
  grid: { noise: ['gaussian', 'poisson', 'student-t', 'alpha-stable'], mean: [1, 2, 3, 4, 5, 6, 7, 8] },
});
const redis = new RedisServer();
await redis.start();
const modules = [import.meta.resolve('@snrlab/core/register')];
const worker = await startWorker({ connection: redis.url, concurrency: W, modules, handleSignals: false });
const pool = new WorkerPool({ workers: W });
let n = 0;
const db = () => path.join(tmp, `r${++n}.sqlite`);
const timed = async (f: () => Promise<unknown>) => {
  const t0 = performance.now();
  await f();
  return (performance.now() - t0) / 1000;
};
// warm both: worker threads and sandboxed processes import their modules once
await runSweep(spec(0), { db: db(), executor: pool, modules });
await runQueueSweep(spec(0), { db: db(), connection: redis.url });
let seed = 1;
const best = await interleaved(3, {
  pool: () => timed(() => runSweep(spec(seed++), { db: db(), executor: pool, modules })),
  queueDefault: () => timed(() => runQueueSweep(spec(seed++), { db: db(), connection: redis.url })),
  queueBatch1: () => timed(() => runQueueSweep(spec(seed++), { db: db(), connection: redis.url, batchSize: 1 })),
});
await worker.close();
await pool.close();
await redis.dispose();
fs.rmSync(tmp, { recursive: true, force: true });

const per = (s: number) => (s / POINTS) * 1000;
const batch = batchSizeFor(POINTS, 1);
report(`queue overhead: ${POINTS} points of core.estimator-scaling (defaults), ${W} processes`, [
  { benchmark: `queue, batch ${batch} (default)`, value: per(best.queueDefault!), unit: 'ms/point', baseline: per(best.pool!), baselineName: `pool of ${W}`, better: 'lower', target: 'overhead < 5%' },
  { benchmark: 'queue, batch 1', value: per(best.queueBatch1!), unit: 'ms/point', baseline: per(best.pool!), baselineName: `pool of ${W}`, better: 'lower' },
]);
const overhead = best.queueDefault! / best.pool! - 1;
const overhead1 = best.queueBatch1! / best.pool! - 1;
console.log(`overhead at the default batch: ${(100 * overhead).toFixed(1)}% (target < 5%); batch 1: ${(100 * overhead1).toFixed(1)}%, ${(((best.queueBatch1! - best.pool!) / POINTS) * 1000).toFixed(2)} ms per job`);
process.exit(0);
