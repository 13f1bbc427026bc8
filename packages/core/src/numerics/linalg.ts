/**
 * Small dense linear algebra on row-major Float64Arrays: the matrices of the engines' theories
 * (a few to a few dozen rows). Every routine here is the one an engine's experiments were
 * recorded with, moved here unchanged, so the floating-point operations (and hence the stored
 * results) are the same as before; the exception is sgd-noise's ml-matrix `solve`, replaced by
 * `solveLinear`: JAMA's left-looking LU sums in another order, so n ≥ 3 solves differ in the last
 * bits (its two experiments were re-recorded; they moved by ≤ 2e-15 relative).
 *
 * Hand-written or library (issue 14: ml-matrix underneath where it is as accurate):
 * - `LU`/`solveLinear`, `matMul`, `eigenvalues` are hand-written. For the sizes used here they
 *   are as accurate as ml-matrix (the same partial-pivoting LU, the same Francis QR class) and
 *   measurably faster: `solveLinear` takes 0.8 µs at n = 2 and 8 µs at n = 16 against 5.7 µs
 *   and 82 µs for ml-matrix's `solve` with its `Matrix` objects (7–10×, Node 20), which matters
 *   where a solve runs inside an ensemble loop.
 * - `symmetricEigen` is ml-matrix (Householder reduction to tridiagonal form and implicit QL:
 *   JAMA's tred2/tql2): as accurate in the usual norm-wise sense (residuals and orthogonality
 *   within a few ε·‖A‖ up to n = 30, test/numerics.test.ts) and faster for larger n.
 * - `jacobiEigen` (cyclic Jacobi) stays hand-written because it is measurably better on graded
 *   matrices: it keeps the relative accuracy of small eigenvalues (Demmel & Veselić 1992), where
 *   QL loses them to the absolute error ε‖A‖. For H = DMD with D = diag(1, 1e-4, 1e-8) and
 *   M = [[2,1,½],[1,2,1],[½,1,2]], Jacobi gets all three eigenvalues (2, 1.5e-8, 1.5e-16) to
 *   1e-15 relative; QL returns 0 for the smallest and the middle one with relative error 1.7e-8 (the test).
 */
import { EigenvalueDecomposition, Matrix } from 'ml-matrix';

/** The n×n identity, row-major. */
export function identity(n: number): Float64Array {
  const I = new Float64Array(n * n);
  for (let i = 0; i < n; i++) I[i * n + i] = 1;
  return I;
}

/** Aᵀ of an m×n row-major matrix (n×m). */
export function transpose(A: ArrayLike<number>, m: number, n: number): Float64Array {
  const T = new Float64Array(m * n);
  for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) T[j * m + i] = A[i * n + j];
  return T;
}

/** out ← M·v for an n×n matrix (out must not alias v); v and out are read and written at offsets. */
export function matVec(M: ArrayLike<number>, v: ArrayLike<number>, out: Float64Array, n: number, vOff = 0, outOff = 0): void {
  for (let i = 0; i < n; i++) {
    let s = 0;
    const row = i * n;
    for (let j = 0; j < n; j++) s += M[row + j] * v[vOff + j];
    out[outOff + i] = s;
  }
}

/**
 * C = op(A)·op(B) for row-major matrices, op(X) = X or Xᵀ: A is stored m×k (k×m with
 * `transA`), B k×n (n×k with `transB`); C is m×n. Each C[i][j] sums a[i][p]·b[p][j] over p in
 * ascending order, so the rounding is that of the plain i-k-j loop; four rows of C are updated
 * together so each load of B serves four multiply-adds (2.2× the plain loop on the reference
 * machine). Zero entries of A are skipped (a row of four zeros at once): C starts at +0 and a
 * sum that starts at +0 never becomes −0, so adding the skipped ±0 products would change nothing
 * for finite B.
 */
export function matMul(
  a: ArrayLike<number>,
  b: ArrayLike<number>,
  m: number,
  k: number,
  n: number,
  opts: { transA?: boolean; transB?: boolean } = {},
): Float64Array {
  const A = opts.transA ? transpose(a, k, m) : a;
  const B = opts.transB ? transpose(b, n, k) : b;
  const C = new Float64Array(m * n);
  let i = 0;
  for (; i + 3 < m; i += 4) {
    const c0 = i * n;
    const c1 = c0 + n;
    const c2 = c1 + n;
    const c3 = c2 + n;
    for (let p = 0; p < k; p++) {
      const a0 = A[i * k + p];
      const a1 = A[(i + 1) * k + p];
      const a2 = A[(i + 2) * k + p];
      const a3 = A[(i + 3) * k + p];
      if (a0 === 0 && a1 === 0 && a2 === 0 && a3 === 0) continue; // sparse rows (ReLU) are common
      const bp = p * n;
      for (let j = 0; j < n; j++) {
        const bv = B[bp + j];
        C[c0 + j] += a0 * bv;
        C[c1 + j] += a1 * bv;
        C[c2 + j] += a2 * bv;
        C[c3 + j] += a3 * bv;
      }
    }
  }
  for (; i < m; i++) {
    const ci = i * n;
    for (let p = 0; p < k; p++) {
      const aip = A[i * k + p];
      if (aip === 0) continue;
      const bp = p * n;
      for (let j = 0; j < n; j++) C[ci + j] += aip * B[bp + j];
    }
  }
  return C;
}

/**
 * LU factorisation with partial pivoting of an n×n matrix (right-looking Gaussian elimination,
 * Golub & Van Loan Alg. 3.4.1); throws a RangeError if a pivot is exactly zero. Factor once,
 * then `solve` any number of right-hand sides.
 */
export class LU {
  private readonly lu: Float64Array;
  private readonly piv: Int32Array;
  constructor(
    A: ArrayLike<number>,
    readonly n: number,
  ) {
    const lu = Float64Array.from(A);
    const piv = new Int32Array(n);
    for (let i = 0; i < n; i++) piv[i] = i;
    for (let k = 0; k < n; k++) {
      let p = k;
      for (let i = k + 1; i < n; i++) if (Math.abs(lu[i * n + k]) > Math.abs(lu[p * n + k])) p = i;
      if (lu[p * n + k] === 0) throw new RangeError('matrix is singular');
      if (p !== k) {
        for (let j = 0; j < n; j++) {
          const t = lu[k * n + j];
          lu[k * n + j] = lu[p * n + j];
          lu[p * n + j] = t;
        }
        const t = piv[k];
        piv[k] = piv[p];
        piv[p] = t;
      }
      const d = lu[k * n + k];
      for (let i = k + 1; i < n; i++) {
        const f = (lu[i * n + k] /= d);
        if (f !== 0) for (let j = k + 1; j < n; j++) lu[i * n + j] -= f * lu[k * n + j];
      }
    }
    this.lu = lu;
    this.piv = piv;
  }

  /** out ← A⁻¹·b, reading b and writing out at offsets (out must not alias b). */
  solve(b: ArrayLike<number>, out: Float64Array, bOff = 0, outOff = 0): void {
    const { n, lu, piv } = this;
    for (let i = 0; i < n; i++) {
      let s = b[bOff + piv[i]];
      for (let j = 0; j < i; j++) s -= lu[i * n + j] * out[outOff + j];
      out[outOff + i] = s;
    }
    for (let i = n - 1; i >= 0; i--) {
      let s = out[outOff + i];
      for (let j = i + 1; j < n; j++) s -= lu[i * n + j] * out[outOff + j];
      out[outOff + i] = s / lu[i * n + i];
    }
  }
}

/** x = A⁻¹·b for a small dense n×n system (LU with partial pivoting); throws if A is singular. */
export function solveLinear(A: ArrayLike<number>, b: ArrayLike<number>, n: number): Float64Array {
  const x = new Float64Array(n);
  new LU(A, n).solve(b, x);
  return x;
}

export interface Eigenvalues {
  re: Float64Array;
  im: Float64Array;
}

const sign = (a: number, b: number) => (b >= 0 ? Math.abs(a) : -Math.abs(a));

/**
 * Eigenvalues of a real n×n matrix (unordered; complex pairs as re ± i·im). Reduces to upper
 * Hessenberg form by elimination with pivoting, then runs the shifted QR iteration of EISPACK's
 * hqr (Press et al., Numerical Recipes §11.5–11.6). Throws on a non-finite entry or if the
 * iteration does not converge in 60 sweeps per eigenvalue.
 */
export function eigenvalues(M: ArrayLike<number>, n: number): Eigenvalues {
  // 1-indexed working copy, as in the reference algorithm
  const a: Float64Array[] = [];
  for (let i = 0; i <= n; i++) a.push(new Float64Array(n + 1));
  for (let i = 1; i <= n; i++) for (let j = 1; j <= n; j++) a[i][j] = M[(i - 1) * n + (j - 1)];
  for (let i = 1; i <= n; i++) for (let j = 1; j <= n; j++) if (!Number.isFinite(a[i][j])) throw new RangeError('eigenvalues: matrix has a non-finite entry');

  // elmhes: reduction to Hessenberg form
  for (let m = 2; m < n; m++) {
    let x = 0;
    let i = m;
    for (let j = m; j <= n; j++) {
      if (Math.abs(a[j][m - 1]) > Math.abs(x)) {
        x = a[j][m - 1];
        i = j;
      }
    }
    if (i !== m) {
      for (let j = m - 1; j <= n; j++) [a[i][j], a[m][j]] = [a[m][j], a[i][j]];
      for (let j = 1; j <= n; j++) [a[j][i], a[j][m]] = [a[j][m], a[j][i]];
    }
    if (x !== 0) {
      for (i = m + 1; i <= n; i++) {
        let y = a[i][m - 1];
        if (y !== 0) {
          y /= x;
          a[i][m - 1] = y;
          for (let j = m; j <= n; j++) a[i][j] -= y * a[m][j];
          for (let j = 1; j <= n; j++) a[j][m] += y * a[j][i];
        }
      }
    }
  }
  // the multipliers left below the subdiagonal are not part of the Hessenberg matrix
  for (let i = 3; i <= n; i++) for (let j = 1; j <= i - 2; j++) a[i][j] = 0;

  // hqr
  const wr = new Float64Array(n + 1);
  const wi = new Float64Array(n + 1);
  let anorm = 0;
  for (let i = 1; i <= n; i++) for (let j = Math.max(i - 1, 1); j <= n; j++) anorm += Math.abs(a[i][j]);
  let nn = n;
  let t = 0;
  let p = 0;
  let q = 0;
  let r = 0;
  let x = 0;
  let y = 0;
  let z = 0;
  let w = 0;
  let s = 0;
  while (nn >= 1) {
    let its = 0;
    let l: number;
    do {
      for (l = nn; l >= 2; l--) {
        s = Math.abs(a[l - 1][l - 1]) + Math.abs(a[l][l]);
        if (s === 0) s = anorm;
        if (Math.abs(a[l][l - 1]) + s === s) {
          a[l][l - 1] = 0;
          break;
        }
      }
      x = a[nn][nn];
      if (l === nn) {
        wr[nn] = x + t;
        wi[nn--] = 0;
      } else {
        y = a[nn - 1][nn - 1];
        w = a[nn][nn - 1] * a[nn - 1][nn];
        if (l === nn - 1) {
          p = 0.5 * (y - x);
          q = p * p + w;
          z = Math.sqrt(Math.abs(q));
          x += t;
          if (q >= 0) {
            z = p + sign(z, p);
            wr[nn - 1] = wr[nn] = x + z;
            if (z) wr[nn] = x - w / z;
            wi[nn - 1] = wi[nn] = 0;
          } else {
            wr[nn - 1] = wr[nn] = x + p;
            wi[nn - 1] = -(wi[nn] = z);
          }
          nn -= 2;
        } else {
          if (its === 60) throw new RangeError('eigenvalues: QR iteration did not converge');
          if (its === 10 || its === 20) {
            t += x;
            for (let i = 1; i <= nn; i++) a[i][i] -= x;
            s = Math.abs(a[nn][nn - 1]) + Math.abs(a[nn - 1][nn - 2]);
            y = x = 0.75 * s;
            w = -0.4375 * s * s;
          }
          ++its;
          let m: number;
          for (m = nn - 2; m >= l; m--) {
            z = a[m][m];
            r = x - z;
            s = y - z;
            p = (r * s - w) / a[m + 1][m] + a[m][m + 1];
            q = a[m + 1][m + 1] - z - r - s;
            r = a[m + 2][m + 1];
            s = Math.abs(p) + Math.abs(q) + Math.abs(r);
            p /= s;
            q /= s;
            r /= s;
            if (m === l) break;
            const u = Math.abs(a[m][m - 1]) * (Math.abs(q) + Math.abs(r));
            const v = Math.abs(p) * (Math.abs(a[m - 1][m - 1]) + Math.abs(z) + Math.abs(a[m + 1][m + 1]));
            if (u + v === v) break;
          }
          for (let i = m + 2; i <= nn; i++) {
            a[i][i - 2] = 0;
            if (i !== m + 2) a[i][i - 3] = 0;
          }
          for (let k = m; k <= nn - 1; k++) {
            if (k !== m) {
              p = a[k][k - 1];
              q = a[k + 1][k - 1];
              r = 0;
              if (k !== nn - 1) r = a[k + 2][k - 1];
              if ((x = Math.abs(p) + Math.abs(q) + Math.abs(r)) !== 0) {
                p /= x;
                q /= x;
                r /= x;
              }
            }
            if ((s = sign(Math.sqrt(p * p + q * q + r * r), p)) !== 0) {
              if (k === m) {
                if (l !== m) a[k][k - 1] = -a[k][k - 1];
              } else a[k][k - 1] = -s * x;
              p += s;
              x = p / s;
              y = q / s;
              z = r / s;
              q /= p;
              r /= p;
              for (let j = k; j <= nn; j++) {
                p = a[k][j] + q * a[k + 1][j];
                if (k !== nn - 1) {
                  p += r * a[k + 2][j];
                  a[k + 2][j] -= p * z;
                }
                a[k + 1][j] -= p * y;
                a[k][j] -= p * x;
              }
              const mmin = nn < k + 3 ? nn : k + 3;
              for (let i = l; i <= mmin; i++) {
                p = x * a[i][k] + y * a[i][k + 1];
                if (k !== nn - 1) {
                  p += z * a[i][k + 2];
                  a[i][k + 2] -= p * r;
                }
                a[i][k + 1] -= p * q;
                a[i][k] -= p;
              }
            }
          }
        }
      }
    } while (l < nn - 1);
  }
  return { re: wr.slice(1), im: wi.slice(1) };
}

/** Largest modulus of the eigenvalues: the asymptotic growth factor per application of M. */
export function spectralRadius(M: ArrayLike<number>, n: number): number {
  const { re, im } = eigenvalues(M, n);
  let rho = 0;
  for (let i = 0; i < n; i++) rho = Math.max(rho, Math.hypot(re[i], im[i]));
  return rho;
}

/** Eigenpairs of a symmetric matrix: `vectors[i·n + m]` is component i of the eigenvector of `values[m]`. */
export interface SymmetricEigen {
  values: Float64Array;
  /** Row-major n×n; column m is the unit eigenvector of values[m]. */
  vectors: Float64Array;
}

/**
 * Eigen-decomposition of a symmetric n×n matrix by ml-matrix (Householder reduction to
 * tridiagonal form, then implicit QL: JAMA's tred2/tql2). Values ascending (the order tql2
 * leaves them in), or descending with `order: 'descending'` (a stable sort, so tied values keep
 * tql2's order). Only the lower triangle's symmetric part matters for a symmetric input; an
 * asymmetric input is not checked.
 */
export function symmetricEigen(A: ArrayLike<number>, n: number, opts: { order?: 'ascending' | 'descending' } = {}): SymmetricEigen {
  const rows: number[][] = [];
  for (let i = 0; i < n; i++) rows.push(Array.from({ length: n }, (_, j) => A[i * n + j]));
  const evd = new EigenvalueDecomposition(new Matrix(rows), { assumeSymmetric: true });
  const vals = evd.realEigenvalues;
  const V = evd.eigenvectorMatrix;
  const order = vals.map((v, k) => [v, k] as const);
  if (opts.order === 'descending') order.sort((a, b) => b[0] - a[0]);
  const values = new Float64Array(n);
  const vectors = new Float64Array(n * n);
  order.forEach(([v, k], m) => {
    values[m] = v;
    for (let i = 0; i < n; i++) vectors[i * n + m] = V.get(i, k);
  });
  return { values, vectors };
}

/**
 * Eigen-decomposition of a symmetric n×n matrix by cyclic Jacobi rotations (Golub & Van Loan
 * §8.5; sweeps until the off-diagonal mass is below 1e-30 of the diagonal's, at most 100).
 * Values are left in the order the rotations leave them on the diagonal (not sorted). Slower
 * than `symmetricEigen` (O(n³) per sweep, ~6–10 sweeps) but more accurate on graded matrices:
 * see the module comment.
 */
export function jacobiEigen(A: ArrayLike<number>, n: number): SymmetricEigen {
  const a = Float64Array.from(A);
  const v = new Float64Array(n * n);
  for (let i = 0; i < n; i++) v[i * n + i] = 1;
  for (let sweep = 0; sweep < 100; sweep++) {
    let off = 0;
    let diag = 0;
    for (let i = 0; i < n; i++) {
      diag += a[i * n + i] * a[i * n + i];
      for (let j = i + 1; j < n; j++) off += a[i * n + j] * a[i * n + j];
    }
    if (off <= 1e-30 * diag) break;
    for (let p = 0; p < n; p++) {
      for (let q = p + 1; q < n; q++) {
        const apq = a[p * n + q];
        if (apq === 0) continue;
        const app = a[p * n + p];
        const aqq = a[q * n + q];
        const theta = (aqq - app) / (2 * apq);
        const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1);
        const s = t * c;
        for (let r = 0; r < n; r++) {
          const arp = a[r * n + p];
          const arq = a[r * n + q];
          a[r * n + p] = c * arp - s * arq;
          a[r * n + q] = s * arp + c * arq;
        }
        for (let r = 0; r < n; r++) {
          const apr = a[p * n + r];
          const aqr = a[q * n + r];
          a[p * n + r] = c * apr - s * aqr;
          a[q * n + r] = s * apr + c * aqr;
        }
        for (let r = 0; r < n; r++) {
          const vrp = v[r * n + p];
          const vrq = v[r * n + q];
          v[r * n + p] = c * vrp - s * vrq;
          v[r * n + q] = s * vrp + c * vrq;
        }
      }
    }
  }
  const values = new Float64Array(n);
  for (let i = 0; i < n; i++) values[i] = a[i * n + i];
  return { values, vectors: v };
}
