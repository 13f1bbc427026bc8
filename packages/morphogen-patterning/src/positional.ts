/**
 * Positional error of a gradient's boundaries along the axis, three ways (Vetter & Iber 2022):
 *  1. direct (DEEM): the sd of the positions where each realisation crosses the threshold;
 *  2. propagated (NumEPM): σ_C(x*)/|dC̄/dx(x*)|, the slope taken from the sampled mean gradient;
 *  3. fitted (FitEPM): σ_C(x*)/|C_fit'(x*)|, the slope of an exponential fitted (least squares
 *     in linear space, so the values near the source dominate) to the mean.
 * 1 and 2 come from core's `positionalError` (with its batch-means interval on their ratio and
 * the size of the delta method's neglected second-order terms); 3 reuses its sampled mean and sd.
 *
 * Realisations are sampled on a fine grid inside the patterning domain. Per-cell readouts are
 * carried onto the fine grid by log-linear interpolation between cell centres, which is exact
 * for an exponential mean, so a boundary at a cell centre sees that cell's own noise.
 */
import { positionalError, type PositionalErrorResult, type Stream } from '@snrlab/core';
import { fitExponentialLinear } from './sdd.js';

export interface AxisPositionalErrorOptions {
  /** Increasing fine grid of readout positions (µm). */
  grid: Float64Array;
  /** Write one realisation of the readout on `grid`. */
  sample: (stream: Stream, out: Float64Array) => void;
  /** Positions along the axis whose reference concentration sets each threshold. */
  positions: readonly number[];
  /** The reference (noise-free) profile, whose values at `positions` are the thresholds. */
  reference: (x: number) => number;
  realizations: number;
  stream: Stream;
  /** Range of the exponential fit of FitEPM (default: the whole grid). */
  fitRange?: [number, number];
}

export interface AxisPoint {
  position: number;
  threshold: number;
  boundary: boolean;
  reason?: string;
  xStar: number;
  sigmaXDirect: number;
  sigmaXDirectSE: number;
  sigmaXPropagated: number;
  sigmaXPropagatedSE: number;
  /** σ_x(direct)/σ_x(propagated) with its batch-means 95% interval. */
  ratio: number;
  ratioCI95: [number, number];
  secondOrder: number;
  sigmaXFitted: number;
  sigmaC: number;
  slope: number;
  fittedSlope: number;
  noBoundary: number;
}

/** Exponential fitted (in linear space) to the sampled mean profile over the fit range. */
function fitMean(grid: Float64Array, mean: Float64Array, range?: [number, number]) {
  const xs: number[] = [];
  const cs: number[] = [];
  for (let i = 0; i < grid.length; i++) {
    if (range && (grid[i] < range[0] || grid[i] > range[1])) continue;
    xs.push(grid[i]);
    cs.push(mean[i]);
  }
  // initial guess: the mean's decay over the fitted range
  const guess = (xs[xs.length - 1] - xs[0]) / Math.max(1e-3, Math.log(Math.max(cs[0], 1e-300) / Math.max(cs[cs.length - 1], 1e-300)));
  return fitExponentialLinear(xs, cs, guess);
}

export function axisPositionalError(o: AxisPositionalErrorOptions): { points: AxisPoint[]; results: PositionalErrorResult[] } {
  const points: AxisPoint[] = [];
  const results: PositionalErrorResult[] = [];
  o.positions.forEach((x, j) => {
    const { point, result } = axisPoint(o, x, o.stream.child(j));
    points.push(point);
    results.push(result);
  });
  return { points, results };
}

/** One readout position of `axisPositionalError`, its realisations drawn from `stream`. */
export function axisPoint(
  o: Omit<AxisPositionalErrorOptions, 'positions' | 'stream'>,
  x: number,
  stream: Stream,
): { point: AxisPoint; result: PositionalErrorResult } {
  const threshold = o.reference(x);
  const r = positionalError({ grid: o.grid, sample: o.sample, threshold, realizations: o.realizations, stream });
  if (!r.boundary) {
    return {
      result: r,
      point: {
        position: x,
        threshold,
        boundary: false,
        reason: r.reason,
        xStar: NaN,
        sigmaXDirect: NaN,
        sigmaXDirectSE: NaN,
        sigmaXPropagated: NaN,
        sigmaXPropagatedSE: NaN,
        ratio: NaN,
        ratioCI95: [NaN, NaN],
        secondOrder: NaN,
        sigmaXFitted: NaN,
        sigmaC: NaN,
        slope: NaN,
        fittedSlope: NaN,
        noBoundary: r.noBoundary,
      },
    };
  }
  const fit = fitMean(o.grid, r.meanProfile, o.fitRange);
  const fittedSlope = (-fit.C0 / fit.decayLength) * Math.exp(-r.xStar / fit.decayLength);
  return {
    result: r,
    point: {
      position: x,
      threshold,
      boundary: true,
      xStar: r.xStar,
      sigmaXDirect: r.sigmaXDirect,
      sigmaXDirectSE: r.sigmaXDirectSE,
      sigmaXPropagated: r.sigmaXDelta,
      sigmaXPropagatedSE: r.sigmaXDeltaSE,
      ratio: r.ratio,
      ratioCI95: r.ratioCI95,
      secondOrder: r.secondOrder,
      sigmaXFitted: r.sigmaF / Math.abs(fittedSlope),
      sigmaC: r.sigmaF,
      slope: r.slope,
      fittedSlope,
      noBoundary: r.noBoundary,
    },
  };
}

/** Log-linear interpolation of per-cell values (at increasing `cells`) onto `grid`; values ≤ 0 are floored at `floor`. */
export function logInterpolate(cells: Float64Array, values: ArrayLike<number>, grid: Float64Array, out: Float64Array, floor = 0.5): Float64Array {
  let c = 0;
  const n = cells.length;
  for (let g = 0; g < grid.length; g++) {
    const x = grid[g];
    while (c < n - 2 && cells[c + 1] < x) c++;
    const t = (x - cells[c]) / (cells[c + 1] - cells[c]);
    const a = Math.log(Math.max(values[c], floor));
    const b = Math.log(Math.max(values[c + 1], floor));
    out[g] = Math.exp(a + t * (b - a));
  }
  return out;
}
