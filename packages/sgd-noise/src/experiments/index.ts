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
import { diffusionMatrixExperiment } from './diffusion-matrix.js';
import { posteriorSamplingExperiment } from './posterior-sampling.js';
import { escapeMinimaExperiment } from './escape-minima.js';
import { noiseShapeExperiment } from './noise-shape.js';
import { generalizationExperiment } from './generalization.js';

/** This package's experiments, unregistered: the engine's nine, the five noise-tuning studies, the minimum-location readout, and the essay's claims of issue 16 (diffusion matrix, posterior sampling, escape from minima, noise shape, generalisation). */
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
  diffusionMatrixExperiment,
  posteriorSamplingExperiment,
  escapeMinimaExperiment,
  noiseShapeExperiment,
  generalizationExperiment,
];
