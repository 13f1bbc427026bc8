/**
 * Positional error of a threshold readout. A noisy field F(x) read against a threshold θ
 * places a boundary where it crosses θ. Two estimates of the boundary's spread:
 *  - direct: the standard deviation of the crossing positions over realisations;
 *  - delta method (error propagation): σ_x ≈ σ_F(x*) / |F̄'(x*)| at the crossing x* of the
 *    mean profile.
 * They agree while the noise is small against the slope over the scale σ_x.
 * The same function places a morphogen boundary, a loss minimum read from noisy gradients
 * (F = ∇L, θ = 0), or an optimal VQE angle under shot noise.
 */
import { Moments, VectorMoments } from '../stats/moments.js';
import { zForLevel } from '../stats/special.js';
import { assertInteger, assertFinite, ParameterError } from '../errors.js';
import type { Stream } from '../random/stream.js';

export type CrossingRule = 'first' | 'last';

/**
 * Position where `values` (on the increasing `grid`) first (or last) crosses `threshold`,
 * by linear interpolation inside the crossing segment; NaN if it never does.
 */
export function thresholdCrossing(
  grid: ArrayLike<number>,
  values: ArrayLike<number>,
  threshold: number,
  rule: CrossingRule = 'first',
): number {
  const n = grid.length;
  const seg = (i: number): number => {
    const a = values[i] - threshold;
    const b = values[i + 1] - threshold;
    if (a === 0) return grid[i];
    if ((a < 0 && b >= 0) || (a > 0 && b <= 0)) return grid[i] + ((grid[i + 1] - grid[i]) * a) / (a - b);
    return NaN;
  };
  if (rule === 'first') {
    for (let i = 0; i < n - 1; i++) {
      const x = seg(i);
      if (x === x) return x;
    }
    return values[n - 1] === threshold ? grid[n - 1] : NaN;
  }
  if (values[n - 1] === threshold) return grid[n - 1];
  for (let i = n - 2; i >= 0; i--) {
    const x = seg(i);
    if (x === x) return x;
  }
  return NaN;
}

export interface PositionalErrorOptions {
  /** Increasing sample positions. */
  grid: ArrayLike<number>;
  /** Write one realisation of the noisy field on `grid` into `out`. */
  sample: (stream: Stream, out: Float64Array) => void;
  threshold: number;
  realizations: number;
  stream: Stream;
  crossing?: CrossingRule;
  /** Optional analytic mean profile, its derivative and the noise sd, for `sigmaXDeltaAnalytic`. */
  mean?: (x: number) => number;
  derivative?: (x: number) => number;
  sd?: (x: number) => number;
}

export interface PositionalErrorResult {
  /** False when the mean profile never crosses the threshold on the grid. */
  boundary: boolean;
  reason?: string;
  /** Crossing of the sampled mean profile. */
  xStar: number;
  meanPosition: number;
  sigmaXDirect: number;
  sigmaXDirectSE: number;
  /** σ_F at x* and the slope of the mean profile there, both from the samples. */
  sigmaF: number;
  slope: number;
  sigmaXDelta: number;
  sigmaXDeltaSE: number;
  /** σ_F/|F'| from the analytic profile, when given. */
  sigmaXDeltaAnalytic?: number;
  ratio: number;
  /** Batch-means SE of the ratio (the two estimates share realisations, so their errors correlate). */
  ratioSE: number;
  ratioCI95: [number, number];
  /**
   * Size of the delta method's neglected second-order terms: 2(σ_x/ℓ)² for the lengths
   * ℓ = |F'/F''| and |σ_F/σ_F'| over which the slope and the noise level change, plus
   * 2σ_x²·|σ_F''/σ_F|, the curvature of the noise profile (it dominates when every realisation
   * has its own random slope, as a mini-batch gradient does: σ_F² = σ_g² + t²Var(h) makes the
   * zero −g/h spread more than σ_g/H, by about 2Var(h)/H²). The ratio may differ from 1 by
   * about this much.
   */
  secondOrder: number;
  realizations: number;
  /** Realisations whose field never crossed (left out of the direct spread). */
  noBoundary: number;
  /** Sampled mean and sd of the field on the grid. */
  meanProfile: Float64Array;
  sdProfile: Float64Array;
}

/** Linear interpolation of node values `v` at x (x inside the grid). */
export function interpAt(grid: ArrayLike<number>, v: ArrayLike<number>, x: number): number {
  const n = grid.length;
  let i = 0;
  while (i < n - 2 && grid[i + 1] < x) i++;
  const t = (x - grid[i]) / (grid[i + 1] - grid[i]);
  return v[i] + t * (v[i + 1] - v[i]);
}

/** Derivative at the nodes: central differences inside, one-sided at the ends. */
/** Derivative of node values `v` at every node: central differences, one-sided at the ends. */
export function nodeDerivative(grid: ArrayLike<number>, v: ArrayLike<number>): Float64Array {
  const n = grid.length;
  const d = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const a = Math.max(0, i - 1);
    const b = Math.min(n - 1, i + 1);
    d[i] = (v[b] - v[a]) / (grid[b] - grid[a]);
  }
  return d;
}

const BATCHES = 10;

export function positionalError(opts: PositionalErrorOptions): PositionalErrorResult {
  const { grid, threshold, realizations, stream } = opts;
  const rule = opts.crossing ?? 'first';
  assertInteger('realizations', realizations, { min: 10 * BATCHES });
  assertFinite('threshold', threshold);
  const n = grid.length;
  if (n < 3) throw new ParameterError('grid.length', n, 'at least 3 points');
  for (let i = 1; i < n; i++) {
    if (!(grid[i] > grid[i - 1])) throw new ParameterError(`grid[${i}]`, grid[i], `a value above grid[${i - 1}] = ${grid[i - 1]}`);
  }
  const field = new Float64Array(n);
  const profile = new VectorMoments(n, false);
  const positions = new Moments();
  // batches give an SE for the ratio that respects the correlation of its two estimates
  const perBatch = Math.floor(realizations / BATCHES);
  const batchProfiles = Array.from({ length: BATCHES }, () => new VectorMoments(n, false));
  const batchPositions = Array.from({ length: BATCHES }, () => new Moments());
  let noBoundary = 0;
  for (let r = 0; r < realizations; r++) {
    opts.sample(stream, field);
    profile.push(field);
    const b = Math.min(BATCHES - 1, Math.floor(r / perBatch));
    batchProfiles[b].push(field);
    const x = thresholdCrossing(grid, field, threshold, rule);
    if (x === x) {
      positions.push(x);
      batchPositions[b].push(x);
    } else noBoundary++;
  }
  const meanProfile = Float64Array.from(profile.mean);
  const sdProfile = profile.variances().map(Math.sqrt);
  const xStar = thresholdCrossing(grid, meanProfile, threshold, rule);
  const z = zForLevel(0.95);
  if (!(xStar === xStar) || positions.n < 3) {
    return {
      boundary: false,
      reason:
        xStar === xStar
          ? `only ${positions.n} of ${realizations} realisations crossed the threshold ${threshold}`
          : `the mean profile never crosses the threshold ${threshold} on [${grid[0]}, ${grid[n - 1]}] (no boundary)`,
      xStar,
      meanPosition: positions.n ? positions.mean : NaN,
      sigmaXDirect: NaN,
      sigmaXDirectSE: NaN,
      sigmaF: NaN,
      slope: NaN,
      sigmaXDelta: NaN,
      sigmaXDeltaSE: NaN,
      ratio: NaN,
      ratioSE: NaN,
      ratioCI95: [NaN, NaN],
      secondOrder: NaN,
      realizations,
      noBoundary,
      meanProfile,
      sdProfile,
    };
  }
  const d1 = nodeDerivative(grid, meanProfile);
  const d2 = nodeDerivative(grid, d1);
  const dsd = nodeDerivative(grid, sdProfile);
  const d2sd = nodeDerivative(grid, dsd);
  const slope = interpAt(grid, d1, xStar);
  const sigmaF = interpAt(grid, sdProfile, xStar);
  const sigmaXDelta = sigmaF / Math.abs(slope);
  // normal-theory SE of a sample sd: σ/√(2(n−1))
  const sigmaXDeltaSE = sigmaXDelta / Math.sqrt(2 * (realizations - 1));
  const sigmaXDirect = positions.sd;
  const sigmaXDirectSE = Number.isFinite(positions.sdSE) ? positions.sdSE : sigmaXDirect / Math.sqrt(2 * (positions.n - 1));
  const ratio = sigmaXDirect / sigmaXDelta;
  const batchRatios = new Moments();
  for (let b = 0; b < BATCHES; b++) {
    const sdB = Math.sqrt(interpAt(grid, batchProfiles[b].variances(), xStar));
    if (batchPositions[b].n > 2 && sdB > 0) batchRatios.push(batchPositions[b].sd / (sdB / Math.abs(slope)));
  }
  const ratioSE = batchRatios.sd / Math.sqrt(batchRatios.n);
  // the delta method is first order: its error is of order (σ_x/ℓ)² for the lengths ℓ over
  // which the slope and the noise level change, plus the noise profile's curvature
  const curvature = interpAt(grid, d2, xStar) / slope;
  const noiseGradient = interpAt(grid, dsd, xStar) / sigmaF;
  const noiseCurvature = Math.abs(interpAt(grid, d2sd, xStar)) / sigmaF;
  const secondOrder = 2 * sigmaXDelta * sigmaXDelta * (curvature * curvature + noiseGradient * noiseGradient + noiseCurvature);
  let analytic: number | undefined;
  if (opts.mean && opts.sd) {
    const d = opts.derivative ? opts.derivative(xStar) : (opts.mean(xStar + 1e-6) - opts.mean(xStar - 1e-6)) / 2e-6;
    analytic = opts.sd(xStar) / Math.abs(d);
  }
  return {
    boundary: true,
    xStar,
    meanPosition: positions.mean,
    sigmaXDirect,
    sigmaXDirectSE,
    sigmaF,
    slope,
    sigmaXDelta,
    sigmaXDeltaSE,
    ...(analytic !== undefined ? { sigmaXDeltaAnalytic: analytic } : {}),
    ratio,
    ratioSE,
    ratioCI95: [ratio - z * ratioSE, ratio + z * ratioSE],
    secondOrder,
    realizations,
    noBoundary,
    meanProfile,
    sdProfile,
  };
}
/** σ_x = σ_F / |F'|: the delta-method positional error. */
export function deltaMethodPositionalError(sigmaF: number, slope: number): number {
  return sigmaF / Math.abs(slope);
}
