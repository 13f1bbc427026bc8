/** The experiment contract (docs/ARCHITECTURE.md): verdicts, tables, figures, manifests and results. */

/** The outcome of a verdict: the data agree with the claim, disagree, or cannot decide. */
export type VerdictStatus = 'agrees' | 'disagrees' | 'inconclusive';

/**
 * What kind of claim a verdict tests: a value (`point`: "= theory"), a direction (`directional`:
 * "lower", "larger"), or an absence of effect (`equivalence`: "does not change", "independent of").
 */
export type ClaimKind = 'point' | 'directional' | 'equivalence';

/** A stated systematic allowance that widens a point verdict's interval, with where it comes from. */
export interface Allowance {
  value: number;
  /** How it was derived: a bound, a closed form, an independent run. Shown with the verdict. */
  derivation: string;
  /** Estimated from the data being judged: then the verdict cannot agree through it (inconclusive). */
  fromData?: boolean;
}

/** A comparison of a measurement with theory. `status` is computed, never passed in. */
export interface Verdict {
  claim: string;
  kind: ClaimKind;
  theory: number;
  measured: number;
  /** 95% interval (for a directional claim one end is infinite; for equivalence, see the note). */
  ci95: [number, number];
  status: VerdictStatus;
  /** `status === 'agrees'`, for consumers that read a boolean. */
  agrees: boolean;
  note: string;
  /** Standard error of `measured`, when the interval came from one. */
  se?: number;
  allowance?: Allowance;
  /** The effect an allowance is compared with (default |theory|). */
  effect?: number;
  /** Directional claims: the side of `theory` (the threshold) the claim puts the value on. */
  direction?: 'below' | 'above';
  /** Equivalence claims: the margin and the power of the test at zero difference. */
  margin?: number;
  power?: number;
  /** For an inconclusive verdict: what budget or what independent input would decide it. */
  decide?: string;
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
