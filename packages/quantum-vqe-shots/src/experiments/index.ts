import type { Experiment } from '@snrlab/core';
import { energyExperiment } from './energy.js';
import { gradientVarianceExperiment } from './gradient-variance.js';
import { optimizeExperiment } from './optimize.js';
import { optimalAngleExperiment } from './optimal-angle.js';
import { shotNoiseExperiment } from './shot-noise.js';

export { energyExperiment, shotNoiseExperiment, gradientVarianceExperiment, optimizeExperiment, optimalAngleExperiment };

/** This package's experiments, unregistered. */
export const experiments: Experiment<any>[] = [energyExperiment, shotNoiseExperiment, gradientVarianceExperiment, optimizeExperiment, optimalAngleExperiment];
