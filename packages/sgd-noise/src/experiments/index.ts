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
import { standardizationExperiment } from './standardization.js';
import { batchnormExperiment } from './batchnorm.js';
import { augmentationExperiment } from './augmentation.js';
import { neighborSamplingExperiment } from './neighbor-sampling.js';
import { fineTuningExperiment } from './fine-tuning.js';
import { minimumLocationExperiment } from './minimum-location.js';

/** This package's experiments, unregistered: the engine's nine, the five noise-tuning studies and the minimum-location readout. */
export const experiments: Experiment<any>[] = [
  batchVarianceExperiment,
  gapAveragingExperiment,
  noiseScaleExperiment,
  temperatureExperiment,
  scalingRulesExperiment,
  saddleEscapeExperiment,
  anisotropyExperiment,
  heavyTailsExperiment,
  precisionFloorExperiment,
  standardizationExperiment,
  batchnormExperiment,
  augmentationExperiment,
  neighborSamplingExperiment,
  fineTuningExperiment,
  minimumLocationExperiment,
];
