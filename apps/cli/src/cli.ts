/**
 * snrlab — run, describe and compare signal/noise experiments.
 * Exit codes: 0 success; 1 internal error; 2 usage error (unknown experiment, bad --set,
 * bad option); 3 a simulation diverged; 4 the backend asked for is unavailable;
 * 5 --strict and a verdict disagrees; 130 interrupted.
 */
import fs from 'node:fs';
import { availableParallelism } from 'node:os';
import path from 'node:path';
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import {
  CancelledError,
  coerceParams,
  describeParams,
  DivergenceError,
  InputFileError,
  onDeprecation,
  isParameterError,
  listExperiments,
  paramsJSONSchema,
  resolveExperiment,
  runExperiment,
  UnknownExperimentError,
  WorkerPool,
  type Executor,
  type ExperimentResult,
} from '@snrlab/core';
import { BackendUnavailableError, detectBackends, selectBackend, type Backend } from '@snrlab/tensor';
import { engineModuleURLs } from './engines.js';
import { loadSweepFile, readResults, resultsToCSV, resultsToJSON, runSweep, SweepSpecError } from '@snrlab/sweep';
import { ci, countsText, fmt, formatResult, table, verdictMark } from './format.js';
import { terminalProgress } from './progress.js';
import { figureFileName, figureToSVG } from './render.js';
import { runDemo } from './demo.js';
import { addInputOptions, loadInputs } from './inputs.js';
import { addQueueCommands, batchOption, queueExecutor, queueOption, sweepOnQueue } from './queue-commands.js';
import { QueueUnavailableError } from '@snrlab/queue';
import { runCompare, writeCompare } from './compare/run.js';
import { verdictsOf } from './compare/report.js';

export const EXIT = { ok: 0, internal: 1, usage: 2, diverged: 3, backend: 4, disagrees: 5, interrupted: 130 } as const;

class ExitError extends Error {
  constructor(
    readonly code: number,
    message: string,
  ) {
    super(message);
  }
}

function positiveInt(name: string) {
  return (v: string) => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError(`invalid ${name}: got ${JSON.stringify(v)}; expected an integer >= 1`);
    return n;
  };
}

function seedArg(v: string): number | string {
  if (/^\d+$/.test(v)) {
    const n = Number(v);
    if (!Number.isSafeInteger(n)) throw new InvalidArgumentError(`invalid seed: got ${v}; expected an integer in [0, 2^53) or a string`);
    return n;
  }
  if (!v) throw new InvalidArgumentError('invalid seed: empty');
  return v;
}

function collect(v: string, prev: string[]) {
  return [...prev, v];
}

function parseSets(sets: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const s of sets) {
    const i = s.indexOf('=');
    if (i <= 0) throw new ExitError(EXIT.usage, `invalid --set ${JSON.stringify(s)}: expected key=value`);
    out[s.slice(0, i).trim()] = s.slice(i + 1);
  }
  return out;
}

async function makeBackend(name: string | undefined): Promise<Backend | undefined> {
  if (!name) return undefined;
  return selectBackend(name);
}

async function writeOut(dir: string, result: ExperimentResult): Promise<string[]> {
  fs.mkdirSync(dir, { recursive: true });
  const written = [path.join(dir, 'result.json')];
  fs.writeFileSync(written[0], JSON.stringify(result, null, 2) + '\n');
  for (const f of result.figures) {
    const file = path.join(dir, figureFileName(f));
    fs.writeFileSync(file, await figureToSVG(f));
    written.push(file);
  }
  return written;
}

export function buildProgram(): Command {
  const program = new Command();
  program
    .name('snrlab')
    .description('Signal/noise experiments across SGD, Langevin dynamics, morphogen gradients, VQE shot noise and GAN games.')
    .version('0.1.0')
    .showSuggestionAfterError(true)
    .exitOverride();

  program
    .command('list')
    .description('list the registered experiments')
    .option('--json', 'print JSON')
    .option('--domain <domain>', 'only this domain')
    .action((o: { json?: boolean; domain?: string }) => {
      const exps = listExperiments().filter((e) => !o.domain || e.domain === o.domain);
      const rows = exps.map((e) => ({ id: e.id, domain: e.domain, title: e.title, claim: e.claim, package: e.package?.name }));
      if (o.json) console.log(JSON.stringify(rows, null, 2));
      else console.log(table(['id', 'domain', 'title', 'claim'], rows.map((r) => [r.id, r.domain, r.title, r.claim])));
    });

  program
    .command('describe')
    .description('the parameters of an experiment: defaults, ranges, units and meaning')
    .argument('<id>', 'experiment id')
    .option('--json', 'print the JSON Schema of the parameters')
    .action((id: string, o: { json?: boolean }) => {
      const e = resolveExperiment(id);
      if (o.json) {
        console.log(JSON.stringify({ id: e.id, domain: e.domain, title: e.title, claim: e.claim, description: e.description, package: e.package, params: paramsJSONSchema(e.params) }, null, 2));
        return;
      }
      console.log(`${e.id} — ${e.title}\nclaim: ${e.claim}`);
      if (e.description) console.log(`\n${e.description}`);
      console.log('');
      console.log(table(['parameter', 'default', 'allowed', 'unit', 'meaning'], describeParams(e.params).map((p) => [p.name, JSON.stringify(p.default), p.allowed, p.unit ?? '', (p.description ?? '') + (p.formerly ? ` (formerly ${p.formerly.join(', ')}; the old name is deprecated)` : '')])));
    });

  const run = program
    .command('run')
    .description('run an experiment and report its metrics and verdicts')
    .argument('<id>', 'experiment id')
    .option('--set <key=value>', 'set a parameter (repeatable; lists are comma-separated)', collect, [])
    .option('--seed <n>', 'root seed (integer or string)', seedArg, 1)
    .addOption(new Option('--workers <n>', 'worker threads that run the tasks (default 1: the terminal stays responsive, so Ctrl-C stops any experiment at once)').argParser(positiveInt('workers')))
    .option('--backend <name>', "compute backend: 'auto', 'js', 'wasm', 'cpu', 'node', 'node-gpu', 'webgpu'")
    .option('--json', 'print the whole result (measurements, metrics, verdicts, manifest) as JSON on stdout, and nothing else')
    .option('--out <dir>', 'write result.json and each figure as SVG into <dir>')
    .option('--strict', 'exit 5 if any verdict disagrees')
    .addOption(queueOption());
  addInputOptions(run).action(
    async (id: string, o: { set: string[]; seed: number | string; workers?: number; backend?: string; json?: boolean; out?: string; strict?: boolean; queue?: string } & Record<string, unknown>) => {
      const exp = resolveExperiment(id);
      // the user's own problem: read and checked before anything runs, hashed into the manifest
      const own = await loadInputs(exp.id, o);
      const params = { ...coerceParams(exp.params, parseSets(o.set)), ...own.params };
      const backend = await makeBackend(o.backend);
      // tasks always run off the main thread, so a SIGINT is handled at once whatever the experiment
      const executor: Executor = o.queue ? queueExecutor(o.queue) : new WorkerPool({ workers: o.workers ?? 1 });
      const progress = terminalProgress(!o.json && Boolean(process.stderr.isTTY));
      const ac = new AbortController();
      const onSigint = () => {
        // a second Ctrl-C does not wait for the clean-up
        process.once('SIGINT', () => process.exit(EXIT.interrupted));
        ac.abort();
      };
      process.once('SIGINT', onSigint);
      let result: ExperimentResult;
      try {
        result = await runExperiment(exp, params, { seed: o.seed, backend, executor, progress, signal: ac.signal, inputs: own.inputs });
      } finally {
        progress.stop();
        process.off('SIGINT', onSigint);
        await executor.close();
      }
      if (o.json) process.stdout.write(JSON.stringify(result) + '\n');
      else console.log(formatResult(result));
      if (o.out) {
        const files = await writeOut(o.out, result);
        if (!o.json) console.log(`\nwrote ${files.join(', ')}`);
      }
      if (o.strict && result.verdicts.some((v) => v.status === 'disagrees')) throw new ExitError(EXIT.disagrees, 'a verdict disagrees with theory');
    },
  );

  program
    .command('backend')
    .description('which compute backends are available here, and why not')
    .option('--json', 'print JSON')
    .action(async (o: { json?: boolean }) => {
      const rows = await detectBackends();
      const auto = await selectBackend('auto');
      if (o.json) console.log(JSON.stringify({ auto: auto.name, backends: rows }, null, 2));
      else {
        console.log(table(['backend', 'priority', 'precision', 'available', 'version / reason', 'what'], rows.map((r) => [r.name, r.priority, r.precision, r.available ? 'yes' : 'no', r.available ? (r.version ?? '') : r.reason, r.description])));
        console.log(`auto selects: ${auto.name}`);
      }
    });

  program
    .command('sweep')
    .description('run an experiment over parameter grids, streaming every point into an SQLite store')
    .argument('<file>', 'sweep file (.yaml, .yml or .json)')
    .option('--db <file>', 'results store (default: the sweep file with .sqlite)')
    .addOption(new Option('--workers <n>', 'worker threads (default: the cores)').argParser(positiveInt('workers')))
    .option('--resume', 'continue a sweep whose store exists; finished points are not run again')
    .option('--yes', 'allow sweeps of more than a million runs')
    .addOption(queueOption())
    .addOption(batchOption())
    .action(async (file: string, o: { db?: string; workers?: number; resume?: boolean; yes?: boolean; queue?: string; batch?: number }) => {
      const spec = loadSweepFile(file);
      const db = o.db ?? file.replace(/\.(ya?ml|json)$/i, '') + '.sqlite';
      if (o.queue) {
        // the points run on workers started with `snrlab worker --queue …`, on any machine
        const progress = terminalProgress(Boolean(process.stderr.isTTY));
        const ac = new AbortController();
        const onSigint = () => ac.abort();
        process.once('SIGINT', onSigint);
        try {
          await sweepOnQueue(spec, { queue: o.queue, db, resume: o.resume, yes: o.yes, batch: o.batch, signal: ac.signal, progress });
        } finally {
          progress.stop();
          process.off('SIGINT', onSigint);
        }
        return;
      }
      const workers = o.workers ?? availableParallelism();
      const pool = new WorkerPool({ workers });
      const progress = terminalProgress(Boolean(process.stderr.isTTY));
      const ac = new AbortController();
      const onSigint = () => ac.abort();
      process.once('SIGINT', onSigint);
      try {
        const s = await runSweep(spec, {
          db,
          executor: pool,
          resume: o.resume,
          yes: o.yes,
          signal: ac.signal,
          modules: engineModuleURLs(),
          onProgress: (done, total) => progress.update(done, total, 'points'),
        });
        progress.stop();
        console.log(`${spec.experiment}: ${s.done} of ${s.total} points done (${s.skipped} from an earlier run), ${s.failed} failed, ${s.cancelled} not run; results in ${s.db}`);
        if (s.cancelled) throw new CancelledError();
      } finally {
        progress.stop();
        process.off('SIGINT', onSigint);
        await pool.close();
      }
    });

  program
    .command('results')
    .description('export the results of a sweep')
    .argument('<db>', 'results store written by `snrlab sweep`')
    .option('--csv', 'CSV, one row per point (default)')
    .option('--json', 'JSON, one object per point')
    .option('--manifests', 'include each run\'s manifest (JSON only)')
    .action((db: string, o: { csv?: boolean; json?: boolean; manifests?: boolean }) => {
      const rows = readResults(db);
      process.stdout.write(o.json ? resultsToJSON(rows, { manifests: o.manifests }) + '\n' : resultsToCSV(rows));
    });

  program
    .command('compare')
    .description('run the curated cross-domain comparison; with --out, write report.html, results.json and the figures')
    .option('--out <dir>', 'write report.html, results.json and the figures as SVG into <dir>')
    .option('--seed <n>', 'root seed', seedArg, 1)
    .option('--full', 'heavier settings (tighter intervals, minutes instead of seconds)')
    .option('--png', 'also write each figure as PNG (needs --out)')
    .addOption(new Option('--workers <n>', 'worker threads (default: the cores)').argParser(positiveInt('workers')))
    .option('--json', 'print the results as JSON instead of the table')
    .action(async (o: { out?: string; seed: number | string; full?: boolean; png?: boolean; workers?: number; json?: boolean }) => {
      const pool = new WorkerPool({ workers: o.workers ?? availableParallelism() });
      const progress = terminalProgress(!o.json && Boolean(process.stderr.isTTY));
      const ac = new AbortController();
      const onSigint = () => ac.abort();
      process.once('SIGINT', onSigint);
      try {
        const { runs, durationMs } = await runCompare({
          seed: o.seed,
          full: Boolean(o.full),
          executor: pool,
          modules: engineModuleURLs(),
          signal: ac.signal,
          onProgress: (d, t) => progress.update(d, t, 'experiments'),
        });
        progress.stop();
        const rows: unknown[][] = [];
        for (const run of runs) {
          if (!run.result) {
            rows.push([run.entry.domain, `${run.entry.experiment.id}: ${run.entry.label}`, 'did not run', '', '', '', run.error ?? '']);
            continue;
          }
          for (const v of verdictsOf(run)) rows.push([run.entry.domain, `${run.entry.experiment.id}: ${run.entry.label}`, v.claim, fmt(v.measured), fmt(v.theory), ci(v), verdictMark(v)]);
        }
        if (o.json) console.log(JSON.stringify(runs.map((r) => ({ domain: r.entry.domain, experiment: r.entry.experiment.id, error: r.error ?? null, contributions: r.contributions, result: r.result ?? null }))));
        else {
          console.log('snrlab compare — one mathematics of signal and noise, across domains.\n');
          console.log(table(['domain', 'experiment', 'claim', 'measured', 'theory', '95% CI', 'verdict'], rows, 40));
          const failed = runs.filter((r) => !r.result).length;
          console.log(`\n${countsText(runs.flatMap((r) => verdictsOf(r)))}${failed ? `; ${failed} experiment(s) did not run` : ''} (seed ${o.seed}, ${o.full ? 'full' : 'quick'} settings, ${(durationMs / 1000).toFixed(1)} s).`);
        }
        if (o.out) {
          const files = await writeCompare(o.out, runs, { seed: o.seed, full: Boolean(o.full), durationMs, png: Boolean(o.png) });
          if (!o.json) console.log(`wrote ${files.join(', ')}`);
        } else if (o.png) throw new ExitError(EXIT.usage, '--png needs --out');
        if (ac.signal.aborted) throw new CancelledError();
      } finally {
        progress.stop();
        process.off('SIGINT', onSigint);
        await pool.close();
      }
    });

  program
    .command('demo')
    .description('a short cross-domain demo of the core experiments (what `npm start` runs)')
    .option('--seed <n>', 'root seed', seedArg, 1)
    .option('--json', 'print JSON')
    .action(async (o: { seed: number | string; json?: boolean }) => {
      const t0 = performance.now();
      const runs = await runDemo({ seed: o.seed });
      if (o.json) {
        console.log(JSON.stringify(runs.map((r) => r.result)));
        return;
      }
      console.log('snrlab demo — a noisy estimate is useful when its signal beats its noise.\n');
      const rows: unknown[][] = [];
      for (const { run, result } of runs) {
        for (const v of result.verdicts) rows.push([result.domain, `${result.id}: ${run.label}`, v.claim, fmt(v.measured), fmt(v.theory), ci(v), verdictMark(v)]);
      }
      console.log(table(['domain', 'experiment', 'claim', 'measured', 'theory', '95% CI', 'verdict'], rows, 44));
      console.log(`\n${countsText(runs.flatMap((r) => r.result.verdicts))} (seed ${o.seed}, ${((performance.now() - t0) / 1000).toFixed(1)} s).`);
      console.log('Next: `snrlab list`, `snrlab describe <id>`, `snrlab run <id> --set key=value`.');
    });

  addQueueCommands(program, { modules: engineModuleURLs });

  return program;
}

function exitCodeOf(err: unknown): { code: number; message: string } {
  if (err instanceof ExitError) return { code: err.code, message: err.message };
  if (err instanceof UnknownExperimentError) return { code: EXIT.usage, message: err.message };
  if (err instanceof SweepSpecError) return { code: EXIT.usage, message: err.message };
  if (isParameterError(err)) return { code: EXIT.usage, message: (err as Error).message };
  if (err instanceof InputFileError) return { code: EXIT.usage, message: err.message };
  if (err instanceof QueueUnavailableError) return { code: EXIT.internal, message: err.message };
  if (err instanceof DivergenceError) return { code: EXIT.diverged, message: err.message };
  if (err instanceof BackendUnavailableError) return { code: EXIT.backend, message: err.message };
  if (err instanceof CancelledError) return { code: EXIT.interrupted, message: err.message === 'run cancelled' ? 'interrupted' : `interrupted: ${err.message}` };
  if (err instanceof CommanderError) return { code: err.exitCode === 0 ? 0 : EXIT.usage, message: '' };
  const e = err as Error;
  return { code: EXIT.internal, message: e?.stack ?? String(err) };
}

export async function main(argv = process.argv): Promise<number> {
  const program = buildProgram();
  // renamed parameters: one plain line on stderr, not Node's "(node:PID) DeprecationWarning"
  const seen = new Set<string>();
  onDeprecation((message) => {
    if (!seen.has(message)) console.error(`snrlab: warning: ${message}`);
    seen.add(message);
  });
  try {
    await program.parseAsync(argv);
    return EXIT.ok;
  } catch (err) {
    const { code, message } = exitCodeOf(err);
    if (message) console.error(`snrlab: ${message}`);
    return code;
  }
}
