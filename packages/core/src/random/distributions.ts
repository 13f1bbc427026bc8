/**
 * Samplers for the distributions the engines need, each drawing from a `Stream`.
 * Every sampler consumes a deterministic sequence of words, so a result is a pure function of
 * the stream's (seed, path, position).
 */
import gammaln from '@stdlib/math-base-special-gammaln';
import { assertFinite, assertInteger, assertPositive, assertProbability, assertInRange } from '../errors.js';
import type { Stream } from './stream.js';

/** N(mean, sd²). */
export function normal(s: Stream, mean = 0, sd = 1): number {
  return mean + sd * s.normal();
}

/** exp(N(mu, sigma²)); `mu`, `sigma` are the mean and sd of the log. */
export function lognormal(s: Stream, mu = 0, sigma = 1): number {
  return Math.exp(mu + sigma * s.normal());
}

/**
 * Lognormal with a given mean and coefficient of variation (the parametrisation biologists
 * use for kinetic parameters): sigma² = ln(1 + cv²), mu = ln(mean) − sigma²/2.
 */
export function lognormalMeanCV(s: Stream, mean: number, cv: number): number {
  if (cv === 0) return mean;
  const s2 = Math.log1p(cv * cv);
  return Math.exp(Math.log(mean) - 0.5 * s2 + Math.sqrt(s2) * s.normal());
}

/** Exponential with the given rate. */
export function exponential(s: Stream, rate = 1): number {
  return s.exponential() / rate;
}

/** Gamma(shape, scale) by Marsaglia & Tsang (2000); shape < 1 via the U^(1/shape) boost. */
export function gamma(s: Stream, shape: number, scale = 1): number {
  if (shape < 1) {
    const u = s.uniformPositive();
    return gamma(s, shape + 1, scale) * Math.pow(u, 1 / shape);
  }
  const d = shape - 1 / 3;
  const c = 1 / Math.sqrt(9 * d);
  for (;;) {
    let x: number;
    let v: number;
    do {
      x = s.normal();
      v = 1 + c * x;
    } while (v <= 0);
    v = v * v * v;
    const u = s.uniformPositive();
    const x2 = x * x;
    if (u < 1 - 0.0331 * x2 * x2) return d * v * scale;
    if (Math.log(u) < 0.5 * x2 + d * (1 - v + Math.log(v))) return d * v * scale;
  }
}

/** Chi-square with `df` degrees of freedom (any positive real). */
export function chiSquare(s: Stream, df: number): number {
  return gamma(s, df / 2, 2);
}

/** Student-t with `df` degrees of freedom: Z / sqrt(χ²_df / df). */
export function studentT(s: Stream, df: number): number {
  const z = s.normal();
  return z / Math.sqrt(chiSquare(s, df) / df);
}

/** Poisson: inversion for mean < 10, PTRS (Hörmann 1993) above, as NumPy does. */
export function poisson(s: Stream, mean: number): number {
  if (mean === 0) return 0;
  if (mean < 10) {
    // sequential inversion; the tail guard only matters for round-off at u ≈ 1
    const u = s.uniform();
    let p = Math.exp(-mean);
    let f = p;
    let k = 0;
    while (u > f && k < 1000) {
      k++;
      p *= mean / k;
      f += p;
    }
    return k;
  }
  const slam = Math.sqrt(mean);
  const loglam = Math.log(mean);
  const b = 0.931 + 2.53 * slam;
  const a = -0.059 + 0.02483 * b;
  const invalpha = 1.1239 + 1.1328 / (b - 3.4);
  const vr = 0.9277 - 3.6224 / (b - 2);
  for (;;) {
    const U = s.uniform() - 0.5;
    const V = s.uniform();
    const us = 0.5 - Math.abs(U);
    const k = Math.floor(((2 * a) / us + b) * U + mean + 0.43);
    if (us >= 0.07 && V <= vr) return k;
    if (k < 0 || (us < 0.013 && V > us)) continue;
    if (Math.log(V) + Math.log(invalpha) - Math.log(a / (us * us) + b) <= -mean + k * loglam - gammaln(k + 1)) {
      return k;
    }
  }
}

// Stirling-series tail ln k! − [(k+½)ln(k+1) − (k+1) + ½ln 2π] for k < 10 (Hörmann 1993, BTRS).
const STIRLING_TAIL = [
  0.0810614667953272, 0.0413406959554092, 0.0276779256849983, 0.02079067210376509, 0.0166446911898211,
  0.0138761288230707, 0.0118967099458917, 0.010411265261972, 0.00925546218271273, 0.00833056343336287,
];

function stirlingTail(k: number): number {
  if (k < 10) return STIRLING_TAIL[k];
  const kp1 = k + 1;
  const kp1sq = kp1 * kp1;
  return (1 / 12 - (1 / 360 - 1 / 1260 / kp1sq) / kp1sq) / kp1;
}

function binomialInversion(s: Stream, n: number, p: number): number {
  const q = 1 - p;
  const r0 = Math.pow(q, n);
  const ratio = p / q;
  const a = (n + 1) * ratio;
  for (;;) {
    let u = s.uniform();
    let r = r0;
    let x = 0;
    while (u > r) {
      u -= r;
      x++;
      if (x > n) break;
      r *= a / x - ratio;
    }
    if (x <= n) return x;
  }
}

function binomialBTRS(s: Stream, n: number, p: number): number {
  const spq = Math.sqrt(n * p * (1 - p));
  const b = 1.15 + 2.53 * spq;
  const a = -0.0873 + 0.0248 * b + 0.01 * p;
  const c = n * p + 0.5;
  const vr = 0.92 - 4.2 / b;
  const r = p / (1 - p);
  const alpha = (2.83 + 5.1 / b) * spq;
  const m = Math.floor((n + 1) * p);
  for (;;) {
    const u = s.uniform() - 0.5;
    let v = s.uniform();
    const us = 0.5 - Math.abs(u);
    const k = Math.floor(((2 * a) / us + b) * u + c);
    if (k < 0 || k > n) continue;
    if (us >= 0.07 && v <= vr) return k;
    v = Math.log((v * alpha) / (a / (us * us) + b));
    const upper =
      (m + 0.5) * Math.log((m + 1) / (r * (n - m + 1))) +
      (n + 1) * Math.log((n - m + 1) / (n - k + 1)) +
      (k + 0.5) * Math.log((r * (n - k + 1)) / (k + 1)) +
      stirlingTail(m) +
      stirlingTail(n - m) -
      stirlingTail(k) -
      stirlingTail(n - k);
    if (v <= upper) return k;
  }
}

/** Binomial(n, p): inversion when min(p,1−p)·n < 10, BTRS (Hörmann 1993) otherwise. */
export function binomial(s: Stream, n: number, p: number): number {
  if (n === 0 || p === 0) return 0;
  if (p === 1) return n;
  if (p > 0.5) return n - binomial(s, n, 1 - p);
  if (n * p < 10) return binomialInversion(s, n, p);
  return binomialBTRS(s, n, p);
}

/**
 * Multinomial(n, probs) by conditional binomials. `probs` need not be normalised.
 * Writes counts into `out` (length = probs.length) and returns it.
 */
export function multinomial(
  s: Stream,
  n: number,
  probs: ArrayLike<number>,
  out: Float64Array | Int32Array | Uint32Array = new Float64Array(probs.length),
): typeof out {
  let total = 0;
  for (let i = 0; i < probs.length; i++) total += probs[i];
  let left = n;
  let mass = total;
  const last = probs.length - 1;
  for (let i = 0; i < last; i++) {
    if (left === 0 || mass <= 0) {
      out[i] = 0;
      continue;
    }
    const k = binomial(s, left, Math.min(1, Math.max(0, probs[i] / mass)));
    out[i] = k;
    left -= k;
    mass -= probs[i];
  }
  out[last] = left;
  return out;
}

/**
 * Symmetric α-stable by Chambers–Mallows–Stuck (1976), β = 0.
 *
 * Scale convention: characteristic function E[e^{itX}] = exp(−|σ t|^α) (Samorodnitsky–Taqqu
 * S(α, 0, σ, 0)). With σ = 1: α = 2 is N(0, 2) (not N(0, 1)), α = 1 is standard Cauchy.
 */
export function stableSymmetric(s: Stream, alpha: number, scale = 1): number {
  const V = Math.PI * (s.uniform() - 0.5);
  const W = s.exponential();
  if (alpha === 1) return scale * Math.tan(V);
  const x =
    (Math.sin(alpha * V) / Math.pow(Math.cos(V), 1 / alpha)) *
    Math.pow(Math.cos((1 - alpha) * V) / W, (1 - alpha) / alpha);
  return scale * x;
}

/** ±1 with equal probability. */
export function rademacher(s: Stream): number {
  return s.nextUint32() & 1 ? 1 : -1;
}

/** 1 with probability p, else 0. */
export function bernoulli(s: Stream, p: number): number {
  return s.uniform() < p ? 1 : 0;
}

/** Index i with probability weights[i]/Σweights (linear scan; fine for small supports). */
export function categorical(s: Stream, weights: ArrayLike<number>): number {
  let total = 0;
  for (let i = 0; i < weights.length; i++) total += weights[i];
  let u = s.uniform() * total;
  for (let i = 0; i < weights.length - 1; i++) {
    u -= weights[i];
    if (u < 0) return i;
  }
  return weights.length - 1;
}

/** Fisher–Yates: the first k entries of `out` become a uniform sample without replacement of 0..n-1. */
export function sampleWithoutReplacement(s: Stream, n: number, k: number, out: Int32Array = new Int32Array(k), scratch?: Int32Array): Int32Array {
  const idx = scratch && scratch.length >= n ? scratch : new Int32Array(n);
  for (let i = 0; i < n; i++) idx[i] = i;
  for (let i = 0; i < k; i++) {
    const j = i + s.integer(n - i);
    const t = idx[i];
    idx[i] = idx[j];
    idx[j] = t;
    out[i] = idx[i];
  }
  return out;
}

/** Validated parameters for each named distribution, shared by the factories. */
export const distributionChecks = {
  normal(mean: number, sd: number) {
    assertFinite('mean', mean);
    assertPositive('sd', sd, { allowZero: true });
  },
  exponential(rate: number) {
    assertPositive('rate', rate);
  },
  gamma(shape: number, scale: number) {
    assertPositive('shape', shape);
    assertPositive('scale', scale);
  },
  studentT(df: number) {
    assertPositive('df', df);
  },
  poisson(mean: number) {
    assertPositive('mean', mean, { allowZero: true });
    assertInRange('mean', mean, 0, 1e15);
  },
  binomial(n: number, p: number) {
    assertInteger('n', n, { min: 0 });
    assertProbability('p', p);
  },
  stable(alpha: number, scale: number) {
    assertInRange('alpha', alpha, 0, 2, { loOpen: true });
    assertPositive('scale', scale);
  },
};
