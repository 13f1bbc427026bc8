/**
 * The experiment pipeline (docs/ARCHITECTURE.md): plan → tasks on any executor → mergeable
 * partials → typed measurements → verdicts → tables and figures.
 *
 * A task is a pure function of a plain-data job and a context the runner builds wherever the
 * task runs (this thread, a worker thread, a browser worker, a queue worker): the job's stream
 * is `Stream.fromPath(seed, [experimentId, ...job.path])`, so results never depend on where or in
 * which order tasks ran.
 */
import { z } from 'zod';
import { CancelledError, DivergenceError, ParameterError, ParameterTypeError } from '../errors.js';
import { defineTask, resolveTask, type TaskRef } from '../executors/tasks.js';
import { Stream, type PathLabel } from '../random/stream.js';
import type { Figure, Table, Verdict } from './types.js';

/**
 * A number in a measurements schema: any JS number, NaN and ±Infinity included (zod's
 * `z.number()` refuses those, but a measurement may honestly be NaN, e.g. a slope of one point).
 */
export const anyNumber = () => z.custom<number>((v) => typeof v === 'number', { message: 'expected a number' });

/** A unit of work: plain, serialisable data that names its stream path (relative to the experiment's root stream). */
export interface PipelineJob {
  readonly path: readonly PathLabel[];
}

/** What a task is handed besides its job. */
export interface TaskContext {
  /** `Stream.fromPath(seed, [experimentId, ...job.path])`. */
  readonly stream: Stream;
  /** The backend the run asked for ('js' when none was named). */
  readonly backend: string;
  /** Fires when the run is cancelled (inline runs; a worker is terminated instead). */
  readonly signal: AbortSignal;
  /** Record the backend the task actually computed on (default 'js', the float64 CPU code). */
  usedBackend(name: string): void;
}

export type TaskBody<J extends PipelineJob, R> = (job: J, ctx: TaskContext) => R | Promise<R>;

/** A registered pipeline task: `defineExperimentTask(import.meta.url, 'pkg.exp/what', fn)` at module top level. */
export interface ExperimentTask<J extends PipelineJob = PipelineJob, R = unknown> {
  readonly module: string;
  readonly name: string;
  /** Phantom field carrying the job and partial types. */
  readonly __types?: (job: J) => R;
}

/** Where reduce is called from: the final reduce, or a live one over the partials that have arrived. */
export interface ReduceInfo<J extends PipelineJob = PipelineJob> {
  /** The jobs whose partials are passed, in the same order. */
  readonly jobs: readonly J[];
  /** True for the final reduce (every job's partial, in job order). */
  readonly complete: boolean;
}

/** Outputs of the stages that ran before, by stage name. */
export type Prior = Readonly<Record<string, unknown>>;

/** One stage of a pipeline: its own plan, task and reduce. */
export interface Stage<P = any, J extends PipelineJob = any, R = any, O = any> {
  readonly name: string;
  plan(params: P, prior: Prior): J[];
  readonly task: ExperimentTask<J, R>;
  /** Partials arrive in job order; a live reduce gets the subset that has arrived (see `info`). */
  reduce(partials: R[], params: P, prior: Prior, info: ReduceInfo<J>): O;
}

/**
 * A stage that runs another experiment's whole pipeline on its own root stream
 * (`Stream.fromPath(seed, [experiment.id])`), e.g. a Langevin run that an SGD experiment compares
 * with. Its output is that experiment's measurements.
 */
export interface SubExperimentStage<P = any> {
  readonly name: string;
  readonly experiment: PipelineExperiment<any, any>;
  params(params: P, prior: Prior): Record<string, unknown>;
  /** The sub-run's seed, from this run's root stream (e.g. `root.child('langevin').nextUint32()`). */
  seed(params: P, prior: Prior, root: Stream): number | string;
}

export type AnyStage<P = any> = Stage<P> | SubExperimentStage<P>;

export function isSubExperimentStage(s: AnyStage): s is SubExperimentStage {
  return (s as SubExperimentStage).experiment !== undefined;
}

/** Tables, figures and notes for a reader; computed from the measurements only. */
export interface Presentation {
  tables?: Table[];
  figures?: Figure[];
  notes?: string[];
}

export type ParamsSchema = z.ZodObject<z.ZodRawShape>;

interface ExperimentBase<S extends ParamsSchema, M> {
  /** `<domain>.<name>`, lower-case words joined by '-'. */
  id: string;
  domain: string;
  title: string;
  /** The claim under test, in one sentence. */
  claim: string;
  /** Longer explanation for `snrlab describe` and the report. */
  description?: string;
  params: S;
  /** Output schema of the measurements: checked after the final reduce. */
  measurements: z.ZodType<M>;
  /** Checks across parameters that zod cannot express; throw a ParameterError naming the parameter. Runs before any task. */
  validate?(params: z.output<S>): void;
  judge(m: M, params: z.output<S>): Verdict[];
  present(m: M, params: z.output<S>): Presentation;
  /** The flat numeric view for `--json` and the sweep store (default: the numeric leaves of the measurements, dotted paths). */
  metrics?(m: M, params: z.output<S>): Record<string, number>;
  /** False when reduce needs every partial (no live measurements in progress events). */
  live?: boolean;
  /** Set by `registerExperiments`. */
  package?: { name: string; version: string };
}

/** One stage: `plan`, `task`, `reduce`. */
export interface SingleStageDefinition<S extends ParamsSchema, J extends PipelineJob, R, M> extends ExperimentBase<S, M> {
  plan(params: z.output<S>): J[];
  task: ExperimentTask<J, R>;
  reduce(partials: R[], params: z.output<S>, info: ReduceInfo<J>): M;
}

/** Several stages run in order; the last one's reduce gives the measurements. */
export interface MultiStageDefinition<S extends ParamsSchema, M> extends ExperimentBase<S, M> {
  stages: readonly AnyStage<z.output<S>>[];
}

export type ExperimentDefinition<S extends ParamsSchema, M> = SingleStageDefinition<S, any, any, M> | MultiStageDefinition<S, M>;

/** An experiment as the runner sees it: always a list of stages. */
export interface PipelineExperiment<S extends ParamsSchema = ParamsSchema, M = any> extends ExperimentBase<S, M> {
  readonly stages: readonly AnyStage<z.output<S>>[];
}

/** The type of an experiment's measurements. */
export type MeasurementsOf<E> = E extends PipelineExperiment<any, infer M> ? M : never;

/** Typed stage helper (infers the job and partial types). */
export function defineStage<P, J extends PipelineJob, R, O>(s: Stage<P, J, R, O>): Stage<P, J, R, O> {
  return s;
}

// ---------------------------------------------------------------------------------------------
// Tasks: one generic executor task runs any pipeline task, so that every executor (inline, pool,
// browser, queue) needs to know only this one.

/** Errors that cross a thread as data and are rebuilt with their class on the other side. */
export type SerializedError =
  | { kind: 'parameter'; type: boolean; parameter: string; value: unknown; allowed: string; note?: string; message: string }
  | { kind: 'divergence'; step: number; time: number; replica: number; value: number; message: string; partial?: unknown }
  | { kind: 'cancelled'; message: string }
  | { kind: 'error'; name: string; message: string; stack?: string };

export function serializeError(e: unknown): SerializedError {
  if (e instanceof ParameterError || e instanceof ParameterTypeError) {
    return { kind: 'parameter', type: e instanceof ParameterTypeError, parameter: e.parameter, value: safeValue(e.value), allowed: e.allowed, note: e.note, message: e.message };
  }
  if (e instanceof DivergenceError) {
    const detail = e.message.replace(/^simulation diverged at step [^:]*: value [^;]*;? ?/, '');
    return { kind: 'divergence', step: e.step, time: e.time, replica: e.replica, value: e.value, message: detail, partial: e.partial };
  }
  if (e instanceof CancelledError) return { kind: 'cancelled', message: e.message };
  if (e instanceof Error) return { kind: 'error', name: e.name, message: e.message, stack: e.stack };
  return { kind: 'error', name: 'Error', message: String(e) };
}

function safeValue(v: unknown): unknown {
  if (v === null || ['number', 'string', 'boolean'].includes(typeof v)) return v;
  try {
    return JSON.parse(JSON.stringify(v));
  } catch {
    return String(v);
  }
}

export function deserializeError(s: SerializedError): Error {
  switch (s.kind) {
    case 'parameter':
      return s.type ? new ParameterTypeError(s.parameter, s.value, s.allowed, s.note) : new ParameterError(s.parameter, s.value, s.allowed, s.note);
    case 'divergence':
      return new DivergenceError(s.step, s.time, s.replica, s.value, s.partial, s.message || undefined);
    case 'cancelled':
      return new CancelledError();
    default: {
      const e = new Error(s.message);
      if (s.name && s.name !== 'Error') e.name = s.name;
      if (s.stack) e.stack = s.stack;
      return e;
    }
  }
}

/** Register a pipeline task. Call at module top level with `import.meta.url`. */
export function defineExperimentTask<J extends PipelineJob, R>(module: string, name: string, fn: TaskBody<J, R>): ExperimentTask<J, R> {
  defineTask(module, name, fn as unknown as (a: unknown) => unknown);
  return { module, name };
}

/** What the generic task carries: which task, which job, and how to rebuild its stream. */
export interface TaskEnvelope {
  module: string;
  name: string;
  job: PipelineJob;
  seed: number | string;
  /** Experiment id: the root of the stream path. */
  root: string;
  backend: string;
  /** Looks up the run's AbortSignal when the task runs in the same thread. */
  run: string;
}

export type TaskOutcome = { ok: true; partial: unknown; backends: string[] } | { ok: false; error: SerializedError };

const SIGNALS = Symbol.for('snrlab.pipeline.signals');
function signals(): Map<string, AbortSignal> {
  const g = globalThis as unknown as Record<symbol, Map<string, AbortSignal> | undefined>;
  let m = g[SIGNALS];
  if (!m) {
    m = new Map();
    g[SIGNALS] = m;
  }
  return m;
}

/** Make a run's signal visible to tasks that run in this thread. */
export function attachRunSignal(run: string, signal: AbortSignal): () => void {
  signals().set(run, signal);
  return () => signals().delete(run);
}

const never = new AbortController().signal;

/** Run one envelope here (the body of the generic task; also what browser or queue workers call). */
export async function runEnvelope(env: TaskEnvelope): Promise<TaskOutcome> {
  const used = new Set<string>();
  try {
    const fn = (await resolveTask({ module: env.module, name: env.name })) as unknown as TaskBody<PipelineJob, unknown>;
    const ctx: TaskContext = {
      stream: Stream.fromPath(env.seed, [env.root, ...env.job.path]),
      backend: env.backend,
      signal: signals().get(env.run) ?? never,
      usedBackend(name) {
        used.add(name);
      },
    };
    const partial = await fn(env.job, ctx);
    return { ok: true, partial, backends: used.size ? [...used].sort() : ['js'] };
  } catch (e) {
    return { ok: false, error: serializeError(e) };
  }
}

/** The one executor task behind every pipeline task. */
export const pipelineTask: TaskRef<TaskEnvelope, TaskOutcome> = defineTask(import.meta.url, 'snrlab.pipeline/task', runEnvelope);
