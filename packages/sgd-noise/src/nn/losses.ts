/**
 * Losses on the network output z, per example. Conventions:
 * - squared loss ℓ = ½|z − t|² (so the Hessian of linear regression is E[xxᵀ]);
 * - softmax cross-entropy ℓ = −log softmax(z)_t with integer class labels t;
 * - logistic loss ℓ = log(1 + e^z) − t·z for labels t ∈ {0, 1} (one output); soft targets
 *   t ∈ [0, 1] (as mixup makes) give the binary cross-entropy with a soft label.
 * The model loss is the mean over the batch.
 */
import { ParameterError } from '@snrlab/core';
import type { Loss } from './types.js';

export class SquaredLoss implements Loss {
  readonly kind = 'squared';
  targetSize(outSize: number): number {
    return outSize;
  }
  forward(z: Float64Array, y: Float64Array, batch: number, outSize: number) {
    const losses = new Float64Array(batch);
    const dz = new Float64Array(batch * outSize);
    for (let i = 0; i < batch; i++) {
      let l = 0;
      for (let k = 0; k < outSize; k++) {
        const r = z[i * outSize + k] - y[i * outSize + k];
        dz[i * outSize + k] = r;
        l += r * r;
      }
      losses[i] = 0.5 * l;
    }
    return { losses, dz, cache: null };
  }
  rGrad(_z: Float64Array, _y: Float64Array, _c: unknown, rz: Float64Array): Float64Array {
    return Float64Array.from(rz);
  }
}

function checkLabel(t: number, classes: number, i: number): void {
  if (!Number.isInteger(t) || t < 0 || t >= classes) throw new ParameterError(`labels[${i}]`, t, `an integer class index in [0, ${classes - 1}]`);
}

export class SoftmaxCrossEntropy implements Loss {
  readonly kind = 'softmax-cross-entropy';
  targetSize(): number {
    return 1;
  }
  forward(z: Float64Array, y: Float64Array, batch: number, K: number) {
    const losses = new Float64Array(batch);
    const p = new Float64Array(batch * K);
    for (let i = 0; i < batch; i++) {
      const o = i * K;
      let m = -Infinity;
      for (let k = 0; k < K; k++) if (z[o + k] > m) m = z[o + k];
      let s = 0;
      for (let k = 0; k < K; k++) {
        const e = Math.exp(z[o + k] - m);
        p[o + k] = e;
        s += e;
      }
      for (let k = 0; k < K; k++) p[o + k] /= s;
      const t = y[i];
      checkLabel(t, K, i);
      losses[i] = m + Math.log(s) - z[o + t];
    }
    const dz = Float64Array.from(p);
    for (let i = 0; i < batch; i++) dz[i * K + y[i]] -= 1;
    return { losses, dz, cache: p };
  }
  /** R{p − onehot} = p ⊙ (R z − ⟨p, R z⟩). */
  rGrad(_z: Float64Array, _y: Float64Array, cache: unknown, rz: Float64Array, batch: number, K: number): Float64Array {
    const p = cache as Float64Array;
    const out = new Float64Array(batch * K);
    for (let i = 0; i < batch; i++) {
      const o = i * K;
      let dot = 0;
      for (let k = 0; k < K; k++) dot += p[o + k] * rz[o + k];
      for (let k = 0; k < K; k++) out[o + k] = p[o + k] * (rz[o + k] - dot);
    }
    return out;
  }
}

export class LogisticLoss implements Loss {
  readonly kind = 'logistic';
  targetSize(outSize: number): number {
    if (outSize !== 1) throw new ParameterError('outSize', outSize, '1 (the logistic loss takes one logit per example)');
    return 1;
  }
  forward(z: Float64Array, y: Float64Array, batch: number) {
    const losses = new Float64Array(batch);
    const dz = new Float64Array(batch);
    const sig = new Float64Array(batch);
    for (let i = 0; i < batch; i++) {
      const t = y[i];
      // soft targets in [0, 1] (mixup) are the binary cross-entropy with a soft label
      if (!(t >= 0 && t <= 1)) throw new ParameterError(`labels[${i}]`, t, 'a target in [0, 1] (a 0/1 label, or a soft label as mixup makes)');
      const zi = z[i];
      // log(1 + e^z) computed stably
      const softplus = zi > 0 ? zi + Math.log1p(Math.exp(-zi)) : Math.log1p(Math.exp(zi));
      losses[i] = softplus - t * zi;
      const s = zi >= 0 ? 1 / (1 + Math.exp(-zi)) : Math.exp(zi) / (1 + Math.exp(zi));
      sig[i] = s;
      dz[i] = s - t;
    }
    return { losses, dz, cache: sig };
  }
  rGrad(_z: Float64Array, _y: Float64Array, cache: unknown, rz: Float64Array, batch: number): Float64Array {
    const s = cache as Float64Array;
    const out = new Float64Array(batch);
    for (let i = 0; i < batch; i++) out[i] = s[i] * (1 - s[i]) * rz[i];
    return out;
  }
}
