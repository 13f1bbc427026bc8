/** The self-contained HTML report: inline SVG figures, short explanations, the table and every manifest. */
import type { ExperimentResult, Verdict } from '@snrlab/core';
import { ci, countsText, fmt } from '../format.js';
import type { CompareRun } from './types.js';

const esc = (s: unknown) =>
  String(s).replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string);

export interface ReportFigure {
  name: string;
  title: string;
  svg: string;
  explanation: string;
}

export interface ReportInput {
  runs: CompareRun[];
  figures: ReportFigure[];
  seed: number | string;
  full: boolean;
  durationMs: number;
  generatedAt: string;
}

/** The command that reruns one result. */
export function rerunCommand(r: ExperimentResult): string {
  const sets = Object.entries(r.manifest.params).map(([k, v]) => `--set ${k}=${Array.isArray(v) ? v.join(',') : String(v)}`);
  return ['snrlab run', r.id, `--seed ${JSON.stringify(r.manifest.seed)}`, ...sets].join(' ');
}

/** Every verdict of a run: the report and the table hide none. */
export function verdictsOf(run: CompareRun): Verdict[] {
  return run.result ? run.result.verdicts : [];
}

export function renderReport(input: ReportInput): string {
  const rows = input.runs.flatMap((run) =>
    run.result
      ? verdictsOf(run).map(
          (v) => `<tr class="${v.status === 'agrees' ? 'ok' : v.status === 'disagrees' ? 'no' : 'unsure'}"><td>${esc(run.entry.domain)}</td><td>${esc(run.entry.label)}<br><code>${esc(run.entry.experiment.id)}</code></td><td>${esc(v.claim)}</td><td>${esc(fmt(v.measured))}</td><td>${esc(fmt(v.theory))}</td><td>${esc(ci(v))}</td><td>${esc(v.status)}${v.decide ? `<br><small>decided by: ${esc(v.decide)}</small>` : ''}</td></tr>`,
        )
      : [`<tr class="err"><td>${esc(run.entry.domain)}</td><td>${esc(run.entry.label)}<br><code>${esc(run.entry.experiment.id)}</code></td><td colspan="5">did not run: ${esc(run.error)}</td></tr>`],
  );
  const details = input.runs
    .filter((run) => run.result)
    .map((run) => {
      const r = run.result as ExperimentResult;
      const metrics = Object.entries(r.metrics)
        .map(([k, v]) => `<tr><td>${esc(k)}</td><td>${esc(fmt(v))}</td></tr>`)
        .join('');
      const notes = r.verdicts.filter((v) => v.note).map((v) => `<li><b>${esc(v.claim)}</b>: ${esc(v.note)}</li>`).join('');
      return `<details><summary><code>${esc(r.id)}</code> — ${esc(r.title)}</summary>
<p>${esc(r.claim)}</p>
${notes ? `<ul>${notes}</ul>` : ''}
<table class="metrics">${metrics}</table>
<p>Rerun: <code>${esc(rerunCommand(r))}</code></p>
<pre>${esc(JSON.stringify(r.manifest, null, 2))}</pre>
</details>`;
    })
    .join('\n');
  const figs = input.figures
    .map((f) => `<section class="figure" id="${esc(f.name)}"><h2>${esc(f.title)}</h2><div class="svg">${f.svg}</div><p>${esc(f.explanation)}</p></section>`)
    .join('\n');
  const counts = countsText(input.runs.flatMap((r) => verdictsOf(r)));
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>snrlab — one mathematics of signal and noise</title>
<style>
body { font: 15px/1.5 system-ui, sans-serif; max-width: 980px; margin: 2em auto; padding: 0 1em; color: #222; }
h1 { font-size: 1.6em; } h2 { font-size: 1.2em; margin-top: 2em; }
table { border-collapse: collapse; width: 100%; font-size: 0.9em; }
td, th { border-bottom: 1px solid #ddd; padding: 4px 6px; text-align: left; vertical-align: top; }
tr.no td:last-child { color: #b00; font-weight: bold; } tr.ok td:last-child { color: #070; } tr.unsure td:last-child { color: #8a5a00; } tr.err td { color: #b00; }
.figure .svg svg { max-width: 100%; height: auto; }
code { font-size: 0.9em; } pre { background: #f6f6f6; padding: 8px; overflow-x: auto; font-size: 0.8em; }
details { margin: 0.5em 0; } table.metrics { width: auto; }
.lead { font-size: 1.05em; }
</style>
</head>
<body>
<h1>snrlab: one mathematics of signal and noise</h1>
<p class="lead">A noisy estimate is useful when its signal beats its noise. The same few laws decide it whether the
estimate is a mini-batch gradient, a morphogen concentration read by a cell, a quantum energy averaged over shots,
or a game's gradient step. Each row below is an experiment that measured a claim and compared it with theory; a
verdict agrees when the theory value lies inside the measured 95% confidence interval (widened only by a stated
systematic allowance). A 95% interval misses a true value one time in twenty, so a single disagreement is a
reason to look closer, not a refutation.</p>
<p>${esc(counts)} · seed ${esc(JSON.stringify(input.seed))} · ${input.full ? 'full' : 'quick'} settings · ${(input.durationMs / 1000).toFixed(1)} s · generated ${esc(input.generatedAt)}</p>
<table>
<thead><tr><th>domain</th><th>experiment</th><th>claim</th><th>measured</th><th>theory</th><th>95% CI</th><th>verdict</th></tr></thead>
<tbody>
${rows.join('\n')}
</tbody>
</table>
${figs}
<h2>Every run, and how to reproduce it</h2>
<p>Each manifest records the package versions, Node version, seed, parameters, backend and git commit. Running
the command under it reproduces the metrics exactly.</p>
${details}
</body>
</html>
`;
}
