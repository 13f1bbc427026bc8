// The pipeline suite on a user's own game: examples/gan/game.json (bilinear 2×2) through the
// `game` parameter, as `--game` fills it, for the two experiments that take it.
import fs from 'node:fs';
import { pipelineSuite } from '../../../../tools/testing/pipeline.js';
import { bilinearExperiment } from '../../src/experiments/bilinear.js';
import { noiseDriftExperiment } from '../../src/experiments/noise-drift.js';
import { parseGameJSON } from '../../src/game-file.js';

const file = new URL('../../../../examples/gan/game.json', import.meta.url);
const game = parseGameJSON(fs.readFileSync(file, 'utf8'), 'examples/gan/game.json');

pipelineSuite({
  testFile: import.meta.url,
  experiments: [bilinearExperiment, noiseDriftExperiment],
  reduced: {
    'gan.bilinear': { game, steps: 60, particles: 40, methods: ['simultaneous', 'alternating', 'extragradient'] },
    'gan.noise-drift': { game, steps: 60, particles: 80, sigmas: [0.2, 0.4], convergentMethods: ['extragradient', 'proximal'] },
  },
});
