// Fourth parameter sets: the RA/Hoxb4 preset (issue 16 part 7) on positional-error and steepness,
// and a measured profile from a file (the committed example summary: mean, SD and n per position).
import fs from 'node:fs';
import path from 'node:path';
import { pipelineSuite } from '../../../../../tools/testing/pipeline.js';
import { measuredProfileExperiment, positionalErrorExperiment, steepnessExperiment } from '../../../src/experiments/index.js';
import { parseProfile } from '../../../src/profile.js';

const summaryFile = path.resolve(__dirname, '../../../../../examples/morphogen/profile-summary.csv');

pipelineSuite({
  testFile: import.meta.url,
  experiments: [positionalErrorExperiment, steepnessExperiment, measuredProfileExperiment],
  reduced: {
    'morphogen.positional-error': { preset: 'ra-hoxb4', replicas: 200, readoutPositions: [35, 55, 125] },
    'morphogen.steepness': { preset: 'ra-hoxb4', replicas: 200, amplitudes: [300, 1000, 3000], decayLengths: [10, 16, 28, 45, 80] },
    'morphogen.measured-profile': { profile: parseProfile(fs.readFileSync(summaryFile, 'utf8'), 'profile-summary.csv'), bootstrap: 200 },
  },
});
