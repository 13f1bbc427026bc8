/** Running a sweep on any executor, streaming each finished point into the results store. */
import fs from 'node:fs';
import { defineTask, inlineExecutor, runExperiment, type Executor, type ExperimentResult } from '@snrlab/core';
import { canonicalJSON, checkSpec, CONFIRM_POINTS, countJobs, expandSweep, parseSweepText, SweepSpecError, type SweepPoint, type SweepSpec } from './spec.js';
import { ResultsStore } from './store.js';

interface PointJob {
  experiment: string;
  params: Record<string, unknown>;
  seed: string;
  /** Modules that register experiments, imported by the worker before it runs. */
  modules: string[];
}

type PointResult = Pick<ExperimentResult, 'measurements' | 'metrics' | 'verdicts' | 'manifest'>;

/** One sweep point: import the registering modules, run the experiment, keep what the store needs. */
export const sweepPointTask = defineTask(import.meta.url, 'sweep/point', async (job: PointJob): Promise<PointResult> => {
  for (const m of job.modules) await import(/* @vite-ignore */ m);
  const r = await runExperiment(job.experiment, job.params, { seed: job.seed });
  return { measurements: r.measurements, metrics: r.metrics, verdicts: r.verdicts, manifest: r.manifest };
});

export interface SweepOptions {
  /** SQLite file for the results. */
  db: string;
  executor?: Executor;
  /** Continue a sweep whose store exists: finished points are not run again. */
  resume?: boolean;
  /** Needed for sweeps of more than a million points. */
  yes?: boolean;
  signal?: AbortSignal;
  /** URLs or specifiers of modules that register the experiment (for workers). */
  modules?: string[];
  onProgress?: (done: number, total: number) => void;
}

export interface SweepSummary {
  total: number;
  done: number;
  failed: number;
  /** Points found finished in the store and not run again. */
  skipped: number;
  /** Points not finished because the run was cancelled. */
  cancelled: number;
  db: string;
}

/** Load, check and expand a sweep file (.yaml, .yml or .json). */
export function loadSweepFile(file: string): SweepSpec {
  if (!fs.existsSync(file)) throw new SweepSpecError('(file)', `no such file: ${file}`);
  return checkSpec(parseSweepText(fs.readFileSync(file, 'utf8'), file));
}

export async function runSweep(specInput: SweepSpec, opts: SweepOptions): Promise<SweepSummary> {
  const spec = checkSpec(specInput);
  const jobs = countJobs(spec);
  if (jobs > CONFIRM_POINTS && !opts.yes) {
    throw new SweepSpecError('grid', `expands to ${jobs} runs (more than ${CONFIRM_POINTS}); confirm with --yes`);
  }
  const { points } = expandSweep(spec);
  const store = new ResultsStore(opts.db);
  try {
    const stored = store.spec();
    if (stored) {
      if (!opts.resume) {
        throw new SweepSpecError('(db)', `${opts.db} already holds a sweep; pass --resume to continue it, or choose another --db`);
      }
      if (canonicalJSON(stored) !== canonicalJSON(spec)) {
        throw new SweepSpecError('(db)', `${opts.db} holds a different sweep; a resumed sweep must use the same file`);
      }
    }
    store.setSpec(spec);
    const done = store.doneIndices();
    const pending: SweepPoint[] = points.filter((p) => !done.has(p.index));
    let finished = points.length - pending.length;
    opts.onProgress?.(finished, points.length);
    const modules = opts.modules ?? [];
    const executor = opts.executor ?? inlineExecutor;
    let failed = 0;
    let ok = 0;
    const settled = await executor.mapSettled(
      sweepPointTask,
      pending.map((p) => ({ experiment: spec.experiment, params: p.params, seed: p.seed, modules })),
      {
        signal: opts.signal,
        onSettled: (i, s) => {
          const p = pending[i];
          if (s.status === 'ok') {
            store.write(p, { status: 'done', result: s.value, attempts: s.attempts });
            ok++;
          } else if (s.status === 'failed') {
            store.write(p, { status: 'failed', error: s.error, attempts: s.attempts });
            failed++;
          }
          opts.onProgress?.(++finished, points.length);
        },
      },
    );
    const cancelled = settled.filter((s) => s.status === 'cancelled').length;
    return { total: points.length, done: ok + done.size, failed, skipped: done.size, cancelled, db: opts.db };
  } finally {
    store.close();
  }
}
