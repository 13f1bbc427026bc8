/**
 * Sweep files: an experiment, fixed parameters, and parameter grids (Cartesian or zipped) with
 * replicas. Everything is validated before anything runs; a bad field is reported by its path.
 */
import { parse as parseYaml } from 'yaml';
import { getExperiment, isParameterError, parseParams, suggestExperiments, type Experiment } from '@snrlab/core';

export interface SweepSpec {
  experiment: string;
  /** Root seed; each point and replica gets its own seed derived from it. */
  seed?: number | string;
  replicas?: number;
  mode?: 'cartesian' | 'zip';
  /** Parameters held fixed across the sweep. */
  params?: Record<string, unknown>;
  /** Swept parameters: each a list of values. */
  grid: Record<string, unknown[]>;
}

export interface SweepPoint {
  /** Job index: point · replicas + replica. */
  index: number;
  point: number;
  replica: number;
  params: Record<string, unknown>;
  /** The seed this run uses: a pure function of the root seed, the point's parameters and the replica. */
  seed: string;
}

export class SweepSpecError extends Error {
  override readonly name = 'SweepSpecError';
  constructor(
    readonly path: string,
    message: string,
  ) {
    super(`invalid sweep file at ${path}: ${message}`);
  }
}

/** Points above which a sweep needs explicit confirmation (`--yes`). */
export const CONFIRM_POINTS = 1_000_000;

/** JSON with sorted keys, so equal parameter sets give equal strings. */
export function canonicalJSON(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonicalJSON).join(',')}]`;
  if (v && typeof v === 'object') {
    return `{${Object.keys(v)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonicalJSON((v as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(v);
}

/** Read a .yaml/.yml or .json sweep file's text. */
export function parseSweepText(text: string, fileName = 'sweep'): unknown {
  try {
    return /\.json$/i.test(fileName) ? JSON.parse(text) : parseYaml(text);
  } catch (e) {
    throw new SweepSpecError('(file)', `cannot parse ${fileName}: ${(e as Error).message.split('\n')[0]}`);
  }
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Check the shape of a sweep file and return it typed. */
export function checkSpec(raw: unknown): SweepSpec {
  if (!isRecord(raw)) throw new SweepSpecError('(root)', 'expected a mapping with experiment, grid, and optionally params, seed, replicas, mode');
  const known = ['experiment', 'seed', 'replicas', 'mode', 'params', 'grid'];
  for (const k of Object.keys(raw)) if (!known.includes(k)) throw new SweepSpecError(k, `unknown field; expected one of ${known.join(', ')}`);
  if (typeof raw.experiment !== 'string' || !raw.experiment) throw new SweepSpecError('experiment', 'expected an experiment id');
  if (raw.seed !== undefined && !(typeof raw.seed === 'string' || (Number.isSafeInteger(raw.seed) && (raw.seed as number) >= 0))) {
    throw new SweepSpecError('seed', `got ${JSON.stringify(raw.seed)}; expected a non-negative integer or a string`);
  }
  if (raw.replicas !== undefined && !(Number.isInteger(raw.replicas) && (raw.replicas as number) >= 1)) {
    throw new SweepSpecError('replicas', `got ${JSON.stringify(raw.replicas)}; expected an integer >= 1`);
  }
  if (raw.mode !== undefined && raw.mode !== 'cartesian' && raw.mode !== 'zip') {
    throw new SweepSpecError('mode', `got ${JSON.stringify(raw.mode)}; expected "cartesian" or "zip"`);
  }
  if (raw.params !== undefined && !isRecord(raw.params)) throw new SweepSpecError('params', 'expected a mapping of parameter values');
  if (!isRecord(raw.grid)) throw new SweepSpecError('grid', 'expected a mapping of parameter lists');
  if (Object.keys(raw.grid).length === 0) throw new SweepSpecError('grid', 'empty: name at least one parameter to sweep');
  for (const [k, v] of Object.entries(raw.grid)) {
    if (!Array.isArray(v)) throw new SweepSpecError(`grid.${k}`, 'expected a list of values');
    if (v.length === 0) throw new SweepSpecError(`grid.${k}`, 'empty list: give at least one value');
  }
  return raw as unknown as SweepSpec;
}

/** Number of points × replicas a spec expands to, without expanding it. */
export function countJobs(spec: SweepSpec): number {
  const lens = Object.values(spec.grid).map((v) => v.length);
  const points = (spec.mode ?? 'cartesian') === 'zip' ? lens[0] : lens.reduce((a, b) => a * b, 1);
  return points * (spec.replicas ?? 1);
}

/**
 * Expand and validate every point: each parameter set must pass the experiment's schema.
 * Errors carry the path of the bad field (e.g. `grid.alpha[2]`).
 */
export function expandSweep(spec: SweepSpec): { experiment: Experiment; points: SweepPoint[] } {
  const experiment = getExperiment(spec.experiment);
  if (!experiment) {
    const s = suggestExperiments(spec.experiment);
    throw new SweepSpecError('experiment', `unknown experiment '${spec.experiment}'${s.length ? `; did you mean ${s.map((x) => `'${x}'`).join(', ')}?` : ''}`);
  }
  const fixed = spec.params ?? {};
  const keys = Object.keys(spec.grid);
  const mode = spec.mode ?? 'cartesian';
  const replicas = spec.replicas ?? 1;
  const seed = spec.seed ?? 1;
  // check the fixed parameters and every grid value on its own first, so errors name the field
  try {
    parseParams(experiment.params, fixed);
  } catch (e) {
    if (isParameterError(e)) throw new SweepSpecError(`params.${e.parameter.split(/[.[]/)[0]}`, e.message);
    throw e;
  }
  for (const k of keys) {
    if (k in fixed) throw new SweepSpecError(`grid.${k}`, 'also set in params; a parameter is either fixed or swept');
    spec.grid[k].forEach((v, i) => {
      try {
        parseParams(experiment.params, { ...fixed, [k]: v });
      } catch (e) {
        if (isParameterError(e)) throw new SweepSpecError(`grid.${k}[${i}]`, e.message);
        throw e;
      }
    });
  }
  let combos: Record<string, unknown>[];
  if (mode === 'zip') {
    const n = spec.grid[keys[0]].length;
    for (const k of keys) {
      if (spec.grid[k].length !== n) throw new SweepSpecError(`grid.${k}`, `has ${spec.grid[k].length} values; mode zip needs ${n} like grid.${keys[0]}`);
    }
    combos = Array.from({ length: n }, (_, i) => Object.fromEntries(keys.map((k) => [k, spec.grid[k][i]])));
  } else {
    combos = [{}];
    for (const k of keys) combos = combos.flatMap((c) => spec.grid[k].map((v) => ({ ...c, [k]: v })));
  }
  const points: SweepPoint[] = [];
  combos.forEach((combo, p) => {
    const params = { ...fixed, ...combo };
    try {
      parseParams(experiment.params, params);
    } catch (e) {
      if (isParameterError(e)) throw new SweepSpecError(`grid (point ${p}: ${canonicalJSON(combo)})`, e.message);
      throw e;
    }
    for (let r = 0; r < replicas; r++) {
      points.push({ index: p * replicas + r, point: p, replica: r, params, seed: `${seed}|${canonicalJSON(params)}|${r}` });
    }
  });
  return { experiment, points };
}
