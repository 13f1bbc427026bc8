/**
 * Solvers for Itô SDEs. Each declares its strong order (E|X_h(T) − X(T)| = O(h^p)) and weak
 * order (|E φ(X_h(T)) − E φ(X(T))| = O(h^q)), the noise it handles, and that it is an Itô
 * scheme. A solver makes a `Stepper` bound to a problem, an ensemble size and a step; the
 * stepper advances particles [lo, hi) in place, given the Brownian increments ΔW (and
 * Z = ∫(W − W(t)) ds for the order-1.5 scheme), with no allocation per step.
 */
import { ParameterError } from '@snrlab/core';
import type { KernelName } from '@snrlab/tensor';
import type { NoiseKind, SdeProblem } from './problem.js';

export interface Stepper {
  /** Advance particles [lo, hi) of x (N·d, particle-major) from t to t + h. */
  step(x: Float64Array, t: number, dW: Float64Array, dZ: Float64Array | null, lo: number, hi: number): void;
  /** Swap the per-replica state of slots i and j (first-passage compaction), if the stepper keeps any. */
  swap?(i: number, j: number): void;
}

export type SolverName = 'euler-maruyama' | 'milstein' | 'sra1' | 'exact-ou' | 'baoab';

export interface Solver {
  readonly name: SolverName;
  readonly title: string;
  /** Strong order for general (diagonal, multiplicative) noise. */
  readonly strongOrder: number;
  /** Strong order when the noise is additive. */
  readonly strongOrderAdditive: number;
  /** Weak order (Infinity: exact in law). */
  readonly weakOrder: number;
  readonly calculus: 'ito';
  /** Needs Z = I_(1,0) from the Brownian path. */
  readonly needsTimeIntegral: boolean;
  readonly noise: readonly NoiseKind[];
  /**
   * The `@snrlab/tensor` registry kernels this scheme can run on (looked up by name and backend
   * with `getKernel`, never by comparing solver names): `ensemble-em` and `em-step` for
   * Euler–Maruyama, `baoab` for BAOAB. A problem whose drift is data (a closed form or polynomial
   * coefficients) can then run on any backend that registers the kernel.
   */
  readonly kernels: readonly KernelName[];
  readonly description: string;
  /** Refuses (ParameterError naming 'solver') a problem this solver cannot integrate. */
  check(problem: SdeProblem): void;
  stepper(problem: SdeProblem, replicas: number, h: number): Stepper;
}

/** The strong order a solver reaches on this problem (additive noise raises EM's to 1). */
export function declaredStrongOrder(solver: Solver, problem: Pick<SdeProblem, 'noise'>): number {
  return problem.noise === 'additive' ? solver.strongOrderAdditive : solver.strongOrder;
}

function refuse(solver: string, why: string): never {
  throw new ParameterError('solver', solver, why);
}

function checkNoise(s: Solver, p: SdeProblem): void {
  if (!s.noise.includes(p.noise)) refuse(s.name, `a solver for ${p.noise} noise (${s.name} handles ${s.noise.join(' and ')} noise)`);
}

/** Euler–Maruyama: X += f h + g ⊙ ΔW. Strong order 0.5 (1 for additive noise), weak order 1. */
export const eulerMaruyama: Solver = {
  name: 'euler-maruyama',
  title: 'Euler–Maruyama',
  strongOrder: 0.5,
  strongOrderAdditive: 1,
  weakOrder: 1,
  calculus: 'ito',
  needsTimeIntegral: false,
  noise: ['additive', 'diagonal'],
  kernels: ['ensemble-em', 'em-step'],
  description: 'X_{n+1} = X_n + f(t_n, X_n) h + g(t_n, X_n) ⊙ ΔW_n (Maruyama 1955; Kloeden & Platen 1992, §10.2).',
  check(p) {
    checkNoise(this, p);
  },
  stepper(p, n, h) {
    const d = p.dim;
    const f = new Float64Array(n * d);
    if (p.noise === 'additive') {
      const g = new Float64Array(d);
      const sigma = p.sigma!;
      return {
        step(x, t, dW, _dZ, lo, hi) {
          p.drift(t, x, f, lo, hi);
          sigma(t, g);
          // coordinate-major sweeps: contiguous (and vectorisable) for d = 1
          const end = hi * d;
          for (let j = 0; j < d; j++) {
            const gj = g[j];
            for (let k = lo * d + j; k < end; k += d) x[k] += f[k] * h + gj * dW[k];
          }
        },
      };
    }
    const G = new Float64Array(n * d);
    return {
      step(x, t, dW, _dZ, lo, hi) {
        p.drift(t, x, f, lo, hi);
        p.diffusion(t, x, G, lo, hi);
        const end = hi * d;
        for (let k = lo * d; k < end; k++) x[k] += f[k] * h + G[k] * dW[k];
      },
    };
  },
};

/**
 * Milstein for diagonal (commutative) noise: X_i += f_i h + g_i ΔW_i + ½ g_i ∂g_i/∂x_i (ΔW_i² − h).
 * Without ∂g/∂x it uses the derivative-free form (Kloeden & Platen 1992, eq. 11.1.5) with the
 * support value Υ = X + f h + g √h. Strong order 1, weak order 1; identical to EM for additive noise.
 */
export const milstein: Solver = {
  name: 'milstein',
  title: 'Milstein',
  strongOrder: 1,
  strongOrderAdditive: 1,
  weakOrder: 1,
  calculus: 'ito',
  needsTimeIntegral: false,
  noise: ['additive', 'diagonal'],
  kernels: [],
  description: 'Itô–Taylor scheme of strong order 1 for diagonal noise (Milstein 1974; Kloeden & Platen 1992, §10.3).',
  check(p) {
    checkNoise(this, p);
  },
  stepper(p, n, h) {
    if (p.noise === 'additive') return eulerMaruyama.stepper(p, n, h);
    const d = p.dim;
    const f = new Float64Array(n * d);
    const G = new Float64Array(n * d);
    const dG = new Float64Array(n * d);
    const sq = Math.sqrt(h);
    if (p.diffusionDerivative) {
      const deriv = p.diffusionDerivative;
      return {
        step(x, t, dW, _dZ, lo, hi) {
          p.drift(t, x, f, lo, hi);
          p.diffusion(t, x, G, lo, hi);
          deriv(t, x, dG, lo, hi);
          const end = hi * d;
          for (let k = lo * d; k < end; k++) {
            const w = dW[k];
            x[k] += f[k] * h + G[k] * w + 0.5 * G[k] * dG[k] * (w * w - h);
          }
        },
      };
    }
    const Y = new Float64Array(n * d);
    const c = 1 / (2 * sq);
    return {
      step(x, t, dW, _dZ, lo, hi) {
        p.drift(t, x, f, lo, hi);
        p.diffusion(t, x, G, lo, hi);
        const a = lo * d;
        const end = hi * d;
        for (let k = a; k < end; k++) Y[k] = x[k] + f[k] * h + G[k] * sq;
        p.diffusion(t, Y, dG, lo, hi); // g(Υ)
        for (let k = a; k < end; k++) {
          const w = dW[k];
          x[k] += f[k] * h + G[k] * w + (dG[k] - G[k]) * (w * w - h) * c;
        }
      },
    };
  },
};

/**
 * Rößler's SRA1 for additive noise (SIAM J. Numer. Anal. 48, 922 (2010)), tableau as in
 * DifferentialEquations.jl: with χ = Z/h = I_(1,0)/h,
 *   H = X + ¾ h f(t, X) + 3/2 g(t + h) χ,
 *   X' = X + h[⅓ f(t, X) + ⅔ f(t + ¾h, H)] + g(t + h)(ΔW − χ) + g(t) χ.
 * Strong order 1.5, weak order 2; additive noise only.
 */
export const sra1: Solver = {
  name: 'sra1',
  title: 'Rößler SRA1',
  strongOrder: 1.5,
  strongOrderAdditive: 1.5,
  weakOrder: 2,
  calculus: 'ito',
  needsTimeIntegral: true,
  noise: ['additive'],
  kernels: [],
  description: 'Two-stage stochastic Runge–Kutta scheme of strong order 1.5 for additive noise (Rößler 2010).',
  check(p) {
    checkNoise(this, p);
  },
  stepper(p, n, h) {
    const d = p.dim;
    const k1 = new Float64Array(n * d);
    const k2 = new Float64Array(n * d);
    const H = new Float64Array(n * d);
    const gA = new Float64Array(d);
    const gB = new Float64Array(d);
    const sigma = p.sigma!;
    const inv = 1 / h;
    return {
      step(x, t, dW, dZ, lo, hi) {
        if (!dZ) throw new ParameterError('dZ', null, 'the time integral Z of the Brownian path (SRA1 needs it)');
        p.drift(t, x, k1, lo, hi);
        sigma(t + h, gA);
        sigma(t, gB);
        const end = hi * d;
        const a1 = 0.75 * h;
        const h3 = h / 3;
        const h23 = (2 * h) / 3;
        for (let j = 0; j < d; j++) {
          const b = 1.5 * gA[j] * inv;
          for (let k = lo * d + j; k < end; k += d) H[k] = x[k] + a1 * k1[k] + b * dZ[k];
        }
        p.drift(t + 0.75 * h, H, k2, lo, hi);
        for (let j = 0; j < d; j++) {
          const ga = gA[j];
          const gz = (gB[j] - ga) * inv; // chi·(g(t) − g(t + h))
          for (let k = lo * d + j; k < end; k += d) x[k] += h3 * k1[k] + h23 * k2[k] + ga * dW[k] + gz * dZ[k];
        }
      },
    };
  },
};

/**
 * The exact Ornstein–Uhlenbeck update for f = −θ ⊙ (x − μ) with constant additive g = σ:
 *   X' = μ + e^{−θh}(X − μ) + σ √((1 − e^{−2θh})/(2θh)) ΔW.
 * Exact in law at every step size (weak order ∞; θ may be negative, an unstable direction).
 * Its coupling to the path through ΔW alone has strong order 1.
 */
export const exactOU: Solver = {
  name: 'exact-ou',
  title: 'exact Ornstein–Uhlenbeck',
  strongOrder: 1,
  strongOrderAdditive: 1,
  weakOrder: Infinity,
  calculus: 'ito',
  needsTimeIntegral: false,
  noise: ['additive'],
  kernels: [],
  description: 'Samples the OU transition density exactly (Gillespie 1996); needs a linear drift and constant additive noise.',
  check(p) {
    checkNoise(this, p);
    if (!p.linear) refuse(this.name, 'a solver for this problem: exact-ou needs a linear drift −θ(x − μ) with constant additive noise (a harmonic potential)');
  },
  stepper(p, _n, h) {
    const d = p.dim;
    const { rate, center } = p.linear!;
    const g = new Float64Array(d);
    p.sigma!(p.tspan[0], g);
    const a = new Float64Array(d);
    const b = new Float64Array(d);
    for (let j = 0; j < d; j++) {
      const th = rate[j];
      a[j] = Math.exp(-th * h);
      b[j] = th === 0 ? g[j] : g[j] * Math.sqrt(-Math.expm1(-2 * th * h) / (2 * th * h));
    }
    return {
      step(x, _t, dW, _dZ, lo, hi) {
        const end = hi * d;
        for (let j = 0; j < d; j++) {
          const aj = a[j];
          const bj = b[j];
          const cj = center[j] * (1 - aj);
          for (let k = lo * d + j; k < end; k += d) x[k] = cj + aj * x[k] + bj * dW[k];
        }
      },
    };
  },
};

/**
 * BAOAB splitting for underdamped Langevin (Leimkuhler & Matthews, AMRX 2013):
 * B: p −= (h/2)∇U(q); A: q += (h/2)p/m; O: p ← c·p + √((1 − c²)mT)·ξ with c = e^{−γh/m};
 * A; B. One gradient per step (cached from the previous step's final B). Its configurational
 * sampling is exact for harmonic potentials at every stable h (Var q = T/k); Var p = mT(1 − h²k/(4m)).
 * Weak order 2; the O-step noise is ξ = ΔW_p/√h from the path's momentum components.
 */
export const baoab: Solver = {
  name: 'baoab',
  title: 'BAOAB',
  strongOrder: 1,
  strongOrderAdditive: 1,
  weakOrder: 2,
  calculus: 'ito',
  needsTimeIntegral: false,
  noise: ['additive'],
  kernels: ['baoab'],
  description: 'Symmetric splitting B-A-O-A-B of underdamped Langevin dynamics (Leimkuhler & Matthews 2013).',
  check(p) {
    if (p.kind !== 'underdamped-langevin' || !p.langevin) refuse(this.name, "a solver for this problem: baoab needs langevinProblem({ ..., mass }) (underdamped dynamics)");
  },
  stepper(p, N, h) {
    const L = p.langevin!;
    const pot = L.potential;
    const n = pot.dim;
    const d = 2 * n;
    const m = L.mass ?? 1;
    const c = Math.exp((-L.friction * h) / m);
    const s = Math.sqrt(-Math.expm1((-2 * L.friction * h) / m) * m * L.temperature) / Math.sqrt(h);
    const grad = new Float64Array(N * n);
    const has = new Uint8Array(N);
    const hh = 0.5 * h;
    const hm = hh / m;
    return {
      step(x, _t, dW, _dZ, lo, hi) {
        for (let i = lo; i < hi; i++) {
          const o = i * d;
          const go = i * n;
          if (!has[i]) {
            pot.gradient(x, grad, o, go);
            has[i] = 1;
          }
          for (let j = 0; j < n; j++) {
            let p = x[o + n + j] - hh * grad[go + j]; // B
            let q = x[o + j] + hm * p; // A
            p = c * p + s * dW[o + n + j]; // O
            q += hm * p; // A
            x[o + j] = q;
            x[o + n + j] = p;
          }
          pot.gradient(x, grad, o, go);
          for (let j = 0; j < n; j++) x[o + n + j] -= hh * grad[go + j]; // B
        }
      },
      swap(i, j) {
        const hi = has[i];
        has[i] = has[j];
        has[j] = hi;
        for (let k = 0; k < n; k++) {
          const v = grad[i * n + k];
          grad[i * n + k] = grad[j * n + k];
          grad[j * n + k] = v;
        }
      },
    };
  },
};

export const solvers: Readonly<Record<SolverName, Solver>> = {
  'euler-maruyama': eulerMaruyama,
  milstein,
  sra1,
  'exact-ou': exactOU,
  baoab,
};

export const solverNames = Object.keys(solvers) as SolverName[];

/** A solver by name; the error lists the names. */
export function getSolver(name: string): Solver {
  const s = (solvers as Record<string, Solver>)[name];
  if (!s) throw new ParameterError('solver', name, `one of ${solverNames.map((n) => `'${n}'`).join(', ')}`);
  return s;
}
