/**
 * Browser stand-ins for the Node built-ins that core's worker pool and tensor's TF.js loader
 * import at module level. Nothing in the atlas calls them: the atlas runs tasks on its own
 * Web Worker executor and on the float64 'js' backend. Each function throws if it ever is called.
 */
const notHere = (what: string) => (): never => {
  throw new Error(`${what} is not available in the browser (the atlas runs tasks in Web Workers)`);
};

// node:worker_threads
export class Worker {
  constructor() {
    notHere('node:worker_threads Worker')();
  }
}
export const parentPort = null;
export const isMainThread = true;

// node:os
export const availableParallelism = (): number => (globalThis as { navigator?: { hardwareConcurrency?: number } }).navigator?.hardwareConcurrency ?? 2;
export const cpus = (): unknown[] => new Array(availableParallelism()).fill({});

// node:module
export const createRequire = () => {
  const req = notHere('require') as unknown as { resolve: () => never };
  req.resolve = notHere('require.resolve');
  return req;
};

// node:path
export const sep = '/';
export const dirname = (p: string): string => p.replace(/\/[^/]*$/, '') || '/';
export const join = (...parts: string[]): string => parts.join('/').replace(/\/+/g, '/');
export const resolve = join;

// node:fs
export const readFileSync = notHere('node:fs');
export const existsSync = (): boolean => false;

const all = { Worker, parentPort, isMainThread, availableParallelism, cpus, createRequire, sep, dirname, join, resolve, readFileSync, existsSync };
export default all;
