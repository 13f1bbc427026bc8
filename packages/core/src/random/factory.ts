/**
 * stdlib-js style factories: `random.normal.factory({ mean, sd }, { seed })` returns a sampler
 * function with `.fill(out)`, `.stream` and `.state()`. Parameters are validated once, with
 * errors that name the parameter.
 */
import * as d from './distributions.js';
import { Stream, type StreamState } from './stream.js';
import { assertFinite } from '../errors.js';

export interface PRNGOptions {
  /** Root seed (non-negative integer, bigint or string). */
  seed?: number | bigint | string;
  /** Continue from a serialised state. */
  state?: StreamState;
  /** Draw from an existing stream (shared, not copied). */
  prng?: Stream;
}

export interface Sampler {
  (): number;
  /** Fill `out` with draws and return it. */
  fill(out: Float64Array): Float64Array;
  readonly stream: Stream;
  state(): StreamState;
  readonly distribution: string;
}

/** The stream a factory draws from: `prng`, else `state`, else `seed`, else a fresh random seed. */
export function streamFromOptions(opts: PRNGOptions = {}): Stream {
  if (opts.prng) return opts.prng;
  if (opts.state) return Stream.restore(opts.state);
  if (opts.seed !== undefined) return Stream.fromSeed(opts.seed);
  const fresh = Math.floor(Math.random() * 2 ** 32) + 2 ** 32 * Math.floor(Math.random() * 2 ** 20);
  return Stream.fromSeed(fresh);
}

function makeSampler(name: string, stream: Stream, draw: (s: Stream) => number, fill?: (s: Stream, out: Float64Array) => void): Sampler {
  const f = (() => draw(stream)) as Sampler;
  Object.defineProperties(f, {
    stream: { value: stream },
    distribution: { value: name },
  });
  f.fill = (out: Float64Array) => {
    if (fill) fill(stream, out);
    else for (let i = 0; i < out.length; i++) out[i] = draw(stream);
    return out;
  };
  f.state = () => stream.state();
  return f;
}

export const uniform = {
  sample: (s: Stream, lo = 0, hi = 1) => lo + (hi - lo) * s.uniform(),
  factory({ lo = 0, hi = 1 }: { lo?: number; hi?: number } = {}, opts?: PRNGOptions): Sampler {
    assertFinite('lo', lo);
    assertFinite('hi', hi);
    if (!(hi > lo)) throw new RangeError(`invalid hi: got ${hi}; expected a number greater than lo = ${lo}`);
    return makeSampler('uniform', streamFromOptions(opts), (s) => lo + (hi - lo) * s.uniform(), (s, o) => s.fillUniform(o, lo, hi));
  },
};

export const normal = {
  sample: d.normal,
  factory({ mean = 0, sd = 1 }: { mean?: number; sd?: number } = {}, opts?: PRNGOptions): Sampler {
    d.distributionChecks.normal(mean, sd);
    return makeSampler('normal', streamFromOptions(opts), (s) => mean + sd * s.normal(), (s, o) => s.fillNormal(o, mean, sd));
  },
};

export const exponential = {
  sample: d.exponential,
  factory({ rate = 1 }: { rate?: number } = {}, opts?: PRNGOptions): Sampler {
    d.distributionChecks.exponential(rate);
    return makeSampler('exponential', streamFromOptions(opts), (s) => s.exponential() / rate);
  },
};

export const gamma = {
  sample: d.gamma,
  factory({ shape, scale = 1 }: { shape: number; scale?: number }, opts?: PRNGOptions): Sampler {
    d.distributionChecks.gamma(shape, scale);
    return makeSampler('gamma', streamFromOptions(opts), (s) => d.gamma(s, shape, scale));
  },
};

export const studentT = {
  sample: d.studentT,
  factory({ df }: { df: number }, opts?: PRNGOptions): Sampler {
    d.distributionChecks.studentT(df);
    return makeSampler('student-t', streamFromOptions(opts), (s) => d.studentT(s, df));
  },
};

export const poisson = {
  sample: d.poisson,
  factory({ mean }: { mean: number }, opts?: PRNGOptions): Sampler {
    d.distributionChecks.poisson(mean);
    return makeSampler('poisson', streamFromOptions(opts), (s) => d.poisson(s, mean));
  },
};

export const binomial = {
  sample: d.binomial,
  factory({ n, p }: { n: number; p: number }, opts?: PRNGOptions): Sampler {
    d.distributionChecks.binomial(n, p);
    return makeSampler('binomial', streamFromOptions(opts), (s) => d.binomial(s, n, p));
  },
};

export const stable = {
  sample: d.stableSymmetric,
  factory({ alpha, scale = 1 }: { alpha: number; scale?: number }, opts?: PRNGOptions): Sampler {
    d.distributionChecks.stable(alpha, scale);
    return makeSampler('alpha-stable', streamFromOptions(opts), (s) => d.stableSymmetric(s, alpha, scale));
  },
};
