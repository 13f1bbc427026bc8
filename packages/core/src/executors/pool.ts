/**
 * A worker pool on node:worker_threads, driven through comlink. Jobs are handed out as
 * workers free up; results come back in job order, so any number of workers gives the
 * same bytes. A worker that crashes is replaced and its job retried (once by default); a job
 * that throws is recorded as failed; an AbortSignal terminates the workers, so in-flight jobs
 * stop at once while finished ones are kept.
 */
import { Worker } from 'node:worker_threads';
import { availableParallelism } from 'node:os';
import * as Comlink from 'comlink';
import nodeEndpoint from 'comlink/dist/umd/node-adapter.js';
import { assertInteger } from '../errors.js';
import type { TaskRef } from './tasks.js';
import { errorText, mapViaSettled, type Executor, type MapOptions, type Settled, type SettledOptions } from './types.js';
import type { WorkerApi } from './worker.js';

/** The worker thread died (process.exit, out of memory, a native crash) while running a job. */
export class WorkerCrashError extends Error {
  override readonly name = 'WorkerCrashError';
  constructor(readonly exitCode: number | null, detail?: string) {
    super(`worker crashed${exitCode !== null ? ` (exit code ${exitCode})` : ''}${detail ? `: ${detail}` : ''}`);
  }
}

interface Slot {
  worker: Worker;
  api: Comlink.Remote<WorkerApi>;
  /** Rejects when the worker dies. */
  died: Promise<never>;
  dead: boolean;
}

/** The worker script next to this module: the built `worker.js`, or the tsx bootstrap in source. */
export function workerEntry(): URL {
  const here = import.meta.url;
  return here.endsWith('.ts') ? new URL('./worker-bootstrap.mjs', here) : new URL('./worker.js', here);
}

export interface WorkerPoolOptions {
  /** Number of worker threads (default: the available cores). */
  workers?: number;
}

const CANCELLED = Symbol('cancelled');

export class WorkerPool implements Executor {
  readonly kind = 'pool';
  readonly workers: number;
  private slots: Slot[] = [];

  constructor(opts: WorkerPoolOptions = {}) {
    const n = opts.workers ?? availableParallelism();
    assertInteger('workers', n, { min: 1, max: 256 });
    this.workers = n;
  }

  private spawn(): Slot {
    const worker = new Worker(workerEntry());
    worker.unref();
    const toEndpoint = nodeEndpoint as unknown as (w: Worker) => Comlink.Endpoint;
    const slot: Slot = { worker, api: Comlink.wrap<WorkerApi>(toEndpoint(worker)), died: undefined as never, dead: false };
    slot.died = new Promise<never>((_, reject) => {
      worker.once('error', (e) => {
        slot.dead = true;
        reject(new WorkerCrashError(null, errorText(e)));
      });
      worker.once('exit', (code) => {
        slot.dead = true;
        reject(new WorkerCrashError(code));
      });
    });
    slot.died.catch(() => {});
    return slot;
  }

  private ensure(): Slot[] {
    while (this.slots.length < this.workers) this.slots.push(this.spawn());
    return this.slots;
  }

  async mapSettled<A, R>(task: TaskRef<A, R>, jobs: readonly A[], opts: SettledOptions<R> = {}): Promise<Settled<R>[]> {
    const retries = opts.retries ?? 1;
    const out: Settled<R>[] = jobs.map(() => ({ status: 'cancelled' }) as Settled<R>);
    const signal = opts.signal;
    if (signal?.aborted) return out;
    this.ensure();
    let next = 0;
    let cancelled = false;
    let abortAll: () => void = () => {};
    const aborted = new Promise<typeof CANCELLED>((resolve) => {
      abortAll = () => resolve(CANCELLED);
    });
    const onAbort = () => {
      cancelled = true;
      abortAll();
      // stop in-flight jobs now; fresh workers are spawned on the next map
      const dying = this.slots;
      this.slots = [];
      for (const s of dying) void s.worker.terminate();
    };
    signal?.addEventListener('abort', onAbort, { once: true });
    for (const s of this.slots) s.worker.ref();
    const drain = async (slotIndex: number) => {
      for (;;) {
        if (cancelled) return;
        const i = next++;
        if (i >= jobs.length) return;
        let attempts = 0;
        for (;;) {
          attempts++;
          let slot = this.slots[slotIndex];
          if (!slot || slot.dead) {
            if (cancelled) return;
            slot = this.spawn();
            slot.worker.ref();
            this.slots[slotIndex] = slot;
          }
          try {
            const r = await Promise.race([slot.api.run(task.module, task.name, jobs[i]) as Promise<R>, slot.died, aborted]);
            if (r === CANCELLED) return;
            out[i] = { status: 'ok', value: r as R, attempts };
          } catch (e) {
            if (cancelled) return;
            if (e instanceof WorkerCrashError && attempts <= retries) continue;
            out[i] = { status: 'failed', error: errorText(e), attempts };
          }
          opts.onSettled?.(i, out[i]);
          break;
        }
      }
    };
    try {
      await Promise.all(this.slots.map((_, k) => drain(k)));
    } finally {
      signal?.removeEventListener('abort', onAbort);
      for (const s of this.slots) s.worker.unref();
    }
    return out;
  }

  map<A, R>(task: TaskRef<A, R>, jobs: readonly A[], opts: MapOptions<R> = {}): Promise<R[]> {
    return mapViaSettled(this, task, jobs, opts, { retries: 1 });
  }

  async close(): Promise<void> {
    const slots = this.slots;
    this.slots = [];
    await Promise.all(
      slots.map(async (s) => {
        s.api[Comlink.releaseProxy]();
        await s.worker.terminate();
      }),
    );
  }
}
