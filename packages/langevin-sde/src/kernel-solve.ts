/**
 * `solveOnKernel(problem, solver, options)`: run an ensemble to its final state on a kernel of the
 * `@snrlab/tensor` registry for any backend that registers it — the GPU (`webgpu`) included,
 * whose kernels are asynchronous. The kernel comes from what the solver declares (`kernels`)
 * and what the problem's drift is as data; nothing compares solver names.
 *
 * - Euler–Maruyama (`ensemble-em`): a drift given as data (linear, double-well, polynomial
 *   coefficients) with constant scalar additive noise.
 * - BAOAB (`baoab`): underdamped Langevin dynamics in a polynomial potential.
 *
 * Initial states are drawn on the CPU exactly as `solve` draws them (stream.child('x0'), per
 * block). The noise is the kernel's own: on js, block b draws from stream.child(firstBlock + b);
 * on webgpu, particle p from stream.child(firstParticle + p) (Box–Muller in float32): the same
 * law, other numbers. `tolerance` is the kernel's declared tolerance (`toleranceOf`).
 */
import { DEFAULT_BLOCK_SIZE, DivergenceError, ParameterError, type Stream } from '@snrlab/core';
import { getKernel, toleranceOf, type KernelName, type Tolerance } from '@snrlab/tensor';
import { initialState, type SdeProblem } from './problem.js';
import type { Solver } from './solvers.js';

export interface KernelSolveOptions {
  dt: number;
  ensemble: number;
  stream: Stream;
  /** The backend whose kernel runs (default 'js'); a missing pair is a KernelUnavailableError. */
  backend?: string;
  blockSize?: number;
  /** Global index of the first block (js) and of the first particle, firstBlock·blockSize (webgpu). */
  firstBlock?: number;
}

export interface KernelSolution {
  /** Final states, N·dim, particle-major ((q, p) per replica for underdamped problems). */
  final: Float64Array;
  dim: number;
  replicas: number;
  steps: number;
  kernel: KernelName;
  /** The backend that ran the kernel (record it with `usedBackend`). */
  backend: string;
  precision: 'float64' | 'float32';
  tolerance: Tolerance;
}

/** The registry kernel `solver` can run `problem` on, or null (with the reason). */
export function kernelFor(problem: SdeProblem, solver: Solver): { kernel: 'ensemble-em' | 'baoab' } | { kernel: null; reason: string } {
  if (solver.kernels.includes('baoab') && problem.kind === 'underdamped-langevin') {
    return problem.langevin?.potential.polynomial ? { kernel: 'baoab' } : { kernel: null, reason: 'baoab runs on a kernel only for a polynomial potential' };
  }
  if (solver.kernels.includes('ensemble-em')) {
    if (!problem.kernel) return { kernel: null, reason: 'the drift is not data (a closed form or polynomial coefficients) with constant additive noise' };
    if (typeof problem.kernel.sigma !== 'number') return { kernel: null, reason: 'the noise differs between coordinates' };
    return { kernel: 'ensemble-em' };
  }
  return { kernel: null, reason: `${solver.name} declares no registry kernel` };
}

export async function solveOnKernel(problem: SdeProblem, solver: Solver, o: KernelSolveOptions): Promise<KernelSolution> {
  const pick = kernelFor(problem, solver);
  const backend = o.backend ?? 'js';
  if (pick.kernel === null) throw new ParameterError('solver', solver.name, `a solver with a registry kernel for this problem on backend '${backend}'`, pick.reason);
  const h = o.dt;
  const [t0, t1] = problem.tspan;
  const steps = Math.round((t1 - t0) / h);
  if (steps < 1 || Math.abs(steps * h - (t1 - t0)) > 1e-9 * (t1 - t0)) throw new ParameterError('dt', h, `a step dividing t1 − t0 = ${t1 - t0} into a whole number of steps`);
  const N = o.ensemble;
  const d = problem.dim;
  const bs = o.blockSize ?? DEFAULT_BLOCK_SIZE;
  const fb = o.firstBlock ?? 0;
  const x = new Float64Array(N * d);
  const init = o.stream.child('x0');
  for (let lo = 0, b = 0; lo < N; lo += bs, b++) {
    const hi = Math.min(N, lo + bs);
    initialState(problem, x, lo, hi, problem.x0 instanceof Float64Array ? undefined : init.child(fb + b));
  }
  const common = { n: N, dt: h, steps, stream: o.stream, blockSize: bs, firstBlock: fb, firstParticle: fb * bs };
  let divergence: { step: number; index: number } | null;
  let def;
  if (pick.kernel === 'ensemble-em') {
    def = getKernel('ensemble-em', backend);
    divergence = (await def.run({ ...common, x, d, drift: problem.kernel!.drift, sigma: problem.kernel!.sigma as number })).divergence;
  } else {
    def = getKernel('baoab', backend);
    const L = problem.langevin!;
    const n = d / 2;
    const q = new Float64Array(N * n);
    const p = new Float64Array(N * n);
    for (let i = 0; i < N; i++) {
      for (let j = 0; j < n; j++) {
        q[i * n + j] = x[i * d + j];
        p[i * n + j] = x[i * d + n + j];
      }
    }
    const potential = { kind: 'polynomial' as const, coefficients: L.potential.polynomial!.coefficients };
    divergence = (await def.run({ ...common, q, p, d: n, potential, friction: L.friction, temperature: L.temperature, mass: L.mass ?? 1 })).divergence;
    for (let i = 0; i < N; i++) {
      for (let j = 0; j < n; j++) {
        x[i * d + j] = q[i * n + j];
        x[i * d + n + j] = p[i * n + j];
      }
    }
  }
  if (divergence) {
    const width = pick.kernel === 'baoab' ? d / 2 : d;
    const replica = Math.floor(divergence.index / width);
    throw new DivergenceError(divergence.step, t0 + divergence.step * h, fb * bs + replica, NaN, { completedSteps: divergence.step - 1 }, `${solver.name} on the ${backend} '${pick.kernel}' kernel, dt = ${h}`);
  }
  return { final: x, dim: d, replicas: N, steps, kernel: pick.kernel, backend: def.backend, precision: def.precision ?? 'float64', tolerance: toleranceOf(def as never) };
}

/**
 * An allowance for a statistic computed from float32 kernel states: each step rounds the state with
 * relative error ≤ 2⁻²⁴ (round to nearest, unbiased); over `steps` steps the errors add at most in
 * quadrature, so a second moment moves by at most 2·2⁻²⁴·√steps of its size. Zero for float64.
 */
export function float32Allowance(precision: 'float64' | 'float32', theory: number, steps: number): { value: number; derivation: string } | undefined {
  if (precision !== 'float32') return undefined;
  return {
    value: 2 * 2 ** -24 * Math.sqrt(steps) * Math.abs(theory),
    derivation: `float32 kernel: each of ${steps} steps rounds the state with relative error ≤ 2⁻²⁴, unbiased; added in quadrature a second moment moves by ≤ 2·2⁻²⁴·√${steps} of its size`,
  };
}
