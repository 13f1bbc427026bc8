/** The three comparison figures as Vega-Lite specifications. */
import { VEGA_LITE_SCHEMA, type Figure } from '@snrlab/core';
import type { Axis, CompareRun } from './types.js';

const finite = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

const TITLES: Record<Axis, { name: string; title: string; x: string; y: string }> = {
  variance: {
    name: 'variance-vs-budget',
    title: 'Variance against budget, every domain on one axis',
    x: 'budget / smallest budget',
    y: 'variance / variance at the smallest budget',
  },
  positional: {
    name: 'positional-error',
    title: 'Threshold-crossing error: σ_x·|F′|/σ_F',
    x: '',
    y: 'σ_x · |F′| / σ_F   (theory: 1)',
  },
  temperature: {
    name: 'temperature',
    title: 'Stationary spread against effective temperature',
    x: 'effective temperature T (model units)',
    y: 'variance × stiffness, or T from escape',
  },
};

function powerLawFigure(axis: Axis, runs: CompareRun[]): Figure {
  const t = TITLES[axis];
  const pts: Record<string, unknown>[] = [];
  const lines: Record<string, unknown>[] = [];
  for (const run of runs) {
    for (const c of run.contributions.filter((c) => c.axis === axis)) {
      const ok = c.points.filter((p) => finite(p.x) && finite(p.y) && p.x > 0 && p.y > 0);
      for (const p of ok) pts.push({ x: p.x, y: p.y, lo: finite(p.lo) && p.lo > 0 ? p.lo : p.y, hi: finite(p.hi) ? p.hi : p.y, series: c.series });
      if (c.theorySlope !== undefined && ok.length) {
        const xs = ok.map((p) => p.x);
        const lo = Math.min(...xs);
        const hi = Math.max(...xs);
        // the theory line through the first point's scale: y = y0·(x/x0)^slope
        const x0 = ok[0].x;
        const y0 = axis === 'temperature' ? x0 : ok[0].y;
        for (const x of [lo, hi]) lines.push({ x, y: y0 * Math.pow(x / x0, c.theorySlope), series: c.theoryLabel ?? `theory slope ${c.theorySlope.toFixed(2)}` });
      }
    }
  }
  const scale = { type: 'log' };
  const enc = (field: string, title: string) => ({ field, type: 'quantitative', title, scale });
  return {
    name: t.name,
    title: t.title,
    spec: {
      $schema: VEGA_LITE_SCHEMA,
      background: 'white',
      title: t.title,
      width: 520,
      height: 340,
      layer: [
        { data: { values: lines }, mark: { type: 'line', strokeDash: [6, 4] }, encoding: { x: enc('x', t.x), y: enc('y', t.y), detail: { field: 'series' }, color: { field: 'series', type: 'nominal', title: null, legend: { labelLimit: 480 } } } },
        { data: { values: pts }, mark: { type: 'rule' }, encoding: { x: { field: 'x', type: 'quantitative', scale }, y: { field: 'lo', type: 'quantitative', scale }, y2: { field: 'hi' }, color: { field: 'series', type: 'nominal', title: null } } },
        { data: { values: pts }, mark: { type: 'point', filled: true, size: 60 }, encoding: { x: enc('x', t.x), y: enc('y', t.y), color: { field: 'series', type: 'nominal', title: null, legend: { labelLimit: 480 } }, shape: { field: 'series', type: 'nominal', title: null, legend: { labelLimit: 480 } } } },
      ],
    },
  };
}

function positionalFigure(runs: CompareRun[]): Figure {
  const t = TITLES.positional;
  const pts: Record<string, unknown>[] = [];
  for (const run of runs) {
    for (const c of run.contributions.filter((c) => c.axis === 'positional')) {
      for (const p of c.points) if (finite(p.y)) pts.push({ series: c.series, y: p.y, lo: finite(p.lo) ? p.lo : p.y, hi: finite(p.hi) ? p.hi : p.y });
    }
  }
  const x = { field: 'series', type: 'nominal', title: null, axis: { labelAngle: -20, labelLimit: 220 } };
  // keep the theory value 1 and every interval in view
  const ends = pts.flatMap((p) => [p.lo as number, p.hi as number]);
  const span = Math.max(0.02, ...ends.map((v) => Math.abs(v - 1)));
  const yScale = { domain: [1 - 1.25 * span, 1 + 1.25 * span], zero: false };
  return {
    name: t.name,
    title: t.title,
    spec: {
      $schema: VEGA_LITE_SCHEMA,
      background: 'white',
      title: t.title,
      width: 520,
      height: 300,
      layer: [
        { data: { values: [{ y: 1 }] }, mark: { type: 'rule', strokeDash: [6, 4], color: '#444' }, encoding: { y: { field: 'y', type: 'quantitative', scale: yScale } } },
        { data: { values: pts }, mark: { type: 'rule', strokeWidth: 2 }, encoding: { x, y: { field: 'lo', type: 'quantitative', title: t.y, scale: yScale }, y2: { field: 'hi' }, color: { field: 'series', type: 'nominal', legend: null } } },
        { data: { values: pts }, mark: { type: 'point', filled: true, size: 90 }, encoding: { x, y: { field: 'y', type: 'quantitative', title: t.y, scale: yScale }, color: { field: 'series', type: 'nominal', legend: null } } },
      ],
    },
  };
}

export function compareFigures(runs: CompareRun[]): Figure[] {
  return [powerLawFigure('variance', runs), positionalFigure(runs), powerLawFigure('temperature', runs)];
}
