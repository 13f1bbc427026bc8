/**
 * `solve(problem, solver, options)`: run N replicas of an SDE problem with one solver on one
 * Brownian path, keeping streaming statistics (mean and covariance of the state, moments of
 * observables) at the saved times, so memory is O(N·d + saves·d²), never O(N × steps).
 *
 * Euler–Maruyama on a problem with a built-in drift ('linear', 'double-well') runs through the
 * fused ensemble kernel of `@snrlab/tensor` (`backend.emStep`); every other combination runs
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
import { defaultBackend, makeScratch, type Backend } from '@snrlab/tensor';
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

  // the fused tensor kernel: EM, a built-in drift, the path's own normals at its finest step
  const fused =
    opts.fused !== false && solver.name === 'euler-maruyama' && problem.kernel !== undefined && path.method === 'sum' && k === 1;
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
  if (fused) {
    const backend = opts.backend ?? defaultBackend();
    const { drift, sigma } = problem.kernel!;
    // block by block, so the block's normals stay in cache between the fill and the update;
    // block b of the path draws from stream.child(firstBlock + b), exactly as EnsembleNoise does
    const scratch = makeScratch(Math.min(N, bs) * d);
    const noises = Array.from({ length: blocks }, (_, b) => {
      const [lo, hi] = path.blockRange(b);
      return new EnsembleNoise(path.stream, hi - lo, d, { blockSize: bs, firstBlock: path.firstBlock + b });
    });
    const views = Array.from({ length: blocks }, (_, b) => {
      const [lo, hi] = path.blockRange(b);
      return x.subarray(lo * d, hi * d);
    });
    const params = { dt: h, sigma, t: t0 };
    // other backends (TF.js) pay per call: give them the whole ensemble at once
    const whole = !monitor && backend.name !== 'js' ? new EnsembleNoise(path.stream, N, d, { blockSize: bs, firstBlock: path.firstBlock }) : null;
    const wholeScratch = whole ? makeScratch(N * d) : null;
    // Nothing looks at the ensemble between save times (and abort checks every 64 steps): there
    // each block runs through the whole segment while it sits in cache, with the same bytes
    const multi = !monitor && !whole && backend.emSteps && typeof sigma === 'number' ? backend.emSteps.bind(backend) : null;
    for (let s = 1; multi && s <= steps; ) {
      let e = Math.min(steps, Math.ceil(s / 64) * 64); // abort checks stay every 64 steps
      if (saveIdx < saves.length && saves[saveIdx] < e) e = saves[saveIdx];
      const span = e - s + 1;
      let bad: { step: number; index: number } | null = null;
      for (let b = 0; b < blocks; b++) {
        const xb = views[b];
        // a later block need only run far enough to tie with a divergence already found
        const r = multi(xb, xb.length / d, d, drift, { dt: h, sigma: sigma as number }, bad ? bad.step : span, noises[b]);
        if (r && (!bad || r.step < bad.step)) bad = { step: r.step, index: b * bs * d + r.index };
      }
      if (bad) diverge(s - 1 + bad.step, bad.index);
      afterStep(e);
      s = e + 1;
    }
    for (let s = 1; !multi && s <= steps; s++) {
      const t = t0 + (s - 1) * h;
      params.t = t;
      if (whole) {
        const bad = backend.emStep(x, N, d, drift, params, whole, wholeScratch!);
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
        const bad = backend.emStep(xb, na, d, drift, params, noises[b], scratch);
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

