/** @snrlab/gan-dynamics — this entry point has no side effects; import '@snrlab/gan-dynamics/register' to register its experiments. */
export { PACKAGE } from './package.js';
export { experiments } from './experiments/index.js';
export { bilinearExperiment, bilinearSetup, type BilinearParams } from './experiments/bilinear.js';
export { noiseDriftExperiment, geometricCheckpoints, type NoiseDriftParams } from './experiments/noise-drift.js';
export { diracExperiment, diracFor, REGULARIZATIONS, type Regularization, type DiracParams } from './experiments/dirac.js';
export { mixtureExperiment, type MixtureParams } from './experiments/mixture.js';

// games
export {
  bilinearGame,
  quadraticBilinearGame,
  linearGame,
  linearizedGame,
  isBilinear,
  diracGan,
  diracEigenvalues,
  fPrime,
  fSecond,
  parseMatrix,
  matrixRows,
  type Game,
  type DiracGanOptions,
} from './games.js';

// methods and runs
export {
  METHODS,
  METHOD_TITLES,
  DEFAULT_MOMENTUM,
  Stepper,
  oracleCalls,
  noiseBlocks,
  stateSize,
  initialState,
  validateMethod,
  type MethodName,
  type MethodOptions,
  type Oracle,
} from './methods.js';
export { NOISE_KINDS, fillNoise, fillEnsembleNoise, validateNoise, isSilent, type NoiseKind, type NoiseSpec } from './noise.js';
export {
  trajectory,
  runGameEnsemble,
  InjectedNoiseOracle,
  DIVERGENCE_RADIUS,
  type Trajectory,
  type TrajectoryOptions,
  type EnsembleRunOptions,
  type EnsembleResult,
  type Observable,
} from './run.js';
export { continuousTimeEnsemble, type ContinuousTimeOptions, type ContinuousTimeResult } from './langevin.js';

// theory
export {
  linearUpdate,
  growthFactorTheory,
  expectedSquaredRadius,
  stationarySquaredRadius,
  alternatingInvariant,
  quadraticForm,
  simultaneousGrowth,
  extragradientGrowth,
  proximalGrowth,
  optimisticGrowth,
  simultaneousMeanR2,
  alternatingMeanQ,
  alternatingDriftPerStep,
  extragradientMeanR2,
  extragradientStationaryR2,
  continuousMeanR2,
  type LinearUpdate,
  type ExpectedQuadratic,
} from './theory.js';
export { fitGrowthFactor, medianWithInterval, growthFactorVerdict, roundingBound, type GrowthFit, type GrowthBound } from './analysis.js';
export { linearGameKernel, type LinearGameKernelOptions } from './kernels.js';
export { phasePortrait, type PhaseSeries } from './figures.js';

// the mixture-of-Gaussians GAN
export {
  modeCenters,
  sampleMixture,
  ganField,
  ganLosses,
  ganDims,
  netForward,
  netSize,
  initialGanParameters,
  MixtureGanOracle,
  wasserstein1,
  modeCoverage,
  countSwings,
  type MixtureSpec,
  type GanShape,
  type MixtureTrainOptions,
  type MixtureTrainResult,
} from './mixture.js';
export { trainMixtureGan } from './mixture-train.js';

// your own game: payoff matrices from a JSON file (`--game file.json`)
export { gameSpecSchema, parseGameJSON, readGameFile, checkGameSpec, isBilinearSpec, GameShapeError, MAX_PLAYER_DIM, type GameSpec } from './game-file.js';
export { gameInput, inputOptions } from './inputs.js';
