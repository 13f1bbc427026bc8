/**
 * Small builders for the Vega-Lite figures every experiment returns: measured points with
 * error bars, and theory lines, on linear or log axes. The specs carry their data inline so
 * a result file renders anywhere.
 */
import type { Figure } from './types.js';

export const VEGA_LITE_SCHEMA = 'https://vega.github.io/schema/vega-lite/v6.json';

export interface XYPoint {
  x: number;
  y: number;
  /** Lower/upper end of the error bar. */
  lo?: number;
  hi?: number;
  series?: string;
}

export interface XYLine {
  x: number;
  y: number;
  series?: string;
}

export interface AxisSpec {
  title: string;
  log?: boolean;
  zero?: boolean;
}

export interface XYFigureInput {
  name: string;
  title: string;
  x: AxisSpec;
  y: AxisSpec;
  points?: XYPoint[];
  lines?: XYLine[];
  /** Draw the measured points joined in the order given (trajectories), not as dots. */
  connectPoints?: boolean;
  width?: number;
  height?: number;
}

const finite = (v: number | undefined) => v !== undefined && Number.isFinite(v);

/** Points with error bars (series coloured) over dashed theory lines. */
export function xyFigure(f: XYFigureInput): Figure {
  const scale = (a: AxisSpec) => (a.log ? { type: 'log' } : { zero: a.zero ?? false });
  const x = { field: 'x', type: 'quantitative', title: f.x.title, scale: scale(f.x) };
  const y = { field: 'y', type: 'quantitative', title: f.y.title, scale: scale(f.y) };
  const color = { field: 'series', type: 'nominal', title: null };
  const layer: Record<string, unknown>[] = [];
  const lines = (f.lines ?? []).filter((l) => finite(l.x) && finite(l.y) && (!f.y.log || l.y > 0) && (!f.x.log || l.x > 0));
  const points = (f.points ?? []).filter((p) => finite(p.x) && finite(p.y) && (!f.y.log || p.y > 0) && (!f.x.log || p.x > 0));
  if (lines.length) {
    layer.push({
      data: { values: lines.map((l) => ({ x: l.x, y: l.y, series: l.series ?? 'theory' })) },
      mark: { type: 'line', strokeDash: [6, 4], strokeWidth: 1.5 },
      encoding: { x, y, color, detail: { field: 'series' } },
    });
  }
  if (points.length) {
    const values = points.map((p, i) => ({
      x: p.x,
      y: p.y,
      lo: finite(p.lo) && (!f.y.log || (p.lo as number) > 0) ? p.lo : p.y,
      hi: finite(p.hi) ? p.hi : p.y,
      series: p.series ?? 'measured',
      order: i,
    }));
    layer.push({
      data: { values },
      mark: f.connectPoints ? { type: 'line', point: false } : { type: 'point', filled: true, size: 50 },
      // a line joins points in the given order (Vega-Lite would otherwise sort them by x)
      encoding: f.connectPoints ? { x, y, color, order: { field: 'order', type: 'quantitative' } } : { x, y, color },
    });
    if (values.some((v) => v.lo !== v.y || v.hi !== v.y)) {
      layer.push({
        data: { values },
        mark: { type: 'rule' },
        encoding: { x, y: { field: 'lo', type: 'quantitative', scale: scale(f.y) }, y2: { field: 'hi' }, color },
      });
    }
  }
  return {
    name: f.name,
    title: f.title,
    spec: {
      $schema: VEGA_LITE_SCHEMA,
      background: 'white',
      title: f.title,
      width: f.width ?? 420,
      height: f.height ?? 280,
      layer,
    },
  };
}

/** A sampled function as line points, e.g. a theory curve y = fn(x) on [lo, hi]. */
export function curve(fn: (x: number) => number, lo: number, hi: number, n = 60, series = 'theory', log = false): XYLine[] {
  const out: XYLine[] = [];
  for (let i = 0; i < n; i++) {
    const t = i / (n - 1);
    const x = log ? Math.exp(Math.log(lo) + t * (Math.log(hi) - Math.log(lo))) : lo + t * (hi - lo);
    out.push({ x, y: fn(x), series });
  }
  return out;
}
