/**
 * Roots of a scalar function inside a bracket [a, b] on which it changes sign. Hand-written:
 * ml-matrix has no root finding, and these are a few lines each.
 */

function checkBracket(a: number, b: number): void {
  if (!Number.isFinite(a) || !Number.isFinite(b)) throw new RangeError(`invalid bracket: got [${a}, ${b}]; expected finite ends`);
}

/**
 * Bisection for a root of f in [a, b], where f(a) and f(b) lie on opposite sides of 0 (which
 * side f(a) is on is all that is used: f(a) < 0, or f(a) ≥ 0). Runs exactly `iterations`
 * halvings (default 80: below the spacing of doubles for any bracket of finite doubles) and
 * returns the midpoint of the last bracket. An end where f is 0 is not treated specially: the
 * root found is then within the last bracket's width of it.
 */
export function bisect(f: (x: number) => number, a: number, b: number, opts: { iterations?: number; fa?: number } = {}): number {
  checkBracket(a, b);
  const below = (opts.fa ?? f(a)) < 0;
  let lo = a;
  let hi = b;
  const iterations = opts.iterations ?? 80;
  for (let k = 0; k < iterations; k++) {
    const m = 0.5 * (lo + hi);
    if (f(m) < 0 === below) lo = m;
    else hi = m;
  }
  return 0.5 * (lo + hi);
}

export interface BrentResult {
  root: number;
  /** Function evaluations used (the two at the ends included). */
  evaluations: number;
  /** |f(root)| */
  residual: number;
}

/**
 * Brent's method (zeroin: Brent 1973, ch. 4; the algorithm of Press et al. §9.3): inverse
 * quadratic interpolation and secant steps, falling back to bisection, so it converges at
 * least as surely as bisection and superlinearly near a simple root. Stops when the bracket is
 * below 2·ε·|x| + tol/2 or f hits 0 exactly. Throws a RangeError if f(a) and f(b) have the same
 * sign or are not finite.
 */
export function brent(f: (x: number) => number, a: number, b: number, opts: { tol?: number; maxIterations?: number } = {}): BrentResult {
  checkBracket(a, b);
  const tol = opts.tol ?? 0;
  const maxIterations = opts.maxIterations ?? 200;
  let fa = f(a);
  let fb = f(b);
  let evaluations = 2;
  if (!Number.isFinite(fa) || !Number.isFinite(fb)) throw new RangeError(`brent: f is not finite at an end of the bracket (f(${a}) = ${fa}, f(${b}) = ${fb})`);
  if (fa === 0) return { root: a, evaluations, residual: 0 };
  if (fb === 0) return { root: b, evaluations, residual: 0 };
  if (fa > 0 === fb > 0) throw new RangeError(`brent: f(${a}) = ${fa} and f(${b}) = ${fb} have the same sign; expected a bracket of a root`);
  let c = a;
  let fc = fa;
  let d = b - a;
  let e = d;
  for (let it = 0; it < maxIterations; it++) {
    if (fb > 0 === fc > 0) {
      c = a;
      fc = fa;
      d = b - a;
      e = d;
    }
    if (Math.abs(fc) < Math.abs(fb)) {
      a = b;
      b = c;
      c = a;
      fa = fb;
      fb = fc;
      fc = fa;
    }
    const tol1 = 2 * Number.EPSILON * Math.abs(b) + 0.5 * tol;
    const xm = 0.5 * (c - b);
    if (Math.abs(xm) <= tol1 || fb === 0) return { root: b, evaluations, residual: Math.abs(fb) };
    if (Math.abs(e) >= tol1 && Math.abs(fa) > Math.abs(fb)) {
      // inverse quadratic interpolation (secant when only two distinct points)
      const s = fb / fa;
      let p: number;
      let q: number;
      if (a === c) {
        p = 2 * xm * s;
        q = 1 - s;
      } else {
        const qq = fa / fc;
        const r = fb / fc;
        p = s * (2 * xm * qq * (qq - r) - (b - a) * (r - 1));
        q = (qq - 1) * (r - 1) * (s - 1);
      }
      if (p > 0) q = -q;
      p = Math.abs(p);
      if (2 * p < Math.min(3 * xm * q - Math.abs(tol1 * q), Math.abs(e * q))) {
        e = d;
        d = p / q;
      } else {
        d = xm;
        e = d;
      }
    } else {
      d = xm;
      e = d;
    }
    a = b;
    fa = fb;
    b += Math.abs(d) > tol1 ? d : tol1 * Math.sign(xm);
    fb = f(b);
    evaluations++;
    if (!Number.isFinite(fb)) throw new RangeError(`brent: f(${b}) = ${fb} inside the bracket`);
  }
  throw new RangeError(`brent: no convergence in ${maxIterations} iterations`);
}
