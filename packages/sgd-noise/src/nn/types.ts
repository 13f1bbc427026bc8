/**
 * The layer contract. Activations are stored example-major and channels-last: an example of
 * shape [L, C] (1-D signal) or [H, W, C] (image) or [F] (features) occupies a contiguous run of
 * prod(shape) numbers. Each layer's backward pass yields every example's gradient contribution
 * at once (as BackPACK does), and its R-passes give exact Hessian-vector products (Pearlmutter
 * 1994): rForward propagates the directional derivative R{·} = d/dr (·)(θ + r·v) at r = 0.
 */
import type { Stream } from '@snrlab/core';
import type { Backend } from '../linalg.js';

export type Shape = readonly number[];

export const sizeOf = (s: Shape): number => s.reduce((p, v) => p * v, 1);

/** What a backward pass should produce for this layer's parameters. */
export interface GradRequest {
  /** Accumulate `sumScale`·Σ_i g_i into this array (the layer's slice of the batch gradient). */
  sum?: Float64Array;
  sumScale: number;
  /** Per-example gradients: row i, columns offset .. offset + paramCount of a row-major matrix. */
  perExample?: { data: Float64Array; stride: number; offset: number };
  /** Add each example's squared gradient norm (this layer's part) to sqNorms[i]. */
  sqNorms?: Float64Array;
  /** Whether the gradient with respect to the layer's input is needed (false for the first layer). */
  needInputGrad: boolean;
}

export interface PassContext {
  backend: Backend;
  /** Batch norm uses batch statistics when true, running statistics when false. */
  train: boolean;
  /** Update batch norm's running statistics during this forward pass. */
  updateStats: boolean;
}

export interface ForwardResult {
  y: Float64Array;
  cache: unknown;
}

export interface RForwardResult {
  /** R{y}, or null when it is identically zero. */
  ry: Float64Array | null;
  rcache: unknown;
}

export interface Layer {
  readonly kind: string;
  readonly inShape: Shape;
  readonly outShape: Shape;
  readonly paramCount: number;
  /** Names and sizes of the parameter blocks, in storage order (e.g. weight, bias). */
  readonly paramBlocks: readonly { name: string; size: number }[];
  init(params: Float64Array, stream: Stream): void;
  forward(params: Float64Array, x: Float64Array, batch: number, ctx: PassContext): ForwardResult;
  /**
   * Given dy = per-example ∂ℓ_i/∂y (unscaled), fill the requested parameter gradients and return
   * ∂/∂x (per example), or null when `needInputGrad` is false.
   */
  backward(params: Float64Array, cache: unknown, dy: Float64Array, batch: number, req: GradRequest, ctx: PassContext): Float64Array | null;
  /** R{y} from R{x} (null = zero) and the parameter direction v (this layer's slice). */
  rForward(params: Float64Array, v: Float64Array, cache: unknown, rx: Float64Array | null, batch: number, ctx: PassContext): RForwardResult;
  /**
   * The backward pass and its R-derivative together: accumulates `scale`·Σ_i R{g_i} into `hv`
   * (the Hessian-vector product's slice) and returns ∂/∂x and R{∂/∂x} (null when not needed).
   */
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
  ): { dx: Float64Array | null; rdx: Float64Array | null };
}

/** A loss on the last layer's output z (per example, length outSize) and the targets. */
export interface Loss {
  readonly kind: string;
  /** Numbers per example in the target array. */
  targetSize(outSize: number): number;
  /** Per-example losses and per-example ∂ℓ_i/∂z_i. */
  forward(z: Float64Array, y: Float64Array, batch: number, outSize: number): { losses: Float64Array; dz: Float64Array; cache: unknown };
  /** R{∂ℓ_i/∂z_i} given R{z}. */
  rGrad(z: Float64Array, y: Float64Array, cache: unknown, rz: Float64Array, batch: number, outSize: number): Float64Array;
}
