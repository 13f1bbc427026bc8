/**
 * First-passage times of ensembles, with the Brownian-bridge crossing correction.
 *
 * Monitoring only at grid times misses excursions that leave and return within a step, so the
 * exit time is biased upward by O(√h) (the boundary is effectively shifted by ≈ 0.5826·σ√h;
 * Broadie, Glasserman & Kou 1997). Between two grid points inside the region, a Brownian
 * bridge with local noise variance σ² crosses a flat boundary at distances d0, d1 with
 * probability exp(−2·d0·d1/(σ²h)) (Mannella 1999; Gobet 2000). Declaring an exit with that
 * probability removes the O(√h) term and leaves the solver's O(h) bias.
 *
 * Exited replicas stop at their exit state (so nothing escapes to infinity) and are no longer
 * stepped: each block keeps its active replicas in front (compaction), so the work is Σ τ_i/h.
 */
import { assertFinite, assertInteger, assertPositive, Moments, ParameterError, ParameterTypeError, type Stream } from '@snrlab/core';
import type { SdeProblem } from './problem.js';

/**
 * The region a replica starts in; it exits on leaving it.
 * - interval: lower < x[coordinate] < upper (either bound may be omitted);
 * - ball: |x − center| < radius over `coordinates` (default all);
 * - custom: `distance(x, offset)` > 0 inside (a signed distance, for the bridge correction).
 */
export type Region =
  | { kind: 'interval'; lower?: number; upper?: number; coordinate?: number }
  | { kind: 'ball'; radius: number; center?: ArrayLike<number>; coordinates?: ArrayLike<number> }
  | { kind: 'custom'; distance: (x: Float64Array, offset: number) => number };

export interface FirstPassageOptions {
  region: Region;
  /** Apply the Brownian-bridge crossing correction (default true). */
  bridge?: boolean;
}

export interface FirstPassageResult {
  replicas: number;
  /** Replicas that exited before the end of the run (by the primary estimate). */
  exited: number;
  /** Replicas still inside at the end: their exit times are unknown (right-censored). */
  censored: number;
  /** Mean exit time and its standard error over exited replicas (primary estimate). */
  mean: number;
  se: number;
  /** Whether the primary estimate is bridge-corrected. */
  bridge: boolean;
  /** Bridge-corrected exit times (null without the bridge). */
  corrected: Moments | null;
  /** Exit times monitored at grid points only (first grid time outside). */
  uncorrected: Moments;
  /** Replicas with an uncorrected (grid) exit. */
  exitedUncorrected: number;
  /** Primary exit time per replica (NaN if censored). */
  times: Float64Array;
}

/** Probability that a Brownian bridge with variance rate σ² over time h crosses a flat boundary at distances d0, d1 > 0. */
export function bridgeCrossingProbability(d0: number, d1: number, sigma2: number, h: number): number {
  if (d0 <= 0 || d1 <= 0) return 1;
  if (!(sigma2 > 0)) return 0;
  return Math.exp((-2 * d0 * d1) / (sigma2 * h));
}

interface Faces {
  count: number;
  /** Set for an interval: the fast path reads the coordinate directly. */
  interval?: { coordinate: number; lower: number; upper: number };
  /** Signed distances (positive inside) of particle state at x[o..] into out[0..count). */
  eval(x: Float64Array, o: number, out: Float64Array): void;
  /** Noise variance rate across face k from the diffusion values g (length d) at offset. */
  variance(g: Float64Array, o: number, k: number): number;
}

function facesOf(region: Region, d: number): Faces {
  if (!region || typeof region !== 'object') throw new ParameterTypeError('region', region, "{ kind: 'interval' | 'ball' | 'custom', ... }");
  switch (region.kind) {
    case 'interval': {
      const c = region.coordinate ?? 0;
      assertInteger('region.coordinate', c, { min: 0, max: d - 1 });
      const lo = region.lower ?? -Infinity;
      const hi = region.upper ?? Infinity;
      if (region.lower !== undefined) assertFinite('region.lower', lo);
      if (region.upper !== undefined) assertFinite('region.upper', hi);
      if (!(hi > lo)) throw new ParameterError('region.upper', hi, `a number greater than region.lower = ${lo}`);
      if (lo === -Infinity && hi === Infinity) throw new ParameterError('region', region, 'an interval with a lower or an upper bound');
      return {
        count: 2,
        interval: { coordinate: c, lower: lo, upper: hi },
        eval(x, o, out) {
          const v = x[o + c];
          out[0] = lo === -Infinity ? 1 : v - lo;
          out[1] = hi === Infinity ? 1 : hi - v;
        },
        variance(g, o) {
          return g[o + c] * g[o + c];
        },
      };
    }
    case 'ball': {
      assertPositive('region.radius', region.radius);
      const coords = region.coordinates ? Array.from(region.coordinates) : Array.from({ length: d }, (_, j) => j);
      for (const j of coords) assertInteger('region.coordinates[]', j, { min: 0, max: d - 1 });
      const center = region.center ? Float64Array.from(region.center) : new Float64Array(coords.length);
      if (center.length !== coords.length) throw new ParameterError('region.center.length', center.length, `${coords.length} (one per coordinate)`);
      const r = region.radius;
      return {
        count: 1,
        eval(x, o, out) {
          let s = 0;
          for (let k = 0; k < coords.length; k++) {
            const y = x[o + coords[k]] - center[k];
            s += y * y;
          }
          out[0] = r - Math.sqrt(s);
        },
        variance(g, o) {
          let s = 0;
          for (const j of coords) s += g[o + j] * g[o + j];
          return s / coords.length;
        },
      };
    }
    case 'custom': {
      if (typeof region.distance !== 'function') throw new ParameterTypeError('region.distance', region.distance, 'a function (x, offset) => signed distance');
      const f = region.distance;
      return {
        count: 1,
        eval(x, o, out) {
          out[0] = f(x, o);
        },
        variance(g, o) {
          let s = 0;
          for (let j = 0; j < d; j++) s += g[o + j] * g[o + j];
          return s / d;
        },
      };
    }
    default:
      throw new ParameterTypeError('region.kind', (region as { kind: unknown }).kind, "'interval', 'ball' or 'custom'");
  }
}

/**
 * Tracks exits of N replicas step by step (used by `solve`). Replicas are compacted per block:
 * the active ones occupy slots [lo, lo + active(b)) of their block, and an exiting replica is
 * swapped to the end of that range, where it is no longer stepped (it keeps its exit state).
 * `ids` maps slots back to replicas.
 */
export class FirstPassageMonitor {
  private readonly faces: Faces;
  private readonly dist: Float64Array;
  private readonly now: Float64Array;
  /** Per slot: 0 inside, 1 bridge-exited (runs on until the grid exit). */
  private readonly state: Uint8Array;
  private readonly tBridge: Float64Array;
  private readonly tGrid: Float64Array;
  private readonly activeCount: Int32Array;
  readonly ids: Int32Array;
  private readonly g: Float64Array;
  private readonly gDiag: boolean;
  private readonly d: number;
  readonly bridge: boolean;
  /** Called when slots i and j swap, so a stepper can swap per-replica caches. */
  onSwap: ((i: number, j: number) => void) | null = null;

  constructor(
    opts: FirstPassageOptions,
    private readonly problem: SdeProblem,
    private readonly n: number,
    private readonly h: number,
    private readonly blockSize: number,
    private readonly uniforms: Stream[],
  ) {
    const d = problem.dim;
    this.d = d;
    this.faces = facesOf(opts.region, d);
    this.bridge = opts.bridge ?? true;
    this.dist = new Float64Array(n * this.faces.count);
    this.now = new Float64Array(this.faces.count);
    this.state = new Uint8Array(n);
    this.tBridge = new Float64Array(n).fill(NaN);
    this.tGrid = new Float64Array(n).fill(NaN);
    this.ids = new Int32Array(n);
    for (let i = 0; i < n; i++) this.ids[i] = i;
    const blocks = Math.ceil(n / blockSize);
    this.activeCount = new Int32Array(blocks);
    for (let b = 0; b < blocks; b++) this.activeCount[b] = Math.min(n, (b + 1) * blockSize) - b * blockSize;
    this.gDiag = problem.noise === 'diagonal';
    this.g = new Float64Array(this.gDiag ? n * d : d);
  }

  /** Active replicas of block b (they sit in its first slots). */
  active(b: number): number {
    return this.activeCount[b];
  }

  /** Record the initial distances; replicas that start outside exit at t0. */
  start(x: Float64Array, t0: number): void {
    const m = this.faces.count;
    for (let b = 0; b < this.activeCount.length; b++) {
      const lo = b * this.blockSize;
      for (let i = lo; i < lo + this.activeCount[b]; ) {
        this.faces.eval(x, i * this.d, this.now);
        let outside = false;
        for (let k = 0; k < m; k++) {
          this.dist[i * m + k] = this.now[k];
          if (!(this.now[k] > 0)) outside = true;
        }
        if (outside) this.exit(x, i, b, t0, t0);
        else i++;
      }
    }
  }

  /** Record the exit of slot i of block b and swap it behind the active range. */
  private exit(x: Float64Array, i: number, b: number, tGrid: number, tBridge: number): void {
    const id = this.ids[i];
    if (this.state[i] === 0) this.tBridge[id] = tBridge;
    this.tGrid[id] = tGrid;
    const last = b * this.blockSize + this.activeCount[b] - 1;
    if (last !== i) {
      const d = this.d;
      for (let j = 0; j < d; j++) {
        const v = x[i * d + j];
        x[i * d + j] = x[last * d + j];
        x[last * d + j] = v;
      }
      const m = this.faces.count;
      for (let k = 0; k < m; k++) this.dist[i * m + k] = this.dist[last * m + k];
      this.state[i] = this.state[last];
      this.ids[i] = this.ids[last];
      this.ids[last] = id;
      this.onSwap?.(i, last);
    }
    this.activeCount[b]--;
  }

  /** Before stepping slots [lo, hi) at time t: the local noise for the bridge. */
  preStep(x: Float64Array, t: number, lo: number, hi: number): void {
    if (!this.bridge) return;
    if (this.gDiag) this.problem.diffusion(t, x, this.g, lo, hi);
    else this.problem.sigma!(t, this.g);
  }

  /** After stepping block b's active slots from t to t + h: detect exits, compact the block. */
  postStep(x: Float64Array, t: number, b: number): void {
    const lo = b * this.blockSize;
    const iv = this.faces.interval;
    let i = lo;
    for (;;) {
      const end = lo + this.activeCount[b];
      // scan until an exit (or the end); exits are rare, so the scan is the hot loop
      i = iv ? this.scanInterval(x, t, b, i, end, iv) : this.scanFaces(x, t, b, i, end);
      if (i >= end) return;
      this.exit(x, i, b, t + this.h, t + this.crossFraction * this.h);
    }
  }

  /** Fraction of the step at which the last detected exit crossed (linear interpolation). */
  private crossFraction = 1;

  /**
   * Interval regions: check slots [i, end) and apply the bridge test; return the first slot that
   * left the region (its crossing fraction in `crossFraction`), or `end`. Kept monomorphic and
   * free of ±Infinity arithmetic, which is slow on some CPUs.
   */
  private scanInterval(x: Float64Array, t: number, b: number, i: number, end: number, iv: { coordinate: number; lower: number; upper: number }): number {
    const d = this.d;
    const c = iv.coordinate;
    const hasLo = iv.lower > -Infinity;
    const hasHi = iv.upper < Infinity;
    const lower = hasLo ? iv.lower : 0;
    const upper = hasHi ? iv.upper : 0;
    const dist = this.dist;
    const state = this.state;
    const g = this.g;
    const gDiag = this.gDiag;
    const bridge = this.bridge;
    const h = this.h;
    const s2c = gDiag ? 0 : g[c] * g[c];
    const kc = s2c > 0 ? -2 / (s2c * h) : 0;
    const u = this.uniforms[b];
    for (; i < end; i++) {
      const v = x[i * d + c];
      const d1l = hasLo ? v - lower : 1;
      const d1u = hasHi ? upper - v : 1;
      if (!(d1l > 0 && d1u > 0)) {
        let theta = 1;
        if (!(d1l > 0)) theta = Math.min(theta, dist[2 * i] / (dist[2 * i] - d1l));
        if (!(d1u > 0)) theta = Math.min(theta, dist[2 * i + 1] / (dist[2 * i + 1] - d1u));
        this.crossFraction = theta === theta ? theta : 1;
        return i;
      }
      if (bridge && state[i] === 0) {
        const s2 = gDiag ? g[i * d + c] * g[i * d + c] : s2c;
        if (s2 > 0) {
          const k = gDiag ? -2 / (s2 * h) : kc;
          let p = 0;
          if (hasLo) {
            const el = k * dist[2 * i] * d1l;
            if (el > -40) p += Math.exp(el);
          }
          if (hasHi) {
            const eu = k * dist[2 * i + 1] * d1u;
            if (eu > -40) p += Math.exp(eu);
          }
          if (p > 0 && u.uniform() < p) {
            state[i] = 1;
            this.tBridge[this.ids[i]] = t + 0.5 * h;
          }
        }
      }
      dist[2 * i] = d1l;
      dist[2 * i + 1] = d1u;
    }
    return end;
  }

  /** The same scan for balls and custom regions, through the face evaluators. */
  private scanFaces(x: Float64Array, t: number, b: number, i: number, end: number): number {
    const d = this.d;
    const m = this.faces.count;
    const h = this.h;
    const now = this.now;
    const dist = this.dist;
    const state = this.state;
    const g = this.g;
    const u = this.uniforms[b];
    for (; i < end; i++) {
      const o = i * d;
      this.faces.eval(x, o, now);
      let theta = 2;
      for (let k = 0; k < m; k++) {
        const d1 = now[k];
        if (!(d1 > 0)) {
          const d0 = dist[i * m + k];
          const th = d0 > 0 && d0 < Infinity ? d0 / (d0 - d1) : 1;
          if (th < theta) theta = th;
        }
      }
      if (theta <= 1) {
        this.crossFraction = theta === theta ? theta : 1;
        return i;
      }
      if (this.bridge && state[i] === 0) {
        let p = 0;
        for (let k = 0; k < m; k++) {
          const d0 = dist[i * m + k];
          const d1 = now[k];
          if (d0 === Infinity || d1 === Infinity) continue;
          const s2 = this.faces.variance(g, this.gDiag ? o : 0, k);
          if (!(s2 > 0)) continue;
          const e = (-2 * d0 * d1) / (s2 * h);
          if (e > -40) p += Math.exp(e);
        }
        if (p > 0 && u.uniform() < p) {
          state[i] = 1;
          this.tBridge[this.ids[i]] = t + 0.5 * h;
        }
      }
      for (let k = 0; k < m; k++) dist[i * m + k] = now[k];
    }
    return end;
  }

  /** Copy slot-ordered states into replica order. */
  unpermute(x: Float64Array, out: Float64Array): Float64Array {
    const d = this.d;
    for (let i = 0; i < this.n; i++) {
      const id = this.ids[i];
      for (let j = 0; j < d; j++) out[id * d + j] = x[i * d + j];
    }
    return out;
  }

  result(): FirstPassageResult {
    const uncorrected = new Moments();
    const corrected = this.bridge ? new Moments() : null;
    const times = new Float64Array(this.n).fill(NaN);
    for (let i = 0; i < this.n; i++) {
      const tg = this.tGrid[i];
      if (tg === tg) uncorrected.push(tg);
      if (corrected) {
        const tb = this.tBridge[i];
        if (tb === tb) {
          corrected.push(tb);
          times[i] = tb;
        }
      } else if (tg === tg) times[i] = tg;
    }
    const primary = corrected ?? uncorrected;
    return {
      replicas: this.n,
      exited: primary.n,
      censored: this.n - primary.n,
      mean: primary.n > 0 ? primary.mean : NaN,
      se: primary.n > 1 ? primary.sem : NaN,
      bridge: this.bridge,
      corrected,
      uncorrected,
      exitedUncorrected: uncorrected.n,
      times,
    };
  }
}

/**
 * Merge first-passage results of consecutive parts of one ensemble (in order), e.g. the jobs
 * of an executor. Moments merge exactly; per-replica times are concatenated.
 */
export function mergeFirstPassage(parts: readonly FirstPassageResult[]): FirstPassageResult {
  if (parts.length === 0) throw new ParameterError('parts', parts, 'at least one result');
  const bridge = parts[0].bridge;
  const uncorrected = new Moments();
  const corrected = bridge ? new Moments() : null;
  let replicas = 0;
  for (const p of parts) {
    uncorrected.merge(p.uncorrected);
    if (corrected && p.corrected) corrected.merge(p.corrected);
    replicas += p.replicas;
  }
  const times = new Float64Array(replicas);
  let off = 0;
  for (const p of parts) {
    times.set(p.times, off);
    off += p.times.length;
  }
  const primary = corrected ?? uncorrected;
  return {
    replicas,
    exited: primary.n,
    censored: replicas - primary.n,
    mean: primary.n > 0 ? primary.mean : NaN,
    se: primary.n > 1 ? primary.sem : NaN,
    bridge,
    corrected,
    uncorrected,
    exitedUncorrected: uncorrected.n,
    times,
  };
}
