/**
 * Dense and convolution layers: both are y = U·W + b, where U holds each output position's input
 * patch (im2col; for a dense layer U is the input itself). Per-example gradients follow BackPACK's
 * BatchGrad: g_i(W) = U_iᵀ·δ_i, which for one position is the outer product u_i ⊗ δ_i and its
 * squared norm |u_i|²·|δ_i|² (BatchL2Grad), with no loop over examples in the matrix work.
 */
import { assertInteger, assertOneOf, ParameterError, type Stream } from '@snrlab/core';
import { batchedMatmul, columnMeans, matmul } from '../linalg.js';
import type { ForwardResult, GradRequest, Layer, PassContext, RForwardResult, Shape } from './types.js';

export type WeightInit = 'lecun' | 'he' | 'zeros';

export interface AffineOptions {
  /** Add a bias per output channel (default true). */
  bias?: boolean;
  /** Weight initialisation: N(0, 1/fanIn) ('lecun'), N(0, 2/fanIn) ('he') or zeros. */
  init?: WeightInit;
}

interface AffineCache {
  u: Float64Array;
}
interface AffineRCache {
  ru: Float64Array | null;
}

/** y = U·W + b for P output positions with patches of length `patch`, Cout output channels. */
abstract class AffineBase implements Layer {
  abstract readonly kind: string;
  readonly paramCount: number;
  readonly paramBlocks: readonly { name: string; size: number }[];
  readonly weightSize: number;
  readonly bias: boolean;
  readonly initKind: WeightInit;

  constructor(
    readonly inShape: Shape,
    readonly outShape: Shape,
    /** Output positions per example. */
    readonly positions: number,
    /** Patch length K·Cin. */
    readonly patch: number,
    readonly outChannels: number,
    opts: AffineOptions,
  ) {
    this.bias = opts.bias ?? true;
    this.initKind = opts.init ?? 'lecun';
    assertOneOf('init', this.initKind, ['lecun', 'he', 'zeros'] as const);
    this.weightSize = patch * outChannels;
    this.paramCount = this.weightSize + (this.bias ? outChannels : 0);
    this.paramBlocks = this.bias
      ? [
          { name: 'weight', size: this.weightSize },
          { name: 'bias', size: outChannels },
        ]
      : [{ name: 'weight', size: this.weightSize }];
  }

  /** Patches U [batch·P × patch]. */
  protected abstract im2col(x: Float64Array, batch: number): Float64Array;
  /** Scatter-add patch gradients back to the input layout. */
  protected abstract col2im(du: Float64Array, batch: number): Float64Array;

  init(params: Float64Array, stream: Stream): void {
    const sd = this.initKind === 'zeros' ? 0 : Math.sqrt((this.initKind === 'he' ? 2 : 1) / this.patch);
    for (let i = 0; i < this.weightSize; i++) params[i] = sd === 0 ? 0 : sd * stream.normal();
    for (let i = this.weightSize; i < this.paramCount; i++) params[i] = 0;
  }

  private addBias(y: Float64Array, b: Float64Array, rows: number): void {
    const C = this.outChannels;
    for (let r = 0; r < rows; r++) {
      const o = r * C;
      for (let c = 0; c < C; c++) y[o + c] += b[c];
    }
  }

  forward(params: Float64Array, x: Float64Array, batch: number, ctx: PassContext): ForwardResult {
    const rows = batch * this.positions;
    const u = this.im2col(x, batch);
    const y = matmul(ctx.backend, u, params.subarray(0, this.weightSize), rows, this.patch, this.outChannels);
    if (this.bias) this.addBias(y, params.subarray(this.weightSize), rows);
    return { y, cache: { u } satisfies AffineCache };
  }

  /** Σ over rows of a rows×C matrix, through the backend's reduction. */
  private columnSums(ctx: PassContext, m: Float64Array, rows: number): Float64Array {
    const s = columnMeans(ctx.backend, m, rows, this.outChannels);
    for (let c = 0; c < s.length; c++) s[c] *= rows;
    return s;
  }

  backward(params: Float64Array, cache: unknown, dy: Float64Array, batch: number, req: GradRequest, ctx: PassContext): Float64Array | null {
    const { u } = cache as AffineCache;
    const P = this.positions;
    const K = this.patch;
    const C = this.outChannels;
    const rows = batch * P;
    if (req.sum) {
      const gW = matmul(ctx.backend, u, dy, K, rows, C, { transA: true });
      const s = req.sumScale;
      const out = req.sum;
      for (let i = 0; i < this.weightSize; i++) out[i] += s * gW[i];
      if (this.bias) {
        const gb = this.columnSums(ctx, dy, rows);
        for (let c = 0; c < C; c++) out[this.weightSize + c] += s * gb[c];
      }
    }
    if (req.perExample || req.sqNorms) this.perExample(u, dy, batch, req, ctx);
    if (!req.needInputGrad) return null;
    const du = matmul(ctx.backend, dy, params.subarray(0, this.weightSize), rows, C, K, { transB: true });
    return this.col2im(du, batch);
  }

  private perExample(u: Float64Array, dy: Float64Array, batch: number, req: GradRequest, ctx: PassContext): void {
    const P = this.positions;
    const K = this.patch;
    const C = this.outChannels;
    const W = this.weightSize;
    const pe = req.perExample;
    const sq = req.sqNorms;
    if (P === 1) {
      // one position: g_i = u_i ⊗ δ_i, |g_i|² = |u_i|²|δ_i|² (+ |δ_i|² for the bias)
      for (let i = 0; i < batch; i++) {
        const uo = i * K;
        const dO = i * C;
        if (pe) {
          const row = pe.data;
          const base = i * pe.stride + pe.offset;
          for (let k = 0; k < K; k++) {
            const uk = u[uo + k];
            const o = base + k * C;
            for (let c = 0; c < C; c++) row[o + c] = uk * dy[dO + c];
          }
          if (this.bias) for (let c = 0; c < C; c++) row[base + W + c] = dy[dO + c];
        }
        if (sq) {
          let uu = 0;
          for (let k = 0; k < K; k++) uu += u[uo + k] * u[uo + k];
          let dd = 0;
          for (let c = 0; c < C; c++) dd += dy[dO + c] * dy[dO + c];
          sq[i] += uu * dd + (this.bias ? dd : 0);
        }
      }
      return;
    }
    // several positions: g_i = U_iᵀ·δ_i, a batched matrix product
    const g = batchedMatmul(ctx.backend, u, dy, batch, K, P, C, { transA: true });
    for (let i = 0; i < batch; i++) {
      const go = i * W;
      let s2 = 0;
      if (pe) pe.data.set(g.subarray(go, go + W), i * pe.stride + pe.offset);
      if (sq) for (let j = 0; j < W; j++) s2 += g[go + j] * g[go + j];
      if (this.bias) {
        const base = pe ? i * pe.stride + pe.offset + W : 0;
        for (let c = 0; c < C; c++) {
          let b = 0;
          for (let p = 0; p < P; p++) b += dy[(i * P + p) * C + c];
          if (pe) pe.data[base + c] = b;
          s2 += b * b;
        }
      }
      if (sq) sq[i] += s2;
    }
  }

  rForward(params: Float64Array, v: Float64Array, cache: unknown, rx: Float64Array | null, batch: number, ctx: PassContext): RForwardResult {
    const { u } = cache as AffineCache;
    const rows = batch * this.positions;
    const K = this.patch;
    const C = this.outChannels;
    const ry = matmul(ctx.backend, u, v.subarray(0, this.weightSize), rows, K, C);
    if (this.bias) this.addBias(ry, v.subarray(this.weightSize), rows);
    let ru: Float64Array | null = null;
    if (rx) {
      ru = this.im2col(rx, batch);
      const t = matmul(ctx.backend, ru, params.subarray(0, this.weightSize), rows, K, C);
      for (let i = 0; i < ry.length; i++) ry[i] += t[i];
    }
    return { ry, rcache: { ru } satisfies AffineRCache };
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
    ctx: PassContext,
  ): { dx: Float64Array | null; rdx: Float64Array | null } {
    const { u } = cache as AffineCache;
    const { ru } = rcache as AffineRCache;
    const K = this.patch;
    const C = this.outChannels;
    const rows = batch * this.positions;
    // R{gW} = R{U}ᵀδ + Uᵀ R{δ};  R{gb} = Σ R{δ}
    if (ru) {
      const a = matmul(ctx.backend, ru, dy, K, rows, C, { transA: true });
      for (let i = 0; i < this.weightSize; i++) hv[i] += scale * a[i];
    }
    if (rdy) {
      const b = matmul(ctx.backend, u, rdy, K, rows, C, { transA: true });
      for (let i = 0; i < this.weightSize; i++) hv[i] += scale * b[i];
      if (this.bias) {
        const gb = this.columnSums(ctx, rdy, rows);
        for (let c = 0; c < C; c++) hv[this.weightSize + c] += scale * gb[c];
      }
    }
    if (!needInputGrad) return { dx: null, rdx: null };
    const W = params.subarray(0, this.weightSize);
    const du = matmul(ctx.backend, dy, W, rows, C, K, { transB: true });
    // R{δU} = R{δ}·Wᵀ + δ·Vᵀ
    const rdu = matmul(ctx.backend, dy, v.subarray(0, this.weightSize), rows, C, K, { transB: true });
    if (rdy) {
      const t = matmul(ctx.backend, rdy, W, rows, C, K, { transB: true });
      for (let i = 0; i < rdu.length; i++) rdu[i] += t[i];
    }
    return { dx: this.col2im(du, batch), rdx: this.col2im(rdu, batch) };
  }
}

/** Fully connected layer on 1-D inputs: y = x·W + b with W stored [in × out]. */
export class Dense extends AffineBase {
  readonly kind = 'dense';
  constructor(
    readonly inFeatures: number,
    readonly outFeatures: number,
    opts: AffineOptions = {},
  ) {
    assertInteger('inFeatures', inFeatures, { min: 1 });
    assertInteger('outFeatures', outFeatures, { min: 1 });
    super([inFeatures], [outFeatures], 1, inFeatures, outFeatures, opts);
  }
  protected im2col(x: Float64Array): Float64Array {
    return x;
  }
  protected col2im(du: Float64Array): Float64Array {
    return du;
  }
}

export type Padding = 'valid' | 'same';

export interface ConvOptions extends AffineOptions {
  /** 'valid' (no padding) or 'same' (zero padding, output as long as the input). Stride is 1. */
  padding?: Padding;
}

/**
 * A small 1-D or 2-D convolution (stride 1) on channels-last inputs [L, Cin] or [H, W, Cin].
 * Weights are stored [kernel positions × Cin × Cout] (cross-correlation, as in every framework).
 */
export class Conv extends AffineBase {
  readonly kind: string;
  /** index[p·K + q]: input position read by output position p at kernel offset q, or −1 (padding). */
  private readonly index: Int32Array;
  readonly kernelPositions: number;
  readonly inChannels: number;
  readonly inPositions: number;
  readonly kernel: readonly number[];
  readonly padding: Padding;

  constructor(inShape: Shape, outChannels: number, kernel: readonly number[], opts: ConvOptions = {}) {
    const rank = inShape.length - 1;
    if (rank !== 1 && rank !== 2) throw new ParameterError('inShape', inShape, '[length, channels] or [height, width, channels]');
    for (const s of inShape) assertInteger('inShape[]', s, { min: 1 });
    if (kernel.length !== rank) throw new ParameterError('kernel', kernel, `${rank} kernel sizes (one per spatial dimension of inShape)`);
    const padding = opts.padding ?? 'valid';
    assertOneOf('padding', padding, ['valid', 'same'] as const);
    const spatial = inShape.slice(0, rank);
    kernel.forEach((k, d) => assertInteger(`kernel[${d}]`, k, { min: 1, max: spatial[d] }));
    assertInteger('outChannels', outChannels, { min: 1 });
    const pad = kernel.map((k) => (padding === 'same' ? Math.floor((k - 1) / 2) : 0));
    const outSpatial = spatial.map((s, d) => (padding === 'same' ? s : s - kernel[d] + 1));
    const P = outSpatial.reduce((a, b) => a * b, 1);
    const K = kernel.reduce((a, b) => a * b, 1);
    const cin = inShape[rank];
    super(inShape, [...outSpatial, outChannels], P, K * cin, outChannels, opts);
    this.kind = `conv${rank}d`;
    this.kernel = [...kernel];
    this.padding = padding;
    this.kernelPositions = K;
    this.inChannels = cin;
    this.inPositions = spatial.reduce((a, b) => a * b, 1);
    const index = new Int32Array(P * K);
    const o = new Array<number>(rank).fill(0);
    for (let p = 0; p < P; p++) {
      let rem = p;
      for (let d = rank - 1; d >= 0; d--) {
        o[d] = rem % outSpatial[d];
        rem = Math.floor(rem / outSpatial[d]);
      }
      for (let q = 0; q < K; q++) {
        let r = q;
        let flat = 0;
        let ok = true;
        const kk = new Array<number>(rank);
        for (let d = rank - 1; d >= 0; d--) {
          kk[d] = r % kernel[d];
          r = Math.floor(r / kernel[d]);
        }
        for (let d = 0; d < rank; d++) {
          const pos = o[d] + kk[d] - pad[d];
          if (pos < 0 || pos >= spatial[d]) ok = false;
          flat = flat * spatial[d] + pos;
        }
        index[p * K + q] = ok ? flat : -1;
      }
    }
    this.index = index;
  }

  protected im2col(x: Float64Array, batch: number): Float64Array {
    const P = this.positions;
    const K = this.kernelPositions;
    const cin = this.inChannels;
    const inSize = this.inPositions * cin;
    const u = new Float64Array(batch * P * K * cin);
    for (let i = 0; i < batch; i++) {
      for (let p = 0; p < P; p++) {
        const row = (i * P + p) * K * cin;
        for (let q = 0; q < K; q++) {
          const src = this.index[p * K + q];
          if (src < 0) continue;
          const s = i * inSize + src * cin;
          const d = row + q * cin;
          for (let c = 0; c < cin; c++) u[d + c] = x[s + c];
        }
      }
    }
    return u;
  }

  protected col2im(du: Float64Array, batch: number): Float64Array {
    const P = this.positions;
    const K = this.kernelPositions;
    const cin = this.inChannels;
    const inSize = this.inPositions * cin;
    const dx = new Float64Array(batch * inSize);
    for (let i = 0; i < batch; i++) {
      for (let p = 0; p < P; p++) {
        const row = (i * P + p) * K * cin;
        for (let q = 0; q < K; q++) {
          const dst = this.index[p * K + q];
          if (dst < 0) continue;
          const d = i * inSize + dst * cin;
          const s = row + q * cin;
          for (let c = 0; c < cin; c++) dx[d + c] += du[s + c];
        }
      }
    }
    return dx;
  }
}

