/**
 * The task registry shared by every executor. A task is a function registered under
 * (module URL, name); a worker runs it by importing the module (which registers it) and
 * looking it up, so the inline and pool executors run exactly the same code.
 * The registry lives on globalThis so that an ESM and a CJS copy of core share it.
 */

import * as Comlink from 'comlink';

export type TaskFn<A = unknown, R = unknown> = (args: A) => R | Promise<R>;

/**
 * Mark buffers in a task's result to be moved back from a worker instead of copied: for large
 * typed arrays the copy is a measurable share of a short task. The task must not keep them.
 * Inline executors return the value untouched. (Arguments are always copied, so a job can be
 * retried after its worker crashed.)
 */
export function transferResult<T>(value: T, buffers: ArrayBuffer[]): T {
  return Comlink.transfer(value, buffers);
}

export interface TaskRef<A = unknown, R = unknown> {
  /** URL of the module whose evaluation defines the task (pass `import.meta.url`). */
  readonly module: string;
  readonly name: string;
  /** Phantom field carrying the argument and result types. */
  readonly __types?: (a: A) => R;
}

const KEY = Symbol.for('snrlab.tasks');
type Registry = Map<string, TaskFn<any, any>>;

function registry(): Registry {
  const g = globalThis as unknown as Record<symbol, Registry | undefined>;
  let r = g[KEY];
  if (!r) {
    r = new Map();
    g[KEY] = r;
  }
  return r;
}

const keyOf = (module: string, name: string) => `${module}#${name}`;

/**
 * Register `fn` as a task. Call at module top level with `import.meta.url`, so that
 * importing the module in a worker registers the same task.
 */
export function defineTask<A, R>(module: string, name: string, fn: TaskFn<A, R>): TaskRef<A, R> {
  registry().set(keyOf(module, name), fn as TaskFn<any, any>);
  return { module, name };
}

export function lookupTask<A, R>(ref: TaskRef<A, R>): TaskFn<A, R> | undefined {
  return registry().get(keyOf(ref.module, ref.name)) as TaskFn<A, R> | undefined;
}

/** Look a task up, importing its module first if this thread has not seen it yet. */
export async function resolveTask<A, R>(ref: TaskRef<A, R>): Promise<TaskFn<A, R>> {
  let fn = lookupTask(ref);
  if (!fn) {
    await import(/* @vite-ignore */ ref.module);
    fn = lookupTask(ref);
  }
  if (!fn) throw new Error(`unknown task '${ref.name}' in ${ref.module}: the module did not define it`);
  return fn;
}
