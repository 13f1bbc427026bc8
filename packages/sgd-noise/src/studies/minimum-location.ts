/**
 * Where is the minimum? Read from noisy mini-batch gradients, the minimum along a line θ* + t·u is
 * where the batch's directional gradient F(t) = uᵀ∇L_B(θ* + t·u) crosses zero: a threshold
 * readout, as a morphogen boundary is. Its spread over batches is, to first order (delta method),
 *   σ_t = σ_g/|H|,   σ_g² = uᵀΣu/B (one batch of B drawn with replacement),  H = uᵀ∇²L u,
 * and core's positionalError compares that with the direct spread of the crossings.
 */
import { ParameterError, positionalError, solveLinear, type PositionalErrorResult, type Stream } from '@snrlab/core';
import type { Dataset } from '../data/dataset.js';
import { checkModelData, gather } from '../data/dataset.js';
import type { Batch, Sequential } from '../nn/model.js';
import { datasetGradient, datasetHvp, hessianMatrix } from '../measure/hessian.js';
import { gradientNoise } from '../measure/noise.js';

/** The full-batch minimum by Newton's method with the exact Hessian (small models), to |∇L| ≤ tolerance. */
export function newtonMinimum(model: Sequential, data: Dataset, start: Float64Array, o: { iterations?: number; tolerance?: number } = {}): { params: Float64Array; gradNorm: number; iterations: number } {
  const theta = Float64Array.from(start);
  const iterations = o.iterations ?? 50;
  const tol = o.tolerance ?? 1e-12;
  let gn = Infinity;
  let k = 0;
  for (; k < iterations; k++) {
    const g = datasetGradient(model, theta, data).gradient;
    gn = Math.hypot(...g);
    if (gn <= tol) break;
    const step = solveLinear(hessianMatrix(model, theta, data), g, g.length);
    for (let j = 0; j < theta.length; j++) theta[j] -= step[j];
  }
  if (!(gn <= tol)) throw new ParameterError('newton.iterations', iterations, `enough Newton steps to reach |∇L| ≤ ${tol} (|∇L| = ${gn})`);
  return { params: theta, gradNorm: gn, iterations: k };
}

export interface MinimumLocationResult extends PositionalErrorResult {
  batchSize: number;
  /** σ_g = √(uᵀΣu/B) at θ* from all per-example gradients, H = uᵀHu by an exact HVP. */
  sigmaGExact: number;
  curvatureExact: number;
  /** σ_g/|H| from the exact values. */
  sigmaThetaExact: number;
  grid: Float64Array;
  /** The stated tolerance of the ratio: core's `secondOrder`, which includes the curvature of the noise profile (each batch has its own curvature h_B, so the zero −g/h of a random line spreads more than σ_g/H, by about 2·Var(h_B)/H²). */
  tolerance: number;
}

/**
 * The spread of the mini-batch minimum along θ* + t·u (|u| = 1): every realisation draws one batch
 * of B examples with replacement and evaluates that batch's directional gradient on the whole grid
 * (so each realisation is a smooth curve with a well-defined zero); core's positionalError returns
 * the direct spread of the zeros and σ_F/|F′| (sampled); the exact σ_g/|H| comes from all
 * per-example gradients and a Hessian-vector product at θ*.
 */
export function minimumLocation(
  model: Sequential,
  data: Dataset,
  thetaStar: Float64Array,
  u: Float64Array,
  o: { batchSize: number; realizations: number; stream: Stream; gridPoints?: number; halfWidth?: number },
): MinimumLocationResult {
  checkModelData(model, data);
  const P = model.paramCount;
  if (u.length !== P) throw new ParameterError('u.length', u.length, `${P} (the parameter count)`);
  const N = data.n;
  const B = o.batchSize;
  if (!Number.isInteger(B) || B < 1) throw new ParameterError('batchSize', B, 'a positive integer');
  const dot = (a: Float64Array, b: Float64Array) => a.reduce((s, x, j) => s + x * b[j], 0);
  const project = (theta: Float64Array) => {
    const noise = gradientNoise(model, theta, data);
    const R = noise.perExample as Float64Array;
    let m = 0;
    let q = 0;
    for (let i = 0; i < N; i++) {
      let s = 0;
      for (let j = 0; j < P; j++) s += R[i * P + j] * u[j];
      m += s / N;
      q += (s * s) / N;
    }
    return { mean: m, varPop: q - m * m };
  };
  const at = (t: number) => thetaStar.map((v, j) => v + t * u[j]);
  const star = project(thetaStar);
  const sigmaG = Math.sqrt(star.varPop / B);
  const H = dot(u, datasetHvp(model, thetaStar, data, u));
  if (!(H > 0)) throw new ParameterError('u', 'direction', `a direction of positive curvature (uᵀHu = ${H})`);
  const sigmaT = sigmaG / H;
  const G = o.gridPoints ?? 25;
  const W = (o.halfWidth ?? 6) * sigmaT;
  const grid = Float64Array.from({ length: G }, (_, i) => -W + (2 * W * i) / (G - 1));
  const thetas = Array.from(grid, (t) => at(t));
  const idx = new Int32Array(B);
  let batch: Batch | undefined;
  const g = new Float64Array(P);
  const sample = (s: Stream, out: Float64Array) => {
    for (let k = 0; k < B; k++) idx[k] = s.integer(N);
    batch = gather(data, idx, B, batch);
    for (let i = 0; i < G; i++) out[i] = dot(u, model.gradient(thetas[i], batch, { out: g }).gradient);
  };
  const r = positionalError({
    grid,
    sample,
    threshold: 0,
    realizations: o.realizations,
    stream: o.stream,
    mean: (t) => dot(u, datasetGradient(model, at(t), data).gradient),
    derivative: (t) => dot(u, datasetHvp(model, at(t), data, u)),
    sd: (t) => Math.sqrt(project(at(t)).varPop / B),
  });
  return { ...r, batchSize: B, sigmaGExact: sigmaG, curvatureExact: H, sigmaThetaExact: sigmaT, grid, tolerance: r.secondOrder };
}
