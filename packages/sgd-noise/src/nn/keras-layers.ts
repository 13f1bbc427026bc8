/**
 * The layers an imported TF.js / Keras model needs beyond the engine's own (Dense, Conv, ReLU,
 * Tanh, Flatten, GlobalAvgPool): pointwise activations with their first and second derivatives,
 * max and average pooling (Keras 'valid'/'same' padding and strides), a strided view (a strided
 * convolution is the stride-1 convolution read at every s-th position), batch normalisation in
 * inference mode (the moving statistics are constants), and the identity (elementwise.ts's, for
 * Dropout and the other regularisers, off at measurement, and Reshape, which only relabels the
 * contiguous example). The parameter-free ones share elementwise.ts's bases.
 *
 * Each is exact in its backward pass (per-example input gradients) and in its R-passes (Pearlmutter
 * 1994), so Hessian-vector products through an imported model are exact too.
 */
import { assertInteger, ParameterError } from '@snrlab/core';
import { PerChannel } from './batchnorm.js';
import { LinearAtPoint, NoParams } from './elementwise.js';
import type { ForwardResult, GradRequest, Layer, RForwardResult, Shape } from './types.js';
import { sizeOf } from './types.js';

export { Identity } from './elementwise.js';

/** A pointwise function with its first and second derivatives. */
export interface Pointwise {
  f(x: number): number;
  df(x: number): number;
  d2f(x: number): number;
}

const sigmoid = (x: number) => (x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x)));
const SELU_ALPHA = 1.6732632423543772;
const SELU_SCALE = 1.0507009873554805;

/** The pointwise activations (Keras names, with `leaky_relu`'s and `elu`'s slope `alpha`). */
export function pointwise(name: string, alpha?: number): Pointwise {
  switch (name) {
    case 'relu6':
      return { f: (x) => Math.min(Math.max(x, 0), 6), df: (x) => (x > 0 && x < 6 ? 1 : 0), d2f: () => 0 };
    case 'leaky_relu': {
      const a = alpha ?? 0.3;
      return { f: (x) => (x > 0 ? x : a * x), df: (x) => (x > 0 ? 1 : a), d2f: () => 0 };
    }
    case 'elu': {
      const a = alpha ?? 1;
      return { f: (x) => (x > 0 ? x : a * Math.expm1(x)), df: (x) => (x > 0 ? 1 : a * Math.exp(x)), d2f: (x) => (x > 0 ? 0 : a * Math.exp(x)) };
    }
    case 'selu':
      return {
        f: (x) => SELU_SCALE * (x > 0 ? x : SELU_ALPHA * Math.expm1(x)),
        df: (x) => SELU_SCALE * (x > 0 ? 1 : SELU_ALPHA * Math.exp(x)),
        d2f: (x) => (x > 0 ? 0 : SELU_SCALE * SELU_ALPHA * Math.exp(x)),
      };
    case 'sigmoid':
      return {
        f: sigmoid,
        df: (x) => {
          const s = sigmoid(x);
          return s * (1 - s);
        },
        d2f: (x) => {
          const s = sigmoid(x);
          return s * (1 - s) * (1 - 2 * s);
        },
      };
    case 'softplus':
      return {
        f: (x) => (x > 0 ? x + Math.log1p(Math.exp(-x)) : Math.log1p(Math.exp(x))),
        df: sigmoid,
        d2f: (x) => {
          const s = sigmoid(x);
          return s * (1 - s);
        },
      };
    case 'softsign':
      return {
        f: (x) => x / (1 + Math.abs(x)),
        df: (x) => 1 / (1 + Math.abs(x)) ** 2,
        d2f: (x) => (-2 * Math.sign(x)) / (1 + Math.abs(x)) ** 3,
      };
    case 'swish':
    case 'silu':
      return {
        f: (x) => x * sigmoid(x),
        df: (x) => {
          const s = sigmoid(x);
          return s + x * s * (1 - s);
        },
        d2f: (x) => {
          const s = sigmoid(x);
          return s * (1 - s) * (2 + x * (1 - 2 * s));
        },
      };
    default:
      throw new ParameterError('activation', name, 'one of relu6, leaky_relu, elu, selu, sigmoid, softplus, softsign, swish (relu and tanh have their own layers)');
  }
}

/**
 * y = f(x) elementwise. dx = f′(x)·dy; R{y} = f′(x)·R{x}; R{dx} = f′(x)·R{dy} + f″(x)·R{x}·dy.
 */
export class Activation extends NoParams implements Layer {
  readonly kind: string;
  private readonly fn: Pointwise;
  constructor(
    shape: Shape,
    readonly activation: string,
    readonly alpha?: number,
  ) {
    super(shape, shape);
    this.fn = pointwise(activation, alpha);
    this.kind = activation.replace(/_/g, '-');
  }
  forward(_p: Float64Array, x: Float64Array): ForwardResult {
    const y = new Float64Array(x.length);
    for (let i = 0; i < x.length; i++) y[i] = this.fn.f(x[i]);
    return { y, cache: x };
  }
  private times(x: Float64Array, d: Float64Array): Float64Array {
    const out = new Float64Array(d.length);
    for (let i = 0; i < d.length; i++) out[i] = this.fn.df(x[i]) * d[i];
    return out;
  }
  backward(_p: Float64Array, cache: unknown, dy: Float64Array, _b: number, req: GradRequest): Float64Array | null {
    return req.needInputGrad ? this.times(cache as Float64Array, dy) : null;
  }
  rForward(_p: Float64Array, _v: Float64Array, cache: unknown, rx: Float64Array | null): RForwardResult {
    return { ry: rx ? this.times(cache as Float64Array, rx) : null, rcache: rx };
  }
  rBackward(_p: Float64Array, _v: Float64Array, cache: unknown, rcache: unknown, dy: Float64Array, rdy: Float64Array | null, _b: number, _hv: Float64Array, _s: number, need: boolean) {
    if (!need) return { dx: null, rdx: null };
    const x = cache as Float64Array;
    const rx = rcache as Float64Array | null;
    const dx = this.times(x, dy);
    const rdx = rdy ? this.times(x, rdy) : new Float64Array(dy.length);
    if (rx) for (let i = 0; i < dy.length; i++) rdx[i] += this.fn.d2f(x[i]) * rx[i] * dy[i];
    return { dx, rdx };
  }
}

/** Decompose a flat position index over the spatial dimensions (row-major). */
function unravel(p: number, dims: readonly number[], out: number[]): void {
  for (let d = dims.length - 1; d >= 0; d--) {
    out[d] = p % dims[d];
    p = Math.floor(p / dims[d]);
  }
}

/**
 * A linear map that reads each output position from a list of input positions (−1 = padding):
 * the shared core of the strided view (one source per output) and of pooling (a window).
 */
abstract class Gather extends LinearAtPoint {
  /** index[p·K + q]: input position read by output position p at window offset q, or −1. */
  protected index!: Int32Array;
  protected K = 1;
  readonly channels: number;
  readonly outPositions: number;
  readonly inPositions: number;
  constructor(inShape: Shape, outShape: Shape) {
    super(inShape, outShape);
    this.channels = inShape[inShape.length - 1];
    this.inPositions = sizeOf(inShape) / this.channels;
    this.outPositions = sizeOf(outShape) / this.channels;
  }
}

/**
 * The positions start + k·step (k < count) of each spatial dimension: a stride-s convolution is
 * the stride-1 convolution read there (`valid`: start 0; `same`: start ⌊(k−1)/2⌋ − Keras's pad).
 */
export class Subsample extends Gather implements Layer {
  readonly kind = 'subsample';
  constructor(inShape: Shape, start: readonly number[], step: readonly number[], count: readonly number[]) {
    const rank = inShape.length - 1;
    const spatial = inShape.slice(0, rank);
    for (let d = 0; d < rank; d++) {
      assertInteger(`step[${d}]`, step[d], { min: 1 });
      assertInteger(`count[${d}]`, count[d], { min: 1 });
      if (start[d] < 0 || start[d] + (count[d] - 1) * step[d] >= spatial[d]) throw new ParameterError(`start[${d}]`, start[d], `positions inside [0, ${spatial[d] - 1}]`);
    }
    super(inShape, [...count, inShape[rank]]);
    const P = this.outPositions;
    this.index = new Int32Array(P);
    const o = new Array<number>(rank).fill(0);
    for (let p = 0; p < P; p++) {
      unravel(p, count, o);
      let flat = 0;
      for (let d = 0; d < rank; d++) flat = flat * spatial[d] + start[d] + o[d] * step[d];
      this.index[p] = flat;
    }
  }
  forward(_p: Float64Array, x: Float64Array, batch: number): ForwardResult {
    return { y: this.apply(null, x, batch), cache: null };
  }
  /** Gather: output position p reads input position index[p]. */
  protected apply(_c: unknown, x: Float64Array, batch: number): Float64Array {
    const C = this.channels;
    const P = this.outPositions;
    const inSize = this.inPositions * C;
    const y = new Float64Array(batch * P * C);
    for (let i = 0; i < batch; i++) for (let p = 0; p < P; p++) for (let c = 0; c < C; c++) y[(i * P + p) * C + c] = x[i * inSize + this.index[p] * C + c];
    return y;
  }
  /** Scatter-add back to the input positions. */
  protected transpose(_c: unknown, dy: Float64Array, batch: number): Float64Array {
    const C = this.channels;
    const P = this.outPositions;
    const inSize = this.inPositions * C;
    const dx = new Float64Array(batch * inSize);
    for (let i = 0; i < batch; i++) for (let p = 0; p < P; p++) for (let c = 0; c < C; c++) dx[i * inSize + this.index[p] * C + c] += dy[(i * P + p) * C + c];
    return dx;
  }
}

export type PoolOp = 'max' | 'avg';

/** Output length and padding before, in TensorFlow's convention ('same': ⌈n/s⌉ positions, the padding split with the extra one after). */
export function tfPadding(n: number, k: number, s: number, padding: 'valid' | 'same'): { out: number; before: number } {
  if (padding === 'valid') return { out: Math.floor((n - k) / s) + 1, before: 0 };
  const out = Math.ceil(n / s);
  return { out, before: Math.floor(Math.max((out - 1) * s + k - n, 0) / 2) };
}

/**
 * Max or average pooling over windows of each channel (channels-last), Keras semantics: 'same'
 * padding pads as TensorFlow does, and the average is over the window's positions inside the input
 * (padding does not count). `global`: one window over every position, output [C].
 * Max pooling is piecewise linear: its derivative routes through the window's arg-max.
 */
export class Pool extends Gather implements Layer {
  readonly kind: string;
  constructor(
    inShape: Shape,
    readonly op: PoolOp,
    poolSize: readonly number[] | 'global',
    strides?: readonly number[],
    padding: 'valid' | 'same' = 'valid',
  ) {
    const rank = inShape.length - 1;
    if (rank < 1) throw new ParameterError('inShape', inShape, '[positions..., channels] with at least one spatial dimension');
    const spatial = inShape.slice(0, rank);
    const global = poolSize === 'global';
    const k = global ? spatial : poolSize;
    const s = global ? spatial : (strides ?? k);
    if (k.length !== rank || s.length !== rank) throw new ParameterError('poolSize', poolSize, `${rank} sizes (one per spatial dimension of [${inShape.join(', ')}])`);
    const pads = spatial.map((n, d) => {
      assertInteger(`poolSize[${d}]`, k[d], { min: 1 });
      assertInteger(`strides[${d}]`, s[d], { min: 1 });
      const r = tfPadding(n, k[d], s[d], global ? 'valid' : padding);
      if (r.out < 1) throw new ParameterError(`poolSize[${d}]`, k[d], `at most ${n}, the input's size along that dimension ('valid' padding)`);
      return r;
    });
    const outSpatial = pads.map((r) => r.out);
    super(inShape, global ? [inShape[rank]] : [...outSpatial, inShape[rank]]);
    this.kind = `${global ? 'global-' : ''}${op}-pool`;
    const K = k.reduce((a, b) => a * b, 1);
    this.K = K;
    const P = this.outPositions;
    this.index = new Int32Array(P * K);
    const o = new Array<number>(rank).fill(0);
    const q = new Array<number>(rank).fill(0);
    for (let p = 0; p < P; p++) {
      unravel(p, outSpatial, o);
      for (let w = 0; w < K; w++) {
        unravel(w, k, q);
        let flat = 0;
        let ok = true;
        for (let d = 0; d < rank; d++) {
          const pos = o[d] * s[d] + q[d] - pads[d].before;
          if (pos < 0 || pos >= spatial[d]) ok = false;
          flat = flat * spatial[d] + pos;
        }
        this.index[p * K + w] = ok ? flat : -1;
      }
    }
  }

  /** y, and for max the input index chosen per output (flat within the batch). */
  forward(_p: Float64Array, x: Float64Array, batch: number): ForwardResult {
    const C = this.channels;
    const P = this.outPositions;
    const K = this.K;
    const inSize = this.inPositions * C;
    const y = new Float64Array(batch * P * C);
    const arg = this.op === 'max' ? new Int32Array(batch * P * C) : null;
    for (let i = 0; i < batch; i++) {
      for (let p = 0; p < P; p++) {
        for (let c = 0; c < C; c++) {
          let acc = this.op === 'max' ? -Infinity : 0;
          let best = -1;
          let count = 0;
          for (let w = 0; w < K; w++) {
            const src = this.index[p * K + w];
            if (src < 0) continue;
            const at = i * inSize + src * C + c;
            const v = x[at];
            count++;
            if (this.op === 'max') {
              if (v > acc || best < 0) {
                acc = v;
                best = at;
              }
            } else acc += v;
          }
          const o = (i * P + p) * C + c;
          if (arg) {
            y[o] = acc;
            arg[o] = best;
          } else y[o] = acc / count;
        }
      }
    }
    return { y, cache: arg };
  }

  /** The linear map the pooling is at this point (the arg-max fixed), applied to d. */
  protected apply(cache: unknown, d: Float64Array, batch: number): Float64Array {
    const arg = cache as Int32Array | null;
    if (!arg) return this.forward(new Float64Array(0), d, batch).y; // the average is linear
    const out = new Float64Array(arg.length);
    for (let o = 0; o < out.length; o++) out[o] = d[arg[o]];
    return out;
  }

  /** Its transpose, applied to an output gradient. */
  protected transpose(cache: unknown, dy: Float64Array, batch: number): Float64Array {
    const C = this.channels;
    const P = this.outPositions;
    const K = this.K;
    const inSize = this.inPositions * C;
    const dx = new Float64Array(batch * inSize);
    const arg = cache as Int32Array | null;
    if (arg) {
      for (let o = 0; o < dy.length; o++) dx[arg[o]] += dy[o];
      return dx;
    }
    for (let p = 0; p < P; p++) {
      let count = 0;
      for (let w = 0; w < K; w++) if (this.index[p * K + w] >= 0) count++;
      for (let w = 0; w < K; w++) {
        const src = this.index[p * K + w];
        if (src < 0) continue;
        for (let i = 0; i < batch; i++) for (let c = 0; c < C; c++) dx[i * inSize + src * C + c] += dy[(i * P + p) * C + c] / count;
      }
    }
    return dx;
  }
}

interface FrozenBNCache {
  xhat: Float64Array;
}

/**
 * Batch normalisation in inference mode, as a Keras model computes at prediction:
 * y = γ·(x − m)/√(v + ε) + β with the moving mean m and variance v as constants, so each example's
 * output and gradient depend on that example alone. γ (`scale`) and β (`center`) are parameters,
 * either of which Keras may leave out.
 */
export class InferenceBatchNorm extends PerChannel implements Layer {
  readonly kind = 'batch-norm (inference)';
  readonly paramCount: number;
  readonly paramBlocks: readonly { name: string; size: number }[];
  /** 1/√(v + ε) per channel. */
  private readonly inv: Float64Array;

  constructor(
    inShape: Shape,
    readonly movingMean: readonly number[],
    readonly movingVariance: readonly number[],
    readonly epsilon: number,
    readonly scale: boolean,
    readonly center: boolean,
  ) {
    super(inShape);
    const C = this.channels;
    if (movingMean.length !== C) throw new ParameterError('movingMean.length', movingMean.length, `${C}, the channels of [${inShape.join(', ')}]`);
    if (movingVariance.length !== C) throw new ParameterError('movingVariance.length', movingVariance.length, `${C}, the channels of [${inShape.join(', ')}]`);
    this.inv = Float64Array.from(movingVariance, (v, c) => {
      if (!(v + epsilon > 0)) throw new ParameterError(`movingVariance[${c}]`, v, `a value with v + ε > 0 (ε = ${epsilon})`);
      return 1 / Math.sqrt(v + epsilon);
    });
    const blocks: { name: string; size: number }[] = [];
    if (scale) blocks.push({ name: 'gamma', size: C });
    if (center) blocks.push({ name: 'beta', size: C });
    this.paramBlocks = blocks;
    this.paramCount = blocks.length * C;
  }

  init(params: Float64Array): void {
    if (this.scale) params.fill(1, 0, this.channels);
    if (this.center) params.fill(0, this.scale ? this.channels : 0, this.paramCount);
  }

  private gamma(params: Float64Array, c: number): number {
    return this.scale ? params[c] : 1;
  }

  private normalise(x: Float64Array): Float64Array {
    const C = this.channels;
    const xhat = new Float64Array(x.length);
    for (let j = 0; j < x.length; j++) {
      const c = j % C;
      xhat[j] = (x[j] - this.movingMean[c]) * this.inv[c];
    }
    return xhat;
  }

  forward(params: Float64Array, x: Float64Array): ForwardResult {
    const C = this.channels;
    const xhat = this.normalise(x);
    const y = new Float64Array(x.length);
    const bo = this.scale ? C : 0;
    for (let j = 0; j < x.length; j++) {
      const c = j % C;
      y[j] = this.gamma(params, c) * xhat[j] + (this.center ? params[bo + c] : 0);
    }
    return { y, cache: { xhat } satisfies FrozenBNCache };
  }

  /** Per-example parameter gradients: ∂ℓ_i/∂γ_c = Σ_p dy·x̂, ∂ℓ_i/∂β_c = Σ_p dy. */
  private paramGrads(xhat: Float64Array, dy: Float64Array, batch: number): Float64Array {
    const C = this.channels;
    const P = this.positions;
    const g = new Float64Array(batch * this.paramCount);
    const bo = this.scale ? C : 0;
    for (let i = 0; i < batch; i++) {
      const go = i * this.paramCount;
      for (let p = 0; p < P; p++) {
        for (let c = 0; c < C; c++) {
          const j = (i * P + p) * C + c;
          if (this.scale) g[go + c] += dy[j] * xhat[j];
          if (this.center) g[go + bo + c] += dy[j];
        }
      }
    }
    return g;
  }

  backward(params: Float64Array, cache: unknown, dy: Float64Array, batch: number, req: GradRequest): Float64Array | null {
    const { xhat } = cache as FrozenBNCache;
    const C = this.channels;
    const Q = this.paramCount;
    if (Q && (req.sum || req.perExample || req.sqNorms)) {
      const g = this.paramGrads(xhat, dy, batch);
      for (let i = 0; i < batch; i++) {
        let s2 = 0;
        for (let k = 0; k < Q; k++) {
          const v = g[i * Q + k];
          if (req.sum) req.sum[k] += req.sumScale * v;
          if (req.perExample) req.perExample.data[i * req.perExample.stride + req.perExample.offset + k] = v;
          s2 += v * v;
        }
        if (req.sqNorms) req.sqNorms[i] += s2;
      }
    }
    if (!req.needInputGrad) return null;
    const dx = new Float64Array(dy.length);
    for (let j = 0; j < dy.length; j++) {
      const c = j % C;
      dx[j] = this.gamma(params, c) * this.inv[c] * dy[j];
    }
    return dx;
  }

  rForward(params: Float64Array, v: Float64Array, cache: unknown, rx: Float64Array | null): RForwardResult {
    const { xhat } = cache as FrozenBNCache;
    const C = this.channels;
    const bo = this.scale ? C : 0;
    const ry = new Float64Array(xhat.length);
    for (let j = 0; j < ry.length; j++) {
      const c = j % C;
      let r = (this.scale ? v[c] * xhat[j] : 0) + (this.center ? v[bo + c] : 0);
      if (rx) r += this.gamma(params, c) * this.inv[c] * rx[j];
      ry[j] = r;
    }
    return { ry, rcache: rx };
  }

  rBackward(params: Float64Array, v: Float64Array, cache: unknown, rcache: unknown, dy: Float64Array, rdy: Float64Array | null, _b: number, hv: Float64Array, scale: number, needInputGrad: boolean) {
    const { xhat } = cache as FrozenBNCache;
    const rx = rcache as Float64Array | null;
    const C = this.channels;
    const bo = this.scale ? C : 0;
    // R{g_γ} = Σ R{dy}·x̂ + dy·R{x̂} with R{x̂} = R{x}/√(v+ε); R{g_β} = Σ R{dy}
    for (let j = 0; j < dy.length; j++) {
      const c = j % C;
      if (this.scale) hv[c] += scale * ((rdy ? rdy[j] * xhat[j] : 0) + (rx ? dy[j] * rx[j] * this.inv[c] : 0));
      if (this.center && rdy) hv[bo + c] += scale * rdy[j];
    }
    if (!needInputGrad) return { dx: null, rdx: null };
    const dx = new Float64Array(dy.length);
    const rdx = new Float64Array(dy.length);
    for (let j = 0; j < dy.length; j++) {
      const c = j % C;
      dx[j] = this.gamma(params, c) * this.inv[c] * dy[j];
      rdx[j] = this.inv[c] * ((this.scale ? v[c] * dy[j] : 0) + (rdy ? this.gamma(params, c) * rdy[j] : 0));
    }
    return { dx, rdx };
  }
}
