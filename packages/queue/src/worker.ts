/**
 * `startWorker`: a BullMQ worker whose jobs run in sandboxed child processes (one per unit of
 * concurrency), so a long CPU-bound task never stalls lock renewal.
 *
 * Stalled jobs. A job's lock lasts `lockDuration` (default 30 s) and is renewed every half of it
 * by the worker's main process, which does no computing. If a worker dies (SIGKILL, a lost
 * machine), the lock lapses, and the stalled-job check that every worker runs each
 * `stalledInterval` (default 15 s) moves the job back to waiting, where another worker takes it
 * over, keeping the points of a batch already saved as progress. A job that stalls more than
 * `maxStalledCount` times (default 2) is failed ("job stalled more than allowable limit"), so a
 * job that kills every worker it lands on cannot loop for ever. Worst-case detection is about
 * lockDuration + 2 × stalledInterval (≈ 60 s at the defaults).
 *
 * Retries. A job that throws is retried by BullMQ up to its `attempts` (set by the submitter,
 * default 3) with exponential backoff, then recorded as failed with its error.
 */
import { availableParallelism, hostname } from 'node:os';
import { fileURLToPath } from 'node:url';
import fs from 'node:fs';
import { Worker } from 'bullmq';
import { listExperiments } from '@snrlab/core';
import { bullConnection, DEFAULT_QUEUE_NAME, redactUrl, type ConnectionLike } from './connection.js';
import { loadModules } from './handle.js';
import { probeRedis } from './probe.js';

export const DEFAULT_LOCK_DURATION_MS = 30_000;
export const DEFAULT_STALLED_INTERVAL_MS = 15_000;
export const DEFAULT_MAX_STALLED_COUNT = 2;

export interface StartWorkerOptions {
  connection: ConnectionLike;
  /** Modules that register the experiments this worker may run (URLs or package specifiers). */
  modules: readonly string[];
  /** Jobs run at once, each in its own child process (default: the available cores). */
  concurrency?: number;
  queueName?: string;
  /** Shown by `snrlab queue status` (default: host name and process id). */
  name?: string;
  lockDuration?: number;
  stalledInterval?: number;
  maxStalledCount?: number;
  /** Close gracefully on SIGTERM and SIGINT (default true): take no new job, finish the running ones. */
  handleSignals?: boolean;
  log?: (line: string) => void;
}

export interface QueueWorker {
  readonly worker: Worker;
  readonly name: string;
  /** Experiments this worker accepts. */
  readonly experiments: string[];
  /** Resolves when the worker has closed (after `close()` or a signal); with the signal's name, if any. */
  readonly closed: Promise<NodeJS.Signals | null>;
  /** Take no new jobs, wait for the running ones, disconnect. */
  close(): Promise<void>;
}

/** The sandboxed processor file next to this module (the built `processor.js`). */
export function processorFile(): string {
  const here = import.meta.url;
  const url = here.endsWith('.ts') ? new URL('../dist/processor.js', here) : new URL('./processor.js', here);
  const file = fileURLToPath(url);
  if (!fs.existsSync(file)) throw new Error(`the queue processor ${file} is missing: build @snrlab/queue (npx tsup in packages/queue)`);
  return file;
}

export async function startWorker(opts: StartWorkerOptions): Promise<QueueWorker> {
  const concurrency = opts.concurrency ?? availableParallelism();
  if (!Number.isInteger(concurrency) || concurrency < 1) throw new RangeError(`concurrency must be an integer >= 1, got ${concurrency}`);
  const modules = [...opts.modules];
  // load them here too: a module that fails to load is reported now, not by every job
  await loadModules(modules);
  const experiments = listExperiments()
    .map((e) => e.id)
    .sort();
  await probeRedis(opts.connection);
  const name = opts.name ?? `${hostname()}:${process.pid}`;
  const log = opts.log ?? (() => {});
  const worker = new Worker(opts.queueName ?? DEFAULT_QUEUE_NAME, processorFile(), {
    connection: bullConnection(opts.connection),
    concurrency,
    name,
    lockDuration: opts.lockDuration ?? DEFAULT_LOCK_DURATION_MS,
    stalledInterval: opts.stalledInterval ?? DEFAULT_STALLED_INTERVAL_MS,
    maxStalledCount: opts.maxStalledCount ?? DEFAULT_MAX_STALLED_COUNT,
    useWorkerThreads: false,
    workerForkOptions: { env: { ...process.env, SNRLAB_QUEUE_MODULES: JSON.stringify(modules) } },
  });
  worker.on('error', (e) => log(`worker error: ${e.message}`));
  worker.on('failed', (job, e) => log(`job ${job?.id} attempt ${job?.attemptsMade ?? '?'} failed: ${e.message}`));
  let signalled: NodeJS.Signals | null = null;
  let closing: Promise<void> | undefined;
  let resolveClosed!: (s: NodeJS.Signals | null) => void;
  const closed = new Promise<NodeJS.Signals | null>((r) => (resolveClosed = r));
  const onSignal = (s: NodeJS.Signals) => {
    if (closing) return;
    signalled = s;
    log(`${s}: finishing the running jobs, taking no new ones`);
    void close();
  };
  const close = () => {
    closing ??= (async () => {
      process.off('SIGTERM', onSignal);
      process.off('SIGINT', onSignal);
      await worker.close();
      resolveClosed(signalled);
    })();
    return closing;
  };
  if (opts.handleSignals !== false) {
    process.on('SIGTERM', onSignal);
    process.on('SIGINT', onSignal);
  }
  await worker.waitUntilReady();
  log(`worker ${name} on ${typeof opts.connection === 'string' ? redactUrl(opts.connection) : `${opts.connection.host}:${opts.connection.port}`} queue '${opts.queueName ?? DEFAULT_QUEUE_NAME}', concurrency ${concurrency}, ${experiments.length} experiments`);
  return { worker, name, experiments, closed, close };
}
