/**
 * Features in mixed units, and what standardising them does to least squares.
 *
 * The data: unit-free quantities z_j ~ N(m, 1) (m > 0: physical magnitudes are positive), a
 * teacher y = Σ_j a_j z_j + b + ε (ε ~ N(0, σ²)) acting on them, and features reported in
 * different units, x_j = s_j·z_j with s_j = r^(j/(d−1)): with d = 2 one feature in kilometres
 * (s = 1) and one in millimetres (s = r = 10⁶). Standardising maps x back to u = z − m exactly
 * (in the population), so the raw and the standardised linear models are two parametrisations of
 * the same family of functions: (w, b) ↔ (w', b') is an invertible linear map.
 *
 * Closed forms at θ = 0 (the zero predictor, the same function in both parametrisations), where
 * the per-example gradient of ℓ = ½(ŷ − y)² is g = −y·(x, 1). With u = z − m ~ N(0, I),
 * c = E y = b + mΣa_j, V = E y² = c² + |a|² + σ² and Isserlis' theorem:
 *   E[y u_j] = a_j,  Var(y u_j) = V + a_j²,
 *   E[y z_j] = mc + a_j,  Var(y z_j) = m²(|a|² + σ²) + V + a_j² + 2mc·a_j,  Var y = |a|² + σ².
 * Hence trΣ_raw = Σ s_j²Var(y z_j) + Var y, |G_raw|² = Σ s_j²(mc + a_j)² + c², and for the
 * standardised features trΣ_std = Σ(V + a_j²) + Var y, |G_std|² = |a|² + c². The Hessians are
 * H_raw = E[x̃x̃ᵀ] = S̃MS̃ (M = E[z̃z̃ᵀ], z̃ = (z, 1)) and H_std = I.
 */
import { assertInRange, assertInteger, assertPositive, DivergenceError, LU, ParameterError, symmetricEigen, type Stream } from '@snrlab/core';
import type { Dataset } from '../data/dataset.js';
import type { Sequential } from '../nn/model.js';

export interface MixedUnitsOptions {
  n: number;
  /** Features (default 2: one in km, one in mm). */
  dim?: number;
  /** s_max/s_min, the ratio of the largest to the smallest unit (default 10⁶, km against mm). */
  scaleRatio: number;
  /** Mean m of the unit-free quantities, in units of their sd (default 2). */
  featureMean?: number;
  /** Label-noise sd σ (default 0.5). */
  noise?: number;
  stream: Stream;
}

export interface MixedUnitsTeacher {
  dataset: Dataset;
  /** Units s_j of the features. */
  scales: Float64Array;
  /** Teacher weights a_j on the unit-free quantities (all 1/√d) and bias b (0). */
  weights: Float64Array;
  bias: number;
  featureMean: number;
  noise: number;
}

/** Units s_j = r^(j/(d−1)): the first feature in the largest unit, the last in the smallest. */
export function unitScales(dim: number, scaleRatio: number): Float64Array {
  assertInteger('dim', dim, { min: 1 });
  assertScaleRatio(scaleRatio);
  const s = new Float64Array(dim);
  for (let j = 0; j < dim; j++) s[j] = dim > 1 ? Math.pow(scaleRatio, j / (dim - 1)) : 1;
  return s;
}

/** A scale ratio must be a positive finite number (≤ 0 has no meaning as a ratio of units). */
export function assertScaleRatio(scaleRatio: number, name = 'scaleRatio'): void {
  assertInRange(name, scaleRatio, 0, 1e12, { loOpen: true, note: 'the ratio of the largest to the smallest feature unit' });
}

/** Seeded data of the mixed-units teacher (see the module comment). */
export function mixedUnitsTeacher(o: MixedUnitsOptions): MixedUnitsTeacher {
  assertInteger('n', o.n, { min: 2 });
  const d = o.dim ?? 2;
  const scales = unitScales(d, o.scaleRatio);
  const m = o.featureMean ?? 2;
  assertInRange('featureMean', m, -1e6, 1e6);
  const sigma = o.noise ?? 0.5;
  assertPositive('noise', sigma, { allowZero: true });
  const weights = new Float64Array(d).fill(1 / Math.sqrt(d));
  const bias = 0;
  const zs = o.stream.child('inputs');
  const ns = o.stream.child('noise');
  const x = new Float64Array(o.n * d);
  const y = new Float64Array(o.n);
  for (let i = 0; i < o.n; i++) {
    let t = bias;
    for (let j = 0; j < d; j++) {
      const z = m + zs.normal();
      x[i * d + j] = scales[j] * z;
      t += weights[j] * z;
    }
    y[i] = t + sigma * ns.normal();
  }
  return {
    dataset: { name: `mixed units (d = ${d}, scale ratio ${o.scaleRatio.toExponential(0)})`, x, y, n: o.n, inputShape: [d], targetSize: 1, task: 'regression' },
    scales,
    weights,
    bias,
    featureMean: m,
    noise: sigma,
  };
}

export interface StandardizationTheory {
  raw: { trSigma: number; gNormSq: number; bSimple: number; conditionNumber: number; lambdaMax: number };
  standardized: { trSigma: number; gNormSq: number; bSimple: number; conditionNumber: number; lambdaMax: number };
}

/** Population values at θ = 0 and the population Hessians' condition numbers (module comment). */
export function standardizationTheory(t: Pick<MixedUnitsTeacher, 'scales' | 'weights' | 'bias' | 'featureMean' | 'noise'>): StandardizationTheory {
  const d = t.scales.length;
  const m = t.featureMean;
  const a = t.weights;
  let a2 = 0;
  let sa = 0;
  for (let j = 0; j < d; j++) {
    a2 += a[j] * a[j];
    sa += a[j];
  }
  const s2 = t.noise * t.noise;
  const c = t.bias + m * sa;
  const V = c * c + a2 + s2;
  const varY = a2 + s2;
  let trRaw = varY;
  let gRaw = c * c;
  let trStd = varY;
  for (let j = 0; j < d; j++) {
    const sj2 = t.scales[j] * t.scales[j];
    trRaw += sj2 * (m * m * varY + V + a[j] * a[j] + 2 * m * c * a[j]);
    gRaw += sj2 * (m * c + a[j]) ** 2;
    trStd += V + a[j] * a[j];
  }
  const gStd = a2 + c * c;
  // H_raw = S̃MS̃ with M = E[z̃z̃ᵀ]
  const D = d + 1;
  const H = new Float64Array(D * D);
  const sc = (j: number) => (j < d ? t.scales[j] : 1);
  for (let i = 0; i < D; i++) {
    for (let j = 0; j < D; j++) {
      const M = i < d && j < d ? (i === j ? 1 : 0) + m * m : i === d && j === d ? 1 : m;
      H[i * D + j] = sc(i) * sc(j) * M;
    }
  }
  const ev = symmetricEigenvalues(H, D);
  return {
    raw: { trSigma: trRaw, gNormSq: gRaw, bSimple: trRaw / gRaw, conditionNumber: ev[0] / ev[D - 1], lambdaMax: ev[0] },
    standardized: { trSigma: trStd, gNormSq: gStd, bSimple: trStd / gStd, conditionNumber: 1, lambdaMax: 1 },
  };
}

/** Eigenvalues of a symmetric P×P matrix, descending (core's `symmetricEigen`). */
export function symmetricEigenvalues(A: ArrayLike<number>, P: number): Float64Array {
  return symmetricEigen(A, P, { order: 'descending' }).values;
}

/** λ_max/λ_min of a symmetric positive-definite matrix (Infinity if λ_min ≤ 0). */
export function conditionNumber(A: Float64Array, P: number): number {
  const ev = symmetricEigenvalues(A, P);
  return ev[P - 1] > 0 ? ev[0] / ev[P - 1] : Infinity;
}

/**
 * The noise scale that no linear reparametrisation θ = Aφ changes:
 * B_H⁻¹ = tr(H⁻¹Σ)/(GᵀH⁻¹G) (gradients transform as Aᵀg, Hessians as AᵀHA). Standardising the
 * features of a linear model is such a reparametrisation, so this value is the same raw and
 * standardised while B_simple = trΣ/|G|² and B_noise = tr(HΣ)/(GᵀHG) are not.
 */
export function invariantNoiseScale(hessian: Float64Array, sigma: Float64Array, gradient: Float64Array): number {
  const P = gradient.length;
  if (hessian.length !== P * P) throw new ParameterError('hessian.length', hessian.length, `${P * P} (P × P)`);
  if (sigma.length !== P * P) throw new ParameterError('sigma.length', sigma.length, `${P * P} (P × P)`);
  // one LU of H for every column of Σ and for G
  const lu = new LU(hessian, P);
  const col = new Float64Array(P);
  const x = new Float64Array(P);
  let tr = 0;
  for (let j = 0; j < P; j++) {
    for (let i = 0; i < P; i++) col[i] = sigma[i * P + j];
    lu.solve(col, x);
    tr += x[j];
  }
  lu.solve(gradient, x);
  let gg = 0;
  for (let i = 0; i < P; i++) gg += gradient[i] * x[i];
  return tr / gg;
}

export interface StableRateResult {
  /** Largest learning rate at which full-batch gradient descent did not diverge (bisection). */
  learningRate: number;
  /** Relative width of the final bracket. */
  resolution: number;
  lo: number;
  hi: number;
}

/**
 * The largest stable learning rate of full-batch gradient descent from `params`, found by
 * bisection (in log η) on whether `steps` steps blow the loss up by `blowUp`× (or to NaN).
 * On a quadratic it is 2/λ_max; `guess` (e.g. 2/λ_max) brackets the search in [guess/4, 4·guess].
 */
export function largestStableLearningRate(
  model: Sequential,
  params: Float64Array,
  data: Dataset,
  o: { guess: number; steps?: number; iterations?: number; blowUp?: number },
): StableRateResult {
  assertPositive('guess', o.guess);
  const steps = o.steps ?? 400;
  const iterations = o.iterations ?? 12;
  const blowUp = o.blowUp ?? 100;
  assertInteger('steps', steps, { min: 1 });
  assertInteger('iterations', iterations, { min: 1 });
  const P = model.paramCount;
  const theta = new Float64Array(P);
  const g = new Float64Array(P);
  const L0 = model.lossValue(params, data);
  const diverges = (eta: number): boolean => {
    theta.set(params);
    for (let k = 0; k < steps; k++) {
      const l = model.gradient(theta, data, { out: g }).loss;
      if (!Number.isFinite(l) || l > blowUp * L0) return true;
      for (let j = 0; j < P; j++) theta[j] -= eta * g[j];
    }
    const l = model.lossValue(theta, data);
    return !Number.isFinite(l) || l > blowUp * L0;
  };
  let lo = o.guess / 4;
  let hi = o.guess * 4;
  if (diverges(lo)) throw new DivergenceError(steps, lo * steps, 0, NaN, { learningRate: lo }, `gradient descent diverges already at η = ${lo} (guess/4)`);
  if (!diverges(hi)) return { learningRate: hi, resolution: Infinity, lo: hi, hi: Infinity };
  for (let it = 0; it < iterations; it++) {
    const mid = Math.sqrt(lo * hi);
    if (diverges(mid)) hi = mid;
    else lo = mid;
  }
  return { learningRate: lo, resolution: hi / lo - 1, lo, hi };
}
