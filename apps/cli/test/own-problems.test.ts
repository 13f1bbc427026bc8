/**
 * Bring your own problem, from the command line, on the committed example files (spawn the built
 * binary): each input reaches its experiments, its content hash lands in the manifest, and bad
 * input exits 2 naming the file or parameter. (--data/--model have their own file: own-model.test.ts.)
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { snrlab } from './spawn.js';

const ex = (f: string) => fileURLToPath(new URL(`../../../examples/${f}`, import.meta.url));
const sha256 = (f: string) => createHash('sha256').update(fs.readFileSync(f)).digest('hex');

interface Result {
  verdicts: { status: string }[];
  manifest: { inputs?: { param: string; sha256: string; file?: string }[] };
  measurements: Record<string, unknown>;
}

function runJSON(...args: string[]): Result {
  const r = snrlab('run', ...args, '--json');
  expect(r.code, r.stderr).toBe(0);
  return JSON.parse(r.stdout);
}

const computed = (r: Result) => {
  expect(r.verdicts.length).toBeGreaterThan(0);
  for (const v of r.verdicts) expect(['agrees', 'disagrees', 'inconclusive']).toContain(v.status);
};

describe('own problems on the example files', () => {
  it('--profile: a measured gradient (replicate intensities CSV), hashed in the manifest', () => {
    const f = ex('morphogen/profile.csv');
    const r = runJSON('morphogen.measured-profile', '--profile', f, '--set', 'bootstrap=200');
    computed(r);
    expect(r.manifest.inputs?.map((i) => i.sha256)).toContain(sha256(f));
  });

  it('--hamiltonian: OpenFermion text, Qiskit JSON and plain JSON run the energy and shot-noise experiments', () => {
    const of = ex('vqe/h2-4q.openfermion.txt');
    const a = runJSON('vqe.energy', '--hamiltonian', of, '--set', 'steps=20', '--set', 'replicas=2', '--set', 'shots=200');
    computed(a);
    expect(a.manifest.inputs?.map((i) => i.sha256)).toContain(sha256(of));
    computed(runJSON('vqe.shot-noise', '--hamiltonian', ex('vqe/lih-4q.sparsepauliop.json'), '--set', 'grouping=qwc', '--set', 'shots=16,64,256', '--set', 'estimates=200'));
    computed(runJSON('vqe.shot-noise', '--hamiltonian', ex('vqe/ising-6q.json'), '--set', 'shots=16,64,256', '--set', 'estimates=200'));
  });

  it('--potential: a 1-D expression and the 2-D example file', () => {
    const one = runJSON('langevin.boltzmann', '--potential', 'x^4/4 - x^2/2 + 0.1*x', '--set', 'dt=0.01', '--set', 'replicas=2000', '--set', 'time=2');
    computed(one);
    expect(one.manifest.inputs?.length).toBeGreaterThan(0);
    const two = runJSON('langevin.boltzmann', '--potential', fs.readFileSync(ex('langevin/coupled-double-well-2d.txt'), 'utf8').trim(), '--set', 'dt=0.0025', '--set', 'time=1', '--set', 'replicas=2000');
    computed(two);
    expect(two.measurements.dim).toBe(2);
  });

  it('--game: a bilinear game file for gan.bilinear, hashed in the manifest', () => {
    const f = ex('gan/game.json');
    const r = runJSON('gan.bilinear', '--game', f, '--set', 'particles=200');
    computed(r);
    expect(r.manifest.inputs?.map((i) => i.sha256)).toContain(sha256(f));
  });

  it('bad input exits 2 before any work and names what is wrong', () => {
    const pot = snrlab('run', 'langevin.kramers', '--potential', 'x^4 + y^2');
    expect(pot.code).toBe(2);
    expect(pot.stderr).toMatch(/potential/i);
    const miss = snrlab('run', 'vqe.energy', '--hamiltonian', ex('vqe/no-such-file.json'));
    expect(miss.code).toBe(2);
    expect(miss.stderr).toMatch(/no-such-file\.json/);
  });
});
