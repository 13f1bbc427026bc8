import type { Experiment } from '@snrlab/core';
import { bilinearExperiment } from './bilinear.js';
import { diracExperiment } from './dirac.js';
import { mixtureExperiment } from './mixture.js';
import { noiseDriftExperiment } from './noise-drift.js';

/** This package's experiments, unregistered. */
export const experiments: Experiment<any>[] = [bilinearExperiment, noiseDriftExperiment, diracExperiment, mixtureExperiment];
