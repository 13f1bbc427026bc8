/**
 * QueueExecutor: core's Executor on a BullMQ queue. It runs the two kinds of task whose jobs are
 * pure data — pipeline tasks (`pipelineTask`, what `runExperiment` hands any executor) and sweep
 * points (`sweepPointTask` of @snrlab/sweep, whose module list is dropped: workers use their own).
 * Any other task is refused: a queue carries data, never code.
 */
import { mapViaSettled, pipelineTask, type Executor, type MapOptions, type Settled, type SettledOptions, type TaskEnvelope, type TaskRef } from '@snrlab/core';
import { taskJobId, pointsJobId } from './ids.js';
import { WIRE_VERSION, type PointsOutcome, type QueueJobData, type WireEnvelope } from './protocol.js';
import { Submitter, type JobSettlement, type OutgoingJob, type SubmitterOptions } from './submit.js';

/** The name `@snrlab/sweep` registers its point task under. */
export const SWEEP_POINT_TASK = 'sweep/point';

export type QueueExecutorOptions = SubmitterOptions;

interface PointJob {
  experiment: string;
  params: Record<string, unknown>;
  seed: string;
}

export class QueueExecutor implements Executor {
  readonly kind = 'queue';
  /** Workers connected when the last map started (0 before). */
  workers = 0;
  readonly submitter: Submitter;

  constructor(opts: QueueExecutorOptions) {
    this.submitter = new Submitter(opts);
  }

  private toJob(task: TaskRef, job: unknown, index: number): { out: OutgoingJob; decode(v: unknown): unknown } {
    if (task.name === pipelineTask.name) {
      const e = job as TaskEnvelope;
      const env: WireEnvelope = { root: e.root, name: e.name, job: e.job as WireEnvelope['job'], seed: e.seed, backend: e.backend };
      const data: QueueJobData = { v: WIRE_VERSION, kind: 'task', env };
      return { out: { id: taskJobId(env, index), data }, decode: (v) => v };
    }
    if (task.name === SWEEP_POINT_TASK) {
      const p = job as PointJob;
      // the seed encodes the sweep's root seed, the parameters and the replica: stable under resume
      const points = [{ index: 0, params: p.params, seed: p.seed }];
      const data: QueueJobData = { v: WIRE_VERSION, kind: 'points', experiment: p.experiment, points };
      return {
        out: { id: pointsJobId(p.experiment, points), data },
        decode: (v) => {
          const o = v as PointsOutcome;
          const ok = o.ok['0'];
          if (ok) return ok.result;
          throw new Error(o.failed['0']?.error ?? 'the point did not run');
        },
      };
    }
    throw new TypeError(`the queue executor runs pipeline tasks and sweep points only, not '${task.name}': jobs carry data, never code`);
  }

  async mapSettled<A, R>(task: TaskRef<A, R>, jobs: readonly A[], opts: SettledOptions<R> = {}): Promise<Settled<R>[]> {
    const conv = jobs.map((j, i) => this.toJob(task as TaskRef, j, i));
    const out: Settled<R>[] = jobs.map(() => ({ status: 'cancelled' }) as Settled<R>);
    if (opts.signal?.aborted) return out;
    this.workers = await this.submitter.workerCount();
    await this.submitter.run(
      conv.map((c) => c.out),
      {
        signal: opts.signal,
        onSettled: (i, s: JobSettlement) => {
          let r: Settled<R>;
          if (s.state === 'completed') {
            try {
              r = { status: 'ok', value: conv[i].decode(s.value) as R, attempts: pointAttempts(s) };
            } catch (e) {
              r = { status: 'failed', error: (e as Error).message, attempts: pointAttempts(s) };
            }
          } else r = { status: 'failed', error: s.reason, attempts: Math.max(1, s.attemptsMade) };
          out[i] = r;
          opts.onSettled?.(i, r);
        },
      },
    );
    return out;
  }

  map<A, R>(task: TaskRef<A, R>, jobs: readonly A[], opts: MapOptions<R> = {}): Promise<R[]> {
    return mapViaSettled(this, task, jobs, opts);
  }

  async close(): Promise<void> {
    await this.submitter.close();
  }
}

function pointAttempts(s: Extract<JobSettlement, { state: 'completed' }>): number {
  const o = s.value as Partial<PointsOutcome> | null;
  const a = o?.ok?.['0']?.attempts ?? o?.failed?.['0']?.attempts;
  return a ?? Math.max(1, s.attemptsMade);
}
