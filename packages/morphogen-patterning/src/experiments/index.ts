import type { Experiment } from '@snrlab/core';
import { gradientExperiment } from './gradient.js';
import { rdmeStationaryExperiment } from './rdme-stationary.js';
import { positionalErrorExperiment } from './positional-error.js';
import { steepnessExperiment } from './steepness.js';
import { timeAveragingExperiment } from './time-averaging.js';
import { embryoVariabilityExperiment } from './embryo-variability.js';
import { measuredProfileExperiment } from './measured-profile.js';

/** This package's experiments, unregistered. */
export const experiments: Experiment<any>[] = [gradientExperiment, rdmeStationaryExperiment, positionalErrorExperiment, steepnessExperiment, timeAveragingExperiment, embryoVariabilityExperiment, measuredProfileExperiment];
export { gradientExperiment, rdmeStationaryExperiment, positionalErrorExperiment, steepnessExperiment, timeAveragingExperiment, embryoVariabilityExperiment, measuredProfileExperiment };
