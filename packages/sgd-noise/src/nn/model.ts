/**
 * A sequential network with a loss: the mean loss over a batch, its gradient, every example's
 * gradient (or only their squared norms) from one backward pass, and exact Hessian-vector
 * products from one R-forward and one R-backward pass.
 *
 * Convention: the model loss is L = (1/B)·Σ_i ℓ_i; the per-example gradient is g_i = ∇ℓ_i, so
 * the batch gradient is their mean. Parameters are one flat Float64Array, layer after layer.
 */
import { ParameterError, ParameterTypeError, type Stream } from '@snrlab/core';
import { defaultBackend, type Backend } from '../linalg.js';
import type { GradRequest, Layer, Loss, PassContext, Shape } from './types.js';
import { sizeOf } from './types.js';

/** B examples: inputs x [B × inputSize] and targets y [B × targetSize], row-major. */
export interface Batch {
  x: Float64Array;
  y: Float64Array;
  n: number;
}

export interface PassOptions {
  /** Batch norm in training mode (batch statistics). Default true. */
  train?: boolean;
  /** Update batch norm's running statistics. Default false. */
  updateStats?: boolean;
}

export interface PerExampleOptions extends PassOptions {
  /** Return the per-example gradients [B × P] (default true). */
  gradients?: boolean;
  /** Return the per-example squared gradient norms [B] (default false). */
  sqNorms?: boolean;
  /** Preallocated [B × P] output for the gradients. */
  out?: Float64Array;
}

export interface PerExampleResult {
  loss: number;
  losses: Float64Array;
  /** Mean of the per-example gradients: the batch gradient. */
  gradient: Float64Array;
  gradients?: Float64Array;
  sqNorms?: Float64Array;
}

export interface ParamRange {
  layer: number;
  kind: string;
  block: string;
  offset: number;
  size: number;
}

export class Sequential {
  readonly paramCount: number;
  readonly offsets: readonly number[];
  readonly inputShape: Shape;
  readonly inputSize: number;
  readonly outputSize: number;
  readonly targetSize: number;
  backend: Backend;

  constructor(
    readonly layers: readonly Layer[],
    readonly loss: Loss,
    opts: { backend?: Backend; name?: string } = {},
  ) {
    if (!layers.length) throw new ParameterError('layers', layers, 'at least one layer');
    for (let i = 1; i < layers.length; i++) {
      const a = layers[i - 1].outShape;
      const b = layers[i].inShape;
      if (a.length !== b.length || a.some((s, k) => s !== b[k])) {
        throw new ParameterError(`layers[${i}].inShape`, b, `[${a.join(', ')}] (the output shape of layers[${i - 1}], ${layers[i - 1].kind})`);
      }
    }
    const offsets: number[] = [];
    let p = 0;
    for (const l of layers) {
      offsets.push(p);
      p += l.paramCount;
    }
    this.offsets = offsets;
    this.paramCount = p;
    this.inputShape = layers[0].inShape;
    this.inputSize = sizeOf(this.inputShape);
    this.outputSize = sizeOf(layers[layers.length - 1].outShape);
    this.targetSize = loss.targetSize(this.outputSize);
    this.backend = opts.backend ?? defaultBackend();
    this.name = opts.name ?? layers.map((l) => l.kind).join('-');
  }
  readonly name: string;

  /** Every parameter block with its offset in the flat parameter vector. */
  paramRanges(): ParamRange[] {
    const out: ParamRange[] = [];
    this.layers.forEach((l, i) => {
      let o = this.offsets[i];
      for (const b of l.paramBlocks) {
        out.push({ layer: i, kind: l.kind, block: b.name, offset: o, size: b.size });
        o += b.size;
      }
    });
    return out;
  }

  /** Fresh parameters; layer i draws from stream.child(i). */
  init(stream: Stream): Float64Array {
    const params = new Float64Array(this.paramCount);
    this.layers.forEach((l, i) => l.init(this.slice(params, i), stream.child(i)));
    return params;
  }

  slice(params: Float64Array, layer: number): Float64Array {
    return params.subarray(this.offsets[layer], this.offsets[layer] + this.layers[layer].paramCount);
  }

  checkParams(params: Float64Array, name = 'params'): void {
    if (!(params instanceof Float64Array)) throw new ParameterTypeError(name, params, 'a Float64Array');
    if (params.length !== this.paramCount) throw new ParameterError(`${name}.length`, params.length, `${this.paramCount} (the model's parameter count)`);
  }

  checkBatch(batch: Batch, name = 'batch'): void {
    if (!Number.isInteger(batch.n) || batch.n < 1) throw new ParameterError(`${name}.n`, batch.n, 'a positive integer');
    if (batch.x.length < batch.n * this.inputSize) {
      throw new ParameterError(`${name}.x.length`, batch.x.length, `${batch.n * this.inputSize} (n = ${batch.n} examples × input size ${this.inputSize})`);
    }
    if (batch.y.length < batch.n * this.targetSize) {
      throw new ParameterError(`${name}.y.length`, batch.y.length, `${batch.n * this.targetSize} (n = ${batch.n} examples × target size ${this.targetSize})`);
    }
  }

  private ctx(opts: PassOptions): PassContext {
    return { backend: this.backend, train: opts.train ?? true, updateStats: opts.updateStats ?? false };
  }

  private forwardAll(params: Float64Array, batch: Batch, ctx: PassContext) {
    this.checkParams(params);
    this.checkBatch(batch);
    const n = batch.n;
    let h = batch.x.length === n * this.inputSize ? batch.x : batch.x.subarray(0, n * this.inputSize);
    const caches: unknown[] = [];
    for (let i = 0; i < this.layers.length; i++) {
      const r = this.layers[i].forward(this.slice(params, i), h, n, ctx);
      caches.push(r.cache);
      h = r.y;
    }
    return { z: h, caches };
  }

  /** Network outputs (logits or predictions) [B × outputSize]. */
  forward(params: Float64Array, batch: Pick<Batch, 'x' | 'n'>, opts: PassOptions = {}): Float64Array {
    const b = { x: batch.x, n: batch.n, y: new Float64Array(batch.n * this.targetSize) };
    return this.forwardAll(params, b, this.ctx({ train: false, ...opts })).z;
  }

  /** Per-example losses ℓ_i. */
  losses(params: Float64Array, batch: Batch, opts: PassOptions = {}): Float64Array {
    const ctx = this.ctx(opts);
    const { z } = this.forwardAll(params, batch, ctx);
    return this.loss.forward(z, batch.y, batch.n, this.outputSize).losses;
  }

  /** Mean loss over the batch. */
  lossValue(params: Float64Array, batch: Batch, opts: PassOptions = {}): number {
    const l = this.losses(params, batch, opts);
    let s = 0;
    for (let i = 0; i < l.length; i++) s += l[i];
    return s / l.length;
  }

  /** The batch loss and its gradient (into `out` if given). */
  gradient(params: Float64Array, batch: Batch, opts: PassOptions & { out?: Float64Array } = {}): { loss: number; gradient: Float64Array } {
    const r = this.backwardAll(params, batch, opts, false, false, opts.out);
    return { loss: r.loss, gradient: r.gradient };
  }

  /**
   * Every example's gradient (and/or squared norm) from one backward pass, layer by layer:
   * each layer turns the per-example output gradients into per-example parameter gradients.
   */
  perExample(params: Float64Array, batch: Batch, opts: PerExampleOptions = {}): PerExampleResult {
    return this.backwardAll(params, batch, opts, opts.gradients ?? true, opts.sqNorms ?? false, undefined, opts.out);
  }

  private backwardAll(
    params: Float64Array,
    batch: Batch,
    opts: PassOptions,
    wantGrads: boolean,
    wantSq: boolean,
    sumOut?: Float64Array,
    gradsOut?: Float64Array,
  ): PerExampleResult {
    const ctx = this.ctx(opts);
    const n = batch.n;
    const P = this.paramCount;
    const { z, caches } = this.forwardAll(params, batch, ctx);
    const { losses, dz } = this.loss.forward(z, batch.y, n, this.outputSize);
    const gradient = sumOut ?? new Float64Array(P);
    if (sumOut) {
      if (sumOut.length !== P) throw new ParameterError('out.length', sumOut.length, `${P}`);
      sumOut.fill(0);
    }
    let gradients: Float64Array | undefined;
    if (wantGrads) {
      if (gradsOut && gradsOut.length < n * P) throw new ParameterError('out.length', gradsOut.length, `at least ${n * P} (B × P)`);
      gradients = gradsOut ?? new Float64Array(n * P);
    }
    const sqNorms = wantSq ? new Float64Array(n) : undefined;
    let dy: Float64Array | null = dz;
    for (let i = this.layers.length - 1; i >= 0 && dy; i--) {
      const l = this.layers[i];
      const off = this.offsets[i];
      const req: GradRequest = {
        sum: l.paramCount ? gradient.subarray(off, off + l.paramCount) : undefined,
        sumScale: 1 / n,
        perExample: gradients && l.paramCount ? { data: gradients, stride: P, offset: off } : undefined,
        sqNorms: l.paramCount ? sqNorms : undefined,
        needInputGrad: i > 0,
      };
      dy = l.backward(this.slice(params, i), caches[i], dy, n, req, ctx);
    }
    let loss = 0;
    for (let i = 0; i < n; i++) loss += losses[i];
    return { loss: loss / n, losses, gradient, gradients, sqNorms };
  }

  /**
   * Exact Hessian-vector product H·v of the batch loss (Pearlmutter's R-operator: one forward,
   * one R-forward and one combined backward pass).
   */
  hvp(params: Float64Array, batch: Batch, v: Float64Array, opts: PassOptions & { out?: Float64Array } = {}): { loss: number; hv: Float64Array } {
    this.checkParams(v, 'v');
    const ctx = this.ctx(opts);
    const n = batch.n;
    const P = this.paramCount;
    const { z, caches } = this.forwardAll(params, batch, ctx);
    const rcaches: unknown[] = [];
    let rh: Float64Array | null = null;
    for (let i = 0; i < this.layers.length; i++) {
      const r = this.layers[i].rForward(this.slice(params, i), this.slice(v, i), caches[i], rh, n, ctx);
      rcaches.push(r.rcache);
      rh = r.ry;
    }
    const lf = this.loss.forward(z, batch.y, n, this.outputSize);
    const rz = rh ?? new Float64Array(z.length);
    let rdy: Float64Array | null = this.loss.rGrad(z, batch.y, lf.cache, rz, n, this.outputSize);
    let dy: Float64Array | null = lf.dz;
    const hv = opts.out ?? new Float64Array(P);
    if (opts.out) hv.fill(0);
    for (let i = this.layers.length - 1; i >= 0 && dy; i--) {
      const l = this.layers[i];
      const r = l.rBackward(this.slice(params, i), this.slice(v, i), caches[i], rcaches[i], dy, rdy, n, this.slice(hv, i), 1 / n, i > 0, ctx);
      dy = r.dx;
      rdy = r.rdx;
    }
    let loss = 0;
    for (let i = 0; i < n; i++) loss += lf.losses[i];
    return { loss: loss / n, hv };
  }
}
