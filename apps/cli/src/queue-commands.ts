/**
 * The queue verbs of `snrlab` (issue 20): `worker` and `queue status`, plus the helpers the
 * `sweep` and `run` actions call when `--queue <url>` is given. Exit codes as in cli.ts: a bad
 * `--queue` URL or `--concurrency` is a usage error (2) naming the option and value; an
 * interrupted sweep is 130 (CancelledError).
 */
import { availableParallelism } from 'node:os';
import { Command, InvalidArgumentError, Option } from 'commander';
import { CancelledError, type ProgressReporter } from '@snrlab/core';
import type { SweepSpec } from '@snrlab/sweep';
import { parseQueueUrl, QueueExecutor, queueStatus, redactUrl, runQueueSweep, startWorker, type QueueSweepSummary } from '@snrlab/queue';

export interface QueueCommandDeps {
  /** URLs of the modules that register the experiments a worker may run (cli: engineModuleURLs). */
  modules(): string[];
  /** Where lines go (default console.log / console.error). */
  out?: (line: string) => void;
  err?: (line: string) => void;
}

function positiveInt(name: string) {
  return (v: string) => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError(`invalid ${name}: got ${JSON.stringify(v)}; expected an integer >= 1`);
    return n;
  };
}

/** Commander parser for `--queue`: checks the URL at parse time (exit 2, naming --queue and the value). */
export function queueUrlArg(v: string): string {
  parseQueueUrl(v); // throws a ParameterError: "invalid --queue: got …; expected redis://…"
  return v;
}

/** The `--queue` option, for `sweep` and `run`. */
export function queueOption(): Option {
  return new Option('--queue <url>', 'run on a BullMQ/Redis queue (redis://[user:password@]host[:port][/db], rediss:// for TLS); start workers with `snrlab worker`').argParser(queueUrlArg);
}

/** The `--batch <n>` option for `sweep --queue` (points per queue job). */
export function batchOption(): Option {
  return new Option('--batch <n>', 'points per queue job (default: 16, fewer for small sweeps)').argParser(positiveInt('batch'));
}

export interface SweepOnQueueOptions {
  queue: string;
  db: string;
  resume?: boolean;
  yes?: boolean;
  batch?: number;
  signal?: AbortSignal;
  progress?: ProgressReporter;
}

/**
 * `snrlab sweep file --queue url`: the sweep's points go to the queue in batches and their
 * results into the same SQLite store as a local sweep. Returns the summary; throws
 * CancelledError (130) when the signal fired and points were left.
 */
export async function sweepOnQueue(spec: SweepSpec, o: SweepOnQueueOptions, deps: Pick<QueueCommandDeps, 'out'> = {}): Promise<QueueSweepSummary> {
  const out = deps.out ?? ((l: string) => console.log(l));
  const s = await runQueueSweep(spec, {
    connection: o.queue,
    db: o.db,
    resume: o.resume,
    yes: o.yes,
    batchSize: o.batch,
    signal: o.signal,
    onProgress: (done, total) => o.progress?.update(done, total, 'points'),
  });
  out(`${spec.experiment}: ${s.done} of ${s.total} points done (${s.skipped} from an earlier run), ${s.failed} failed, ${s.cancelled} not run; results in ${s.db} (queue ${redactUrl(o.queue)}, ${s.jobs} jobs)`);
  for (const f of s.failures.slice(0, 10)) out(`  point ${f.index} failed: ${f.error}`);
  if (s.failures.length > 10) out(`  … and ${s.failures.length - 10} more (snrlab results ${s.db})`);
  if (s.cancelled) throw new CancelledError();
  return s;
}

/** `snrlab run <id> --queue url`: the executor to pass to runExperiment (close it afterwards). */
export function queueExecutor(url: string): QueueExecutor {
  parseQueueUrl(url);
  return new QueueExecutor({ connection: url });
}

export function addQueueCommands(program: Command, deps: QueueCommandDeps): void {
  const out = deps.out ?? ((l: string) => console.log(l));
  const err = deps.err ?? ((l: string) => console.error(l));

  program
    .command('worker')
    .description('run queue jobs (sweep points, experiment tasks) in sandboxed processes until SIGTERM')
    .requiredOption('--queue <url>', 'the queue: redis://[user:password@]host[:port][/db], or rediss:// for TLS', queueUrlArg)
    .addOption(new Option('--concurrency <n>', 'jobs at once, one process each (default: the cores)').argParser(positiveInt('concurrency')))
    .option('--name <name>', 'name shown by `snrlab queue status` (default: host:pid)')
    .action(async (o: { queue: string; concurrency?: number; name?: string }) => {
      const w = await startWorker({
        connection: o.queue,
        concurrency: o.concurrency ?? availableParallelism(),
        modules: deps.modules(),
        name: o.name,
        log: (l) => err(`snrlab worker: ${l}`),
      });
      const signal = await w.closed;
      // SIGTERM is the orderly stop (Kubernetes, systemd, docker stop): exit 0; SIGINT is 130
      if (signal === 'SIGINT') throw new CancelledError();
    });

  const queue = program.command('queue').description('inspect a BullMQ/Redis queue');
  queue
    .command('status')
    .description('waiting, active, completed and failed jobs, and the connected workers')
    .requiredOption('--queue <url>', 'the queue: redis://[user:password@]host[:port][/db], or rediss:// for TLS', queueUrlArg)
    .option('--json', 'print JSON')
    .action(async (o: { queue: string; json?: boolean }) => {
      const s = await queueStatus(o.queue);
      if (o.json) {
        out(JSON.stringify(s, null, 2));
        return;
      }
      const c = s.counts;
      out(`queue '${s.queue}' at ${redactUrl(o.queue)}`);
      out(`  waiting ${c.waiting + c.prioritized + c.paused}, active ${c.active}, delayed (retry backoff) ${c.delayed}, completed ${c.completed}, failed ${c.failed}`);
      if (s.workers === null) out(`  workers: unknown (${s.workersError})`);
      else {
        out(`  workers: ${s.workers.length}`);
        for (const w of s.workers) out(`    ${w.name}  ${w.addr}  connected ${w.ageSeconds} s, idle ${w.idleSeconds} s`);
      }
    });
}
