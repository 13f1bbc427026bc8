/** Child processes for the queue tests: workers and submitters in their own process groups. */
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const pkgRoot = fileURLToPath(new URL('..', import.meta.url));
const live = new Set<Proc>();

export class Proc {
  readonly child: ChildProcess;
  readonly lines: string[] = [];
  readonly exited: Promise<number | null>;
  private waiters: { re: RegExp; resolve: (l: string) => void }[] = [];

  constructor(script: string, args: string[]) {
    this.child = spawn(process.execPath, [fileURLToPath(new URL(`./fixtures/${script}`, import.meta.url)), ...args], { cwd: pkgRoot, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    live.add(this);
    let buf = '';
    const onData = (d: Buffer) => {
      buf += d.toString();
      let i;
      while ((i = buf.indexOf('\n')) >= 0) {
        const line = buf.slice(0, i);
        buf = buf.slice(i + 1);
        this.lines.push(line);
        this.waiters = this.waiters.filter((w) => (w.re.test(line) ? (w.resolve(line), false) : true));
      }
    };
    this.child.stdout!.on('data', onData);
    this.child.stderr!.on('data', onData);
    this.exited = new Promise((resolve) => this.child.once('exit', (code) => (live.delete(this), resolve(code))));
  }

  /** The first line (already printed or to come) that matches. */
  waitFor(re: RegExp, ms = 30_000): Promise<string> {
    const seen = this.lines.find((l) => re.test(l));
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const t = setTimeout(() => reject(new Error(`timed out waiting for ${re} in:\n${this.lines.join('\n')}`)), ms);
      this.waiters.push({ re, resolve: (l) => (clearTimeout(t), resolve(l)) });
    });
  }

  /** Signal the whole process group (the worker and its sandboxed processors). */
  kill(signal: NodeJS.Signals = 'SIGKILL'): void {
    try {
      process.kill(-this.child.pid!, signal);
    } catch {
      /* gone already */
    }
  }
}

export function killAll(): void {
  for (const p of live) p.kill('SIGKILL');
}

export const worker = (url: string, queue: string, concurrency = 1) => new Proc('worker.mjs', [url, queue, String(concurrency)]);
export const submitter = (spec: string, db: string, url: string, queue: string, ...extra: string[]) => new Proc('submit.mjs', [spec, db, url, queue, ...extra]);

export function summaryOf(p: Proc): Record<string, unknown> {
  const line = p.lines.find((l) => l.startsWith('summary '));
  if (!line) throw new Error(`no summary in:\n${p.lines.join('\n')}`);
  return JSON.parse(line.slice('summary '.length));
}
