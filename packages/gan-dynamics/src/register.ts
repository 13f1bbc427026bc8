/** Side-effect entry point: registers this package's experiments with the shared registry. */
import { registerExperiments } from '@snrlab/core';
import { experiments } from './experiments/index.js';
import { PACKAGE } from './package.js';

registerExperiments(PACKAGE, experiments);
