/** Fixed-bin, mergeable histograms with under/overflow counts and interpolated quantiles. */

export interface HistogramJSON {
  lo: number;
  hi: number;
  counts: number[];
  underflow: number;
  overflow: number;
}

export class Histogram {
  readonly counts: Float64Array;
  underflow = 0;
  overflow = 0;
  private readonly scale: number;

  constructor(
    readonly lo: number,
    readonly hi: number,
    readonly bins: number,
  ) {
    if (!(hi > lo)) throw new RangeError(`invalid hi: got ${hi}; expected a number greater than lo = ${lo}`);
    if (!Number.isInteger(bins) || bins < 1) throw new RangeError(`invalid bins: got ${bins}; expected an integer >= 1`);
    this.counts = new Float64Array(bins);
    this.scale = bins / (hi - lo);
  }

  push(x: number, weight = 1): this {
    if (x < this.lo) this.underflow += weight;
    else if (x >= this.hi) this.overflow += weight;
    else this.counts[Math.min(this.bins - 1, Math.floor((x - this.lo) * this.scale))] += weight;
    return this;
  }

  pushAll(xs: ArrayLike<number>): this {
    for (let i = 0; i < xs.length; i++) this.push(xs[i]);
    return this;
  }

  get total(): number {
    let t = this.underflow + this.overflow;
    for (let i = 0; i < this.bins; i++) t += this.counts[i];
    return t;
  }

  merge(other: Histogram | HistogramJSON): this {
    if (other.lo !== this.lo || other.hi !== this.hi || other.counts.length !== this.bins) {
      throw new RangeError('invalid histogram merge: bins differ');
    }
    for (let i = 0; i < this.bins; i++) this.counts[i] += other.counts[i];
    this.underflow += other.underflow;
    this.overflow += other.overflow;
    return this;
  }

  edges(): Float64Array {
    const e = new Float64Array(this.bins + 1);
    for (let i = 0; i <= this.bins; i++) e[i] = this.lo + (i * (this.hi - this.lo)) / this.bins;
    return e;
  }

  centers(): Float64Array {
    const c = new Float64Array(this.bins);
    const w = (this.hi - this.lo) / this.bins;
    for (let i = 0; i < this.bins; i++) c[i] = this.lo + (i + 0.5) * w;
    return c;
  }

  /** Probability density per bin (counts / (total · width)). */
  density(): Float64Array {
    const w = (this.hi - this.lo) / this.bins;
    const t = this.total;
    return this.counts.map((c) => c / (t * w));
  }

  /** Quantile by linear interpolation of the CDF inside a bin; NaN if it falls outside [lo, hi). */
  quantile(p: number): number {
    const target = p * this.total;
    let acc = this.underflow;
    if (target < acc) return NaN;
    const w = (this.hi - this.lo) / this.bins;
    for (let i = 0; i < this.bins; i++) {
      const c = this.counts[i];
      if (acc + c >= target && c > 0) return this.lo + (i + (target - acc) / c) * w;
      acc += c;
    }
    return NaN;
  }

  toJSON(): HistogramJSON {
    return { lo: this.lo, hi: this.hi, counts: Array.from(this.counts), underflow: this.underflow, overflow: this.overflow };
  }

  static fromJSON(j: HistogramJSON): Histogram {
    const h = new Histogram(j.lo, j.hi, j.counts.length);
    h.counts.set(j.counts);
    h.underflow = j.underflow;
    h.overflow = j.overflow;
    return h;
  }
}
