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
import { jacobiEigen } from '@snrlab/core';
import { singleMoleculeGenerator, type RdmeModel } from './model.js';

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
    const { values, vectors } = jacobiEigen(M, V);
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
