/**
 * A worker pool on node:worker_threads, driven through comlink. Jobs are handed out as
 * workers free up; results come back in job order, so any number of workers gives the
 * same bytes.
 */
import { Worker } from 'node:worker_threads';
import { availableParallelism } from 'node:os';
import * as Comlink from 'comlink';
import nodeEndpoint from 'comlink/dist/umd/node-adapter.js';
import { CancelledError, assertInteger } from '../errors.js';
import type { TaskRef } from './tasks.js';
import type { Executor, MapOptions } from './types.js';
import type { WorkerApi } from './worker.js';

interface Slot {
  worker: Worker;
  api: Comlink.Remote<WorkerApi>;
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

export class WorkerPool implements Executor {
  readonly kind = 'pool';
  readonly workers: number;
  private slots: Slot[] = [];

  constructor(opts: WorkerPoolOptions = {}) {
    const n = opts.workers ?? availableParallelism();
    assertInteger('workers', n, { min: 1, max: 256 });
    this.workers = n;
  }

  private start(): Slot[] {
    if (this.slots.length === 0) {
      const entry = workerEntry();
      const toEndpoint = nodeEndpoint as unknown as (w: Worker) => Comlink.Endpoint;
      for (let i = 0; i < this.workers; i++) {
        const worker = new Worker(entry);
        worker.unref();
        this.slots.push({ worker, api: Comlink.wrap<WorkerApi>(toEndpoint(worker)) });
      }
    }
    return this.slots;
  }

  async map<A, R>(task: TaskRef<A, R>, jobs: readonly A[], opts: MapOptions<R> = {}): Promise<R[]> {
    const slots = this.start();
    const results = new Array<R>(jobs.length);
    let next = 0;
    for (const s of slots) s.worker.ref();
    try {
      const drain = async (slot: Slot) => {
        for (;;) {
          if (opts.signal?.aborted) throw new CancelledError(results);
          const i = next++;
          if (i >= jobs.length) return;
          const r = (await slot.api.run(task.module, task.name, jobs[i])) as R;
          results[i] = r;
          opts.onResult?.(i, r);
        }
      };
      await Promise.all(slots.map(drain));
    } finally {
      for (const s of slots) s.worker.unref();
    }
    return results;
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
