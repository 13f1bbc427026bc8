/** Running an experiment: validate parameters, derive the stream, time it, and attach a manifest. */
import { spawnSync } from 'node:child_process';
import { PACKAGE } from '../package.js';
import { Stream } from '../random/stream.js';
import { philoxImplementation } from '../random/philox.js';
import { inlineExecutor } from '../executors/inline.js';
import type { Executor } from '../executors/types.js';
import { parseParams } from './params.js';
import { getExperiment, suggestExperiments, UnknownExperimentError } from './registry.js';
import { intervalAgrees } from './verdict.js';
import type { BackendLike, Experiment, ExperimentResult, Manifest, ProgressReporter } from './types.js';

/** Seed used when none is given, so that a bare run is reproducible too. */
export const DEFAULT_SEED = 1;

export interface RunOptions {
  seed?: number | string;
  backend?: BackendLike & { version?: string; packageName?: string };
  executor?: Executor;
  progress?: ProgressReporter;
  signal?: AbortSignal;
}

let commit: string | null | undefined;

/** The git commit of the working directory, if it is a checkout (cached). */
export function gitCommit(): string | null {
  if (commit !== undefined) return commit;
  commit = process.env.SNRLAB_GIT_COMMIT ?? null;
  if (!commit) {
    try {
      const r = spawnSync('git', ['rev-parse', 'HEAD'], { encoding: 'utf8', timeout: 2000, stdio: ['ignore', 'pipe', 'ignore'] });
      commit = r.status === 0 ? r.stdout.trim() || null : null;
    } catch {
      commit = null;
    }
  }
  return commit;
}

const noProgress: ProgressReporter = { update() {} };

export function resolveExperiment(idOrExperiment: string | Experiment<any>): Experiment<any> {
  if (typeof idOrExperiment !== 'string') return idOrExperiment;
  const e = getExperiment(idOrExperiment);
  if (!e) throw new UnknownExperimentError(idOrExperiment, suggestExperiments(idOrExperiment));
  return e;
}

/**
 * Run an experiment by id (registered) or object. Parameters are validated and defaulted;
 * the run's stream is `Stream.fromSeed(seed).child(id)`, so the same seed and parameters give
 * the same metrics whatever executor, worker count or machine ran them.
 */
export async function runExperiment(
  idOrExperiment: string | Experiment<any>,
  rawParams: Record<string, unknown> = {},
  opts: RunOptions = {},
): Promise<ExperimentResult> {
  const exp = resolveExperiment(idOrExperiment);
  const params = parseParams(exp.params, rawParams) as Record<string, unknown>;
  const seed = opts.seed ?? DEFAULT_SEED;
  const stream = Stream.fromSeed(seed).child(exp.id);
  const executor = opts.executor ?? inlineExecutor;
  const startedAt = new Date();
  const t0 = performance.now();
  const out = await exp.run(params, {
    seed,
    stream,
    backend: opts.backend,
    executor,
    progress: opts.progress ?? noProgress,
    signal: opts.signal ?? new AbortController().signal,
  });
  const durationMs = performance.now() - t0;
  for (const [k, v] of Object.entries(out.metrics)) {
    if (typeof v !== 'number') throw new TypeError(`experiment ${exp.id} returned a non-numeric metric ${k}: ${String(v)}`);
  }
  for (const v of out.verdicts) {
    if (v.agrees !== intervalAgrees(v.ci95, v.theory, v.tolerance ?? 0)) {
      throw new Error(`experiment ${exp.id}: verdict '${v.claim}' has agrees=${v.agrees}, which its interval does not support`);
    }
  }
  const packages: Record<string, string> = { [PACKAGE.name]: PACKAGE.version };
  if (exp.package) packages[exp.package.name] = exp.package.version;
  if (opts.backend?.packageName && opts.backend.version) packages[opts.backend.packageName] = opts.backend.version;
  const manifest: Manifest = {
    schema: 'snrlab-manifest/1',
    id: exp.id,
    params,
    seed,
    packages,
    node: process.version,
    platform: `${process.platform}-${process.arch}`,
    backend: opts.backend?.name ?? 'js',
    executor: { kind: executor.kind, workers: executor.workers },
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
    metrics: out.metrics,
    tables: out.tables ?? [],
    figures: out.figures ?? [],
    verdicts: out.verdicts,
    notes: out.notes ?? [],
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
