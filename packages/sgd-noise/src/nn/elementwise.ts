/** Parameter-free layers: ReLU, tanh, flatten and global average pooling, with their R-passes. */
import { assertInteger, ParameterError, type Stream } from '@snrlab/core';
import type { ForwardResult, GradRequest, Layer, PassContext, RForwardResult, Shape } from './types.js';
import { sizeOf } from './types.js';

abstract class NoParams implements Layer {
  abstract readonly kind: string;
  readonly paramCount = 0;
  readonly paramBlocks = [] as const;
  constructor(
    readonly inShape: Shape,
    readonly outShape: Shape,
  ) {}
  init(_params: Float64Array, _stream: Stream): void {}
  abstract forward(params: Float64Array, x: Float64Array, batch: number, ctx: PassContext): ForwardResult;
  abstract backward(params: Float64Array, cache: unknown, dy: Float64Array, batch: number, req: GradRequest, ctx: PassContext): Float64Array | null;
  abstract rForward(params: Float64Array, v: Float64Array, cache: unknown, rx: Float64Array | null, batch: number, ctx: PassContext): RForwardResult;
  abstract rBackward(
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
    ctx: PassContext,
  ): { dx: Float64Array | null; rdx: Float64Array | null };
}

/** max(0, x). */
export class ReLU extends NoParams {
  readonly kind = 'relu';
  constructor(shape: Shape) {
    super(shape, shape);
  }
  forward(_p: Float64Array, x: Float64Array): ForwardResult {
    const y = new Float64Array(x.length);
    for (let i = 0; i < x.length; i++) y[i] = x[i] > 0 ? x[i] : 0;
    return { y, cache: y };
  }
  private static mask(y: Float64Array, d: Float64Array): Float64Array {
    const out = new Float64Array(d.length);
    for (let i = 0; i < d.length; i++) out[i] = y[i] > 0 ? d[i] : 0;
    return out;
  }
  backward(_p: Float64Array, cache: unknown, dy: Float64Array, _b: number, req: GradRequest): Float64Array | null {
    return req.needInputGrad ? ReLU.mask(cache as Float64Array, dy) : null;
  }
  rForward(_p: Float64Array, _v: Float64Array, cache: unknown, rx: Float64Array | null): RForwardResult {
    return { ry: rx ? ReLU.mask(cache as Float64Array, rx) : null, rcache: null };
  }
  rBackward(_p: Float64Array, _v: Float64Array, cache: unknown, _rc: unknown, dy: Float64Array, rdy: Float64Array | null, _b: number, _hv: Float64Array, _s: number, need: boolean) {
    if (!need) return { dx: null, rdx: null };
    const y = cache as Float64Array;
    return { dx: ReLU.mask(y, dy), rdx: rdy ? ReLU.mask(y, rdy) : null };
  }
}

/** tanh(x); its second derivative enters the R-backward pass: R{dx} = (1−y²)R{dy} − 2y·R{y}·dy. */
export class Tanh extends NoParams {
  readonly kind = 'tanh';
  constructor(shape: Shape) {
    super(shape, shape);
  }
  forward(_p: Float64Array, x: Float64Array): ForwardResult {
    const y = new Float64Array(x.length);
    for (let i = 0; i < x.length; i++) y[i] = Math.tanh(x[i]);
    return { y, cache: y };
  }
  backward(_p: Float64Array, cache: unknown, dy: Float64Array, _b: number, req: GradRequest): Float64Array | null {
    if (!req.needInputGrad) return null;
    const y = cache as Float64Array;
    const dx = new Float64Array(dy.length);
    for (let i = 0; i < dy.length; i++) dx[i] = (1 - y[i] * y[i]) * dy[i];
    return dx;
  }
  rForward(_p: Float64Array, _v: Float64Array, cache: unknown, rx: Float64Array | null): RForwardResult {
    if (!rx) return { ry: null, rcache: null };
    const y = cache as Float64Array;
    const ry = new Float64Array(rx.length);
    for (let i = 0; i < rx.length; i++) ry[i] = (1 - y[i] * y[i]) * rx[i];
    return { ry, rcache: ry };
  }
  rBackward(_p: Float64Array, _v: Float64Array, cache: unknown, rcache: unknown, dy: Float64Array, rdy: Float64Array | null, _b: number, _hv: Float64Array, _s: number, need: boolean) {
    if (!need) return { dx: null, rdx: null };
    const y = cache as Float64Array;
    const ry = rcache as Float64Array | null;
    const n = dy.length;
    const dx = new Float64Array(n);
    const rdx = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      const d = 1 - y[i] * y[i];
      dx[i] = d * dy[i];
      rdx[i] = (rdy ? d * rdy[i] : 0) - (ry ? 2 * y[i] * ry[i] * dy[i] : 0);
    }
    return { dx, rdx };
  }
}

/** Reshape to 1-D; the data are already contiguous per example. */
export class Flatten extends NoParams {
  readonly kind = 'flatten';
  constructor(shape: Shape) {
    super(shape, [sizeOf(shape)]);
  }
  forward(_p: Float64Array, x: Float64Array): ForwardResult {
    return { y: x, cache: null };
  }
  backward(_p: Float64Array, _c: unknown, dy: Float64Array, _b: number, req: GradRequest): Float64Array | null {
    return req.needInputGrad ? dy : null;
  }
  rForward(_p: Float64Array, _v: Float64Array, _c: unknown, rx: Float64Array | null): RForwardResult {
    return { ry: rx, rcache: null };
  }
  rBackward(_p: Float64Array, _v: Float64Array, _c: unknown, _rc: unknown, dy: Float64Array, rdy: Float64Array | null, _b: number, _hv: Float64Array, _s: number, need: boolean) {
    return need ? { dx: dy, rdx: rdy } : { dx: null, rdx: null };
  }
}

/**
 * Global average pooling over the spatial positions of a channels-last input [..., C] → [C].
 * Averaging N positions divides the variance of independent per-position noise by N.
 */
export class GlobalAvgPool extends NoParams {
  readonly kind = 'global-avg-pool';
  readonly positions: number;
  readonly channels: number;
  constructor(shape: Shape) {
    if (shape.length < 2) throw new ParameterError('inShape', shape, '[positions..., channels] with at least one spatial dimension');
    for (const s of shape) assertInteger('inShape[]', s, { min: 1 });
    const C = shape[shape.length - 1];
    super(shape, [C]);
    this.channels = C;
    this.positions = sizeOf(shape) / C;
  }
  /** Mean over positions of [batch, P, C]. */
  pool(x: Float64Array, batch: number): Float64Array {
    const P = this.positions;
    const C = this.channels;
    const y = new Float64Array(batch * C);
    for (let i = 0; i < batch; i++) {
      for (let p = 0; p < P; p++) {
        const o = (i * P + p) * C;
        for (let c = 0; c < C; c++) y[i * C + c] += x[o + c];
      }
    }
    for (let j = 0; j < y.length; j++) y[j] /= P;
    return y;
  }
  private spread(dy: Float64Array, batch: number): Float64Array {
    const P = this.positions;
    const C = this.channels;
    const dx = new Float64Array(batch * P * C);
    for (let i = 0; i < batch; i++) {
      for (let p = 0; p < P; p++) {
        const o = (i * P + p) * C;
        for (let c = 0; c < C; c++) dx[o + c] = dy[i * C + c] / P;
      }
    }
    return dx;
  }
  forward(_p: Float64Array, x: Float64Array, batch: number): ForwardResult {
    return { y: this.pool(x, batch), cache: null };
  }
  backward(_p: Float64Array, _c: unknown, dy: Float64Array, batch: number, req: GradRequest): Float64Array | null {
    return req.needInputGrad ? this.spread(dy, batch) : null;
  }
  rForward(_p: Float64Array, _v: Float64Array, _c: unknown, rx: Float64Array | null, batch: number): RForwardResult {
    return { ry: rx ? this.pool(rx, batch) : null, rcache: null };
  }
  rBackward(_p: Float64Array, _v: Float64Array, _c: unknown, _rc: unknown, dy: Float64Array, rdy: Float64Array | null, batch: number, _hv: Float64Array, _s: number, need: boolean) {
    if (!need) return { dx: null, rdx: null };
    return { dx: this.spread(dy, batch), rdx: rdy ? this.spread(rdy, batch) : null };
  }
}
