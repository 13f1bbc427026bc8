/// <reference lib="dom" />
/**
 * Core's `Executor` on browser Web Workers, driven through comlink (as core's pool drives
 * worker_threads). Jobs are handed out as workers free up and results come back in job order, so
 * any number of workers gives the same bytes. An AbortSignal terminates the busy workers (their
 * jobs stop at once) and fresh ones are started and warmed for the next run.
 */
import * as Comlink from 'comlink';
import { errorText, mapViaSettled, type Executor, type MapOptions, type Settled, type SettledOptions, type TaskRef } from '@snrlab/core';
import type { AtlasWorkerApi } from './worker.js';

export class WorkerCrashError extends Error {
  override readonly name = 'WorkerCrashError';
}

interface Slot {
  worker: Worker;
  api: Comlink.Remote<AtlasWorkerApi>;
  died: Promise<never>;
  dead: boolean;
  ready: Promise<unknown>;
}

const CANCELLED = Symbol('cancelled');

export interface BrowserExecutorOptions {
  /** Web Workers (default: navigator.hardwareConcurrency, at most 4). */
  workers?: number;
}

export class BrowserWorkerExecutor implements Executor {
  readonly kind = 'browser-workers';
  readonly workers: number;
  private slots: Slot[] = [];

  constructor(opts: BrowserExecutorOptions = {}) {
    const hc = typeof navigator !== 'undefined' ? navigator.hardwareConcurrency || 2 : 2;
    this.workers = Math.max(1, Math.min(opts.workers ?? Math.min(hc, 4), 16));
  }

  private spawn(): Slot {
    const worker = new Worker(new URL('./worker.ts', import.meta.url), { type: 'module', name: 'snrlab-atlas-worker' });
    const api = Comlink.wrap<AtlasWorkerApi>(worker);
    const slot: Slot = { worker, api, died: undefined as never, dead: false, ready: Promise.resolve() };
    slot.died = new Promise<never>((_, reject) => {
      worker.addEventListener('error', (e) => {
        slot.dead = true;
        reject(new WorkerCrashError(`worker crashed: ${e.message || 'error'}`));
      });
    });
    slot.died.catch(() => {});
    slot.ready = Promise.race([api.ready(), slot.died]).catch(() => {});
    return slot;
  }

  /** Start the workers and load the engines in them (call early: the first run starts faster). */
  warm(): Promise<unknown> {
    while (this.slots.length < this.workers) this.slots.push(this.spawn());
    return Promise.all(this.slots.map((s) => s.ready));
  }

  async mapSettled<A, R>(task: TaskRef<A, R>, jobs: readonly A[], opts: SettledOptions<R> = {}): Promise<Settled<R>[]> {
    const retries = opts.retries ?? 1;
    const out: Settled<R>[] = jobs.map(() => ({ status: 'cancelled' }) as Settled<R>);
    const signal = opts.signal;
    if (signal?.aborted) return out;
    void this.warm();
    const slots = this.slots.slice();
    let next = 0;
    let cancelled = false;
    let abortAll: () => void = () => {};
    const aborted = new Promise<typeof CANCELLED>((resolve) => {
      abortAll = () => resolve(CANCELLED);
    });
    const busy = new Set<Slot>();
    const onAbort = () => {
      cancelled = true;
      abortAll();
      // stop the jobs in flight now; idle workers are kept, busy ones are replaced and warmed
      for (const s of busy) {
        s.dead = true;
        s.worker.terminate();
      }
      this.slots = this.slots.map((s) => (s.dead ? this.spawn() : s));
    };
    signal?.addEventListener('abort', onAbort, { once: true });
    const drain = async (k: number) => {
      for (;;) {
        if (cancelled) return;
        const i = next++;
        if (i >= jobs.length) return;
        let attempts = 0;
        for (;;) {
          attempts++;
          let slot = slots[k];
          if (slot.dead) {
            if (cancelled) return;
            slot = this.spawn();
            slots[k] = slot;
            this.slots[k] = slot;
          }
          busy.add(slot);
          try {
            const r = await Promise.race([slot.api.run(task.module, task.name, jobs[i]) as Promise<R>, slot.died, aborted]);
            if (r === CANCELLED) return;
            out[i] = { status: 'ok', value: r as R, attempts };
          } catch (e) {
            if (cancelled) return;
            if (e instanceof WorkerCrashError && attempts <= retries) continue;
            out[i] = { status: 'failed', error: errorText(e), attempts };
          } finally {
            busy.delete(slot);
          }
          opts.onSettled?.(i, out[i]);
          break;
        }
      }
    };
    try {
      await Promise.all(slots.map((_, k) => drain(k)));
    } finally {
      signal?.removeEventListener('abort', onAbort);
    }
    return out;
  }

  map<A, R>(task: TaskRef<A, R>, jobs: readonly A[], opts: MapOptions<R> = {}): Promise<R[]> {
    return mapViaSettled(this, task, jobs, opts, { retries: 1 });
  }

  async close(): Promise<void> {
    const slots = this.slots;
    this.slots = [];
    for (const s of slots) {
      s.api[Comlink.releaseProxy]();
      s.worker.terminate();
    }
  }
}
