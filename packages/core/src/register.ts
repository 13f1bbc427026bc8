/** Side-effect entry point: registers core's experiments with the shared registry. */
import { registerExperiments } from './experiment/registry.js';
import { experiments } from './experiments/index.js';
import { PACKAGE } from './package.js';

registerExperiments(PACKAGE, experiments);
