/**
 * Fused ensemble steps for linear games v(z) = M z with injected noise: the same updates as
 * `Stepper` (methods.ts), written as one loop over the particles with no calls per particle.
 * Tests check that they agree with the generic stepper to rounding, so the method definitions
 * stay in one place (methods.ts) and this file is only their fast path.
 *
 * Layout: particle p's state at state[p·S ..], its noise block b at noise[p·per + b·d ..]
 * (see `noiseBlocks`: alternating GDA and negative momentum read x from block 0's x-part and y
 * from its y-part).
 */
import { LU } from '@snrlab/core';
import type { MethodName } from './methods.js';

export class LinearKernel {
  private readonly g: Float64Array;
  private readonly w: Float64Array;
  private readonly R: Float64Array | null = null;

  constructor(
    readonly method: MethodName,
    readonly M: Float64Array,
    readonly d: number,
    readonly nx: number,
    readonly eta: Float64Array,
    readonly beta: number,
  ) {
    this.g = new Float64Array(d);
    this.w = new Float64Array(d);
    if (method === 'proximal') {
      // R = (I − D M)⁻¹, so z_new = R (z + D ξ)
      const A = new Float64Array(d * d);
      for (let i = 0; i < d; i++) for (let j = 0; j < d; j++) A[i * d + j] = (i === j ? 1 : 0) - eta[i] * M[i * d + j];
      const lu = new LU(A, d);
      const R = new Float64Array(d * d);
      const e = new Float64Array(d);
      const col = new Float64Array(d);
      for (let j = 0; j < d; j++) {
        e.fill(0);
        e[j] = 1;
        lu.solve(e, col);
        for (let i = 0; i < d; i++) R[i * d + j] = col[i];
      }
      this.R = R;
    }
  }

  /**
   * Advance N particles by one step (k = 0 is the first step) with unit noise scaled by `sigma`.
   * Returns the first particle whose r² exceeds `limit2` (or is NaN), or −1.
   */
  step(state: Float64Array, S: number, N: number, noise: Float64Array, per: number, k: number, sigma: number, limit2: number): number {
    if (this.d === 2) return this.step2(state, S, N, noise, per, k, sigma, limit2);
    this.stepGeneral(state, S, N, noise, per, k, sigma);
    const d = this.d;
    for (let p = 0; p < N; p++) {
      let r2 = 0;
      for (let i = 0; i < d; i++) r2 += state[p * S + i] * state[p * S + i];
      if (!(r2 <= limit2)) return p;
    }
    return -1;
  }

  private stepGeneral(state: Float64Array, S: number, N: number, noise: Float64Array, per: number, k: number, sg: number): void {
    const { M, d, nx, eta, g, w } = this;
    switch (this.method) {
      case 'simultaneous':
        for (let p = 0; p < N; p++) {
          const o = p * S;
          const q = p * per;
          for (let i = 0; i < d; i++) {
            let s = sg * noise[q + i];
            for (let j = 0; j < d; j++) s += M[i * d + j] * state[o + j];
            g[i] = s;
          }
          for (let i = 0; i < d; i++) state[o + i] += eta[i] * g[i];
        }
        return;
      case 'alternating':
        for (let p = 0; p < N; p++) {
          const o = p * S;
          const q = p * per;
          for (let i = 0; i < nx; i++) {
            let s = sg * noise[q + i];
            for (let j = 0; j < d; j++) s += M[i * d + j] * state[o + j];
            g[i] = s;
          }
          for (let i = 0; i < nx; i++) state[o + i] += eta[i] * g[i];
          for (let i = nx; i < d; i++) {
            let s = sg * noise[q + i];
            for (let j = 0; j < d; j++) s += M[i * d + j] * state[o + j];
            g[i] = s;
          }
          for (let i = nx; i < d; i++) state[o + i] += eta[i] * g[i];
        }
        return;
      case 'extragradient':
        for (let p = 0; p < N; p++) {
          const o = p * S;
          const q = p * per;
          for (let i = 0; i < d; i++) {
            let s = sg * noise[q + i];
            for (let j = 0; j < d; j++) s += M[i * d + j] * state[o + j];
            w[i] = state[o + i] + eta[i] * s;
          }
          for (let i = 0; i < d; i++) {
            let s = sg * noise[q + d + i];
            for (let j = 0; j < d; j++) s += M[i * d + j] * w[j];
            g[i] = s;
          }
          for (let i = 0; i < d; i++) state[o + i] += eta[i] * g[i];
        }
        return;
      case 'optimistic':
        for (let p = 0; p < N; p++) {
          const o = p * S;
          const q = p * per;
          for (let i = 0; i < d; i++) {
            let s = sg * noise[q + i];
            for (let j = 0; j < d; j++) s += M[i * d + j] * state[o + j];
            g[i] = s;
          }
          if (k === 0) for (let i = 0; i < d; i++) state[o + d + i] = g[i];
          for (let i = 0; i < d; i++) {
            state[o + i] += eta[i] * (2 * g[i] - state[o + d + i]);
            state[o + d + i] = g[i];
          }
        }
        return;
      case 'proximal': {
        const R = this.R as Float64Array;
        for (let p = 0; p < N; p++) {
          const o = p * S;
          const q = p * per;
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
        for (let p = 0; p < N; p++) {
          const o = p * S;
          const q = p * per;
          if (k === 0) for (let i = 0; i < d; i++) state[o + d + i] = state[o + i];
          for (let i = 0; i < nx; i++) {
            let s = sg * noise[q + i];
            for (let j = 0; j < d; j++) s += M[i * d + j] * state[o + j];
            g[i] = s;
          }
          for (let i = 0; i < nx; i++) {
            const zi = state[o + i];
            state[o + i] = zi + eta[i] * g[i] + beta * (zi - state[o + d + i]);
            state[o + d + i] = zi;
          }
          for (let i = nx; i < d; i++) {
            let s = sg * noise[q + i];
            for (let j = 0; j < d; j++) s += M[i * d + j] * state[o + j];
            g[i] = s;
          }
          for (let i = nx; i < d; i++) {
            const zi = state[o + i];
            state[o + i] = zi + eta[i] * g[i] + beta * (zi - state[o + d + i]);
            state[o + d + i] = zi;
          }
        }
        return;
      }
    }
  }

  /** The 2-D game (one x, one y) with the matrix entries in registers: short inner loops cost ~8×. */
  private step2(state: Float64Array, S: number, N: number, noise: Float64Array, per: number, k: number, sg: number, limit2: number): number {
    let bad = -1;
    const M = this.M;
    const a = M[0];
    const b = M[1];
    const c = M[2];
    const e = M[3];
    const hx = this.eta[0];
    const hy = this.eta[1];
    switch (this.method) {
      case 'simultaneous':
        for (let p = 0; p < N; p++) {
          const o = p * S;
          const q = p * per;
          const x = state[o];
          const y = state[o + 1];
          const u = x + hx * (a * x + b * y + sg * noise[q]);
          const v = y + hy * (c * x + e * y + sg * noise[q + 1]);
          state[o] = u;
          state[o + 1] = v;
          if (!(u * u + v * v <= limit2) && bad < 0) bad = p;
        }
        return bad;
      case 'alternating':
        for (let p = 0; p < N; p++) {
          const o = p * S;
          const q = p * per;
          const y = state[o + 1];
          const x = state[o] + hx * (a * state[o] + b * y + sg * noise[q]);
          const v = y + hy * (c * x + e * y + sg * noise[q + 1]);
          state[o] = x;
          state[o + 1] = v;
          if (!(x * x + v * v <= limit2) && bad < 0) bad = p;
        }
        return bad;
      case 'extragradient':
        for (let p = 0; p < N; p++) {
          const o = p * S;
          const q = p * per;
          const x = state[o];
          const y = state[o + 1];
          const wx = x + hx * (a * x + b * y + sg * noise[q]);
          const wy = y + hy * (c * x + e * y + sg * noise[q + 1]);
          const u = x + hx * (a * wx + b * wy + sg * noise[q + 2]);
          const v = y + hy * (c * wx + e * wy + sg * noise[q + 3]);
          state[o] = u;
          state[o + 1] = v;
          if (!(u * u + v * v <= limit2) && bad < 0) bad = p;
        }
        return bad;
      case 'optimistic':
        for (let p = 0; p < N; p++) {
          const o = p * S;
          const q = p * per;
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
          if (!(u * u + v * v <= limit2) && bad < 0) bad = p;
        }
        return bad;
      case 'proximal': {
        const R = this.R as Float64Array;
        const r00 = R[0];
        const r01 = R[1];
        const r10 = R[2];
        const r11 = R[3];
        for (let p = 0; p < N; p++) {
          const o = p * S;
          const q = p * per;
          const wx = state[o] + hx * sg * noise[q];
          const wy = state[o + 1] + hy * sg * noise[q + 1];
          const u = r00 * wx + r01 * wy;
          const v = r10 * wx + r11 * wy;
          state[o] = u;
          state[o + 1] = v;
          if (!(u * u + v * v <= limit2) && bad < 0) bad = p;
        }
        return bad;
      }
      case 'negative-momentum': {
        const beta = this.beta;
        for (let p = 0; p < N; p++) {
          const o = p * S;
          const q = p * per;
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
          if (!(x * x + y * y <= limit2) && bad < 0) bad = p;
        }
        return bad;
      }
    }
    return bad;
  }
}
