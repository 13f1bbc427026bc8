/**
 * How a cell reads the gradient, and where the boundary goes.
 *
 * A cell occupies one voxel, a cube of side h (so 3-D concentration c = n/h³ molecules/µm³).
 * It reads its copy number either as a snapshot n(t) or as a time average over a window T;
 * optionally the receptor adds Berg–Purcell-like sensing noise of relative size
 * δc/c = 1/√(D·a·c·T) (Berg & Purcell 1977, without the geometric prefactor: D the diffusion
 * coefficient, a the sensor's linear size, T the integration time), drawn lognormal so the
 * readout stays positive. The boundary is where the readout profile first crosses the threshold
 * (core's `thresholdCrossing`, linear interpolation between cell centres); a profile that never
 * crosses gives `{ boundary: false }` with the reason, never NaN.
 */
import { assertPositive, lognormalMeanCV, thresholdCrossing, type CrossingRule, type Stream } from '@snrlab/core';
import type { RdmeSimulator } from './rdme/ssa.js';

export type ReadoutMode = 'snapshot' | 'time-average';

/** δc/c = 1/√(D·a·c·T): relative error of a concentration measured by a sensor of size a over T. */
export function bergPurcellRelativeError(D: number, a: number, c: number, T: number): number {
  assertPositive('D', D);
  assertPositive('sensorSize', a);
  assertPositive('integrationTime', T);
  if (!(c > 0)) return Infinity;
  return 1 / Math.sqrt(D * a * c * T);
}

export interface SensingNoise {
  D: number;
  /** Sensor (receptor patch or cell) size a (µm). */
  sensorSize: number;
  /** Integration time T (s). */
  integrationTime: number;
  /** Voxel side h (µm): c = n/h³. */
  h: number;
}

/** Multiply each readout by a lognormal factor of mean 1 and CV δc/c (in place). */
export function applySensingNoise(stream: Stream, readout: Float64Array, s: SensingNoise): Float64Array {
  const vol = s.h * s.h * s.h;
  for (let i = 0; i < readout.length; i++) {
    const n = readout[i];
    if (!(n > 0)) {
      readout[i] = 0;
      continue;
    }
    const cv = bergPurcellRelativeError(s.D, s.sensorSize, n / vol, s.integrationTime);
    // a lognormal of mean n and CV above 10⁶ has its median below n·10⁻¹²: the reading is lost in noise
    readout[i] = cv < 1e6 ? lognormalMeanCV(stream, n, cv) : 0;
  }
  return readout;
}

/** The current copy numbers of a running simulation. */
export function snapshotReadout(sim: RdmeSimulator, out: Float64Array = new Float64Array(sim.counts.length)): Float64Array {
  for (let i = 0; i < out.length; i++) out[i] = sim.counts[i];
  return out;
}

/** Run the simulation for a window T and return each voxel's time-averaged copy number. */
export function timeAveragedReadout(sim: RdmeSimulator, T: number, out: Float64Array = new Float64Array(sim.counts.length)): Float64Array {
  assertPositive('integrationTime', T);
  sim.resetWindow();
  sim.advance(sim.time + T);
  sim.windowAverages(out);
  return out;
}

export type BoundaryReadout = { boundary: true; position: number } | { boundary: false; reason: string };

/** Where the readout crosses the threshold, or why there is no boundary. */
export function readBoundary(grid: ArrayLike<number>, readout: ArrayLike<number>, threshold: number, rule: CrossingRule = 'first'): BoundaryReadout {
  const x = thresholdCrossing(grid, readout, threshold, rule);
  if (x === x) return { boundary: true, position: x };
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = 0; i < readout.length; i++) {
    lo = Math.min(lo, readout[i]);
    hi = Math.max(hi, readout[i]);
  }
  const side = threshold > hi ? 'above the largest readout' : threshold < lo ? 'below the smallest readout' : 'not crossed';
  return {
    boundary: false,
    reason: `no boundary: threshold ${threshold} is ${side} (readout range [${lo.toPrecision(4)}, ${hi.toPrecision(4)}] on [${grid[0]}, ${grid[grid.length - 1]}] µm)`,
  };
}
