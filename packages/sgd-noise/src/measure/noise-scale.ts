/**
 * The noise scales of McCandlish et al. (2018), exact from per-example gradients and
 * Hessian-vector products, for the training set at a parameter point:
 *   B_simple = trΣ/|G|²,   B_noise = tr(HΣ)/(GᵀHG).
 * B_noise is the batch size at which the optimal step's expected improvement is half its
 * large-batch value (ΔL_opt(B) = ΔL_max/(1 + B_noise/B)); B_simple equals it when H ∝ I.
 * Σ is the training-set (1/N) covariance, as seen by batches drawn from it.
 */
import { linearFit, ParameterError, zForLevel } from '@snrlab/core';
import type { Dataset } from '../data/dataset.js';
import type { Sequential } from '../nn/model.js';
import { datasetHvp, hessianMatrix, type ChunkOptions } from './hessian.js';
import { gradientNoise, type GradientNoise } from './noise.js';

export interface NoiseScales {
  bSimple: number;
  bNoise: number;
  trSigma: number;
  gNormSq: number;
  trHSigma: number;
  gHg: number;
  /** How tr(HΣ) was computed: from the explicit Hessian, or with one HVP per example. */
  method: 'hessian' | 'per-example-hvp';
  noise: GradientNoise;
  hessian?: Float64Array;
}

const dot = (a: ArrayLike<number>, b: ArrayLike<number>) => {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
};

/**
 * Exact B_simple and B_noise. With P ≤ N (or `method: 'hessian'`) the Hessian is built from P
 * HVPs and tr(HΣ) = ⟨H, Σ⟩; otherwise tr(HΣ) = (1/N)Σ_i r_iᵀHr_i with r_i = g_i − G (N HVPs).
 */
export function noiseScales(
  model: Sequential,
  params: Float64Array,
  data: Dataset,
  opts: ChunkOptions & { method?: 'auto' | 'hessian' | 'per-example-hvp'; noise?: GradientNoise } = {},
): NoiseScales {
  const P = model.paramCount;
  const N = data.n;
  const method = opts.method === undefined || opts.method === 'auto' ? (P <= N ? 'hessian' : 'per-example-hvp') : opts.method;
  const noise = opts.noise ?? gradientNoise(model, params, data, { train: opts.train, covariance: method === 'hessian' });
  const G = noise.gradient;
  const HG = datasetHvp(model, params, data, G, opts);
  const gHg = dot(G, HG);
  let trHSigma = 0;
  let H: Float64Array | undefined;
  if (method === 'hessian') {
    H = hessianMatrix(model, params, data, opts);
    const S = noise.covariance;
    if (!S) throw new ParameterError('noise.covariance', undefined, 'a GradientNoise computed with covariance: true');
    trHSigma = (dot(H, S) * (N - 1)) / N;
  } else {
    const R = noise.perExample;
    if (!R) throw new ParameterError('data.n × paramCount', N * P, 'a size whose per-example gradients fit in memory (raise maxMatrix)');
    const r = new Float64Array(P);
    for (let i = 0; i < N; i++) {
      for (let j = 0; j < P; j++) r[j] = R[i * P + j] - G[j];
      trHSigma += dot(r, datasetHvp(model, params, data, r, opts));
    }
    trHSigma /= N;
  }
  return {
    bSimple: noise.bSimple,
    bNoise: trHSigma / gHg,
    trSigma: noise.trSigmaPop,
    gNormSq: noise.gNormSq,
    trHSigma,
    gHg,
    method,
    noise,
    ...(H ? { hessian: H } : {}),
  };
}

export interface CriticalBatchPoint {
  batchSize: number;
  /** Steps to reach the target (e.g. a mean over replicas). */
  steps: number;
  stepsSE?: number;
}

export interface CriticalBatchFit {
  /** S = S_min(1 + B_crit/B): fitted as S against 1/B. */
  sMin: number;
  sMinSE: number;
  bCrit: number;
  bCritSE: number;
  /** E = B·S = E_min(1 + B/B_crit): fitted as E against B. */
  eMin: number;
  eMinSE: number;
  bCritFromE: number;
  bCritFromESE: number;
  chi2Reduced: number;
}

/** Ratio a/b of a line's coefficients with its delta-method SE. */
function ratio(num: number, den: number, vNum: number, vDen: number, cov: number): { value: number; se: number } {
  const r = num / den;
  const v = (vNum / (num * num) + vDen / (den * den) - (2 * cov) / (num * den)) * r * r;
  return { value: r, se: Math.sqrt(Math.max(0, v)) };
}

/**
 * Fit the critical-batch law of McCandlish et al. (2018) to steps-to-target against batch size:
 * S = S_min + S_min·B_crit·(1/B) and E = E_min + (E_min/B_crit)·B, each a straight line.
 */
export function fitCriticalBatch(points: readonly CriticalBatchPoint[]): CriticalBatchFit {
  if (points.length < 3) throw new ParameterError('points.length', points.length, 'at least 3 batch sizes');
  const haveSE = points.every((p) => p.stepsSE !== undefined && p.stepsSE > 0);
  const invB = points.map((p) => 1 / p.batchSize);
  const S = points.map((p) => p.steps);
  const sSE = haveSE ? points.map((p) => p.stepsSE as number) : undefined;
  const fs = linearFit(invB, S, sSE);
  const bc = ratio(fs.slope, fs.intercept, fs.slopeSE ** 2, fs.interceptSE ** 2, fs.covariance);
  const Bs = points.map((p) => p.batchSize);
  const E = points.map((p) => p.batchSize * p.steps);
  const eSE = sSE ? points.map((p, i) => p.batchSize * sSE[i]) : undefined;
  const fe = linearFit(Bs, E, eSE);
  const be = ratio(fe.intercept, fe.slope, fe.interceptSE ** 2, fe.slopeSE ** 2, fe.covariance);
  return {
    sMin: fs.intercept,
    sMinSE: fs.interceptSE,
    bCrit: bc.value,
    bCritSE: bc.se,
    eMin: fe.intercept,
    eMinSE: fe.interceptSE,
    bCritFromE: be.value,
    bCritFromESE: be.se,
    chi2Reduced: fs.chi2Reduced,
  };
}

/** 95% interval of a positive ratio estimate, formed in log space. */
export function logInterval(value: number, se: number): [number, number] {
  const z = zForLevel(0.95);
  const s = se / value;
  return [value * Math.exp(-z * s), value * Math.exp(z * s)];
}
