/** Running an experiment: validate parameters, derive the stream, time it, and attach a manifest. */
import { PACKAGE } from '../package.js';
import { Stream } from '../random/stream.js';
import { philoxImplementation } from '../random/philox.js';
import { inlineExecutor } from '../executors/inline.js';
import type { Executor } from '../executors/types.js';
import { parseParams } from './params.js';
import { getExperiment, suggestExperiments, UnknownExperimentError } from './registry.js';
import { checkVerdict } from './verdict.js';
import { CancelledError, MeasurementSchemaError } from '../errors.js';
import { attachRunSignal, deserializeError, isSubExperimentStage, pipelineTask, type PipelineExperiment, type SerializedError, type TaskEnvelope, type TaskOutcome } from './pipeline.js';
import type { BackendLike, Experiment, ExperimentResult, Manifest, ProgressReporter } from './types.js';

/** Seed used when none is given, so that a bare run is reproducible too. */
export const DEFAULT_SEED = 1;

export interface RunOptions {
  seed?: number | string;
  backend?: BackendLike & { version?: string; packageName?: string };
  executor?: Executor;
  /** Simple progress: `done` of `total` tasks of the stage named by `label`. */
  progress?: ProgressReporter;
  /** Progress events; with `live`, they carry the measurements reduced from the partials so far. */
  onProgress?: (event: ProgressEvent) => void;
  /** Reduce the partials that have arrived and put the result on progress events (throttled). */
  live?: boolean;
  /** Least time between two live reduces (default 200 ms). */
  liveIntervalMs?: number;
  signal?: AbortSignal;
  /** Files the parameters were read from (a user's own problem), recorded with their content hash. */
  inputs?: InputRecord[];
}

/** A user's input file behind a parameter: the manifest keeps its hash so a rerun can check it has the same input. */
export interface InputRecord {
  /** The parameter the file filled (e.g. 'profile', 'hamiltonian'). */
  param: string;
  file: string;
  /** Format it was read as (e.g. 'csv', 'openfermion'). */
  format?: string;
  sha256: string;
}

export interface ProgressEvent<M = unknown> {
  experiment: string;
  stage: string;
  /** Position of the stage among the run's stages (0-based) and their number. */
  stageIndex: number;
  stages: number;
  done: number;
  total: number;
  /** Live measurements (last stage, `live: true`): a reduce over the partials that have arrived. */
  measurements?: M;
}

let commit: string | null | undefined;

/** The git commit of the working directory, if it is a checkout (cached). */
export function gitCommit(): string | null {
  if (commit !== undefined) return commit;
  const proc = (globalThis as { process?: NodeJS.Process }).process;
  commit = proc?.env?.SNRLAB_GIT_COMMIT ?? null;
  // node:child_process is looked up at run time, so that core also loads in browsers
  const cp = proc?.getBuiltinModule?.('node:child_process') as typeof import('node:child_process') | undefined;
  if (!commit && cp) {
    try {
      const r = cp.spawnSync('git', ['rev-parse', 'HEAD'], { encoding: 'utf8', timeout: 2000, stdio: ['ignore', 'pipe', 'ignore'] });
      commit = r.status === 0 ? r.stdout.trim() || null : null;
    } catch {
      commit = null;
    }
  }
  return commit;
}


export function resolveExperiment(idOrExperiment: string | Experiment<any>): Experiment<any> {
  if (typeof idOrExperiment !== 'string') return idOrExperiment;
  const e = getExperiment(idOrExperiment);
  if (!e) throw new UnknownExperimentError(idOrExperiment, suggestExperiments(idOrExperiment));
  return e;
}

/** The numeric leaves of a measurements object, by dotted path (arrays are left out). */
export function flattenMetrics(m: unknown): Record<string, number> {
  const out: Record<string, number> = {};
  const walk = (v: unknown, prefix: string) => {
    if (typeof v === 'number') {
      if (prefix) out[prefix] = v;
      return;
    }
    if (!v || typeof v !== 'object' || Array.isArray(v) || ArrayBuffer.isView(v)) return;
    for (const [k, x] of Object.entries(v)) walk(x, prefix ? `${prefix}.${k}` : k);
  };
  walk(m, '');
  return out;
}

let runCounter = 0;

interface PipelineRun {
  exp: PipelineExperiment<any, any>;
  params: Record<string, unknown>;
  seed: number | string;
  executor: Executor;
  backend: string;
  signal: AbortSignal;
  runId: string;
  opts: RunOptions;
  backendsUsed: Set<string>;
  tasks: Record<string, number>;
  packages: Record<string, string>;
  /** Prefix for stage names of sub-experiments. */
  prefix: string;
}

function cancelled(r: PipelineRun, stage: string, done: number, total: number, finished: string[]): CancelledError {
  const what = finished.length ? `stages finished: ${finished.join(', ')}; ` : '';
  return new CancelledError({ experiment: r.exp.id, stage, done, total, finishedStages: finished }, `run of ${r.exp.id} cancelled: ${what}stage '${stage}' had finished ${done} of ${total} tasks`);
}

/** Run every stage of a pipeline experiment; returns its measurements (schema-checked). */
async function runStages(r: PipelineRun): Promise<unknown> {
  const { exp, params, signal } = r;
  const prior: Record<string, unknown> = {};
  const finished: string[] = [];
  const stages = exp.stages;
  for (let k = 0; k < stages.length; k++) {
    const stage = stages[k];
    const stageName = r.prefix + stage.name;
    if (signal.aborted) throw cancelled(r, stageName, 0, 0, finished);
    if (isSubExperimentStage(stage)) {
      const sub = stage.experiment;
      const subParams = parseParams(sub.params, stage.params(params, prior)) as Record<string, unknown>;
      sub.validate?.(subParams as never);
      const subSeed = stage.seed(params, prior, Stream.fromSeed(r.seed).child(exp.id));
      if (sub.package) r.packages[sub.package.name] = sub.package.version;
      prior[stage.name] = await runStages({ ...r, exp: sub, params: subParams, seed: subSeed, prefix: `${stageName}/` });
      finished.push(stageName);
      continue;
    }
    const jobs = stage.plan(params, prior);
    const envelopes: TaskEnvelope[] = jobs.map((job) => ({ module: stage.task.module, name: stage.task.name, job, seed: r.seed, root: exp.id, backend: r.backend, run: r.runId }));
    const total = jobs.length;
    const last = k === stages.length - 1;
    const live = last && r.opts.live === true && exp.live !== false && !!r.opts.onProgress;
    const interval = r.opts.liveIntervalMs ?? 200;
    const partials: unknown[] = new Array(total);
    const arrived: boolean[] = new Array(total).fill(false);
    let done = 0;
    let lastLive = -Infinity;
    let failure: { index: number; error: SerializedError } | undefined;
    const inner = new AbortController();
    const relay = () => inner.abort();
    signal.addEventListener('abort', relay, { once: true });
    const event = (measurements?: unknown): ProgressEvent => ({ experiment: exp.id, stage: stageName, stageIndex: k, stages: stages.length, done, total, measurements });
    const onResult = (i: number, out: TaskOutcome) => {
      if (!out.ok) {
        if (!failure || i < failure.index) failure = { index: i, error: out.error };
        inner.abort();
        return;
      }
      partials[i] = out.partial;
      arrived[i] = true;
      for (const b of out.backends) r.backendsUsed.add(b);
      done++;
      r.opts.progress?.update(done, total, stageName);
      if (!r.opts.onProgress) return;
      let m: unknown;
      const now = performance.now();
      if (live && done < total && now - lastLive >= interval) {
        lastLive = now;
        const idx = arrived.flatMap((a, j) => (a ? [j] : []));
        try {
          m = stage.reduce(
            idx.map((j) => partials[j]),
            params,
            prior,
            { jobs: idx.map((j) => jobs[j]), complete: false },
          );
        } catch {
          m = undefined; // too few partials to reduce yet
        }
      }
      r.opts.onProgress(event(m));
    };
    const mapping = r.executor.map(pipelineTask, envelopes, { signal: inner.signal, onResult });
    // reported after the tasks are handed out, so a listener that aborts stops work in flight
    r.opts.progress?.update(0, total, stageName);
    r.opts.onProgress?.(event());
    try {
      await mapping;
    } catch (e) {
      if (failure) throw deserializeError(failure.error);
      if (e instanceof CancelledError || signal.aborted) throw cancelled(r, stageName, done, total, finished);
      throw e;
    } finally {
      signal.removeEventListener('abort', relay);
    }
    if (failure) throw deserializeError(failure.error);
    if (signal.aborted) throw cancelled(r, stageName, done, total, finished);
    r.tasks[stageName] = total;
    const out = stage.reduce(partials, params, prior, { jobs, complete: true });
    prior[stage.name] = out;
    finished.push(stageName);
    if (last && live) r.opts.onProgress?.(event(out));
  }
  const measurements = prior[stages[stages.length - 1].name];
  const checked = exp.measurements.safeParse(measurements);
  if (!checked.success) {
    const issue = checked.error.issues[0];
    throw new MeasurementSchemaError(exp.id, issue.path.map(String).join('.') || '(root)', issue.message);
  }
  return measurements;
}

/**
 * Run an experiment by id (registered) or object. Parameters are validated and defaulted; every
 * task's stream is `Stream.fromPath(seed, [id, ...job.path])`, so the same seed and parameters
 * give the same bytes whatever executor, worker count or machine ran them.
 */
export async function runExperiment<M>(experiment: PipelineExperiment<any, M>, rawParams?: Record<string, unknown>, opts?: RunOptions): Promise<ExperimentResult<M>>;
export async function runExperiment(idOrExperiment: string | Experiment<any>, rawParams?: Record<string, unknown>, opts?: RunOptions): Promise<ExperimentResult<any>>;
export async function runExperiment(
  idOrExperiment: string | Experiment<any>,
  rawParams: Record<string, unknown> = {},
  opts: RunOptions = {},
): Promise<ExperimentResult<any>> {
  const exp = resolveExperiment(idOrExperiment as string | Experiment<any>);
  const params = parseParams(exp.params, rawParams) as Record<string, unknown>;
  const seed = opts.seed ?? DEFAULT_SEED;
  const executor = opts.executor ?? inlineExecutor;
  const signal = opts.signal ?? new AbortController().signal;
  const backendRequested = opts.backend?.name ?? 'js';
  const startedAt = new Date();
  const t0 = performance.now();
  const packages: Record<string, string> = { [PACKAGE.name]: PACKAGE.version };
  if (exp.package) packages[exp.package.name] = exp.package.version;
  if (opts.backend?.packageName && opts.backend.version) packages[opts.backend.packageName] = opts.backend.version;

  exp.validate?.(params as never);
  const run: PipelineRun = {
    exp,
    params,
    seed,
    executor,
    backend: backendRequested,
    signal,
    runId: `run-${++runCounter}-${Math.random().toString(36).slice(2)}`,
    opts,
    backendsUsed: new Set(),
    tasks: {},
    packages,
    prefix: '',
  };
  const detach = attachRunSignal(run.runId, signal);
  let measurements: unknown;
  try {
    measurements = await runStages(run);
  } finally {
    detach();
  }
  const verdicts = exp.judge(measurements, params);
  const shown = exp.present(measurements, params);
  const metrics = exp.metrics ? exp.metrics(measurements, params) : flattenMetrics(measurements);
  const backend = run.backendsUsed.size ? [...run.backendsUsed].sort().join('+') : 'js';
  const tasks = run.tasks;
  for (const v of verdicts) {
    const problem = checkVerdict(v);
    if (problem) throw new Error(`experiment ${exp.id}: verdict '${v.claim}' has ${problem}`);
  }
  const durationMs = performance.now() - t0;
  const manifest: Manifest = {
    schema: 'snrlab-manifest/1',
    id: exp.id,
    params,
    seed,
    packages,
    node: typeof process !== 'undefined' ? process.version : 'none',
    platform: typeof process !== 'undefined' ? `${process.platform}-${process.arch}` : 'browser',
    backend,
    backendRequested,
    executor: { kind: executor.kind, workers: executor.workers },
    tasks,
    ...(opts.inputs?.length ? { inputs: opts.inputs } : {}),
    rng: { generator: 'philox4x32-10', implementation: philoxImplementation() },
    gitCommit: gitCommit(),
    startedAt: startedAt.toISOString(),
    durationMs: Math.round(durationMs),
  };
  return {
    id: exp.id,
    title: exp.title,
    domain: exp.domain,
    claim: exp.claim,
    params,
    measurements,
    metrics,
    tables: shown.tables ?? [],
    figures: shown.figures ?? [],
    verdicts,
    notes: shown.notes ?? [],
    manifest,
  };
}

/** Run a manifest again: same experiment, parameters and seed, hence the same metrics. */
export function rerunManifest(manifest: Manifest, opts: Omit<RunOptions, 'seed'> = {}): Promise<ExperimentResult> {
  if (!manifest || manifest.schema !== 'snrlab-manifest/1') {
    throw new TypeError(`invalid manifest: expected schema 'snrlab-manifest/1', got ${String(manifest?.schema)}`);
  }
  return runExperiment(manifest.id, manifest.params, { ...opts, seed: manifest.seed });
}
