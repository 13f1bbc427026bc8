// Writes the example Hamiltonian files of examples/vqe/ from the built-in problems (npx tsx scripts/make-example-hamiltonians.ts).
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { formatHamiltonian } from '../src/hamiltonian-file.js';
import { molecule, transverseFieldIsing } from '../src/molecules.js';

const dir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../examples/vqe');
const write = (name: string, text: string) => fs.writeFileSync(path.join(dir, name), text);
const h4 = molecule('h2-4q').hamiltonian;
write('h2-4q.openfermion.txt', formatHamiltonian(h4, 'openfermion'));
write('h2-4q.qiskit.json', formatHamiltonian(h4, 'qiskit'));
const lih = molecule('lih-4q').hamiltonian;
write('lih-4q.sparsepauliop.json', JSON.stringify({ labels: lih.terms.map((t) => lih.label(t, 'little-endian')), coeffs: lih.terms.map((t) => t.coefficient) }, null, 1) + '\n');
write('ising-6q.json', formatHamiltonian(transverseFieldIsing(6, 1), 'json'));
