/**
 * A measured gradient: intensities along the axis, either per embryo (replicates) or as a mean
 * and standard deviation per position. This module reads it from CSV or JSON with named errors
 * (file, line, column, what was expected), writes it back as CSV, and simulates one from the
 * package's own model for examples and tests.
 *
 * CSV layouts (comma-, semicolon- or tab-separated; lines starting with '#' are comments; blank
 * lines are skipped):
 *  1. embryos × positions: a header `embryo,<x₁>,<x₂>,…` (the first cell any label, the others the
 *     positions in µm), then one row per embryo: its label and one intensity per position.
 *  2. positions × embryos: a header `position,<embryo 1>,<embryo 2>,…`, then one row per position:
 *     x in µm and one intensity per embryo.
 *  3. summary: a header `position,mean,sd` (optionally `,n`, the embryos behind each row), one row
 *     per position.
 * JSON: `{ "positions": [...], "replicates": [[...], ...] }` (embryos × positions) or
 * `{ "positions": [...], "mean": [...], "sd": [...], "n": 12 | [...] }`.
 *
 * Positions must increase strictly; at least MIN_POSITIONS of them (the smoother and the fit need
 * them), and at least MIN_EMBRYOS embryos for a replicate layout (an SD needs them).
 */
import { InputFileError, lognormalMeanCV, type Stream, z } from '@snrlab/core';
import { profileOnGrid, type Geometry, type Kinetics } from './embryo.js';

export const MIN_POSITIONS = 5;
export const MIN_EMBRYOS = 3;

/** A measured profile as plain data: the `profile` parameter of `morphogen.measured-profile`. */
export type ProfileData =
  | { layout: 'replicates'; positions: number[]; replicates: number[][]; label?: string }
  | { layout: 'summary'; positions: number[]; mean: number[]; sd: number[]; n?: number[]; label?: string };

const finite = () => z.number().refine(Number.isFinite, 'a finite number');

/** The zod schema of `ProfileData` (cross-field checks in `checkProfileData`). */
export const profileDataSchema = z.discriminatedUnion('layout', [
  z.object({
    layout: z.literal('replicates'),
    positions: z.array(finite()).min(MIN_POSITIONS).max(100_000).describe('positions along the axis (µm), strictly increasing'),
    replicates: z.array(z.array(finite())).min(MIN_EMBRYOS).max(100_000).describe('intensities, one row per embryo, one column per position'),
    label: z.string().max(500).optional(),
  }),
  z.object({
    layout: z.literal('summary'),
    positions: z.array(finite()).min(MIN_POSITIONS).max(100_000).describe('positions along the axis (µm), strictly increasing'),
    mean: z.array(finite()).describe('mean intensity per position'),
    sd: z.array(finite().min(0)).describe('standard deviation between embryos per position'),
    n: z.array(z.int().min(2)).optional().describe('embryos behind each mean and SD'),
    label: z.string().max(500).optional(),
  }),
]);

/** A problem with a profile given as data (not a file): the field and what is wrong. */
export class ProfileShapeError extends Error {
  constructor(
    readonly field: string,
    readonly problem: string,
  ) {
    super(`invalid profile: ${field}: ${problem}`);
  }
}

/**
 * Cross-field checks of profile data: lengths agree, positions increase strictly. Throws a
 * ProfileShapeError naming the field (`replicates[3]`, `positions[7]`, …).
 */
export function checkProfileData(d: ProfileData): void {
  const P = d.positions.length;
  if (P < MIN_POSITIONS) throw new ProfileShapeError('positions', `${P} positions; expected at least ${MIN_POSITIONS}`);
  for (let j = 1; j < P; j++) {
    if (!(d.positions[j] > d.positions[j - 1])) throw new ProfileShapeError(`positions[${j}]`, `${d.positions[j]} after ${d.positions[j - 1]}; expected strictly increasing positions`);
  }
  if (d.layout === 'replicates') {
    if (d.replicates.length < MIN_EMBRYOS) throw new ProfileShapeError('replicates', `${d.replicates.length} embryos; expected at least ${MIN_EMBRYOS}`);
    d.replicates.forEach((row, e) => {
      if (row.length !== P) throw new ProfileShapeError(`replicates[${e}]`, `${row.length} values; expected ${P} (one per position)`);
    });
  } else {
    for (const key of ['mean', 'sd', 'n'] as const) {
      const v = d[key];
      if (v && v.length !== P) throw new ProfileShapeError(key, `${v.length} values; expected ${P} (one per position)`);
    }
  }
}

// ---------------------------------------------------------------------------------------------
// CSV

interface Line {
  /** 1-based line number in the file. */
  line: number;
  cells: string[];
}

function splitLines(text: string): { lines: Line[]; delimiter: string } {
  const raw = text.replace(/^\uFEFF/, '').split(/\r\n|\n|\r/);
  const lines: Line[] = [];
  let delimiter = '';
  raw.forEach((s, i) => {
    const t = s.trim();
    if (t === '' || t.startsWith('#')) return;
    if (!delimiter) delimiter = t.includes('\t') ? '\t' : t.includes(';') && !t.includes(',') ? ';' : ',';
    lines.push({ line: i + 1, cells: s.split(delimiter).map((c) => c.trim().replace(/^"(.*)"$/, '$1')) });
  });
  return { lines, delimiter: delimiter || ',' };
}

const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;
const isNumber = (s: string) => NUMBER.test(s);

function num(file: string, l: Line, col: number, field: string): number {
  const s = l.cells[col];
  if (s === undefined || s === '') throw new InputFileError(file, `empty cell; expected a number`, { line: l.line, column: col + 1, field });
  if (!isNumber(s)) throw new InputFileError(file, `'${s}' is not a number; expected a number such as 12.5 or 1e3`, { line: l.line, column: col + 1, field });
  return Number(s);
}

function checkWidth(file: string, l: Line, width: number, what: string): void {
  // a trailing delimiter (an empty last cell) is tolerated
  const cells = l.cells.length === width + 1 && l.cells[width] === '' ? l.cells.slice(0, width) : l.cells;
  if (cells.length !== width) throw new InputFileError(file, `ragged row: ${cells.length} fields, expected ${width} (${what})`, { line: l.line });
}

function checkIncreasing(file: string, positions: number[], where: (j: number) => { line: number; column?: number; field?: string }): void {
  for (let j = 1; j < positions.length; j++) {
    if (!(positions[j] > positions[j - 1])) {
      throw new InputFileError(file, `position ${positions[j]} does not follow ${positions[j - 1]}; expected strictly increasing positions`, where(j));
    }
  }
}

function tooFewPositions(file: string, n: number, at: { line?: number }): InputFileError {
  return new InputFileError(file, `${n} position${n === 1 ? '' : 's'}; expected at least ${MIN_POSITIONS} (the slope smoother and the exponential fit need them)`, at);
}

const POSITION_NAMES = /^(x|pos|position|positions|position[ _-]?\(?(µm|um)\)?|x[ _-]?\(?(µm|um)\)?|distance.*)$/i;

/** Parse a profile from CSV text. `file` names the source in error messages. */
export function parseProfileCSV(text: string, file = '(inline)'): ProfileData {
  const { lines } = splitLines(text);
  if (!lines.length) throw new InputFileError(file, 'no data: the file holds no header and no rows');
  const header = lines[0];
  const h = header.cells.map((c) => c.toLowerCase());
  if (h.every((c) => isNumber(c))) {
    throw new InputFileError(file, "missing header: the first line holds only numbers; expected a header such as 'position,mean,sd', 'position,embryo1,embryo2,…' or 'embryo,<x1>,<x2>,…'", { line: header.line });
  }
  const rows = lines.slice(1);
  if (!rows.length) throw new InputFileError(file, 'a header but no data rows', { line: header.line });

  // summary: position, mean, sd [, n]
  if (h.includes('mean') && (h.includes('sd') || h.includes('std'))) {
    const ix = h.findIndex((c) => POSITION_NAMES.test(c));
    if (ix < 0) throw new InputFileError(file, "summary layout without a position column; expected a header such as 'position,mean,sd,n'", { line: header.line });
    const im = h.indexOf('mean');
    const is = h.includes('sd') ? h.indexOf('sd') : h.indexOf('std');
    const iN = h.indexOf('n');
    const width = header.cells.length;
    const positions: number[] = [];
    const mean: number[] = [];
    const sd: number[] = [];
    const n: number[] = [];
    for (const r of rows) {
      checkWidth(file, r, width, `the header has ${width} columns`);
      positions.push(num(file, r, ix, header.cells[ix]));
      mean.push(num(file, r, im, 'mean'));
      const s = num(file, r, is, header.cells[is]);
      if (s < 0) throw new InputFileError(file, `standard deviation ${s} < 0; expected a number ≥ 0`, { line: r.line, column: is + 1, field: header.cells[is] });
      sd.push(s);
      if (iN >= 0) {
        const k = num(file, r, iN, 'n');
        if (!Number.isInteger(k) || k < 2) throw new InputFileError(file, `n = ${k}; expected a whole number of embryos ≥ 2`, { line: r.line, column: iN + 1, field: 'n' });
        n.push(k);
      }
    }
    if (positions.length < MIN_POSITIONS) throw tooFewPositions(file, positions.length, { line: rows[rows.length - 1].line });
    checkIncreasing(file, positions, (j) => ({ line: rows[j].line, column: ix + 1, field: header.cells[ix] }));
    return { layout: 'summary', positions, mean, sd, ...(iN >= 0 ? { n } : {}) };
  }

  // positions × embryos: position, e1, e2, …
  if (POSITION_NAMES.test(h[0])) {
    const width = header.cells.length;
    const E = width - 1;
    if (E < MIN_EMBRYOS) throw new InputFileError(file, `${E} embryo column${E === 1 ? '' : 's'}; expected at least ${MIN_EMBRYOS} (or a 'mean,sd' summary)`, { line: header.line });
    const positions: number[] = [];
    const replicates: number[][] = Array.from({ length: E }, () => []);
    for (const r of rows) {
      checkWidth(file, r, width, `the header has ${width} columns: the position and ${E} embryos`);
      positions.push(num(file, r, 0, header.cells[0]));
      for (let e = 0; e < E; e++) replicates[e].push(num(file, r, e + 1, header.cells[e + 1] || `embryo ${e + 1}`));
    }
    if (positions.length < MIN_POSITIONS) throw tooFewPositions(file, positions.length, { line: rows[rows.length - 1].line });
    checkIncreasing(file, positions, (j) => ({ line: rows[j].line, column: 1, field: header.cells[0] }));
    return { layout: 'replicates', positions, replicates };
  }

  // embryos × positions: <label>, x₁, x₂, …
  const width = header.cells.length;
  const positions: number[] = [];
  for (let c = 1; c < width; c++) {
    const s = header.cells[c];
    if (!isNumber(s)) {
      throw new InputFileError(file, `header cell '${s}' is not a position; expected 'position,mean,sd[,n]', 'position,<embryo>,…' or '<label>,<x1>,<x2>,…' with numeric positions`, { line: header.line, column: c + 1 });
    }
    positions.push(Number(s));
  }
  if (positions.length < MIN_POSITIONS) throw tooFewPositions(file, positions.length, { line: header.line });
  checkIncreasing(file, positions, (j) => ({ line: header.line, column: j + 2 }));
  if (rows.length < MIN_EMBRYOS) throw new InputFileError(file, `${rows.length} embryo row${rows.length === 1 ? '' : 's'}; expected at least ${MIN_EMBRYOS} (or a 'position,mean,sd' summary)`, { line: rows[rows.length - 1].line });
  const replicates = rows.map((r) => {
    checkWidth(file, r, width, `the header has a label and ${width - 1} positions`);
    return positions.map((x, j) => num(file, r, j + 1, `x = ${x}`));
  });
  return { layout: 'replicates', positions, replicates };
}

// ---------------------------------------------------------------------------------------------
// JSON

/** Parse a profile from JSON text: `{ positions, replicates }` or `{ positions, mean, sd, n? }`. */
export function parseProfileJSON(text: string, file = '(inline)'): ProfileData {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    const m = /position (\d+)/.exec(String((e as Error).message));
    const at = m ? lineColumn(text, Number(m[1])) : {};
    throw new InputFileError(file, `not valid JSON (${(e as Error).message})`, at);
  }
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) throw new InputFileError(file, 'expected a JSON object with positions and replicates, or positions, mean and sd');
  const o = raw as Record<string, unknown>;
  const layout = o.layout ?? (o.replicates !== undefined ? 'replicates' : o.mean !== undefined ? 'summary' : undefined);
  if (layout === undefined) throw new InputFileError(file, "expected a 'replicates' field (embryos × positions) or 'mean' and 'sd' fields", { field: 'replicates' });
  const n = o.n;
  const candidate = { ...o, layout, ...(typeof n === 'number' && Array.isArray(o.positions) ? { n: o.positions.map(() => n) } : {}) };
  const r = profileDataSchema.safeParse(candidate);
  if (!r.success) {
    const issue = r.error.issues[0];
    const field = issue.path.map((k, i) => (typeof k === 'number' ? `[${k}]` : i === 0 ? String(k) : `.${String(k)}`)).join('');
    throw new InputFileError(file, issue.message, { field: field || '(root)' });
  }
  try {
    checkProfileData(r.data);
  } catch (e) {
    if (e instanceof ProfileShapeError) throw new InputFileError(file, e.problem, { field: e.field });
    throw e;
  }
  return r.data;
}

function lineColumn(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, offset);
  const line = before.split('\n').length;
  return { line, column: offset - before.lastIndexOf('\n') };
}

/** Parse CSV or JSON (recognised by a leading '{'). */
export function parseProfile(text: string, file = '(inline)'): ProfileData {
  return isJSON(text) ? parseProfileJSON(text, file) : parseProfileCSV(text, file);
}

const isJSON = (text: string) => /^\s*\{/.test(text.replace(/^\uFEFF/, ''));

/** Read and parse a profile file (Node only; loads `node:fs` on first use, so browsers can import the package). */
export async function readProfileFile(path: string): Promise<ProfileData> {
  return (await readProfileFileWithFormat(path)).profile;
}

/** `readProfileFile`, and the format it was read as (`csv` or `json`). */
export async function readProfileFileWithFormat(path: string): Promise<{ profile: ProfileData; format: 'csv' | 'json' }> {
  const { readFile } = await import('node:fs/promises');
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    throw new InputFileError(path, `cannot read the file (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
  return { profile: parseProfile(text, path), format: isJSON(text) ? 'json' : 'csv' };
}

/** Write a profile as CSV (embryos × positions, or position,mean,sd[,n]), with optional '#' comment lines first. */
export function formatProfileCSV(d: ProfileData, comments: readonly string[] = [], digits = 6): string {
  const f = (v: number) => Number(v.toPrecision(digits)).toString();
  const out = comments.map((c) => `# ${c}`);
  if (d.layout === 'replicates') {
    out.push(['embryo', ...d.positions.map(f)].join(','));
    d.replicates.forEach((row, e) => out.push([`e${e + 1}`, ...row.map(f)].join(',')));
  } else {
    out.push(d.n ? 'position,mean,sd,n' : 'position,mean,sd');
    d.positions.forEach((x, j) => out.push([f(x), f(d.mean[j]), f(d.sd[j]), ...(d.n ? [String(d.n[j])] : [])].join(',')));
  }
  return out.join('\n') + '\n';
}

// ---------------------------------------------------------------------------------------------
// simulation

export interface SimulateProfileOptions {
  /** Mean kinetics (the production sets the amplitude; λ = √(D/k)). */
  kinetics: Kinetics;
  geometry: Geometry;
  /** Measured positions (µm, in the patterning domain). */
  positions: readonly number[];
  embryos: number;
  /** Lognormal CV of the production rate p between embryos: the amplitude varies, λ does not. */
  amplitudeCV: number;
  /** Multiplicative lognormal measurement noise per embryo and position (CV). */
  measurementCV?: number;
  /** Intensity per unit line density (e.g. a cell width h: molecules per cell). */
  scale?: number;
}

/**
 * Simulate a replicate profile from the package's model: each embryo has its own production rate
 * (lognormal, CV `amplitudeCV`) and the zero-flux finite-domain steady state; each measurement
 * is multiplied by an independent mean-1 lognormal of CV `measurementCV`.
 */
export function simulateProfile(o: SimulateProfileOptions, stream: Stream): ProfileData & { layout: 'replicates' } {
  const grid = Float64Array.from(o.positions);
  const out = new Float64Array(grid.length);
  const replicates: number[][] = [];
  const uniform = grid.length > 2 && grid.every((x, i) => i === 0 || Math.abs(x - grid[i - 1] - (grid[1] - grid[0])) < 1e-9 * Math.max(1, Math.abs(x)));
  for (let e = 0; e < o.embryos; e++) {
    const p = lognormalMeanCV(stream, o.kinetics.p, o.amplitudeCV);
    const q = { ...o.kinetics, p };
    if (uniform) profileOnGrid(q, o.geometry, grid, out, o.scale ?? 1);
    else for (let j = 0; j < grid.length; j++) profileOnGrid(q, o.geometry, grid.subarray(j, j + 1), out.subarray(j, j + 1), o.scale ?? 1);
    const row = Array.from(out);
    if (o.measurementCV) for (let j = 0; j < row.length; j++) row[j] *= lognormalMeanCV(stream, 1, o.measurementCV);
    replicates.push(row);
  }
  return { layout: 'replicates', positions: [...o.positions], replicates };
}
