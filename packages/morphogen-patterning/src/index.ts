/** @snrlab/morphogen-patterning — this entry point has no side effects; import '@snrlab/morphogen-patterning/register' to register its experiments. */
export { PACKAGE } from './package.js';
export { NEURAL_TUBE_SHH, BICOID } from './presets.js';

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
export { VoxelCorrelation, symmetricEigen } from './rdme/correlation.js';

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
  gaussHermite,
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
} from './experiments/index.js';
