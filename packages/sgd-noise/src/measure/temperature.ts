/**
 * SGD as a thermostat. For SGD x ← x − η(h·x + ξ) on L = h·x²/2 with ξ of variance σ²/B (the mean
 * of B per-example noises of variance σ²), the stationary variance is exactly
 *   Var x = ησ²/(B·h·(2 − ηh))      (stable for 0 < ηh < 2),
 * which tends to the SDE (Langevin) value T/h with temperature T = ησ²/(2B) as ηh → 0.
 * Linear scaling (η ∝ B) keeps T constant; square-root scaling (η ∝ √B) keeps the per-step update
 * noise variance η²σ²/B constant.
 */
import { assertInteger, assertPositive, ParameterError } from '@snrlab/core';

function check(eta: number, sigma2: number, batchSize: number) {
  assertPositive('learningRate', eta);
  assertPositive('sigma2', sigma2, { allowZero: true });
  assertPositive('batchSize', batchSize);
}

/** T = ησ²/(2B). */
export function sgdTemperature(eta: number, sigma2: number, batchSize: number): number {
  check(eta, sigma2, batchSize);
  return (eta * sigma2) / (2 * batchSize);
}

/** SDE stationary variance ησ²/(2Bh) = T/h. */
export function stationaryVarianceSDE(eta: number, sigma2: number, batchSize: number, h: number): number {
  assertPositive('curvature', h);
  return sgdTemperature(eta, sigma2, batchSize) / h;
}

/** Exact discrete-time stationary variance ησ²/(B·h·(2 − ηh)). */
export function stationaryVarianceDiscrete(eta: number, sigma2: number, batchSize: number, h: number): number {
  check(eta, sigma2, batchSize);
  assertPositive('curvature', h);
  if (eta * h >= 2) throw new ParameterError('learningRate', eta, `a value below 2/h = ${2 / h} (SGD on the quadratic diverges for ηh ≥ 2)`);
  return (eta * sigma2) / (batchSize * h * (2 - eta * h));
}

export type ScalingRule = 'linear' | 'sqrt';

/** η(B) = η₀·(B/B₀) (linear) or η₀·√(B/B₀) (square root). */
export function scaledLearningRate(rule: ScalingRule, eta0: number, batchSize: number, baseBatch: number): number {
  assertPositive('learningRate', eta0);
  assertInteger('batchSize', batchSize, { min: 1 });
  assertInteger('baseBatch', baseBatch, { min: 1 });
  const r = batchSize / baseBatch;
  if (rule === 'linear') return eta0 * r;
  if (rule === 'sqrt') return eta0 * Math.sqrt(r);
  throw new ParameterError('rule', rule, "'linear' or 'sqrt'");
}

/** Per-step update noise variance η²σ²/B. */
export function updateNoiseVariance(eta: number, sigma2: number, batchSize: number): number {
  check(eta, sigma2, batchSize);
  return (eta * eta * sigma2) / batchSize;
}
