import type { Experiment } from '@snrlab/core';
import { batchVarianceExperiment } from './batch-variance.js';
import { gapAveragingExperiment } from './gap-averaging.js';
import { temperatureExperiment } from './temperature.js';
import { scalingRulesExperiment } from './scaling-rules.js';
import { saddleEscapeExperiment } from './saddle-escape.js';
import { anisotropyExperiment } from './anisotropy.js';
import { heavyTailsExperiment } from './heavy-tails.js';
import { precisionFloorExperiment } from './precision-floor.js';
import { noiseScaleExperiment } from './noise-scale.js';

/** This package's experiments, unregistered. */
export const experiments: Experiment<any>[] = [batchVarianceExperiment, gapAveragingExperiment, noiseScaleExperiment, temperatureExperiment, scalingRulesExperiment, saddleEscapeExperiment, anisotropyExperiment, heavyTailsExperiment, precisionFloorExperiment];
