import { CancelledError } from '../errors.js';
import type { TaskRef } from './tasks.js';

export interface MapOptions<R> {
  signal?: AbortSignal;
  /** Called as each job finishes (in completion order), with its index. */
  onResult?: (index: number, result: R) => void;
}

/** The outcome of one job under `mapSettled`. */
export type Settled<R> =
  | { status: 'ok'; value: R; attempts: number }
  | { status: 'failed'; error: string; attempts: number }
  | { status: 'cancelled' };

export interface SettledOptions<R> {
  signal?: AbortSignal;
  /** Called as each job settles (ok or failed), in completion order. */
  onSettled?: (index: number, outcome: Settled<R>) => void;
  /** Extra attempts after a worker crash (default 1). A job that throws is not retried. */
  retries?: number;
}

/**
 * Runs a task over many jobs and returns the results in job order. Jobs carry their own
 * stream state or path, so results do not depend on which worker ran what; reducing the
 * returned array in order makes the final bytes independent of the worker count.
 */
export interface Executor {
  readonly kind: string;
  readonly workers: number;
  /** All results, or the first error (a CancelledError if the signal fires). */
  map<A, R>(task: TaskRef<A, R>, jobs: readonly A[], opts?: MapOptions<R>): Promise<R[]>;
  /** Every job's outcome: jobs that throw are recorded as failed, the rest keep running. */
  mapSettled<A, R>(task: TaskRef<A, R>, jobs: readonly A[], opts?: SettledOptions<R>): Promise<Settled<R>[]>;
  close(): Promise<void>;
}

export function errorText(e: unknown): string {
  if (e instanceof Error) return e.message || e.name;
  return String(e);
}

/**
 * `map` in terms of `mapSettled`, for executors that settle jobs one by one (pool, browser workers,
 * queue): results in job order, `onResult` as they finish, the first failure stops the rest (as in
 * Promise.all), and an abort gives a CancelledError carrying the finished results.
 */
export async function mapViaSettled<A, R>(
  executor: Pick<Executor, 'mapSettled'>,
  task: TaskRef<A, R>,
  jobs: readonly A[],
  opts: MapOptions<R> = {},
  settledOptions: Omit<SettledOptions<R>, 'signal' | 'onSettled'> = {},
): Promise<R[]> {
  const inner = new AbortController();
  const relay = () => inner.abort();
  opts.signal?.addEventListener('abort', relay, { once: true });
  if (opts.signal?.aborted) inner.abort();
  let failure: string | undefined;
  const settled = await executor
    .mapSettled(task, jobs, {
      ...settledOptions,
      signal: inner.signal,
      onSettled: (i, s) => {
        if (s.status === 'ok') opts.onResult?.(i, s.value);
        else if (s.status === 'failed' && failure === undefined) {
          failure = s.error;
          inner.abort(); // first error wins, as in Promise.all
        }
      },
    })
    .finally(() => opts.signal?.removeEventListener('abort', relay));
  if (failure !== undefined) throw new Error(failure);
  const done = settled.filter((s): s is Extract<Settled<R>, { status: 'ok' }> => s.status === 'ok').map((s) => s.value);
  if (done.length !== jobs.length) throw new CancelledError(done);
  return done;
}
