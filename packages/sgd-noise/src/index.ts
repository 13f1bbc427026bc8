/** @snrlab/sgd-noise — this entry point has no side effects; import '@snrlab/sgd-noise/register' to register its experiments. */
export { PACKAGE } from './package.js';
export { experiments } from './experiments/index.js';
// the experiments one by one, so that code that runs them gets their typed measurements
export { batchVarianceExperiment } from './experiments/batch-variance.js';
export { gapAveragingExperiment } from './experiments/gap-averaging.js';
export { noiseScaleExperiment } from './experiments/noise-scale.js';
export { temperatureExperiment } from './experiments/temperature.js';
export { scalingRulesExperiment } from './experiments/scaling-rules.js';
export { saddleEscapeExperiment } from './experiments/saddle-escape.js';
export { anisotropyExperiment } from './experiments/anisotropy.js';
export { heavyTailsExperiment } from './experiments/heavy-tails.js';
export { precisionFloorExperiment } from './experiments/precision-floor.js';
export { standardizationExperiment } from './experiments/standardization.js';
export { batchnormExperiment } from './experiments/batchnorm.js';
export { augmentationExperiment } from './experiments/augmentation.js';
export { neighborSamplingExperiment } from './experiments/neighbor-sampling.js';
export { fineTuningExperiment } from './experiments/fine-tuning.js';
export { minimumLocationExperiment } from './experiments/minimum-location.js';
export { diffusionMatrixExperiment, rotatedCovariance } from './experiments/diffusion-matrix.js';
export { posteriorSamplingExperiment } from './experiments/posterior-sampling.js';
export { escapeMinimaExperiment, kramersTime, langevinTime } from './experiments/escape-minima.js';
export { noiseShapeExperiment } from './experiments/noise-shape.js';
export { generalizationExperiment } from './experiments/generalization.js';

// networks
export * from './nn/types.js';
export { Dense, Conv, type AffineOptions, type ConvOptions, type Padding, type WeightInit } from './nn/affine.js';
export { ReLU, Tanh, Flatten, GlobalAvgPool } from './nn/elementwise.js';
export { BatchNorm, type BatchNormOptions } from './nn/batchnorm.js';
export { SquaredLoss, SoftmaxCrossEntropy, LogisticLoss } from './nn/losses.js';
export { Sequential, type Batch, type PassOptions, type PerExampleOptions, type PerExampleResult, type ParamRange } from './nn/model.js';
export * from './nn/models.js';

// data
export * from './data/dataset.js';
export * from './data/synthetic.js';
export { iris } from './data/iris.js';
export { loadCSV, loadJSON, type CsvOptions, type JsonData, type LoadOptions } from './data/loader.js';

// training
export { BatchSampler } from './train/sampler.js';
export * from './train/schedules.js';
export * from './train/clipping.js';
export { sgd, datasetLoss, type TrainOptions, type TrainResult, type GradientStatistics } from './train/sgd.js';

// measurements
export * from './measure/hessian.js';
export * from './measure/noise.js';
export * from './measure/noise-scale.js';
export * from './measure/anisotropy.js';
export * from './measure/tails.js';
export * from './measure/temperature.js';
export * from './measure/precision.js';
// the small dense matrix helpers of lyapunov.ts stay internal: core has the numerics
export { discreteLyapunov, continuousLyapunov, stationarySecondMoment, gaussianKL, axisAngle, subspaceOverlap } from './measure/lyapunov.js';
export * from './measure/subspace.js';

// noise-tuning studies
export * from './data/graph.js';
export * from './studies/claims.js';
export * from './studies/paired-noise.js';
export * from './studies/standardization.js';
export * from './studies/batchnorm.js';
export * from './studies/augment.js';
export * from './studies/neighbor-sampling.js';
export * from './studies/fine-tuning.js';
export * from './studies/minimum-location.js';

// own problems: a user's training set (CSV/JSON) and TF.js layers model, as parameters and input options
export * from './io/data-file.js';
export * from './io/tfjs-model.js';
export { Activation, Identity, InferenceBatchNorm, Pool, Subsample, pointwise, tfPadding, type Pointwise, type PoolOp } from './nn/keras-layers.js';
export { inputOptions, dataInput, modelInput, ownProblemExperiments } from './inputs.js';
