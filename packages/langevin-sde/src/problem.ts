/**
 * SDE problems, kept apart from solvers and from `solve` (the diffrax / DifferentialEquations.jl
 * split). A problem is the Itô SDE
 *   dX = f(t, X) dt + g(t, X) ⊙ dW,   X ∈ R^d, W a d-dimensional Wiener process,
 * with either additive noise (g depends on t only) or diagonal noise (g_i depends on t and x_i).
 * Every problem is normalised to range evaluators that act on a particle-major N × d ensemble
 * in place, so solvers allocate nothing per step.
 */
import {
  assertFinite,
  assertFiniteArray,
  assertOneOf,
  assertPositive,
  ParameterError,
  ParameterTypeError,
  Stream,
} from '@snrlab/core';
import type { KernelDrift } from '@snrlab/tensor';
import type { Potential } from './potentials.js';
import type { InitialDistribution } from './reference.js';

export type NoiseKind = 'additive' | 'diagonal';

/** f(t, x) for one state x (length d): fill `out`, or return the d values. */
export type PointField = (t: number, x: Float64Array, out: Float64Array) => void | ArrayLike<number>;

/** A field evaluated for the whole ensemble at once: fill out (n·d) from x (n·d, particle-major). */
export interface BatchedField {
  kind: 'batched';
  fn: (x: Float64Array, out: Float64Array, n: number, d: number, t: number) => void;
}

/** f = −rate ⊙ (x − center): an Ornstein–Uhlenbeck drift (exact updates and fused kernels apply). */
export interface LinearDrift {
  kind: 'linear';
  rate: number | ArrayLike<number>;
  center?: number | ArrayLike<number>;
}

/** f = x − x³ + tilt on every coordinate: −U′ of the double well (the fused tensor kernel). */
export interface DoubleWellDrift {
  kind: 'double-well';
  tilt?: number;
}

/** f = −U′(x) on every coordinate for U = Σ_k c_k x^k: polynomial coefficients (the registry's kernels take them as data). */
export interface PolynomialDrift {
  kind: 'polynomial';
  coefficients: readonly number[];
}

export type DriftInput = PointField | BatchedField | LinearDrift | DoubleWellDrift | PolynomialDrift;

/** Additive noise: g(t) as a number, one value per coordinate, or a function of t. */
export type AdditiveDiffusion = number | ArrayLike<number> | ((t: number, out: Float64Array) => void | ArrayLike<number>);
/** Diagonal noise: g_i(t, x), pointwise or batched. */
export type DiagonalDiffusion = PointField | BatchedField;

/** Evaluates a field on particles [lo, hi) of a particle-major array. */
export type RangeField = (t: number, x: Float64Array, out: Float64Array, lo: number, hi: number) => void;

export interface SdeProblemInput {
  drift: DriftInput;
  diffusion: AdditiveDiffusion | DiagonalDiffusion;
  /** ∂g_i/∂x_i for diagonal noise (Milstein uses it; without it Milstein is derivative-free). */
  diffusionDerivative?: PointField | BatchedField;
  /** Initial state: a number (d = 1), a vector, or a distribution to draw each replica from. */
  x0: number | ArrayLike<number> | InitialDistribution;
  tspan: readonly [number, number];
  noise: NoiseKind;
}

export interface LangevinInfo {
  readonly dynamics: 'overdamped' | 'underdamped';
  readonly potential: Potential;
  readonly temperature: number;
  /** Friction coefficient γ (force per velocity). */
  readonly friction: number;
  /** Mass (underdamped only). */
  readonly mass?: number;
  /** Diffusion coefficient D = T/γ of the position (overdamped). */
  readonly D: number;
}

/** A normalised Itô SDE problem; build one with `sdeProblem` or `langevinProblem`. */
export interface SdeProblem {
  readonly kind: 'sde' | 'overdamped-langevin' | 'underdamped-langevin';
  /** State dimension d (2 × the position dimension for underdamped Langevin: q then p). */
  readonly dim: number;
  readonly noise: NoiseKind;
  readonly tspan: readonly [number, number];
  /** Fixed initial state (length d), or a distribution. */
  readonly x0: Float64Array | InitialDistribution;
  /** f(t, x) on particles [lo, hi). */
  readonly drift: RangeField;
  /** g(t, x) on particles [lo, hi) (for additive noise, the same g(t) for each particle). */
  readonly diffusion: RangeField;
  /** Additive noise only: g(t) into out (length d). */
  readonly sigma?: (t: number, out: Float64Array) => void;
  /** Additive noise with g independent of t. */
  readonly sigmaConstant: boolean;
  readonly diffusionDerivative?: RangeField;
  /** Set when f = −rate ⊙ (x − center) and g is a constant: the OU structure exact updates need. */
  readonly linear?: { readonly rate: Float64Array; readonly center: Float64Array };
  /**
   * Set when the drift is data that the tensor registry's Euler–Maruyama kernels take (a closed
   * form, or polynomial coefficients) and the noise is constant and additive.
   */
  readonly kernel?: { readonly drift: KernelDrift; readonly sigma: number | Float64Array };
  readonly langevin?: LangevinInfo;
}

function isInitialDistribution(v: unknown): v is InitialDistribution {
  return typeof v === 'object' && v !== null && typeof (v as InitialDistribution).sample === 'function';
}

function toVector(name: string, v: number | ArrayLike<number>, d: number): Float64Array {
  if (typeof v === 'number') {
    assertFinite(name, v);
    return new Float64Array(d).fill(v);
  }
  if (!v || typeof v.length !== 'number') throw new ParameterTypeError(name, v, `a number or an array of length d = ${d}`);
  if (v.length !== d) throw new ParameterError(`${name}.length`, v.length, `d = ${d}`);
  const a = Float64Array.from(v);
  assertFiniteArray(name, a);
  return a;
}

function checkTspan(tspan: unknown): readonly [number, number] {
  if (!Array.isArray(tspan) || tspan.length !== 2) throw new ParameterTypeError('tspan', tspan, 'a pair [t0, t1]');
  assertFinite('tspan[0]', tspan[0]);
  assertFinite('tspan[1]', tspan[1]);
  if (!(tspan[1] > tspan[0])) throw new ParameterError('tspan[1]', tspan[1], `a time greater than tspan[0] = ${tspan[0]}`);
  return [tspan[0], tspan[1]];
}

/**
 * Wrap a pointwise field as a range evaluator; probe it once at (t0, x) so that a field of the
 * wrong shape is refused when the problem is built, not halfway through a run.
 */
function pointwise(name: string, f: PointField, d: number, probeT: number, probeX: Float64Array): RangeField {
  const xi = new Float64Array(d);
  const o = new Float64Array(d);
  o.fill(NaN);
  xi.set(probeX);
  const r = f(probeT, xi, o);
  if (r !== undefined && r !== null) {
    if (typeof (r as ArrayLike<number>).length !== 'number') throw new ParameterTypeError(name, r, `a function filling out or returning d = ${d} values`);
    if ((r as ArrayLike<number>).length !== d) {
      throw new ParameterError(name, `a vector of length ${(r as ArrayLike<number>).length}`, `a function returning d = ${d} values (the state dimension)`);
    }
  } else {
    for (let j = 0; j < d; j++) {
      if (Number.isNaN(o[j])) throw new ParameterError(name, `out[${j}] left unset at t = ${probeT}`, `a function filling all d = ${d} values of out`);
    }
  }
  return (t, x, out, lo, hi) => {
    for (let i = lo; i < hi; i++) {
      const base = i * d;
      for (let j = 0; j < d; j++) xi[j] = x[base + j];
      const res = f(t, xi, o);
      const src = res ?? o;
      for (let j = 0; j < d; j++) out[base + j] = src[j];
    }
  };
}

function batched(name: string, b: BatchedField, d: number, probeT: number, probeX: Float64Array): RangeField {
  if (typeof b.fn !== 'function') throw new ParameterTypeError(`${name}.fn`, b.fn, 'a function (x, out, n, d, t) => void');
  const out = new Float64Array(d).fill(NaN);
  b.fn(Float64Array.from(probeX), out, 1, d, probeT);
  for (let j = 0; j < d; j++) {
    if (Number.isNaN(out[j])) throw new ParameterError(name, `out[${j}] left unset for one particle`, `a batched function filling n·d values (d = ${d})`);
  }
  return (t, x, o, lo, hi) => b.fn(x.subarray(lo * d, hi * d), o.subarray(lo * d, hi * d), hi - lo, d, t);
}

function linearField(rate: Float64Array, center: Float64Array, d: number): RangeField {
  return (_t, x, out, lo, hi) => {
    const end = hi * d;
    for (let j = 0; j < d; j++) {
      const r = rate[j];
      const c = center[j];
      for (let k = lo * d + j; k < end; k += d) out[k] = -r * (x[k] - c);
    }
  };
}

function polynomialField(coefficients: readonly number[], d: number): RangeField {
  const n = coefficients.length - 1;
  const g = new Float64Array(Math.max(1, n)); // U′ coefficients, highest power first
  for (let k = n; k >= 1; k--) g[n - k] = k * coefficients[k];
  return (_t, x, out, lo, hi) => {
    const end = hi * d;
    for (let k = lo * d; k < end; k++) {
      const y = x[k];
      let v = g[0];
      for (let i = 1; i < g.length; i++) v = v * y + g[i];
      out[k] = n >= 1 ? -v : 0;
    }
  };
}

function doubleWellField(tilt: number, d: number, scale = 1): RangeField {
  return (_t, x, out, lo, hi) => {
    const end = hi * d;
    for (let k = lo * d; k < end; k++) {
      const y = x[k];
      out[k] = scale * (y - y * y * y + tilt);
    }
  };
}

/** A probe point for shape checks: x0, or a draw from the initial distribution. */
function probePoint(x0: Float64Array | InitialDistribution, d: number): Float64Array {
  if (!isInitialDistribution(x0)) return x0;
  const p = new Float64Array(d);
  x0.sample(Stream.fromSeed(0), p, 0);
  return p;
}

/**
 * An Itô SDE problem dX = f(t, X) dt + g(t, X) ⊙ dW in d dimensions (d from x0).
 * - `noise: 'additive'`: g(t) is a number, a d-vector, or a function of t.
 * - `noise: 'diagonal'`: g_i(t, x) (pointwise or batched) with g_i depending on x_i only, so
 *   the noise is commutative and Milstein reaches strong order 1.
 * Fields are functions `(t, x, out) => void` (or returning the values), batched
 * `{ kind: 'batched', fn }`, or the built-in drifts `{ kind: 'linear' }` and `{ kind: 'double-well' }`.
 */
export function sdeProblem(input: SdeProblemInput): SdeProblem {
  if (!input || typeof input !== 'object') throw new ParameterTypeError('problem', input, 'an object { drift, diffusion, x0, tspan, noise }');
  assertOneOf('noise', input.noise, ['additive', 'diagonal'] as const);
  const tspan = checkTspan(input.tspan);
  const x0in = input.x0;
  let d: number;
  let x0: Float64Array | InitialDistribution;
  if (isInitialDistribution(x0in)) {
    d = x0in.dim;
    if (!Number.isInteger(d) || d < 1) throw new ParameterError('x0.dim', d, 'an integer ≥ 1');
    x0 = x0in;
  } else if (typeof x0in === 'number') {
    assertFinite('x0', x0in);
    d = 1;
    x0 = Float64Array.of(x0in);
  } else if (x0in && typeof (x0in as ArrayLike<number>).length === 'number' && (x0in as ArrayLike<number>).length > 0) {
    x0 = Float64Array.from(x0in as ArrayLike<number>);
    assertFiniteArray('x0', x0);
    d = x0.length;
  } else {
    throw new ParameterTypeError('x0', x0in, 'a number, a non-empty array, or an initial distribution');
  }
  const t0 = tspan[0];
  const probe = probePoint(x0, d);

  // drift
  const dr = input.drift;
  let drift: RangeField;
  let linear: { rate: Float64Array; center: Float64Array } | undefined;
  let kernelDrift: KernelDrift | undefined;
  if (typeof dr === 'function') drift = pointwise('drift', dr, d, t0, probe);
  else if (dr && dr.kind === 'batched') drift = batched('drift', dr, d, t0, probe);
  else if (dr && dr.kind === 'linear') {
    const rate = toVector('drift.rate', dr.rate, d);
    const center = toVector('drift.center', dr.center ?? 0, d);
    drift = linearField(rate, center, d);
    linear = { rate, center };
    if (rate.every((r) => r === rate[0]) && center.every((c) => c === center[0])) kernelDrift = { kind: 'linear', rate: rate[0], center: center[0] };
  } else if (dr && dr.kind === 'double-well') {
    const tilt = dr.tilt ?? 0;
    assertFinite('drift.tilt', tilt);
    drift = doubleWellField(tilt, d);
    kernelDrift = { kind: 'double-well', tilt };
  } else if (dr && dr.kind === 'polynomial') {
    const c = dr.coefficients;
    if (!c || typeof c.length !== 'number' || c.length === 0) throw new ParameterTypeError('drift.coefficients', c, 'a non-empty array of polynomial coefficients c_0 … c_n of U');
    const coefficients = Array.from(c);
    assertFiniteArray('drift.coefficients', coefficients);
    drift = polynomialField(coefficients, d);
    kernelDrift = { kind: 'polynomial', coefficients };
  } else {
    throw new ParameterTypeError('drift', dr, "a function (t, x, out), { kind: 'batched', fn }, { kind: 'linear', rate }, { kind: 'double-well' }, or { kind: 'polynomial', coefficients }");
  }

  // diffusion
  const g = input.diffusion;
  let diffusion: RangeField;
  let sigma: ((t: number, out: Float64Array) => void) | undefined;
  let sigmaConstant = false;
  let kernelSigma: number | Float64Array | undefined;
  if (input.noise === 'additive') {
    if (typeof g === 'number' || (typeof g === 'object' && g !== null && typeof (g as ArrayLike<number>).length === 'number')) {
      const s = toVector('diffusion', g as number | ArrayLike<number>, d);
      for (let j = 0; j < d; j++) if (s[j] < 0) throw new ParameterError(`diffusion[${j}]`, s[j], 'a non-negative number (g ≥ 0)');
      sigma = (_t, out) => out.set(s);
      sigmaConstant = true;
      kernelSigma = s.every((v) => v === s[0]) ? s[0] : s;
    } else if (typeof g === 'function') {
      const fn = g as (t: number, out: Float64Array) => void | ArrayLike<number>;
      const tmp = new Float64Array(d).fill(NaN);
      const r = fn(t0, tmp);
      const got = r ?? tmp;
      if (got.length !== d) throw new ParameterError('diffusion', `a vector of length ${got.length}`, `a function of t returning d = ${d} values`);
      for (let j = 0; j < d; j++) if (Number.isNaN(got[j])) throw new ParameterError('diffusion', `out[${j}] left unset`, `a function of t filling d = ${d} values`);
      sigma = (t, out) => {
        const res = fn(t, out);
        if (res) for (let j = 0; j < d; j++) out[j] = res[j];
      };
    } else {
      throw new ParameterTypeError('diffusion', g, 'for additive noise: a number, a d-vector, or a function (t, out) of time');
    }
    const gs = new Float64Array(d);
    const sig = sigma;
    diffusion = (t, _x, out, lo, hi) => {
      sig(t, gs);
      for (let i = lo; i < hi; i++) out.set(gs, i * d);
    };
  } else {
    if (typeof g === 'function') diffusion = pointwise('diffusion', g as PointField, d, t0, probe);
    else if (g && typeof g === 'object' && (g as BatchedField).kind === 'batched') diffusion = batched('diffusion', g as BatchedField, d, t0, probe);
    else throw new ParameterTypeError('diffusion', g, "for diagonal noise: a function (t, x, out) or { kind: 'batched', fn }");
  }
  let diffusionDerivative: RangeField | undefined;
  const dg = input.diffusionDerivative;
  if (dg !== undefined) {
    if (typeof dg === 'function') diffusionDerivative = pointwise('diffusionDerivative', dg, d, t0, probe);
    else if (dg && dg.kind === 'batched') diffusionDerivative = batched('diffusionDerivative', dg, d, t0, probe);
    else throw new ParameterTypeError('diffusionDerivative', dg, "a function (t, x, out) or { kind: 'batched', fn }");
  }
  return {
    kind: 'sde',
    dim: d,
    noise: input.noise,
    tspan,
    x0,
    drift,
    diffusion,
    sigma,
    sigmaConstant,
    diffusionDerivative,
    linear: linear && sigmaConstant ? linear : undefined,
    kernel: kernelDrift && kernelSigma !== undefined ? { drift: kernelDrift, sigma: kernelSigma } : undefined,
  };
}

export interface LangevinProblemInput {
  potential: Potential;
  /** Temperature T (energy units, k_B = 1). */
  temperature: number;
  /** Friction coefficient γ (default 1). Overdamped: D = T/γ. Underdamped: damping rate γ/m. */
  friction?: number;
  /** Mass m: giving it selects underdamped dynamics (unless `dynamics` says otherwise). */
  mass?: number;
  dynamics?: 'overdamped' | 'underdamped';
  /** Initial position(s) (default: the origin), or a distribution: over x (overdamped) or over (q, p) (underdamped). */
  x0?: number | ArrayLike<number> | InitialDistribution;
  /** Initial momentum (underdamped; default 0). */
  p0?: number | ArrayLike<number>;
  /** Time span (default [0, 1]). */
  tspan?: readonly [number, number];
}

/**
 * Langevin dynamics in a potential U at temperature T (Itô; the noise is additive, so Itô and
 * Stratonovich agree).
 * - overdamped:  dx = −∇U(x)/γ dt + √(2D) dW,  D = T/γ; samples exp(−U/T)/Z.
 * - underdamped: dq = p/m dt,  dp = −∇U(q) dt − (γ/m) p dt + √(2γT) dW; samples
 *   exp(−(U(q) + |p|²/2m)/T). The state is (q, p), 2d values per replica.
 */
export function langevinProblem(input: LangevinProblemInput): SdeProblem {
  if (!input || typeof input !== 'object') throw new ParameterTypeError('problem', input, 'an object { potential, temperature, friction?, mass? }');
  const pot = input.potential;
  if (!pot || typeof pot.gradient !== 'function' || !Number.isInteger(pot.dim)) {
    throw new ParameterTypeError('potential', pot, 'a Potential (harmonic(), doubleWell(), saddle(), mullerBrown(), ...)');
  }
  const T = input.temperature;
  assertPositive('temperature', T);
  const gamma = input.friction ?? 1;
  assertPositive('friction', gamma);
  const dynamics = input.dynamics ?? (input.mass !== undefined ? 'underdamped' : 'overdamped');
  assertOneOf('dynamics', dynamics, ['overdamped', 'underdamped'] as const);
  const tspan = checkTspan(input.tspan ?? [0, 1]);
  const n = pot.dim;
  const D = T / gamma;
  if (dynamics === 'overdamped') {
    if (input.mass !== undefined) throw new ParameterError('mass', input.mass, "undefined for overdamped dynamics (give dynamics: 'underdamped')");
    const x0 = input.x0 ?? 0;
    const x0v = isInitialDistribution(x0) ? x0 : toVector('x0', x0, n);
    if (isInitialDistribution(x0v) && x0v.dim !== n) throw new ParameterError('x0.dim', x0v.dim, `${n} (the potential's dimension)`);
    const s = Math.sqrt(2 * D);
    const tilt = pot.doubleWellTilt;
    const quad = pot.quadratic;
    let drift: DriftInput;
    const poly = pot.polynomial;
    if (quad) drift = { kind: 'linear', rate: quad.stiffness.map((k) => k / gamma), center: quad.center };
    else if (tilt !== undefined && gamma === 1) drift = { kind: 'double-well', tilt };
    else if (poly) drift = { kind: 'polynomial', coefficients: gamma === 1 ? poly.coefficients : poly.coefficients.map((c) => c / gamma) };
    else {
      const inv = -1 / gamma;
      drift = {
        kind: 'batched',
        fn: (x, out, m) => {
          for (let i = 0; i < m; i++) pot.gradient(x, out, i * n, i * n);
          const len = m * n;
          for (let k = 0; k < len; k++) out[k] *= inv;
        },
      };
    }
    const base = sdeProblem({ drift, diffusion: s, x0: x0v, tspan, noise: 'additive' });
    return { ...base, kind: 'overdamped-langevin', langevin: { dynamics, potential: pot, temperature: T, friction: gamma, D } };
  }
  const m = input.mass ?? 1;
  assertPositive('mass', m);
  const q0 = input.x0 ?? 0;
  const d = 2 * n;
  let x0: Float64Array | InitialDistribution;
  if (isInitialDistribution(q0)) {
    if (q0.dim !== d) throw new ParameterError('x0.dim', q0.dim, `${d}: underdamped initial distributions are over the state (q, p)`);
    x0 = q0;
  } else {
    x0 = new Float64Array(d);
    x0.set(toVector('x0', q0, n), 0);
    x0.set(toVector('p0', input.p0 ?? 0, n), n);
  }
  const sigmaP = Math.sqrt(2 * gamma * T);
  const g = new Float64Array(d);
  g.fill(sigmaP, n);
  const damp = gamma / m;
  const base = sdeProblem({
    drift: {
      kind: 'batched',
      fn: (x, out, k) => {
        for (let i = 0; i < k; i++) {
          const o = i * d;
          pot.gradient(x, out, o, o + n); // ∇U(q) into the p slots
          for (let j = 0; j < n; j++) {
            const p = x[o + n + j];
            out[o + j] = p / m;
            out[o + n + j] = -out[o + n + j] - damp * p;
          }
        }
      },
    },
    diffusion: g,
    x0,
    tspan,
    noise: 'additive',
  });
  return { ...base, kind: 'underdamped-langevin', langevin: { dynamics, potential: pot, temperature: T, friction: gamma, mass: m, D } };
}

/** Write the initial states of replicas [lo, hi) into x (draws come from `stream`, sequentially). */
export function initialState(problem: SdeProblem, x: Float64Array, lo: number, hi: number, stream: Stream | undefined): void {
  const d = problem.dim;
  const x0 = problem.x0;
  if (isInitialDistribution(x0)) {
    if (!stream) throw new ParameterError('stream', undefined, 'a stream to draw the initial distribution from');
    for (let i = lo; i < hi; i++) x0.sample(stream, x, i * d);
  } else {
    for (let i = lo; i < hi; i++) x.set(x0, i * d);
  }
}

export { isInitialDistribution };
