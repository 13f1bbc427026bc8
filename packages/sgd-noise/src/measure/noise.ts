/**
 * Mini-batch gradient noise at a parameter point.
 *
 * Conventions. The training set has N examples with per-example gradients g_i and full-batch
 * gradient G = (1/N)Σ g_i. Σ is their covariance; `trSigma` uses the N − 1 denominator (core's
 * convention) and `trSigmaPop` the 1/N one, which is what a mini-batch drawn from the training
 * set sees: the mean of B draws has
 *   tr Cov = trΣ_pop / B                       with replacement,
 *   tr Cov = trΣ_pop / B · (N − B)/(N − 1)     without replacement.
 * B_simple = trΣ_pop / |G|² (McCandlish et al. 2018) for the training set itself; `bSimpleSample`
 * is core's noiseScale, which treats the N examples as a sample from a larger population.
 */
import {
  estimatorScaling,
  finitePopulationCorrection,
  noiseScale,
  ParameterError,
  sampleWithoutReplacement,
  TwoBatchNoiseScale,
  VectorMoments,
  type ScalingResult,
  type Stream,
  type TwoBatchResult,
} from '@snrlab/core';
import { covariance as backendCovariance } from '../linalg.js';
import type { Dataset } from '../data/dataset.js';
import { checkModelData, gather, slice, validateDataset } from '../data/dataset.js';
import type { Batch, Sequential } from '../nn/model.js';

export interface NoiseOptions {
  /** Examples per backward pass (default 512). */
  chunk?: number;
  /** Batch norm in training mode (default true; each chunk is then one batch). */
  train?: boolean;
  /** Also return the P×P covariance Σ (N − 1 denominator). */
  covariance?: boolean;
  /** Keep the N×P per-example gradients in memory up to this many numbers (default 2^23). */
  maxMatrix?: number;
}

export interface GradientNoise {
  n: number;
  P: number;
  /** Full-batch gradient G. */
  gradient: Float64Array;
  /** |G|² of the training set (exact). */
  gNormSq: number;
  /** tr Σ, N − 1 denominator. */
  trSigma: number;
  /** tr Σ, 1/N denominator: the per-draw noise of a mini-batch from this training set. */
  trSigmaPop: number;
  /** trΣ_pop/|G|²: the training set's simple noise scale. */
  bSimple: number;
  /** Core's noiseScale: tr Σ/(|G|² − trΣ/N), for the data as a sample of a larger population. */
  bSimpleSample: number;
  /** Per-coordinate variances (N − 1). */
  variances: Float64Array;
  /** P×P covariance (N − 1), when asked for. */
  covariance?: Float64Array;
  /** The N×P per-example gradients, when they fitted in `maxMatrix`. */
  perExample?: Float64Array;
}

/** Per-example gradients over the whole dataset and their mean, trace and (optionally) covariance. */
export function gradientNoise(model: Sequential, params: Float64Array, data: Dataset, opts: NoiseOptions = {}): GradientNoise {
  validateDataset(data, 'data');
  checkModelData(model, data);
  model.checkParams(params);
  const n = data.n;
  if (n < 2) throw new ParameterError('data.n', n, 'at least 2 examples');
  const P = model.paramCount;
  const chunk = opts.chunk ?? 512;
  const train = opts.train ?? true;
  const keep = n * P <= (opts.maxMatrix ?? 1 << 23);
  if (keep) {
    const all = new Float64Array(n * P);
    for (let a = 0; a < n; a += chunk) {
      const b = Math.min(n, a + chunk);
      model.perExample(params, slice(data, a, b), { train, out: all.subarray(a * P, b * P) });
    }
    const ns = noiseScale({ data: all, n, d: P });
    const variances = new Float64Array(P);
    let cov: Float64Array | undefined;
    if (opts.covariance) {
      cov = backendCovariance(model.backend, all, n, P, 1);
      for (let j = 0; j < P; j++) variances[j] = cov[j * P + j];
    } else {
      const vm = new VectorMoments(P, false).pushRows(all, n);
      variances.set(vm.variances());
    }
    const trPop = (ns.trSigma * (n - 1)) / n;
    return {
      n,
      P,
      gradient: ns.gradient,
      gNormSq: ns.gNormSqBiased,
      trSigma: ns.trSigma,
      trSigmaPop: trPop,
      bSimple: trPop / ns.gNormSqBiased,
      bSimpleSample: ns.bSimple,
      variances,
      ...(cov ? { covariance: cov } : {}),
      perExample: all,
    };
  }
  // too large to hold: stream the rows through core's VectorMoments
  const vm = new VectorMoments(P, !!opts.covariance);
  const buf = new Float64Array(Math.min(chunk, n) * P);
  for (let a = 0; a < n; a += chunk) {
    const b = Math.min(n, a + chunk);
    model.perExample(params, slice(data, a, b), { train, out: buf });
    vm.pushRows(buf, b - a);
  }
  const tr = vm.trace();
  let g2 = 0;
  for (let j = 0; j < P; j++) g2 += vm.mean[j] * vm.mean[j];
  const trPop = (tr * (n - 1)) / n;
  return {
    n,
    P,
    gradient: Float64Array.from(vm.mean),
    gNormSq: g2,
    trSigma: tr,
    trSigmaPop: trPop,
    bSimple: trPop / g2,
    bSimpleSample: tr / (g2 - tr / n),
    variances: vm.variances(),
    ...(opts.covariance ? { covariance: vm.covarianceMatrix() } : {}),
  };
}

export interface NoiseTrace {
  n: number;
  gNormSq: number;
  trSigma: number;
  trSigmaPop: number;
  bSimple: number;
  gradient: Float64Array;
}

/**
 * tr Σ over the whole dataset from per-example gradient norms only (BackPACK's BatchL2Grad):
 * trΣ_pop = (1/N)Σ|g_i|² − |G|². No N×P matrix is formed, so it scales to large models.
 */
export function noiseTrace(model: Sequential, params: Float64Array, data: Dataset, opts: { chunk?: number; train?: boolean } = {}): NoiseTrace {
  checkModelData(model, data);
  const n = data.n;
  if (n < 2) throw new ParameterError('data.n', n, 'at least 2 examples');
  const chunk = opts.chunk ?? 512;
  const P = model.paramCount;
  const G = new Float64Array(P);
  let sq = 0;
  for (let a = 0; a < n; a += chunk) {
    const b = Math.min(n, a + chunk);
    const r = model.perExample(params, slice(data, a, b), { train: opts.train ?? true, gradients: false, sqNorms: true });
    const s = r.sqNorms as Float64Array;
    for (let i = 0; i < s.length; i++) sq += s[i];
    const w = (b - a) / n;
    for (let j = 0; j < P; j++) G[j] += w * r.gradient[j];
  }
  let g2 = 0;
  for (let j = 0; j < P; j++) g2 += G[j] * G[j];
  const trPop = sq / n - g2;
  return { n, gNormSq: g2, trSigma: (trPop * n) / (n - 1), trSigmaPop: trPop, bSimple: trPop / g2, gradient: G };
}

/**
 * Theory for the mini-batch gradient noise: tr Cov(ĝ_B) = trΣ_pop/B, times (N − B)/(N − 1) when
 * sampling without replacement from N examples.
 */
export function miniBatchNoiseTrace(trSigmaPop: number, batchSize: number, opts: { population: number; replacement: boolean }): number {
  if (!(batchSize >= 1) || batchSize > opts.population) {
    throw new ParameterError('batchSize', batchSize, `an integer in [1, ${opts.population}] (the dataset size)`);
  }
  return (trSigmaPop / batchSize) * (opts.replacement ? 1 : finitePopulationCorrection(opts.population, batchSize));
}

/** The mini-batch noise covariance Σ_pop/B (× the finite-population factor): Σ given with N − 1. */
export function miniBatchNoiseCovariance(sigma: Float64Array, n: number, batchSize: number, replacement: boolean): Float64Array {
  const f = ((n - 1) / n / batchSize) * (replacement ? 1 : finitePopulationCorrection(n, batchSize));
  return sigma.map((v) => v * f);
}

/** A sampler of mini-batch gradients at fixed parameters (reuses one buffer per call). */
export function miniBatchGradientSampler(model: Sequential, params: Float64Array, data: Dataset, opts: { replacement: boolean; train?: boolean }) {
  checkModelData(model, data);
  const N = data.n;
  const P = model.paramCount;
  const out = new Float64Array(P);
  let idx = new Int32Array(0);
  let scratch = new Int32Array(N);
  let batch: Batch | undefined;
  return (B: number, s: Stream): Float64Array => {
    if (!Number.isInteger(B) || B < 1 || B > N) throw new ParameterError('batchSize', B, `an integer in [1, ${N}] (the dataset has ${N} examples)`);
    if (idx.length < B) {
      idx = new Int32Array(B);
      batch = undefined;
    }
    if (opts.replacement) for (let k = 0; k < B; k++) idx[k] = s.integer(N);
    else {
      if (scratch.length < N) scratch = new Int32Array(N);
      sampleWithoutReplacement(s, N, B, idx, scratch);
    }
    batch = gather(data, idx, B, batch && batch.x.length >= B * model.inputSize ? batch : undefined);
    model.gradient(params, batch, { train: opts.train ?? true, out });
    return out;
  };
}

export interface BatchNoiseScaling extends ScalingResult {
  /** trΣ_pop: the theory prefactor (tr Cov = trΣ_pop/B after the finite-population correction). */
  trSigmaPop: number;
  replacement: boolean;
  population: number;
}

/**
 * Measure tr Cov of the mini-batch gradient at each batch size by drawing `replicates` batches,
 * and fit its exponent against B with core's estimatorScaling (finite-population corrected
 * without replacement).
 */
export function measureBatchNoise(
  model: Sequential,
  params: Float64Array,
  data: Dataset,
  o: { batchSizes: number[]; replacement: boolean; replicates: number; stream: Stream; train?: boolean; trSigmaPop?: number },
): BatchNoiseScaling {
  const sampler = miniBatchGradientSampler(model, params, data, { replacement: o.replacement, train: o.train });
  const fit = estimatorScaling(sampler, o.batchSizes, o.replicates, {
    stream: o.stream,
    ...(o.replacement ? {} : { population: data.n }),
  });
  const trSigmaPop = o.trSigmaPop ?? gradientNoise(model, params, data, { train: o.train }).trSigmaPop;
  return { ...fit, trSigmaPop, replacement: o.replacement, population: data.n };
}

/**
 * The two-batch estimate of B_simple (core's TwoBatchNoiseScale): `repeats` pairs of independent
 * batches of sizes bSmall and bBig drawn with replacement from the training set, so it estimates
 * the training set's trΣ_pop/|G|².
 */
export function twoBatchEstimate(
  model: Sequential,
  params: Float64Array,
  data: Dataset,
  o: { bSmall: number; bBig: number; repeats: number; stream: Stream; train?: boolean },
): TwoBatchResult {
  const est = new TwoBatchNoiseScale(o.bSmall, o.bBig);
  const sampler = miniBatchGradientSampler(model, params, data, { replacement: true, train: o.train });
  const sq = (g: Float64Array) => {
    let s = 0;
    for (let j = 0; j < g.length; j++) s += g[j] * g[j];
    return s;
  };
  for (let r = 0; r < o.repeats; r++) {
    const s = o.stream.child(r);
    const a = sq(sampler(o.bSmall, s.child('small')));
    const b = sq(sampler(o.bBig, s.child('big')));
    est.push(a, b);
  }
  return est.result();
}
