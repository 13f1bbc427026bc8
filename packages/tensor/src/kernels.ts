/**
 * The kernel registry: kernels keyed by (kernel, backend), as in TensorFlow.js. A backend is an
 * array engine; a kernel is one operation (`ensemble-em`, `baoab`, `game-step`, `matmul`,
 * `per-example-norms`, …) that a backend implements. The physics arrives as data (a potential
 * as polynomial coefficients, a game as its matrix), never as code in the random-number layer.
 *
 * - `registerKernel({ kernel, backend, run, tolerance })`: registering the same pair twice is an
 *   error (`KernelRegistrationError`).
 * - `getKernel(kernel, backend, { fallback })`: a missing pair is a `KernelUnavailableError` that
 *   names it and the backends that do have the kernel; another backend is used only where the
 *   caller allows it (`fallback: 'js'` or a list, tried in order).
 * - `selectKernel(kernel, 'auto')`: the fastest backend that has the kernel and runs for real here
 *   (webgpu on a hardware adapter, never on a fallback/software adapter), else js.
 * - `listKernels()`: every registered pair with its precision and declared tolerance, for reports.
 *
 * Nothing is loaded when this module is imported: the built-in kernels register on first use,
 * and a webgpu kernel acquires its device only when it runs.
 */
import type { KernelTypes } from './kernel-types.js';
import { registerJsKernels } from './js-kernels.js';
import { registerRdmeKernelsJS } from './rdme-kernels.js';
import { registerWebGPUKernels } from './webgpu/kernels.js';

/** How closely a backend's results follow the float64 `js` reference (declared per kernel). */
export interface Tolerance {
  /**
   * - `exact`: bit-identical to the reference (integer streams);
   * - `reference`: this is the reference (float64 js);
   * - `float32`: the same arithmetic in float32: |a − b| ≤ abs + rel·|b| on the same inputs;
   * - `law`: other random numbers with the same law (e.g. Box–Muller instead of the ziggurat):
   *   checked statistically (moments within a stated number of standard errors), never by bytes.
   */
  kind: 'exact' | 'reference' | 'float32' | 'law';
  rel?: number;
  abs?: number;
  /** For `law` kernels: the number of standard errors a statistical check allows (default 4). */
  se?: number;
  note: string;
}

/** The kernel names this package knows (extend `KernelTypes` by declaration merging to add one). */
export type KernelName = keyof KernelTypes & string;
export type KernelArgs<K extends KernelName> = KernelTypes[K] extends { args: infer A } ? A : never;
export type KernelResult<K extends KernelName> = KernelTypes[K] extends { result: infer R } ? R : never;

export interface KernelDef<K extends KernelName = KernelName> {
  kernel: K;
  backend: string;
  /** Synchronous on CPU backends; GPU kernels return a promise (their results are read back). */
  run: (args: KernelArgs<K>) => KernelResult<K> | Promise<KernelResult<K>>;
  precision?: 'float64' | 'float32';
  tolerance?: Tolerance;
  description?: string;
}

export interface KernelRow {
  kernel: string;
  backend: string;
  precision: 'float64' | 'float32';
  tolerance: Tolerance;
  description: string;
}

/** Registering the same (kernel, backend) twice. */
export class KernelRegistrationError extends Error {
  override readonly name = 'KernelRegistrationError';
  constructor(
    readonly kernel: string,
    readonly backend: string,
  ) {
    super(`kernel '${kernel}' is already registered for backend '${backend}'`);
  }
}

/** A (kernel, backend) pair that is not registered, and no allowed fallback has it either. */
export class KernelUnavailableError extends Error {
  override readonly name = 'KernelUnavailableError';
  constructor(
    readonly kernel: string,
    readonly backend: string,
    readonly available: string[],
    readonly tried: string[] = [],
  ) {
    super(
      `kernel '${kernel}' is not registered for backend '${backend}'` +
        (tried.length ? ` (fallbacks tried: ${tried.map((t) => `'${t}'`).join(', ')})` : ' (no fallback allowed)') +
        `; backends that have it: ${available.length ? available.map((b) => `'${b}'`).join(', ') : 'none'}`,
    );
  }
}

const KEY = Symbol.for('snrlab.kernels');

interface Store {
  map: Map<string, KernelDef>;
  builtins: boolean;
}

function store(): Store {
  const g = globalThis as unknown as Record<symbol, Store | undefined>;
  let s = g[KEY];
  if (!s) {
    s = { map: new Map(), builtins: false };
    g[KEY] = s;
  }
  return s;
}

const keyOf = (kernel: string, backend: string) => `${kernel}\u0000${backend}`;

function kernels(): Map<string, KernelDef> {
  const s = store();
  if (!s.builtins) {
    s.builtins = true;
    // built-in registrations, once, on the registry's first use (importing loads nothing)
    registerJsKernels();
    registerRdmeKernelsJS();
    registerWebGPUKernels();
  }
  return s.map;
}

const DEFAULT_TOLERANCE: Record<'float64' | 'float32', Tolerance> = {
  float64: { kind: 'reference', note: 'float64 reference' },
  float32: { kind: 'float32', rel: 1e-5, abs: 1e-6, note: 'float32 arithmetic (default declaration)' },
};

/** Register one kernel for one backend. Registering the same pair twice throws. */
export function registerKernel<K extends KernelName>(def: KernelDef<K>): void {
  if (!def || typeof def.kernel !== 'string' || !def.kernel || typeof def.backend !== 'string' || !def.backend) {
    throw new TypeError('registerKernel: expected { kernel, backend, run } with non-empty names');
  }
  if (typeof def.run !== 'function') throw new TypeError(`registerKernel: run of '${def.kernel}' on '${def.backend}' is not a function`);
  const m = kernels();
  const k = keyOf(def.kernel, def.backend);
  if (m.has(k)) throw new KernelRegistrationError(def.kernel, def.backend);
  m.set(k, def as unknown as KernelDef);
}

/** Remove a registration (for tests and for replacing a kernel deliberately). */
export function unregisterKernel(kernel: string, backend: string): boolean {
  return kernels().delete(keyOf(kernel, backend));
}

export function hasKernel(kernel: string, backend: string): boolean {
  return kernels().has(keyOf(kernel, backend));
}

/** Backends that have `kernel`, in registration order. */
export function kernelBackends(kernel: string): string[] {
  return [...kernels().values()].filter((d) => d.kernel === kernel).map((d) => d.backend);
}

export interface KernelLookup {
  /**
   * Backends to use, in order, when `backend` lacks the kernel: `false` (the default) allows
   * none. The returned definition's `backend` says which one was taken: record that one.
   */
  fallback?: false | string | readonly string[];
}

/** The kernel registered for (kernel, backend), or for an allowed fallback; else KernelUnavailableError. */
export function getKernel<K extends KernelName>(kernel: K, backend: string, opts: KernelLookup = {}): KernelDef<K> {
  const m = kernels();
  const hit = m.get(keyOf(kernel, backend));
  if (hit) return hit as unknown as KernelDef<K>;
  const fb = opts.fallback === undefined || opts.fallback === false ? [] : typeof opts.fallback === 'string' ? [opts.fallback] : [...opts.fallback];
  for (const b of fb) {
    const d = m.get(keyOf(kernel, b));
    if (d) return d as unknown as KernelDef<K>;
  }
  throw new KernelUnavailableError(kernel, backend, kernelBackends(kernel), fb);
}

/** The declared tolerance of a registered kernel (the default for its precision if none). */
export function toleranceOf(def: KernelDef): Tolerance {
  return def.tolerance ?? DEFAULT_TOLERANCE[def.precision ?? 'float64'];
}

/** Every registered (kernel, backend), sorted by kernel then backend: for reports and manifests. */
export function listKernels(): KernelRow[] {
  return [...kernels().values()]
    .map((d) => ({ kernel: d.kernel, backend: d.backend, precision: d.precision ?? 'float64', tolerance: toleranceOf(d), description: d.description ?? '' }))
    .sort((a, b) => (a.kernel === b.kernel ? a.backend.localeCompare(b.backend) : a.kernel.localeCompare(b.kernel)));
}

/**
 * Backend probes used by `selectKernel('auto')`: a backend that is registered here is used for
 * 'auto' only when its probe says it runs for real (webgpu: a hardware adapter, not a fallback).
 */
export interface AutoCandidate {
  backend: string;
  priority: number;
  /** Resolves to null when the backend may be chosen by 'auto', else the reason it is not. */
  probe: () => Promise<string | null>;
}
const autoCandidates: AutoCandidate[] = [];
export function addAutoCandidate(c: AutoCandidate): void {
  const i = autoCandidates.findIndex((a) => a.backend === c.backend);
  if (i >= 0) autoCandidates.splice(i, 1);
  autoCandidates.push(c);
  autoCandidates.sort((a, b) => b.priority - a.priority);
}

/**
 * The kernel to run for `backend` ('auto' or a name). 'auto' takes the first candidate backend
 * (by priority) that has the kernel and whose probe accepts it — never a fallback adapter — and
 * otherwise 'js'. `reasons` says why each skipped candidate was skipped (for manifests).
 */
export async function selectKernel<K extends KernelName>(
  kernel: K,
  backend: string = 'auto',
  opts: KernelLookup = {},
): Promise<KernelDef<K> & { skipped?: Record<string, string> }> {
  if (backend !== 'auto') return getKernel(kernel, backend, opts);
  const skipped: Record<string, string> = {};
  for (const c of autoCandidates) {
    if (!hasKernel(kernel, c.backend)) continue;
    const why = await c.probe().catch((e: unknown) => (e instanceof Error ? e.message : String(e)));
    if (why === null) return getKernel(kernel, c.backend);
    skipped[c.backend] = why;
  }
  return { ...getKernel(kernel, 'js'), skipped };
}

/** Run a kernel and say which backend ran it: `{ value, backend }`. */
export async function runKernel<K extends KernelName>(kernel: K, backend: string, args: KernelArgs<K>, opts: KernelLookup = {}): Promise<{ value: KernelResult<K>; backend: string }> {
  const def = await selectKernel(kernel, backend, opts);
  return { value: await def.run(args), backend: def.backend };
}
