/** Plain-text tables for the terminal. */
import { intervalText } from '@snrlab/core';
import type { ExperimentResult, Verdict } from '@snrlab/core';

export function fmt(v: unknown): string {
  if (typeof v === 'number') {
    if (Number.isNaN(v)) return 'NaN';
    if (!Number.isFinite(v)) return v > 0 ? '∞' : '-∞';
    if (Number.isInteger(v) && Math.abs(v) < 1e9) return String(v);
    const a = Math.abs(v);
    return a !== 0 && (a >= 1e6 || a < 1e-3) ? v.toExponential(4) : v.toPrecision(5);
  }
  if (v === null || v === undefined) return '-';
  if (Array.isArray(v)) return v.map(fmt).join(', ');
  return String(v);
}

/** A boxed text table; long cells wrap at `maxWidth`. */
export function table(columns: string[], rows: unknown[][], maxWidth = 60): string {
  const cells = rows.map((r) => r.map((c) => fmt(c)));
  const widths = columns.map((c, i) => Math.min(maxWidth, Math.max(c.length, ...cells.map((r) => (r[i] ?? '').length))));
  const wrap = (s: string, w: number): string[] => {
    if (s.length <= w) return [s];
    const out: string[] = [];
    let line = '';
    for (const word of s.split(' ')) {
      if (line && line.length + 1 + word.length > w) {
        out.push(line);
        line = word;
      } else line = line ? `${line} ${word}` : word;
      while (line.length > w) {
        out.push(line.slice(0, w));
        line = line.slice(w);
      }
    }
    if (line) out.push(line);
    return out;
  };
  const sep = '+' + widths.map((w) => '-'.repeat(w + 2)).join('+') + '+';
  const render = (r: string[]) => {
    const wrapped = r.map((c, i) => wrap(c, widths[i]));
    const h = Math.max(...wrapped.map((w) => w.length));
    const lines: string[] = [];
    for (let k = 0; k < h; k++) lines.push('| ' + wrapped.map((w, i) => (w[k] ?? '').padEnd(widths[i])).join(' | ') + ' |');
    return lines.join('\n');
  };
  return [sep, render(columns), sep, ...cells.map(render), sep].join('\n');
}

export function verdictMark(v: Verdict): string {
  return v.status === 'agrees' ? 'agrees' : v.status === 'disagrees' ? 'DISAGREES' : 'inconclusive';
}

/** The interval as a reader should see it (`[a, b]`, `≥ a`, `≤ b`), with a stated allowance. */
export function ci(v: Verdict): string {
  return intervalText(v.ci95) + (v.allowance ? ` ± ${fmt(v.allowance.value)}` : '');
}

/** The human-readable report of one result. */
export function formatResult(r: ExperimentResult): string {
  const out: string[] = [];
  out.push(`${r.id} — ${r.title}`);
  out.push(`claim: ${r.claim}`);
  out.push(`seed ${r.manifest.seed}, backend ${r.manifest.backend}${r.manifest.backendRequested && r.manifest.backendRequested !== r.manifest.backend ? ` (asked for ${r.manifest.backendRequested}; the tasks ran on ${r.manifest.backend})` : ''}, ${r.manifest.executor.kind} executor (${r.manifest.executor.workers} worker${r.manifest.executor.workers === 1 ? '' : 's'}), ${(r.manifest.durationMs / 1000).toFixed(2)} s`);
  out.push('');
  out.push(table(['metric', 'value'], Object.entries(r.metrics).map(([k, v]) => [k, v])));
  if (r.verdicts.length) {
    out.push('');
    out.push(table(['claim', 'theory', 'measured', '95% CI', 'verdict'], r.verdicts.map((v) => [v.claim, v.theory, v.measured, ci(v), verdictMark(v)])));
    for (const v of r.verdicts) if (v.note || v.decide) out.push(`- ${v.claim}: ${v.note}${v.decide ? ` (to decide it: ${v.decide})` : ''}`);
    out.push(countsText(r.verdicts));
  }
  for (const t of r.tables) {
    out.push('');
    out.push(t.title ?? t.name);
    out.push(table(t.columns, t.rows));
  }
  for (const n of r.notes) out.push(`note: ${n}`);
  return out.join('\n');
}

/** Counts of the three verdict states, for headlines. */
export function verdictCounts(verdicts: readonly Verdict[]): { agrees: number; disagrees: number; inconclusive: number; total: number } {
  const c = { agrees: 0, disagrees: 0, inconclusive: 0, total: verdicts.length };
  for (const v of verdicts) c[v.status]++;
  return c;
}

/** "38 verdicts: 30 agree, 5 disagree, 3 inconclusive". */
export function countsText(verdicts: readonly Verdict[]): string {
  const c = verdictCounts(verdicts);
  return `${c.total} verdict${c.total === 1 ? '' : 's'}: ${c.agrees} agree, ${c.disagrees} disagree, ${c.inconclusive} inconclusive`;
}
