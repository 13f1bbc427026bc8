/**
 * The js `game-step` kernel: noisy steps of a linear game v(z) = M z, fused over a block of
 * particles with no call per particle, block-major (block-major.ts). These are the loops
 * gan-dynamics' ensembles run (its golden bytes): the 2-D game keeps the matrix entries in
 * registers, which costs several times less than a generic short loop, and d > 2 runs the
 * generic loops. The laws are those of gan-dynamics' methods.ts (see GameStepArgs).
 */
import { assertInRange, assertInteger, EnsembleNoise, LU, ParameterError, stableSymmetric } from '@snrlab/core';
import { blockMajor, drawNormals, type BlockDraw } from './block-major.js';
import type { GameMethod, GameStepArgs } from './kernel-types.js';
import { toStream } from './streams.js';
import type { Divergence } from './types.js';

/** The methods every backend's game-step runs; js adds 'proximal' and 'negative-momentum'. */
const ALL_BACKENDS: readonly GameMethod[] = ['simultaneous', 'alternating', 'extragradient', 'optimistic'];
const JS_ONLY: readonly GameMethod[] = ['proximal', 'negative-momentum'];

export function etaVector(eta: number | ArrayLike<number>, d: number): Float64Array {
  if (typeof eta === 'number') return new Float64Array(d).fill(eta);
  if (eta.length !== d) throw new ParameterError('eta.length', eta.length, `d = ${d}`);
  return Float64Array.from(eta);
}

/**
 * Checks a game-step call and returns its layout: S state values and `per` noise values per
 * particle. Without `js`, the js-only options (the methods 'proximal' and 'negative-momentum',
 * α-stable noise, an EnsembleNoise to continue, a divergence radius) are refused by name, for the
 * other backends.
 */
export function checkGame(a: GameStepArgs, js = false): { S: number; per: number; eta: Float64Array; M: Float64Array } {
  assertInteger('n', a.n, { min: 1 });
  assertInteger('d', a.d, { min: 1 });
  assertInteger('nx', a.nx, { min: 0, max: a.d });
  assertInteger('steps', a.steps, { min: 0 });
  const methods = js ? [...ALL_BACKENDS, ...JS_ONLY] : ALL_BACKENDS;
  if (!methods.includes(a.method)) {
    const jsOnly = !js && JS_ONLY.includes(a.method) ? ' (proximal and negative-momentum run on js only)' : '';
    throw new ParameterError('method', a.method, `${methods.map((m) => `'${m}'`).join(', ')}${jsOnly}`);
  }
  if (!js && a.alpha !== undefined) throw new ParameterError('alpha', a.alpha, 'undefined: α-stable noise runs on js only');
  if (!js && a.stream instanceof EnsembleNoise) throw new ParameterError('stream', 'an EnsembleNoise', 'a Stream or its state (continuing an EnsembleNoise runs on js only)');
  if (!js && a.radius !== undefined) throw new ParameterError('radius', a.radius, 'undefined: a divergence radius is checked on js only');
  const S = a.method === 'optimistic' || a.method === 'negative-momentum' ? 2 * a.d : a.d;
  if (a.state.length !== a.n * S) throw new ParameterError('state.length', a.state.length, `n·${S} = ${a.n * S}`);
  if (a.M.length !== a.d * a.d) throw new ParameterError('M.length', a.M.length, `d² = ${a.d * a.d}`);
  const M = Float64Array.from(a.M);
  for (let i = 0; i < M.length; i++) if (!Number.isFinite(M[i])) throw new ParameterError(`M[${i}]`, M[i], 'a finite number');
  assertInRange('sigma', a.sigma, 0, Infinity, { hiOpen: true });
  if (a.alpha !== undefined) assertInRange('alpha', a.alpha, 0, 2, { loOpen: true });
  if (a.radius !== undefined) assertInRange('radius', a.radius, 0, Infinity, { loOpen: true });
  if (a.method === 'negative-momentum') assertInRange('momentum', a.momentum, -1, 1, { loOpen: true, hiOpen: true });
  return { S, per: a.method === 'extragradient' ? 2 * a.d : a.d, eta: etaVector(a.eta, a.d), M };
}

/** R = (I − D M)⁻¹ (D = diag η): the proximal step is z ← R (z + D σξ). */
function proximalMatrix(M: Float64Array, eta: Float64Array, d: number): Float64Array {
  const A = new Float64Array(d * d);
  for (let i = 0; i < d; i++) for (let j = 0; j < d; j++) A[i * d + j] = (i === j ? 1 : 0) - eta[i] * M[i * d + j];
  let lu: LU;
  try {
    lu = new LU(A, d);
  } catch {
    throw new ParameterError('eta', Array.from(eta), 'learning rates for which I − D·M is invertible', 'the proximal step has no unique solution');
  }
  const R = new Float64Array(d * d);
  const e = new Float64Array(d);
  const col = new Float64Array(d);
  for (let j = 0; j < d; j++) {
    e.fill(0);
    e[j] = 1;
    lu.solve(e, col);
    for (let i = 0; i < d; i++) R[i * d + j] = col[i];
  }
  return R;
}

/** g[i] = Σ_j M[i,j]·z[o + j] + sg·noise[q + i] for i in [from, to): the noisy field at z[o ..]. */
function noisyField(M: Float64Array, d: number, sg: number, z: Float64Array, o: number, noise: Float64Array, q: number, g: Float64Array, from: number, to: number): void {
  for (let i = from; i < to; i++) {
    let s = sg * noise[q + i];
    for (let j = 0; j < d; j++) s += M[i * d + j] * z[o + j];
    g[i] = s;
  }
}

/** Negative momentum on coordinates [from, to): z ← z + η g + β (z − z_prev), z_prev ← z (z_prev at o + d). */
function momentumUpdate(state: Float64Array, o: number, d: number, eta: Float64Array, g: Float64Array, beta: number, from: number, to: number): void {
  for (let i = from; i < to; i++) {
    const zi = state[o + i];
    state[o + i] = zi + eta[i] * g[i] + beta * (zi - state[o + d + i]);
    state[o + d + i] = zi;
  }
}

/**
 * One step of particles [lo, hi) for one method, the noise of particle p at z[(p − lo)·per ..]
 * (alternating GDA and negative momentum read x's noise from the x-part of one draw and y's from
 * its y-part; extragradient draws twice). Returns (p − lo)·S for the first particle p whose
 * |z|² ≤ limit2 fails (also when it is NaN), or −1.
 */
class LinearGameSteps {
  private readonly g: Float64Array;
  private readonly w: Float64Array;

  constructor(
    readonly method: GameMethod,
    readonly M: Float64Array,
    readonly d: number,
    readonly nx: number,
    readonly eta: Float64Array,
    readonly beta: number,
    readonly R: Float64Array | null,
    readonly S: number,
    readonly per: number,
    readonly sg: number,
    readonly limit2: number,
  ) {
    this.g = new Float64Array(d);
    this.w = new Float64Array(d);
  }

  step(state: Float64Array, lo: number, hi: number, noise: Float64Array, k: number): number {
    if (this.d === 2) return this.step2(state, lo, hi, noise, k);
    this.stepGeneral(state, lo, hi, noise, k);
    const { d, S, limit2 } = this;
    for (let p = lo; p < hi; p++) {
      let r2 = 0;
      for (let i = 0; i < d; i++) r2 += state[p * S + i] * state[p * S + i];
      if (!(r2 <= limit2)) return (p - lo) * S;
    }
    return -1;
  }

  private stepGeneral(state: Float64Array, lo: number, hi: number, noise: Float64Array, k: number): void {
    const { M, d, nx, eta, g, w, S, per, sg } = this;
    switch (this.method) {
      case 'simultaneous':
        for (let p = lo, q = 0; p < hi; p++, q += per) {
          const o = p * S;
          noisyField(M, d, sg, state, o, noise, q, g, 0, d);
          for (let i = 0; i < d; i++) state[o + i] += eta[i] * g[i];
        }
        return;
      case 'alternating':
        for (let p = lo, q = 0; p < hi; p++, q += per) {
          const o = p * S;
          noisyField(M, d, sg, state, o, noise, q, g, 0, nx);
          for (let i = 0; i < nx; i++) state[o + i] += eta[i] * g[i];
          noisyField(M, d, sg, state, o, noise, q, g, nx, d);
          for (let i = nx; i < d; i++) state[o + i] += eta[i] * g[i];
        }
        return;
      case 'extragradient':
        for (let p = lo, q = 0; p < hi; p++, q += per) {
          const o = p * S;
          noisyField(M, d, sg, state, o, noise, q, w, 0, d);
          for (let i = 0; i < d; i++) w[i] = state[o + i] + eta[i] * w[i];
          noisyField(M, d, sg, w, 0, noise, q + d, g, 0, d);
          for (let i = 0; i < d; i++) state[o + i] += eta[i] * g[i];
        }
        return;
      case 'optimistic':
        for (let p = lo, q = 0; p < hi; p++, q += per) {
          const o = p * S;
          noisyField(M, d, sg, state, o, noise, q, g, 0, d);
          if (k === 0) for (let i = 0; i < d; i++) state[o + d + i] = g[i];
          for (let i = 0; i < d; i++) {
            state[o + i] += eta[i] * (2 * g[i] - state[o + d + i]);
            state[o + d + i] = g[i];
          }
        }
        return;
      case 'proximal': {
        const R = this.R as Float64Array;
        for (let p = lo, q = 0; p < hi; p++, q += per) {
          const o = p * S;
          for (let i = 0; i < d; i++) w[i] = state[o + i] + eta[i] * sg * noise[q + i];
          for (let i = 0; i < d; i++) {
            let s = 0;
            for (let j = 0; j < d; j++) s += R[i * d + j] * w[j];
            g[i] = s;
          }
          for (let i = 0; i < d; i++) state[o + i] = g[i];
        }
        return;
      }
      case 'negative-momentum': {
        const beta = this.beta;
        for (let p = lo, q = 0; p < hi; p++, q += per) {
          const o = p * S;
          if (k === 0) for (let i = 0; i < d; i++) state[o + d + i] = state[o + i];
          noisyField(M, d, sg, state, o, noise, q, g, 0, nx);
          momentumUpdate(state, o, d, eta, g, beta, 0, nx);
          noisyField(M, d, sg, state, o, noise, q, g, nx, d);
          momentumUpdate(state, o, d, eta, g, beta, nx, d);
        }
        return;
      }
    }
  }

  /**
   * The 2-D game (one x, one y) with the matrix entries in registers. The loops share only their
   * frame (load, update, store, |z|² check); each method's is written out whole, as the hottest loop.
   */
  private step2(state: Float64Array, lo: number, hi: number, noise: Float64Array, k: number): number {
    let bad = -1;
    const { M, S, per, sg, limit2 } = this;
    const a = M[0];
    const b = M[1];
    const c = M[2];
    const e = M[3];
    const hx = this.eta[0];
    const hy = this.eta[1];
    switch (this.method) {
      case 'simultaneous':
        for (let p = lo, q = 0; p < hi; p++, q += per) {
          const o = p * S;
          const x = state[o];
          const y = state[o + 1];
          const u = x + hx * (a * x + b * y + sg * noise[q]);
          const v = y + hy * (c * x + e * y + sg * noise[q + 1]);
          state[o] = u;
          state[o + 1] = v;
          if (!(u * u + v * v <= limit2) && bad < 0) bad = (p - lo) * S;
        }
        return bad;
      case 'alternating':
        for (let p = lo, q = 0; p < hi; p++, q += per) {
          const o = p * S;
          const y = state[o + 1];
          const x = state[o] + hx * (a * state[o] + b * y + sg * noise[q]);
          const v = y + hy * (c * x + e * y + sg * noise[q + 1]);
          state[o] = x;
          state[o + 1] = v;
          if (!(x * x + v * v <= limit2) && bad < 0) bad = (p - lo) * S;
        }
        return bad;
      case 'extragradient':
        for (let p = lo, q = 0; p < hi; p++, q += per) {
          const o = p * S;
          const x = state[o];
          const y = state[o + 1];
          const wx = x + hx * (a * x + b * y + sg * noise[q]);
          const wy = y + hy * (c * x + e * y + sg * noise[q + 1]);
          const u = x + hx * (a * wx + b * wy + sg * noise[q + 2]);
          const v = y + hy * (c * wx + e * wy + sg * noise[q + 3]);
          state[o] = u;
          state[o + 1] = v;
          if (!(u * u + v * v <= limit2) && bad < 0) bad = (p - lo) * S;
        }
        return bad;
      case 'optimistic':
        for (let p = lo, q = 0; p < hi; p++, q += per) {
          const o = p * S;
          const x = state[o];
          const y = state[o + 1];
          const gx = a * x + b * y + sg * noise[q];
          const gy = c * x + e * y + sg * noise[q + 1];
          const px = k === 0 ? gx : state[o + 2];
          const py = k === 0 ? gy : state[o + 3];
          const u = x + hx * (2 * gx - px);
          const v = y + hy * (2 * gy - py);
          state[o] = u;
          state[o + 1] = v;
          state[o + 2] = gx;
          state[o + 3] = gy;
          if (!(u * u + v * v <= limit2) && bad < 0) bad = (p - lo) * S;
        }
        return bad;
      case 'proximal': {
        const R = this.R as Float64Array;
        const r00 = R[0];
        const r01 = R[1];
        const r10 = R[2];
        const r11 = R[3];
        for (let p = lo, q = 0; p < hi; p++, q += per) {
          const o = p * S;
          const wx = state[o] + hx * sg * noise[q];
          const wy = state[o + 1] + hy * sg * noise[q + 1];
          const u = r00 * wx + r01 * wy;
          const v = r10 * wx + r11 * wy;
          state[o] = u;
          state[o + 1] = v;
          if (!(u * u + v * v <= limit2) && bad < 0) bad = (p - lo) * S;
        }
        return bad;
      }
      case 'negative-momentum': {
        const beta = this.beta;
        for (let p = lo, q = 0; p < hi; p++, q += per) {
          const o = p * S;
          const x0 = state[o];
          const y0 = state[o + 1];
          const xp = k === 0 ? x0 : state[o + 2];
          const yp = k === 0 ? y0 : state[o + 3];
          const x = x0 + hx * (a * x0 + b * y0 + sg * noise[q]) + beta * (x0 - xp);
          const y = y0 + hy * (c * x + e * y0 + sg * noise[q + 1]) + beta * (y0 - yp);
          state[o] = x;
          state[o + 1] = y;
          state[o + 2] = x0;
          state[o + 3] = y0;
          if (!(x * x + y * y <= limit2) && bad < 0) bad = (p - lo) * S;
        }
        return bad;
      }
    }
    return bad;
  }
}

export function gameStepJS(a: GameStepArgs): { divergence: Divergence | null } {
  const { S, per, eta, M } = checkGame(a, true);
  const { d, n, state } = a;
  const noise = a.stream instanceof EnsembleNoise ? a.stream : new EnsembleNoise(toStream(a.stream), n, per, { blockSize: a.blockSize, firstBlock: a.firstBlock });
  if (noise.particles !== n || noise.dim !== per) {
    throw new ParameterError('stream', `an EnsembleNoise of ${noise.particles} particles × ${noise.dim} values`, `one of n = ${n} particles × ${per} values (the method's draws per step)`);
  }
  const R = a.method === 'proximal' ? proximalMatrix(M, eta, d) : null;
  // without a radius, a particle diverges when |z|² overflows or is NaN (any non-finite coordinate)
  const limit2 = a.radius === undefined ? Number.MAX_VALUE : a.radius * a.radius;
  const steps = new LinearGameSteps(a.method, M, d, a.nx, eta, a.momentum ?? 0, R, S, per, a.sigma, limit2);
  const k0 = a.stepOffset ?? 0;
  // σ = 0 draws nothing; α-stable noise has scale 1/√2 per unit of σ (core's stableSymmetric, whose α = 2 law is N(0, 1))
  const alpha = a.alpha;
  const scale = 1 / Math.SQRT2;
  const draw: BlockDraw =
    a.sigma === 0
      ? null
      : alpha === undefined
        ? drawNormals
        : (s, z) => {
            for (let i = 0; i < z.length; i++) z[i] = stableSymmetric(s, alpha, scale);
          };
  return { divergence: blockMajor(noise, S, a.steps, (lo, hi, z, step) => steps.step(state, lo, hi, z, k0 + step), draw) };
}
