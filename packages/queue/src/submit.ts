/**
 * Submitting jobs and collecting their outcomes, robust to every process dying:
 * - jobs are added with deterministic ids, so adding again never duplicates work;
 * - outcomes arrive through BullMQ's event stream (fast path) and a periodic reconciliation that
 *   reads every outstanding job's state (slow path), so a missed event, a Redis restart or a job
 *   lost with Redis's last second of writes only delays the result: a lost job is added again;
 * - a job found failed from an earlier submission is retried once (its saved progress kept).
 */
import { Job, Queue, QueueEvents, type JobsOptions } from 'bullmq';
import { bullConnection, DEFAULT_QUEUE_NAME, type ConnectionLike } from './connection.js';
import { probeRedis } from './probe.js';
import { DEFAULT_ATTEMPTS, DEFAULT_BACKOFF_MS, type QueueJobData } from './protocol.js';

export interface SubmitterOptions {
  connection: ConnectionLike;
  queueName?: string;
  /** Runs per job before it is failed (default 3). */
  attempts?: number;
  /** First retry delay in ms, doubled on each further retry (default 1000). */
  backoffMs?: number;
  /** How often outstanding jobs are reconciled with Redis (default 5000 ms). */
  reconcileMs?: number;
  /** How long finished jobs stay in Redis, so a resubmission can collect them (default one day). */
  keepSeconds?: number;
}

export type JobSettlement =
  | { state: 'completed'; value: unknown; attemptsMade: number }
  | { state: 'failed'; reason: string; attemptsMade: number; progress: unknown };

export interface OutgoingJob {
  id: string;
  data: QueueJobData;
}

export interface CollectOptions {
  signal?: AbortSignal;
  /** Called once per job as it settles; may be async (the next settlement waits for it). */
  onSettled(index: number, s: JobSettlement): void | Promise<void>;
  /** Remove each job from Redis once onSettled has returned (its outcome is stored elsewhere). */
  removeAfterSettle?: boolean;
}

const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve) => {
    const t = setTimeout(done, ms);
    function done() {
      clearTimeout(t);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });

/** One queue, its event stream, and the job options every submission uses. */
export class Submitter {
  readonly queueName: string;
  private queue?: Queue;
  private events?: QueueEvents;
  private ready?: Promise<void>;
  private readonly listeners = new Set<(event: 'completed' | 'failed', id: string, value?: unknown) => void>();

  constructor(readonly opts: SubmitterOptions) {
    this.queueName = opts.queueName ?? DEFAULT_QUEUE_NAME;
  }

  get jobOptions(): JobsOptions {
    const keep = this.opts.keepSeconds ?? 86_400;
    return {
      attempts: this.opts.attempts ?? DEFAULT_ATTEMPTS,
      backoff: { type: 'exponential', delay: this.opts.backoffMs ?? DEFAULT_BACKOFF_MS },
      removeOnComplete: { age: keep },
      removeOnFail: { age: keep },
    };
  }

  /** Connect (after checking that Redis answers) and start listening to the event stream. */
  async open(): Promise<Queue> {
    this.ready ??= (async () => {
      await probeRedis(this.opts.connection);
      const connection = bullConnection(this.opts.connection);
      this.queue = new Queue(this.queueName, { connection });
      this.queue.on('error', () => {});
      this.events = new QueueEvents(this.queueName, { connection });
      this.events.on('error', () => {});
      this.events.on('completed', ({ jobId, returnvalue }) => this.listeners.forEach((l) => l('completed', jobId, returnvalue)));
      this.events.on('failed', ({ jobId }) => this.listeners.forEach((l) => l('failed', jobId)));
      await Promise.all([this.queue.waitUntilReady(), this.events.waitUntilReady()]);
    })();
    await this.ready;
    return this.queue!;
  }

  /** Number of workers connected to the queue (0 when Redis does not allow CLIENT LIST). */
  async workerCount(): Promise<number> {
    const q = await this.open();
    try {
      return await q.getWorkersCount();
    } catch {
      return 0;
    }
  }

  /**
   * Add the jobs (existing ids are left as they are) and wait until every one has completed or
   * failed, or the signal fires. On abort, jobs of this submission still waiting are removed
   * (running ones finish, and stay collectable). Returns which jobs settled.
   */
  async run(jobs: readonly OutgoingJob[], opts: CollectOptions): Promise<boolean[]> {
    const queue = await this.open();
    const client = await queue.client;
    const started = Date.now();
    const settled = jobs.map(() => false);
    const byId = new Map<string, number>();
    jobs.forEach((j, i) => byId.set(j.id, i));
    const outstanding = new Set(jobs.map((j) => j.id));
    const retried = new Set<string>();
    const pendingChecks = new Set<string>();
    let chain: Promise<void> = Promise.resolve();
    let failure: unknown;
    const wake = new AbortController();
    const abort = new AbortController();
    const onAbort = () => abort.abort();
    opts.signal?.addEventListener('abort', onAbort, { once: true });
    if (opts.signal?.aborted) abort.abort();

    const settle = (id: string, s: JobSettlement) => {
      if (!outstanding.delete(id)) return;
      const i = byId.get(id)!;
      chain = chain
        .then(async () => {
          if (failure !== undefined) return;
          await opts.onSettled(i, s);
          settled[i] = true;
          if (opts.removeAfterSettle) await queue.remove(id).catch(() => 0);
        })
        .catch((e) => {
          failure ??= e;
          wake.abort();
        });
      if (outstanding.size === 0) wake.abort();
    };

    const inspect = async (id: string, state: 'completed' | 'failed' | 'missing', initial: boolean) => {
      if (!outstanding.has(id)) return;
      if (state === 'missing') {
        const j = jobs[byId.get(id)!];
        await queue.add(j.data.kind, j.data, { ...this.jobOptions, jobId: id });
        return;
      }
      const job = await Job.fromId(queue, id);
      if (!job || !outstanding.has(id)) return;
      if (state === 'completed') {
        settle(id, { state: 'completed', value: job.returnvalue, attemptsMade: Math.max(1, job.attemptsMade) });
        return;
      }
      if (initial && !retried.has(id) && (job.finishedOn ?? 0) < started) {
        // failed in an earlier submission: run it again, keeping the points it finished
        retried.add(id);
        await job.retry('failed', { resetAttemptsMade: true }).catch(() => {});
        return;
      }
      settle(id, { state: 'failed', reason: job.failedReason ?? 'failed', attemptsMade: job.attemptsMade, progress: job.progress });
    };

    const check = async (ids: string[], initial = false) => {
      for (let k = 0; k < ids.length; k += 500) {
        const chunk = ids.slice(k, k + 500);
        const p = client.pipeline();
        for (const id of chunk) {
          p.runCommand('zscore', [queue.keys.completed, id]);
          p.runCommand('zscore', [queue.keys.failed, id]);
          p.runCommand('exists', [queue.toKey(id)]);
        }
        const res = (await p.exec()) ?? [];
        await Promise.all(
          chunk.map((id, n) => {
            const [c, f, e] = [res[3 * n]?.[1], res[3 * n + 1]?.[1], res[3 * n + 2]?.[1]];
            if (c !== null && c !== undefined) return inspect(id, 'completed', initial);
            if (f !== null && f !== undefined) return inspect(id, 'failed', initial);
            if (e === 0) return inspect(id, 'missing', initial);
            return undefined;
          }),
        );
      }
    };

    const listener = (event: 'completed' | 'failed', id: string, value?: unknown) => {
      if (!outstanding.has(id)) return;
      if (event === 'completed' && value !== undefined) {
        settle(id, { state: 'completed', value, attemptsMade: 1 });
        return;
      }
      if (pendingChecks.has(id)) return;
      pendingChecks.add(id);
      void check([id])
        .catch(() => {})
        .finally(() => pendingChecks.delete(id));
    };
    this.listeners.add(listener);
    try {
      for (let k = 0; k < jobs.length && !abort.signal.aborted; k += 500) {
        const chunk = jobs.slice(k, k + 500);
        await queue.addBulk(chunk.map((j) => ({ name: j.data.kind, data: j.data, opts: { ...this.jobOptions, jobId: j.id } })));
      }
      const reconcileMs = this.opts.reconcileMs ?? 5000;
      let first = true;
      while (outstanding.size && !abort.signal.aborted && failure === undefined) {
        if (!first) await sleep(reconcileMs, AbortSignal.any([abort.signal, wake.signal]));
        if (!outstanding.size || abort.signal.aborted || failure !== undefined) break;
        await check([...outstanding], first);
        first = false;
      }
      await chain;
      if (failure !== undefined) throw failure;
      if (abort.signal.aborted && outstanding.size) {
        // stop waiting; take back the jobs nobody has started (a running job cannot be removed)
        await Promise.all([...outstanding].map((id) => queue.remove(id).catch(() => 0)));
      }
      return settled;
    } finally {
      this.listeners.delete(listener);
      opts.signal?.removeEventListener('abort', onAbort);
    }
  }

  async close(): Promise<void> {
    const { queue, events } = this;
    this.queue = undefined;
    this.events = undefined;
    this.ready = undefined;
    await Promise.all([events?.close(), queue?.close()]);
  }
}
