/**
 * The shape of the gradient noise: how its covariance Σ lines up with the Hessian H and with the
 * principal components of the input data.
 *
 * Near a minimum of a well-specified model Σ ≈ H (the per-example Fisher equals the Hessian; Zhu
 * et al. 2019, Xie et al. 2021), so the mini-batch noise Σ/B is largest along the sharp directions.
 * Measured by: the Frobenius alignment ⟨Σ, H⟩/(‖Σ‖‖H‖); the noise variance uᵀΣu along each
 * Hessian eigenvector u, its slope against the eigenvalue on log–log axes (1 if Σ ∝ H), and the
 * ratio of the mean noise along the k sharpest to the k flattest directions.
 */
import { linearFit, loglogSlope, Moments, ParameterError } from '@snrlab/core';
import type { Dataset } from '../data/dataset.js';
import { inputSizeOf } from '../data/dataset.js';
import { covariance } from '../linalg.js';
import type { Sequential } from '../nn/model.js';
import { symmetricEigen } from './hessian.js';

const frob = (a: Float64Array, b: Float64Array) => {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
};

/** ⟨A, B⟩_F/(‖A‖_F‖B‖_F): 1 when A ∝ B (positive factor), 0 when orthogonal. */
export function frobeniusAlignment(A: Float64Array, B: Float64Array): number {
  if (A.length !== B.length) throw new ParameterError('B.length', B.length, `${A.length} (= A.length)`);
  return frob(A, B) / Math.sqrt(frob(A, A) * frob(B, B));
}

/** uᵀΣu for a unit vector u (row `k` of a row-major matrix of vectors). */
function quadForm(S: Float64Array, vectors: Float64Array, k: number, P: number): number {
  let s = 0;
  const o = k * P;
  for (let i = 0; i < P; i++) {
    const ui = vectors[o + i];
    if (ui === 0) continue;
    let t = 0;
    for (let j = 0; j < P; j++) t += S[i * P + j] * vectors[o + j];
    s += ui * t;
  }
  return s;
}

export interface DirectionalNoise {
  /** Eigenvalues (descending) of the reference matrix. */
  eigenvalues: Float64Array;
  /** uᵀΣu along each eigenvector, in the same order. */
  noise: Float64Array;
}

/** The noise variance along every eigenvector of a symmetric matrix (Hessian or data covariance). */
export function noiseAlongEigenvectors(sigma: Float64Array, reference: Float64Array, P: number): DirectionalNoise {
  const { values, vectors } = symmetricEigen(reference, P);
  const noise = new Float64Array(P);
  for (let k = 0; k < P; k++) noise[k] = quadForm(sigma, vectors, k, P);
  return { eigenvalues: values, noise };
}

export interface AnisotropyResult extends DirectionalNoise {
  /** ⟨Σ, H⟩/(‖Σ‖‖H‖). */
  alignment: number;
  /** Mean uᵀΣu over the k sharpest directions / over the k flattest (smallest |λ|). */
  sharpToFlatNoiseRatio: number;
  /** Mean eigenvalue over the same sharp and flat directions (Σ ∝ H predicts the same ratio). */
  sharpToFlatCurvatureRatio: number;
  k: number;
  /** Log–log slope of uᵀΣu against λ over the directions with λ > floor·λ_max (1 if Σ ∝ H). */
  slope: number;
  slopeSE: number;
  slopePoints: number;
}

export function anisotropy(sigma: Float64Array, hessian: Float64Array, P: number, opts: { k?: number; floor?: number } = {}): AnisotropyResult {
  if (sigma.length !== P * P) throw new ParameterError('sigma.length', sigma.length, `${P * P} (P × P)`);
  if (hessian.length !== P * P) throw new ParameterError('hessian.length', hessian.length, `${P * P} (P × P)`);
  const k = opts.k ?? Math.max(1, Math.floor(P / 4));
  if (!Number.isInteger(k) || k < 1 || 2 * k > P) throw new ParameterError('k', k, `an integer in [1, ${Math.floor(P / 2)}]`);
  const d = noiseAlongEigenvectors(sigma, hessian, P);
  const order = Array.from({ length: P }, (_, i) => i);
  const flat = [...order].sort((a, b) => Math.abs(d.eigenvalues[a]) - Math.abs(d.eigenvalues[b])).slice(0, k);
  const sharp = order.slice(0, k);
  const mean = (ix: number[], a: Float64Array, abs = false) => ix.reduce((s, i) => s + (abs ? Math.abs(a[i]) : a[i]), 0) / ix.length;
  const floor = (opts.floor ?? 1e-6) * d.eigenvalues[0];
  const lx: number[] = [];
  const ly: number[] = [];
  for (let i = 0; i < P; i++) {
    if (d.eigenvalues[i] > floor && d.noise[i] > 0) {
      lx.push(Math.log(d.eigenvalues[i]));
      ly.push(Math.log(d.noise[i]));
    }
  }
  const fit = lx.length >= 3 ? linearFit(lx, ly) : null;
  return {
    ...d,
    alignment: frobeniusAlignment(sigma, hessian),
    sharpToFlatNoiseRatio: mean(sharp, d.noise) / mean(flat, d.noise),
    sharpToFlatCurvatureRatio: mean(sharp, d.eigenvalues) / mean(flat, d.eigenvalues, true),
    k,
    slope: fit ? fit.slope : NaN,
    slopeSE: fit ? fit.slopeSE : NaN,
    slopePoints: lx.length,
  };
}

export interface DataPcResult {
  /** ⟨Σ_x, C_x⟩/(‖Σ_x‖‖C_x‖) for the first layer's input-space noise Σ_x and the data covariance C_x. */
  alignment: number;
  /** Eigenvalues of C_x (descending) and the noise variance along each principal component. */
  eigenvalues: Float64Array;
  noise: Float64Array;
  /** Mean noise along the top k data PCs / along the bottom k. */
  topToBottomNoiseRatio: number;
}

/**
 * The gradient noise of the first dense layer against the principal components of its inputs.
 * Its weights W [in × out] have per-example gradients x_i ⊗ δ_i; the input-space noise
 * covariance sums the out blocks: Σ_x[j,k] = Σ_o Σ[(j,o),(k,o)].
 */
export function dataPcAlignment(model: Sequential, sigma: Float64Array, data: Dataset, opts: { k?: number } = {}): DataPcResult {
  const first = model.layers.findIndex((l) => l.kind === 'dense');
  if (first < 0) throw new ParameterError('model', model.name, 'a model with a dense layer');
  const layer = model.layers[first] as unknown as { inFeatures: number; outFeatures: number };
  const D = layer.inFeatures;
  const O = layer.outFeatures;
  if (D !== inputSizeOf(data)) throw new ParameterError('model', model.name, `a first dense layer reading the raw inputs (${inputSizeOf(data)} features)`);
  const P = model.paramCount;
  const off = model.offsets[first];
  const Sx = new Float64Array(D * D);
  for (let j = 0; j < D; j++) {
    for (let k2 = 0; k2 < D; k2++) {
      let s = 0;
      for (let o = 0; o < O; o++) s += sigma[(off + j * O + o) * P + off + k2 * O + o];
      Sx[j * D + k2] = s;
    }
  }
  const Cx = covariance(model.backend, data.x, data.n, D, 1);
  const d = noiseAlongEigenvectors(Sx, Cx, D);
  const k = opts.k ?? Math.max(1, Math.floor(D / 4));
  let top = 0;
  let bottom = 0;
  for (let i = 0; i < k; i++) {
    top += d.noise[i];
    bottom += d.noise[D - 1 - i];
  }
  return { alignment: frobeniusAlignment(Sx, Cx), eigenvalues: d.eigenvalues, noise: d.noise, topToBottomNoiseRatio: top / bottom };
}

export interface AnisotropyStats {
  /** Hessian eigenvalues, descending. */
  eigenvalues: Float64Array;
  /** uᵀΣu along each eigenvector (N − 1 denominator) and its standard error. */
  noise: Float64Array;
  noiseSE: Float64Array;
  /** ⟨Σ, H⟩/(‖Σ‖‖H‖). */
  alignment: number;
  /** Directions used for the slope and the ratios: λ > floor·λ_max. */
  resolved: number;
  k: number;
  sharpToFlatNoiseRatio: number;
  /** SE of log(sharpToFlatNoiseRatio) (directions treated as independent). */
  logRatioSE: number;
  sharpToFlatCurvatureRatio: number;
  /** Weighted log–log slope of uᵀΣu against λ (1 if Σ ∝ H) and its SE. */
  slope: number;
  slopeSE: number;
}

/**
 * Anisotropy from the per-example gradients themselves, so that every directional noise value
 * has a standard error: along each Hessian eigenvector u the projections u·(g_i − G) are a sample
 * whose variance is uᵀΣu (core Moments give its SE). Only directions with λ > floor·λ_max count
 * for the slope and the sharp/flat ratios: the k sharpest against the k flattest of those.
 */
export function anisotropyFromPerExample(
  perExample: Float64Array,
  n: number,
  P: number,
  hessian: Float64Array,
  opts: { k?: number; floor?: number; sigma?: Float64Array } = {},
): AnisotropyStats {
  if (perExample.length < n * P) throw new ParameterError('perExample.length', perExample.length, `${n * P} (n × P)`);
  const { values, vectors } = symmetricEigen(hessian, P);
  const mean = new Float64Array(P);
  for (let i = 0; i < n; i++) for (let j = 0; j < P; j++) mean[j] += perExample[i * P + j] / n;
  const noise = new Float64Array(P);
  const noiseSE = new Float64Array(P);
  const proj = new Float64Array(n);
  for (let k2 = 0; k2 < P; k2++) {
    const o = k2 * P;
    for (let i = 0; i < n; i++) {
      let s = 0;
      for (let j = 0; j < P; j++) s += vectors[o + j] * (perExample[i * P + j] - mean[j]);
      proj[i] = s;
    }
    const m = Moments.of(proj);
    noise[k2] = m.variance;
    noiseSE[k2] = m.varianceSE;
  }
  const floor = (opts.floor ?? 1e-4) * values[0];
  const idx: number[] = [];
  for (let i = 0; i < P; i++) if (values[i] > floor && noise[i] > 0) idx.push(i);
  const k = opts.k ?? Math.max(1, Math.floor(idx.length / 4));
  if (2 * k > idx.length) throw new ParameterError('k', k, `an integer in [1, ${Math.floor(idx.length / 2)}] (half the ${idx.length} resolved directions)`);
  const sharp = idx.slice(0, k);
  const flat = idx.slice(idx.length - k);
  const sum = (ix: number[], a: Float64Array) => ix.reduce((s, i) => s + a[i], 0);
  const var2 = (ix: number[]) => ix.reduce((s, i) => s + noiseSE[i] ** 2, 0);
  const ns = sum(sharp, noise);
  const nf = sum(flat, noise);
  const fit = idx.length >= 3 ? loglogSlope(idx.map((i) => values[i]), idx.map((i) => noise[i]), idx.map((i) => noiseSE[i])) : null;
  const sigma = opts.sigma;
  return {
    eigenvalues: values,
    noise,
    noiseSE,
    alignment: sigma ? frobeniusAlignment(sigma, hessian) : NaN,
    resolved: idx.length,
    k,
    sharpToFlatNoiseRatio: ns / nf,
    logRatioSE: Math.sqrt(var2(sharp) / (ns * ns) + var2(flat) / (nf * nf)),
    sharpToFlatCurvatureRatio: sum(sharp, values) / sum(flat, values),
    slope: fit ? fit.slope : NaN,
    slopeSE: fit ? fit.slopeSE : NaN,
  };
}
