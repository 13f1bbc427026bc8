/** The experiment contract (docs/ARCHITECTURE.md): verdicts, tables, figures, manifests and results. */

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
  /** The typed measurements (the experiment's `measurements` schema). */
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

export type { ParamsSchema } from './pipeline.js';
import type { ParamsSchema, PipelineExperiment } from './pipeline.js';

/** Any registered experiment. */
export type Experiment<S extends ParamsSchema = ParamsSchema, M = any> = PipelineExperiment<S, M>;
