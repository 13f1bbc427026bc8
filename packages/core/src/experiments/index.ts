import { estimatorScalingExperiment } from './estimator-scaling.js';
import { positionalErrorExperiment } from './positional-error.js';

export { estimatorScalingExperiment, positionalErrorExperiment };
export { spreadFor, theoryExponent, noiseKinds } from './estimator-scaling.js';
export { positionalErrorModel } from './positional-error.js';

/** Core's own experiments, unregistered (import '@snrlab/core/register' to register them). */
export const experiments = [estimatorScalingExperiment, positionalErrorExperiment];
