/** The experiment contract (see DESIGN.md): every claim is an experiment that measures it. */
import type { z } from 'zod';
import type { Executor } from '../executors/types.js';
import type { Stream } from '../random/stream.js';

/** A comparison of a measurement with theory. `agrees` is computed from the interval. */
export interface Verdict {
  claim: string;
  theory: number;
  measured: number;
  ci95: [number, number];
  /** True when [ci95[0] − tolerance, ci95[1] + tolerance] contains `theory`. */
  agrees: boolean;
  note: string;
  /** A stated systematic allowance (e.g. "within 0.2 of the declared order"); 0 if none. */
  tolerance?: number;
  /** Standard error of `measured`, when the interval came from one. */
  se?: number;
}

export interface Table {
  name: string;
  title?: string;
  columns: string[];
  rows: (string | number | boolean | null)[][];
}

/** A figure as a Vega-Lite specification with its data inline. */
export interface Figure {
  name: string;
  title: string;
  spec: Record<string, unknown>;
}

/** What an experiment's `run` returns; the runner adds the identity and the manifest. */
export interface ExperimentOutput {
  metrics: Record<string, number>;
  verdicts: Verdict[];
  tables?: Table[];
  figures?: Figure[];
  notes?: string[];
}

export interface PackageInfo {
  name: string;
  version: string;
}

export interface Manifest {
  schema: 'snrlab-manifest/1';
  id: string;
  params: Record<string, unknown>;
  seed: number | string;
  packages: Record<string, string>;
  node: string;
  platform: string;
  /** The backend(s) the tasks actually computed on, joined by '+' (e.g. 'js', 'wasm', 'js+wasm'). */
  backend: string;
  /** The backend the run asked for. */
  backendRequested: string;
  executor: { kind: string; workers: number };
  /** Tasks run, per stage. */
  tasks?: Record<string, number>;
  /** The user's input files behind parameters, with their SHA-256 (see `RunOptions.inputs`). */
  inputs?: { param: string; file: string; format?: string; sha256: string }[];
  rng: { generator: 'philox4x32-10'; implementation: 'wasm' | 'js' };
  gitCommit: string | null;
  startedAt: string;
  durationMs: number;
}

export interface ExperimentResult<M = unknown> {
  id: string;
  title: string;
  domain: string;
  claim: string;
  params: Record<string, unknown>;
  /** The typed measurements (pipeline experiments; undefined for a legacy `run`). */
  measurements: M;
  /** Flat numeric view of the measurements, for `--json` and the sweep store. */
  metrics: Record<string, number>;
  tables: Table[];
  figures: Figure[];
  verdicts: Verdict[];
  notes: string[];
  manifest: Manifest;
}

export interface ProgressReporter {
  /** `done` of `total` units finished; `label` says what is running. */
  update(done: number, total: number, label?: string): void;
}

/** What core knows of a compute backend; `@snrlab/tensor` supplies the real ones. */
export interface BackendLike {
  readonly name: string;
}

export interface RunContext {
  seed: number | string;
  /** The run's root stream: `Stream.fromSeed(seed).child(experimentId)`. */
  stream: Stream;
  backend: BackendLike | undefined;
  executor: Executor;
  progress: ProgressReporter;
  signal: AbortSignal;
}

export type { ParamsSchema } from './pipeline.js';
import type { ParamsSchema, PipelineExperiment } from './pipeline.js';

/**
 * The closed `run(params, ctx)` of earlier releases, kept only while experiments move to the
 * pipeline (plan → task → reduce → judge → present).
 */
export interface LegacyExperiment<S extends ParamsSchema = ParamsSchema> {
  id: string;
  domain: string;
  title: string;
  claim: string;
  description?: string;
  params: S;
  run(params: z.output<S>, ctx: RunContext): Promise<ExperimentOutput> | ExperimentOutput;
  package?: PackageInfo;
  stages?: undefined;
}

/** Any registered experiment. */
export type Experiment<S extends ParamsSchema = ParamsSchema, M = any> = PipelineExperiment<S, M> | LegacyExperiment<S>;
