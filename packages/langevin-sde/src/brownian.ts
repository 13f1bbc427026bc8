/**
 * Brownian paths for ensembles that can be replayed at nested step sizes, so that solvers
 * (and one solver at several step sizes) are compared on the same noise, as strong-error
 * measurements require.
 *
 * A path is a pure function of its stream: N replicas × d independent Wiener processes on a
 * finest grid of step `dt`. A walk with k fine steps per increment returns, per replica,
 *   ΔW = W(t + k·dt) − W(t)   and   Z = ∫_t^{t+k·dt} (W(s) − W(t)) ds  (= I_(1,0), Kloeden–Platen),
 * which the order-1.5 schemes need. Two constructions:
 * - 'sum': draw the finest increments (ΔW_j, Z_j) and aggregate them exactly,
 *   ΔW = Σ ΔW_j,  Z = Σ_j [Z_j + dt·(W_j − W_0)];
 * - 'bridge': draw W(t1) first, then midpoints level by level (a Brownian bridge for (W, Z)
 *   jointly), so that the coarse increments do not depend on how finely the path is refined.
 *
 * Replicas are grouped in blocks (core's EnsembleNoise convention): block b draws from
 * `stream.child(firstBlock + b)`, so a path split across workers is the same path, and the
 * 'sum' path with k = 1 draws exactly the normals the tensor package's EM kernel draws.
 */
import { assertInteger, assertOneOf, assertPositive, DEFAULT_BLOCK_SIZE, ParameterError, type Stream } from '@snrlab/core';

export type BrownianMethod = 'sum' | 'bridge';

export interface BrownianPathOptions {
  stream: Stream;
  /** Number of replicas N (default 1). */
  replicas?: number;
  /** Independent Wiener processes per replica d (default 1). */
  dim?: number;
  /** Start time (default 0). */
  t0?: number;
  /** Finest step. */
  dt: number;
  /** Number of finest steps: required for 'bridge' (a power of two), optional for 'sum'. */
  steps?: number;
  method?: BrownianMethod;
  /** Also produce Z = ∫(W − W(t)) ds per increment (default false; 'bridge' always carries it). */
  timeIntegral?: boolean;
  blockSize?: number;
  /** Global index of block 0 (for a part of a larger ensemble). */
  firstBlock?: number;
}

const SQRT3_INV = 1 / Math.sqrt(3);

export class BrownianPath {
  readonly stream: Stream;
  readonly replicas: number;
  readonly dim: number;
  readonly t0: number;
  readonly dt: number;
  readonly steps: number | undefined;
  readonly method: BrownianMethod;
  readonly timeIntegral: boolean;
  readonly blockSize: number;
  readonly firstBlock: number;
  readonly blocks: number;
  /** log2(steps) for the bridge. */
  readonly levels: number;

  constructor(o: BrownianPathOptions) {
    if (!o || typeof o.stream?.child !== 'function') throw new ParameterError('stream', o?.stream, 'a core Stream');
    this.stream = o.stream;
    this.replicas = o.replicas ?? 1;
    assertInteger('replicas', this.replicas, { min: 1 });
    this.dim = o.dim ?? 1;
    assertInteger('dim', this.dim, { min: 1 });
    this.t0 = o.t0 ?? 0;
    assertPositive('dt', o.dt);
    this.dt = o.dt;
    this.method = o.method ?? 'sum';
    assertOneOf('method', this.method, ['sum', 'bridge'] as const);
    this.blockSize = o.blockSize ?? DEFAULT_BLOCK_SIZE;
    assertInteger('blockSize', this.blockSize, { min: 1 });
    this.firstBlock = o.firstBlock ?? 0;
    assertInteger('firstBlock', this.firstBlock, { min: 0 });
    this.blocks = Math.ceil(this.replicas / this.blockSize);
    this.steps = o.steps;
    if (o.steps !== undefined) assertInteger('steps', o.steps, { min: 1 });
    if (this.method === 'bridge') {
      const s = o.steps;
      if (s === undefined || !Number.isInteger(Math.log2(s))) throw new ParameterError('steps', s, "a power of two (the bridge refines [t0, t0 + steps·dt] by halving)");
      this.levels = Math.log2(s);
      this.timeIntegral = true;
    } else {
      this.levels = 0;
      this.timeIntegral = o.timeIntegral ?? false;
    }
  }

  /** End of the path's horizon (t0 + steps·dt), if it has one. */
  get t1(): number | undefined {
    return this.steps === undefined ? undefined : this.t0 + this.steps * this.dt;
  }

  /** Particles [lo, hi) of block b (local index). */
  blockRange(b: number): [number, number] {
    const lo = b * this.blockSize;
    return [lo, Math.min(this.replicas, lo + this.blockSize)];
  }

  /**
   * Walk the path from t0 with increments of k fine steps (step k·dt). Every walk replays the
   * same path: walk(2) sees exactly the pairwise sums of what walk(1) sees.
   */
  walk(k = 1): BrownianWalker {
    assertInteger('k', k, { min: 1 });
    if (this.method === 'bridge') {
      if (!Number.isInteger(Math.log2(k)) || k > this.steps!) {
        throw new ParameterError('k', k, `a power of two ≤ steps = ${this.steps} (bridge paths refine by halving)`);
      }
      return new BridgeWalker(this, k);
    }
    return new SumWalker(this, k);
  }
}

/** Iterates the increments of a path at one step size. */
export abstract class BrownianWalker {
  /** Step of each increment (k·dt). */
  readonly h: number;
  /** Increments taken per block. */
  protected readonly taken: Int32Array;

  constructor(
    readonly path: BrownianPath,
    readonly k: number,
  ) {
    this.h = k * path.dt;
    this.taken = new Int32Array(path.blocks);
  }

  /** Time at the end of the next increment of block b. */
  timeOf(b: number): number {
    return this.path.t0 + (this.taken[b] + 1) * this.h;
  }

  /**
   * The next increment of block b: ΔW into dW and (if given) Z into dZ, at the block's
   * particle offsets (arrays of N·d values, particle-major). With `count`, only the block's
   * first `count` particles draw (a compacted ensemble; 'sum' paths only).
   */
  abstract nextBlock(b: number, dW: Float64Array, dZ?: Float64Array, count?: number): void;

  /** The next increment of every replica. */
  next(dW: Float64Array, dZ?: Float64Array): void {
    const need = this.path.replicas * this.path.dim;
    if (dW.length < need) throw new ParameterError('dW.length', dW.length, `at least N·d = ${need}`);
    if (dZ && dZ.length < need) throw new ParameterError('dZ.length', dZ.length, `at least N·d = ${need}`);
    for (let b = 0; b < this.path.blocks; b++) this.nextBlock(b, dW, dZ);
  }

  protected checkHorizon(b: number): void {
    const s = this.path.steps;
    if (s !== undefined && (this.taken[b] + 1) * this.k > s) {
      throw new ParameterError('steps', (this.taken[b] + 1) * this.k, `at most the path's ${s} fine steps (t1 = ${this.path.t1})`);
    }
  }
}

class SumWalker extends BrownianWalker {
  private readonly wStreams: Stream[];
  private readonly zStreams: Stream[] | null;
  private readonly xi: Float64Array;
  private readonly eta: Float64Array | null;
  private readonly sq: number;

  constructor(path: BrownianPath, k: number) {
    super(path, k);
    const first = path.firstBlock;
    this.wStreams = Array.from({ length: path.blocks }, (_, b) => path.stream.child(first + b));
    const area = path.timeIntegral ? path.stream.child('time-integral') : null;
    this.zStreams = area ? Array.from({ length: path.blocks }, (_, b) => area.child(first + b)) : null;
    const size = path.blockSize * path.dim;
    this.xi = new Float64Array(k > 1 || path.timeIntegral ? size : 0);
    this.eta = path.timeIntegral ? new Float64Array(size) : null;
    this.sq = Math.sqrt(path.dt);
  }

  nextBlock(b: number, dW: Float64Array, dZ?: Float64Array, count?: number): void {
    this.checkHorizon(b);
    const p = this.path;
    const d = p.dim;
    const [lo, hi0] = p.blockRange(b);
    const hi = count === undefined ? hi0 : lo + Math.min(count, hi0 - lo);
    const a = lo * d;
    const e = hi * d;
    const len = e - a;
    const sq = this.sq;
    const h = p.dt;
    const ws = this.wStreams[b];
    if (dZ && !this.zStreams) throw new ParameterError('dZ', 'requested', 'a path built with timeIntegral: true');
    if (this.k === 1 && !this.zStreams) {
      const out = dW.subarray(a, e);
      ws.fillNormal(out);
      for (let i = 0; i < len; i++) out[i] *= sq;
      this.taken[b]++;
      return;
    }
    const xi = this.xi.subarray(0, len);
    const eta = this.eta ? this.eta.subarray(0, len) : null;
    const zs = this.zStreams ? this.zStreams[b] : null;
    const cz = 0.5 * h * sq; // Z_j = ½ h^{3/2} (ξ + η/√3)
    if (this.k === 1 && zs && eta) {
      ws.fillNormal(xi);
      zs.fillNormal(eta);
      for (let i = 0; i < len; i++) {
        dW[a + i] = sq * xi[i];
        if (dZ) dZ[a + i] = cz * (xi[i] + eta[i] * SQRT3_INV);
      }
      this.taken[b]++;
      return;
    }
    for (let i = 0; i < len; i++) {
      dW[a + i] = 0;
      if (dZ) dZ[a + i] = 0;
    }
    for (let j = 0; j < this.k; j++) {
      ws.fillNormal(xi);
      if (zs && eta) zs.fillNormal(eta);
      if (dZ && eta) {
        for (let i = 0; i < len; i++) {
          // Z += Z_j + h·(W_j − W_0), with dW holding W_j − W_0 before the update
          dZ[a + i] += cz * (xi[i] + eta[i] * SQRT3_INV) + h * dW[a + i];
          dW[a + i] += sq * xi[i];
        }
      } else {
        for (let i = 0; i < len; i++) dW[a + i] += sq * xi[i];
      }
    }
    this.taken[b]++;
  }
}

/** Per-block state of a bridge walk: the current interval and its pending right sibling per level. */
interface BridgeState {
  streams: Stream[];
  curW: Float64Array[];
  curA: Float64Array[];
  rightW: Float64Array[];
  rightA: Float64Array[];
  xi: Float64Array;
  eta: Float64Array;
}

/**
 * Brownian bridge for (ΔW, A) with A = Z − h·ΔW/2 (independent of ΔW, Var A = h³/12). Splitting
 * an interval of length 2s into halves (a1, A1), (a2, A2), conditioned on the parent:
 *   u = a1 − a2 = 3A/(2s) + √(s/2)·ξ,  v = A1 + A2 = A − s·u/2,  w = A1 − A2 = √(s³/6)·η,
 *   a1,2 = (ΔW ± u)/2,  A1,2 = (v ± w)/2.
 * Level l draws (ξ, η) from its own stream in left-to-right order, so coarse levels never
 * depend on the depth of the walk.
 */
class BridgeWalker extends BrownianWalker {
  private readonly depth: number;
  private readonly states: (BridgeState | null)[];

  constructor(path: BrownianPath, k: number) {
    super(path, k);
    this.depth = path.levels - Math.log2(k);
    this.states = new Array(path.blocks).fill(null);
  }

  private init(b: number): BridgeState {
    const p = this.path;
    const [lo, hi] = p.blockRange(b);
    const len = (hi - lo) * p.dim;
    const L = this.depth;
    const root = p.stream.child('bridge');
    const streams = Array.from({ length: L + 1 }, (_, l) => root.child(l).child(p.firstBlock + b));
    const mk = () => Array.from({ length: L + 1 }, () => new Float64Array(len));
    const st: BridgeState = { streams, curW: mk(), curA: mk(), rightW: mk(), rightA: mk(), xi: new Float64Array(len), eta: new Float64Array(len) };
    // level 0: the whole horizon H
    const H = p.steps! * p.dt;
    streams[0].fillNormal(st.xi);
    streams[0].fillNormal(st.eta);
    const sw = Math.sqrt(H);
    const sa = Math.sqrt((H * H * H) / 12);
    for (let i = 0; i < len; i++) {
      st.curW[0][i] = sw * st.xi[i];
      st.curA[0][i] = sa * st.eta[i];
    }
    for (let l = 1; l <= L; l++) this.split(st, l);
    return st;
  }

  /** Split cur[l − 1] into cur[l] (left half) and right[l]. */
  private split(st: BridgeState, l: number): void {
    const p = this.path;
    const s = (p.steps! * p.dt) / 2 ** l; // child length
    const W = st.curW[l - 1];
    const A = st.curA[l - 1];
    const len = W.length;
    st.streams[l].fillNormal(st.xi);
    st.streams[l].fillNormal(st.eta);
    const cu = 3 / (2 * s);
    const su = Math.sqrt(s / 2);
    const sw = Math.sqrt((s * s * s) / 6);
    const lw = st.curW[l];
    const la = st.curA[l];
    const rw = st.rightW[l];
    const ra = st.rightA[l];
    for (let i = 0; i < len; i++) {
      const u = cu * A[i] + su * st.xi[i];
      const v = A[i] - 0.5 * s * u;
      const w = sw * st.eta[i];
      lw[i] = 0.5 * (W[i] + u);
      rw[i] = 0.5 * (W[i] - u);
      la[i] = 0.5 * (v + w);
      ra[i] = 0.5 * (v - w);
    }
  }

  nextBlock(b: number, dW: Float64Array, dZ?: Float64Array, count?: number): void {
    if (count !== undefined) {
      const [lo, hi] = this.path.blockRange(b);
      if (count !== hi - lo) throw new ParameterError('count', count, `the block's ${hi - lo} particles (a bridge path cannot be compacted)`);
    }
    this.checkHorizon(b);
    let st = this.states[b];
    const j = this.taken[b];
    if (!st) st = this.states[b] = this.init(b);
    else {
      // move to the next interval at the deepest level: the level that changes is L − tz(j)
      const L = this.depth;
      let tz = 0;
      while (((j >> tz) & 1) === 0) tz++;
      const lev = L - tz;
      st.curW[lev].set(st.rightW[lev]);
      st.curA[lev].set(st.rightA[lev]);
      for (let l = lev + 1; l <= L; l++) this.split(st, l);
    }
    const p = this.path;
    const [lo] = p.blockRange(b);
    const a = lo * p.dim;
    const W = st.curW[this.depth];
    const A = st.curA[this.depth];
    const h = this.h;
    for (let i = 0; i < W.length; i++) {
      dW[a + i] = W[i];
      if (dZ) dZ[a + i] = A[i] + 0.5 * h * W[i];
    }
    this.taken[b]++;
  }
}
