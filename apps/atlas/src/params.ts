/**
 * Parameters from the URL, checked with the experiment's own zod schema (core's coerceParams and
 * parseParams, exactly as `snrlab run --set` does), and the command line that reproduces a run.
 */
import { coerceParams, defaultParams, parseParams, type ParamsSchema } from '@snrlab/core';
import type { ParamValue } from './lessons.js';

export interface ParamProblem {
  parameter: string;
  message: string;
}

/** A parameter value as `--set` takes it (lists comma-separated). */
export function toSetString(v: unknown): string {
  return Array.isArray(v) ? v.join(',') : String(v);
}

/**
 * Base parameters, overridden by the URL's raw strings. A bad value is dropped (the lesson keeps
 * running on the others) and reported with the parameter's allowed range.
 */
export function resolveParams(schema: ParamsSchema, base: Record<string, ParamValue>, raw: Record<string, string>): { params: Record<string, unknown>; problems: ParamProblem[]; raw: Record<string, string> } {
  const problems: ParamProblem[] = [];
  const kept: Record<string, string> = {};
  const coerced: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(raw)) {
    try {
      const c = coerceParams(schema, { [k]: v });
      parseParams(schema, { ...base, ...c });
      // an old (renamed) parameter name in a saved URL comes back under its new name
      for (const name of Object.keys(c)) {
        coerced[name] = c[name];
        kept[name] = v;
      }
    } catch (e) {
      problems.push({ parameter: k, message: (e as Error).message });
    }
  }
  let params: Record<string, unknown>;
  try {
    params = parseParams(schema, { ...base, ...coerced }) as Record<string, unknown>;
  } catch (e) {
    // values that are valid alone but not together: fall back to the base parameters
    problems.push({ parameter: Object.keys(coerced).join(', '), message: (e as Error).message });
    params = parseParams(schema, { ...base }) as Record<string, unknown>;
    return { params, problems, raw: {} };
  }
  return { params, problems, raw: kept };
}

/** Parse a seed as the CLI does: a non-negative safe integer, or any other non-empty string. */
export function parseSeed(raw: string | null): { seed: number | string; problem?: string } {
  if (raw === null) return { seed: 1 };
  if (/^\d+$/.test(raw)) {
    const n = Number(raw);
    if (Number.isSafeInteger(n)) return { seed: n };
    return { seed: 1, problem: `invalid seed: got ${raw}; expected an integer in [0, 2^53) or a string` };
  }
  if (!raw) return { seed: 1, problem: 'invalid seed: empty' };
  return { seed: raw };
}

const shellQuote = (s: string) => (/^[\w.,:=+-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`);

/** The `snrlab run` command that gives the same measurements: every parameter that differs from its default. */
export function cliCommand(id: string, schema: ParamsSchema, params: Record<string, unknown>, seed: number | string): { argv: string[]; text: string } {
  const defaults = defaultParams(schema) as Record<string, unknown>;
  const argv = ['run', id, '--seed', String(seed)];
  for (const [k, v] of Object.entries(params)) {
    if (JSON.stringify(v) === JSON.stringify(defaults[k])) continue;
    argv.push('--set', `${k}=${toSetString(v)}`);
  }
  return { argv, text: ['snrlab', ...argv].map(shellQuote).join(' ') };
}
