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
 *
 * In 2-D a polynomial in x and y (mathjs `rationalize` expands it; its monomials are checked
 * against the expression at test points) is evaluated from its monomials rather than through
 * mathjs. When it is the same polynomial in x and in y with no mixed terms, it is data for the
 * registry's kernels as well (`polynomial`, applied per coordinate), and the 2-D double well and
 * the axis-aligned harmonic well become the built-in ones.
 */
import { derivative, parse, rationalize, type EvalFunction, type MathNode } from 'mathjs';
import { bisect, ParameterError, z } from '@snrlab/core';
import { doubleWell, harmonic, setHessian2, type Potential } from './potentials.js';

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
  /**
   * U = Σ_k c_k x^k (1-D), or Σ_k c_k (x^k + y^k) (2-D, the same polynomial per coordinate), when the
   * expression is one: the registry's polynomial kernels apply.
   */
  readonly polynomial?: { readonly coefficients: readonly number[] };
  /** 2-D polynomials: U = Σ c·x^a·y^b as [c, a, b] triples (evaluated without mathjs). */
  readonly monomials?: readonly (readonly [number, number, number])[];
  /** The built-in potential it coincides with, if any ('double-well' or 'harmonic'). */
  readonly builtin?: 'double-well' | 'harmonic';
}

const VARS: Record<1 | 2, string[]> = { 1: ['x'], 2: ['x', 'y'] };

/** Constants and functions an expression may name besides its variables. */
const CONSTANTS = new Set(['pi', 'e', 'E', 'PI', 'tau', 'phi']);

const ALLOWED = 'an expression in x (1-D) or in x and y (2-D), e.g. x^4/4 - x^2/2 + 0.1*x or (x^2 - 1)^2 + 0.5*y^2 (constants pi, e, tau, phi; functions exp, log, sqrt, cos, cosh, …)';

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

/** The dimension an expression needs: 2 when it names y, else 1 (also for an expression that does not parse). */
export function expressionDim(expression: string): 1 | 2 {
  try {
    return symbols(parse(expression)).variables.has('y') ? 2 : 1;
  } catch {
    return 1;
  }
}

/** parse, with a syntax error as a ParameterError naming `name` and the position. */
function parseOrThrow(expression: string, name: string): MathNode {
  try {
    return parse(expression);
  } catch (e) {
    const err = e as Error & { char?: number };
    const pos = typeof err.char === 'number' ? err.char : undefined;
    const where = pos !== undefined ? ` at position ${pos}: ${JSON.stringify(expression.slice(Math.max(0, pos - 1), pos + 9))}` : '';
    throw new ParameterError(name, expression, 'a valid expression in x (and y), e.g. x^4/4 - x^2/2 + 0.1*x', `syntax error${where} (${err.message})`);
  }
}

const unknownNote = (expression: string, v: string) => {
  const pos = expression.search(new RegExp(`\\b${v}\\b`));
  return `unknown variable '${v}'${pos >= 0 ? ` at position ${pos + 1}` : ''}`;
};

/**
 * The dimension of a potential expression, inferred from its variables: x only → 1, x and y
 * (or y alone) → 2. Any other name is a ParameterError naming `name`, the variable and its
 * position, and listing the variables allowed; a syntax error names its position.
 */
export function inferPotentialDim(expression: string, name = 'potential'): 1 | 2 {
  if (typeof expression !== 'string' || !expression.trim()) throw new ParameterError(name, expression, ALLOWED);
  const { variables } = symbols(parseOrThrow(expression, name));
  const unknown = [...variables].filter((v) => v !== 'x' && v !== 'y' && !CONSTANTS.has(v));
  if (unknown.length) throw new ParameterError(name, expression, ALLOWED, unknownNote(expression, unknown[0]));
  return variables.has('y') ? 2 : 1;
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
  const node = parseOrThrow(expression, name);
  const vars = VARS[dim];
  const { variables } = symbols(node);
  const unknown = [...variables].filter((v) => !vars.includes(v) && !CONSTANTS.has(v));
  if (unknown.length) {
    throw new ParameterError(
      name,
      expression,
      `an expression in ${vars.join(' and ')} only (${dim}-D${dim === 1 ? '; a 2-D potential names x and y' : ''})`,
      unknownNote(expression, unknown[0]),
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
  if (d !== 1) {
    const mono = monomials2D(expression, (x, y) => value([x, y]), (x, y, out) => base.gradient([x, y], out, 0, 0));
    return mono ? polynomialPotential2D(expression, mono) : base;
  }
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

type Monomial = [number, number, number];

/** Terms c·x^a·y^b of an expanded polynomial node (mathjs `rationalize` output), or null for anything else. */
function termsOf(node: MathNode): Monomial[] | null {
  const out: Monomial[] = [];
  const n = node as MathNode & { fn?: string; op?: string; args?: MathNode[]; content?: MathNode; value?: unknown; name?: string };
  const sum = (m: MathNode, sign: number): boolean => {
    const k = m as typeof n;
    if (k.type === 'ParenthesisNode') return sum(k.content!, sign);
    if (k.type === 'OperatorNode' && k.fn === 'add') return sum(k.args![0], sign) && sum(k.args![1], sign);
    if (k.type === 'OperatorNode' && k.fn === 'subtract') return sum(k.args![0], sign) && sum(k.args![1], -sign);
    if (k.type === 'OperatorNode' && k.fn === 'unaryMinus') return sum(k.args![0], -sign);
    const t: Monomial = [sign, 0, 0];
    if (!product(m, t)) return false;
    out.push(t);
    return true;
  };
  const product = (m: MathNode, t: Monomial): boolean => {
    const k = m as typeof n;
    if (k.type === 'ParenthesisNode') return product(k.content!, t);
    if (k.type === 'OperatorNode' && k.fn === 'multiply') return k.args!.every((a) => product(a, t));
    if (k.type === 'OperatorNode' && k.fn === 'unaryMinus') {
      t[0] = -t[0];
      return product(k.args![0], t);
    }
    if (k.type === 'ConstantNode' && typeof k.value === 'number') {
      t[0] *= k.value;
      return true;
    }
    if (k.type === 'SymbolNode' && (k.name === 'x' || k.name === 'y')) {
      t[k.name === 'x' ? 1 : 2] += 1;
      return true;
    }
    if (k.type === 'OperatorNode' && k.fn === 'pow') {
      const [b, e] = k.args! as (typeof n)[];
      if (b.type === 'SymbolNode' && (b.name === 'x' || b.name === 'y') && e.type === 'ConstantNode' && Number.isInteger(e.value) && (e.value as number) >= 0) {
        t[b.name === 'x' ? 1 : 2] += e.value as number;
        return true;
      }
    }
    return false;
  };
  return sum(n, 1) ? out : null;
}

/**
 * The monomials [c, a, b] of U(x, y) = Σ c·x^a·y^b, if the expression is a polynomial in x and y
 * whose monomials reproduce its value and gradient (to 1e-12 and 1e-10 relative) at test points;
 * else null.
 */
function monomials2D(expression: string, U: (x: number, y: number) => number, grad: (x: number, y: number, out: Float64Array) => void): Monomial[] | null {
  let terms: Monomial[] | null;
  try {
    const r = rationalize(expression, {}, true) as unknown as { expression: MathNode; denominator?: MathNode | null };
    if (r.denominator) return null;
    terms = termsOf(r.expression);
  } catch {
    return null; // not a polynomial (a function call, a division by x, …)
  }
  if (!terms || terms.length === 0) return null;
  const merged = new Map<string, Monomial>();
  for (const [c, a, b] of terms) {
    const key = `${a},${b}`;
    const m = merged.get(key);
    if (m) m[0] += c;
    else merged.set(key, [c, a, b]);
  }
  const mono = [...merged.values()].filter((m) => m[0] !== 0).sort((p, q) => p[1] + p[2] - (q[1] + q[2]) || p[1] - q[1]);
  if (mono.length === 0 || mono.some((m) => !Number.isFinite(m[0]) || m[1] + m[2] > 64)) return null;
  const g = new Float64Array(2);
  for (const [x, y] of [[-2.3, 0.61], [-1, 1.9], [-0.37, -1], [0, 0.3], [0.61, -2.3], [1, 0], [1.9, 3.7], [3.7, -0.37]]) {
    let v = 0;
    let gx = 0;
    let gy = 0;
    let scale = 0;
    for (const [c, a, b] of mono) {
      const t = c * x ** a * y ** b;
      v += t;
      scale += Math.abs(t);
      if (a > 0) gx += a * c * x ** (a - 1) * y ** b;
      if (b > 0) gy += b * c * x ** a * y ** (b - 1);
    }
    grad(x, y, g);
    const tol = Math.max(1, scale);
    if (!(Math.abs(v - U(x, y)) <= 1e-12 * tol)) return null;
    if (!(Math.abs(gx - g[0]) <= 1e-10 * tol * (1 + Math.abs(x) + Math.abs(y)) && Math.abs(gy - g[1]) <= 1e-10 * tol * (1 + Math.abs(x) + Math.abs(y)))) return null;
  }
  return mono;
}

/**
 * A 2-D polynomial potential U = Σ c·x^a·y^b, evaluated from its monomials. An axis-aligned
 * harmonic well, and the double well in x and y, become the built-in potentials; the same
 * polynomial in x and in y (no mixed terms) carries `polynomial` for the registry's kernels.
 */
export function polynomialPotential2D(expression: string, monomials: readonly (readonly [number, number, number])[]): ExpressionPotential {
  const coef = (a: number, b: number) => monomials.find((m) => m[1] === a && m[2] === b)?.[0] ?? 0;
  const mono = monomials.map((m) => [m[0], m[1], m[2]] as const);
  const name = `U = ${expression}`;
  const meta = { name, expression, monomials: mono };
  const mixed = mono.some(([, a, b]) => a > 0 && b > 0);
  const degree = Math.max(...mono.map(([, a, b]) => a + b));
  const c0 = coef(0, 0);
  // ½k₁(x − m₁)² + ½k₂(y − m₂)² + const: the built-in harmonic well (linear drift, exact OU)
  if (!mixed && degree === 2 && coef(2, 0) > 0 && coef(0, 2) > 0) {
    const k = [2 * coef(2, 0), 2 * coef(0, 2)];
    const m = [-coef(1, 0) / k[0] + 0, -coef(0, 1) / k[1] + 0]; // + 0: a centre of −0 is 0
    const h = harmonic({ stiffness: k, center: m });
    const shift = c0 - 0.5 * (k[0] * m[0] * m[0] + k[1] * m[1] * m[1]);
    return { ...h, ...meta, value: (x, o = 0) => h.value(x, o) + shift, builtin: 'harmonic' };
  }
  // the same polynomial in x and y: Σ_k c_k (x^k + y^k), c_0 split between the two
  let perCoordinate: number[] | undefined;
  if (!mixed) {
    const c = [c0 / 2];
    for (let k = 1; k <= degree; k++) c.push(coef(k, 0));
    if (c.every((v, k) => k === 0 || v === coef(0, k))) perCoordinate = c;
  }
  if (perCoordinate && degree === 4 && perCoordinate[4] === 0.25 && perCoordinate[3] === 0 && perCoordinate[2] === -0.5) {
    const dw = doubleWell({ tilt: -perCoordinate[1], dim: 2 });
    return { ...dw, ...meta, value: (x, o = 0) => dw.value(x, o) + c0, polynomial: { coefficients: perCoordinate }, builtin: 'double-well' };
  }
  const n = mono.length;
  const C = Float64Array.from(mono, (m) => m[0]);
  const A = Int32Array.from(mono, (m) => m[1]);
  const B = Int32Array.from(mono, (m) => m[2]);
  const maxA = Math.max(...A);
  const maxB = Math.max(...B);
  const px = new Float64Array(maxA + 1);
  const py = new Float64Array(maxB + 1);
  const powers = (x: number, y: number) => {
    px[0] = 1;
    py[0] = 1;
    for (let k = 1; k <= maxA; k++) px[k] = px[k - 1] * x;
    for (let k = 1; k <= maxB; k++) py[k] = py[k - 1] * y;
  };
  const base: ExpressionPotential = {
    ...meta,
    dim: 2,
    value(x, o = 0) {
      powers(x[o], x[o + 1]);
      let v = 0;
      for (let i = 0; i < n; i++) v += C[i] * px[A[i]] * py[B[i]];
      return v;
    },
    gradient(x, out, o = 0, oo = o) {
      powers(x[o], x[o + 1]);
      let gx = 0;
      let gy = 0;
      for (let i = 0; i < n; i++) {
        const a = A[i];
        const b = B[i];
        if (a > 0) gx += a * C[i] * px[a - 1] * py[b];
        if (b > 0) gy += b * C[i] * px[a] * py[b - 1];
      }
      out[oo] = gx;
      out[oo + 1] = gy;
    },
    hessian(x, out, o = 0, oo = 0) {
      powers(x[o], x[o + 1]);
      let hxx = 0;
      let hxy = 0;
      let hyy = 0;
      for (let i = 0; i < n; i++) {
        const a = A[i];
        const b = B[i];
        const c = C[i];
        if (a > 1) hxx += a * (a - 1) * c * px[a - 2] * py[b];
        if (a > 0 && b > 0) hxy += a * b * c * px[a - 1] * py[b - 1];
        if (b > 1) hyy += b * (b - 1) * c * px[a] * py[b - 2];
      }
      setHessian2(out, oo, hxx, hxy, hyy);
    },
    minima: [],
    saddles: [],
    ...(perCoordinate ? { polynomial: { coefficients: perCoordinate } } : {}),
  };
  return base;
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
