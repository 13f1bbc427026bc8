/** `snrlab compare`: run the curated entries (in parallel on a pool), build the figures, write the report. */
import fs from 'node:fs';
import path from 'node:path';
import { defineTask, errorText, runExperiment, type Executor, type ExperimentResult } from '@snrlab/core';
import { figureFileName, figureToSVG } from '../render.js';
import { compareFigures } from './figures.js';
import { renderReport, type ReportFigure } from './report.js';
import { COMPARE_ENTRIES } from './entries.js';
import type { CompareEntry, CompareRun } from './types.js';

const EXPLANATIONS: Record<string, string> = {
  'variance-vs-budget':
    'Every estimator here averages over a budget: examples in a mini-batch, sampled neighbours, measurement shots, molecules or time read by a cell, replicas of a simulation. Divided by its value at the smallest budget, each variance falls on the same line of slope −1: twice the budget, half the variance, as long as the noise has a finite variance. Heavy-tailed (α-stable) noise has no variance; its spread falls more slowly, with slope 2/α − 2, and stands off the common line.',
  'positional-error':
    'Reading a noisy quantity against a threshold places a boundary: a gene switches on where a morphogen crosses its threshold, a loss minimum sits where a noisy gradient crosses zero, an optimal VQE angle where a shot-noisy derivative does. The error of that position is the noise of the quantity divided by its slope there, σ_x = σ_F/|F′|. Each point is the measured spread of the position multiplied by |F′|/σ_F: the theory says 1.',
  temperature:
    'Noise kicks and restoring forces balance at a temperature. Langevin dynamics at temperature T, SGD with learning rate η, batch B and per-example variance σ² (T = ησ²/(2B)), and a noisy game all settle with a stationary spread equal to T divided by the stiffness of the restoring force: on these axes, the line y = x. In several dimensions each axis of the Hessian H has its own temperature ηΣ_ii/(2B), and SGD sampling a Bayesian posterior sits at the mean one, tr(H·C)/d = η·trΣ/(2Bd). SGD takes discrete steps: on a quadratic of stiffness h its exact stationary variance is larger by 2/(2 − ηh) than the continuous-time value; where ηh is not small the points divide that factor out, as their labels say. Escape over a barrier reads the temperature another way: each of those points is the T at which a Langevin particle has the same exact mean escape time as SGD.',
};

interface CompareJob {
  index: number;
  experiment: string;
  params: Record<string, unknown>;
  seed: number | string;
  modules: string[];
}

/** One entry's run, as a task so that entries can run on the pool. */
export const compareRunTask = defineTask(import.meta.url, 'cli/compare-run', async (job: CompareJob): Promise<ExperimentResult> => {
  for (const m of job.modules) await import(/* @vite-ignore */ m);
  return runExperiment(job.experiment, job.params, { seed: job.seed });
});

export interface CompareOptions {
  seed: number | string;
  full: boolean;
  executor: Executor;
  modules: string[];
  entries?: CompareEntry[];
  signal?: AbortSignal;
  onProgress?: (done: number, total: number) => void;
}

export async function runCompare(o: CompareOptions): Promise<{ runs: CompareRun[]; durationMs: number }> {
  const entries = o.entries ?? COMPARE_ENTRIES;
  const t0 = performance.now();
  let done = 0;
  const settled = await o.executor.mapSettled(
    compareRunTask,
    entries.map((e, index) => ({ index, experiment: e.experiment.id, params: o.full && e.full ? e.full : e.params, seed: o.seed, modules: o.modules })),
    { signal: o.signal, onSettled: () => o.onProgress?.(++done, entries.length) },
  );
  const runs: CompareRun[] = entries.map((entry, i) => {
    const s = settled[i];
    if (s.status !== 'ok') return { entry, error: s.status === 'failed' ? s.error : 'cancelled', contributions: [] };
    try {
      return { entry, result: s.value, contributions: entry.contribute(s.value.measurements, s.value) };
    } catch (e) {
      return { entry, result: s.value, error: errorText(e), contributions: [] };
    }
  });
  return { runs, durationMs: performance.now() - t0 };
}

/** Write report.html, results.json and the figures (SVG, and PNG with `png`) into `dir`. */
export async function writeCompare(dir: string, runs: CompareRun[], meta: { seed: number | string; full: boolean; durationMs: number; png: boolean }): Promise<string[]> {
  fs.mkdirSync(dir, { recursive: true });
  const figures = compareFigures(runs);
  const rendered: ReportFigure[] = [];
  const written: string[] = [];
  for (const f of figures) {
    const svg = await figureToSVG(f);
    rendered.push({ name: f.name, title: f.title, svg, explanation: EXPLANATIONS[f.name] ?? '' });
    const file = path.join(dir, figureFileName(f));
    fs.writeFileSync(file, svg);
    written.push(file);
    if (meta.png) {
      const { Resvg } = await import('@resvg/resvg-js');
      const png = new Resvg(svg, { background: 'white', fitTo: { mode: 'zoom', value: 2 } }).render().asPng();
      const pngFile = file.replace(/\.svg$/, '.png');
      fs.writeFileSync(pngFile, png);
      written.push(pngFile);
    }
  }
  const html = renderReport({ runs, figures: rendered, seed: meta.seed, full: meta.full, durationMs: meta.durationMs, generatedAt: new Date().toISOString() });
  fs.writeFileSync(path.join(dir, 'report.html'), html);
  written.unshift(path.join(dir, 'report.html'));
  const results = {
    seed: meta.seed,
    full: meta.full,
    figures,
    runs: runs.map((r) => ({ domain: r.entry.domain, label: r.entry.label, experiment: r.entry.experiment.id, error: r.error ?? null, contributions: r.contributions, result: r.result ?? null })),
  };
  fs.writeFileSync(path.join(dir, 'results.json'), JSON.stringify(results, null, 2) + '\n');
  written.splice(1, 0, path.join(dir, 'results.json'));
  return written;
}
