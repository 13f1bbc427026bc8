/**
 * Errors and validation shared by every package. A bad input names the parameter, the value
 * given and what is allowed; a run that blows up names where it happened and keeps what it
 * finished.
 */

export interface ParameterProblem {
  readonly parameter: string;
  readonly value: unknown;
  readonly allowed: string;
}

function show(value: unknown): string {
  if (typeof value === 'number') return Number.isNaN(value) ? 'NaN' : String(value);
  if (typeof value === 'string') return JSON.stringify(value);
  if (value === undefined) return 'undefined';
  if (ArrayBuffer.isView(value)) return `${value.constructor.name}(${(value as unknown as ArrayLike<number>).length})`;
  try {
    const s = JSON.stringify(value);
    return s.length > 80 ? s.slice(0, 77) + '...' : s;
  } catch {
    return String(value);
  }
}

function message(p: ParameterProblem, note?: string): string {
  return `invalid ${p.parameter}: got ${show(p.value)}; expected ${p.allowed}${note ? ` (${note})` : ''}`;
}

/** A value outside its allowed range. */
export class ParameterError extends RangeError implements ParameterProblem {
  override readonly name = 'ParameterError';
  constructor(
    readonly parameter: string,
    readonly value: unknown,
    readonly allowed: string,
    readonly note?: string,
  ) {
    super(message({ parameter, value, allowed }, note));
  }
}

/** A value of the wrong type or shape. */
export class ParameterTypeError extends TypeError implements ParameterProblem {
  override readonly name = 'ParameterTypeError';
  constructor(
    readonly parameter: string,
    readonly value: unknown,
    readonly allowed: string,
    readonly note?: string,
  ) {
    super(message({ parameter, value, allowed }, note));
  }
}

export function isParameterError(e: unknown): e is ParameterError | ParameterTypeError {
  return e instanceof ParameterError || e instanceof ParameterTypeError;
}

/**
 * A simulation produced NaN/Inf or crossed a divergence bound. It says where, and carries
 * whatever statistics were finished before it happened.
 */
export class DivergenceError extends Error {
  override readonly name = 'DivergenceError';
  constructor(
    readonly step: number,
    readonly time: number,
    readonly replica: number,
    readonly value: number,
    readonly partial?: unknown,
    detail?: string,
  ) {
    super(
      `simulation diverged at step ${step} (t = ${time}) in replica ${replica}: value ${show(value)}` +
        (detail ? `; ${detail}` : ''),
    );
  }
}

/** Raised when an AbortSignal stops a run; carries what was finished. */
export class CancelledError extends Error {
  override readonly name = 'CancelledError';
  constructor(
    readonly partial?: unknown,
    message = 'run cancelled',
  ) {
    super(message);
  }
}

/**
 * An experiment produced measurements that break its own output schema: a bug in the
 * experiment, reported with its id and the field path.
 */
export class MeasurementSchemaError extends Error {
  override readonly name = 'MeasurementSchemaError';
  constructor(
    readonly experiment: string,
    readonly field: string,
    readonly problem: string,
  ) {
    super(`bug in experiment ${experiment}: measurement '${field}' ${problem} (please report this with the command that ran it)`);
  }
}

export interface RangeOptions {
  loOpen?: boolean;
  hiOpen?: boolean;
  note?: string;
}

export function describeRange(lo: number, hi: number, opts: RangeOptions = {}): string {
  const l = lo === -Infinity ? '(-∞' : `${opts.loOpen ? '(' : '['}${lo}`;
  const h = hi === Infinity ? '∞)' : `${hi}${opts.hiOpen ? ')' : ']'}`;
  return `a number in ${l}, ${h}`;
}

export function assertNumber(name: string, v: unknown): asserts v is number {
  if (typeof v !== 'number') throw new ParameterTypeError(name, v, 'a number');
}

export function assertFinite(name: string, v: unknown, note?: string): asserts v is number {
  assertNumber(name, v);
  if (!Number.isFinite(v)) throw new ParameterError(name, v, 'a finite number', note);
}

export function assertInRange(name: string, v: unknown, lo: number, hi: number, opts: RangeOptions = {}): asserts v is number {
  assertNumber(name, v);
  const bad =
    Number.isNaN(v) || (opts.loOpen ? v <= lo : v < lo) || (opts.hiOpen ? v >= hi : v > hi);
  if (bad) throw new ParameterError(name, v, describeRange(lo, hi, opts), opts.note);
}

export function assertPositive(name: string, v: unknown, opts: { allowZero?: boolean; note?: string } = {}): asserts v is number {
  assertInRange(name, v, 0, Infinity, { loOpen: !opts.allowZero, note: opts.note });
}

export function assertInteger(
  name: string,
  v: unknown,
  opts: { min?: number; max?: number; note?: string } = {},
): asserts v is number {
  assertNumber(name, v);
  const min = opts.min ?? -Infinity;
  const max = opts.max ?? Infinity;
  if (!Number.isInteger(v) || v < min || v > max) {
    const range = `an integer in [${min === -Infinity ? '-∞' : min}, ${max === Infinity ? '∞' : max}]`;
    throw new ParameterError(name, v, range, opts.note);
  }
}

export function assertProbability(name: string, v: unknown): asserts v is number {
  assertInRange(name, v, 0, 1);
}

export function assertOneOf<T extends string>(name: string, v: unknown, options: readonly T[]): asserts v is T {
  if (typeof v !== 'string' || !options.includes(v as T)) {
    throw new ParameterError(name, v, `one of ${options.map((o) => JSON.stringify(o)).join(', ')}`);
  }
}

export function assertFiniteArray(name: string, arr: ArrayLike<number>): void {
  for (let i = 0; i < arr.length; i++) {
    if (!Number.isFinite(arr[i])) throw new ParameterError(`${name}[${i}]`, arr[i], 'a finite number');
  }
}

export function assertLength(name: string, arr: ArrayLike<unknown>, n: number, what = 'length'): void {
  if (!arr || typeof arr.length !== 'number') throw new ParameterTypeError(name, arr, `an array of ${what} ${n}`);
  if (arr.length !== n) throw new ParameterError(`${name}.length`, arr.length, `${n}`, what === 'length' ? undefined : what);
}

/**
 * A user's input file (data, model, Hamiltonian, profile, game) is malformed. Names the file,
 * and where known the line, the column or field, what was found and what was expected.
 */
export class InputFileError extends Error {
  override readonly name = 'InputFileError';
  constructor(
    readonly file: string,
    readonly problem: string,
    readonly where: { line?: number; column?: number | string; field?: string } = {},
  ) {
    const at = [where.line !== undefined ? `line ${where.line}` : '', where.column !== undefined ? `column ${where.column}` : '', where.field !== undefined ? `field ${where.field}` : ''].filter(Boolean).join(', ');
    super(`invalid input file ${file}${at ? ` (${at})` : ''}: ${problem}`);
  }
}
