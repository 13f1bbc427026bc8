/**
 * Load a user's features and labels from CSV text or JSON. Errors name the row and column:
 * ragged rows, non-numeric cells and label/feature count mismatches are refused with a
 * ParameterError saying what was found and what was expected.
 */
import { ParameterError, ParameterTypeError } from '@snrlab/core';
import { validateDataset, type Dataset, type Task } from './dataset.js';

export interface LoadOptions {
  /** 'auto' (default): classification if any label is non-numeric, else regression. */
  task?: Task | 'auto';
  name?: string;
}

export interface CsvOptions extends LoadOptions {
  /** Column holding the label: an index (negative counts from the end), a header name, or 'last' (default). */
  labelColumn?: number | string;
  /** Whether the first row is a header; 'auto' (default) = yes if any cell of it is not a number. */
  header?: boolean | 'auto';
  /** Cell delimiter (default ','). */
  delimiter?: string;
}

const isNumeric = (s: string) => s.trim() !== '' && Number.isFinite(Number(s.trim()));

function labelsToTargets(raw: (string | number)[], task: Task | 'auto', where: string): { y: Float64Array; task: Task; classes?: number; classNames?: string[] } {
  const numeric = raw.every((v) => typeof v === 'number' || isNumeric(v));
  const t: Task = task === 'auto' ? (numeric ? 'regression' : 'classification') : task;
  const n = raw.length;
  const y = new Float64Array(n);
  if (t === 'regression') {
    raw.forEach((v, i) => {
      const num = typeof v === 'number' ? v : Number(v.trim());
      if (typeof v === 'string' && !isNumeric(v)) throw new ParameterError(`${where}[${i}]`, v, 'a number (regression labels are numeric)');
      if (!Number.isFinite(num)) throw new ParameterError(`${where}[${i}]`, v, 'a finite number');
      y[i] = num;
    });
    return { y, task: t };
  }
  if (t === 'binary') {
    raw.forEach((v, i) => {
      const num = typeof v === 'number' ? v : Number(String(v).trim());
      if (num !== 0 && num !== 1) throw new ParameterError(`${where}[${i}]`, v, '0 or 1 for a binary task');
      y[i] = num;
    });
    return { y, task: t, classes: 2 };
  }
  // classification: numeric labels must be class indices; other labels are mapped in sorted order
  if (numeric) {
    let max = 0;
    raw.forEach((v, i) => {
      const num = typeof v === 'number' ? v : Number(v.trim());
      if (!Number.isInteger(num) || num < 0) throw new ParameterError(`${where}[${i}]`, v, 'a non-negative integer class index');
      y[i] = num;
      max = Math.max(max, num);
    });
    return { y, task: t, classes: max + 1 };
  }
  const names = [...new Set(raw.map((v) => String(v).trim()))].sort();
  const index = new Map(names.map((s, k) => [s, k]));
  raw.forEach((v, i) => (y[i] = index.get(String(v).trim()) as number));
  return { y, task: t, classes: names.length, classNames: names };
}

/** Parse CSV text (one example per line; blank lines skipped; no quoted delimiters). */
export function loadCSV(text: string, opts: CsvOptions = {}): Dataset {
  if (typeof text !== 'string') throw new ParameterTypeError('csv', text, 'CSV text (a string)');
  const delim = opts.delimiter ?? ',';
  const lines = text.split(/\r?\n/).map((l, i) => ({ cells: l.split(delim).map((c) => c.trim()), line: i + 1, blank: l.trim() === '' }));
  const rows = lines.filter((l) => !l.blank);
  if (rows.length === 0) throw new ParameterError('csv', '', 'at least one row of data');
  const first = rows[0].cells;
  const header = opts.header === undefined || opts.header === 'auto' ? first.some((c) => !isNumeric(c)) && rows.length > 1 && rows[1].cells.some(isNumeric) : opts.header;
  const names = header ? first : first.map((_, j) => `x${j}`);
  const data = header ? rows.slice(1) : rows;
  if (data.length === 0) throw new ParameterError('csv', `${rows.length} row(s)`, 'at least one data row after the header');
  const width = first.length;
  if (width < 2) throw new ParameterError('csv columns', width, 'at least 2 columns (features and a label)');
  for (const r of data) {
    if (r.cells.length !== width) {
      throw new ParameterError(`csv line ${r.line}`, `${r.cells.length} cells`, `${width} cells, as in line ${rows[0].line} (ragged rows)`);
    }
  }
  let lc = opts.labelColumn ?? 'last';
  if (lc === 'last') lc = width - 1;
  if (typeof lc === 'string') {
    const k = names.indexOf(lc);
    if (k < 0) throw new ParameterError('labelColumn', lc, `a column name among ${names.map((s) => JSON.stringify(s)).join(', ')}`);
    lc = k;
  }
  if (!Number.isInteger(lc) || lc < -width || lc >= width) throw new ParameterError('labelColumn', lc, `an integer in [${-width}, ${width - 1}]`);
  const label = lc < 0 ? width + lc : lc;
  const d = width - 1;
  const n = data.length;
  const x = new Float64Array(n * d);
  const raw: string[] = [];
  data.forEach((r, i) => {
    let k = 0;
    r.cells.forEach((c, j) => {
      if (j === label) {
        raw.push(c);
        return;
      }
      if (!isNumeric(c)) throw new ParameterError(`csv line ${r.line}, column ${JSON.stringify(names[j])}`, c, 'a number (non-numeric cell)');
      x[i * d + k++] = Number(c);
    });
  });
  const t = labelsToTargets(raw, opts.task ?? 'auto', 'labels');
  return validateDataset({
    name: opts.name ?? 'CSV data',
    x,
    y: t.y,
    n,
    inputShape: [d],
    targetSize: 1,
    task: t.task,
    ...(t.classes !== undefined ? { classes: t.classes } : {}),
    ...(t.classNames ? { classNames: t.classNames } : {}),
    featureNames: names.filter((_, j) => j !== label),
  });
}

export interface JsonData {
  features: number[][];
  labels: (number | string)[];
}

/** Parse `{ "features": [[...], ...], "labels": [...] }` (text or an object). */
export function loadJSON(input: string | JsonData, opts: LoadOptions = {}): Dataset {
  let obj: unknown = input;
  if (typeof input === 'string') {
    try {
      obj = JSON.parse(input);
    } catch (e) {
      throw new ParameterError('json', input.slice(0, 40), `valid JSON (${(e as Error).message})`);
    }
  }
  const o = obj as Partial<JsonData>;
  if (!o || typeof o !== 'object' || !Array.isArray(o.features)) throw new ParameterTypeError('json.features', o?.features, 'an array of feature rows');
  if (!Array.isArray(o.labels)) throw new ParameterTypeError('json.labels', o.labels, 'an array of labels');
  const n = o.features.length;
  if (n === 0) throw new ParameterError('json.features.length', 0, 'at least one row');
  if (o.labels.length !== n) throw new ParameterError('json.labels.length', o.labels.length, `${n} (one label per feature row; features has ${n} rows)`);
  const first = o.features[0];
  if (!Array.isArray(first) || first.length === 0) throw new ParameterTypeError('json.features[0]', first, 'a non-empty array of numbers');
  const d = first.length;
  const x = new Float64Array(n * d);
  o.features.forEach((row, i) => {
    if (!Array.isArray(row)) throw new ParameterTypeError(`json.features[${i}]`, row, 'an array of numbers');
    if (row.length !== d) throw new ParameterError(`json.features[${i}].length`, row.length, `${d}, as in features[0] (ragged rows)`);
    row.forEach((v, j) => {
      if (typeof v !== 'number' || !Number.isFinite(v)) throw new ParameterError(`json.features[${i}][${j}]`, v, 'a finite number (non-numeric cell)');
      x[i * d + j] = v;
    });
  });
  const t = labelsToTargets(o.labels, opts.task ?? 'auto', 'json.labels');
  return validateDataset({
    name: opts.name ?? 'JSON data',
    x,
    y: t.y,
    n,
    inputShape: [d],
    targetSize: 1,
    task: t.task,
    ...(t.classes !== undefined ? { classes: t.classes } : {}),
    ...(t.classNames ? { classNames: t.classNames } : {}),
  });
}
