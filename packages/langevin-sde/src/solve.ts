/**
 * `solve(problem, solver, options)`: run N replicas of an SDE problem with one solver on one
 * Brownian path, keeping streaming statistics (mean and covariance of the state, moments of
 * observables) at the saved times, so memory is O(N·d + saves·d²), never O(N × steps).
 *
 * A solver that declares registry kernels (`solver.kernels`) runs a problem whose drift is data
 * (linear, double well, polynomial coefficients) on `@snrlab/tensor`'s kernels, looked up by kernel
 * and backend (`ensemble-em` for whole runs, `em-step` step by step); every other combination runs
 * the solver's stepper on Float64Arrays, block by block.
 */
import {
  assertInteger,
  assertPositive,
  CancelledError,
  DEFAULT_BLOCK_SIZE,
  DivergenceError,
  EnsembleNoise,
  Moments,
  ParameterError,
  ParameterTypeError,
  VectorMoments,
  type Stream,
} from '@snrlab/core';
import { getKernel, hasKernel, makeScratch, type Backend, type ClosedFormDrift, type KernelDef, type StepScratch } from '@snrlab/tensor';
import { BrownianPath, type BrownianMethod } from './brownian.js';
import { FirstPassageMonitor, type FirstPassageOptions, type FirstPassageResult } from './first-passage.js';
import { initialState, type SdeProblem } from './problem.js';
import type { Solver } from './solvers.js';

/** A scalar function of one replica's state x[offset .. offset + d) at time t. */
export type Observable = (x: Float64Array, offset: number, t: number) => number;

export interface SolveOptions {
  /** Step size h (t1 − t0 must be a whole number of steps). */
  dt: number;
  /** Number of replicas N (default: the path's, or 1). */
  ensemble?: number;
  /** Stream the Brownian path (and random initial states) are drawn from. */
  stream?: Stream;
  /** A Brownian path to replay (instead of `stream`); dt must be a multiple of its finest step. */
  path?: BrownianPath;
  /** How a path made from `stream` is built (default 'sum'). */
  pathMethod?: BrownianMethod;
  /** Times to save statistics at (on the step grid), or a count of equally spaced times; default [t1]. */
  saveAt?: readonly number[] | number;
  /** Compute backend for the fused EM kernel (default: the 'js' backend). */
  backend?: Backend;
  /** Allow the fused tensor kernel when it applies (default true). */
  fused?: boolean;
  /** Scalar observables whose moments are kept at each saved time. */
  observables?: Readonly<Record<string, Observable>>;
  /** Detect exits from a region (first-passage times). */
  firstPassage?: FirstPassageOptions;
  /** Keep the full covariance at saved times (default: d ≤ 16) or only variances. */
  covariance?: boolean;
  /** Return the final states (N·d values; default true). */
  keepFinal?: boolean;
  /** Replicas per noise block (default 4096). Results depend on it; worker splits must respect it. */
  blockSize?: number;
  /** Global index of the first block, for one part of a larger ensemble. */
  firstBlock?: number;
  /** Called at every saved time with the whole ensemble (must not keep x). */
  onSave?: (t: number, x: Float64Array, n: number, d: number) => void;
  signal?: AbortSignal;
}

export interface Solution {
  solver: { name: string; strongOrder: number; strongOrderAdditive: number; weakOrder: number; calculus: 'ito' };
  dt: number;
  steps: number;
  replicas: number;
  dim: number;
  tspan: readonly [number, number];
  /** Saved times. */
  t: number[];
  /** Mean and (co)variance of the state across replicas at each saved time. */
  moments: VectorMoments[];
  /** Moments of each observable at each saved time. */
  observables: Record<string, Moments[]>;
  /** Final states (N·d, particle-major), unless keepFinal was false. */
  final: Float64Array | null;
  firstPassage?: FirstPassageResult;
  /** Whether the fused tensor kernel ran the steps. */
  fused: boolean;
  /** Mean of the state at saved time k (default: the last). */
  mean(k?: number): Float64Array;
  /** Per-coordinate variance at saved time k (default: the last). */
  variance(k?: number): Float64Array;
}

/** What a run had finished when it stopped (DivergenceError.partial, CancelledError.partial). */
export interface PartialSolution {
  completedSteps: number;
  t: number[];
  moments: VectorMoments[];
  observables: Record<string, Moments[]>;
  firstPassage?: FirstPassageResult;
}

function saveSteps(saveAt: SolveOptions['saveAt'], t0: number, t1: number, h: number, steps: number): number[] {
  if (saveAt === undefined) return [steps];
  if (typeof saveAt === 'number') {
    assertInteger('saveAt', saveAt, { min: 1, max: steps });
    const out = new Set<number>();
    for (let i = 1; i <= saveAt; i++) out.add(Math.round((steps * i) / saveAt));
    return [...out].sort((a, b) => a - b);
  }
  if (!Array.isArray(saveAt)) throw new ParameterTypeError('saveAt', saveAt, 'an array of times or a count');
  const out = new Set<number>();
  saveAt.forEach((t, i) => {
    if (typeof t !== 'number' || !(t >= t0 - 1e-9 * h && t <= t1 + 1e-9 * h)) throw new ParameterError(`saveAt[${i}]`, t, `a time in [${t0}, ${t1}]`);
    const k = Math.round((t - t0) / h);
    if (Math.abs(t0 + k * h - t) > 1e-6 * h) throw new ParameterError(`saveAt[${i}]`, t, `a time on the step grid t0 + k·dt (dt = ${h}, t0 = ${t0})`);
    out.add(k);
  });
  return [...out].sort((a, b) => a - b);
}

/**
 * Integrate `problem` with `solver` for N replicas. Statistics are streamed at the saved times;
 * with `firstPassage`, exit times are recorded (bridge-corrected by default) and exited
 * replicas are frozen. A NaN or Inf stops the run with a DivergenceError naming the step, time
 * and replica and carrying the statistics finished so far.
 */
export function solve(problem: SdeProblem, solver: Solver, opts: SolveOptions): Solution {
  if (!problem || typeof problem.drift !== 'function') throw new ParameterTypeError('problem', problem, 'an SdeProblem from sdeProblem() or langevinProblem()');
  if (!solver || typeof solver.stepper !== 'function') throw new ParameterTypeError('solver', solver, 'a Solver (eulerMaruyama, milstein, sra1, exactOU, baoab)');
  if (!opts || typeof opts !== 'object') throw new ParameterTypeError('options', opts, '{ dt, ensemble, stream, ... }');
  solver.check(problem);
  const h = opts.dt;
  assertPositive('dt', h);
  const [t0, t1] = problem.tspan;
  const steps = Math.round((t1 - t0) / h);
  if (steps < 1 || Math.abs(steps * h - (t1 - t0)) > 1e-9 * (t1 - t0)) {
    throw new ParameterError('dt', h, `a step dividing t1 − t0 = ${t1 - t0} into a whole number of steps`);
  }
  const d = problem.dim;

  // the Brownian path
  let path = opts.path;
  let k = 1;
  if (path) {
    if (!(path instanceof BrownianPath)) throw new ParameterTypeError('path', path, 'a BrownianPath');
    if (opts.ensemble !== undefined && opts.ensemble !== path.replicas) throw new ParameterError('ensemble', opts.ensemble, `the path's replicas (${path.replicas})`);
    if (path.dim !== d) throw new ParameterError('path.dim', path.dim, `the problem's dimension d = ${d}`);
    if (Math.abs(path.t0 - t0) > 1e-12 * Math.max(1, Math.abs(t0))) throw new ParameterError('path.t0', path.t0, `the problem's t0 = ${t0}`);
    k = Math.round(h / path.dt);
    if (k < 1 || Math.abs(k * path.dt - h) > 1e-9 * h) throw new ParameterError('dt', h, `a whole multiple of the path's finest step ${path.dt}`);
    if (solver.needsTimeIntegral && !path.timeIntegral) throw new ParameterError('path', 'without time integral', `a path with timeIntegral: true (${solver.name} needs Z)`);
  } else {
    if (!opts.stream || typeof opts.stream.child !== 'function') throw new ParameterError('stream', opts.stream, 'a core Stream (e.g. ctx.stream.child(...)) or a path');
    const N0 = opts.ensemble ?? 1;
    assertInteger('ensemble', N0, { min: 1 });
    const bs = opts.blockSize ?? DEFAULT_BLOCK_SIZE;
    const method = opts.pathMethod ?? 'sum';
    path = new BrownianPath({
      stream: opts.stream,
      replicas: N0,
      dim: d,
      t0,
      dt: h,
      steps: method === 'bridge' ? steps : undefined,
      method,
      timeIntegral: solver.needsTimeIntegral,
      blockSize: bs,
      firstBlock: opts.firstBlock ?? 0,
    });
  }
  const N = path.replicas;
  const bs = path.blockSize;
  const blocks = path.blocks;
  const walker = path.walk(k);
  const saves = saveSteps(opts.saveAt, t0, t1, h, steps);
  const cov = opts.covariance ?? d <= 16;
  const obsNames = Object.keys(opts.observables ?? {});
  const obsFns = obsNames.map((n) => opts.observables![n]);

  // state
  const x = new Float64Array(N * d);
  const initStream = path.stream.child('x0');
  for (let b = 0; b < blocks; b++) {
    const [lo, hi] = path.blockRange(b);
    initialState(problem, x, lo, hi, problem.x0 instanceof Float64Array ? undefined : initStream.child(path.firstBlock + b));
  }

  // first passage (compacts each block: slots no longer match replicas, `ids` maps them back)
  if (opts.firstPassage && path.method !== 'sum') {
    throw new ParameterError('path.method', path.method, "'sum' when first-passage times are recorded (exited replicas stop drawing noise)");
  }
  const monitor = opts.firstPassage
    ? new FirstPassageMonitor(
        opts.firstPassage,
        problem,
        N,
        h,
        bs,
        Array.from({ length: blocks }, (_, b) => path.stream.child('first-passage').child(path.firstBlock + b)),
      )
    : null;
  const ordered = monitor ? new Float64Array(N * d) : null;
  const inReplicaOrder = () => (monitor ? monitor.unpermute(x, ordered!) : x);

  // statistics
  const savedT: number[] = [];
  const moments: VectorMoments[] = [];
  const observables: Record<string, Moments[]> = Object.fromEntries(obsNames.map((n) => [n, [] as Moments[]]));
  const save = (step: number) => {
    const t = t0 + step * h;
    const xs = inReplicaOrder();
    const vm = new VectorMoments(d, cov);
    const oms = obsFns.map(() => new Moments());
    for (let i = 0; i < N; i++) {
      vm.push(xs, i * d);
      for (let q = 0; q < obsFns.length; q++) oms[q].push(obsFns[q](xs, i * d, t));
    }
    savedT.push(t);
    moments.push(vm);
    obsNames.forEach((n, q) => observables[n].push(oms[q]));
    opts.onSave?.(t, xs, N, d);
  };

  monitor?.start(x, t0);
  const particle0 = path.firstBlock * bs;
  const partial = (completedSteps: number): PartialSolution => ({
    completedSteps,
    t: savedT.slice(),
    moments: moments.slice(),
    observables: Object.fromEntries(obsNames.map((n) => [n, observables[n].slice()])),
    ...(monitor ? { firstPassage: monitor.result() } : {}),
  });
  const diverge = (step: number, idx: number): never => {
    const slot = Math.floor(idx / d);
    const replica = monitor ? monitor.ids[slot] : slot;
    throw new DivergenceError(step, t0 + step * h, particle0 + replica, x[idx], partial(step - 1), `${solver.name}, dt = ${h}`);
  };
  const checkFinite = (a: number, e: number, step: number) => {
    // NaN and ±Inf propagate through a sum: one add per value, and a scan only when it trips
    let sum = 0;
    for (let i = a; i < e; i++) sum += x[i];
    if (sum - sum === 0) return;
    for (let i = a; i < e; i++) {
      const v = x[i];
      if (v - v !== 0) diverge(step, i);
    }
  };

  // The registry kernels the solver declares, when the drift is data (a closed form or polynomial
  // coefficients) and the path's own normals at its finest step drive it: chosen by what the
  // solver declares and what the backend registers, never by the solver's name.
  const backendName = opts.backend?.name ?? 'js';
  const eligible = opts.fused !== false && problem.kernel !== undefined && path.method === 'sum' && k === 1;
  const kdrift = problem.kernel?.drift;
  const ksigma = problem.kernel?.sigma;
  // a whole run per block (`ensemble-em`): nothing may look at the ensemble before the end
  const innerSave = saves.some((s) => s > 0 && s < steps);
  const wholeKernel =
    eligible && !monitor && !innerSave && typeof ksigma === 'number' && solver.kernels.includes('ensemble-em') ? cpuKernel('ensemble-em', backendName) : undefined;
  // step by step (`em-step`, which continues the caller's noise): saves between, first passage
  const stepKernel =
    eligible && !wholeKernel && kdrift!.kind !== 'polynomial' && solver.kernels.includes('em-step') ? stepKernelFor(backendName, opts.backend) : undefined;
  const fused = Boolean(wholeKernel || stepKernel);
  let saveIdx = 0;
  if (saves[0] === 0) {
    save(0);
    saveIdx++;
  }
  const afterStep = (s: number) => {
    if (saveIdx < saves.length && saves[saveIdx] === s) {
      save(s);
      saveIdx++;
    }
    if ((s & 63) === 0 && opts.signal?.aborted) throw new CancelledError(partial(s));
  };
  if (wholeKernel) {
    // Block b runs all its steps in one call, drawing from path.stream.child(firstBlock + b) as the
    // path does; blocks do not interact, so the bytes equal stepping the whole ensemble. The
    // divergence reported is the one step-by-step stepping would meet first (earliest step, then
    // lowest index); the abort is checked between blocks.
    let bad: { step: number; index: number } | null = null;
    for (let b = 0; b < blocks; b++) {
      if (opts.signal?.aborted) throw new CancelledError(partial(0));
      const [lo, hi] = path.blockRange(b);
      const r = syncResult(
        wholeKernel.run({ x: x.subarray(lo * d, hi * d), n: hi - lo, d, drift: kdrift!, dt: h, sigma: ksigma as number, steps, stream: path.stream, blockSize: bs, firstBlock: path.firstBlock + b }),
        backendName,
      );
      const dv = r.divergence;
      if (dv && (!bad || dv.step < bad.step)) bad = { step: dv.step, index: lo * d + dv.index };
    }
    if (bad) diverge(bad.step, bad.index);
    afterStep(steps);
  } else if (stepKernel) {
    const drift = kdrift as Exclude<typeof kdrift, { kind: 'polynomial' } | undefined>;
    const sigma = ksigma!;
    const scratch = makeScratch(Math.min(N, bs) * d);
    // block b of the path draws from stream.child(firstBlock + b), exactly as EnsembleNoise does
    const noises = Array.from({ length: blocks }, (_, b) => {
      const [lo, hi] = path.blockRange(b);
      return new EnsembleNoise(path.stream, hi - lo, d, { blockSize: bs, firstBlock: path.firstBlock + b });
    });
    const views = Array.from({ length: blocks }, (_, b) => {
      const [lo, hi] = path.blockRange(b);
      return x.subarray(lo * d, hi * d);
    });
    // an array backend that pays per call (TF.js) gets the whole ensemble at once
    const whole = !monitor && stepKernel.perCall ? new EnsembleNoise(path.stream, N, d, { blockSize: bs, firstBlock: path.firstBlock }) : null;
    const wholeScratch = whole ? makeScratch(N * d) : null;
    for (let s = 1; s <= steps; s++) {
      const t = t0 + (s - 1) * h;
      if (whole) {
        const bad = stepKernel.run(x, N, d, drift, { dt: h, sigma, t }, whole, wholeScratch!);
        if (bad >= 0) diverge(s, bad);
        afterStep(s);
        continue;
      }
      for (let b = 0; b < blocks; b++) {
        const lo = b * bs;
        let xb = views[b];
        let na = xb.length / d;
        if (monitor) {
          const a = monitor.active(b);
          if (a === 0) continue;
          if (a !== na) {
            na = a;
            xb = x.subarray(lo * d, (lo + na) * d);
          }
          monitor.preStep(x, t, lo, lo + na);
        }
        const bad = stepKernel.run(xb, na, d, drift, { dt: h, sigma, t }, noises[b], scratch);
        if (bad >= 0) diverge(s, lo * d + bad);
        monitor?.postStep(x, t, b);
      }
      afterStep(s);
    }
  } else {
    const stepper = solver.stepper(problem, N, h);
    if (monitor && stepper.swap) monitor.onSwap = (i, j) => stepper.swap!(i, j);
    const dW = new Float64Array(N * d);
    const dZ = path.timeIntegral && solver.needsTimeIntegral ? new Float64Array(N * d) : null;
    for (let s = 1; s <= steps; s++) {
      const t = t0 + (s - 1) * h;
      for (let b = 0; b < blocks; b++) {
        const [lo, hi0] = path.blockRange(b);
        const hi = monitor ? lo + monitor.active(b) : hi0;
        if (hi === lo) continue;
        walker.nextBlock(b, dW, dZ ?? undefined, monitor ? hi - lo : undefined);
        monitor?.preStep(x, t, lo, hi);
        stepper.step(x, t, dW, dZ, lo, hi);
        checkFinite(lo * d, hi * d, s);
        monitor?.postStep(x, t, b);
      }
      afterStep(s);
    }
  }
  if (monitor) x.set(inReplicaOrder());
  const last = moments.length - 1;
  return {
    solver: { name: solver.name, strongOrder: solver.strongOrder, strongOrderAdditive: solver.strongOrderAdditive, weakOrder: solver.weakOrder, calculus: solver.calculus },
    dt: h,
    steps,
    replicas: N,
    dim: d,
    tspan: problem.tspan,
    t: savedT,
    moments,
    observables,
    final: opts.keepFinal === false ? null : x,
    ...(monitor ? { firstPassage: monitor.result() } : {}),
    fused,
    mean: (i = last) => Float64Array.from(moments[i].mean),
    variance: (i = last) => moments[i].variances(),
  };
}


/** A registry kernel of a CPU backend (synchronous), or undefined when the backend does not register it. */
function cpuKernel<K extends 'ensemble-em' | 'em-step'>(kernel: K, backend: string): KernelDef<K> | undefined {
  return hasKernel(kernel, backend) ? getKernel(kernel, backend) : undefined;
}

/** solve() runs on the CPU: a kernel that answers with a promise (a GPU kernel) belongs to `solveOnKernel`. */
function syncResult<R>(r: R | Promise<R>, backend: string): R {
  if (r && typeof (r as Promise<R>).then === 'function') {
    throw new ParameterError('backend', backend, 'a CPU backend for solve(): GPU kernels are asynchronous, run them with solveOnKernel()');
  }
  return r as R;
}

type StepFn = (x: Float64Array, n: number, d: number, drift: ClosedFormDrift, p: { dt: number; sigma: number | Float64Array; t: number }, noise: EnsembleNoise, scratch: StepScratch) => number;

/**
 * The one-step kernel for a backend: the registry's `em-step`, or, for an array backend the
 * registry does not list (the TF.js backends), that backend's own `emStep` (which pays per call).
 */
function stepKernelFor(name: string, backend: Backend | undefined): { run: StepFn; perCall: boolean } | undefined {
  const def = cpuKernel('em-step', name);
  if (def) return { run: (x, n, d, drift, p, noise, scratch) => syncResult(def.run({ x, n, d, drift, dt: p.dt, sigma: p.sigma, t: p.t, noise, scratch }), name), perCall: false };
  if (backend && typeof backend.emStep === 'function') return { run: (x, n, d, drift, p, noise, scratch) => backend.emStep(x, n, d, drift, p, noise, scratch), perCall: true };
  return undefined;
}
