/**
 * Optimisers driven by shot-estimated gradients.
 *  - gradientDescent: θ ← θ − η ĝ with ĝ from parameter shift or finite differences.
 *  - spsa: Spall's SPSA, θ_{k+1} = θ_k − a_k ĝ_k with gains a_k = a/(A + k + 1)^α and
 *    c_k = c/(k + 1)^γ, α = 0.602, γ = 0.101 (Spall 1998, "Implementation of the simultaneous
 *    perturbation algorithm for stochastic optimization"). Without `a`, it is calibrated as Qiskit's
 *    SPSA.calibrate does: over 25 random directions, a = target / mean |f(θ+cΔ) − f(θ−cΔ)|/(2c), so
 *    that the first step moves each parameter by about `target` (2π/10 by default). The
 *    calibration's evaluations are counted in the shots spent.
 * Every optimiser takes a per-step shot budget (0 = exact) and a total budget; it stops before a
 * step would exceed the total. The exact energy is recorded after every step (the simulator can
 * afford it; a device could not), and a non-finite energy or parameter stops the run with a
 * DivergenceError carrying the history so far.
 */
import { DivergenceError, ParameterError, assertFinite, assertInteger, assertPositive, rademacher, type Stream } from '@snrlab/core';
import type { GradientMethod } from './gradients.js';
import { shotsPerTape } from './gradients.js';
import type { VQEProblem } from './problem.js';

export interface OptimizeTrace {
  /** Cumulative shots after each step (index 0: before the first step, after any calibration). */
  shots: number[];
  /** Exact energy after each step (index 0: at θ₀). */
  energy: number[];
}

export interface OptimizeResult {
  parameters: Float64Array;
  /** Exact energy at the final parameters. */
  energy: number;
  steps: number;
  shotsUsed: number;
  trace: OptimizeTrace;
  /** SPSA's a (given or calibrated). */
  a?: number;
}

export interface CommonOptions {
  /** Maximum number of steps. */
  steps: number;
  /** Shots per gradient step (0 = exact expectations). */
  shotBudget: number;
  /** Stop before a step would take the total past this (Infinity = no limit). */
  totalShots?: number;
  stream: Stream;
  /** Replica index reported by a DivergenceError. */
  replica?: number;
  /** Stop early once |E_k − E_{k−1}| < tolerance (exact energies; only sensible with exact gradients). */
  tolerance?: number;
}

export interface GradientDescentOptions extends CommonOptions {
  learningRate: number;
  gradient?: Extract<GradientMethod, 'parameter-shift' | 'finite-difference'>;
  /** Finite-difference step (default 0.1). */
  step?: number;
}

function checkCommon(o: CommonOptions): void {
  assertInteger('steps', o.steps, { min: 0 });
  assertInteger('shotBudget', o.shotBudget, { min: 0 });
  if (o.totalShots !== undefined && o.totalShots !== Infinity) assertInteger('totalShots', o.totalShots, { min: 0 });
}

function diverged(step: number, replica: number, value: number, theta: Float64Array, trace: OptimizeTrace, what: string): DivergenceError {
  return new DivergenceError(step, step, replica, value, { parameters: Float64Array.from(theta), trace }, what);
}

function checkFinite(step: number, replica: number, theta: Float64Array, energy: number, trace: OptimizeTrace): void {
  if (!Number.isFinite(energy)) throw diverged(step, replica, energy, theta, trace, 'non-finite energy');
  for (let i = 0; i < theta.length; i++) {
    if (!Number.isFinite(theta[i])) throw diverged(step, replica, theta[i], theta, trace, `non-finite parameter ${i}`);
  }
}

/** Gradient descent with parameter-shift (default) or finite-difference gradients. */
export function gradientDescent(problem: VQEProblem, theta0: ArrayLike<number>, o: GradientDescentOptions): OptimizeResult {
  checkCommon(o);
  assertPositive('learningRate', o.learningRate);
  const method = o.gradient ?? 'parameter-shift';
  if (method !== 'parameter-shift' && method !== 'finite-difference') {
    throw new ParameterError('gradient', method, '"parameter-shift" or "finite-difference"');
  }
  problem.circuit.checkParameters(theta0, 'theta0');
  const theta = Float64Array.from(theta0);
  const total = o.totalShots ?? Infinity;
  const replica = o.replica ?? 0;
  const trace: OptimizeTrace = { shots: [0], energy: [problem.exactEnergy(theta)] };
  let used = 0;
  let steps = 0;
  for (let k = 0; k < o.steps; k++) {
    const g = problem.gradient(method, theta, { shotBudget: o.shotBudget, stream: o.stream, step: o.step });
    if (used + g.shotsUsed > total) break;
    used += g.shotsUsed;
    for (let i = 0; i < theta.length; i++) theta[i] -= o.learningRate * g.gradient[i];
    const e = problem.exactEnergy(theta);
    checkFinite(k + 1, replica, theta, e, trace);
    trace.shots.push(used);
    trace.energy.push(e);
    steps = k + 1;
    if (o.tolerance !== undefined && Math.abs(e - trace.energy[k]) < o.tolerance) break;
  }
  return { parameters: theta, energy: trace.energy[trace.energy.length - 1], steps, shotsUsed: used, trace };
}

export interface SpsaGains {
  /** Learning-rate scale a (calibrated when omitted). */
  a?: number;
  /** Perturbation scale c (default 0.2, as in Qiskit). */
  c?: number;
  /** Stability constant A (default 0). */
  A?: number;
  alpha?: number;
  gamma?: number;
}

export interface SpsaOptions extends CommonOptions, SpsaGains {
  /** Calibration directions (default 25, as in Qiskit). */
  calibrationSteps?: number;
  /** Target size of the first step per parameter (default 2π/10, as in Qiskit). */
  targetMagnitude?: number;
}

export const SPSA_ALPHA = 0.602;
export const SPSA_GAMMA = 0.101;

/** a_k = a/(A + k + 1)^α. */
export function spsaLearningRate(a: number, k: number, A = 0, alpha = SPSA_ALPHA): number {
  return a / Math.pow(A + k + 1, alpha);
}

/** c_k = c/(k + 1)^γ. */
export function spsaPerturbation(c: number, k: number, gamma = SPSA_GAMMA): number {
  return c / Math.pow(k + 1, gamma);
}

export interface CalibrationResult {
  a: number;
  /** Mean |f(θ+cΔ) − f(θ−cΔ)|/(2c) over the calibration directions. */
  meanMagnitude: number;
  shotsUsed: number;
}

/**
 * Qiskit-style calibration of SPSA's a: a = target / mean_j |f(θ₀ + cΔ_j) − f(θ₀ − cΔ_j)| / (2c)
 * over `steps` Rademacher directions, each evaluation with `shotsPerEvaluation` shots (0 = exact).
 * If the mean is below 1e-10 (a flat start), a = target, as Qiskit does.
 */
export function calibrateSpsa(
  problem: VQEProblem,
  theta0: ArrayLike<number>,
  o: { c?: number; steps?: number; targetMagnitude?: number; shotsPerEvaluation: number; stream: Stream },
): CalibrationResult {
  const c = o.c ?? 0.2;
  const steps = o.steps ?? 25;
  const target = o.targetMagnitude ?? (2 * Math.PI) / 10;
  assertPositive('c', c);
  assertInteger('calibrationSteps', steps, { min: 1 });
  assertPositive('targetMagnitude', target);
  assertInteger('shotsPerEvaluation', o.shotsPerEvaluation, { min: 0 });
  problem.circuit.checkParameters(theta0, 'theta0');
  const d = theta0.length;
  const plus = new Float64Array(d);
  const minus = new Float64Array(d);
  let sum = 0;
  for (let j = 0; j < steps; j++) {
    for (let i = 0; i < d; i++) {
      const delta = rademacher(o.stream);
      plus[i] = theta0[i] + c * delta;
      minus[i] = theta0[i] - c * delta;
    }
    const fp = problem.estimateEnergy(plus, o.shotsPerEvaluation, o.stream).energy;
    const fm = problem.estimateEnergy(minus, o.shotsPerEvaluation, o.stream).energy;
    sum += Math.abs((fp - fm) / (2 * c));
  }
  const meanMagnitude = sum / steps;
  const a = meanMagnitude < 1e-10 ? target : target / meanMagnitude;
  return { a, meanMagnitude, shotsUsed: 2 * steps * o.shotsPerEvaluation };
}

/** SPSA with Spall's gains; calibrates a (Qiskit style) when it is not given. */
export function spsa(problem: VQEProblem, theta0: ArrayLike<number>, o: SpsaOptions): OptimizeResult {
  checkCommon(o);
  problem.circuit.checkParameters(theta0, 'theta0');
  const c = o.c ?? 0.2;
  const A = o.A ?? 0;
  const alpha = o.alpha ?? SPSA_ALPHA;
  const gamma = o.gamma ?? SPSA_GAMMA;
  assertPositive('c', c);
  assertPositive('A', A, { allowZero: true });
  assertFinite('alpha', alpha);
  assertFinite('gamma', gamma);
  const total = o.totalShots ?? Infinity;
  const replica = o.replica ?? 0;
  const n = shotsPerTape('spsa', o.shotBudget, 2, problem.estimator.minShots);
  const theta = Float64Array.from(theta0);
  let used = 0;
  let a = o.a;
  if (a === undefined) {
    const cal = calibrateSpsa(problem, theta, {
      c,
      steps: o.calibrationSteps,
      targetMagnitude: o.targetMagnitude,
      shotsPerEvaluation: n,
      stream: o.stream,
    });
    a = cal.a;
    used += cal.shotsUsed;
  } else assertPositive('a', a);
  const trace: OptimizeTrace = { shots: [used], energy: [problem.exactEnergy(theta)] };
  let steps = 0;
  for (let k = 0; k < o.steps; k++) {
    if (used + 2 * n > total) break;
    const g = problem.gradient('spsa', theta, { shotBudget: o.shotBudget, stream: o.stream, c: spsaPerturbation(c, k, gamma) });
    used += g.shotsUsed;
    const ak = spsaLearningRate(a, k, A, alpha);
    for (let i = 0; i < theta.length; i++) theta[i] -= ak * g.gradient[i];
    const e = problem.exactEnergy(theta);
    checkFinite(k + 1, replica, theta, e, trace);
    trace.shots.push(used);
    trace.energy.push(e);
    steps = k + 1;
    if (o.tolerance !== undefined && Math.abs(e - trace.energy[k]) < o.tolerance) break;
  }
  return { parameters: theta, energy: trace.energy[trace.energy.length - 1], steps, shotsUsed: used, trace, a };
}
