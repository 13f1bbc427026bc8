/**
 * Writes the example measured profiles under examples/morphogen/ (run from this package:
 * `npx tsx scripts/make-example-profiles.ts`). They are simulated from the package's own model,
 * so their decay length and positional error are known: neural-tube SHH kinetics (λ = 19.26 µm)
 * on a zero-flux domain of 400 µm, 24 embryos whose production rate is lognormal with CV 0.3,
 * each measurement multiplied by an independent lognormal of CV 0.1, read per cell (×4.9 µm),
 * at 16 positions 0, 10, …, 150 µm; Stream.fromSeed(2024).child('example-profile').
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Stream } from '@snrlab/core';
import { formatProfileCSV, simulateProfile, type ProfileData } from '../src/profile.js';
import { NEURAL_TUBE_SHH as SHH } from '../src/presets.js';

const dir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../examples/morphogen');
const positions = Array.from({ length: 16 }, (_, i) => 10 * i);
const sim = simulateProfile(
  {
    kinetics: { p: SHH.p, k: SHH.k, D: SHH.D },
    geometry: { sourceLength: SHH.sourceLength, patterningLength: 400 },
    positions,
    embryos: 24,
    amplitudeCV: 0.3,
    measurementCV: 0.1,
    scale: SHH.cellDiameter,
  },
  Stream.fromSeed(2024).child('example-profile'),
);
// what a microscope export would hold: 4 significant digits
const replicates: ProfileData = { ...sim, replicates: sim.replicates.map((r) => r.map((v) => Number(v.toPrecision(4)))) };
const made = [
  'Simulated with @snrlab/morphogen-patterning (scripts/make-example-profiles.ts): SHH kinetics, lambda = sqrt(D/k) = 19.26 um,',
  '24 embryos with lognormal production (CV 0.3), measurement noise CV 0.1, molecules per 4.9 um cell; seed 2024.',
];
fs.mkdirSync(dir, { recursive: true });
fs.writeFileSync(path.join(dir, 'profile.csv'), formatProfileCSV(replicates, ['Measured gradient: one row per embryo, one column per position (um).', ...made]));
const P = positions.length;
const E = sim.replicates.length;
const mean = positions.map((_, j) => replicates.replicates.reduce((a, r) => a + r[j], 0) / E);
const sd = positions.map((_, j) => Math.sqrt(replicates.replicates.reduce((a, r) => a + (r[j] - mean[j]) ** 2, 0) / (E - 1)));
const summary: ProfileData = { layout: 'summary', positions, mean: mean.map((v) => Number(v.toPrecision(4))), sd: sd.map((v) => Number(v.toPrecision(4))), n: Array.from({ length: P }, () => E) };
fs.writeFileSync(path.join(dir, 'profile-summary.csv'), formatProfileCSV(summary, ['The same gradient as profile.csv, summarised: mean and SD over n embryos per position.', ...made]));
fs.writeFileSync(path.join(dir, 'profile.json'), JSON.stringify({ positions, mean: summary.mean, sd: summary.sd, n: E }, null, 1) + '\n');
console.log(`wrote ${dir}/profile.csv, profile-summary.csv, profile.json`);
