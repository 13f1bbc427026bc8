/**
 * The worker side of a job, independent of BullMQ (the sandboxed processor wraps it): check the
 * data, resolve the experiment and its task among what this process registered, run, and say
 * which failures deserve another attempt.
 *
 * Security: a job is data. Nothing in it is imported or evaluated; an experiment id or task name
 * that the worker's own modules did not register is refused, and sweep-point parameters are
 * validated with the experiment's parameter schema before anything runs.
 */
import {
  DivergenceError,
  errorText,
  isParameterError,
  isSubExperimentStage,
  listExperiments,
  lookupTask,
  parseParams,
  runEnvelope,
  runExperiment,
  type PipelineExperiment,
  type TaskOutcome,
  type TaskRef,
} from '@snrlab/core';
import { WIRE_VERSION, type PointsJobData, type PointsOutcome, type TaskJobData, type WireEnvelope, type WirePoint } from './protocol.js';

/** A job this worker will not run (unknown experiment or task, malformed data): failed at once, never retried. */
export class RefusedJobError extends Error {
  override readonly name = 'RefusedJobError';
  constructor(reason: string) {
    super(`refused: ${reason}`);
  }
}

/** A job whose failures may succeed on another attempt: BullMQ retries it (with backoff) up to its limit. */
export class RetryableJobError extends Error {
  override readonly name = 'RetryableJobError';
}

export interface HandlerContext {
  /** Attempts of this job that already failed (BullMQ's `attemptsMade`). */
  attemptsMade: number;
  /** The job's retry limit (BullMQ's `opts.attempts`, default 1). */
  attempts: number;
  /** Progress saved by an earlier attempt (finished points of a batch), if any. */
  progress?: unknown;
  /** Save progress, so that a retry or another worker after a crash skips what is done. */
  saveProgress?(p: unknown): Promise<void>;
  /** Fires when the worker cancels the job. */
  signal?: AbortSignal;
  /** Least time between two progress saves (default 2000 ms). */
  progressIntervalMs?: number;
}

/** Import the registering modules a worker was started with (its operator's list, never a job's). */
export async function loadModules(modules: readonly string[]): Promise<void> {
  for (const m of modules) await import(/* @vite-ignore */ m);
}

interface Known {
  size: number;
  experiments: Map<string, PipelineExperiment>;
  tasks: Map<string, TaskRef>;
}
let known: Known | undefined;

/** Experiments registered here (and the sub-experiments they run), and their tasks by (experiment id, task name). */
function registered(): Known {
  const list = listExperiments();
  if (known && known.size === list.length) return known;
  const experiments = new Map<string, PipelineExperiment>();
  const tasks = new Map<string, TaskRef>();
  const walk = (e: PipelineExperiment) => {
    if (experiments.has(e.id) || !e.stages) return;
    experiments.set(e.id, e);
    for (const s of e.stages) {
      if (isSubExperimentStage(s)) walk(s.experiment);
      else tasks.set(`${e.id}\u0000${s.task.name}`, { module: s.task.module, name: s.task.name });
    }
  };
  for (const e of list) if ((e as PipelineExperiment).stages) walk(e as PipelineExperiment);
  known = { size: list.length, experiments, tasks };
  return known;
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function checkEnvelope(v: unknown): WireEnvelope {
  if (!isRecord(v)) throw new RefusedJobError('task data without an envelope');
  const { root, name, job, seed, backend } = v;
  if (typeof root !== 'string' || typeof name !== 'string') throw new RefusedJobError('envelope without an experiment id and task name');
  if (!(typeof seed === 'string' || (typeof seed === 'number' && Number.isSafeInteger(seed)))) throw new RefusedJobError(`envelope of ${root} with an invalid seed`);
  if (typeof backend !== 'string') throw new RefusedJobError(`envelope of ${root} without a backend name`);
  if (!isRecord(job) || !Array.isArray(job.path) || !job.path.every((x) => typeof x === 'string' || typeof x === 'number')) {
    throw new RefusedJobError(`envelope of ${root} whose job has no stream path`);
  }
  return v as unknown as WireEnvelope;
}

function knownExperiment(id: unknown): PipelineExperiment {
  if (typeof id !== 'string') throw new RefusedJobError('no experiment id');
  const e = registered().experiments.get(id);
  if (!e) throw new RefusedJobError(`unknown experiment '${id}': this worker's modules do not register it`);
  return e;
}

/** Run one pipeline task; a task that throws a plain error is retried, other errors are final. */
async function handleTask(data: TaskJobData, ctx: HandlerContext): Promise<TaskOutcome> {
  const env = checkEnvelope(data.env);
  knownExperiment(env.root);
  const ref = registered().tasks.get(`${env.root}\u0000${env.name}`);
  if (!ref) throw new RefusedJobError(`experiment '${env.root}' has no task '${env.name}'`);
  // resolve among what is registered: runEnvelope would import a module it does not know
  if (!lookupTask(ref)) throw new RefusedJobError(`task '${env.name}' is not registered in this worker`);
  const out = await runEnvelope({ module: ref.module, name: ref.name, job: env.job, seed: env.seed, root: env.root, backend: env.backend, run: 'queue' });
  if (!out.ok && out.error.kind === 'error' && ctx.attemptsMade + 1 < ctx.attempts) {
    throw new RetryableJobError(`${out.error.name}: ${out.error.message}`);
  }
  return out;
}

function emptyOutcome(): PointsOutcome {
  return { ok: {}, failed: {} };
}

function priorOutcome(p: unknown): PointsOutcome {
  if (!isRecord(p) || !isRecord(p.ok) || !isRecord(p.failed)) return emptyOutcome();
  return { ok: { ...(p.ok as PointsOutcome['ok']) }, failed: { ...(p.failed as PointsOutcome['failed']) } };
}

function checkPoint(v: unknown): WirePoint {
  if (!isRecord(v) || !Number.isSafeInteger(v.index) || (v.index as number) < 0 || !isRecord(v.params) || typeof v.seed !== 'string') {
    throw new RefusedJobError('a sweep point without index, params and seed');
  }
  return v as unknown as WirePoint;
}

/**
 * Run a batch of sweep points. Finished points are saved as progress, so a retry or a worker
 * that takes the job over after a crash runs only the rest. Points that throw are retried with
 * the job (up to its limit); a parameter error or a divergence is deterministic and final at once.
 */
async function handlePoints(data: PointsJobData, ctx: HandlerContext): Promise<PointsOutcome> {
  const exp = knownExperiment(data.experiment);
  if (!Array.isArray(data.points) || data.points.length === 0) throw new RefusedJobError('a points job without points');
  const points = data.points.map(checkPoint);
  const attempt = ctx.attemptsMade + 1;
  const last = attempt >= ctx.attempts;
  const out = priorOutcome(ctx.progress);
  // failures of an earlier attempt are retried now unless they were final
  for (const [k, f] of Object.entries(out.failed)) if (!f.final) delete out.failed[k];
  const interval = ctx.progressIntervalMs ?? 2000;
  let saved = performance.now();
  let unsaved = false;
  for (const p of points) {
    const k = String(p.index);
    if (out.ok[k] || out.failed[k]) continue;
    if (ctx.signal?.aborted) throw new RetryableJobError('cancelled by the worker');
    try {
      parseParams(exp.params, p.params); // names the parameter, its value and the allowed range
      const r = await runExperiment(exp.id, p.params, { seed: p.seed });
      // what @snrlab/sweep's point task keeps: the store writes these fields
      out.ok[k] = { result: { measurements: r.measurements, metrics: r.metrics, verdicts: r.verdicts, manifest: r.manifest }, attempts: attempt };
    } catch (e) {
      const deterministic = isParameterError(e) || e instanceof DivergenceError;
      out.failed[k] = { error: errorText(e), attempts: attempt, final: deterministic || last };
    }
    unsaved = true;
    if (ctx.saveProgress && performance.now() - saved >= interval) {
      await ctx.saveProgress(out);
      saved = performance.now();
      unsaved = false;
    }
  }
  const retry = Object.entries(out.failed).filter(([, f]) => !f.final);
  if (retry.length) {
    if (unsaved) await ctx.saveProgress?.(out);
    throw new RetryableJobError(`${retry.length} of ${points.length} points failed on attempt ${attempt} of ${ctx.attempts}; first: ${retry[0][1].error}`);
  }
  return out;
}

/** Check and run one job's data. Throws RefusedJobError (never retried) or RetryableJobError. */
export async function handleJob(data: unknown, ctx: HandlerContext): Promise<TaskOutcome | PointsOutcome> {
  if (!isRecord(data)) throw new RefusedJobError('job data is not an object');
  if (data.v !== WIRE_VERSION) throw new RefusedJobError(`job data version ${String(data.v)}; this worker reads version ${WIRE_VERSION}`);
  if (data.kind === 'task') return handleTask(data as unknown as TaskJobData, ctx);
  if (data.kind === 'points') return handlePoints(data as unknown as PointsJobData, ctx);
  throw new RefusedJobError(`unknown job kind ${JSON.stringify(data.kind)}`);
}
