/**
 * Running a method on a game: one trajectory (for phase portraits and contraction rates), or a
 * noisy ensemble of particles (for E[r²] against steps). Ensembles draw their noise block-wise
 * from core's EnsembleNoise (block b from stream.child(b)), so a result does not depend on how
 * the particles are split; simultaneous GDA with Gaussian noise *is* an Euler–Maruyama step
 * (dt = 1, drift D·v, amplitude D·σ) and runs through tensor's `runEnsemble` on any backend, and
 * the methods on linear games run in the tensor registry's js `game-step` kernel (kernels.ts).
 */
import { assertInteger, assertLength, DivergenceError, EnsembleNoise, Moments, ParameterError, type Stream } from '@snrlab/core';
import { defaultBackend, runEnsemble, type Backend } from '@snrlab/tensor';
import type { Game } from './games.js';
import { linearGameKernel } from './kernels.js';
import { DEFAULT_MOMENTUM, initialState, noiseBlocks, Stepper, validateMethod, type MethodOptions, type Oracle } from './methods.js';
import { fillEnsembleNoise, fillNoise, isSilent, validateNoise, type NoiseSpec } from './noise.js';

/** A run stops when the distance to the equilibrium exceeds this (or turns NaN/Inf). */
export const DIVERGENCE_RADIUS = 1e12;

/**
 * The game's field plus injected noise, read from `noise` at `offset`: call c uses block
 * min(c, blocks − 1) of dim values (see `noiseBlocks`).
 */
export class InjectedNoiseOracle implements Oracle {
  readonly nx: number;
  readonly dim: number;
  readonly linear?: Float64Array;
  noise: Float64Array;
  offset = 0;
  constructor(
    readonly game: Game,
    readonly blocks: number,
  ) {
    this.nx = game.nx;
    this.dim = game.dim;
    this.linear = game.matrix;
    this.noise = new Float64Array(blocks * game.dim);
  }
  field(z: Float64Array, out: Float64Array, call: number, zOff = 0): void {
    this.game.field(z, out, zOff);
    const o = this.offset + (call < this.blocks ? call : this.blocks - 1) * this.dim;
    const xi = this.noise;
    for (let i = 0; i < this.dim; i++) out[i] += xi[o + i];
  }
}

function radiusOf(s: ArrayLike<number>, d: number, off = 0): number {
  let r2 = 0;
  for (let i = 0; i < d; i++) r2 += s[off + i] * s[off + i];
  return Math.sqrt(r2);
}

function checkStart(game: Game, z0: ArrayLike<number>, steps: number): void {
  assertLength('z0', z0, game.dim, `length nx + ny = ${game.dim}`);
  for (let i = 0; i < z0.length; i++) if (!Number.isFinite(z0[i])) throw new ParameterError(`z0[${i}]`, z0[i], 'a finite number');
  assertInteger('steps', steps, { min: 1 });
}

export interface TrajectoryOptions extends MethodOptions {
  game: Game;
  z0: ArrayLike<number>;
  steps: number;
  noise?: NoiseSpec;
  /** Needed when the noise is not silent. */
  stream?: Stream;
  /** Keep every `pathEvery`-th iterate in `path` (default 1: all). */
  pathEvery?: number;
  /** Reported in a DivergenceError. */
  replica?: number;
}

export interface Trajectory {
  /** |z_k| for k = 0..steps. */
  radius: Float64Array;
  /** Kept iterates, row-major (points × dim), starting with z₀. */
  path: Float64Array;
  /** Step index of each kept iterate. */
  pathSteps: number[];
  final: Float64Array;
}

/** One trajectory of a method. Stops with a DivergenceError when |z| > 10¹² or turns non-finite. */
export function trajectory(o: TrajectoryOptions): Trajectory {
  validateMethod(o);
  checkStart(o.game, o.z0, o.steps);
  const noise = o.noise ?? { kind: 'none', sigma: 0 };
  validateNoise(noise);
  if (!isSilent(noise) && !o.stream) throw new ParameterError('stream', o.stream, 'a Stream when the noise is not silent');
  const d = o.game.dim;
  const oracle = new InjectedNoiseOracle(o.game, noiseBlocks(o.method));
  const stepper = new Stepper(oracle, o);
  const s = initialState(o.method, o.z0);
  const every = o.pathEvery ?? 1;
  assertInteger('pathEvery', every, { min: 1 });
  const radius = new Float64Array(o.steps + 1);
  const kept = Math.floor(o.steps / every) + 1;
  const path = new Float64Array(kept * d);
  const pathSteps: number[] = [0];
  path.set(s.subarray(0, d), 0);
  radius[0] = radiusOf(s, d);
  for (let k = 0; k < o.steps; k++) {
    if (!isSilent(noise)) fillNoise(noise, o.stream as Stream, oracle.noise);
    stepper.step(s, k);
    const r = radiusOf(s, d);
    radius[k + 1] = r;
    if (!(r <= DIVERGENCE_RADIUS)) {
      throw new DivergenceError(k + 1, k + 1, o.replica ?? 0, r, { radius: radius.slice(0, k + 1) }, `|z| exceeded ${DIVERGENCE_RADIUS} with ${o.method}`);
    }
    if ((k + 1) % every === 0) {
      path.set(s.subarray(0, d), pathSteps.length * d);
      pathSteps.push(k + 1);
    }
  }
  return { radius, path, pathSteps, final: s.slice(0, d) };
}

/** A scalar read off each particle's z at the recorded steps (r² is always recorded). */
export interface Observable {
  name: string;
  fn: (z: Float64Array, offset: number) => number;
}

export interface EnsembleRunOptions extends MethodOptions {
  game: Game;
  z0: ArrayLike<number>;
  steps: number;
  particles: number;
  noise: NoiseSpec;
  stream: Stream;
  backend?: Backend;
  /** Record the moments every `recordEvery` steps (and at the last step). */
  recordEvery?: number;
  observables?: Observable[];
  /** Run simultaneous GDA with Gaussian noise through tensor's `runEnsemble` (default true). */
  useEmStep?: boolean;
  /** Use the fused kernel on linear games (default true); false runs the generic stepper. */
  fused?: boolean;
  /** Index of this ensemble's first particle, for DivergenceError reports. */
  firstParticle?: number;
  /** Called at k = 0 and after every step with the ensemble (particle p's z at p·stride). */
  onStep?: (k: number, state: Float64Array, stride: number) => void;
}

export interface EnsembleResult {
  /** Recorded step indices (0 is the start). */
  steps: number[];
  /** Moments of r² = |z|² over the particles, one per recorded step. */
  r2: Moments[];
  /** Moments of each extra observable, by name. */
  observed: Record<string, Moments[]>;
  /** Final iterates, particles × dim. */
  final: Float64Array;
}

/**
 * A noisy ensemble: every particle starts at z₀ and runs the method with independent noise.
 * Stops with a DivergenceError (step, particle, radius) when a particle's |z| exceeds 10¹².
 */
export function runGameEnsemble(o: EnsembleRunOptions): EnsembleResult {
  validateMethod(o);
  validateNoise(o.noise);
  checkStart(o.game, o.z0, o.steps);
  assertInteger('particles', o.particles, { min: 1 });
  const every = o.recordEvery ?? 1;
  assertInteger('recordEvery', every, { min: 1 });
  const d = o.game.dim;
  const N = o.particles;
  const observables = o.observables ?? [];
  const result: EnsembleResult = { steps: [], r2: [], observed: Object.fromEntries(observables.map((ob) => [ob.name, []])), final: new Float64Array(N * d) };
  const record = (k: number, z: Float64Array, stride: number) => {
    const m = new Moments();
    for (let p = 0; p < N; p++) {
      const r = radiusOf(z, d, p * stride);
      m.push(r * r);
    }
    result.steps.push(k);
    result.r2.push(m);
    for (const ob of observables) {
      const mo = new Moments();
      for (let p = 0; p < N; p++) mo.push(ob.fn(z, p * stride));
      result.observed[ob.name].push(mo);
    }
  };
  const isRecorded = (k: number) => k % every === 0 || k === o.steps;
  const limit2 = DIVERGENCE_RADIUS * DIVERGENCE_RADIUS;
  const squaredRadius = (z: Float64Array, off: number) => {
    let r2 = 0;
    for (let i = 0; i < d; i++) r2 += z[off + i] * z[off + i];
    return r2;
  };
  const diverge = (k: number, p: number, r2: number): never => {
    throw new DivergenceError(k, k, (o.firstParticle ?? 0) + p, Math.sqrt(r2), { steps: result.steps.slice(), r2: result.r2.map((m) => m.toJSON()) }, `|z| exceeded ${DIVERGENCE_RADIUS} with ${o.method}`);
  };
  const checkRadius = (k: number, z: Float64Array, stride: number) => {
    for (let p = 0; p < N; p++) {
      const r2 = squaredRadius(z, p * stride);
      if (!(r2 <= limit2)) diverge(k, p, r2);
    }
  };
  const backend = o.backend ?? defaultBackend();

  if (o.method === 'simultaneous' && o.noise.kind !== 'alpha-stable' && o.useEmStep !== false) {
    // z ← z + D v(z) + D σ ξ: an Euler–Maruyama step with dt = 1
    const x = new Float64Array(N * d);
    for (let p = 0; p < N; p++) for (let i = 0; i < d; i++) x[p * d + i] = o.z0[i];
    const sigma = new Float64Array(d);
    const eta = new Float64Array(d);
    for (let i = 0; i < d; i++) {
      eta[i] = i < o.game.nx ? o.learningRateX : o.learningRateY;
      sigma[i] = o.noise.kind === 'none' ? 0 : eta[i] * o.noise.sigma;
    }
    const game = o.game;
    const M = game.matrix;
    const drift = {
      kind: 'batched' as const,
      fn: (z: Float64Array, out: Float64Array, n: number) => {
        if (M && d === 2) {
          // the plane: matrix entries in registers (a generic short loop costs several times more)
          const a = M[0] * eta[0];
          const b = M[1] * eta[0];
          const c = M[2] * eta[1];
          const e = M[3] * eta[1];
          for (let p = 0; p < n; p++) {
            const x = z[2 * p];
            const y = z[2 * p + 1];
            out[2 * p] = a * x + b * y;
            out[2 * p + 1] = c * x + e * y;
          }
          return;
        }
        for (let p = 0; p < n; p++) {
          game.field(z, out, p * d, p * d);
          for (let i = 0; i < d; i++) out[p * d + i] *= eta[i];
        }
      },
    };
    record(0, x, d);
    o.onStep?.(0, x, d);
    runEnsemble({
      x,
      n: N,
      d,
      drift,
      dt: 1,
      steps: o.steps,
      sigma,
      stream: o.stream,
      backend,
      onStep: (k, _t, z) => {
        checkRadius(k, z, d);
        if (isRecorded(k)) record(k, z, d);
        o.onStep?.(k, z, d);
      },
    });
    result.final.set(x);
    return result;
  }

  const blocks = noiseBlocks(o.method);
  const oracle = new InjectedNoiseOracle(o.game, blocks);
  const stepper = new Stepper(oracle, o);
  const S = stepper.size;
  const state = new Float64Array(N * S);
  const s0 = initialState(o.method, o.z0);
  for (let p = 0; p < N; p++) state.set(s0, p * S);
  const per = blocks * d;
  const ensembleNoise = new EnsembleNoise(o.stream, N, per);
  const eta = new Float64Array(d);
  for (let i = 0; i < d; i++) eta[i] = i < o.game.nx ? o.learningRateX : o.learningRateY;
  record(0, state, S);
  o.onStep?.(0, state, S);
  const M = o.game.matrix;
  if (M && o.fused !== false) {
    // the registry's game-step kernel draws from the same block streams, continuing them from
    // call to call; it runs block-major up to each recorded step (each step when onStep watches)
    const step = linearGameKernel({
      state,
      n: N,
      d,
      nx: o.game.nx,
      M,
      eta,
      method: o.method,
      momentum: o.momentum ?? DEFAULT_MOMENTUM,
      noise: o.noise,
      stream: ensembleNoise,
      radius: DIVERGENCE_RADIUS,
    });
    for (let k = 0; k < o.steps; ) {
      const next = o.onStep ? k + 1 : Math.min(o.steps, (Math.floor(k / every) + 1) * every);
      const dv = step(k, next - k);
      if (dv) {
        const p = Math.floor(dv.index / S);
        diverge(k + dv.step, p, squaredRadius(state, p * S));
      }
      k = next;
      if (isRecorded(k)) record(k, state, S);
      o.onStep?.(k, state, S);
    }
  } else {
    const noiseBuf = new Float64Array(N * per);
    oracle.noise = noiseBuf;
    const fillNormal = (src: EnsembleNoise, out: Float64Array) => backend.fillNormal(src, out);
    for (let k = 0; k < o.steps; k++) {
      fillEnsembleNoise(o.noise, ensembleNoise, noiseBuf, fillNormal);
      for (let p = 0; p < N; p++) {
        oracle.offset = p * per;
        stepper.step(state, k, p * S);
      }
      checkRadius(k + 1, state, S);
      if (isRecorded(k + 1)) record(k + 1, state, S);
      o.onStep?.(k + 1, state, S);
    }
  }
  for (let p = 0; p < N; p++) for (let i = 0; i < d; i++) result.final[p * d + i] = state[p * S + i];
  return result;
}
