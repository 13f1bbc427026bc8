import { CancelledError } from '../errors.js';
import { resolveTask, type TaskRef } from './tasks.js';
import { errorText, type Executor, type MapOptions, type Settled, type SettledOptions } from './types.js';

/** Runs every job in this thread, one after another. */
export class InlineExecutor implements Executor {
  readonly kind = 'inline';
  readonly workers = 1;

  async map<A, R>(task: TaskRef<A, R>, jobs: readonly A[], opts: MapOptions<R> = {}): Promise<R[]> {
    const fn = await resolveTask(task);
    const out: R[] = [];
    for (let i = 0; i < jobs.length; i++) {
      if (opts.signal?.aborted) throw new CancelledError(out);
      const r = await fn(jobs[i]);
      out.push(r);
      opts.onResult?.(i, r);
    }
    return out;
  }

  async mapSettled<A, R>(task: TaskRef<A, R>, jobs: readonly A[], opts: SettledOptions<R> = {}): Promise<Settled<R>[]> {
    const fn = await resolveTask(task);
    const out: Settled<R>[] = [];
    for (let i = 0; i < jobs.length; i++) {
      if (opts.signal?.aborted) {
        out.push({ status: 'cancelled' });
        continue;
      }
      let s: Settled<R>;
      try {
        s = { status: 'ok', value: await fn(jobs[i]), attempts: 1 };
      } catch (e) {
        s = { status: 'failed', error: errorText(e), attempts: 1 };
      }
      out.push(s);
      opts.onSettled?.(i, s);
    }
    return out;
  }

  async close(): Promise<void> {}
}

export const inlineExecutor: Executor = new InlineExecutor();
