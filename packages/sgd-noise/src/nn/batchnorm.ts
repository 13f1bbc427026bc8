/**
 * Batch normalisation over the batch and the spatial positions of each channel (channels-last
 * [..., C]): y = γ·(x − μ)/√(v + ε) + β.
 *
 * In training mode μ and v are the batch's own (biased) mean and variance, so every example's
 * output depends on every other example in the batch. The per-example gradients are then the
 * terms of the batch gradient, example by example: for γ and β they are ∂ℓ_i/∂γ, ∂ℓ_i/∂β; for
 * layers below they include how x_i moves the batch statistics seen by the others. They still
 * average to the batch gradient exactly. In eval mode the running statistics are constants and
 * the layer is an ordinary per-example affine map.
 *
 * Scale invariance: multiplying the weights of the layer before batch norm by c leaves the
 * training-mode output unchanged (up to ε) and divides their gradient by c.
 */
import { assertInRange, assertInteger, ParameterError, type Stream } from '@snrlab/core';
import type { ForwardResult, GradRequest, Layer, PassContext, RForwardResult, Shape } from './types.js';
import { sizeOf } from './types.js';

export interface BatchNormOptions {
  /** ε added to the variance (default 1e-5). */
  eps?: number;
  /** Running-statistics update weight (PyTorch convention, default 0.1). */
  momentum?: number;
}

interface BNCache {
  xhat: Float64Array;
  /** √(v + ε) per channel. */
  s: Float64Array;
  train: boolean;
}
interface BNRCache {
  rxhat: Float64Array | null;
  rs: Float64Array | null;
}

/** The shape bookkeeping of a per-channel layer on channels-last [..., C] (both batch norms): same shape out. */
export abstract class PerChannel {
  readonly outShape: Shape;
  readonly channels: number;
  /** Positions per example (the product of the dimensions before C). */
  readonly positions: number;
  constructor(readonly inShape: Shape) {
    if (inShape.length < 1) throw new ParameterError('inShape', inShape, 'a shape [..., channels]');
    for (const s of inShape) assertInteger('inShape[]', s, { min: 1 });
    this.outShape = inShape;
    this.channels = inShape[inShape.length - 1];
    this.positions = sizeOf(inShape) / this.channels;
  }
}

export class BatchNorm extends PerChannel implements Layer {
  readonly kind = 'batch-norm';
  readonly paramCount: number;
  readonly paramBlocks: readonly { name: string; size: number }[];
  readonly eps: number;
  readonly momentum: number;
  /** Running statistics used in eval mode (state, not parameters). */
  readonly runningMean: Float64Array;
  readonly runningVar: Float64Array;

  constructor(inShape: Shape, opts: BatchNormOptions = {}) {
    super(inShape);
    this.eps = opts.eps ?? 1e-5;
    this.momentum = opts.momentum ?? 0.1;
    assertInRange('eps', this.eps, 0, 1);
    assertInRange('momentum', this.momentum, 0, 1);
    this.paramCount = 2 * this.channels;
    this.paramBlocks = [
      { name: 'gamma', size: this.channels },
      { name: 'beta', size: this.channels },
    ];
    this.runningMean = new Float64Array(this.channels);
    this.runningVar = new Float64Array(this.channels).fill(1);
  }

  init(params: Float64Array, _stream: Stream): void {
    params.fill(1, 0, this.channels);
    params.fill(0, this.channels, 2 * this.channels);
    this.runningMean.fill(0);
    this.runningVar.fill(1);
  }

  /** Σ over the batch and positions of f(row, c), per channel. */
  private channelSum(n: number, fn: (j: number) => number): Float64Array {
    const C = this.channels;
    const out = new Float64Array(C);
    for (let r = 0; r < n; r++) for (let c = 0; c < C; c++) out[c] += fn(r * C + c);
    return out;
  }

  forward(params: Float64Array, x: Float64Array, batch: number, ctx: PassContext): ForwardResult {
    const C = this.channels;
    const rows = batch * this.positions;
    const gamma = params.subarray(0, C);
    const beta = params.subarray(C, 2 * C);
    const s = new Float64Array(C);
    const mu = new Float64Array(C);
    if (ctx.train) {
      if (rows < 2) throw new ParameterError('batchSize', batch, 'at least 2 examples for batch norm in training mode');
      const sum = this.channelSum(rows, (j) => x[j]);
      for (let c = 0; c < C; c++) mu[c] = sum[c] / rows;
      const sq = this.channelSum(rows, (j) => (x[j] - mu[j % C]) ** 2);
      for (let c = 0; c < C; c++) {
        const v = sq[c] / rows;
        s[c] = Math.sqrt(v + this.eps);
        if (ctx.updateStats) {
          const m = this.momentum;
          this.runningMean[c] = (1 - m) * this.runningMean[c] + m * mu[c];
          this.runningVar[c] = (1 - m) * this.runningVar[c] + m * ((sq[c] / (rows - 1)));
        }
      }
    } else {
      for (let c = 0; c < C; c++) {
        mu[c] = this.runningMean[c];
        s[c] = Math.sqrt(this.runningVar[c] + this.eps);
      }
    }
    const xhat = new Float64Array(x.length);
    const y = new Float64Array(x.length);
    for (let j = 0; j < x.length; j++) {
      const c = j % C;
      const h = (x[j] - mu[c]) / s[c];
      xhat[j] = h;
      y[j] = gamma[c] * h + beta[c];
    }
    return { y, cache: { xhat, s, train: ctx.train } satisfies BNCache };
  }

  backward(params: Float64Array, cache: unknown, dy: Float64Array, batch: number, req: GradRequest): Float64Array | null {
    const { xhat, s, train } = cache as BNCache;
    const C = this.channels;
    const P = this.positions;
    const rows = batch * P;
    const gamma = params.subarray(0, C);
    if (req.sum) {
      const gg = this.channelSum(rows, (j) => dy[j] * xhat[j]);
      const gb = this.channelSum(rows, (j) => dy[j]);
      for (let c = 0; c < C; c++) {
        req.sum[c] += req.sumScale * gg[c];
        req.sum[C + c] += req.sumScale * gb[c];
      }
    }
    if (req.perExample || req.sqNorms) {
      const g = new Float64Array(2 * C);
      for (let i = 0; i < batch; i++) {
        g.fill(0);
        for (let p = 0; p < P; p++) {
          const o = (i * P + p) * C;
          for (let c = 0; c < C; c++) {
            g[c] += dy[o + c] * xhat[o + c];
            g[C + c] += dy[o + c];
          }
        }
        if (req.perExample) req.perExample.data.set(g, i * req.perExample.stride + req.perExample.offset);
        if (req.sqNorms) {
          let s2 = 0;
          for (let k = 0; k < 2 * C; k++) s2 += g[k] * g[k];
          req.sqNorms[i] += s2;
        }
      }
    }
    if (!req.needInputGrad) return null;
    const dx = new Float64Array(dy.length);
    if (!train) {
      for (let j = 0; j < dy.length; j++) dx[j] = (gamma[j % C] * dy[j]) / s[j % C];
      return dx;
    }
    // dx = (e − mean e − x̂·mean(e x̂))/s with e = γ·dy
    const A = this.channelSum(rows, (j) => gamma[j % C] * dy[j]);
    const Bm = this.channelSum(rows, (j) => gamma[j % C] * dy[j] * xhat[j]);
    for (let j = 0; j < dy.length; j++) {
      const c = j % C;
      dx[j] = (gamma[c] * dy[j] - A[c] / rows - (xhat[j] * Bm[c]) / rows) / s[c];
    }
    return dx;
  }

  rForward(params: Float64Array, v: Float64Array, cache: unknown, rx: Float64Array | null, batch: number): RForwardResult {
    const { xhat, s, train } = cache as BNCache;
    const C = this.channels;
    const rows = batch * this.positions;
    const gamma = params.subarray(0, C);
    const vg = v.subarray(0, C);
    const vb = v.subarray(C, 2 * C);
    const ry = new Float64Array(xhat.length);
    let rxhat: Float64Array | null = null;
    let rs: Float64Array | null = null;
    if (rx) {
      rxhat = new Float64Array(xhat.length);
      if (train) {
        // Rμ = mean(Rx); Rc = Rx − Rμ; Rs = mean(x̂·Rc); R x̂ = (Rc − x̂·Rs)/s
        const rmu = this.channelSum(rows, (j) => rx[j]);
        for (let c = 0; c < C; c++) rmu[c] /= rows;
        const rsv = this.channelSum(rows, (j) => xhat[j] * (rx[j] - rmu[j % C]));
        for (let c = 0; c < C; c++) rsv[c] /= rows;
        rs = rsv;
        for (let j = 0; j < rx.length; j++) {
          const c = j % C;
          rxhat[j] = (rx[j] - rmu[c] - xhat[j] * rsv[c]) / s[c];
        }
      } else {
        for (let j = 0; j < rx.length; j++) rxhat[j] = rx[j] / s[j % C];
      }
    }
    for (let j = 0; j < ry.length; j++) {
      const c = j % C;
      ry[j] = vg[c] * xhat[j] + vb[c] + (rxhat ? gamma[c] * rxhat[j] : 0);
    }
    return { ry, rcache: { rxhat, rs } satisfies BNRCache };
  }

  rBackward(
    params: Float64Array,
    v: Float64Array,
    cache: unknown,
    rcache: unknown,
    dy: Float64Array,
    rdy: Float64Array | null,
    batch: number,
    hv: Float64Array,
    scale: number,
    needInputGrad: boolean,
  ): { dx: Float64Array | null; rdx: Float64Array | null } {
    const { xhat, s, train } = cache as BNCache;
    const { rxhat, rs } = rcache as BNRCache;
    const C = this.channels;
    const rows = batch * this.positions;
    const gamma = params.subarray(0, C);
    const vg = v.subarray(0, C);
    const hg = this.channelSum(rows, (j) => (rdy ? rdy[j] * xhat[j] : 0) + (rxhat ? dy[j] * rxhat[j] : 0));
    const hb = rdy ? this.channelSum(rows, (j) => rdy[j]) : new Float64Array(C);
    for (let c = 0; c < C; c++) {
      hv[c] += scale * hg[c];
      hv[C + c] += scale * hb[c];
    }
    if (!needInputGrad) return { dx: null, rdx: null };
    const n = dy.length;
    const dx = new Float64Array(n);
    const rdx = new Float64Array(n);
    // e = γ·dy, R{e} = v_γ·dy + γ·R{dy}
    const re = (j: number) => vg[j % C] * dy[j] + (rdy ? gamma[j % C] * rdy[j] : 0);
    if (!train) {
      for (let j = 0; j < n; j++) {
        dx[j] = (gamma[j % C] * dy[j]) / s[j % C];
        rdx[j] = re(j) / s[j % C];
      }
      return { dx, rdx };
    }
    const A = this.channelSum(rows, (j) => gamma[j % C] * dy[j]);
    const Bm = this.channelSum(rows, (j) => gamma[j % C] * dy[j] * xhat[j]);
    const RA = this.channelSum(rows, re);
    const RB = this.channelSum(rows, (j) => re(j) * xhat[j] + (rxhat ? gamma[j % C] * dy[j] * rxhat[j] : 0));
    for (let j = 0; j < n; j++) {
      const c = j % C;
      const d = (gamma[c] * dy[j] - A[c] / rows - (xhat[j] * Bm[c]) / rows) / s[c];
      dx[j] = d;
      const rsc = rs ? rs[c] : 0;
      rdx[j] = -(rsc / s[c]) * d + (re(j) - RA[c] / rows - (rxhat ? rxhat[j] : 0) * (Bm[c] / rows) - (xhat[j] * RB[c]) / rows) / s[c];
    }
    return { dx, rdx };
  }
}
