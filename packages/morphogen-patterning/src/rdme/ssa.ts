/**
 * Exact stochastic simulation of the RDME by the next-subvolume method (Elf & Ehrenberg 2004):
 * each voxel holds the time of its next event, τ_i = t + Exp(1)/a_i with a_i = b_i + e_i·n_i its
 * total propensity; an indexed binary min-heap gives the next voxel in O(1) and re-sorts a
 * changed voxel in O(log V). After an event in voxel i, τ_i is drawn afresh; a diffusion target j
 * keeps its clock rescaled, τ_j ← t + (a_j,old/a_j,new)(τ_j − t) (Gibson & Bruck 2000), which is
 * exact and costs no random number. One event uses two uniforms and no allocation.
 *
 * Observation: each voxel keeps ∫n dt and ∫n² dt since the last `resetWindow`, updated lazily
 * when its count changes, so time averages cost O(1) per event and O(V) per window.
 */
import { assertPositive, ParameterError, type Stream } from '@snrlab/core';
import type { RdmeModel } from './model.js';

/** What every RDME simulator (exact or approximate) offers. */
export interface RdmeSimulator {
  readonly model: RdmeModel;
  /** Current copy numbers (integers for the SSA and tau-leaping, reals for the CLE). */
  readonly counts: ArrayLike<number>;
  readonly time: number;
  /** Events (SSA) or steps (tau-leaping, CLE) so far. */
  readonly events: number;
  /** Advance to time tEnd (≥ time). */
  advance(tEnd: number): void;
  /** Start a new observation window at the current time. */
  resetWindow(): void;
  /** Time averages of n (and n²) per voxel over the window since `resetWindow`. */
  windowAverages(mean: Float64Array, meanSquare?: Float64Array): number;
}

export function checkInitial(V: number, initial: ArrayLike<number> | undefined, integer: boolean): void {
  if (!initial) return;
  if (initial.length !== V) throw new ParameterError('initial.length', initial.length, `${V} (one count per voxel)`);
  for (let i = 0; i < V; i++) {
    const v = initial[i];
    if (!(v >= 0 && Number.isFinite(v) && (!integer || Number.isInteger(v)))) {
      throw new ParameterError(`initial[${i}]`, v, integer ? 'a non-negative integer count' : 'a non-negative finite count');
    }
  }
}

export class NextSubvolumeSSA implements RdmeSimulator {
  readonly counts: Int32Array;
  time = 0;
  events = 0;
  private readonly V: number;
  private readonly birth: Float64Array;
  private readonly exit: Float64Array;
  private readonly prop: Float64Array;
  private readonly tau: Float64Array;
  private readonly heap: Int32Array;
  private readonly pos: Int32Array;
  private readonly nbr: Int32Array;
  private readonly deg: Int32Array;
  private readonly last: Float64Array;
  private readonly acc1: Float64Array;
  private readonly acc2: Float64Array;
  private windowStart = 0;

  constructor(
    readonly model: RdmeModel,
    private readonly stream: Stream,
    initial?: ArrayLike<number>,
  ) {
    const V = model.voxels;
    checkInitial(V, initial, true);
    this.V = V;
    this.counts = new Int32Array(V);
    if (initial) for (let i = 0; i < V; i++) this.counts[i] = initial[i];
    this.birth = Float64Array.from(model.production);
    this.exit = new Float64Array(V);
    for (let i = 0; i < V; i++) this.exit[i] = model.k + model.jumpRate * model.degree[i] + model.outflow[i];
    this.prop = new Float64Array(V);
    this.tau = new Float64Array(V);
    this.heap = new Int32Array(V);
    this.pos = new Int32Array(V);
    this.nbr = model.neighbours;
    this.deg = model.degree;
    this.last = new Float64Array(V);
    this.acc1 = new Float64Array(V);
    this.acc2 = new Float64Array(V);
    for (let i = 0; i < V; i++) {
      const a = this.birth[i] + this.exit[i] * this.counts[i];
      this.prop[i] = a;
      this.tau[i] = a > 0 ? stream.exponential() / a : Infinity;
      this.heap[i] = i;
      this.pos[i] = i;
    }
    for (let h = (V >> 1) - 1; h >= 0; h--) this.siftDown(h);
  }

  private siftUp(h: number): void {
    const heap = this.heap;
    const pos = this.pos;
    const tau = this.tau;
    const v = heap[h];
    const t = tau[v];
    while (h > 0) {
      const p = (h - 1) >> 1;
      const u = heap[p];
      if (tau[u] <= t) break;
      heap[h] = u;
      pos[u] = h;
      h = p;
    }
    heap[h] = v;
    pos[v] = h;
  }

  private siftDown(h: number): void {
    const heap = this.heap;
    const pos = this.pos;
    const tau = this.tau;
    const n = this.V;
    const v = heap[h];
    const t = tau[v];
    for (;;) {
      let c = 2 * h + 1;
      if (c >= n) break;
      const r = c + 1;
      if (r < n && tau[heap[r]] < tau[heap[c]]) c = r;
      const u = heap[c];
      if (tau[u] >= t) break;
      heap[h] = u;
      pos[u] = h;
      h = c;
    }
    heap[h] = v;
    pos[v] = h;
  }

  /** Run events until the next one would fall after tEnd; then time = tEnd. */
  advance(tEnd: number): void {
    if (!(tEnd >= this.time && tEnd < Infinity)) throw new ParameterError('tEnd', tEnd, `a finite time ≥ the current time ${this.time}`);
    const { counts, birth, exit, prop, tau, heap, pos, nbr, deg, last, acc1, acc2, stream } = this;
    const out = this.model.outflow;
    const V = this.V;
    const k = this.model.k;
    const d = this.model.jumpRate;
    let events = this.events;
    for (;;) {
      const i = heap[0];
      const t = tau[i];
      if (t > tEnd) break;
      const n = counts[i];
      const w = t - last[i];
      acc1[i] += n * w;
      acc2[i] += n * n * w;
      last[i] = t;
      let u = stream.uniform() * prop[i];
      if (u < birth[i]) {
        counts[i] = n + 1;
      } else {
        counts[i] = n - 1;
        // u − b_i is uniform on [0, e_i·n): per molecule, which channel fired
        u = (u - birth[i]) / n - k;
        if (u >= 0) {
          const g = deg[i];
          let slot = (u / d) | 0;
          if (slot < g || out[i] === 0) {
            if (slot >= g) slot = g - 1; // round-off at the top of the range
            const j = nbr[4 * i + slot];
            const m = counts[j];
            const wj = t - last[j];
            acc1[j] += m * wj;
            acc2[j] += m * m * wj;
            last[j] = t;
            counts[j] = m + 1;
            const aOld = prop[j];
            const aNew = aOld + exit[j];
            prop[j] = aNew;
            tau[j] = aOld > 0 ? t + (aOld / aNew) * (tau[j] - t) : t + stream.exponential() / aNew;
            // the rescaled clock only moves earlier
            let h = pos[j];
            const tj = tau[j];
            while (h > 0) {
              const p = (h - 1) >> 1;
              const q = heap[p];
              if (tau[q] <= tj) break;
              heap[h] = q;
              pos[q] = h;
              h = p;
            }
            heap[h] = j;
            pos[j] = h;
          }
          // else: removed through an absorbing face
        }
      }
      const a = birth[i] + exit[i] * counts[i];
      prop[i] = a;
      const ti = a > 0 ? t + stream.exponential() / a : Infinity;
      tau[i] = ti;
      // i's clock moved later: sift it down from where it sits (the root, barring ties)
      let h = pos[i];
      for (;;) {
        let c = 2 * h + 1;
        if (c >= V) break;
        if (c + 1 < V && tau[heap[c + 1]] < tau[heap[c]]) c++;
        const u = heap[c];
        if (tau[u] >= ti) break;
        heap[h] = u;
        pos[u] = h;
        h = c;
      }
      heap[h] = i;
      pos[i] = h;
      events++;
    }
    this.events = events;
    this.time = tEnd;
  }

  resetWindow(): void {
    this.acc1.fill(0);
    this.acc2.fill(0);
    this.last.fill(this.time);
    this.windowStart = this.time;
  }

  windowAverages(mean: Float64Array, meanSquare?: Float64Array): number {
    const T = this.time - this.windowStart;
    assertPositive('window length', T);
    const { counts, last, acc1, acc2 } = this;
    for (let i = 0; i < this.V; i++) {
      const n = counts[i];
      const w = this.time - last[i];
      mean[i] = (acc1[i] + n * w) / T;
      if (meanSquare) meanSquare[i] = (acc2[i] + n * n * w) / T;
    }
    return T;
  }
}
