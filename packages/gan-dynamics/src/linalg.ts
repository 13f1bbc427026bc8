/**
 * Small dense linear algebra on row-major Float64Arrays: what the theory of linear games
 * needs (update operators are at most a few dozen rows). Eigenvalues come from Hessenberg
 * reduction and the Francis double-shift QR iteration (Press et al., Numerical Recipes §11.5–11.6).
 */
import { matmulJS, zeros } from '@snrlab/tensor';

/** A square n×n matrix, row-major. */
export type SquareMatrix = Float64Array;

export function identity(n: number): Float64Array {
  const I = new Float64Array(n * n);
  for (let i = 0; i < n; i++) I[i * n + i] = 1;
  return I;
}

/** out ← M·v for an n×n matrix (out must not alias v). */
export function matVec(M: ArrayLike<number>, v: ArrayLike<number>, out: Float64Array, n: number, vOff = 0, outOff = 0): void {
  for (let i = 0; i < n; i++) {
    let s = 0;
    const row = i * n;
    for (let j = 0; j < n; j++) s += M[row + j] * v[vOff + j];
    out[outOff + i] = s;
  }
}

/** C = A·B for m×k and k×n row-major matrices, through @snrlab/tensor's kernel. */
export function matMul(A: Float64Array, B: Float64Array, m: number, k: number, n: number): Float64Array {
  const a = zeros([m, k]);
  const b = zeros([k, n]);
  a.data.set(A.subarray(0, m * k));
  b.data.set(B.subarray(0, k * n));
  return matmulJS(a, b).data;
}

export function transpose(A: Float64Array, m: number, n: number): Float64Array {
  const T = new Float64Array(m * n);
  for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) T[j * m + i] = A[i * n + j];
  return T;
}

/** LU factorisation with partial pivoting of an n×n matrix; throws if it is singular. */
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

  /** out ← A⁻¹·b (b and out may be the same array only through `scratch`). */
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

export interface Eigenvalues {
  re: Float64Array;
  im: Float64Array;
}

const sign = (a: number, b: number) => (b >= 0 ? Math.abs(a) : -Math.abs(a));

/**
 * Eigenvalues of a real n×n matrix (unordered). Reduces to upper Hessenberg form by
 * elimination with pivoting, then runs the shifted QR iteration of EISPACK's hqr.
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
