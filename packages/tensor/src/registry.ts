/**
 * Backends registered by name and priority, TF.js style. `selectBackend('auto')` takes the
 * available backend of highest priority; `detectBackends()` says, for each, whether it is
 * available and why not. Nothing is loaded until asked for.
 */
import { ParameterError } from '@snrlab/core';
import { createJsBackend } from './js.js';
import { createTfjsBackend, TFJS_BACKENDS } from './tfjs.js';
import type { Backend } from './types.js';
import { createWebGPUBackend, WEBGPU_PRIORITY } from './webgpu/backend.js';
import { describeAdapter, type AdapterReport } from './webgpu/device.js';

export interface BackendEntry {
  name: string;
  priority: number;
  precision: 'float64' | 'float32';
  description: string;
  create: () => Promise<Backend>;
  /**
   * May `selectBackend('auto')` return it (default true)? 'webgpu' is false: its kernels are
   * asynchronous and live in the kernel registry, where `selectKernel(kernel, 'auto')` takes
   * them on a hardware adapter (never a fallback one).
   */
  auto?: boolean;
}

export interface DetectionRow {
  name: string;
  priority: number;
  precision: 'float64' | 'float32';
  available: boolean;
  description: string;
  version?: string;
  reason?: string;
  /** The GPU adapter behind the backend (webgpu): vendor, architecture, fallback or not, limits. */
  adapter?: AdapterReport;
  /** Whether `selectBackend('auto')` may choose it. */
  auto: boolean;
}

const KEY = Symbol.for('snrlab.backends');

function entries(): Map<string, BackendEntry> {
  const g = globalThis as unknown as Record<symbol, Map<string, BackendEntry> | undefined>;
  let m = g[KEY];
  if (!m) {
    m = new Map();
    for (const e of builtins()) m.set(e.name, e);
    g[KEY] = m;
  }
  return m;
}

function builtins(): BackendEntry[] {
  return [
    {
      name: 'webgpu',
      priority: WEBGPU_PRIORITY,
      precision: 'float32',
      description: 'WebGPU compute kernels (Dawn via the optional webgpu package in Node, navigator.gpu in browsers); kernels via the kernel registry',
      create: createWebGPUBackend,
      auto: false,
    },
    { name: 'js', priority: 200, precision: 'float64', description: 'fused Float64Array kernels (CPU default)', create: async () => createJsBackend() },
    { name: 'node-gpu', priority: TFJS_BACKENDS['node-gpu'].priority, precision: 'float32', description: 'TensorFlow.js with libtensorflow on CUDA (@tensorflow/tfjs-node-gpu, optional)', create: () => createTfjsBackend('node-gpu') },
    { name: 'node', priority: TFJS_BACKENDS.node.priority, precision: 'float32', description: 'TensorFlow.js with native libtensorflow on CPU (@tensorflow/tfjs-node, optional)', create: () => createTfjsBackend('node') },
    { name: 'wasm', priority: TFJS_BACKENDS.wasm.priority, precision: 'float32', description: 'TensorFlow.js WebAssembly backend (SIMD, one thread)', create: () => createTfjsBackend('wasm') },
    { name: 'cpu', priority: TFJS_BACKENDS.cpu.priority, precision: 'float32', description: 'TensorFlow.js plain-JS CPU backend', create: () => createTfjsBackend('cpu') },
  ];
}

/** Add (or replace) a backend. */
export function registerBackend(entry: BackendEntry): void {
  entries().set(entry.name, entry);
}

export function backendNames(): string[] {
  return [...entries().values()].sort((a, b) => b.priority - a.priority).map((e) => e.name);
}

/** A named backend exists but cannot be loaded here (a missing optional package, no GPU...). */
export class BackendUnavailableError extends Error {
  override readonly name = 'BackendUnavailableError';
  constructor(
    readonly backend: string,
    readonly reason: string,
  ) {
    super(`backend '${backend}' is unavailable: ${reason}`);
  }
}

const instances = new Map<string, Promise<Backend>>();

/** Create (once) and return the named backend; rejects with the reason if unavailable. */
export function getBackend(name: string): Promise<Backend> {
  const e = entries().get(name);
  if (!e) return Promise.reject(new ParameterError('backend', name, `one of ${['auto', ...backendNames()].map((n) => `'${n}'`).join(', ')}`));
  let p = instances.get(name);
  if (!p) {
    p = e.create();
    instances.set(name, p);
    p.catch(() => instances.delete(name));
  }
  return p;
}

function reasonOf(err: unknown): string {
  const msg = err instanceof Error ? err.message : String(err);
  if (/Cannot find (package|module)/.test(msg)) return 'not installed (optional dependency)';
  return msg.split('\n')[0];
}

/** Try every registered backend and report availability, version and the reason if not. */
export async function detectBackends(): Promise<DetectionRow[]> {
  const rows: DetectionRow[] = [];
  for (const e of [...entries().values()].sort((a, b) => b.priority - a.priority)) {
    try {
      const b = await getBackend(e.name);
      const adapter = (b as Backend & { adapter?: AdapterReport }).adapter;
      const description = adapter ? `${e.description}; adapter: ${describeAdapter(adapter)}${adapter.software ? ", never chosen by 'auto'" : ''}` : e.description;
      rows.push({ name: e.name, priority: e.priority, precision: e.precision, description, available: true, auto: e.auto !== false, ...(b.version ? { version: b.version } : {}), ...(adapter ? { adapter } : {}) });
    } catch (err) {
      rows.push({ name: e.name, priority: e.priority, precision: e.precision, description: e.description, available: false, auto: e.auto !== false, reason: reasonOf(err) });
    }
  }
  return rows;
}

/**
 * 'auto': the available backend with the highest priority (node-gpu > js > node > wasm > cpu:
 * the float64 'js' backend outranks the float32 CPU backends), among those that allow 'auto'
 * ('webgpu' does not: see `selectKernel` in the kernel registry). A name: that backend, or an
 * error saying why it is unavailable.
 */
export async function selectBackend(name: string = 'auto'): Promise<Backend> {
  if (name !== 'auto') {
    try {
      return await getBackend(name);
    } catch (err) {
      if (err instanceof ParameterError) throw err;
      throw new BackendUnavailableError(name, reasonOf(err));
    }
  }
  for (const n of backendNames()) {
    if (entries().get(n)?.auto === false) continue;
    try {
      return await getBackend(n);
    } catch {
      /* try the next one */
    }
  }
  throw new Error('no backend is available');
}

/** The default backend without any loading: 'js'. */
let jsDefault: Backend | null = null;
export function defaultBackend(): Backend {
  if (!jsDefault) jsDefault = createJsBackend();
  return jsDefault;
}

/** The backend in a run context, or the 'js' default when the context has none (or a foreign one). */
export function backendOf(ctx: { backend?: { name: string } | undefined }): Backend {
  const b = ctx.backend as Backend | undefined;
  return b && typeof b.emStep === 'function' ? b : defaultBackend();
}
