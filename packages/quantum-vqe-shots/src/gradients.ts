/**
 * Gradient methods as transforms, PennyLane style: a method looks at the circuit and θ, emits
 * the circuits ("tapes") to run with the shots each gets, and a post-processing function that
 * turns their measured energies into a gradient. Each method takes a total shot budget B per
 * gradient and divides it the way it must: N = ⌊B / (number of tapes)⌋ shots per tape.
 *
 *  - parameter shift (exact for these gates, unbiased under shots):
 *      Pauli rotations:  ∂f = [f(θ + π/2) − f(θ − π/2)] / 2                     (2 tapes per gate)
 *      Givens / DoubleExcitation (generator eigenvalues −1/2, 0, 1/2; Kottmann et al. 2021,
 *      as in PennyLane):  ∂f = c₊[f(θ+π/2) − f(θ−π/2)] − c₋[f(θ+3π/2) − f(θ−3π/2)],
 *      c± = (√2 ± 1)/(4√2)                                                          (4 tapes per gate)
 *    A parameter used by several gates gets the sum over its occurrences (chain rule).
 *  - SPSA (Spall 1992): ĝ = [f(θ + cΔ) − f(θ − cΔ)] / (2c) · Δ⁻¹, Δ Rademacher (Δ⁻¹ = Δ); 2 tapes.
 *  - central finite differences: ĝ_i = [f(θ + h e_i) − f(θ − h e_i)] / (2h); 2d tapes, bias O(h²).
 */
import { ParameterError, assertFinite, assertInteger, assertPositive, rademacher, type Stream } from '@snrlab/core';
import { shiftRuleOf, type Circuit } from './circuit.js';

export const GRADIENT_METHODS = ['parameter-shift', 'spsa', 'finite-difference'] as const;
export type GradientMethod = (typeof GRADIENT_METHODS)[number];

/** One circuit to run: parameters, an optional shift of one gate occurrence, and its shots (0 = exact). */
export interface Tape {
  readonly parameters: Float64Array;
  /** Operation index whose angle is shifted, or −1. */
  readonly shiftOp: number;
  readonly shiftAngle: number;
  readonly shots: number;
}

export interface GradientTransform {
  readonly method: GradientMethod;
  readonly tapes: readonly Tape[];
  /** Shots per tape (0 = exact expectations). */
  readonly shotsPerTape: number;
  /** Shots actually spent: shotsPerTape × tapes (≤ the budget). */
  readonly shotsUsed: number;
  /** Turn the tapes' energies (in tape order) into the gradient. */
  postprocess(energies: ArrayLike<number>): Float64Array;
  /** SPSA's perturbation direction Δ. */
  readonly delta?: Float64Array;
}

export interface BudgetOptions {
  /** Total shots for the whole gradient; 0 = exact expectations. */
  shotBudget: number;
  /** Fewest shots one evaluation can take (one per measurement group). Default 1. */
  minShotsPerEvaluation?: number;
}

/** Shots per tape for a budget B over T tapes; refuses a budget that cannot give each tape its minimum. */
export function shotsPerTape(method: GradientMethod, shotBudget: number, tapes: number, minShots = 1): number {
  assertInteger('shotBudget', shotBudget, { min: 0 });
  if (shotBudget === 0) return 0;
  const n = Math.floor(shotBudget / tapes);
  if (n < minShots) {
    throw new ParameterError(
      'shotBudget',
      shotBudget,
      `0 (exact) or an integer ≥ ${tapes * minShots}`,
      `${method} runs ${tapes} circuit evaluations of at least ${minShots} shot${minShots > 1 ? 's' : ''} each`,
    );
  }
  return n;
}

const C_PLUS = (Math.SQRT2 + 1) / (4 * Math.SQRT2);
const C_MINUS = (Math.SQRT2 - 1) / (4 * Math.SQRT2);

function tape(theta: Float64Array, shots: number, shiftOp = -1, shiftAngle = 0): Tape {
  return { parameters: theta, shiftOp, shiftAngle, shots };
}

/** Parameter-shift transform (exact for RX/RY/RZ, Givens and DoubleExcitation gates). */
export function parameterShift(circuit: Circuit, theta: ArrayLike<number>, opts: BudgetOptions): GradientTransform {
  circuit.checkParameters(theta);
  const base = Float64Array.from(theta);
  const ops = circuit.trainableOperations();
  // (operation, shift, weight) for every term of every rule
  const plan: { op: number; shift: number; weight: number; param: number }[] = [];
  for (const k of ops) {
    const o = circuit.operations[k];
    const rule = shiftRuleOf(o.gate);
    if (rule === 'two-term') {
      plan.push({ op: k, shift: Math.PI / 2, weight: 0.5, param: o.param });
      plan.push({ op: k, shift: -Math.PI / 2, weight: -0.5, param: o.param });
    } else if (rule === 'four-term') {
      plan.push({ op: k, shift: Math.PI / 2, weight: C_PLUS, param: o.param });
      plan.push({ op: k, shift: -Math.PI / 2, weight: -C_PLUS, param: o.param });
      plan.push({ op: k, shift: (3 * Math.PI) / 2, weight: -C_MINUS, param: o.param });
      plan.push({ op: k, shift: (-3 * Math.PI) / 2, weight: C_MINUS, param: o.param });
    }
  }
  const n = shotsPerTape('parameter-shift', opts.shotBudget, Math.max(1, plan.length), opts.minShotsPerEvaluation);
  const tapes = plan.map((p) => tape(base, n, p.op, p.shift));
  const d = circuit.numParams;
  return {
    method: 'parameter-shift',
    tapes,
    shotsPerTape: n,
    shotsUsed: n * tapes.length,
    postprocess(energies) {
      const g = new Float64Array(d);
      for (let i = 0; i < plan.length; i++) g[plan[i].param] += plan[i].weight * energies[i];
      return g;
    },
  };
}

export interface SpsaOptions extends BudgetOptions {
  /** Perturbation size c (radians). */
  c: number;
  /** Stream for the Rademacher direction Δ. */
  stream: Stream;
}

/** SPSA transform: two tapes θ ± cΔ whatever d is. */
export function spsaGradient(circuit: Circuit, theta: ArrayLike<number>, opts: SpsaOptions): GradientTransform {
  circuit.checkParameters(theta);
  assertPositive('c', opts.c);
  const d = theta.length;
  const delta = new Float64Array(d);
  for (let i = 0; i < d; i++) delta[i] = rademacher(opts.stream);
  const plus = new Float64Array(d);
  const minus = new Float64Array(d);
  for (let i = 0; i < d; i++) {
    plus[i] = theta[i] + opts.c * delta[i];
    minus[i] = theta[i] - opts.c * delta[i];
  }
  const n = shotsPerTape('spsa', opts.shotBudget, 2, opts.minShotsPerEvaluation);
  const c = opts.c;
  return {
    method: 'spsa',
    tapes: [tape(plus, n), tape(minus, n)],
    shotsPerTape: n,
    shotsUsed: 2 * n,
    delta,
    postprocess(energies) {
      const slope = (energies[0] - energies[1]) / (2 * c);
      const g = new Float64Array(d);
      for (let i = 0; i < d; i++) g[i] = slope * delta[i]; // Δ_i⁻¹ = Δ_i for ±1
      return g;
    },
  };
}

export interface FiniteDifferenceOptions extends BudgetOptions {
  /** Step h (radians). */
  step: number;
}

/** Central finite differences: 2d tapes θ ± h e_i. */
export function finiteDifference(circuit: Circuit, theta: ArrayLike<number>, opts: FiniteDifferenceOptions): GradientTransform {
  circuit.checkParameters(theta);
  assertPositive('step', opts.step);
  assertFinite('step', opts.step);
  const d = theta.length;
  const n = shotsPerTape('finite-difference', opts.shotBudget, Math.max(1, 2 * d), opts.minShotsPerEvaluation);
  const tapes: Tape[] = [];
  for (let i = 0; i < d; i++) {
    const p = Float64Array.from(theta);
    const m = Float64Array.from(theta);
    p[i] += opts.step;
    m[i] -= opts.step;
    tapes.push(tape(p, n), tape(m, n));
  }
  const h = opts.step;
  return {
    method: 'finite-difference',
    tapes,
    shotsPerTape: n,
    shotsUsed: n * tapes.length,
    postprocess(energies) {
      const g = new Float64Array(d);
      for (let i = 0; i < d; i++) g[i] = (energies[2 * i] - energies[2 * i + 1]) / (2 * h);
      return g;
    },
  };
}

export interface TransformOptions {
  shotBudget: number;
  minShotsPerEvaluation?: number;
  /** SPSA perturbation c (default 0.2, Qiskit's default). */
  c?: number;
  /** Finite-difference step h (default 0.1). */
  step?: number;
  /** Needed by SPSA for Δ. */
  stream?: Stream;
}

/** The transform for a method by name. */
export function gradientTransform(method: GradientMethod, circuit: Circuit, theta: ArrayLike<number>, opts: TransformOptions): GradientTransform {
  switch (method) {
    case 'parameter-shift':
      return parameterShift(circuit, theta, opts);
    case 'spsa':
      if (!opts.stream) throw new ParameterError('stream', opts.stream, 'a Stream for the SPSA direction');
      return spsaGradient(circuit, theta, { ...opts, c: opts.c ?? 0.2, stream: opts.stream });
    case 'finite-difference':
      return finiteDifference(circuit, theta, { ...opts, step: opts.step ?? 0.1 });
    default:
      throw new ParameterError('method', method, `one of ${GRADIENT_METHODS.join(', ')}`);
  }
}
