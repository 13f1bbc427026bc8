/** Exit codes that need a purpose-built experiment: divergence (3), --strict (5), Ctrl-C (130). */
import { describe, expect, it, vi } from 'vitest';
import { registerExperiments } from '@snrlab/core';
import { testExperiments } from './fixtures/experiments.mjs';
import { main, EXIT } from '../src/cli.js';

registerExperiments({ name: 'cli-test', version: '0.0.0' }, testExperiments);

describe('exit codes', () => {
  it('a diverging run exits 3 and names the step and replica', async () => {
    const err = vi.spyOn(console, 'error').mockImplementation(() => {});
    const code = await main(['node', 'snrlab', 'run', 'test.diverges']);
    expect(code).toBe(EXIT.diverged);
    expect(err.mock.calls.flat().join(' ')).toMatch(/diverged at step 17 \(t = 0.85\) in replica 3/);
    err.mockRestore();
  });

  it('--strict exits 5 when a verdict disagrees; without it the run succeeds', async () => {
    const log = vi.spyOn(console, 'log').mockImplementation(() => {});
    const err = vi.spyOn(console, 'error').mockImplementation(() => {});
    expect(await main(['node', 'snrlab', 'run', 'test.disagrees'])).toBe(EXIT.ok);
    expect(await main(['node', 'snrlab', 'run', 'test.disagrees', '--strict'])).toBe(EXIT.disagrees);
    log.mockRestore();
    err.mockRestore();
  });

  it('Ctrl-C stops an experiment whose task never yields: exit 130, and it says what was finished', async () => {
    const err = vi.spyOn(console, 'error').mockImplementation(() => {});
    const log = vi.spyOn(console, 'log').mockImplementation(() => {});
    const t0 = Date.now();
    const running = main(['node', 'snrlab', 'run', 'test.busy', '--set', 'seconds=120']);
    // the worker needs a moment to start; then the signal must stop a task that never yields
    setTimeout(() => process.emit('SIGINT'), 1500);
    expect(await running).toBe(EXIT.interrupted);
    expect(Date.now() - t0).toBeLessThan(60_000); // far below the task's 120 s: it was stopped, not finished
    expect(err.mock.calls.flat().join(' ')).toMatch(/interrupted: run of test.busy cancelled: stage 'main' had finished 0 of 1 tasks/);
    err.mockRestore();
    log.mockRestore();
  });
});
