/**
 * The continuous-time Langevin view of a noisy game, solved with @snrlab/langevin-sde:
 *
 *   dz = v(z) dt + s dW,   v the game's descent field.
 *
 * Gradient play with step η and gradient noise σ is this SDE sampled at t = kη with
 * s = σ√η (the noise η·σ·ξ per step has variance η²σ² = s²·η). On a bilinear game v is a rotation
 * (M is skew-symmetric), so d E r² = 2E[zᵀMz] dt + d·s² dt = d·s² dt: rotation plus diffusion,
 * E r²(t) = r₀² + d·s²·t exactly (2s²t in the plane). Simultaneous GDA is this SDE's
 * Euler–Maruyama discretisation with dt = η, whose spurious growth (1 + η²) per step is the
 * outward spiral; alternating GDA is its symplectic Euler discretisation.
 */
import { Moments, type Stream } from '@snrlab/core';
import { sdeProblem, solve, solvers } from '@snrlab/langevin-sde';
import type { Backend } from '@snrlab/tensor';
import type { Game } from './games.js';

export interface ContinuousTimeOptions {
  game: Game;
  z0: ArrayLike<number>;
  /** Noise amplitude s per component (diffusion coefficient s²/2). */
  s: number;
  /** Horizon T and step size dt of the solver (T/dt must be a whole number). */
  horizon: number;
  dt: number;
  particles: number;
  stream: Stream;
  /** Number of equally spaced saved times. */
  saves?: number;
  backend?: Backend;
}

export interface ContinuousTimeResult {
  /** Saved times, starting after t = 0. */
  t: number[];
  /** Moments of r² = |z|² over the particles at each saved time. */
  r2: Moments[];
  solver: string;
}

/**
 * Integrate dz = v(z) dt + s dW for an ensemble with the Rößler SRA1 scheme (strong order 1.5
 * for additive noise; its drift stage is a second-order Runge–Kutta step, whose growth per unit
 * time on a rotation is only dt³/4).
 */
export function continuousTimeEnsemble(o: ContinuousTimeOptions): ContinuousTimeResult {
  const game = o.game;
  const d = game.dim;
  const problem = sdeProblem({
    drift: {
      kind: 'batched',
      fn: (x, out, n) => {
        for (let p = 0; p < n; p++) game.field(x, out, p * d, p * d);
      },
    },
    diffusion: o.s,
    x0: Float64Array.from(o.z0),
    tspan: [0, o.horizon],
    noise: 'additive',
  });
  const sol = solve(problem, solvers.sra1, {
    dt: o.dt,
    ensemble: o.particles,
    stream: o.stream,
    saveAt: o.saves ?? 20,
    backend: o.backend,
    keepFinal: false,
    covariance: false,
    observables: {
      r2: (x, off) => {
        let r2 = 0;
        for (let j = 0; j < d; j++) r2 += x[off + j] * x[off + j];
        return r2;
      },
    },
  });
  return { t: sol.t, r2: sol.observables.r2, solver: sol.solver.name };
}
