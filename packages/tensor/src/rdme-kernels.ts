/**
 * The reaction–diffusion master equation (RDME) on a voxel grid, as registry kernels. The model is
 * data (`RdmeGrid`: what morphogen-patterning's `rdmeFromProblem` builds): per voxel a production
 * rate b_i, linear decay k, a jump rate d to each of its `degree[i]` neighbours and an outflow rate
 * through absorbing faces.
 *
 * 'rdme-cle': many replicas of the chemical Langevin equation (Gillespie 2000), Euler–Maruyama
 * with step dt: every channel r with propensity a_r adds a_r·dt + √(a_r·dt)·ξ_r to its
 * stoichiometry; copy numbers are real and a propensity uses max(n, 0). Each replica burns in,
 * then records left-Riemann time averages of n_i and n_i² per voxel over a window and the total
 * copy number at equally spaced snapshots. Replica r draws from stream.child(firstReplica + r).
 *
 * 'rdme-tau-leap': many replicas of binomial tau-leaping (see `TauLeapReplicaJS`), observed the
 * same way; counts stay integer and non-negative.
 *
 * The js kernels are the float64 references: `CleReplicaJS` and `TauLeapReplicaJS` are the CLE and
 * the tau-leaping of morphogen-patterning (its `ChemicalLangevinSimulator` and `TauLeapSimulator`
 * are these classes), so a replica's bytes are the simulator's.
 */
import { assertFinite, assertInteger, assertPositive, binomial, DivergenceError, ParameterError, poisson, type Stream } from '@snrlab/core';
import { registerKernel, type Tolerance } from './kernels.js';
import type { StreamLike } from './kernel-types.js';
import { toStream } from './streams.js';

/** The RDME on a grid as data. */
export interface RdmeGrid {
  voxels: number;
  /** Jump rate to each neighbour, D/h² (1/s). */
  jumpRate: number;
  /** Linear decay rate per molecule (1/s). */
  k: number;
  /** Production per voxel (molecules/s). */
  production: ArrayLike<number>;
  /** Removal rate through absorbing faces, per molecule (1/s). */
  outflow: ArrayLike<number>;
  /** Neighbours, 4 slots per voxel; the first `degree[i]` are used. */
  neighbours: ArrayLike<number>;
  degree: ArrayLike<number>;
}

/** What every RDME kernel takes: the grid, the replicas and their observation (`observeRdmeReplica`). */
export interface RdmeRunArgs {
  model: RdmeGrid;
  replicas: number;
  /** Initial copy numbers: V values (every replica) or replicas·V, replica-major. */
  initial: ArrayLike<number>;
  /** Time run before the window opens (s). */
  burnIn: number;
  /** Time between snapshots (s); the window is `snapshots` intervals long. */
  interval: number;
  /** Snapshots of the total copy number, at the end of each interval. */
  snapshots: number;
  stream: StreamLike;
  /** Replica r draws from stream.child(firstReplica + r); default 0. */
  firstReplica?: number;
}

/** What every RDME kernel returns: each replica's window moments and snapshot totals. */
export interface RdmeMoments {
  /** replicas·V time averages of n_i and of n_i² over the window, replica-major. */
  mean: Float64Array;
  meanSquare: Float64Array;
  /** Per replica: Σ and Σ² over the snapshots of the total copy number Σ_i n_i. */
  totalSum: Float64Array;
  totalSumSq: Float64Array;
}

export interface RdmeCleArgs extends RdmeRunArgs {
  /** Euler–Maruyama step (s); default 0.05/e_max (`cleDefaultDt`). */
  dt?: number;
}

export interface RdmeCleResult extends RdmeMoments {
  /** Per replica: steps in which some count went below zero. */
  negativeSteps: Float64Array;
  /** Euler steps per replica (burn-in and window). */
  steps: number;
  /** The step used (s). */
  dt: number;
}

/** Normal slots per voxel and step: production, decay, outflow and one jump per neighbour slot. */
export const CLE_NORMALS_PER_VOXEL = 7;

/** Largest per-molecule exit rate k + d·degree_i + outflow_i. */
export function maxExitRate(g: RdmeGrid): number {
  let eMax = 0;
  for (let i = 0; i < g.voxels; i++) eMax = Math.max(eMax, g.k + g.jumpRate * g.degree[i] + g.outflow[i]);
  return eMax;
}

/** The default CLE step, 0.05/e_max: the Euler step biases the moments by O(e·dt). */
export function cleDefaultDt(g: RdmeGrid): number {
  return 0.05 / maxExitRate(g);
}

/** Left-Riemann time integrals ∫n dt and ∫n² dt over a window, for fixed-step simulators. */
export class RdmeWindow {
  readonly acc1: Float64Array;
  readonly acc2: Float64Array;
  start = 0;
  constructor(V: number) {
    this.acc1 = new Float64Array(V);
    this.acc2 = new Float64Array(V);
  }
  add(n: ArrayLike<number>, dt: number): void {
    const { acc1, acc2 } = this;
    for (let i = 0; i < acc1.length; i++) {
      const v = n[i];
      acc1[i] += v * dt;
      acc2[i] += v * v * dt;
    }
  }
  reset(t: number): void {
    this.acc1.fill(0);
    this.acc2.fill(0);
    this.start = t;
  }
  averages(t: number, mean: Float64Array, meanSquare?: Float64Array): number {
    const T = t - this.start;
    assertPositive('window length', T);
    for (let i = 0; i < this.acc1.length; i++) {
      mean[i] = this.acc1[i] / T;
      if (meanSquare) meanSquare[i] = this.acc2[i] / T;
    }
    return T;
  }
}

/**
 * What the float64 replicas share: counts, clock and window. `advance(tEnd)` takes steps of
 * `stepSize()`, the last one shortened to land on tEnd; the window integrates the state at the
 * start of each step.
 */
export abstract class RdmeReplicaJS<C extends Float64Array | Int32Array> implements RdmeReplica {
  time = 0;
  /** Steps taken. */
  events = 0;
  private readonly win: RdmeWindow;

  constructor(
    readonly grid: RdmeGrid,
    protected readonly stream: Stream,
    /** The state, V zeros to start from (Float64Array: real counts; Int32Array: integer). */
    readonly counts: C,
    initial?: ArrayLike<number>,
  ) {
    if (initial) for (let i = 0; i < grid.voxels; i++) counts[i] = initial[i];
    this.win = new RdmeWindow(grid.voxels);
  }

  /** The next step's length, before it is shortened to land on a target. */
  protected abstract stepSize(): number;
  /** Move the counts through one step of length h. */
  protected abstract step(h: number): void;

  advance(tEnd: number): void {
    if (!(tEnd >= this.time && tEnd < Infinity)) throw new ParameterError('tEnd', tEnd, `a finite time ≥ the current time ${this.time}`);
    while (this.time < tEnd) {
      const h = Math.min(this.stepSize(), tEnd - this.time);
      this.win.add(this.counts, h);
      this.step(h);
      this.time = tEnd - this.time <= h ? tEnd : this.time + h;
      this.events++;
    }
  }

  resetWindow(): void {
    this.win.reset(this.time);
  }

  windowAverages(mean: Float64Array, meanSquare?: Float64Array): number {
    return this.win.averages(this.time, mean, meanSquare);
  }
}

/** One replica of the CLE in float64 (the reference arithmetic): steps of dt. */
export class CleReplicaJS extends RdmeReplicaJS<Float64Array> {
  readonly dt: number;
  /** Steps in which some count went below zero. */
  negativeSteps = 0;
  private readonly noise: Float64Array;
  private readonly next: Float64Array;

  constructor(
    grid: RdmeGrid,
    stream: Stream,
    initial?: ArrayLike<number>,
    dt?: number,
    /** The replica's index, for a DivergenceError. */
    readonly replica = 0,
  ) {
    super(grid, stream, new Float64Array(grid.voxels), initial);
    const V = grid.voxels;
    this.dt = dt ?? cleDefaultDt(grid);
    assertPositive('dt', this.dt);
    this.noise = new Float64Array(V * CLE_NORMALS_PER_VOXEL);
    this.next = new Float64Array(V);
  }

  protected stepSize(): number {
    return this.dt;
  }

  protected step(dt: number): void {
    const m = this.grid;
    const { counts, next, noise } = this;
    const k = m.k;
    const d = m.jumpRate;
    const V = m.voxels;
    const K = CLE_NORMALS_PER_VOXEL;
    this.stream.fillNormal(noise);
    next.set(counts);
    let negative = false;
    for (let i = 0; i < V; i++) {
      const n = counts[i] > 0 ? counts[i] : 0;
      const b = m.production[i];
      const o = i * K;
      let change = 0;
      if (b > 0) change += b * dt + Math.sqrt(b * dt) * noise[o];
      const decay = k * n * dt;
      change -= decay + Math.sqrt(decay) * noise[o + 1];
      if (m.outflow[i] > 0) {
        const out = m.outflow[i] * n * dt;
        change -= out + Math.sqrt(out) * noise[o + 2];
      }
      const jump = d * n * dt;
      const sj = Math.sqrt(jump);
      for (let s = 0; s < m.degree[i]; s++) {
        const flow = jump + sj * noise[o + 3 + s];
        change -= flow;
        next[m.neighbours[4 * i + s]] += flow;
      }
      next[i] += change;
    }
    for (let i = 0; i < V; i++) {
      const v = next[i];
      if (!Number.isFinite(v)) throw new DivergenceError(this.events, this.time, this.replica, v, { counts: Float64Array.from(counts) }, `CLE voxel ${i}`);
      if (v < 0) negative = true;
      counts[i] = v;
    }
    if (negative) this.negativeSteps++;
  }
}

/** What `observeRdmeReplica` drives: any RDME simulator with a time window (CLE, tau-leaping, SSA). */
export interface RdmeReplica {
  readonly counts: ArrayLike<number>;
  readonly time: number;
  advance(tEnd: number): void;
  resetWindow(): void;
  windowAverages(mean: Float64Array, meanSquare?: Float64Array): number;
}

/**
 * The observation protocol of a replica: advance to `burnIn`, open the window, advance to
 * t0 + s·interval for s = 1…snapshots summing the total copy number (and its square) at each, then
 * write the window's time averages of n_i and n_i² into `mean` and `meanSquare`.
 */
export function observeRdmeReplica(sim: RdmeReplica, burnIn: number, interval: number, snapshots: number, mean: Float64Array, meanSquare: Float64Array): { totalSum: number; totalSumSq: number } {
  sim.advance(burnIn);
  sim.resetWindow();
  const t0 = sim.time;
  const V = mean.length;
  let totalSum = 0;
  let totalSumSq = 0;
  for (let s = 1; s <= snapshots; s++) {
    sim.advance(t0 + s * interval);
    let N = 0;
    for (let i = 0; i < V; i++) N += sim.counts[i];
    totalSum += N;
    totalSumSq += N * N;
  }
  sim.windowAverages(mean, meanSquare);
  return { totalSum, totalSumSq };
}

/** Check a grid given as data; names the field and the value. */
export function checkRdmeGrid(g: RdmeGrid, name = 'model'): void {
  if (!g || typeof g !== 'object') throw new ParameterError(name, g, 'an RDME grid { voxels, jumpRate, k, production, outflow, neighbours, degree }');
  assertInteger(`${name}.voxels`, g.voxels, { min: 1 });
  const V = g.voxels;
  assertPositive(`${name}.jumpRate`, g.jumpRate, { allowZero: true });
  assertFinite(`${name}.jumpRate`, g.jumpRate);
  assertPositive(`${name}.k`, g.k, { allowZero: true });
  assertFinite(`${name}.k`, g.k);
  const arr = (field: 'production' | 'outflow' | 'degree' | 'neighbours', len: number) => {
    const a = g[field];
    if (!a || typeof a.length !== 'number') throw new ParameterError(`${name}.${field}`, a, `an array of ${len} numbers`);
    if (a.length < len) throw new ParameterError(`${name}.${field}.length`, a.length, `at least ${len}`);
    return a;
  };
  const b = arr('production', V);
  const o = arr('outflow', V);
  const deg = arr('degree', V);
  const nb = arr('neighbours', 4 * V);
  for (let i = 0; i < V; i++) {
    if (!(b[i] >= 0 && Number.isFinite(b[i]))) throw new ParameterError(`${name}.production[${i}]`, b[i], 'a non-negative finite rate');
    if (!(o[i] >= 0 && Number.isFinite(o[i]))) throw new ParameterError(`${name}.outflow[${i}]`, o[i], 'a non-negative finite rate');
    assertInteger(`${name}.degree[${i}]`, deg[i], { min: 0, max: 4 });
    for (let s = 0; s < deg[i]; s++) assertInteger(`${name}.neighbours[${4 * i + s}]`, nb[4 * i + s], { min: 0, max: V - 1 });
  }
}

/** The checked arguments every RDME kernel shares (on every backend). */
export interface RdmeRun {
  V: number;
  R: number;
  first: number;
  /** Whether `initial` holds one row per replica (else one row for all). */
  perReplica: boolean;
}

/** The checked arguments of 'rdme-cle' (shared by every backend). */
export interface CleRun extends RdmeRun {
  dt: number;
}

/**
 * Check what every RDME kernel takes, in order: the grid, replicas, the initial counts (each
 * `countOk`, else `allowed`), then `middle` (the kernel's own arguments), the observation and
 * firstReplica.
 */
function checkRdmeRun(a: RdmeRunArgs, countOk: (n: number) => boolean, allowed: string, middle: () => void): RdmeRun {
  checkRdmeGrid(a.model);
  const V = a.model.voxels;
  assertInteger('replicas', a.replicas, { min: 1 });
  const R = a.replicas;
  const init = a.initial;
  if (!init || typeof init.length !== 'number') throw new ParameterError('initial', init, `an array of ${V} or replicas·${V} = ${R * V} counts`);
  if (init.length !== V && init.length !== R * V) throw new ParameterError('initial.length', init.length, `${V} (every replica) or replicas·${V} = ${R * V}`);
  for (let i = 0; i < init.length; i++) {
    if (!countOk(init[i])) throw new ParameterError(`initial[${i}]`, init[i], allowed);
  }
  middle();
  assertPositive('burnIn', a.burnIn, { allowZero: true });
  assertFinite('burnIn', a.burnIn);
  assertPositive('interval', a.interval);
  assertFinite('interval', a.interval);
  assertInteger('snapshots', a.snapshots, { min: 1 });
  const first = a.firstReplica ?? 0;
  assertInteger('firstReplica', first, { min: 0, max: Number.MAX_SAFE_INTEGER - R });
  return { V, R, first, perReplica: init.length === R * V && R > 1 };
}

export function checkRdmeCle(a: RdmeCleArgs): CleRun {
  let dt = NaN;
  const run = checkRdmeRun(a, (n) => n >= 0 && Number.isFinite(n), 'a non-negative finite count', () => {
    dt = a.dt ?? cleDefaultDt(a.model);
    assertPositive('dt', dt);
    assertFinite('dt', dt);
  });
  return { ...run, dt };
}

/**
 * Run replicas r = 0…R−1 of a checked run, each `make(stream.child(first + r), its initial row,
 * first + r)` observed by `observeRdmeReplica` into its rows of the moments; `done(r, sim)` reads
 * the rest.
 */
function observeReplicasJS<S extends RdmeReplica>(a: RdmeRunArgs, run: RdmeRun, make: (stream: Stream, initial: ArrayLike<number>, replica: number) => S, done: (r: number, sim: S) => void): RdmeMoments {
  const { V, R, first, perReplica } = run;
  const parent = toStream(a.stream);
  const mean = new Float64Array(R * V);
  const meanSquare = new Float64Array(R * V);
  const totalSum = new Float64Array(R);
  const totalSumSq = new Float64Array(R);
  for (let r = 0; r < R; r++) {
    const init = perReplica ? Array.prototype.slice.call(a.initial, r * V, (r + 1) * V) : a.initial;
    const sim = make(parent.child(first + r), init, first + r);
    const t = observeRdmeReplica(sim, a.burnIn, a.interval, a.snapshots, mean.subarray(r * V, (r + 1) * V), meanSquare.subarray(r * V, (r + 1) * V));
    totalSum[r] = t.totalSum;
    totalSumSq[r] = t.totalSumSq;
    done(r, sim);
  }
  return { mean, meanSquare, totalSum, totalSumSq };
}

/** The float64 reference: each replica is a `CleReplicaJS` on stream.child(firstReplica + r). */
export function rdmeCleJS(a: RdmeCleArgs): RdmeCleResult {
  const run = checkRdmeCle(a);
  const negativeSteps = new Float64Array(run.R);
  let steps = 0;
  const moments = observeReplicasJS(
    a,
    run,
    (stream, init, replica) => new CleReplicaJS(a.model, stream, init, run.dt, replica),
    (r, sim) => {
      negativeSteps[r] = sim.negativeSteps;
      steps = sim.events;
    },
  );
  return { ...moments, negativeSteps, steps, dt: run.dt };
}

/** Leap control of tau-leaping: a fixed leap, or the ε rule. */
export interface TauLeapOptions {
  /** Fixed leap (s); when absent the Cao–Gillespie–Petzold rule with `epsilon` picks each leap. */
  tau?: number;
  /** Error-control parameter ε of the leap rule (default 0.03). */
  epsilon?: number;
}

/** The default ε of the leap rule. */
export const TAU_LEAP_EPSILON = 0.03;

/**
 * One replica of binomial tau-leaping in float64 (in the spirit of Chatterjee et al. 2005 and Tian
 * & Burrage 2004): in a leap of length τ each of the n_i molecules of voxel i leaves with
 * probability q_i = 1 − e^{−e_i τ} (Binomial), the leavers split by conditional binomials among
 * decay, the jumps and the outflow in proportion to their rates; voxel i gains Poisson(b_i·q_i/e_i)
 * new molecules, the births still in place at the end of the leap. Counts never go negative.
 * A molecule moves at most once per leap, so the ε rule keeps e_max·τ ≤ ε and, within that
 * (Cao, Gillespie & Petzold 2006), the expected change and the sd of each count over τ below
 * max(ε·n_i, 1). `advance(tEnd)` shortens the last leap to land on tEnd; `events` counts leaps.
 */
export class TauLeapReplicaJS extends RdmeReplicaJS<Int32Array> {
  private readonly delta: Int32Array;
  readonly epsilon: number;
  readonly fixedTau: number | undefined;

  constructor(grid: RdmeGrid, stream: Stream, initial?: ArrayLike<number>, opts: TauLeapOptions = {}) {
    super(grid, stream, new Int32Array(grid.voxels), initial);
    this.delta = new Int32Array(grid.voxels);
    this.epsilon = opts.epsilon ?? TAU_LEAP_EPSILON;
    if (!(this.epsilon > 0 && this.epsilon < 1)) throw new ParameterError('epsilon', this.epsilon, 'a number in (0, 1)');
    if (opts.tau !== undefined) assertPositive('tau', opts.tau);
    this.fixedTau = opts.tau;
  }

  /** The leap for the current state: Cao–Gillespie–Petzold, capped at e_max·τ = ε. */
  leapSize(): number {
    if (this.fixedTau !== undefined) return this.fixedTau;
    const m = this.grid;
    const n = this.counts;
    const d = m.jumpRate;
    let tau = Infinity;
    for (let i = 0; i < m.voxels; i++) tau = Math.min(tau, this.epsilon / (m.k + d * m.degree[i] + m.outflow[i]));
    for (let i = 0; i < m.voxels; i++) {
      let inflow = 0;
      for (let s = 0; s < m.degree[i]; s++) inflow += d * n[m.neighbours[4 * i + s]];
      const e = m.k + d * m.degree[i] + m.outflow[i];
      const drift = m.production[i] + inflow - e * n[i];
      const variance = m.production[i] + inflow + e * n[i];
      const bound = Math.max(this.epsilon * n[i], 1);
      if (drift !== 0) tau = Math.min(tau, bound / Math.abs(drift));
      if (variance > 0) tau = Math.min(tau, (bound * bound) / variance);
    }
    return tau;
  }

  protected stepSize(): number {
    return this.leapSize();
  }

  protected step(tau: number): void {
    const m = this.grid;
    const { counts, delta, stream } = this;
    const k = m.k;
    const d = m.jumpRate;
    delta.fill(0);
    for (let i = 0; i < m.voxels; i++) {
      const e = k + d * m.degree[i] + m.outflow[i];
      const q = -Math.expm1(-e * tau);
      if (m.production[i] > 0) delta[i] += poisson(stream, (m.production[i] * q) / e);
      const n = counts[i];
      if (n === 0) continue;
      let leaving = binomial(stream, n, q);
      if (leaving === 0) continue;
      delta[i] -= leaving;
      // split the leavers among the channels by conditional binomials
      let mass = e;
      const decayed = binomial(stream, leaving, k / mass);
      leaving -= decayed;
      mass -= k;
      for (let s = 0; s < m.degree[i] && leaving > 0; s++) {
        const moved = mass - d <= 0 ? leaving : binomial(stream, leaving, Math.min(1, d / mass));
        delta[m.neighbours[4 * i + s]] += moved;
        leaving -= moved;
        mass -= d;
      }
      // whatever is left went out through absorbing faces
    }
    for (let i = 0; i < m.voxels; i++) counts[i] += delta[i];
  }
}

export interface RdmeTauLeapArgs extends RdmeRunArgs {
  /** Initial copy numbers (non-negative integers): V values (every replica) or replicas·V, replica-major. */
  initial: ArrayLike<number>;
  /** Fixed leap (s); when absent the ε rule picks each leap from the state. */
  tau?: number;
  /** ε of the leap rule (default 0.03). */
  epsilon?: number;
}

export interface RdmeTauLeapResult extends RdmeMoments {
  /** Per replica: leaps taken (burn-in and window). */
  leaps: Float64Array;
  /** The fixed leap, when one was given. */
  tau?: number;
  epsilon: number;
}

/** The checked arguments of 'rdme-tau-leap' (shared by every backend). */
export interface TauLeapRun extends RdmeRun {
  tau: number | undefined;
  epsilon: number;
}

export function checkRdmeTauLeap(a: RdmeTauLeapArgs): TauLeapRun {
  let epsilon = NaN;
  const run = checkRdmeRun(a, (n) => Number.isInteger(n) && n >= 0 && n <= 0x7fffffff, 'a non-negative integer count below 2³¹', () => {
    if (a.tau !== undefined) {
      assertPositive('tau', a.tau);
      assertFinite('tau', a.tau);
    }
    epsilon = a.epsilon ?? TAU_LEAP_EPSILON;
    if (!(epsilon > 0 && epsilon < 1)) throw new ParameterError('epsilon', epsilon, 'a number in (0, 1)');
  });
  return { ...run, tau: a.tau, epsilon };
}

/** The float64 reference: each replica is a `TauLeapReplicaJS` on stream.child(firstReplica + r). */
export function rdmeTauLeapJS(a: RdmeTauLeapArgs): RdmeTauLeapResult {
  const run = checkRdmeTauLeap(a);
  const { tau, epsilon } = run;
  const leaps = new Float64Array(run.R);
  const moments = observeReplicasJS(
    a,
    run,
    (stream, init) => new TauLeapReplicaJS(a.model, stream, init, { tau, epsilon }),
    (r, sim) => {
      leaps[r] = sim.events;
    },
  );
  return { ...moments, leaps, ...(tau !== undefined ? { tau } : {}), epsilon };
}

/** Register the js RDME kernels (once, on the registry's first use). */
export function registerRdmeKernelsJS(): void {
  const REF: Tolerance = { kind: 'reference', note: 'float64 reference' };
  registerKernel({ kernel: 'rdme-cle', backend: 'js', precision: 'float64', tolerance: REF, run: rdmeCleJS, description: "replicas of the RDME's chemical Langevin equation (Euler–Maruyama; morphogen-patterning's CLE), windowed per-voxel moments" });
  registerKernel({ kernel: 'rdme-tau-leap', backend: 'js', precision: 'float64', tolerance: REF, run: rdmeTauLeapJS, description: "replicas of binomial tau-leaping of the RDME (morphogen-patterning's TauLeapSimulator; fixed leap or the ε rule), windowed per-voxel moments" });
}
