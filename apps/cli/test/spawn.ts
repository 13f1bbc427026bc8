/** The CLI as a user runs it: spawn the built binary (shared by the CLI's tests). */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { expect } from 'vitest';

export const bin = fileURLToPath(new URL('../dist/cli.js', import.meta.url));

export function snrlab(...args: string[]): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8', timeout: 180_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** `snrlab run … --json`, which must succeed with nothing on stderr. */
export function runJSON(...args: string[]) {
  const r = snrlab('run', ...args, '--json');
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
  return JSON.parse(r.stdout);
}
