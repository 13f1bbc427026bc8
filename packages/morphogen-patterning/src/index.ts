/** @snrlab/morphogen-patterning — this entry point has no side effects; import '@snrlab/morphogen-patterning/register' to register its experiments. */
export { PACKAGE } from './package.js';
export { NEURAL_TUBE_SHH, BICOID, RA_HOXB4, MORPHOGEN_PRESETS, applyPreset, type MorphogenPreset } from './presets.js';

// deterministic SDD: closed forms, lattice decay length, fits
export {
  decayLength,
  latticeDecayLength,
  exponentialProfile,
  infiniteLineProfile,
  halfLineFluxProfile,
  semiInfiniteAmplitude,
  semiInfiniteProfile,
  finiteDomainProfile,
  finiteDomainSlope,
  powerLawSlope,
  fitDecayLength,
  fitExponential,
  fitExponentialLinear,
  type SourceGeometry,
  type FiniteGeometry,
  type FarBoundary,
  type DecayLengthFit,
} from './sdd.js';

// finite-volume PDE solver
export {
  createProblem,
  sddProblem1D,
  solveSteadyState,
  simulate,
  explicitStabilityLimit,
  concentrationBound,
  ReactionDiffusionStepper,
  type ProblemOptions,
  type ReactionDiffusionProblem,
  type BoundaryCondition,
  type BoundaryName,
  type SolveOptions,
  type SolveResult,
  type SolverMethod,
} from './pde.js';

// stochastic reaction–diffusion (RDME)
export { rdmeFromProblem, stationaryMean, totalProduction, exitRate, singleMoleculeGenerator, type RdmeModel } from './rdme/model.js';
export { NextSubvolumeSSA, type RdmeSimulator } from './rdme/ssa.js';
export { TauLeapSimulator, ChemicalLangevinSimulator, type TauLeapOptions, type CleOptions } from './rdme/approx.js';
export { chooseMethod, createSimulator, RDME_METHODS, SWITCH_TAU_LEAP, SWITCH_CLE, type RdmeMethod, type MethodChoice } from './rdme/method.js';
export { VoxelCorrelation } from './rdme/correlation.js';

// readout, embryo variability and positional error
export {
  bergPurcellRelativeError,
  applySensingNoise,
  snapshotReadout,
  timeAveragedReadout,
  readBoundary,
  type ReadoutMode,
  type SensingNoise,
  type BoundaryReadout,
} from './readout.js';
export {
  drawKinetics,
  boundaryPosition,
  boundaryPositionFast,
  profileOnGrid,
  propagatedBoundarySpread,
  boundaryMomentsQuadrature,
  type Kinetics,
  type KineticCV,
  type Geometry,
  type PropagatedSpread,
  type BoundaryMoments,
} from './embryo.js';
export { axisPositionalError, axisPoint, logInterpolate, type AxisPositionalErrorOptions, type AxisPoint } from './positional.js';

// experiments
export {
  experiments,
  gradientExperiment,
  rdmeStationaryExperiment,
  positionalErrorExperiment,
  steepnessExperiment,
  timeAveragingExperiment,
  embryoVariabilityExperiment,
  measuredProfileExperiment,
} from './experiments/index.js';

// a measured gradient: files, analysis, the CLI's input option
export {
  parseProfile,
  parseProfileCSV,
  parseProfileJSON,
  readProfileFile,
  readProfileFileWithFormat,
  formatProfileCSV,
  simulateProfile,
  checkProfileData,
  profileDataSchema,
  ProfileShapeError,
  MIN_POSITIONS,
  MIN_EMBRYOS,
  type ProfileData,
  type SimulateProfileOptions,
} from './profile.js';
export { analyzeProfile, localLogSlope, type ProfileAnalysis, type ProfileAnalysisOptions, type ProfilePoint, type Interval } from './profile-analysis.js';
export { syntheticProfile, type MeasuredProfileParams, type MeasuredProfileMeasurements } from './experiments/measured-profile.js';
export { profileInput, inputOptions } from './inputs.js';
