/** The parts that need no Redis: URLs, job ids, and the worker-side checks and retries. */
import { describe, expect, it } from 'vitest';
import '@snrlab/core/register';
import { ParameterError, pipelineTask, runEnvelope, runExperiment, type TaskEnvelope } from '@snrlab/core';
import { parseQueueUrl } from '../src/connection.js';
import { pointsJobId, taskJobId } from '../src/ids.js';
import { handleJob, RefusedJobError, RetryableJobError } from '../src/handle.js';
import { QueueExecutor } from '../src/executor.js';
import { batchSizeFor } from '../src/sweep.js';
import type { PointsOutcome, WireEnvelope } from '../src/protocol.js';

const ctx = { attemptsMade: 0, attempts: 3 };

describe('--queue URLs', () => {
  it('parse redis:// and rediss:// with user, password and database', () => {
    expect(parseQueueUrl('redis://localhost')).toEqual({ host: 'localhost', port: 6379, db: 0 });
    expect(parseQueueUrl('redis://snrlab:p%40ss@10.0.0.5:6380/3')).toEqual({ host: '10.0.0.5', port: 6380, db: 3, username: 'snrlab', password: 'p@ss' });
    expect(parseQueueUrl('rediss://:secret@redis.example.org:6380/1')).toEqual({ host: 'redis.example.org', port: 6380, db: 1, password: 'secret', tls: { servername: 'redis.example.org' } });
  });

  it('refuse anything else, naming --queue and the value (password hidden)', () => {
    expect(() => parseQueueUrl('localhost:6379')).toThrow(ParameterError);
    expect(() => parseQueueUrl('http://x:1')).toThrow(/invalid --queue: got "?http:\/\/x:1"?.*redis:\/\//);
    expect(() => parseQueueUrl('redis://u:hunter2@h/abc')).toThrow(/database must be a number/);
    expect(() => parseQueueUrl('redis://u:hunter2@h/abc')).not.toThrow(/hunter2/);
  });
});

describe('job ids', () => {
  const env: WireEnvelope = { root: 'core.estimator-scaling', name: 'core.estimator-scaling/budget', job: { path: [4], budget: 4, params: { b: 1, a: 2 } }, seed: 7, backend: 'js' };
  it('are a pure function of experiment, canonical job, seed and index', () => {
    const same = { ...env, job: { params: { a: 2, b: 1 }, budget: 4, path: [4] } };
    expect(taskJobId(same, 2)).toBe(taskJobId(env, 2));
    expect(taskJobId(env, 3)).not.toBe(taskJobId(env, 2));
    expect(taskJobId({ ...env, seed: 8 }, 2)).not.toBe(taskJobId(env, 2));
    expect(taskJobId({ ...env, seed: '7' }, 2)).not.toBe(taskJobId(env, 2));
    expect(taskJobId(env, 2)).toMatch(/^t-[0-9a-f]{40}$/);
    const pts = [{ index: 0, params: { x: 1, y: 2 }, seed: 's0' }];
    expect(pointsJobId('e', [{ index: 0, params: { y: 2, x: 1 }, seed: 's0' }])).toBe(pointsJobId('e', pts));
    expect(pointsJobId('e', [{ ...pts[0], index: 1 }])).not.toBe(pointsJobId('e', pts));
  });
});

describe('the worker side', () => {
  it('runs a pipeline envelope exactly as inline, resolving the task by experiment and name only', async () => {
    const job = { path: [4], params: { noise: 'gaussian', alpha: 1.5, df: 10, mean: 3, budgets: [1, 4], estimates: 300 }, budget: 4 };
    const env: TaskEnvelope = { module: 'file:///not/used.js', name: 'core.estimator-scaling/budget', job, seed: 9, root: 'core.estimator-scaling', backend: 'js', run: 'x' };
    const local = await runEnvelope({ ...env, module: ((await import('@snrlab/core')).coreExperiments.find((e) => e.id === 'core.estimator-scaling')!.stages[0] as { task: { module: string } }).task.module });
    const remote = await handleJob({ v: 1, kind: 'task', env: { root: env.root, name: env.name, job, seed: 9, backend: 'js' } }, ctx);
    expect(JSON.stringify(remote)).toBe(JSON.stringify(local));
  });

  it('refuses unknown experiments and tasks, and never imports a module named by a job', async () => {
    const env = { root: 'evil.experiment', name: 'x/y', job: { path: [] }, seed: 1, backend: 'js', module: 'data:text/javascript,globalThis.pwned=1' };
    await expect(handleJob({ v: 1, kind: 'task', env }, ctx)).rejects.toThrow(RefusedJobError);
    await expect(handleJob({ v: 1, kind: 'task', env: { ...env, root: 'core.estimator-scaling' } }, ctx)).rejects.toThrow(/has no task 'x\/y'/);
    await expect(handleJob({ v: 1, kind: 'points', experiment: 'nope', points: [{ index: 0, params: {}, seed: 's' }] }, ctx)).rejects.toThrow(/unknown experiment 'nope'/);
    await expect(handleJob({ v: 2, kind: 'task', env }, ctx)).rejects.toThrow(/version 2/);
    await expect(handleJob({ v: 1, kind: 'code', src: 'process.exit()' }, ctx)).rejects.toThrow(/unknown job kind/);
    expect((globalThis as Record<string, unknown>).pwned).toBeUndefined();
  });

  it('validates sweep-point parameters with the schema: a bad point fails at once, the others run', async () => {
    const points = [
      { index: 0, params: { estimates: 5 }, seed: 'a' },
      { index: 1, params: { estimates: 200, budgets: [1, 2] }, seed: 'b' },
    ];
    const out = (await handleJob({ v: 1, kind: 'points', experiment: 'core.estimator-scaling', points }, ctx)) as PointsOutcome;
    expect(out.failed['0']).toMatchObject({ final: true, attempts: 1 });
    expect(out.failed['0'].error).toMatch(/invalid estimates: got 5/);
    const local = await runExperiment('core.estimator-scaling', points[1].params, { seed: 'b' });
    expect(out.ok['1'].result.metrics).toEqual(local.metrics);
  });

  it('a point that throws is retried with the job, finished points are kept in progress, and the last attempt records it', async () => {
    const { defineExperiment, defineExperimentTask, registerExperiments, z } = await import('@snrlab/core');
    let runs = 0;
    const task = defineExperimentTask(import.meta.url, 'unit.flaky/t', (job: { path: number[]; x: number }) => {
      runs++;
      if (job.x === 1) throw new Error('x = 1 always fails');
      return { x: job.x };
    });
    const e = defineExperiment({
      id: 'unit.flaky',
      domain: 'unit',
      title: 't',
      claim: 'c',
      params: z.object({ x: z.int().default(0) }),
      measurements: z.object({ x: z.number() }),
      plan: (p) => [{ path: [0], x: p.x }],
      task,
      reduce: ([r]) => r,
      judge: () => [],
      present: () => ({}),
    });
    registerExperiments({ name: 'unit', version: '0' }, [e]);
    const data = { v: 1, kind: 'points', experiment: 'unit.flaky', points: [0, 1, 2].map((x) => ({ index: x, params: { x }, seed: 's' })) };
    let saved: unknown;
    const save = async (p: unknown) => {
      saved = JSON.parse(JSON.stringify(p));
    };
    await expect(handleJob(data, { attemptsMade: 0, attempts: 3, saveProgress: save })).rejects.toThrow(RetryableJobError);
    expect(runs).toBe(3);
    await expect(handleJob(data, { attemptsMade: 1, attempts: 3, progress: saved, saveProgress: save })).rejects.toThrow(/1 of 3 points failed on attempt 2 of 3/);
    expect(runs).toBe(4); // only the failing point ran again
    const out = (await handleJob(data, { attemptsMade: 2, attempts: 3, progress: saved, saveProgress: save })) as PointsOutcome;
    expect(runs).toBe(5);
    expect(Object.keys(out.ok).sort()).toEqual(['0', '2']);
    expect(out.failed['1']).toEqual({ error: 'x = 1 always fails', attempts: 3, final: true });
  });

  it('the executor refuses tasks other than pipeline tasks and sweep points', async () => {
    const ex = new QueueExecutor({ connection: 'redis://127.0.0.1:1/0' });
    await expect(ex.map({ module: 'file:///x.js', name: 'custom' }, [1])).rejects.toThrow(/pipeline tasks and sweep points only/);
    expect(pipelineTask.name).toBe('snrlab.pipeline/task');
  });

  it('batches: 16 points per job at default sizes, fewer when that would starve workers', () => {
    expect(batchSizeFor(10_000, 8)).toBe(16);
    expect(batchSizeFor(24, 2)).toBe(3);
    expect(batchSizeFor(3, 4)).toBe(1);
    expect(batchSizeFor(100, 1, 7)).toBe(7);
    expect(() => batchSizeFor(100, 1, 0)).toThrow(/batch size/);
  });
});
