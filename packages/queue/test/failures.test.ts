/**
 * The queue against a real redis-server (started here on a free loopback port, AOF on): two
 * workers, the four failure cases of issue 20, and the executor. Workers and submitters are child
 * processes running the built packages (build this one first: `npx tsup`).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readResults, resultsToCSV, resultsToJSON, type PointRow } from '@snrlab/sweep';
import { RedisServer, skipReason } from './redis.js';
import { killAll, Proc, submitter, summaryOf, worker } from './procs.js';
import { Submitter } from '../src/submit.js';
import { queueStatus } from '../src/status.js';

const skip = skipReason();
if (skip) console.warn(`[@snrlab/queue] ${skip}`);
const built = fs.existsSync(new URL('../dist/processor.js', import.meta.url));
if (!skip && !built) throw new Error('build @snrlab/queue first (npx tsup in packages/queue): workers run dist/processor.js');

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'snrlab-queue-'));
const specFile = (name: string, spec: unknown) => {
  const f = path.join(tmp, `${name}.json`);
  fs.writeFileSync(f, JSON.stringify(spec));
  return f;
};

// 24 points of ~20 ms each, as 12 jobs of 2
const scaling = specFile('scaling', {
  experiment: 'core.estimator-scaling',
  seed: 11,
  replicas: 3,
  params: { estimates: 6000, budgets: [1, 4, 16, 64] },
  grid: { noise: ['gaussian', 'poisson', 'student-t', 'alpha-stable'], alpha: [1.3, 1.7] },
});

const done = (rows: PointRow[]) => rows.filter((r) => r.status === 'done');
const exportOf = (db: string) => resultsToJSON(readResults(db));

async function until(cond: () => boolean, ms = 30_000, what = 'condition'): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

function progressOf(p: Proc): number {
  const last = p.lines.filter((l) => l.startsWith('progress ')).pop();
  return last ? Number(last.split(' ')[1]) : 0;
}

describe.skipIf(!!skip)('on a real Redis', () => {
  const redis = new RedisServer();
  let local = '';

  beforeAll(async () => {
    await redis.start();
    // the reference: the same sweep run locally by @snrlab/sweep (inline)
    const db = path.join(tmp, 'local.sqlite');
    const p = submitter(scaling, db, 'local', '-');
    expect(await p.exited).toBe(0);
    local = exportOf(db);
    expect(JSON.parse(local)).toHaveLength(24);
  });

  afterAll(async () => {
    killAll();
    await redis.dispose();
  });

  it('SIGKILL one of two workers mid-task: the stalled job runs elsewhere and the export is byte-identical to the local run', async () => {
    const q = 'kill-worker';
    const [a, b] = [worker(redis.url, q), worker(redis.url, q)];
    await Promise.all([a.waitFor(/^ready/), b.waitFor(/^ready/)]);
    const db = path.join(tmp, 'kill-worker.sqlite');
    const s = submitter(scaling, db, redis.url, q, '--batch', '2');
    const line = await Promise.race([a.waitFor(/^active /), b.waitFor(/^active /)]);
    const victim = a.lines.includes(line) ? a : b;
    const survivor = victim === a ? b : a;
    victim.kill('SIGKILL');
    const id = line.split(' ')[1];
    expect(await s.exited).toBe(0);
    expect(summaryOf(s)).toMatchObject({ total: 24, done: 24, failed: 0, cancelled: 0 });
    expect(survivor.lines).toContain(`stalled ${id}`);
    expect(survivor.lines).toContain(`completed ${id}`);
    expect(exportOf(db)).toBe(local);
    survivor.kill('SIGTERM');
    expect(await survivor.waitFor(/^closed/)).toBe('closed SIGTERM');
  });

  it('SIGKILL the submitter mid-sweep, then --resume: no finished row changes, none is missing or duplicated, no job runs twice', async () => {
    const q = 'kill-submitter';
    const ws = [worker(redis.url, q), worker(redis.url, q)];
    await Promise.all(ws.map((w) => w.waitFor(/^ready/)));
    const db = path.join(tmp, 'kill-submitter.sqlite');
    const first = submitter(scaling, db, redis.url, q, '--batch', '2');
    await until(() => progressOf(first) >= 4, 30_000, 'four points stored');
    first.kill('SIGKILL');
    await first.exited;
    const before = done(readResults(db));
    expect(before.length).toBeGreaterThanOrEqual(4);
    expect(before.length).toBeLessThan(24);
    const again = submitter(scaling, db, redis.url, q, '--batch', '2', '--resume');
    expect(await again.exited).toBe(0);
    expect(summaryOf(again)).toMatchObject({ total: 24, done: 24, failed: 0, skipped: before.length });
    const after = readResults(db);
    expect(after.map((r) => r.index)).toEqual([...Array(24).keys()]);
    const byIndex = new Map(after.map((r) => [r.index, r]));
    for (const r of before) expect(byIndex.get(r.index)).toEqual(r); // not rewritten: same finishedAt, manifest, attempts
    expect(exportOf(db)).toBe(local);
    // every job ran once: the resubmission found the crashed submitter's jobs by their ids
    const active = ws.flatMap((w) => w.lines.filter((l) => l.startsWith('active ')));
    expect(new Set(active).size).toBe(active.length);
    expect(active.length).toBe(12);
    ws.forEach((w) => w.kill('SIGTERM'));
    await Promise.all(ws.map((w) => w.exited));
  });

  it('restart Redis (AOF on) mid-sweep: the sweep completes and nothing is lost', async () => {
    const q = 'restart-redis';
    const ws = [worker(redis.url, q), worker(redis.url, q)];
    await Promise.all(ws.map((w) => w.waitFor(/^ready/)));
    const db = path.join(tmp, 'restart-redis.sqlite');
    const s = submitter(scaling, db, redis.url, q, '--batch', '2');
    await until(() => progressOf(s) >= 4, 30_000, 'four points stored');
    await redis.restart('SIGKILL');
    expect(await s.exited).toBe(0);
    expect(summaryOf(s)).toMatchObject({ total: 24, done: 24, failed: 0, cancelled: 0 });
    expect(exportOf(db)).toBe(local);
    ws.forEach((w) => w.kill('SIGTERM'));
    await Promise.all(ws.map((w) => w.exited));
  });

  it('a task that throws is retried up to the limit, then recorded as failed with its error; the rest completes', async () => {
    const q = 'throws';
    const w = worker(redis.url, q, 2);
    await w.waitFor(/^ready/);
    const spec = specFile('throws', { experiment: 'test.flaky', seed: 2, params: { fail: 3, draws: 1000 }, grid: { x: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9] } });
    const db = path.join(tmp, 'throws.sqlite');
    const s = submitter(spec, db, redis.url, q, '--batch', '5');
    expect(await s.exited).toBe(0);
    expect(summaryOf(s)).toMatchObject({ total: 10, done: 9, failed: 1, failures: [{ index: 3, error: 'point 3 always fails' }] });
    const rows = readResults(db);
    expect(rows[3]).toMatchObject({ status: 'failed', error: 'point 3 always fails', attempts: 3, metrics: null });
    expect(rows.filter((r, i) => i !== 3).every((r) => r.status === 'done' && r.attempts >= 1)).toBe(true);
    // the batch with point 3 failed twice, then completed with the failure recorded
    const batchJob = w.lines.filter((l) => l.startsWith('failed ')).map((l) => l.split(' ')[1]);
    expect(batchJob).toHaveLength(2);
    expect(new Set(batchJob).size).toBe(1);
    expect(w.lines).toContain(`completed ${batchJob[0]}`);
    // what `snrlab results` prints lists the failure
    expect(resultsToCSV(rows)).toMatch(/\n3,3,0,[^\n]*,failed,[^\n]*point 3 always fails/);
    w.kill('SIGTERM');
    await w.exited;
  });

  it('runExperiment on the QueueExecutor: the same bytes as inline, and a resubmission is collected, not rerun', async () => {
    const q = 'executor';
    const w = worker(redis.url, q, 2);
    await w.waitFor(/^ready/);
    const r = new Proc('run.mjs', [redis.url, q]);
    expect(await r.exited).toBe(0);
    expect(r.lines).toContain('same true');
    expect(r.lines.find((l) => l.startsWith('executor '))).toMatch(/"kind":"queue","workers":1\} tasks \{"main":6\}/);
    expect(r.lines).toContain('error Error: point 1 always fails');
    const active = w.lines.filter((l) => l.startsWith('active t-'));
    expect(new Set(active).size).toBe(6 + 1); // six budget tasks once each, and the failing task
    // status: counts and the worker
    const st = await queueStatus(redis.url, q);
    // 7 completed: the failing task's last attempt completes with its error as the outcome
    expect(st.counts).toMatchObject({ waiting: 0, active: 0, completed: 7, failed: 0 });
    expect(st.workers?.map((x) => x.name)).toEqual([`test-${w.child.pid}`]);
    w.kill('SIGTERM');
    await w.exited;
  });

  it('refuses unknown experiments without retrying; an abort takes back the jobs nobody started', async () => {
    const q = 'refuse';
    const sub = new Submitter({ connection: redis.url, queueName: q, reconcileMs: 200, backoffMs: 50 });
    try {
      const ac = new AbortController();
      const jobs = [0, 1, 2].map((i) => ({ id: `s-abort-${i}`, data: { v: 1, kind: 'points' as const, experiment: 'test.flaky', points: [{ index: i, params: { x: i }, seed: `s${i}` }] } }));
      const running = sub.run(jobs, { signal: ac.signal, onSettled: () => {} });
      await until(() => false, 300).catch(() => {});
      ac.abort();
      expect(await running).toEqual([false, false, false]);
      expect((await queueStatus(redis.url, q)).counts.waiting).toBe(0);

      const w = worker(redis.url, q);
      await w.waitFor(/^ready/);
      const seen: unknown[] = [];
      await sub.run([{ id: 's-evil', data: { v: 1, kind: 'points', experiment: 'evil.rm-rf', points: [{ index: 0, params: {}, seed: 's' }] } }], { onSettled: (_, s) => void seen.push(s) });
      expect(seen).toEqual([expect.objectContaining({ state: 'failed', reason: "refused: unknown experiment 'evil.rm-rf': this worker's modules do not register it", attemptsMade: 1 })]);
      w.kill('SIGTERM');
      await w.exited;
    } finally {
      await sub.close();
    }
  });
});
