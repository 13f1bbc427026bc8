/**
 * Exact temporal correlations of the stationary RDME. With monomolecular reactions every
 * molecule moves independently, so (Jahnke & Huisinga 2007) the stationary law is a product of
 * Poissons with means μ_i, and Cov(n_i(t+s), n_j(t)) = μ_j·G_ij(s) with G = e^{Ms} the
 * single-molecule propagator (M from `singleMoleculeGenerator`, symmetric here). Hence the
 * variance of a time average over a window T is
 *   Var(n̄_i,T) = μ_i Σ_m φ_m(i)² · 2(a_m T − 1 + e^{−a_m T})/(a_m T)²,
 * with −a_m the eigenvalues of M and φ_m its orthonormal eigenvectors. It equals μ_i (a snapshot)
 * at T = 0 and 2μ_i τ_c/T for long windows, τ_c = Σ_m φ_m(i)²/a_m = [(−M)⁻¹]_ii the integrated
 * correlation time of the voxel.
 */
import { singleMoleculeGenerator, type RdmeModel } from './model.js';

/** Eigen-decomposition of a dense symmetric matrix by cyclic Jacobi rotations. */
export function symmetricEigen(A: Float64Array, n: number): { values: Float64Array; vectors: Float64Array } {
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
  // vectors[r*n + m] = component r of eigenvector m
  return { values, vectors: v };
}

/** 2(x − 1 + e^{−x})/x², accurate for small x (→ 1 − x/3). */
function windowFactor(x: number): number {
  if (x < 1e-4) return 1 - x / 3 + (x * x) / 12;
  return (2 * (x - 1 + Math.exp(-x))) / (x * x);
}

/** Exact second-order temporal statistics of each voxel's copy number at stationarity. */
export class VoxelCorrelation {
  /** Relaxation rates a_m > 0. */
  readonly rates: Float64Array;
  private readonly vectors: Float64Array;
  private readonly V: number;

  constructor(
    readonly model: RdmeModel,
    readonly mean: ArrayLike<number>,
  ) {
    const V = model.voxels;
    const M = singleMoleculeGenerator(model);
    const { values, vectors } = symmetricEigen(M, V);
    this.V = V;
    this.rates = values.map((x) => -x);
    this.vectors = vectors;
  }

  private weight(i: number, m: number): number {
    const v = this.vectors[i * this.V + m];
    return v * v;
  }

  /** Normalised autocorrelation G_ii(s) = Corr(n_i(t+s), n_i(t)). */
  autocorrelation(i: number, s: number): number {
    let g = 0;
    for (let m = 0; m < this.V; m++) g += this.weight(i, m) * Math.exp(-this.rates[m] * s);
    return g;
  }

  /** Integrated correlation time τ_c = ∫₀^∞ G_ii(s) ds (s). */
  correlationTime(i: number): number {
    let t = 0;
    for (let m = 0; m < this.V; m++) t += this.weight(i, m) / this.rates[m];
    return t;
  }

  /** Variance of the time average of n_i over a window T (T = 0: a snapshot, variance μ_i). */
  timeAverageVariance(i: number, T: number): number {
    let f = 0;
    for (let m = 0; m < this.V; m++) f += this.weight(i, m) * windowFactor(this.rates[m] * T);
    return this.mean[i] * f;
  }
}
