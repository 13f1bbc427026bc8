/**
 * What travels through Redis: plain data only. A job names an experiment (and, for pipeline
 * tasks, one of its registered tasks) and carries the job's parameters, seed and stream path;
 * it never carries a module URL or code. Workers resolve both names among the experiments the
 * modules they were started with registered.
 */
import type { PointRow } from '@snrlab/sweep';

/** Version of the job data layout; a worker refuses other versions. */
export const WIRE_VERSION = 1;

/** Default retry limit: a job runs at most this many times before it is recorded as failed. */
export const DEFAULT_ATTEMPTS = 3;
/** Default first retry delay (ms); doubled on each further retry (BullMQ exponential backoff). */
export const DEFAULT_BACKOFF_MS = 1000;

/** A pipeline task envelope as it travels: `TaskEnvelope` less its module URL and run id. */
export interface WireEnvelope {
  /** Experiment id: must be registered (or a sub-experiment of a registered one) on the worker. */
  root: string;
  /** The task's registered name, e.g. 'core.estimator-scaling/budget'. */
  name: string;
  job: { path: (string | number)[]; [k: string]: unknown };
  seed: number | string;
  backend: string;
}

export interface TaskJobData {
  v: number;
  kind: 'task';
  env: WireEnvelope;
}

/** One sweep point: its global index in the sweep, its raw parameters and its seed. */
export interface WirePoint {
  index: number;
  params: Record<string, unknown>;
  seed: string;
}

/** A batch of sweep points of one experiment. */
export interface PointsJobData {
  v: number;
  kind: 'points';
  experiment: string;
  points: WirePoint[];
}

export type QueueJobData = TaskJobData | PointsJobData;

/** What a sweep point keeps (what the results store writes). */
export type PointResult = { measurements?: unknown; metrics: Record<string, number>; verdicts: NonNullable<PointRow['verdicts']>; manifest: NonNullable<PointRow['manifest']> };

/**
 * The return value of a points job, and its saved progress between attempts: finished points
 * by index, and failures. A failure with `final: false` is retried on the next attempt; points
 * already in `ok` are never run again.
 */
export interface PointsOutcome {
  ok: Record<string, { result: PointResult; attempts: number }>;
  failed: Record<string, { error: string; attempts: number; final: boolean }>;
}
