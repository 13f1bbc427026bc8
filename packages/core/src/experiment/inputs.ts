/**
 * A user's own problem enters an experiment as a parameter value (plain data, checked by the
 * experiment's zod schema). An input option says how the CLI fills that parameter from a file
 * or an expression (`--profile gradient.csv`, `--potential "x^4/4 - x^2/2"`): engines register
 * them beside their experiments, and the CLI offers every registered option on `run`.
 */
const KEY = Symbol.for('snrlab.inputs');

export interface InputOption {
  /** The CLI option, without dashes: `profile` gives `--profile <file>`. */
  flag: string;
  /** The experiment parameter it fills. */
  param: string;
  /** One line for `--help`. */
  description: string;
  /** `file`: the argument is a path (its content is hashed); `text`: the argument is the input itself. */
  kind: 'file' | 'text';
  /** Ids of the experiments that take it. */
  experiments: readonly string[];
  /**
   * Read and check the input: return the parameter value and the format it was read as, and the
   * other files it read (e.g. the weight files a model.json names), whose bytes the recorded hash
   * covers after the file's own. Throw an `InputFileError` naming the file, line and field on
   * malformed input.
   */
  load(arg: string): LoadedInput | Promise<LoadedInput>;
}

/** What an input option's `load` returns. */
export interface LoadedInput {
  value: unknown;
  format: string;
  files?: readonly string[];
}

function table(): Map<string, InputOption> {
  const g = globalThis as unknown as Record<symbol, Map<string, InputOption> | undefined>;
  let t = g[KEY];
  if (!t) {
    t = new Map();
    g[KEY] = t;
  }
  return t;
}

/** Register input options (idempotent for the same object; a flag taken by another option is an error). */
export function registerInputOptions(options: readonly InputOption[]): void {
  const t = table();
  for (const o of options) {
    const prev = t.get(o.flag);
    if (prev && prev !== o && prev.param !== o.param) throw new Error(`input option --${o.flag} is registered twice (parameters '${prev.param}' and '${o.param}')`);
    if (prev && prev !== o) {
      // the same flag filling the same parameter of more experiments: merge
      t.set(o.flag, { ...prev, experiments: [...new Set([...prev.experiments, ...o.experiments])] });
      continue;
    }
    t.set(o.flag, o);
  }
}

export function listInputOptions(): InputOption[] {
  return [...table().values()].sort((a, b) => a.flag.localeCompare(b.flag));
}
