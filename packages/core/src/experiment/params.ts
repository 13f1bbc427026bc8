/**
 * Parameter schemas are zod objects: defaults, ranges, units (`.meta({ unit })`) and
 * descriptions live in one place and export to JSON Schema. This module turns them into
 * CLI help, coerces `--set key=value` strings, and reports bad values by name and range.
 */
import { z } from 'zod';
import { ParameterError, ParameterTypeError } from '../errors.js';
import type { ParamsSchema } from './types.js';

export interface JsonSchemaProperty {
  type?: string | string[];
  enum?: unknown[];
  default?: unknown;
  description?: string;
  unit?: string;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
  minItems?: number;
  maxItems?: number;
  items?: JsonSchemaProperty;
  anyOf?: JsonSchemaProperty[];
  [k: string]: unknown;
}

export interface ParamDescription {
  name: string;
  type: string;
  default: unknown;
  allowed: string;
  unit?: string;
  description?: string;
  /** Old names still accepted (deprecated). */
  formerly?: string[];
}

/** JSON Schema (draft 2020-12) of the parameters, defaults included. */
export function paramsJSONSchema(schema: ParamsSchema): Record<string, unknown> {
  return z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;
}

function properties(schema: ParamsSchema): Record<string, JsonSchemaProperty> {
  return ((paramsJSONSchema(schema).properties ?? {}) as Record<string, JsonSchemaProperty>);
}

const BIG = Number.MAX_SAFE_INTEGER;

function numberRange(p: JsonSchemaProperty, integer: boolean): string {
  const lo =
    p.exclusiveMinimum !== undefined ? `(${p.exclusiveMinimum}` : p.minimum !== undefined && p.minimum > -BIG ? `[${p.minimum}` : '(-∞';
  const hi =
    p.exclusiveMaximum !== undefined ? `${p.exclusiveMaximum})` : p.maximum !== undefined && p.maximum < BIG ? `${p.maximum}]` : '∞)';
  return `${integer ? 'an integer' : 'a number'} in ${lo}, ${hi}`;
}

/** Human description of what a property allows, e.g. "a number in (0, 2]". */
export function allowedText(p: JsonSchemaProperty): string {
  if (p.enum) return `one of ${p.enum.map((e) => JSON.stringify(e)).join(', ')}`;
  if (p.anyOf) return p.anyOf.map(allowedText).join(' or ');
  switch (p.type) {
    case 'number':
      return numberRange(p, false);
    case 'integer':
      return numberRange(p, true);
    case 'boolean':
      return 'true or false';
    case 'string':
      return 'a string';
    case 'array': {
      const n =
        p.minItems !== undefined && p.maxItems !== undefined
          ? p.minItems === p.maxItems
            ? `exactly ${p.minItems}`
            : `${p.minItems} to ${p.maxItems}`
          : p.minItems !== undefined
            ? `at least ${p.minItems}`
            : p.maxItems !== undefined
              ? `at most ${p.maxItems}`
              : 'any number of';
      const inner = p.items ? allowedText(p.items).replace(/^(a|an) /, '') : 'values';
      return `a comma-separated list of ${n} values, each ${p.items ? allowedText(p.items) : inner}`;
    }
    default:
      return 'a valid value';
  }
}

/** One row per parameter: name, type, default, allowed range, unit, description. */
export function describeParams(schema: ParamsSchema): ParamDescription[] {
  return Object.entries(properties(schema)).map(([name, p]) => ({
    name,
    type: p.enum ? 'enum' : p.type === 'array' ? `${p.items?.type ?? 'value'}[]` : String(p.type ?? 'any'),
    default: p.default,
    allowed: allowedText(p),
    ...(p.unit ? { unit: String(p.unit) } : {}),
    ...(p.description ? { description: p.description } : {}),
    ...(p.renamedFrom !== undefined ? { formerly: ([] as unknown[]).concat(p.renamedFrom).map(String) } : {}),
  }));
}

function coerceScalar(name: string, raw: string, p: JsonSchemaProperty): unknown {
  const t = p.type;
  if (p.enum) return raw;
  if (t === 'number' || t === 'integer') {
    const v = raw.trim() === '' ? NaN : Number(raw);
    if (Number.isNaN(v)) throw new ParameterTypeError(name, raw, allowedText(p));
    return v;
  }
  if (t === 'boolean') {
    if (/^(true|1|yes)$/i.test(raw)) return true;
    if (/^(false|0|no)$/i.test(raw)) return false;
    throw new ParameterTypeError(name, raw, 'true or false');
  }
  return raw;
}

/**
 * Old parameter names that are still accepted, old → new. A parameter renamed to follow the
 * glossary of repetition counts (docs/ARCHITECTURE.md) carries `.meta({ renamedFrom: 'old' })`
 * on its new key, so every entry point (library, CLI, sweep files, queue, atlas URLs) accepts
 * the old name for one release, with a deprecation warning.
 */
export function renamedParams(schema: ParamsSchema): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, p] of Object.entries(properties(schema))) {
    const from = p.renamedFrom;
    for (const old of Array.isArray(from) ? from : from === undefined ? [] : [from]) out[String(old)] = name;
  }
  return out;
}

export type DeprecationHandler = (message: string, detail: { from: string; to: string }) => void;

const warned = new Set<string>();

/** Default: one warning per old name and process (Node's DeprecationWarning, else console.warn). */
const defaultDeprecation: DeprecationHandler = (message, { from, to }) => {
  const key = `${from}→${to}`;
  if (warned.has(key)) return;
  warned.add(key);
  const proc = (globalThis as { process?: { emitWarning?: (m: string, o: { type: string; code: string }) => void } }).process;
  if (proc?.emitWarning) proc.emitWarning(message, { type: 'DeprecationWarning', code: 'SNRLAB_RENAMED_PARAMETER' });
  else console.warn(`DeprecationWarning: ${message}`);
};

let deprecation: DeprecationHandler = defaultDeprecation;

/** Route deprecation warnings (renamed parameters) elsewhere, e.g. to the CLI's stderr; returns the previous handler. */
export function onDeprecation(handler: DeprecationHandler): DeprecationHandler {
  const prev = deprecation;
  deprecation = handler;
  return prev;
}

/** Replace old parameter names by their new ones (warning once per name); both given is an error. */
function renameKeys<T>(schema: ParamsSchema, raw: Record<string, T>): Record<string, T> {
  const renames = renamedParams(schema);
  if (!Object.keys(raw).some((k) => k in renames)) return raw;
  const out: Record<string, T> = {};
  for (const [k, v] of Object.entries(raw)) {
    const to = renames[k];
    if (to === undefined) {
      out[k] = v;
      continue;
    }
    if (to in raw) throw new ParameterError(k, v, `only one of '${k}' and '${to}' ('${k}' is the old name of '${to}')`);
    deprecation(`parameter '${k}' is renamed '${to}' (glossary of repetition counts); the old name is accepted until the next release`, { from: k, to });
    out[to] = v;
  }
  return out;
}

/**
 * Turn `key=value` strings (from the CLI) into typed values using the schema: numbers,
 * booleans, enums, and comma-separated lists for arrays. Unknown keys are refused; old names of
 * renamed parameters are accepted with a deprecation warning.
 */
export function coerceParams(schema: ParamsSchema, pairs: Record<string, string>): Record<string, unknown> {
  const props = properties(schema);
  const out: Record<string, unknown> = {};
  for (const [name, raw] of Object.entries(renameKeys(schema, pairs))) {
    const p = props[name];
    if (!p) throw new ParameterError(name, raw, `a known parameter: ${Object.keys(props).join(', ')}`, 'unknown parameter');
    if (p.type === 'array') {
      const items = p.items ?? {};
      const parts = raw.replace(/^\[|\]$/g, '').split(',').map((s) => s.trim()).filter((s) => s !== '');
      out[name] = parts.map((s, i) => coerceScalar(`${name}[${i}]`, s, items));
    } else out[name] = coerceScalar(name, raw, p);
  }
  return out;
}

function pathName(path: readonly PropertyKey[]): string {
  return path.map((k, i) => (typeof k === 'number' ? `[${k}]` : i === 0 ? String(k) : `.${String(k)}`)).join('');
}

function valueAt(obj: unknown, path: readonly PropertyKey[]): unknown {
  let v: any = obj;
  for (const k of path) v = v == null ? undefined : v[k as any];
  return v;
}

/**
 * Validate (and default) parameters. Unknown keys and out-of-range values throw a
 * ParameterError naming the parameter, the value given and the allowed range.
 */
export function parseParams<S extends ParamsSchema>(schema: S, given: Record<string, unknown> = {}): z.output<S> {
  const props = properties(schema);
  const raw = renameKeys(schema, given);
  for (const k of Object.keys(raw)) {
    if (!(k in props)) throw new ParameterError(k, raw[k], `a known parameter: ${Object.keys(props).join(', ')}`, 'unknown parameter');
  }
  const r = schema.safeParse(raw);
  if (r.success) return r.data;
  const issue = r.error.issues[0];
  const top = String(issue.path[0] ?? '');
  const p = props[top];
  let allowed = p ? allowedText(p) : issue.message;
  if (p?.type === 'array' && issue.path.length > 1 && p.items) allowed = allowedText(p.items);
  if (issue.code === 'custom') allowed = issue.message;
  const name = pathName(issue.path) || '(params)';
  const value = valueAt(raw, issue.path);
  if (issue.code === 'invalid_type') throw new ParameterTypeError(name, value, allowed);
  throw new ParameterError(name, value, allowed);
}

/** All defaults, as `parseParams(schema, {})` gives them. */
export function defaultParams<S extends ParamsSchema>(schema: S): z.output<S> {
  return parseParams(schema, {});
}
