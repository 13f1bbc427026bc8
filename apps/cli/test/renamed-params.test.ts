/** Parameters renamed to the glossary of repetition counts: old names work for one release, with a warning. */
import { describe, expect, it } from 'vitest';
import { snrlab } from './spawn.js';

describe('renamed parameters on the command line', () => {
  it('--set replicates=… still runs, warns once on stderr and gives the bytes of --set estimates=…', () => {
    const old = snrlab('run', 'core.estimator-scaling', '--set', 'replicates=400', '--set', 'budgets=1,4,16', '--json');
    const now = snrlab('run', 'core.estimator-scaling', '--set', 'estimates=400', '--set', 'budgets=1,4,16', '--json');
    expect(old.code, old.stderr).toBe(0);
    expect(now.code, now.stderr).toBe(0);
    expect(old.stderr).toBe("snrlab: warning: parameter 'replicates' is renamed 'estimates' (glossary of repetition counts); the old name is accepted until the next release\n");
    expect(now.stderr).toBe('');
    const a = JSON.parse(old.stdout);
    const b = JSON.parse(now.stdout);
    expect(a.measurements).toEqual(b.measurements);
    expect(a.manifest.params).toEqual(b.manifest.params);
  });

  it('both names at once is a usage error (exit 2) naming the old one', () => {
    const r = snrlab('run', 'morphogen.steepness', '--set', 'realizations=200', '--set', 'replicas=200');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/realizations.*only one of 'realizations' and 'replicas'/);
  });

  it('describe lists the old name next to the new one', () => {
    const r = snrlab('describe', 'vqe.optimize');
    expect(r.code).toBe(0);
    // the table wraps long cells: read it as one line of words
    expect(r.stdout.replace(/[|\s]+/g, ' ')).toMatch(/replicas .*\(formerly seeds; the old name is deprecated\)/);
  });
});
