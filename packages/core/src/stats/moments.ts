/**
 * Streaming, mergeable moments. Updates follow Welford/Pébay; merges follow Chan et al.
 * and Pébay (2008), so partial results from workers combine exactly as if computed in one
 * pass (up to round-off, which is why reductions always run in job order).
 */

export interface MomentsJSON {
  n: number;
  mean: number;
  m2: number;
  m3: number;
  m4: number;
  min: number;
  max: number;
}

/** Scalar moments up to fourth order, min and max. Memory is O(1) in the sample count. */
export class Moments {
  n = 0;
  mean = 0;
  m2 = 0;
  m3 = 0;
  m4 = 0;
  min = Infinity;
  max = -Infinity;

  push(x: number): this {
    const n1 = this.n;
    const n = n1 + 1;
    const delta = x - this.mean;
    const dn = delta / n;
    const dn2 = dn * dn;
    const term1 = delta * dn * n1;
    this.mean += dn;
    this.m4 += term1 * dn2 * (n * n - 3 * n + 3) + 6 * dn2 * this.m2 - 4 * dn * this.m3;
    this.m3 += term1 * dn * (n - 2) - 3 * dn * this.m2;
    this.m2 += term1;
    this.n = n;
    if (x < this.min) this.min = x;
    if (x > this.max) this.max = x;
    return this;
  }

  pushAll(xs: ArrayLike<number>): this {
    for (let i = 0; i < xs.length; i++) this.push(xs[i]);
    return this;
  }

  /** Fold `other` into this one. */
  merge(other: Moments | MomentsJSON): this {
    const nb = other.n;
    if (nb === 0) return this;
    const na = this.n;
    if (na === 0) {
      Object.assign(this, { n: nb, mean: other.mean, m2: other.m2, m3: other.m3, m4: other.m4, min: other.min, max: other.max });
      return this;
    }
    const n = na + nb;
    const delta = other.mean - this.mean;
    const d2 = delta * delta;
    const m2a = this.m2;
    const m3a = this.m3;
    this.m4 =
      this.m4 +
      other.m4 +
      (d2 * d2 * na * nb * (na * na - na * nb + nb * nb)) / (n * n * n) +
      (6 * d2 * (na * na * other.m2 + nb * nb * m2a)) / (n * n) +
      (4 * delta * (na * other.m3 - nb * m3a)) / n;
    this.m3 = m3a + other.m3 + (d2 * delta * na * nb * (na - nb)) / (n * n) + (3 * delta * (na * other.m2 - nb * m2a)) / n;
    this.m2 = m2a + other.m2 + (d2 * na * nb) / n;
    this.mean += (delta * nb) / n;
    this.n = n;
    this.min = Math.min(this.min, other.min);
    this.max = Math.max(this.max, other.max);
    return this;
  }

  /** Unbiased sample variance (n − 1 denominator). */
  get variance(): number {
    return this.n > 1 ? this.m2 / (this.n - 1) : NaN;
  }

  get sd(): number {
    return Math.sqrt(this.variance);
  }

  /** Standard error of the mean. */
  get sem(): number {
    return Math.sqrt(this.variance / this.n);
  }

  /**
   * Standard error of the sample variance: √[(μ₄ − σ⁴(n−3)/(n−1))/n] with plug-in moments.
   * Valid for any distribution with a finite fourth moment.
   */
  get varianceSE(): number {
    const n = this.n;
    if (n < 4) return NaN;
    const mu4 = this.m4 / n;
    const s2 = this.variance;
    return Math.sqrt(Math.max(0, (mu4 - (s2 * s2 * (n - 3)) / (n - 1)) / n));
  }

  /** Standard error of the sample sd, by the delta method from varianceSE. */
  get sdSE(): number {
    return this.varianceSE / (2 * this.sd);
  }

  get skewness(): number {
    return this.m2 > 0 ? (Math.sqrt(this.n) * this.m3) / Math.pow(this.m2, 1.5) : NaN;
  }

  /** Excess kurtosis (0 for a normal). */
  get kurtosis(): number {
    return this.m2 > 0 ? (this.n * this.m4) / (this.m2 * this.m2) - 3 : NaN;
  }

  toJSON(): MomentsJSON {
    return { n: this.n, mean: this.mean, m2: this.m2, m3: this.m3, m4: this.m4, min: this.min, max: this.max };
  }

  static fromJSON(j: MomentsJSON): Moments {
    return Object.assign(new Moments(), j);
  }

  static of(xs: ArrayLike<number>): Moments {
    return new Moments().pushAll(xs);
  }
}

export interface VectorMomentsJSON {
  d: number;
  n: number;
  covariance: boolean;
  mean: number[];
  m2: number[];
}

/**
 * Streaming mean and covariance of d-vectors. With `covariance: false` only the diagonal is
 * kept (O(d) memory), which is all a trace needs.
 */
export class VectorMoments {
  n = 0;
  readonly mean: Float64Array;
  /** Row-major d×d co-moment matrix, or its diagonal. */
  readonly m2: Float64Array;
  private readonly delta: Float64Array;

  constructor(
    readonly d: number,
    readonly covariance = true,
  ) {
    this.mean = new Float64Array(d);
    this.m2 = new Float64Array(covariance ? d * d : d);
    this.delta = new Float64Array(d);
  }

  push(x: ArrayLike<number>, offset = 0): this {
    const d = this.d;
    const n = ++this.n;
    const mean = this.mean;
    const delta = this.delta;
    for (let j = 0; j < d; j++) {
      const dj = x[offset + j] - mean[j];
      delta[j] = dj;
      mean[j] += dj / n;
    }
    const m2 = this.m2;
    if (this.covariance) {
      for (let i = 0; i < d; i++) {
        const a = x[offset + i] - mean[i];
        const row = i * d;
        for (let j = 0; j < d; j++) m2[row + j] += delta[j] * a;
      }
    } else {
      for (let j = 0; j < d; j++) m2[j] += delta[j] * (x[offset + j] - mean[j]);
    }
    return this;
  }

  /** Push every row of a row-major n×d matrix. */
  pushRows(rows: ArrayLike<number>, n: number): this {
    for (let r = 0; r < n; r++) this.push(rows, r * this.d);
    return this;
  }

  merge(other: VectorMoments | VectorMomentsJSON): this {
    const nb = other.n;
    if (nb === 0) return this;
    const na = this.n;
    const n = na + nb;
    const d = this.d;
    const om = other.mean;
    const delta = this.delta;
    for (let j = 0; j < d; j++) delta[j] = om[j] - this.mean[j];
    const f = (na * nb) / n;
    if (this.covariance) {
      for (let i = 0; i < d; i++) for (let j = 0; j < d; j++) this.m2[i * d + j] += other.m2[i * d + j] + delta[i] * delta[j] * f;
    } else {
      for (let j = 0; j < d; j++) this.m2[j] += other.m2[j] + delta[j] * delta[j] * f;
    }
    for (let j = 0; j < d; j++) this.mean[j] += (delta[j] * nb) / n;
    this.n = n;
    return this;
  }

  /** Per-coordinate unbiased variances. */
  variances(): Float64Array {
    const d = this.d;
    const out = new Float64Array(d);
    for (let j = 0; j < d; j++) out[j] = (this.covariance ? this.m2[j * d + j] : this.m2[j]) / (this.n - 1);
    return out;
  }

  /** Unbiased covariance matrix (row-major); needs `covariance: true`. */
  covarianceMatrix(): Float64Array {
    if (!this.covariance) throw new Error('covarianceMatrix() needs VectorMoments(d, true)');
    const out = new Float64Array(this.m2.length);
    for (let i = 0; i < out.length; i++) out[i] = this.m2[i] / (this.n - 1);
    return out;
  }

  /** Trace of the covariance: the total variance Σ_j Var(x_j). */
  trace(): number {
    let t = 0;
    const d = this.d;
    for (let j = 0; j < d; j++) t += this.covariance ? this.m2[j * d + j] : this.m2[j];
    return t / (this.n - 1);
  }

  toJSON(): VectorMomentsJSON {
    return { d: this.d, n: this.n, covariance: this.covariance, mean: Array.from(this.mean), m2: Array.from(this.m2) };
  }

  static fromJSON(j: VectorMomentsJSON): VectorMoments {
    const v = new VectorMoments(j.d, j.covariance);
    v.n = j.n;
    v.mean.set(j.mean);
    v.m2.set(j.m2);
    return v;
  }
}
