/**
 * Sweeps on the queue: the same sweep file, expansion, seeds and SQLite store as @snrlab/sweep's
 * local path, with the points sent in batches (one job each, a fixed partition of the sweep by
 * point index) so that the queue's per-job cost stays a small share of the work.
 *
 * A crashed submitter resumes from the store plus the queue: `resume` skips every point stored
 * as done; a batch none of whose points is stored gets the same job id as before, so a job the
 * crashed submitter left in Redis (waiting, running or finished) is collected, not run again.
 */
import { canonicalJSON, checkSpec, CONFIRM_POINTS, countJobs, expandSweep, ResultsStore, SweepSpecError, type SweepPoint, type SweepSpec, type SweepSummary } from '@snrlab/sweep';
import type { ExperimentResult } from '@snrlab/core';
import { pointsJobId } from './ids.js';
import { WIRE_VERSION, type PointsOutcome, type WirePoint } from './protocol.js';
import { Submitter, type JobSettlement, type SubmitterOptions } from './submit.js';

/** Points per job when none is asked for: see bench/overhead.bench.ts for the measured overhead. */
export const DEFAULT_BATCH = 16;

export interface QueueSweepOptions extends SubmitterOptions {
  /** SQLite file for the results. */
  db: string;
  /** Continue a sweep whose store exists: finished points are not run again. */
  resume?: boolean;
  /** Needed for sweeps of more than a million points. */
  yes?: boolean;
  signal?: AbortSignal;
  /** Points per job (default: 16, or fewer so that there are at least 4 jobs per worker). */
  batchSize?: number;
  onProgress?: (done: number, total: number) => void;
}

export interface QueueSweepSummary extends SweepSummary {
  /** Points recorded as failed, with their errors (also in the store: `snrlab results`). */
  failures: { index: number; error: string }[];
  /** Jobs submitted (batches). */
  jobs: number;
}

/** Points per job: the asked size, or 16 unless that leaves fewer than 4 jobs per worker. */
export function batchSizeFor(points: number, workers: number, asked?: number): number {
  if (asked !== undefined) {
    if (!Number.isInteger(asked) || asked < 1) throw new RangeError(`batch size must be an integer >= 1, got ${asked}`);
    return asked;
  }
  return Math.max(1, Math.min(DEFAULT_BATCH, Math.floor(points / (4 * Math.max(1, workers)))));
}

export async function runQueueSweep(specInput: SweepSpec, opts: QueueSweepOptions): Promise<QueueSweepSummary> {
  const spec = checkSpec(specInput);
  const n = countJobs(spec);
  if (n > CONFIRM_POINTS && !opts.yes) {
    throw new SweepSpecError('grid', `expands to ${n} runs (more than ${CONFIRM_POINTS}); confirm with --yes`);
  }
  const { points } = expandSweep(spec);
  const store = new ResultsStore(opts.db);
  const submitter = new Submitter(opts);
  try {
    const stored = store.spec();
    if (stored) {
      if (!opts.resume) throw new SweepSpecError('(db)', `${opts.db} already holds a sweep; pass --resume to continue it, or choose another --db`);
      if (canonicalJSON(stored) !== canonicalJSON(spec)) throw new SweepSpecError('(db)', `${opts.db} holds a different sweep; a resumed sweep must use the same file`);
    }
    store.setSpec(spec);
    const done = store.doneIndices();
    let finished = done.size;
    opts.onProgress?.(finished, points.length);
    const workers = await submitter.workerCount();
    const size = batchSizeFor(points.length, workers, opts.batchSize);
    // a fixed partition by index, so that a resubmission forms the same batches
    const batches: SweepPoint[][] = [];
    for (let k = 0; k < points.length; k += size) {
      const pending = points.slice(k, k + size).filter((p) => !done.has(p.index));
      if (pending.length) batches.push(pending);
    }
    const wire = (p: SweepPoint): WirePoint => ({ index: p.index, params: p.params, seed: p.seed });
    const jobs = batches.map((b) => {
      const ps = b.map(wire);
      return { id: pointsJobId(spec.experiment, ps), data: { v: WIRE_VERSION, kind: 'points' as const, experiment: spec.experiment, points: ps } };
    });
    let ok = 0;
    let failed = 0;
    const failures: { index: number; error: string }[] = [];
    const write = store.db.transaction((batch: SweepPoint[], s: JobSettlement) => {
      const outcome: PointsOutcome =
        s.state === 'completed'
          ? (s.value as PointsOutcome)
          : { ok: (s.progress as PointsOutcome | undefined)?.ok ?? {}, failed: {} };
      for (const p of batch) {
        const k = String(p.index);
        const r = outcome.ok?.[k];
        if (r) {
          store.write(p, { status: 'done', result: r.result as unknown as ExperimentResult, attempts: r.attempts });
          ok++;
          continue;
        }
        const f = outcome.failed?.[k];
        const error = f?.error ?? (s.state === 'failed' ? s.reason : 'the worker returned no result for this point');
        store.write(p, { status: 'failed', error, attempts: f?.attempts ?? Math.max(1, s.attemptsMade) });
        failures.push({ index: p.index, error });
        failed++;
      }
    });
    const settled = await submitter.run(jobs, {
      signal: opts.signal,
      removeAfterSettle: true,
      onSettled: (i, s) => {
        write(batches[i], s);
        finished += batches[i].length;
        opts.onProgress?.(finished, points.length);
      },
    });
    const cancelled = settled.reduce((a, s, i) => a + (s ? 0 : batches[i].length), 0);
    failures.sort((a, b) => a.index - b.index);
    return { total: points.length, done: ok + done.size, failed, skipped: done.size, cancelled, db: opts.db, failures, jobs: jobs.length };
  } finally {
    store.close();
    await submitter.close();
  }
}
