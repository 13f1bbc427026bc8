/** Figures of this package, built on core's xyFigure. */
import { xyFigure, type Figure, type XYPoint } from '@snrlab/core';

export interface PhaseSeries {
  label: string;
  /** Iterates, row-major (points × dim). */
  path: ArrayLike<number>;
  dim: number;
  /** Coordinates drawn on the horizontal and vertical axes (default 0 and dim − 1: x and y of a 2-D game). */
  ix?: number;
  iy?: number;
}

/** Trajectories in the (x, y) plane, one line per series in iteration order. */
export function phasePortrait(name: string, title: string, series: PhaseSeries[], axes: { x: string; y: string } = { x: 'x', y: 'y' }): Figure {
  const points: XYPoint[] = [];
  for (const s of series) {
    const ix = s.ix ?? 0;
    const iy = s.iy ?? s.dim - 1;
    const n = Math.floor(s.path.length / s.dim);
    for (let k = 0; k < n; k++) points.push({ x: s.path[k * s.dim + ix], y: s.path[k * s.dim + iy], series: s.label });
  }
  return xyFigure({ name, title, x: { title: axes.x, zero: true }, y: { title: axes.y, zero: true }, points, connectPoints: true, width: 420, height: 420 });
}

/** Thin a long series to about `max` evenly spaced indices (always keeping the last). */
export function thinIndices(n: number, max: number): number[] {
  if (n <= max) return Array.from({ length: n }, (_, i) => i);
  const out: number[] = [];
  const step = (n - 1) / (max - 1);
  for (let i = 0; i < max; i++) out.push(Math.round(i * step));
  return [...new Set(out)];
}

