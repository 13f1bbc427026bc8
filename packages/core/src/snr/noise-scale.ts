/**
 * The gradient noise scale (McCandlish et al. 2018, "An Empirical Model of Large-Batch
 * Training"): B_simple = tr Σ / |G|², where Σ is the per-example gradient covariance and G the
 * full-batch gradient. Batches much smaller than B_simple are noise dominated.
 */
import type { NdArray } from 'ndarray';
import { ParameterError } from '../errors.js';
import { zForLevel } from '../stats/special.js';

export interface NoiseScale {
  n: number;
  d: number;
  /** Mean per-example gradient ḡ. */
  gradient: Float64Array;
  /** |ḡ|², biased upward by tr Σ / n. */
  gNormSqBiased: number;
  /** Unbiased |G|² = |ḡ|² − tr Σ / n. */
  gNormSq: number;
  /** tr Σ with the n − 1 denominator. */
  trSigma: number;
  /** tr Σ / |G|² (unbiased |G|²). */
  bSimple: number;
}

export type PerExampleGradients = NdArray<Float64Array> | { data: ArrayLike<number>; n: number; d: number };

function rows(g: PerExampleGradients): { data: ArrayLike<number>; n: number; d: number; get: (i: number, j: number) => number } {
  if ('shape' in g) {
    if (g.shape.length !== 2) throw new ParameterError('perExampleGradients.shape', g.shape, 'a 2-D [n, d] array');
    const [n, d] = g.shape;
    return { data: g.data, n, d, get: (i, j) => g.get(i, j) };
  }
  if (g.data.length !== g.n * g.d) throw new ParameterError('perExampleGradients.data.length', g.data.length, `n·d = ${g.n * g.d}`);
  return { data: g.data, n: g.n, d: g.d, get: (i, j) => g.data[i * g.d + j] };
}

/** Exact B_simple from all per-example gradients (rows = examples). */
export function noiseScale(perExampleGradients: PerExampleGradients): NoiseScale {
  const { n, d, get } = rows(perExampleGradients);
  if (n < 2) throw new ParameterError('perExampleGradients.n', n, 'at least 2 examples');
  const mean = new Float64Array(d);
  for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) mean[j] += get(i, j);
  for (let j = 0; j < d; j++) mean[j] /= n;
  let tr = 0;
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < d; j++) {
      const r = get(i, j) - mean[j];
      tr += r * r;
    }
  }
  tr /= n - 1;
  let g2 = 0;
  for (let j = 0; j < d; j++) g2 += mean[j] * mean[j];
  const gUnbiased = g2 - tr / n;
  return { n, d, gradient: mean, gNormSqBiased: g2, gNormSq: gUnbiased, trSigma: tr, bSimple: tr / gUnbiased };
}

export interface TwoBatchResult {
  bSmall: number;
  bBig: number;
  repeats: number;
  gNormSq: number;
  trSigma: number;
  bSimple: number;
  /** Delta-method SE of B_simple from the repeat-to-repeat scatter. */
  bSimpleSE: number;
  ci95: [number, number];
}

/**
 * The two-batch estimator of McCandlish et al. (2018, App. A). From |G_B|² at two batch sizes,
 *   |G|²  ≈ (B_big|G_big|² − B_small|G_small|²)/(B_big − B_small)
 *   tr Σ ≈ (|G_small|² − |G_big|²)/(1/B_small − 1/B_big).
 * Both are unbiased, their ratio is not: the numerator and denominator are averaged over
 * repeats *before* dividing. Streaming and mergeable.
 */
export class TwoBatchNoiseScale {
  n = 0;
  private sS = 0;
  private sB = 0;
  private sSS = 0;
  private sBB = 0;
  private sSB = 0;

  constructor(
    readonly bSmall: number,
    readonly bBig: number,
  ) {
    if (!(bSmall > 0) || !(bBig > bSmall)) {
      throw new ParameterError('bBig', bBig, `a batch size greater than bSmall = ${bSmall} (> 0)`);
    }
  }

  /** One repeat: squared norms of a small-batch and a big-batch mean gradient. */
  push(gSmallSq: number, gBigSq: number): this {
    this.n++;
    this.sS += gSmallSq;
    this.sB += gBigSq;
    this.sSS += gSmallSq * gSmallSq;
    this.sBB += gBigSq * gBigSq;
    this.sSB += gSmallSq * gBigSq;
    return this;
  }

  merge(o: TwoBatchNoiseScale): this {
    if (o.bSmall !== this.bSmall || o.bBig !== this.bBig) throw new ParameterError('other', `${o.bSmall}/${o.bBig}`, 'the same batch sizes');
    this.n += o.n;
    this.sS += o.sS;
    this.sB += o.sB;
    this.sSS += o.sSS;
    this.sBB += o.sBB;
    this.sSB += o.sSB;
    return this;
  }

  result(): TwoBatchResult {
    const { bSmall: bs, bBig: bb, n } = this;
    const mS = this.sS / n;
    const mB = this.sB / n;
    // G = (bb·B − bs·S)/(bb − bs),  T = (S − B)/(1/bs − 1/bb): linear in the repeat means
    const gA = -bs / (bb - bs);
    const gC = bb / (bb - bs);
    const tA = 1 / (1 / bs - 1 / bb);
    const tC = -tA;
    const G = gA * mS + gC * mB;
    const T = tA * mS + tC * mB;
    const vS = n > 1 ? (this.sSS / n - mS * mS) * (n / (n - 1)) : NaN;
    const vB = n > 1 ? (this.sBB / n - mB * mB) * (n / (n - 1)) : NaN;
    const cSB = n > 1 ? (this.sSB / n - mS * mB) * (n / (n - 1)) : NaN;
    // gradient of T/G with respect to (mS, mB)
    const dS = tA / G - (T * gA) / (G * G);
    const dB = tC / G - (T * gC) / (G * G);
    const se = Math.sqrt(Math.max(0, (dS * dS * vS + 2 * dS * dB * cSB + dB * dB * vB) / n));
    const z = zForLevel(0.95);
    const b = T / G;
    return { bSmall: bs, bBig: bb, repeats: n, gNormSq: G, trSigma: T, bSimple: b, bSimpleSE: se, ci95: [b - z * se, b + z * se] };
  }
}

/** Convenience form of `TwoBatchNoiseScale` over arrays of repeats. */
export function twoBatchNoiseScale(opts: {
  bSmall: number;
  bBig: number;
  gSmallSq: ArrayLike<number>;
  gBigSq: ArrayLike<number>;
}): TwoBatchResult {
  if (opts.gSmallSq.length !== opts.gBigSq.length) {
    throw new ParameterError('gBigSq.length', opts.gBigSq.length, `${opts.gSmallSq.length} (= gSmallSq.length)`);
  }
  const e = new TwoBatchNoiseScale(opts.bSmall, opts.bBig);
  for (let i = 0; i < opts.gSmallSq.length; i++) e.push(opts.gSmallSq[i], opts.gBigSq[i]);
  return e.result();
}
