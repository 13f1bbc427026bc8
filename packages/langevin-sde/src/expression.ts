/**
 * Your own potential, as an expression: `x^4/4 - x^2/2 + 0.1*x` (1-D, variable x) or
 * `(x^2 - 1)^2 + 2*y^2` (2-D, variables x and y).
 *
 * The expression is parsed and differentiated symbolically by mathjs, and the value, gradient
 * and Hessian are compiled once (and cached per expression). mathjs rather than a hand-written
 * parser: it is a well-kept library (releases since 2013, a large user base), it reports the
 * position of a syntax error, and it differentiates symbolically, so the drift −∇U is the exact
 * derivative rather than a finite difference.
 *
 * Polynomials in one variable are detected (mathjs `rationalize` gives their coefficients, checked
 * against the expression at test points) and keep the fast path: the drift becomes polynomial
 * coefficients for `@snrlab/tensor`'s kernel registry (`ensemble-em` with `{ kind: 'polynomial' }`).
 * A polynomial that *is* a built-in potential (the tilted double well x⁴/4 − x²/2 − t·x, or a
 * harmonic well), coefficient for coefficient, becomes that built-in potential, so it runs on
 * the built-in closed-form kernels and gives their bytes.
 */
import { derivative, parse, rationalize, type EvalFunction, type MathNode } from 'mathjs';
import { bisect, ParameterError, z } from '@snrlab/core';
import { doubleWell, harmonic, type Potential } from './potentials.js';

/** The parameter value of a user's potential: the expression and its dimension (1: x; 2: x and y). */
export const potentialExpressionSchema = z
  .object({
    expression: z.string().min(1).max(2000).describe('U as an expression in x (1-D) or x and y (2-D), e.g. x^4/4 - x^2/2 + 0.1*x'),
    dim: z.union([z.literal(1), z.literal(2)]).describe('dimension: 1 (variable x) or 2 (variables x and y)'),
  })
  .describe('your own potential U (CLI: --potential "x^4/4 - x^2/2 + 0.1*x")');

export type PotentialExpression = z.output<typeof potentialExpressionSchema>;

/** A potential given as an expression, with what the library learnt about it. */
export interface ExpressionPotential extends Potential {
  readonly expression: string;
  /** U = Σ_k c_k x^k (1-D), when the expression is a polynomial: the registry's polynomial kernels apply. */
  readonly polynomial?: { readonly coefficients: readonly number[] };
  /** The built-in potential it coincides with, if any ('double-well' or 'harmonic'). */
  readonly builtin?: 'double-well' | 'harmonic';
}

const VARS: Record<1 | 2, string[]> = { 1: ['x'], 2: ['x', 'y'] };

/** Constants and functions an expression may name besides its variables. */
const CONSTANTS = new Set(['pi', 'e', 'E', 'PI', 'tau', 'phi']);

function symbols(node: MathNode): { variables: Set<string>; functions: Set<string> } {
  const variables = new Set<string>();
  const functions = new Set<string>();
  node.traverse((n, path, parent) => {
    if ((n as { isSymbolNode?: boolean }).isSymbolNode) {
      const name = (n as unknown as { name: string }).name;
      if (parent && (parent as { isFunctionNode?: boolean }).isFunctionNode && path === 'fn') functions.add(name);
      else variables.add(name);
    }
  });
  return { variables, functions };
}

/** The dimension an expression needs: 2 when it names y, else 1. */
export function expressionDim(expression: string): 1 | 2 {
  try {
    return symbols(parse(expression)).variables.has('y') ? 2 : 1;
  } catch {
    return 1;
  }
}

const cache = new Map<string, ExpressionPotential>();

/**
 * Parse, check and compile a potential expression (cached: the same expression and dimension
 * compile once per process). `name` is the parameter named in errors.
 */
export function expressionPotential(spec: PotentialExpression, name = 'potential'): ExpressionPotential {
  const key = `${spec.dim}\u0000${spec.expression}`;
  const hit = cache.get(key);
  if (hit) return hit;
  const p = build(spec, name);
  cache.set(key, p);
  return p;
}

function build(spec: PotentialExpression, name: string): ExpressionPotential {
  const { expression, dim } = spec;
  if (typeof expression !== 'string' || !expression.trim()) throw new ParameterError(`${name}.expression`, expression, 'a non-empty expression in x (and y), e.g. x^4/4 - x^2/2');
  if (dim !== 1 && dim !== 2) throw new ParameterError(`${name}.dim`, dim, '1 (variable x) or 2 (variables x and y)');
  let node: MathNode;
  try {
    node = parse(expression);
  } catch (e) {
    const err = e as Error & { char?: number };
    const pos = typeof err.char === 'number' ? err.char : undefined;
    const where = pos !== undefined ? ` at position ${pos}: ${JSON.stringify(expression.slice(Math.max(0, pos - 1), pos + 9))}` : '';
    throw new ParameterError(name, expression, 'a valid expression in x (and y), e.g. x^4/4 - x^2/2 + 0.1*x', `syntax error${where} (${err.message})`);
  }
  const vars = VARS[dim];
  const { variables, functions } = symbols(node);
  const unknown = [...variables].filter((v) => !vars.includes(v) && !CONSTANTS.has(v));
  if (unknown.length) {
    const pos = expression.search(new RegExp(`\\b${unknown[0]}\\b`));
    throw new ParameterError(
      name,
      expression,
      `an expression in ${vars.join(' and ')} only (${dim}-D${dim === 1 ? '; a 2-D potential names x and y' : ''})`,
      `unknown variable '${unknown[0]}'${pos >= 0 ? ` at position ${pos + 1}` : ''}`,
    );
  }
  // compile U, ∇U and the Hessian once
  let grads: MathNode[];
  let hess: MathNode[][];
  let fU: EvalFunction;
  let fG: EvalFunction[];
  let fH: EvalFunction[][];
  try {
    grads = vars.map((v) => derivative(node, v));
    hess = grads.map((g) => vars.map((v) => derivative(g, v)));
    fU = node.compile();
    fG = grads.map((g) => g.compile());
    fH = hess.map((row) => row.map((h) => h.compile()));
  } catch (e) {
    throw new ParameterError(name, expression, 'an expression mathjs can differentiate (elementary functions of x and y)', (e as Error).message);
  }
  const scope: Record<string, number> = { x: 0, y: 0 };
  const num = (v: unknown, what: string): number => {
    if (typeof v !== 'number') throw new ParameterError(name, expression, 'a real-valued expression', `${what} evaluates to ${String(v)} at x = ${scope.x}${dim === 2 ? `, y = ${scope.y}` : ''}`);
    return v;
  };
  // probe at a few points: a function that is not real-valued (e.g. a matrix, a unit) is refused now
  for (const v of [0.3, -0.7]) {
    scope.x = v;
    scope.y = -v / 2;
    num(fU.evaluate(scope), 'U');
    for (const g of fG) num(g.evaluate(scope), "U's derivative");
  }
  void functions;
  const d = dim;
  const value = (x: ArrayLike<number>, o = 0) => {
    scope.x = x[o];
    if (d === 2) scope.y = x[o + 1];
    return fU.evaluate(scope) as number;
  };
  const base: ExpressionPotential = {
    name: `U = ${expression}`,
    dim: d,
    expression,
    value,
    gradient(x, out, o = 0, oo = o) {
      scope.x = x[o];
      if (d === 2) scope.y = x[o + 1];
      for (let j = 0; j < d; j++) out[oo + j] = fG[j].evaluate(scope) as number;
    },
    hessian(x, out, o = 0, oo = 0) {
      scope.x = x[o];
      if (d === 2) scope.y = x[o + 1];
      for (let i = 0; i < d; i++) for (let j = 0; j < d; j++) out[oo + i * d + j] = fH[i][j].evaluate(scope) as number;
    },
    minima: [],
    saddles: [],
  };
  if (d !== 1) return base;
  const coefficients = polynomialCoefficients(expression, (t) => value([t]));
  if (!coefficients) return withCriticalPoints(base);
  return polynomialPotential(expression, coefficients);
}

/**
 * The coefficients c_0 … c_n of U(x) = Σ c_k x^k, if the expression is a polynomial in x whose
 * coefficients reproduce it (to 1e-12 relative at test points); else null.
 */
function polynomialCoefficients(expression: string, U: (x: number) => number): number[] | null {
  let c: number[];
  try {
    const r = rationalize(expression, {}, true) as unknown as { coefficients?: unknown[]; variables?: string[] };
    if (!Array.isArray(r.coefficients) || !r.coefficients.length) return null;
    if (r.variables && r.variables.length > 1) return null;
    if (!r.coefficients.every((v) => typeof v === 'number' && Number.isFinite(v))) return null;
    c = r.coefficients as number[];
  } catch {
    return null; // not a polynomial (a function call, a division by x, …)
  }
  while (c.length > 1 && c[c.length - 1] === 0) c = c.slice(0, -1);
  for (const t of [-2.3, -1, -0.37, 0, 0.61, 1, 1.9, 3.7]) {
    let v = 0;
    let scale = 0;
    for (let k = c.length - 1; k >= 0; k--) {
      v = v * t + c[k];
      scale = scale * Math.abs(t) + Math.abs(c[k]);
    }
    if (!(Math.abs(v - U(t)) <= 1e-12 * Math.max(1, scale))) return null;
  }
  return c;
}

/** A 1-D polynomial potential U = Σ c_k x^k (a built-in one when the coefficients coincide). */
export function polynomialPotential(expression: string, coefficients: readonly number[]): ExpressionPotential {
  const c = Float64Array.from(coefficients);
  const n = c.length - 1;
  const offset = (u: number) => (c[0] === 0 ? u : u + c[0]);
  // the tilted double well x⁴/4 − x²/2 − tilt·x (+ a constant)
  if (n === 4 && c[4] === 0.25 && c[3] === 0 && c[2] === -0.5) {
    const dw = doubleWell({ tilt: -c[1] });
    return { ...dw, name: `U = ${expression}`, expression, value: (x, o = 0) => offset(dw.value(x, o)), polynomial: { coefficients: [...coefficients] }, builtin: 'double-well' };
  }
  // a harmonic well k(x − m)²/2 (+ a constant)
  if (n === 2 && c[2] > 0) {
    const k = 2 * c[2];
    const m = -c[1] / k;
    const h = harmonic({ stiffness: k, center: m });
    const shift = c[0] - 0.5 * k * m * m;
    return { ...h, name: `U = ${expression}`, expression, value: (x, o = 0) => h.value(x, o) + shift, polynomial: { coefficients: [...coefficients] }, builtin: 'harmonic' };
  }
  const g = new Float64Array(Math.max(1, n)); // U′ coefficients, highest power first
  for (let k = n; k >= 1; k--) g[n - k] = k * c[k];
  const hcoef = new Float64Array(Math.max(1, n - 1)); // U″
  for (let k = n; k >= 2; k--) hcoef[n - k] = k * (k - 1) * c[k];
  const horner = (a: Float64Array, t: number) => {
    let v = a[0];
    for (let i = 1; i < a.length; i++) v = v * t + a[i];
    return v;
  };
  const base: ExpressionPotential = {
    name: `U = ${expression}`,
    dim: 1,
    expression,
    value(x, o = 0) {
      const t = x[o];
      let v = c[n];
      for (let k = n - 1; k >= 0; k--) v = v * t + c[k];
      return v;
    },
    gradient(x, out, o = 0, oo = o) {
      out[oo] = n >= 1 ? horner(g, x[o]) : 0;
    },
    hessian(x, out, o = 0, oo = 0) {
      out[oo] = n >= 2 ? horner(hcoef, x[o]) : 0;
    },
    minima: [],
    saddles: [],
    polynomial: { coefficients: [...coefficients] },
  };
  return withCriticalPoints(base);
}

/**
 * Minima and maxima of a 1-D potential on the range where it matters (sign changes of U′ on a
 * fine grid, refined by bisection), left to right: `minima` and `saddles` (barrier tops).
 */
function withCriticalPoints(p: ExpressionPotential): ExpressionPotential {
  if (p.dim !== 1) return p;
  const R = interestingRange(p);
  const N = 20000;
  const g = new Float64Array(1);
  const x = new Float64Array(1);
  const grad = (t: number) => {
    x[0] = t;
    p.gradient(x, g, 0, 0);
    return g[0];
  };
  const minima: Float64Array[] = [];
  const saddles: Float64Array[] = [];
  let a = -R;
  let ga = grad(a);
  for (let i = 1; i <= N; i++) {
    const b = -R + (2 * R * i) / N;
    const gb = grad(b);
    if (Number.isFinite(ga) && Number.isFinite(gb) && ((ga < 0 && gb >= 0) || (ga > 0 && gb <= 0))) {
      const r = Float64Array.of(bisect(grad, a, b, { iterations: 80, fa: ga }));
      (ga < 0 ? minima : saddles).push(r);
    }
    a = b;
    ga = gb;
  }
  return { ...p, minima, saddles };
}

/** A half-width R within which the structure of U lies: U(±R) exceeds the values inside by 50 (or R = 1e3). */
function interestingRange(p: Potential): number {
  const x = new Float64Array(1);
  const U = (t: number) => {
    x[0] = t;
    return p.value(x, 0);
  };
  for (let R = 2; R <= 1024; R *= 2) {
    let umin = Infinity;
    for (let i = 0; i <= 400; i++) umin = Math.min(umin, U(-R + (2 * R * i) / 400));
    if (U(-R) - umin > 50 && U(R) - umin > 50) return R;
  }
  return 1024;
}

/**
 * Check that exp(−U/T) can be normalised: U → +∞ as |x| → ∞, checked numerically along rays out
 * to |x| = 10⁶ (U at the far end at least 50·T above its smallest value inside), and the
 * normalising integral finite by quadrature (done by the caller's density). Throws a ParameterError
 * naming `name` otherwise.
 */
export function assertConfining(p: Potential, temperature: number, name = 'potential'): void {
  const d = p.dim;
  const dirs: number[][] =
    d === 1
      ? [[1], [-1]]
      : Array.from({ length: 16 }, (_, k) => {
          const a = (2 * Math.PI * k) / 16 + 0.1;
          return [Math.cos(a), Math.sin(a)];
        });
  const x = new Float64Array(d);
  const U = (r: number, dir: number[]) => {
    for (let j = 0; j < d; j++) x[j] = r * dir[j];
    return p.value(x, 0);
  };
  const radii = [0, 0.5, 1, 2, 4, 8, 16, 32, 64, 128];
  let umin = Infinity;
  for (const dir of dirs) for (const r of radii.slice(0, 10)) umin = Math.min(umin, U(r, dir)); // out to |x| = 128
  for (const dir of dirs) {
    const at = dir.map((v) => Number(v.toFixed(3))).join(', ');
    // beyond the inner range, U must grow past umin + 50T and keep growing
    for (const r of [1e3, 1e4, 1e5, 1e6]) {
      const u = U(r, dir);
      if (!(u - umin > 50 * temperature)) {
        throw new ParameterError(
          name,
          (p as ExpressionPotential).expression ?? p.name,
          'a confining potential: U → +∞ as |x| → ∞, so that exp(−U/T) can be normalised',
          `U = ${Number(u.toPrecision(4))} at distance ${r} along (${at}), not above its minimum ${Number(umin.toPrecision(4))} found nearer the origin`,
        );
      }
    }
  }
}

/** The potential a parameter value describes (with `assertConfining` at `temperature` when given). */
export function userPotential(spec: PotentialExpression, opts: { name?: string; temperature?: number } = {}): ExpressionPotential {
  const p = expressionPotential(spec, opts.name);
  if (opts.temperature !== undefined) assertConfining(p, opts.temperature, opts.name);
  return p;
}
