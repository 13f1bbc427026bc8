/** Worker-thread side of the pool: runs registered tasks on request over comlink. */
import { parentPort } from 'node:worker_threads';
import * as Comlink from 'comlink';
import nodeEndpoint from 'comlink/dist/umd/node-adapter.js';
import { resolveTask } from './tasks.js';

export interface WorkerApi {
  run(module: string, name: string, args: unknown): Promise<unknown>;
}

const api: WorkerApi = {
  async run(module, name, args) {
    const fn = await resolveTask({ module, name });
    return fn(args);
  },
};

if (parentPort) {
  Comlink.expose(api, (nodeEndpoint as unknown as (p: typeof parentPort) => Comlink.Endpoint)(parentPort));
}
