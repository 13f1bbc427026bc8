/** The registered input options (a user's own problem) on `snrlab run`: load, check, hash. */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import { Option, type Command } from 'commander';
import { listInputOptions, ParameterError, type InputOption, type InputRecord } from '@snrlab/core';

/** Add `--<flag> <arg>` for every registered input option. */
export function addInputOptions(cmd: Command): Command {
  for (const o of listInputOptions()) {
    const arg = o.kind === 'file' ? '<file>' : '<text>';
    cmd.addOption(new Option(`--${o.flag} ${arg}`, `${o.description} (fills '${o.param}'; ${o.experiments.join(', ')})`));
  }
  return cmd;
}

/** Load the input options given for experiment `id`: parameter values, and manifest records with their hashes. */
export async function loadInputs(id: string, given: Record<string, unknown>): Promise<{ params: Record<string, unknown>; inputs: InputRecord[] }> {
  const params: Record<string, unknown> = {};
  const inputs: InputRecord[] = [];
  for (const o of listInputOptions()) {
    const key = camel(o.flag);
    const arg = given[key];
    if (typeof arg !== 'string') continue;
    if (!o.experiments.includes(id)) throw new ParameterError(`--${o.flag}`, arg, `an option of ${o.experiments.join(', ')}`, `${id} does not take it`);
    // a file option may carry selections after '#' (e.g. --data file.csv#label=y): the file is the part before
    const file = o.kind === 'file' ? arg.replace(/#[^/\\]*$/, '') : arg;
    if (o.kind === 'file' && !fs.existsSync(file)) throw new ParameterError(`--${o.flag}`, arg, 'a readable file', 'no such file');
    const { value, format, files } = await o.load(arg);
    params[o.param] = value;
    inputs.push({ param: o.param, file: o.kind === 'file' ? arg : '(inline)', format, sha256: sha256(o, file, files ?? []) });
  }
  return { params, inputs };
}

/** SHA-256 of the file, followed by the other files its loader read (a model's weight files): `cat file ...files | sha256sum`. */
function sha256(o: InputOption, arg: string, files: readonly string[]): string {
  const h = createHash('sha256');
  h.update(o.kind === 'file' ? fs.readFileSync(arg) : Buffer.from(arg, 'utf8'));
  for (const f of files) h.update(fs.readFileSync(f));
  return h.digest('hex');
}

const camel = (flag: string) => flag.replace(/-(\w)/g, (_, c: string) => c.toUpperCase());
