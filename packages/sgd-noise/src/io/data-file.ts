/**
 * A user's training set as an experiment parameter: plain data (features, labels, task), read
 * from a CSV file with a header or a JSON file, with column selection. Malformed files are refused
 * with an `InputFileError` naming the file, the line, the column and what was expected.
 *
 * The CLI argument is the path, optionally followed by `#` and `key=value` pairs joined by `&`:
 *   data.csv                                 label = the last column, features = every other column
 *   data.csv#label=species                   the label column by header name (or 0-based index)
 *   data.csv#label=y&features=x1,x3          only these feature columns, in this order
 *   data.csv#task=classification             numeric labels as class indices (default: auto)
 *   signals.csv#shape=16,1                   each row reshaped to [16, 1] (for a Conv1D model)
 */
import fs from 'node:fs';
import path from 'node:path';
import { InputFileError, isParameterError, ParameterError, z } from '@snrlab/core';
import { validateDataset, type Dataset, type Task } from '../data/dataset.js';
import { loadCSV, loadJSON } from '../data/loader.js';

const finite = z.number().refine(Number.isFinite, 'a finite number');

/** The training-set parameter: plain data, checked by zod, then by `datasetFromInput`. */
export const dataInputSchema = z.object({
  name: z.string().min(1).describe('what to call the training set in tables and notes'),
  features: z.array(z.array(finite).min(1)).min(1).describe('one row of input features per example (row-major within the example when inputShape has several dimensions)'),
  labels: z.union([z.array(finite), z.array(z.array(finite).min(1))]).describe('one label per example: a class index (classification), 0/1 (binary) or a number or vector (regression)'),
  task: z.enum(['regression', 'classification', 'binary']),
  inputShape: z.array(z.int().min(1)).min(1).optional().describe('shape of one example, channels last (default [features])'),
  classes: z.int().min(2).optional().describe('number of classes (classification; default max label + 1)'),
  featureNames: z.array(z.string()).optional(),
  classNames: z.array(z.string()).optional(),
});
export type DataInput = z.output<typeof dataInputSchema>;

/** The training-set parameter as a Dataset, its shapes and labels checked (a ParameterError names `param`). */
export function datasetFromInput(d: DataInput, param = 'data'): Dataset {
  const n = d.features.length;
  const width = d.features[0].length;
  const shape = d.inputShape ?? [width];
  const size = shape.reduce((a, b) => a * b, 1);
  if (size !== width) throw new ParameterError(`${param}.inputShape`, shape, `a shape of ${width} numbers, the length of each feature row`);
  if (d.labels.length !== n) throw new ParameterError(`${param}.labels.length`, d.labels.length, `${n}, one label per feature row`);
  const vec = Array.isArray(d.labels[0]);
  const targetSize = vec ? (d.labels[0] as number[]).length : 1;
  if (vec && d.task !== 'regression') throw new ParameterError(`${param}.labels[0]`, d.labels[0], `one class index per example (a ${d.task} task)`);
  const x = new Float64Array(n * width);
  d.features.forEach((row, i) => {
    if (row.length !== width) throw new ParameterError(`${param}.features[${i}].length`, row.length, `${width}, as in features[0] (ragged rows)`);
    x.set(row, i * width);
  });
  const y = new Float64Array(n * targetSize);
  d.labels.forEach((l, i) => {
    if (Array.isArray(l) !== vec) throw new ParameterError(`${param}.labels[${i}]`, l, vec ? `a vector of ${targetSize} numbers, as labels[0]` : 'a number, as labels[0]');
    if (Array.isArray(l)) {
      if (l.length !== targetSize) throw new ParameterError(`${param}.labels[${i}].length`, l.length, `${targetSize}, as labels[0]`);
      y.set(l, i * targetSize);
    } else y[i] = l;
  });
  let classes: number | undefined;
  if (d.task === 'classification') {
    let max = 0;
    for (let i = 0; i < n; i++) max = Math.max(max, y[i]);
    classes = d.classes ?? Math.max(2, max + 1);
  } else if (d.task === 'binary') classes = 2;
  return validateDataset(
    {
      name: d.name,
      x,
      y,
      n,
      inputShape: shape,
      targetSize,
      task: d.task,
      ...(classes !== undefined ? { classes } : {}),
      ...(d.featureNames ? { featureNames: d.featureNames } : {}),
      ...(d.classNames ? { classNames: d.classNames } : {}),
    },
    param,
  );
}

/** The inverse: a Dataset as the plain parameter value. */
export function dataInputOf(d: Dataset): DataInput {
  const size = d.inputShape.reduce((a, b) => a * b, 1);
  const features = Array.from({ length: d.n }, (_, i) => Array.from(d.x.subarray(i * size, (i + 1) * size)));
  const t = d.targetSize;
  const labels = t === 1 ? Array.from(d.y.subarray(0, d.n)) : Array.from({ length: d.n }, (_, i) => Array.from(d.y.subarray(i * t, (i + 1) * t)));
  return {
    name: d.name,
    features,
    labels,
    task: d.task,
    ...(d.inputShape.length > 1 ? { inputShape: [...d.inputShape] } : {}),
    ...(d.task === 'classification' && d.classes !== undefined ? { classes: d.classes } : {}),
    ...(d.featureNames ? { featureNames: [...d.featureNames] } : {}),
    ...(d.classNames ? { classNames: [...d.classNames] } : {}),
  };
}

export interface DataFileOptions {
  /** The label column: a header name or a 0-based index (default: the last column). */
  label?: string | number;
  /** The feature columns, in order: header names or 0-based indices (default: every column but the label). */
  features?: (string | number)[];
  /** 'auto' (default): classification when a label is not a number, else regression. */
  task?: Task | 'auto';
  /** Shape of one example, channels last (default [features]). */
  inputShape?: number[];
  /** Name of the training set (default: the file name). */
  name?: string;
}

const isNumeric = (s: string) => s.trim() !== '' && Number.isFinite(Number(s.trim()));
const unquote = (s: string) => {
  const t = s.trim();
  return t.length >= 2 && t.startsWith('"') && t.endsWith('"') ? t.slice(1, -1).replace(/""/g, '"') : t;
};

interface Table {
  /** Column names (x0, x1, … when the file has no header). */
  names: string[];
  header: boolean;
  headerLine: number;
  rows: { line: number; cells: string[] }[];
}

function selectColumns(t: Table, file: string, o: DataFileOptions): { label: number; features: number[] } {
  const width = t.names.length;
  const resolve = (c: string | number, what: string): number => {
    const asIndex = typeof c === 'number' ? c : /^-?\d+$/.test(c.trim()) && !t.names.includes(c) ? Number(c) : NaN;
    if (Number.isInteger(asIndex)) {
      const k = asIndex < 0 ? width + asIndex : asIndex;
      if (k < 0 || k >= width) throw new InputFileError(file, `${what} column index ${c} is outside the ${width} columns; expected an index in [${-width}, ${width - 1}] or a header name`, { line: t.headerLine, field: what });
      return k;
    }
    const k = t.names.indexOf(String(c));
    if (k < 0) throw new InputFileError(file, `no ${what} column '${c}'; the columns are ${t.names.map((s) => `'${s}'`).join(', ')}`, { line: t.headerLine, field: what });
    return k;
  };
  const label = o.label === undefined ? width - 1 : resolve(o.label, 'label');
  const features = o.features ? o.features.map((c) => resolve(c, 'feature')) : t.names.map((_, j) => j).filter((j) => j !== label);
  if (features.includes(label)) throw new InputFileError(file, `column '${t.names[label]}' is both the label and a feature`, { line: t.headerLine, field: t.names[label] });
  if (new Set(features).size !== features.length) throw new InputFileError(file, 'a feature column is selected twice', { line: t.headerLine, field: 'features' });
  if (!features.length) throw new InputFileError(file, 'no feature columns: expected at least one column besides the label', { line: t.headerLine });
  return { label, features };
}

/** The selected columns as a Dataset, through the package's CSV loader; every cell checked first so the error names its line and column. */
function tableToInput(t: Table, file: string, o: DataFileOptions): DataInput {
  if (!t.rows.length) throw new InputFileError(file, 'a header but no data rows', { line: t.headerLine });
  const { label, features } = selectColumns(t, file, o);
  const width = t.names.length;
  for (const r of t.rows) {
    if (r.cells.length !== width) throw new InputFileError(file, `ragged row: ${r.cells.length} fields, expected ${width} (as in line ${t.headerLine})`, { line: r.line });
    for (const j of features) {
      const c = r.cells[j];
      if (c === '') throw new InputFileError(file, 'empty cell; expected a number (a feature column)', { line: r.line, column: j + 1, field: t.names[j] });
      if (!isNumeric(c)) throw new InputFileError(file, `'${c}' is not a number; expected a number such as 0.5 or -1e3 (a feature column)`, { line: r.line, column: j + 1, field: t.names[j] });
    }
    if (r.cells[label] === '') throw new InputFileError(file, 'empty label cell; expected a number or a class name', { line: r.line, column: label + 1, field: t.names[label] });
  }
  const task = o.task ?? 'auto';
  if (task === 'regression' || task === 'binary') {
    for (const r of t.rows) {
      const c = r.cells[label];
      if (!isNumeric(c)) throw new InputFileError(file, `label '${c}' is not a number; expected a number (a ${task} task)`, { line: r.line, column: label + 1, field: t.names[label] });
      if (task === 'binary' && Number(c) !== 0 && Number(c) !== 1) throw new InputFileError(file, `label ${c}; expected 0 or 1 (a binary task)`, { line: r.line, column: label + 1, field: t.names[label] });
    }
  }
  if (task === 'classification' && t.rows.every((r) => isNumeric(r.cells[label]))) {
    for (const r of t.rows) {
      const v = Number(r.cells[label]);
      if (!Number.isInteger(v) || v < 0) throw new InputFileError(file, `label ${r.cells[label]}; expected a class index 0, 1, 2, … or a class name`, { line: r.line, column: label + 1, field: t.names[label] });
    }
  }
  // the selected columns, features then label, one line per line of the file (so the loader's line numbers stay the file's)
  const order = [...features, label];
  const lastLine = t.rows[t.rows.length - 1].line;
  const lines: string[] = new Array(lastLine).fill('');
  if (t.header) lines[t.headerLine - 1] = order.map((j) => t.names[j].replace(/,/g, ' ')).join(',');
  for (const r of t.rows) lines[r.line - 1] = order.map((j) => r.cells[j]).join(',');
  let d: Dataset;
  try {
    d = loadCSV(lines.join('\n'), { header: t.header, labelColumn: 'last', task, name: o.name ?? path.basename(file) });
  } catch (e) {
    if (!isParameterError(e)) throw e;
    const m = /^labels\[(\d+)\]$/.exec(e.parameter);
    if (m) {
      const r = t.rows[Number(m[1])];
      throw new InputFileError(file, `label ${JSON.stringify(e.value)}: expected ${e.allowed}`, { line: r.line, column: label + 1, field: t.names[label] });
    }
    throw new InputFileError(file, e.message);
  }
  if (!t.header) d = { ...d, featureNames: features.map((j) => t.names[j]) };
  return withShape(dataInputOf(d), file, o);
}

function withShape(d: DataInput, file: string, o: DataFileOptions): DataInput {
  if (!o.inputShape) return d;
  const size = o.inputShape.reduce((a, b) => a * b, 1);
  const width = d.features[0].length;
  if (o.inputShape.some((s) => !Number.isInteger(s) || s < 1) || size !== width) {
    throw new InputFileError(file, `shape [${o.inputShape.join(', ')}] does not hold the ${width} feature columns; expected positive sizes whose product is ${width}`, { field: 'shape' });
  }
  return { ...d, inputShape: o.inputShape };
}

/** Parse a CSV training set (one example per line, a header naming the columns; blank lines skipped). */
export function parseDataCSV(text: string, file = '(inline)', o: DataFileOptions = {}): DataInput {
  const all = text.split(/\r?\n/).map((l, i) => ({ line: i + 1, raw: l }));
  const lines = all.filter((l) => l.raw.trim() !== '');
  if (!lines.length) throw new InputFileError(file, 'no data: the file is empty');
  const split = (raw: string) => raw.split(',').map(unquote);
  const first = split(lines[0].raw);
  const header = first.some((c) => !isNumeric(c));
  if (header) {
    const seen = new Set<string>();
    first.forEach((c, j) => {
      if (c === '') throw new InputFileError(file, 'empty column name in the header', { line: lines[0].line, column: j + 1 });
      if (seen.has(c)) throw new InputFileError(file, `column name '${c}' appears twice in the header`, { line: lines[0].line, column: j + 1 });
      seen.add(c);
    });
  }
  if (first.length < 2) throw new InputFileError(file, `${first.length} column; expected at least 2 (features and a label)`, { line: lines[0].line });
  const rows = (header ? lines.slice(1) : lines).map((l) => ({ line: l.line, cells: split(l.raw) }));
  const names = header ? first : first.map((_, j) => `x${j}`);
  return tableToInput({ names, header, headerLine: lines[0].line, rows }, file, o);
}

/** Line and column of a character offset. */
function lineColumn(text: string, pos: number): { line: number; column: number } {
  const before = text.slice(0, pos).split('\n');
  return { line: before.length, column: before[before.length - 1].length + 1 };
}

/**
 * Parse a JSON training set: `{ "features": [[…], …], "labels": […] }` (optionally with `task`,
 * `inputShape`, `featureNames`, `classNames`), or an array of records `[{ "x1": 0.5, …, "y": 1 }, …]`
 * (as pandas' `to_json(orient="records")` writes), whose keys are the columns.
 */
export function parseDataJSON(text: string, file = '(inline)', o: DataFileOptions = {}): DataInput {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    const m = /position (\d+)/.exec((e as Error).message);
    throw new InputFileError(file, `not valid JSON (${(e as Error).message})`, m ? lineColumn(text, Number(m[1])) : {});
  }
  if (Array.isArray(raw)) {
    if (!raw.length) throw new InputFileError(file, 'an empty array; expected one record per example');
    const first = raw[0];
    if (!first || typeof first !== 'object' || Array.isArray(first)) throw new InputFileError(file, 'expected an array of records such as {"x1": 0.5, "y": 1}', { field: '[0]' });
    const names = Object.keys(first);
    const rows = raw.map((rec, i) => {
      if (!rec || typeof rec !== 'object' || Array.isArray(rec)) throw new InputFileError(file, 'expected a record such as {"x1": 0.5, "y": 1}', { field: `[${i}]` });
      const keys = Object.keys(rec);
      const missing = names.find((k) => !(k in rec));
      if (missing !== undefined || keys.length !== names.length) throw new InputFileError(file, `record ${i} has keys ${keys.join(', ')}; expected ${names.join(', ')} (as record 0)`, { field: `[${i}]${missing !== undefined ? `.${missing}` : ''}` });
      return { line: i, cells: names.map((k) => String((rec as Record<string, unknown>)[k] ?? '')) };
    });
    try {
      return tableToInput({ names, header: true, headerLine: 1, rows: rows.map((r) => ({ ...r, line: r.line + 2 })) }, file, o);
    } catch (e) {
      // records have no lines: name the record instead
      if (e instanceof InputFileError) throw new InputFileError(file, e.problem.replace(/ \(as in line \d+\)/, ''), e.where.line !== undefined && e.where.line >= 2 ? { field: `[${e.where.line - 2}]${e.where.field ? `.${e.where.field}` : ''}` } : e.where.field ? { field: e.where.field } : {});
      throw e;
    }
  }
  if (!raw || typeof raw !== 'object') throw new InputFileError(file, 'expected a JSON object with "features" and "labels", or an array of records');
  const obj = raw as Record<string, unknown>;
  if (!Array.isArray(obj.features)) throw new InputFileError(file, 'missing "features": expected an array of feature rows', { field: 'features' });
  if (!Array.isArray(obj.labels)) throw new InputFileError(file, 'missing "labels": expected an array with one label per row', { field: 'labels' });
  const task = (o.task ?? (typeof obj.task === 'string' ? obj.task : 'auto')) as Task | 'auto';
  const name = o.name ?? (typeof obj.name === 'string' ? obj.name : path.basename(file));
  const opts: DataFileOptions = { ...o, task, name, inputShape: o.inputShape ?? (Array.isArray(obj.inputShape) ? (obj.inputShape as number[]) : undefined) };
  const labels = obj.labels as unknown[];
  let d: DataInput;
  try {
    if (labels.length && Array.isArray(labels[0])) {
      // vector labels: multi-output regression
      const parsed = dataInputSchema.safeParse({ name, features: obj.features, labels, task: 'regression' });
      if (!parsed.success) {
        const issue = parsed.error.issues[0];
        throw new InputFileError(file, issue.message, { field: issue.path.join('.') });
      }
      d = parsed.data;
      datasetFromInput(d);
    } else {
      const ds = loadJSON({ features: obj.features as number[][], labels: labels as (number | string)[] }, { task, name });
      d = dataInputOf(ds);
    }
  } catch (e) {
    if (!isParameterError(e)) throw e;
    const field = e.parameter.replace(/^json\./, '').replace(/^data\./, '');
    throw new InputFileError(file, `got ${JSON.stringify(e.value)}; expected ${e.allowed}`, { field });
  }
  if (Array.isArray(obj.featureNames)) d = { ...d, featureNames: obj.featureNames.map(String) };
  return withShape(d, file, opts);
}

/** Split `path#key=value&…` into the path and the options (a path that exists as given is taken whole). */
export function parseDataArg(arg: string): { file: string; options: DataFileOptions } {
  const hash = arg.lastIndexOf('#');
  if (hash < 0 || fs.existsSync(arg)) return { file: arg, options: {} };
  const file = arg.slice(0, hash);
  const options: DataFileOptions = {};
  for (const pair of arg.slice(hash + 1).split('&')) {
    if (!pair) continue;
    const eq = pair.indexOf('=');
    const key = eq < 0 ? pair : pair.slice(0, eq);
    const value = eq < 0 ? '' : pair.slice(eq + 1);
    switch (key) {
      case 'label':
        options.label = value;
        break;
      case 'features':
        options.features = value.split(',').map((s) => s.trim()).filter(Boolean);
        break;
      case 'task':
        if (!['auto', 'regression', 'classification', 'binary'].includes(value)) throw new ParameterError('--data task', value, 'auto, regression, classification or binary');
        options.task = value as Task | 'auto';
        break;
      case 'shape':
        options.inputShape = value.split(/[,x×]/).map((s) => Number(s.trim()));
        if (options.inputShape.some((s) => !Number.isInteger(s) || s < 1)) throw new ParameterError('--data shape', value, 'positive integers separated by commas, e.g. 16,1');
        break;
      case 'name':
        options.name = value;
        break;
      default:
        throw new ParameterError(`--data ${key}`, value, "one of the keys label, features, task, shape, name (as in 'data.csv#label=y&features=a,b')");
    }
  }
  return { file, options };
}

/** Read a CSV or JSON training set (by extension; `.json` is JSON, anything else CSV). */
export function readDataFile(file: string, o: DataFileOptions = {}): { data: DataInput; format: string } {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    throw new InputFileError(file, `cannot be read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
  const json = /\.json$/i.test(file) || /^\s*[[{]/.test(text);
  const data = json ? parseDataJSON(text, file, o) : parseDataCSV(text, file, o);
  return { data, format: `${json ? 'json' : 'csv'} (${data.features.length} examples × ${data.features[0].length} features, ${data.task})` };
}
