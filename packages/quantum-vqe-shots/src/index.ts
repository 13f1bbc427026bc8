/** @snrlab/quantum-vqe-shots — this entry point has no side effects; import '@snrlab/quantum-vqe-shots/register' to register its experiments. */
export { PACKAGE } from './package.js';
export { experiments, energyExperiment, shotNoiseExperiment, gradientVarianceExperiment, optimizeExperiment, optimalAngleExperiment } from './experiments/index.js';

// simulator
export { StateVector, occupationIndex, bitstring } from './simulator/state.js';
export * as gates from './simulator/gates.js';
export { MAX_QUBITS, DESIGN_QUBITS, stateBytes, formatBytes, assertQubits } from './simulator/limits.js';
export { Circuit, GATE_NAMES, shiftRuleOf, type GateName, type Operation, type AngleInput, type ShiftRule, type CircuitOptions } from './circuit.js';

// Hamiltonians
export {
  PauliSum,
  pauliExpectation,
  pauliLetter,
  parity,
  popcount,
  WIRE_ORDERS,
  type PauliTerm,
  type WireOrder,
  type ParseOptions,
  type CoefficientInput,
} from './pauli.js';
export { groundState, groundEnergy, spectrum, MAX_EXACT_QUBITS, DENSE_QUBITS, type GroundState, type ExactOptions, type ExactMethod } from './exact.js';
export {
  parseHamiltonian,
  readHamiltonianFile,
  formatHamiltonian,
  hamiltonianFromData,
  hamiltonianToData,
  hamiltonianDataSchema,
  HAMILTONIAN_FORMATS,
  type HamiltonianData,
  type HamiltonianFormat,
} from './hamiltonian-file.js';
export { hamiltonianInput, inputOptions } from './inputs.js';
export { molecule, transverseFieldIsing, ghzChain, MOLECULE_IDS, H2_NUCLEAR_REPULSION, type Molecule, type MoleculeId } from './molecules.js';

// measurement
export {
  ShotEstimator,
  groupTerms,
  allocateShots,
  sampleCounts,
  qubitWiseCommute,
  GROUPINGS,
  ALLOCATIONS,
  type Grouping,
  type Allocation,
  type MeasurementGroup,
  type EnergyEstimate,
  type EstimatorOptions,
  type PreparedMeasurement,
} from './measurement.js';

// ansätze, gradients, optimisers
export { hardwareEfficient, hardwareEfficientParams, ucc, type HardwareEfficientOptions, type UccOptions } from './ansatz.js';
export {
  parameterShift,
  spsaGradient,
  finiteDifference,
  gradientTransform,
  shotsPerTape,
  GRADIENT_METHODS,
  type GradientMethod,
  type GradientTransform,
  type Tape,
  type BudgetOptions,
  type TransformOptions,
} from './gradients.js';
export { VQEProblem, type GradientResult } from './problem.js';
export {
  gradientDescent,
  spsa,
  calibrateSpsa,
  spsaLearningRate,
  spsaPerturbation,
  SPSA_ALPHA,
  SPSA_GAMMA,
  type OptimizeResult,
  type OptimizeTrace,
  type GradientDescentOptions,
  type SpsaOptions,
  type SpsaGains,
  type CalibrationResult,
} from './optimizers.js';
