/// <reference lib="dom" />
/**
 * A browser worker: it imports the engines (which registers their tasks at module top level) and
 * runs core's generic pipeline task (`runEnvelope`) on the envelopes the main thread sends.
 *
 * A task is registered under (module URL, name). The module URL a bundle records is the URL of the
 * chunk that holds the task, which differs between the main thread's bundle and this worker's, so
 * an envelope's module is mapped to this thread's module of the same task name (task names are
 * unique: '<experiment id>/<what>'). Nothing is ever imported by URL, so no request leaves the page.
 */
import './node-math.js';
import * as Comlink from 'comlink';
import { runEnvelope, type TaskEnvelope, type TaskOutcome } from '@snrlab/core';
import { experimentsById } from './engines.js';

const PIPELINE_TASK = 'snrlab.pipeline/task';
const REGISTRY = Symbol.for('snrlab.tasks');

type Registry = Map<string, (args: unknown) => unknown>;

function registry(): Registry {
  return ((globalThis as unknown as Record<symbol, Registry | undefined>)[REGISTRY] ??= new Map());
}

/** This thread's module URL of each registered task name. */
function localModules(): Map<string, string> {
  const out = new Map<string, string>();
  for (const key of registry().keys()) {
    const i = key.lastIndexOf('#');
    out.set(key.slice(i + 1), key.slice(0, i));
  }
  return out;
}

let modules = localModules();

function localModule(name: string): string {
  let m = modules.get(name);
  if (m === undefined) {
    modules = localModules();
    m = modules.get(name);
  }
  if (m === undefined) throw new Error(`unknown task '${name}': no engine bundled in the atlas defines it`);
  return m;
}

export interface AtlasWorkerApi {
  /** Same signature as core's worker_threads worker: run a registered task on one job. */
  run(module: string, name: string, args: unknown): Promise<unknown>;
  /** Resolves once the engines are loaded (the executor warms its workers with it). */
  ready(): number;
}

const api: AtlasWorkerApi = {
  async run(_module, name, args) {
    if (name === PIPELINE_TASK) {
      const env = args as TaskEnvelope;
      let local: string;
      try {
        local = localModule(env.name);
      } catch (e) {
        return { ok: false, error: { kind: 'error', name: 'Error', message: (e as Error).message } } satisfies TaskOutcome;
      }
      return runEnvelope({ ...env, module: local });
    }
    const fn = registry().get(`${localModule(name)}#${name}`);
    if (!fn) throw new Error(`unknown task '${name}'`);
    return fn(args);
  },
  ready() {
    return experimentsById.size;
  },
};

Comlink.expose(api);
