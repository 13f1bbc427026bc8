/** Export stored sweep results as JSON or CSV (also what `snrlab results` prints). */
import fs from 'node:fs';
import { ResultsStore, type PointRow } from './store.js';

export function readResults(db: string): PointRow[] {
  if (!fs.existsSync(db)) throw new Error(`no results store at ${db}`);
  const s = new ResultsStore(db);
  try {
    return s.rows();
  } finally {
    s.close();
  }
}

export interface ExportOptions {
  /** Include each run's manifest (it holds timings, so two runs' exports then differ). */
  manifests?: boolean;
}

/** Rows as JSON, in point order; without timings, so equal sweeps export equal bytes. */
export function resultsToJSON(rows: PointRow[], opts: ExportOptions = {}): string {
  return JSON.stringify(
    rows.map((r) => ({
      index: r.index,
      point: r.point,
      replica: r.replica,
      seed: r.seed,
      status: r.status,
      params: r.params,
      measurements: r.measurements,
      metrics: r.metrics,
      verdicts: r.verdicts?.map((v) => ({ claim: v.claim, theory: v.theory, measured: v.measured, ci95: v.ci95, agrees: v.agrees })) ?? null,
      error: r.error,
      ...(opts.manifests ? { manifest: r.manifest, attempts: r.attempts, finishedAt: r.finishedAt } : {}),
    })),
    null,
    2,
  );
}

function csvCell(v: unknown): string {
  if (v === null || v === undefined) return '';
  const s = typeof v === 'string' ? v : typeof v === 'number' ? (Number.isFinite(v) ? String(v) : '') : JSON.stringify(v);
  return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** One row per point: index, point, replica, seed, status, the parameters, the metrics, agreement, error. */
export function resultsToCSV(rows: PointRow[]): string {
  const paramKeys = [...new Set(rows.flatMap((r) => Object.keys(r.params)))].sort();
  const metricKeys = [...new Set(rows.flatMap((r) => Object.keys(r.metrics ?? {})))].sort();
  const header = ['index', 'point', 'replica', 'seed', 'status', ...paramKeys, ...metricKeys, 'verdictsAgree', 'error'];
  const lines = [header.map(csvCell).join(',')];
  for (const r of rows) {
    const agree = r.verdicts && r.verdicts.length ? r.verdicts.every((v) => v.agrees) : null;
    lines.push(
      [r.index, r.point, r.replica, r.seed, r.status, ...paramKeys.map((k) => r.params[k]), ...metricKeys.map((k) => r.metrics?.[k]), agree, r.error]
        .map(csvCell)
        .join(','),
    );
  }
  return lines.join('\n') + '\n';
}
