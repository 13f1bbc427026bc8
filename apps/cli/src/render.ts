/** Vega-Lite specifications rendered to SVG in Node (no browser, no canvas). */
import * as vega from 'vega';
import * as vl from 'vega-lite';
import type { Figure } from '@snrlab/core';

export async function figureToSVG(figure: Figure): Promise<string> {
  const compiled = vl.compile(figure.spec as unknown as vl.TopLevelSpec).spec;
  const view = new vega.View(vega.parse(compiled), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

/** File-system-safe name for a figure. */
export function figureFileName(figure: Figure): string {
  return figure.name.replace(/[^A-Za-z0-9._-]+/g, '-') + '.svg';
}
