/** The CLI as a user runs it: spawn the built binary. */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const bin = fileURLToPath(new URL('../dist/cli.js', import.meta.url));

function snrlab(...args: string[]) {
  const r = spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8', timeout: 120_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

function runJSON(...args: string[]) {
  const r = snrlab('run', ...args, '--json');
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
  return JSON.parse(r.stdout);
}

describe('snrlab CLI', () => {
  it('`npx snrlab` works in the repository after npm ci (the committed launcher is linked)', () => {
    const root = fileURLToPath(new URL('../../../', import.meta.url));
    const r = spawnSync('npx', ['--no-install', 'snrlab', 'list', '--json'], { cwd: root, encoding: 'utf8', timeout: 120_000 });
    expect(r.status, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout).map((e: { id: string }) => e.id)).toContain('core.estimator-scaling');
  });

  it('run --json shows the typed measurements and the backend the tasks used', () => {
    const r = runJSON('core.estimator-scaling', '--set', 'estimates=400', '--backend', 'js', '--workers', '2');
    expect(r.measurements.points.map((p: { budget: number }) => p.budget)).toEqual([1, 2, 4, 8, 16, 32, 64, 128]);
    expect(r.measurements.exponent).toBe(r.metrics.exponent);
    expect(r.manifest).toMatchObject({ backend: 'js', backendRequested: 'js', executor: { kind: 'pool', workers: 2 }, tasks: { main: 8 } });
  });

  it('list shows every registered experiment (text and JSON)', () => {
    const r = snrlab('list', '--json');
    expect(r.code).toBe(0);
    const ids = JSON.parse(r.stdout).map((e: { id: string }) => e.id);
    expect(ids).toEqual(expect.arrayContaining(['core.estimator-scaling', 'core.positional-error']));
    expect(snrlab('list').stdout).toMatch(/core\.positional-error/);
  });

  it('describe shows defaults, ranges, units and meaning', () => {
    const r = snrlab('describe', 'core.estimator-scaling');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/alpha\s+\|\s+1\.5\s+\|\s+a number in \(0, 2\]/);
    expect(r.stdout).toMatch(/counts/);
    const j = JSON.parse(snrlab('describe', 'core.positional-error', '--json').stdout);
    expect(j.params.properties.decayLength).toMatchObject({ type: 'number', default: 20 });
  });

  it('Gaussian noise: the exponent interval contains −1', () => {
    const r = runJSON('core.estimator-scaling', '--set', 'noise=gaussian', '--seed', '1');
    const [lo, hi] = r.verdicts[0].ci95;
    expect(lo).toBeLessThanOrEqual(-1);
    expect(hi).toBeGreaterThanOrEqual(-1);
    expect(Math.abs(r.metrics.exponent + 1)).toBeLessThan(4 * r.metrics.exponentSE);
    expect(r.manifest).toMatchObject({ id: 'core.estimator-scaling', seed: 1, backend: 'js' });
  });

  it('α-stable noise with α = 1.5: the interval contains −2/3', () => {
    const r = runJSON('core.estimator-scaling', '--set', 'noise=alpha-stable', '--set', 'alpha=1.5', '--seed', '1');
    const [lo, hi] = r.verdicts[0].ci95;
    expect(lo).toBeLessThanOrEqual(-2 / 3);
    expect(hi).toBeGreaterThanOrEqual(-2 / 3);
  });

  it('--workers 1 and --workers 2 print identical metrics', () => {
    const args = ['core.estimator-scaling', '--set', 'noise=student-t', '--set', 'estimates=1000', '--seed', '7'];
    const a = runJSON(...args, '--workers', '1');
    const b = runJSON(...args, '--workers', '2');
    const c = runJSON(...args);
    expect(JSON.stringify(b.metrics)).toBe(JSON.stringify(a.metrics));
    expect(JSON.stringify(c.metrics)).toBe(JSON.stringify(a.metrics));
    expect(b.manifest.executor).toEqual({ kind: 'pool', workers: 2 });
  });

  it('an unknown id exits 2 and suggests the nearest ids', () => {
    const r = snrlab('run', 'core.estimator-scalin');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/unknown experiment 'core.estimator-scalin'; did you mean 'core.estimator-scaling'/);
  });

  it('a bad --set names the parameter, the value and the range, and exits 2', () => {
    let r = snrlab('run', 'core.estimator-scaling', '--set', 'alpha=3');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/invalid alpha: got 3; expected a number in \(0, 2\]/);
    r = snrlab('run', 'core.estimator-scaling', '--set', 'budgets=1,0');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/invalid budgets\[1\]: got 0/);
    r = snrlab('run', 'core.estimator-scaling', '--set', 'colour=red');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/invalid colour: got "red"; expected a known parameter/);
    r = snrlab('run', 'core.estimator-scaling', '--workers', '0');
    expect(r.code).toBe(2);
  });

  it('--out writes result.json and each figure as SVG', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'snrlab-cli-'));
    const r = snrlab('run', 'core.estimator-scaling', '--set', 'estimates=400', '--out', dir);
    expect(r.code).toBe(0);
    const result = JSON.parse(fs.readFileSync(path.join(dir, 'result.json'), 'utf8'));
    expect(result.figures.length).toBeGreaterThan(0);
    for (const f of result.figures) {
      const svg = fs.readFileSync(path.join(dir, `${f.name}.svg`), 'utf8');
      expect(svg).toMatch(/^<svg/);
      expect(svg).toMatch(/<path/);
    }
  });

  it('backend reports availability and what auto selects', () => {
    const r = snrlab('backend', '--json');
    expect(r.code).toBe(0);
    const j = JSON.parse(r.stdout);
    expect(j.auto).toBe('js');
    const names = j.backends.map((b: { name: string }) => b.name);
    expect(names).toEqual(['node-gpu', 'webgpu', 'js', 'node', 'wasm', 'cpu']);
    expect(j.backends.find((b: { name: string }) => b.name === 'wasm').available).toBe(true);
    // the emulated WebGPU adapter (SwiftShader) is reported as software and never chosen by auto
    const gpu = j.backends.find((b: { name: string }) => b.name === 'webgpu');
    if (gpu.available) expect(gpu.adapter.software).toBe(true);
  });

  it('an unavailable backend exits 4 with the reason', () => {
    const r = snrlab('run', 'core.estimator-scaling', '--backend', 'node');
    expect(r.code).toBe(4);
    expect(r.stderr).toMatch(/backend 'node' is unavailable: not installed/);
    expect(snrlab('run', 'core.estimator-scaling', '--backend', 'tpu').code).toBe(2);
  });

  it('demo prints the cross-domain table with verdicts', () => {
    const r = snrlab('demo');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/\d+ verdicts: \d+ agree, \d+ disagree, \d+ inconclusive/);
    expect(r.stdout).toMatch(/core\.positional-error/);
  });
});
