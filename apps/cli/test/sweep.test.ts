/** Sweeps through the built CLI: a SIGKILL mid-way, then --resume. */
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { readResults } from '@snrlab/sweep';

const bin = fileURLToPath(new URL('../dist/cli.js', import.meta.url));
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'snrlab-cli-sweep-'));
const file = path.join(tmp, 'sweep.yaml');
fs.writeFileSync(
  file,
  `# 24 runs of a core experiment
experiment: core.estimator-scaling
seed: 11
replicas: 3
params:
  estimates: 3000
grid:
  noise: [gaussian, poisson, student-t, alpha-stable]
  alpha: [1.3, 1.7]
`,
);

const snrlab = (...args: string[]) => spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8', timeout: 300_000 });

function countDone(db: string): number {
  if (!fs.existsSync(db)) return 0;
  try {
    return readResults(db).filter((r) => r.status === 'done').length;
  } catch {
    return 0;
  }
}

describe('snrlab sweep', () => {
  it('survives SIGKILL: --resume finishes without rerunning points and matches an uninterrupted run', async () => {
    const full = path.join(tmp, 'full.sqlite');
    let r = snrlab('sweep', file, '--db', full, '--workers', '2');
    expect(r.stderr).toBe('');
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/24 of 24 points done/);

    const db = path.join(tmp, 'killed.sqlite');
    const child = spawn(process.execPath, [bin, 'sweep', file, '--db', db, '--workers', '2'], { stdio: 'ignore' });
    const deadline = Date.now() + 120_000;
    while (countDone(db) < 4 && Date.now() < deadline) await new Promise((res) => setTimeout(res, 50));
    child.kill('SIGKILL');
    await new Promise((res) => child.once('exit', res));
    const before = readResults(db).filter((row) => row.status === 'done');
    expect(before.length).toBeGreaterThanOrEqual(4);
    expect(before.length).toBeLessThan(24);

    r = snrlab('sweep', file, '--db', db, '--workers', '1');
    expect(r.status, r.stderr).toBe(2);
    expect(r.stderr).toMatch(/pass --resume/);

    r = snrlab('sweep', file, '--db', db, '--resume', '--workers', '1');
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(new RegExp(`24 of 24 points done \\(${before.length} from an earlier run\\)`));
    const after = readResults(db);
    for (const row of before) expect(after.find((a) => a.index === row.index)?.finishedAt).toBe(row.finishedAt);

    const exportOf = (d: string) => snrlab('results', d, '--json').stdout;
    expect(exportOf(db)).toBe(exportOf(full));
    expect(snrlab('results', db, '--csv').stdout).toBe(snrlab('results', full).stdout);
  });

  it('refuses bad sweep files before running, naming the field', () => {
    const bad = path.join(tmp, 'bad.yaml');
    fs.writeFileSync(bad, 'experiment: core.estimator-scaling\ngrid:\n  alpha: [1.5, 3]\n');
    const r = snrlab('sweep', bad, '--db', path.join(tmp, 'bad.sqlite'));
    expect(r.status, r.stderr).toBe(2);
    expect(r.stderr).toMatch(/invalid sweep file at grid.alpha\[1\]: invalid alpha: got 3/);
    expect(fs.existsSync(path.join(tmp, 'bad.sqlite'))).toBe(false);
  });
});
