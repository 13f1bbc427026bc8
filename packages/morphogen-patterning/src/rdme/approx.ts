/**
 * Approximate RDME simulators for large copy numbers.
 *
 * Tau-leaping (binomial leap, in the spirit of Chatterjee et al. 2005 and Tian & Burrage 2004):
 * in a leap of length τ each of the n_i molecules of voxel i leaves with probability
 * q_i = 1 − e^{−e_i τ} (Binomial), the leavers split multinomially among decay, the jumps and the
 * outflow in proportion to their rates; voxel i gains Poisson(b_i·q_i/e_i) new molecules, the
 * births still in place at the end of the leap (this makes the fixed point of the mean exact
 * wherever neighbouring exit rates are equal; elsewhere the mean is off by O(e·τ)). Counts never
 * go negative. A molecule moves at most once per leap, so the leap keeps e_max·τ ≤ ε; within
 * that, the Cao–Gillespie–Petzold (2006) rule keeps the expected change and the sd of each count
 * over τ below max(ε·n_i, 1). ε = 0.03 by default.
 *
 * Chemical Langevin equation (Gillespie 2000), Euler–Maruyama with step dt: every channel r with
 * propensity a_r contributes a_r·dt + √(a_r·dt)·ξ_r to its stoichiometry; copy numbers are
 * real and a propensity uses max(n, 0), so a rare excursion below zero is allowed and reported.
 */
import { assertPositive, binomial, DivergenceError, ParameterError, poisson, type Stream } from '@snrlab/core';
import type { RdmeModel } from './model.js';
import { checkInitial, type RdmeSimulator } from './ssa.js';

/** Left-Riemann time integrals ∫n dt and ∫n² dt over a window, for fixed-step simulators. */
class WindowAccumulator {
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

export interface TauLeapOptions {
  /** Fixed leap (s); when absent the Cao–Gillespie–Petzold rule with `epsilon` picks each leap. */
  tau?: number;
  /** Error-control parameter ε of the leap rule (default 0.03). */
  epsilon?: number;
}

export class TauLeapSimulator implements RdmeSimulator {
  readonly counts: Int32Array;
  time = 0;
  events = 0;
  private readonly delta: Int32Array;
  private readonly win: WindowAccumulator;
  private readonly epsilon: number;
  private readonly fixedTau: number | undefined;

  constructor(
    readonly model: RdmeModel,
    private readonly stream: Stream,
    initial?: ArrayLike<number>,
    opts: TauLeapOptions = {},
  ) {
    const V = model.voxels;
    checkInitial(V, initial, true);
    this.counts = new Int32Array(V);
    if (initial) for (let i = 0; i < V; i++) this.counts[i] = initial[i];
    this.delta = new Int32Array(V);
    this.win = new WindowAccumulator(V);
    this.epsilon = opts.epsilon ?? 0.03;
    if (!(this.epsilon > 0 && this.epsilon < 1)) throw new ParameterError('epsilon', this.epsilon, 'a number in (0, 1)');
    if (opts.tau !== undefined) assertPositive('tau', opts.tau);
    this.fixedTau = opts.tau;
  }

  /** The leap for the current state: Cao–Gillespie–Petzold, capped at e_max·τ = ε. */
  leapSize(): number {
    if (this.fixedTau !== undefined) return this.fixedTau;
    const m = this.model;
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

  private leap(tau: number): void {
    const m = this.model;
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

  advance(tEnd: number): void {
    if (!(tEnd >= this.time && tEnd < Infinity)) throw new ParameterError('tEnd', tEnd, `a finite time ≥ the current time ${this.time}`);
    while (this.time < tEnd) {
      const tau = Math.min(this.leapSize(), tEnd - this.time);
      this.win.add(this.counts, tau);
      this.leap(tau);
      this.time = tEnd - this.time <= tau ? tEnd : this.time + tau;
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

export interface CleOptions {
  /** Euler–Maruyama step (s); default 0.05/e_max, e_max the largest per-molecule exit rate. */
  dt?: number;
}

export class ChemicalLangevinSimulator implements RdmeSimulator {
  readonly counts: Float64Array;
  time = 0;
  events = 0;
  readonly dt: number;
  /** Steps in which some count went below zero. */
  negativeSteps = 0;
  private readonly noise: Float64Array;
  private readonly next: Float64Array;
  private readonly win: WindowAccumulator;
  private readonly noisePerVoxel: number;

  constructor(
    readonly model: RdmeModel,
    private readonly stream: Stream,
    initial?: ArrayLike<number>,
    opts: CleOptions = {},
  ) {
    const V = model.voxels;
    checkInitial(V, initial, false);
    this.counts = new Float64Array(V);
    if (initial) for (let i = 0; i < V; i++) this.counts[i] = initial[i];
    let eMax = 0;
    for (let i = 0; i < V; i++) eMax = Math.max(eMax, model.k + model.jumpRate * model.degree[i] + model.outflow[i]);
    this.dt = opts.dt ?? 0.05 / eMax;
    assertPositive('dt', this.dt);
    // per voxel: production, decay, outflow and one jump per neighbour slot
    this.noisePerVoxel = 7;
    this.noise = new Float64Array(V * this.noisePerVoxel);
    this.next = new Float64Array(V);
    this.win = new WindowAccumulator(V);
  }

  private step(dt: number): void {
    const m = this.model;
    const { counts, next, noise } = this;
    const k = m.k;
    const d = m.jumpRate;
    const V = m.voxels;
    const K = this.noisePerVoxel;
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
      if (!Number.isFinite(v)) throw new DivergenceError(this.events, this.time, 0, v, { counts: Float64Array.from(counts) }, `CLE voxel ${i}`);
      if (v < 0) negative = true;
      counts[i] = v;
    }
    if (negative) this.negativeSteps++;
  }

  advance(tEnd: number): void {
    if (!(tEnd >= this.time && tEnd < Infinity)) throw new ParameterError('tEnd', tEnd, `a finite time ≥ the current time ${this.time}`);
    while (this.time < tEnd) {
      const dt = Math.min(this.dt, tEnd - this.time);
      this.win.add(this.counts, dt);
      this.step(dt);
      this.time = tEnd - this.time <= dt ? tEnd : this.time + dt;
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
