/**
 * Two-player zero-sum games f(x, y): x minimises, y maximises. Every game exposes its descent
 * field v(z) = (−∇ₓf, ∇ᵧf) at z = (x, y); gradient play moves along v. Its Nash equilibrium is
 * at the origin for every game here.
 */
import { assertFiniteArray, assertPositive, gaussHermite, ParameterError, ParameterTypeError } from '@snrlab/core';

export interface Game {
  readonly name: string;
  /** Dimensions of the minimising player x and the maximising player y. */
  readonly nx: number;
  readonly ny: number;
  readonly dim: number;
  /** out[outOff..] ← v(z) = (−∇ₓf, ∇ᵧf) at z[zOff..]. */
  field(z: ArrayLike<number>, out: Float64Array, zOff?: number, outOff?: number): void;
  /** Jacobian ∂v/∂z at the equilibrium z = 0 (row-major dim×dim). */
  jacobian(): Float64Array;
  /** For linear games v(z) = M z: M (row-major dim×dim). */
  readonly matrix?: Float64Array;
  /** f(x, y), for reporting. */
  value(z: ArrayLike<number>): number;
}

/** Validate a matrix given as rows: rectangular, finite, with the expected shape if given. */
export function parseMatrix(name: string, rows: unknown, shape?: [number | undefined, number | undefined]): { data: Float64Array; rows: number; cols: number } {
  if (!Array.isArray(rows) || rows.length === 0) throw new ParameterTypeError(name, rows, 'a non-empty array of rows (number[][])');
  const m = rows.length;
  if (!Array.isArray(rows[0])) throw new ParameterTypeError(`${name}[0]`, rows[0], 'an array of numbers');
  const n = rows[0].length;
  if (n === 0) throw new ParameterError(`${name}[0].length`, 0, 'at least 1 column');
  const data = new Float64Array(m * n);
  for (let i = 0; i < m; i++) {
    const r = rows[i];
    if (!Array.isArray(r)) throw new ParameterTypeError(`${name}[${i}]`, r, 'an array of numbers');
    if (r.length !== n) throw new ParameterError(`${name}[${i}].length`, r.length, `${n} (every row of ${name} must have the same length)`);
    for (let j = 0; j < n; j++) {
      if (typeof r[j] !== 'number') throw new ParameterTypeError(`${name}[${i}][${j}]`, r[j], 'a number');
      data[i * n + j] = r[j];
    }
  }
  assertFiniteArray(name, data);
  if (shape) {
    const [em, en] = shape;
    if ((em !== undefined && m !== em) || (en !== undefined && n !== en)) {
      throw new ParameterError(`${name} shape`, `${m}×${n}`, `${em ?? 'any'}×${en ?? 'any'}`, `${name} must match the shape of A`);
    }
  }
  return { data, rows: m, cols: n };
}

/** A game whose field is linear, v(z) = M z. */
class LinearGame implements Game {
  readonly dim: number;
  constructor(
    readonly name: string,
    readonly nx: number,
    readonly ny: number,
    readonly matrix: Float64Array,
    private readonly f: (z: ArrayLike<number>) => number,
  ) {
    this.dim = nx + ny;
  }
  field(z: ArrayLike<number>, out: Float64Array, zOff = 0, outOff = 0): void {
    const d = this.dim;
    const M = this.matrix;
    for (let i = 0; i < d; i++) {
      let s = 0;
      const row = i * d;
      for (let j = 0; j < d; j++) s += M[row + j] * z[zOff + j];
      out[outOff + i] = s;
    }
  }
  jacobian(): Float64Array {
    return this.matrix.slice();
  }
  value(z: ArrayLike<number>): number {
    return this.f(z);
  }
}

/**
 * f = ½xᵀPx + xᵀAy − ½yᵀQy with A n×m, P n×n and Q m×m (symmetric parts used). The field is
 * v = (−Px − Ay, Aᵀx − Qy). P = Q = 0 gives the bilinear game xᵀAy.
 */
export function quadraticBilinearGame(A: number[][], P?: number[][] | null, Q?: number[][] | null): Game {
  const a = parseMatrix('A', A);
  const n = a.rows;
  const m = a.cols;
  const p = P && P.length ? parseMatrix('P', P, [n, n]) : null;
  const q = Q && Q.length ? parseMatrix('Q', Q, [m, m]) : null;
  const d = n + m;
  const M = new Float64Array(d * d);
  const sym = (X: Float64Array, k: number, i: number, j: number) => 0.5 * (X[i * k + j] + X[j * k + i]);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) M[i * d + j] = p ? -sym(p.data, n, i, j) : 0;
    for (let j = 0; j < m; j++) M[i * d + n + j] = -a.data[i * m + j];
  }
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) M[(n + i) * d + j] = a.data[j * m + i];
    for (let j = 0; j < m; j++) M[(n + i) * d + n + j] = q ? -sym(q.data, m, i, j) : 0;
  }
  const f = (z: ArrayLike<number>) => {
    let s = 0;
    for (let i = 0; i < n; i++) for (let j = 0; j < m; j++) s += z[i] * a.data[i * m + j] * z[n + j];
    if (p) for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) s += 0.5 * z[i] * p.data[i * n + j] * z[j];
    if (q) for (let i = 0; i < m; i++) for (let j = 0; j < m; j++) s -= 0.5 * z[n + i] * q.data[i * m + j] * z[n + j];
    return s;
  };
  const name = p || q ? `quadratic–bilinear (${n}×${m})` : `bilinear xᵀAy (${n}×${m})`;
  return new LinearGame(name, n, m, M, f);
}

/** The bilinear game f = xᵀAy, in any dimension (A is n×m). */
export function bilinearGame(A: number[][] = [[1]]): Game {
  return quadraticBilinearGame(A);
}

/** The linear game v(z) = M z (M row-major, (nx+ny)×(nx+ny)). */
export function linearGame(M: ArrayLike<number>, nx: number, ny: number, name = 'linear game'): Game {
  const d = nx + ny;
  if (M.length !== d * d) throw new ParameterError('M.length', M.length, `(nx + ny)² = ${d * d}`);
  const m = Float64Array.from(M);
  assertFiniteArray('M', m);
  const f = (z: ArrayLike<number>) => {
    // value of the bilinear part xᵀAy (the x-rows of M hold −A); quadratic parts are not recovered
    let s = 0;
    for (let i = 0; i < nx; i++) for (let j = nx; j < d; j++) s -= z[i] * m[i * d + j] * z[j];
    return s;
  };
  return new LinearGame(name, nx, ny, m, f);
}

/** The linearisation v(z) ≈ J z of a game at its equilibrium. */
export function linearizedGame(game: Game): Game {
  return linearGame(game.jacobian(), game.nx, game.ny, `${game.name}, linearised`);
}

/** Is the game bilinear (no quadratic terms), so that alternating GDA conserves Q? */
export function isBilinear(game: Game): boolean {
  const M = game.matrix;
  if (!M) return false;
  const d = game.dim;
  for (let i = 0; i < game.nx; i++) for (let j = 0; j < game.nx; j++) if (M[i * d + j] !== 0) return false;
  for (let i = game.nx; i < d; i++) for (let j = game.nx; j < d; j++) if (M[i * d + j] !== 0) return false;
  return true;
}

// --- Dirac GAN -------------------------------------------------------------------------------

/** f′(t) = sigmoid(−t) for the standard GAN loss f(t) = −log(1 + e^{−t}); f′(0) = ½. */
export const fPrime = (t: number): number => (t >= 0 ? Math.exp(-t) / (1 + Math.exp(-t)) : 1 / (1 + Math.exp(t)));
/** f″(t) = −sigmoid(t)·sigmoid(−t); f″(0) = −¼. */
export const fSecond = (t: number): number => -fPrime(t) * fPrime(-t);

export interface DiracGanOptions {
  /** R1 penalty γ ≥ 0: the discriminator's objective loses (γ/2)·E_data‖∇ₓD‖² = (γ/2)ψ². */
  gamma?: number;
  /** Instance noise: sd of Gaussian noise added to real and generated samples (expectation taken exactly). */
  instanceNoise?: number;
  /** Gauss–Hermite nodes for the instance-noise expectation. */
  quadratureNodes?: number;
}

/**
 * The Dirac GAN (Mescheder et al. 2018): data δ₀, generator δ_θ, discriminator D(x) = ψx,
 * L(θ, ψ) = f(ψθ) + f(0) with f′(t) = sigmoid(−t). The generator θ minimises, the
 * discriminator ψ maximises: v_θ = −ψ f′(ψθ), v_ψ = θ f′(ψθ) − γψ. With instance noise ε ~ N(0, s²)
 * on both samples, v_θ = −ψ E f′(ψ(θ+ε)) and v_ψ = E[(θ+ε) f′(ψ(θ+ε))] − E[ε f′(−ψε)] − γψ.
 */
export function diracGan(opts: DiracGanOptions = {}): Game & { gamma: number; instanceNoise: number } {
  const gamma = opts.gamma ?? 0;
  const s = opts.instanceNoise ?? 0;
  assertPositive('gamma', gamma, { allowZero: true });
  assertPositive('instanceNoise', s, { allowZero: true });
  const q = s > 0 ? gaussHermite(opts.quadratureNodes ?? 20) : null;
  const eps = q ? q.nodes.map((v) => v * s) : null;
  const wts = q ? q.weights : null;
  const fp0 = fPrime(0);
  const J = Float64Array.of(0, -fp0, fp0, -gamma + 2 * s * s * fSecond(0));
  return {
    name: `Dirac GAN (γ = ${gamma}, instance noise ${s})`,
    nx: 1,
    ny: 1,
    dim: 2,
    gamma,
    instanceNoise: s,
    field(z, out, zOff = 0, outOff = 0) {
      const th = z[zOff];
      const ps = z[zOff + 1];
      if (!eps || !wts) {
        const fp = fPrime(ps * th);
        out[outOff] = -ps * fp;
        out[outOff + 1] = th * fp - gamma * ps;
        return;
      }
      // f′(t) = ½ − ½·tanh(t/2): the constant ½ cancels analytically between the real and the
      // generated term, so near the equilibrium only tanh terms (accurate to relative precision) remain:
      // v_θ = −ψ(½ − ½E tanh(ψ(θ+ε)/2)),  v_ψ = θ/2 − ½E[(θ+ε) tanh(ψ(θ+ε)/2)] − ½E[ε tanh(ψε/2)] − γψ
      let e1 = 0;
      let e2 = 0;
      let e3 = 0;
      for (let i = 0; i < eps.length; i++) {
        const e = eps[i];
        const h = Math.tanh((ps * (th + e)) / 2);
        e1 += wts[i] * h;
        e2 += wts[i] * (th + e) * h;
        e3 += wts[i] * e * Math.tanh((ps * e) / 2);
      }
      out[outOff] = -ps * (0.5 - 0.5 * e1);
      out[outOff + 1] = 0.5 * th - 0.5 * e2 - 0.5 * e3 - gamma * ps;
    },
    jacobian: () => J.slice(),
    value(z) {
      // f(ψθ) + f(0) without instance noise; reported only
      const t = z[0] * z[1];
      return -Math.log1p(Math.exp(-t)) - Math.LN2;
    },
  };
}

/**
 * Eigenvalues of the Dirac GAN's Jacobian at the equilibrium: the trace is
 * −γ + 2s²f″(0) = −γ − s²/2, the determinant f′(0)², so λ = −c/2 ± √(c²/4 − f′(0)²) with
 * c = γ + s²/2 (±i·f′(0) without regularisation).
 */
export function diracEigenvalues(gamma = 0, instanceNoise = 0): { re: [number, number]; im: [number, number] } {
  const c = gamma - 2 * instanceNoise * instanceNoise * fSecond(0);
  const disc = (c * c) / 4 - fPrime(0) ** 2;
  if (disc >= 0) {
    const r = Math.sqrt(disc);
    return { re: [-c / 2 + r, -c / 2 - r], im: [0, 0] };
  }
  const r = Math.sqrt(-disc);
  return { re: [-c / 2, -c / 2], im: [r, -r] };
}

/**
 * Rows of a matrix given flat (row-major), as the CLI passes it (`--set A=1,0,0,2`). A length
 * other than rows·cols is refused, naming the parameter.
 */
export function matrixRows(name: string, flat: readonly number[], rows: number, cols: number): number[][] {
  if (!Array.isArray(flat)) throw new ParameterTypeError(name, flat, `an array of ${rows}·${cols} numbers (row-major)`);
  if (flat.length !== rows * cols) {
    throw new ParameterError(name, flat, `${rows * cols} numbers (a ${rows}×${cols} matrix, row-major)`, `shape mismatch: ${flat.length} entries`);
  }
  const out: number[][] = [];
  for (let i = 0; i < rows; i++) out.push(flat.slice(i * cols, (i + 1) * cols));
  return out;
}
