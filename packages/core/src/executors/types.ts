import type { TaskRef } from './tasks.js';

export interface MapOptions<R> {
  signal?: AbortSignal;
  /** Called as each job finishes (in completion order), with its index. */
  onResult?: (index: number, result: R) => void;
}

/**
 * Runs a task over many jobs and returns the results in job order. Jobs carry their own
 * stream state or path, so results do not depend on which worker ran what; reducing the
 * returned array in order makes the final bytes independent of the worker count.
 */
export interface Executor {
  readonly kind: string;
  readonly workers: number;
  map<A, R>(task: TaskRef<A, R>, jobs: readonly A[], opts?: MapOptions<R>): Promise<R[]>;
  close(): Promise<void>;
}
