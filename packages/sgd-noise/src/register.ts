/** Side-effect entry point: registers this package's experiments and input options with the shared registry. */
import { registerExperiments, registerInputOptions } from '@snrlab/core';
import { experiments } from './experiments/index.js';
import { inputOptions } from './inputs.js';
import { PACKAGE } from './package.js';

registerExperiments(PACKAGE, experiments);
registerInputOptions(inputOptions);
