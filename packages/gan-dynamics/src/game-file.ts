/**
 * A user's own game: the payoff matrices of f(x, y) = ½xᵀPx + xᵀAy − ½yᵀQy (x minimises, y
 * maximises) as JSON, `{ "A": [[…], …], "P"?: [[…]], "Q"?: [[…]], "label"?: "…" }`. The parsed game
 * is plain data, the `game` parameter of `gan.bilinear` and `gan.noise-drift`; the CLI fills it
 * from `--game file.json` (see `inputs.ts`).
 */
import { InputFileError, z } from '@snrlab/core';

/** Largest player dimension a game file may give (the experiments' nx, ny limit). */
export const MAX_PLAYER_DIM = 20;

const row = z.array(z.number().refine(Number.isFinite, 'expected a finite number'));
const matrix = z.array(row).min(1, 'expected at least one row');

/** The `game` parameter: payoff matrices as rows (A is nx×ny, P nx×nx, Q ny×ny). */
export const gameSpecSchema = z
  .object({
    label: z.string().max(200).optional().describe('a name for the game, shown in titles'),
    A: matrix.describe('coupling matrix A (nx×ny rows): f contains xᵀAy'),
    P: matrix.optional().describe('optional nx×nx matrix P of the term ½xᵀPx (symmetrised)'),
    Q: matrix.optional().describe('optional ny×ny matrix Q of the term −½yᵀQy (symmetrised)'),
  })
  .strict();

export type GameSpec = z.output<typeof gameSpecSchema>;

/** A shape problem of a game spec: the field (e.g. `A[1]`) and what is wrong. */
export class GameShapeError extends Error {
  constructor(
    readonly field: string,
    readonly problem: string,
  ) {
    super(`invalid game field ${field}: ${problem}`);
  }
}

/** Check the shapes of a schema-valid game spec: rectangular A, square P and Q matching A. */
export function checkGameSpec(g: GameSpec): { nx: number; ny: number } {
  const rect = (name: string, m: number[][], rows?: number, cols?: number) => {
    const n = m[0].length;
    if (n === 0) throw new GameShapeError(`${name}[0]`, 'an empty row; expected at least one number');
    m.forEach((r, i) => {
      if (r.length !== n) throw new GameShapeError(`${name}[${i}]`, `${r.length} entries, expected ${n} like row 0 (a matrix is rectangular)`);
    });
    if (rows !== undefined && (m.length !== rows || n !== cols)) throw new GameShapeError(name, `shape ${m.length}×${n}, expected ${rows}×${cols} to match A`);
  };
  rect('A', g.A);
  const nx = g.A.length;
  const ny = g.A[0].length;
  if (nx > MAX_PLAYER_DIM || ny > MAX_PLAYER_DIM) throw new GameShapeError('A', `shape ${nx}×${ny}; each player may have at most ${MAX_PLAYER_DIM} dimensions`);
  if (g.P) rect('P', g.P, nx, nx);
  if (g.Q) rect('Q', g.Q, ny, ny);
  return { nx, ny };
}

const fieldOf = (path: readonly PropertyKey[]) => path.map((k, i) => (typeof k === 'number' ? `[${k}]` : i === 0 ? String(k) : `.${String(k)}`)).join('') || '(root)';

/** Parse a game from JSON text; malformed input throws an `InputFileError` naming the file and field. */
export function parseGameJSON(text: string, file = '(inline)'): GameSpec {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    const m = /position (\d+)/.exec(String((e as Error).message));
    let at = {};
    if (m) {
      const before = text.slice(0, Number(m[1]));
      at = { line: before.split('\n').length, column: Number(m[1]) - before.lastIndexOf('\n') };
    }
    throw new InputFileError(file, `not valid JSON (${(e as Error).message})`, at);
  }
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) throw new InputFileError(file, "expected a JSON object with an 'A' field (rows of the coupling matrix) and optional 'P', 'Q', 'label'");
  const r = gameSpecSchema.safeParse(raw);
  if (!r.success) {
    const issue = r.error.issues[0];
    const keys = (issue as { keys?: string[] }).keys;
    if (issue.code === 'unrecognized_keys' && keys?.length) throw new InputFileError(file, `unknown field; expected A, P, Q or label`, { field: keys[0] });
    throw new InputFileError(file, issue.message, { field: fieldOf(issue.path) });
  }
  try {
    checkGameSpec(r.data);
  } catch (e) {
    if (e instanceof GameShapeError) throw new InputFileError(file, e.problem, { field: e.field });
    throw e;
  }
  return r.data;
}

/** Read and parse a game file (JSON). */
export async function readGameFile(path: string): Promise<GameSpec> {
  const { readFile } = await import('node:fs/promises');
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    throw new InputFileError(path, `cannot read the file (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
  return parseGameJSON(text, path);
}

/** Is the game purely bilinear (no P, no Q, or both zero)? */
export const isBilinearSpec = (g: GameSpec): boolean => [g.P, g.Q].every((m) => !m || m.every((r) => r.every((v) => v === 0)));
