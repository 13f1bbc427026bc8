/// <reference lib="dom" />
/**
 * The experiments' own Vega-Lite figures (from `present`), drawn with Vega on a canvas (cheaper to
 * repaint live than SVG; every chart has a data table for screen readers). A figure is
 * compiled once; live updates only replace its data (named data sets), which keeps each update
 * far below the 50 ms long-task budget. Colours: the Okabe–Ito palette (safe for the common
 * colour-vision deficiencies); theory lines are also dashed, so nothing relies on colour alone.
 */
import * as vega from 'vega';
import { compile } from 'vega-lite';
import type { Figure } from '@snrlab/core';

export const OKABE_ITO = ['#0072B2', '#E69F00', '#009E73', '#CC79A7', '#56B4E9', '#D55E00', '#000000', '#F0E442'];

interface Split {
  /** The spec with each layer's inline data replaced by a named data set. */
  shape: Record<string, unknown>;
  data: Record<string, unknown[]>;
}

function split(spec: Record<string, unknown>): Split {
  const data: Record<string, unknown[]> = {};
  const walk = (s: Record<string, unknown>, path: string): Record<string, unknown> => {
    const out: Record<string, unknown> = { ...s };
    const d = s.data as { values?: unknown[] } | undefined;
    if (d && Array.isArray(d.values)) {
      data[path] = d.values;
      out.data = { name: path };
    }
    if (Array.isArray(s.layer)) out.layer = (s.layer as Record<string, unknown>[]).map((l, i) => walk(l, `${path}_${i}`));
    return out;
  };
  const shape = walk(spec, 'd');
  // the title (which often names parameter values) is the figure's caption instead, so a new
  // parameter value does not force a recompile
  delete shape.$schema;
  delete shape.title;
  return { shape, data };
}

export interface ChartHandle {
  update(figure: Figure): Promise<void>;
  destroy(): void;
}

/**
 * A chart that keeps one compiled Vega view per shape of its figure (a live figure may lack a
 * layer the final one has): each shape is compiled once, later updates only swap data.
 */
export function createChart(host: HTMLElement): ChartHandle {
  const views = new Map<string, { view: vega.View; el: HTMLElement }>();
  return {
    async update(figure) {
      const { shape, data } = split(figure.spec);
      const k = JSON.stringify(shape);
      let entry = views.get(k);
      if (!entry) {
        const el = document.createElement('div');
        host.append(el);
        const config = { range: { category: OKABE_ITO }, axis: { labelFontSize: 11, titleFontSize: 12 }, legend: { labelFontSize: 11 } };
        const vl = compile({ ...(shape as object), config } as never).spec;
        entry = { view: new vega.View(vega.parse(vl), { renderer: 'canvas', container: el, hover: false }), el };
        views.set(k, entry);
      }
      for (const [name, values] of Object.entries(data)) entry.view.data(name, values as object[]);
      await entry.view.runAsync();
      for (const v of views.values()) v.el.hidden = v !== entry;
      const canvas = entry.el.querySelector('canvas');
      canvas?.setAttribute('role', 'img');
      canvas?.setAttribute('aria-label', `${figure.title} (chart; its data table follows)`);
    },
    destroy() {
      for (const v of views.values()) v.view.finalize();
      views.clear();
    },
  };
}

/** The rows of a figure's data, for the table that accompanies every chart. */
export function figureRows(figure: Figure): { columns: string[]; rows: unknown[][] } {
  const { data } = split(figure.spec);
  const all = Object.values(data).flat() as Record<string, unknown>[];
  const seen = new Set<string>();
  const columns: string[] = [];
  for (const r of all) {
    for (const c of Object.keys(r)) {
      if (c === 'order' || seen.has(c)) continue;
      seen.add(c);
      columns.push(c);
    }
  }
  const rows: unknown[][] = [];
  const dedupe = new Set<string>();
  for (const r of all) {
    const row = columns.map((c) => r[c]);
    const s = JSON.stringify(row);
    if (dedupe.has(s)) continue;
    dedupe.add(s);
    rows.push(row);
  }
  return { columns, rows };
}
