/**
 * @snrlab/core — this entry point has no side effects. Import '@snrlab/core/register' to add
 * core's experiments to the registry.
 */
export { PACKAGE } from './package.js';
export * from './errors.js';

// random
export { Stream, type StreamState, type PathLabel } from './random/stream.js';
export { EnsembleNoise, DEFAULT_BLOCK_SIZE } from './random/ensemble.js';
export { philoxBlockJS, philoxFill, philoxFillJS, philoxImplementation } from './random/philox.js';
export { writeZigguratTables } from './random/ziggurat.js';
export * as distributions from './random/distributions.js';
export {
  normal as sampleNormal,
  lognormal,
  lognormalMeanCV,
  exponential as sampleExponential,
  gamma as sampleGamma,
  chiSquare,
  studentT,
  poisson,
  binomial,
  multinomial,
  stableSymmetric,
  rademacher,
  bernoulli,
  categorical,
  sampleWithoutReplacement,
} from './random/distributions.js';
export * as random from './random/factory.js';
export type { PRNGOptions, Sampler } from './random/factory.js';
export { streamFromOptions } from './random/factory.js';

// stats
export { Moments, VectorMoments, type MomentsJSON, type VectorMomentsJSON } from './stats/moments.js';
export { Histogram, type HistogramJSON } from './stats/histogram.js';
export { quantile, quantiles, quantileSorted, median, iqr, sorted } from './stats/quantile.js';
export { ksTest, ksTest2, chiSquareTest, type TestResult } from './stats/tests.js';
export { linearFit, loglogSlope, weightedMean, proportionalFit, type LinearFit, type LogLogFit } from './stats/regression.js';
export { bootstrapCI, type BootstrapResult, type BootstrapOptions } from './stats/bootstrap.js';
export { hillEstimator, mohammadiEstimator, type TailIndexEstimate } from './stats/tail.js';
export { jackknife, jackknifeSE } from './stats/jackknife.js';
export {
  normalCdf,
  normalQuantile,
  studentTCdf,
  studentTQuantile,
  poissonCdf,
  poissonQuantile,
  chiSquareSf,
  gammaP,
  kolmogorovSf,
  zForLevel,
} from './stats/special.js';

// numerics: small dense linear algebra, quadrature, roots (pooling: weightedMean, under stats)
export {
  identity,
  transpose,
  matVec,
  matMul,
  LU,
  solveLinear,
  eigenvalues,
  spectralRadius,
  symmetricEigen,
  jacobiEigen,
  type Eigenvalues,
  type SymmetricEigen,
} from './numerics/linalg.js';
export { gaussHermite, gaussLegendre, type QuadratureRule } from './numerics/quadrature.js';
export { bisect, brent, type BrentResult } from './numerics/roots.js';

// snr
export {
  estimatorScaling,
  measureSpread,
  fitScaling,
  validateBudgets,
  finitePopulationCorrection,
  batchSE,
  type ScalingPoint,
  type ScalingResult,
  type ScalingOptions,
  type SpreadKind,
} from './snr/scaling.js';
export {
  noiseScale,
  twoBatchNoiseScale,
  TwoBatchNoiseScale,
  type NoiseScale,
  type TwoBatchResult,
  type PerExampleGradients,
} from './snr/noise-scale.js';
export {
  positionalError,
  thresholdCrossing,
  deltaMethodPositionalError,
  interpAt,
  nodeDerivative,
  type PositionalErrorOptions,
  type PositionalErrorResult,
  type CrossingRule,
} from './snr/positional-error.js';

// experiments
export * from './experiment/types.js';
export {
  verdict,
  intervalAgrees,
  familyInterval,
  simultaneousVerdicts,
  ksCritical,
  ksVerdict,
  claimStatus,
  directionalVerdict,
  equivalenceVerdict,
  checkVerdict,
  reassess,
  intervalText,
  MAX_ALLOWANCE_FRACTION,
  type EquivalenceClaim,
  type VerdictInput,
  type ClaimStatus,
  type DirectionalClaim,
} from './experiment/verdict.js';
export {
  describeParams,
  parseParams,
  coerceParams,
  defaultParams,
  paramsJSONSchema,
  renamedParams,
  onDeprecation,
  type DeprecationHandler,
  allowedText,
  type ParamDescription,
  type JsonSchemaProperty,
} from './experiment/params.js';
export {
  defineExperiment,
  registerExperiments,
  listExperiments,
  getExperiment,
  suggestExperiments,
  UnknownExperimentError,
} from './experiment/registry.js';
export { runExperiment, rerunManifest, resolveExperiment, gitCommit, flattenMetrics, DEFAULT_SEED, type RunOptions, type ProgressEvent, type InputRecord } from './experiment/run.js';
export {
  defineExperimentTask,
  defineStage,
  anyNumber,
  runEnvelope,
  pipelineTask,
  serializeError,
  deserializeError,
  isSubExperimentStage,
  type PipelineJob,
  type TaskContext,
  type TaskBody,
  type ExperimentTask,
  type ReduceInfo,
  type Prior,
  type Stage,
  type SubExperimentStage,
  type AnyStage,
  type Presentation,
  type PipelineExperiment,
  type SingleStageDefinition,
  type MultiStageDefinition,
  type ExperimentDefinition,
  type MeasurementsOf,
  type TaskEnvelope,
  type TaskOutcome,
  type SerializedError,
} from './experiment/pipeline.js';
export { xyFigure, curve, VEGA_LITE_SCHEMA, type XYFigureInput, type XYPoint, type XYLine, type AxisSpec } from './experiment/figures.js';
export { experiments as coreExperiments, estimatorScalingExperiment, positionalErrorExperiment } from './experiments/index.js';

export { registerInputOptions, listInputOptions, type InputOption, type LoadedInput } from './experiment/inputs.js';

// executors
export type { Executor, MapOptions, Settled, SettledOptions } from './executors/types.js';
export { errorText, mapViaSettled } from './executors/types.js';
export { defineTask, lookupTask, resolveTask, transferResult, type TaskRef, type TaskFn } from './executors/tasks.js';
export { InlineExecutor, inlineExecutor } from './executors/inline.js';
export { WorkerPool, WorkerCrashError, workerEntry, type WorkerPoolOptions } from './executors/pool.js';

export { z } from 'zod';
