/**
 * The experiment registry. Engines export their experiments without side effects; their
 * `register` entry point adds them here, and the CLI lists whatever was registered.
 * Lives on globalThis so duplicate copies of core (ESM + CJS) share one registry.
 */
import type { z } from 'zod';
import type { Experiment, PackageInfo, ParamsSchema } from './types.js';
import type { ExperimentDefinition, MultiStageDefinition, PipelineExperiment, SingleStageDefinition, PipelineJob } from './pipeline.js';

const KEY = Symbol.for('snrlab.experiments');

function table(): Map<string, Experiment> {
  const g = globalThis as unknown as Record<symbol, Map<string, Experiment> | undefined>;
  let t = g[KEY];
  if (!t) {
    t = new Map();
    g[KEY] = t;
  }
  return t;
}

const ID = /^[a-z][a-z0-9]*(-[a-z0-9]+)*\.[a-z0-9]+(-[a-z0-9]+)*$/;

function checkId(e: { id: string; domain: string }): void {
  if (!ID.test(e.id)) throw new TypeError(`invalid experiment id: ${JSON.stringify(e.id)}; expected '<domain>.<name>' in lower-case words joined by '-'`);
  if (!e.id.startsWith(e.domain + '.')) throw new TypeError(`invalid experiment id: ${e.id}; expected it to start with its domain '${e.domain}.'`);
}

/**
 * Define an experiment: either one stage (`plan`, `task`, `reduce`) or several (`stages`), then
 * `judge` and `present` on the typed measurements. Returns it with its stages listed.
 */
export function defineExperiment<S extends ParamsSchema, J extends PipelineJob, R, M>(e: SingleStageDefinition<S, J, R, M>): PipelineExperiment<S, M>;
export function defineExperiment<S extends ParamsSchema, M>(e: MultiStageDefinition<S, M>): PipelineExperiment<S, M>;
export function defineExperiment(e: ExperimentDefinition<any, any>): Experiment<any, any> {
  checkId(e);
  if ('stages' in e && e.stages) {
    if (e.stages.length === 0) throw new TypeError(`experiment ${e.id}: 'stages' is empty`);
    const names = new Set<string>();
    for (const s of e.stages) {
      if (names.has(s.name)) throw new TypeError(`experiment ${e.id}: stage '${s.name}' is defined twice`);
      names.add(s.name);
    }
    return e as PipelineExperiment<any, any>;
  }
  const d = e as SingleStageDefinition<any, any, any, any>;
  if (typeof d.plan !== 'function' || !d.task || typeof d.reduce !== 'function') {
    throw new TypeError(`experiment ${e.id}: define plan, task and reduce (or stages)`);
  }
  const { plan, task, reduce, ...rest } = d;
  return {
    ...rest,
    stages: [{ name: 'main', plan: (p: z.output<ParamsSchema>) => plan(p), task, reduce: (partials: unknown[], p: z.output<ParamsSchema>, _prior: unknown, info: any) => reduce(partials, p, info) }],
  } as PipelineExperiment<any, any>;
}

/** Register experiments from a package (idempotent for the same object). */
export function registerExperiments(pkg: PackageInfo, experiments: readonly Experiment<any>[]): void {
  const t = table();
  for (const e of experiments) {
    const prev = t.get(e.id);
    if (prev && prev !== e && prev.package?.name !== pkg.name) {
      throw new Error(`experiment id '${e.id}' is registered twice (${prev.package?.name} and ${pkg.name})`);
    }
    e.package = pkg;
    t.set(e.id, e);
  }
}

export function listExperiments(): Experiment[] {
  return [...table().values()].sort((a, b) => a.id.localeCompare(b.id));
}

export function getExperiment(id: string): Experiment | undefined {
  return table().get(id);
}

function levenshtein(a: string, b: string): number {
  const dp = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let prev = dp[0];
    dp[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = dp[j];
      dp[j] = Math.min(dp[j] + 1, dp[j - 1] + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = tmp;
    }
  }
  return dp[b.length];
}

/** Registered ids closest to `id` (substring matches first, then edit distance). */
export function suggestExperiments(id: string, max = 3): string[] {
  const ids = listExperiments().map((e) => e.id);
  const q = id.toLowerCase();
  const scored = ids.map((x) => {
    const name = x.split('.')[1] ?? x;
    const sub = x.includes(q) || q.includes(name) ? -100 : 0;
    return { x, d: sub + Math.min(levenshtein(q, x), levenshtein(q, name) + 1) };
  });
  scored.sort((a, b) => a.d - b.d || a.x.localeCompare(b.x));
  return scored.filter((s) => s.d <= Math.max(4, q.length / 2)).slice(0, max).map((s) => s.x);
}

export class UnknownExperimentError extends Error {
  override readonly name = 'UnknownExperimentError';
  constructor(
    readonly id: string,
    readonly suggestions: string[],
  ) {
    super(`unknown experiment '${id}'` + (suggestions.length ? `; did you mean ${suggestions.map((s) => `'${s}'`).join(', ')}?` : ''));
  }
}
