// Your Hamiltonian from a file: the three formats, round trips of the built-in molecules, the
// refusals (InputFileError with file, line and field), and the experiments that run on it.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { InputFileError, listInputOptions, ParameterError, runExperiment } from '@snrlab/core';
import { groundEnergy } from '../src/exact.js';
import { energyExperiment } from '../src/experiments/energy.js';
import { optimizeExperiment } from '../src/experiments/optimize.js';
import { shotNoiseExperiment } from '../src/experiments/shot-noise.js';
import { formatHamiltonian, hamiltonianFromData, parseHamiltonian, readHamiltonianFile, HAMILTONIAN_FORMATS, type HamiltonianData } from '../src/hamiltonian-file.js';
import { MOLECULE_IDS, molecule } from '../src/molecules.js';
import { PauliSum } from '../src/pauli.js';
import '../src/register.js';

const examples = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../examples/vqe');

const termsOf = (h: PauliSum) => h.terms.map((t) => ({ x: t.x, z: t.z, c: t.coefficient }));

function fileError(f: () => unknown): InputFileError {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(InputFileError);
    return e as InputFileError;
  }
  throw new Error('expected an InputFileError');
}

describe('round trips: the built-in molecules written in each format and read back', () => {
  for (const id of MOLECULE_IDS) {
    const h = molecule(id).hamiltonian;
    const e0 = groundEnergy(h);
    for (const format of HAMILTONIAN_FORMATS) {
      it(`${id} as ${format}: same terms, same exact ground energy`, () => {
        const r = parseHamiltonian(formatHamiltonian(h, format), `${id}.${format}`);
        expect(r.format).toBe(format);
        expect(r.data.qubits).toBe(h.qubits);
        expect(termsOf(r.hamiltonian)).toEqual(termsOf(h));
        expect(termsOf(hamiltonianFromData(r.data))).toEqual(termsOf(h));
        expect(groundEnergy(r.hamiltonian)).toBe(e0);
      });
    }
    it(`${id} as Qiskit {labels, coeffs} with complex coefficients: same terms and energy`, () => {
      const text = JSON.stringify({ labels: h.terms.map((t) => h.label(t, 'little-endian')), coeffs: h.terms.map((t) => `(${t.coefficient}+0j)`) });
      const r = parseHamiltonian(text);
      expect(r.format).toBe('qiskit');
      expect(termsOf(r.hamiltonian)).toEqual(termsOf(h));
      expect(groundEnergy(r.hamiltonian)).toBe(e0);
    });
  }

  it('the committed example files hold the built-in problems', async () => {
    const h2 = molecule('h2-4q').hamiltonian;
    for (const f of ['h2-4q.openfermion.txt', 'h2-4q.qiskit.json']) expect(termsOf((await readHamiltonianFile(path.join(examples, f))).hamiltonian)).toEqual(termsOf(h2));
    const lih = await readHamiltonianFile(path.join(examples, 'lih-4q.sparsepauliop.json'));
    expect(termsOf(lih.hamiltonian)).toEqual(termsOf(molecule('lih-4q').hamiltonian));
    const ising = await readHamiltonianFile(path.join(examples, 'ising-6q.json'));
    // critical open chain: E₀ = 1 − 1/sin(π/(2(2n+1))) (Pfeuty 1970)
    expect(groundEnergy(ising.hamiltonian)).toBeCloseTo(1 - 1 / Math.sin(Math.PI / (2 * 13)), 10);
  });
});

describe('formats and wire order', () => {
  it("Qiskit labels are little-endian: the rightmost letter is qubit 0, OpenFermion's index 0", () => {
    const q = parseHamiltonian('[["XZ", 0.5], ["IY", -0.25]]').hamiltonian;
    const of = parseHamiltonian('0.5 [Z0 X1] - 0.25 [Y0]').hamiltonian;
    expect(termsOf(q)).toEqual(termsOf(of));
    expect(q.toString('indexed')).toBe('0.5 Z0 X1 - 0.25 Y0');
  });

  it('reads OpenFermion text as str(QubitOperator) prints it, several terms per line, complex coefficients with 0j', () => {
    const r = parseHamiltonian('-0.0427 [] +\n0.1712 [Z0] + (0.0454+0j) [X0 X1 Y2 Y3] -\n0.5 [Z3]\n');
    expect(r.format).toBe('openfermion');
    expect(r.data).toEqual({ qubits: 4, terms: [{ pauli: '', coefficient: -0.0427 }, { pauli: 'Z0', coefficient: 0.1712 }, { pauli: 'X0 X1 Y2 Y3', coefficient: 0.0454 }, { pauli: 'Z3', coefficient: -0.5 }] });
  });

  it('reads plain JSON terms, as an object with qubits or a bare list', () => {
    const a = parseHamiltonian('{"qubits": 3, "terms": [{"pauli": "Z0 Z1", "coefficient": -1}, {"pauli": "I", "coefficient": 0.5}]}');
    expect(a.format).toBe('json');
    expect(a.data.qubits).toBe(3);
    const b = parseHamiltonian('[{"pauli": "X1", "coefficient": 2}]');
    expect(b.data).toEqual({ qubits: 2, terms: [{ pauli: 'X1', coefficient: 2 }] });
  });
});

describe('refusals name the file, line and field', () => {
  it('a bad Pauli letter in OpenFermion text', () => {
    const e = fileError(() => parseHamiltonian('0.1 [Z0] +\n0.2 [Z1] +\n0.3 [Q2]\n', 'h.txt'));
    expect(e.where).toMatchObject({ line: 3, field: 'terms[2].label' });
    expect(e.message).toMatch(/h\.txt \(line 3, field terms\[2\]\.label\).*bad letter 'Q'/);
  });

  it('a complex coefficient (not Hermitian)', () => {
    const e = fileError(() => parseHamiltonian('[\n ["ZZ", 0.5],\n ["XX", [0.1, 0.3]]\n]', 'q.json'));
    expect(e.where).toMatchObject({ line: 3, field: '[1].coefficient' });
    expect(e.message).toMatch(/not Hermitian/);
    const f = fileError(() => parseHamiltonian('{"labels": ["ZZ", "XX"],\n "coeffs": [0.5,\n "(0.1+0.2j)"]}', 'l.json'));
    expect(f.where).toMatchObject({ line: 3, field: 'coeffs[1]' });
  });

  it('Qiskit labels of different lengths, and labels without coefficients', () => {
    const e = fileError(() => parseHamiltonian('[["ZZI", 1],\n["ZZ", 2]]', 'q.json'));
    expect(e.where).toMatchObject({ line: 2, field: '[1].label' });
    expect(e.message).toMatch(/a label of 3 letters/);
    const f = fileError(() => parseHamiltonian('{"labels": ["ZZ", "XX"], "coeffs": [1]}'));
    expect(f.where.field).toBe('coeffs');
  });

  it('malformed JSON, a missing coefficient, text after the last term', () => {
    expect(fileError(() => parseHamiltonian('{"qubits": 2,\n "terms": [\n {"pauli": "Z0" "coefficient": 1}]}')).where.line).toBe(3);
    expect(fileError(() => parseHamiltonian('{"terms": [{"pauli": "Z0"},\n{"pauli": "Z1", "coefficient": 1}]}')).where.field).toBe('terms[0].coefficient');
    expect(fileError(() => parseHamiltonian('0.5 [Z0] + 0.25 Z1')).message).toMatch(/after the last term/);
    expect(fileError(() => parseHamiltonian('   \n')).message).toMatch(/empty file/);
  });

  it("more qubits than the simulator holds, with the memory it would take", () => {
    const e = fileError(() => parseHamiltonian('0.5 [Z0] +\n0.5 [X30]', 'big.txt'));
    expect(e.where).toMatchObject({ line: 2 });
    expect(e.message).toMatch(/31 qubits; the statevector simulator holds at most 24 \(a state of 31 qubits needs 32 GiB\)/);
    expect(fileError(() => parseHamiltonian('{"qubits": 25, "terms": [{"pauli": "Z0", "coefficient": 1}]}')).where.field).toBe('qubits');
  });

  it('a file that cannot be read', async () => {
    await expect(readHamiltonianFile('/nonexistent/h.txt')).rejects.toThrow(/invalid input file \/nonexistent\/h\.txt: cannot read the file \(ENOENT\)/);
  });
});

describe('the experiments on your Hamiltonian', () => {
  const h2: HamiltonianData = parseHamiltonian(fs.readFileSync(path.join(examples, 'h2-4q.openfermion.txt'), 'utf8'), 'h2-4q.openfermion.txt').data;
  const ising: HamiltonianData = parseHamiltonian(fs.readFileSync(path.join(examples, 'ising-6q.json'), 'utf8'), 'ising-6q.json').data;

  it('--hamiltonian is a registered input option of energy, shot-noise and optimize', () => {
    const o = listInputOptions().find((x) => x.flag === 'hamiltonian')!;
    expect(o.param).toBe('hamiltonian');
    expect([...o.experiments].sort()).toEqual(['vqe.energy', 'vqe.optimize', 'vqe.shot-noise']);
  });

  it('vqe.energy on H₂ from an OpenFermion file gives the built-in exact energy, and reaches it with UCC', async () => {
    const r = await runExperiment(energyExperiment, { hamiltonian: h2, steps: 100 }, { seed: 3 });
    expect(r.metrics.exactGroundEnergy).toBe(groundEnergy(molecule('h2-4q').hamiltonian));
    expect(r.metrics.error).toBeLessThan(1e-6);
    expect(r.verdicts.map((v) => [v.kind, v.status])).toEqual([['directional', 'agrees']]); // no published reference for a file
    expect(r.metrics.referenceGroundEnergy).toBeUndefined();
  });

  it('vqe.energy with a hardware-efficient ansatz on a 6-qubit chain; UCC is refused by name there', async () => {
    const r = await runExperiment(energyExperiment, { hamiltonian: ising, ansatz: 'hardware-efficient', steps: 20 }, { seed: 1 });
    expect(r.metrics.parameters).toBe(24);
    expect(r.metrics.exactGroundEnergy).toBeCloseTo(1 - 1 / Math.sin(Math.PI / 26), 10);
    await expect(runExperiment(energyExperiment, { hamiltonian: ising })).rejects.toThrow(/invalid ansatz: got "ucc"; expected "hardware-efficient" for a Hamiltonian of this size/);
  });

  it('vqe.shot-noise on the chain: Var Ê against N and the per-shot variance against Σ_g Var_g (within 4 SE)', async () => {
    const r = await runExperiment(shotNoiseExperiment, { hamiltonian: ising, state: 'random', grouping: 'qwc', shots: [16, 64, 256], estimates: 1000 }, { seed: 2 });
    const m = r.metrics;
    expect(Math.abs(m.exponent + 1)).toBeLessThan(4 * m.exponentSE);
    expect(Math.abs(m.perShotVariance - m.analyticPerShotVariance)).toBeLessThan(4 * m.perShotVarianceSE);
    expect(r.notes[0]).toMatch(/your Hamiltonian 'ising-6q.json' \(6 qubits, 11 terms\)/);
    await expect(runExperiment(shotNoiseExperiment, { hamiltonian: ising, state: 'hartree-fock' })).rejects.toThrow(/invalid state: got "hartree-fock"/);
  });

  it('vqe.optimize runs on the file alone, and refuses more qubits than exact diagonalisation takes', async () => {
    const r = await runExperiment(optimizeExperiment, { hamiltonian: h2, replicas: 2, totalShots: 5000, shotsPerEvaluation: 50 }, { seed: 1 });
    expect(Object.keys(r.metrics).every((k) => k.includes('.hamiltonian.'))).toBe(true);
    expect(r.verdicts).toHaveLength(1);
    expect(r.metrics['steps.hamiltonian.parameter-shift']).toBe(Math.floor(5000 / (2 * 16 * 50))); // d = 16, 2 circuits each
    const big: HamiltonianData = { qubits: 13, terms: [{ pauli: 'Z12', coefficient: 1 }] };
    await expect(runExperiment(optimizeExperiment, { hamiltonian: big })).rejects.toThrow(ParameterError);
    await expect(runExperiment(optimizeExperiment, { hamiltonian: big })).rejects.toThrow(/invalid hamiltonian\.qubits: got 13; expected an integer in \[1, 12\]/);
  });

  it('a parameter value that is not a Hamiltonian is refused by zod, naming the field', async () => {
    await expect(runExperiment(energyExperiment, { hamiltonian: { qubits: 30, terms: [{ pauli: 'Z0', coefficient: 1 }] } })).rejects.toThrow(/hamiltonian\.qubits/);
  });
});
