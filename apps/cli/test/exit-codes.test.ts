/** Exit codes that need a purpose-built experiment: divergence (3) and --strict (5). */
import { describe, expect, it, vi } from 'vitest';
import { DivergenceError, registerExperiments, verdict, z } from '@snrlab/core';
import { main, EXIT } from '../src/cli.js';

registerExperiments({ name: 'cli-test', version: '0.0.0' }, [
  {
    id: 'test.diverges',
    domain: 'test',
    title: 'blows up',
    claim: 'x',
    params: z.object({}),
    run() {
      throw new DivergenceError(17, 0.85, 3, Infinity);
    },
  },
  {
    id: 'test.disagrees',
    domain: 'test',
    title: 'measures something else',
    claim: 'x',
    params: z.object({}),
    run: () => ({ metrics: { m: 2 }, verdicts: [verdict({ claim: 'm = 1', theory: 1, measured: 2, se: 0.1 })] }),
  },
]);

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
});
