/**
 * The experiment registry. Engines export their experiments without side effects; their
 * `register` entry point adds them here, and the CLI lists whatever was registered.
 * Lives on globalThis so duplicate copies of core (ESM + CJS) share one registry.
 */
import type { Experiment, PackageInfo, ParamsSchema } from './types.js';

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

/** Check an experiment's shape and return it (typed). */
export function defineExperiment<S extends ParamsSchema>(e: Experiment<S>): Experiment<S> {
  if (!ID.test(e.id)) throw new TypeError(`invalid experiment id: ${JSON.stringify(e.id)}; expected '<domain>.<name>' in lower-case words joined by '-'`);
  if (!e.id.startsWith(e.domain + '.')) throw new TypeError(`invalid experiment id: ${e.id}; expected it to start with its domain '${e.domain}.'`);
  return e;
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
