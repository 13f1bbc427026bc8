/** Parameter-free layers: ReLU, tanh, the identity, flatten and global average pooling, with their R-passes. */
import { assertInteger, ParameterError, type Stream } from '@snrlab/core';
import type { ForwardResult, GradRequest, Layer, RForwardResult, Shape } from './types.js';
import { sizeOf } from './types.js';

/** What every parameter-free layer shares: no parameters, nothing to initialise. */
export abstract class NoParams {
  readonly paramCount = 0;
  readonly paramBlocks = [] as const;
  constructor(
    readonly inShape: Shape,
    readonly outShape: Shape,
  ) {}
  init(_params: Float64Array, _stream: Stream): void {}
}

/**
 * A parameter-free layer that is linear at the point where it is evaluated: y = L·x with L fixed
 * by the forward pass (ReLU's mask, max pooling's arg-max) or constant (averages, reshapes,
 * strided views). Then R{y} = L·R{x}, dx = Lᵀ·dy and R{dx} = Lᵀ·R{dy}: no second-order term.
 */
export abstract class LinearAtPoint extends NoParams {
  /** L·d, with L that of the forward pass whose cache is given. */
  protected abstract apply(cache: unknown, d: Float64Array, batch: number): Float64Array;
  /** Lᵀ·d. */
  protected abstract transpose(cache: unknown, d: Float64Array, batch: number): Float64Array;
  backward(_p: Float64Array, cache: unknown, dy: Float64Array, batch: number, req: GradRequest): Float64Array | null {
    return req.needInputGrad ? this.transpose(cache, dy, batch) : null;
  }
  rForward(_p: Float64Array, _v: Float64Array, cache: unknown, rx: Float64Array | null, batch: number): RForwardResult {
    return { ry: rx ? this.apply(cache, rx, batch) : null, rcache: null };
  }
  rBackward(_p: Float64Array, _v: Float64Array, cache: unknown, _rc: unknown, dy: Float64Array, rdy: Float64Array | null, batch: number, _hv: Float64Array, _s: number, need: boolean) {
    if (!need) return { dx: null, rdx: null };
    return { dx: this.transpose(cache, dy, batch), rdx: rdy ? this.transpose(cache, rdy, batch) : null };
  }
}

/** max(0, x): the mask of the positive inputs, fixed by the forward pass. */
export class ReLU extends LinearAtPoint implements Layer {
  readonly kind = 'relu';
  constructor(shape: Shape) {
    super(shape, shape);
  }
  forward(_p: Float64Array, x: Float64Array): ForwardResult {
    const y = new Float64Array(x.length);
    for (let i = 0; i < x.length; i++) y[i] = x[i] > 0 ? x[i] : 0;
    return { y, cache: y };
  }
  protected apply(cache: unknown, d: Float64Array): Float64Array {
    const y = cache as Float64Array;
    const out = new Float64Array(d.length);
    for (let i = 0; i < d.length; i++) out[i] = y[i] > 0 ? d[i] : 0;
    return out;
  }
  protected transpose(cache: unknown, d: Float64Array): Float64Array {
    return this.apply(cache, d);
  }
}

/** tanh(x); its second derivative enters the R-backward pass: R{dx} = (1−y²)R{dy} − 2y·R{y}·dy. */
export class Tanh extends NoParams implements Layer {
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

/** The identity on the example (Dropout and noise layers at measurement; Reshape to another shape of the same size). */
export class Identity extends LinearAtPoint implements Layer {
  constructor(
    inShape: Shape,
    outShape: Shape,
    readonly kind: string,
  ) {
    if (sizeOf(inShape) !== sizeOf(outShape)) throw new ParameterError('targetShape', outShape, `a shape of ${sizeOf(inShape)} numbers, the size of the input [${inShape.join(', ')}]`);
    super(inShape, outShape);
  }
  forward(_p: Float64Array, x: Float64Array): ForwardResult {
    return { y: x, cache: null };
  }
  protected apply(_c: unknown, d: Float64Array): Float64Array {
    return d;
  }
  protected transpose(_c: unknown, d: Float64Array): Float64Array {
    return d;
  }
}

/** Reshape to 1-D; the data are already contiguous per example. */
export class Flatten extends Identity {
  constructor(shape: Shape) {
    super(shape, [sizeOf(shape)], 'flatten');
  }
}

/**
 * Global average pooling over the spatial positions of a channels-last input [..., C] → [C].
 * Averaging N positions divides the variance of independent per-position noise by N.
 */
export class GlobalAvgPool extends LinearAtPoint implements Layer {
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
  forward(_p: Float64Array, x: Float64Array, batch: number): ForwardResult {
    return { y: this.pool(x, batch), cache: null };
  }
  protected apply(_c: unknown, d: Float64Array, batch: number): Float64Array {
    return this.pool(d, batch);
  }
  /** Each position gets 1/P of its channel's gradient. */
  protected transpose(_c: unknown, dy: Float64Array, batch: number): Float64Array {
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
}
