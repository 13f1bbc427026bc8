/**
 * Exact laws of discretised linear SDEs: the theory that includes the discrete-step bias.
 *
 * On a linear problem (harmonic potential, OU drift) with additive noise, one step of any of
 * the solvers is an affine map of the state and the Brownian increments,
 *   X' = A·X + c + B_W·ΔW + B_Z·Z,
 * so the chain is Gaussian with Σ_{n+1} = A Σ_n Aᵀ + Q, where
 *   Q = h·B_W B_Wᵀ + (h²/2)(B_W B_Zᵀ + B_Z B_Wᵀ) + (h³/3)·B_Z B_Zᵀ
 * (Var ΔW = h, Cov(ΔW, Z) = h²/2, Var Z = h³/3). `linearStepMap` finds A, c, B_W, B_Z by probing
 * the solver's own stepper, so the theory is computed from the very code that runs.
 * Example: Euler–Maruyama on U = x²/2 at T = 1 has A = 1 − h, Q = 2h, so the stationary
 * variance is 2h/(1 − (1 − h)²) = 1/(1 − h/2), not 1.
 */
import { matMul, ParameterError, solveLinear, transpose } from '@snrlab/core';
import type { SdeProblem } from './problem.js';
import type { Solver } from './solvers.js';

/** One step X' = A X + c + ε, ε ~ N(0, Q); matrices row-major d × d. */
export interface LinearStepMap {
  dim: number;
  A: Float64Array;
  c: Float64Array;
  Q: Float64Array;
}

export interface GaussianLaw {
  mean: Float64Array;
  /** Row-major d × d covariance. */
  covariance: Float64Array;
}

/**
 * The affine one-step map of `solver` on a linear `problem` with step h (probed at t0).
 * Refuses a problem on which the step is not affine (a nonlinear drift or multiplicative noise).
 */
export function linearStepMap(problem: SdeProblem, solver: Solver, h: number, t = problem.tspan[0]): LinearStepMap {
  solver.check(problem);
  if (problem.noise !== 'additive') throw new ParameterError('problem.noise', problem.noise, "'additive' (the discrete law is Gaussian only for additive noise)");
  const d = problem.dim;
  const step = (x: Float64Array, dW: Float64Array, dZ: Float64Array) => {
    const s = solver.stepper(problem, 1, h); // fresh: steppers may cache per-replica values
    const y = Float64Array.from(x);
    s.step(y, t, dW, dZ, 0, 1);
    return y;
  };
  const zero = new Float64Array(d);
  const c = step(zero, zero, zero);
  const A = new Float64Array(d * d);
  const BW = new Float64Array(d * d);
  const BZ = new Float64Array(d * d);
  for (let j = 0; j < d; j++) {
    const e = new Float64Array(d);
    e[j] = 1;
    const a = step(e, zero, zero);
    const w = step(zero, e, zero);
    const z = step(zero, zero, e);
    for (let i = 0; i < d; i++) {
      A[i * d + j] = a[i] - c[i];
      BW[i * d + j] = w[i] - c[i];
      BZ[i * d + j] = z[i] - c[i];
    }
  }
  // affinity check at a generic point
  const x = new Float64Array(d).map((_, j) => 0.37 + 0.61 * j);
  const dw = new Float64Array(d).map((_, j) => -0.23 + 0.17 * j);
  const dz = new Float64Array(d).map((_, j) => 0.05 - 0.03 * j);
  const y = step(x, dw, dz);
  for (let i = 0; i < d; i++) {
    let v = c[i];
    for (let j = 0; j < d; j++) v += A[i * d + j] * x[j] + BW[i * d + j] * dw[j] + BZ[i * d + j] * dz[j];
    if (Math.abs(v - y[i]) > 1e-9 * (1 + Math.abs(y[i]))) {
      throw new ParameterError('problem', `a step that is not affine in (x, ΔW, Z) for ${solver.name}`, 'a linear problem (linear drift or harmonic potential, additive noise)');
    }
  }
  const BWt = transpose(BW, d, d);
  const BZt = transpose(BZ, d, d);
  const WW = matMul(BW, BWt, d, d, d);
  const WZ = matMul(BW, BZt, d, d, d);
  const ZZ = matMul(BZ, BZt, d, d, d);
  const Q = new Float64Array(d * d);
  for (let k = 0; k < d * d; k++) {
    const i = Math.floor(k / d);
    const j = k % d;
    Q[k] = h * WW[k] + 0.5 * h * h * (WZ[k] + WZ[j * d + i]) + ((h * h * h) / 3) * ZZ[k];
  }
  return { dim: d, A, c, Q };
}

/** Law of the chain after `steps` steps from the point x0. */
export function lawAfter(map: LinearStepMap, x0: ArrayLike<number>, steps: number): GaussianLaw {
  const d = map.dim;
  let mean: Float64Array = Float64Array.from(x0);
  let cov: Float64Array = new Float64Array(d * d);
  const At = transpose(map.A, d, d);
  for (let s = 0; s < steps; s++) {
    const m = new Float64Array(d);
    for (let i = 0; i < d; i++) {
      let v = map.c[i];
      for (let j = 0; j < d; j++) v += map.A[i * d + j] * mean[j];
      m[i] = v;
    }
    mean = m;
    const next = matMul(matMul(map.A, cov, d, d, d), At, d, d, d);
    for (let k = 0; k < d * d; k++) next[k] += map.Q[k];
    cov = next;
  }
  return { mean, covariance: cov };
}

/**
 * Stationary law of the chain: mean (I − A)⁻¹c and Σ = Σ_k A^k Q (A^k)ᵀ, summed by doubling.
 * Refuses an unstable step (spectral radius of A ≥ 1).
 */
export function stationaryLaw(map: LinearStepMap): GaussianLaw {
  const d = map.dim;
  const S: Float64Array = Float64Array.from(map.Q);
  let M: Float64Array = Float64Array.from(map.A);
  for (let it = 0; it < 64; it++) {
    const MS = matMul(M, S, d, d, d);
    const add = matMul(MS, transpose(M, d, d), d, d, d);
    let norm = 0;
    for (let k = 0; k < d * d; k++) {
      S[k] += add[k];
      norm = Math.max(norm, Math.abs(M[k]));
    }
    if (norm < 1e-300 || !Number.isFinite(norm)) break;
    M = matMul(M, M, d, d, d);
  }
  let mnorm = 0;
  for (let k = 0; k < d * d; k++) mnorm = Math.max(mnorm, Math.abs(M[k]));
  if (!(mnorm < 1e-8) || S.some((v) => !Number.isFinite(v))) {
    throw new ParameterError('dt', 'an unstable step', 'a step for which the discrete chain is stable (spectral radius of A < 1)');
  }
  const IA = new Float64Array(d * d);
  for (let i = 0; i < d; i++) for (let j = 0; j < d; j++) IA[i * d + j] = (i === j ? 1 : 0) - map.A[i * d + j];
  return { mean: solveLinear(IA, map.c, d), covariance: S };
}
