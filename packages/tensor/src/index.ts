/**
 * @snrlab/tensor — array backends behind one interface. No side effects: backends are
 * created when first asked for (`selectBackend`, `getBackend`, `detectBackends`).
 */
export { PACKAGE } from './package.js';
export type { Backend, BackendName, ClosedFormDrift, Divergence, Drift, EMStepParams, StepScratch } from './types.js';
export { makeScratch } from './types.js';
export { createJsBackend, emStepJS, emStepsJS, driftInto, matmulJS } from './js.js';
export { emStepsOnStream, fusedEMImplementation } from './fused-em.js';
export { createTfjsBackend, loadTfjs, TFJS_BACKENDS, type TfjsBackendName } from './tfjs.js';
export {
  registerBackend,
  backendNames,
  getBackend,
  detectBackends,
  selectBackend,
  defaultBackend,
  backendOf,
  BackendUnavailableError,
  type BackendEntry,
  type DetectionRow,
} from './registry.js';
export { runEnsemble, runEnsembleParallel, ensemblePartTask, type EnsembleOptions } from './ensemble.js';
export { contiguous, zeros } from './nd.js';
export {
  registerKernel,
  unregisterKernel,
  getKernel,
  hasKernel,
  kernelBackends,
  selectKernel,
  runKernel,
  listKernels,
  toleranceOf,
  addAutoCandidate,
  KernelRegistrationError,
  KernelUnavailableError,
  type Tolerance,
  type KernelDef,
  type KernelRow,
  type KernelName,
  type KernelArgs,
  type KernelResult,
  type KernelLookup,
  type AutoCandidate,
} from './kernels.js';
export type {
  KernelTypes,
  KernelDrift,
  PolynomialPotential,
  StreamLike,
  EnsembleEMArgs,
  EnsembleResult,
  BAOABArgs,
  GameMethod,
  GameStepArgs,
  DenseLayer,
  MLPNormsArgs,
  MLPNormsResult,
  PhiloxWordsArgs,
  NormalsArgs,
  StatevectorGate,
  StatevectorLayerArgs,
  ShotSampleArgs,
} from './kernel-types.js';
export { ensembleEMJS, baoabJS, gameStepJS, perExampleNormsJS, mlpPerExampleNormsJS, philoxWordsJS, normalsJS, derivativeHorner, hornerAt } from './js-kernels.js';
export { streamWords, childWords, boxMuller4, TAG_INDEX, type StreamWords } from './streams.js';
export { acquireWebGPU, webgpuAdapterReport, adapterReport, describeAdapter, SWIFTSHADER_ICDS, type AdapterReport, type WebGPUContext } from './webgpu/device.js';
export { createWebGPUBackend, type WebGPUBackend } from './webgpu/backend.js';
export { prepareMLPNormsWebGPU, philoxBlocksWebGPU, STEPS_PER_DISPATCH, SV_GATE_ABS, type MLPOnDevice } from './webgpu/kernels.js';
export { prepareStatevectorWebGPU, type StatevectorOnDevice } from './webgpu/statevector.js';
export { statevectorLayerJS, shotSampleJS, shotThresholds, outcomeOf, gateMatrix, MAX_STATEVECTOR_QUBITS, svMatrix1, svRealRotation, svRotatePair, svRx, svDiagonal1, svHadamard, svPauliX, svPauliY, svCnot, svCz, svSwap } from './statevector.js';
export { rdmeCleJS, RdmeReplicaJS, CleReplicaJS, RdmeWindow, observeRdmeReplica, type RdmeReplica, checkRdmeGrid, checkRdmeCle, cleDefaultDt, maxExitRate, CLE_NORMALS_PER_VOXEL, type RdmeGrid, type RdmeRunArgs, type RdmeMoments, type RdmeRun, type RdmeCleArgs, type RdmeCleResult, type CleRun } from './rdme-kernels.js';
export { rdmeTauLeapJS, TauLeapReplicaJS, checkRdmeTauLeap, TAU_LEAP_EPSILON, type TauLeapOptions, type RdmeTauLeapArgs, type RdmeTauLeapResult, type TauLeapRun } from './rdme-kernels.js';
export { rdmeTauLeapWebGPU, tauLeapFloat32Bias, tauLeapDrawBias, TAU_LEAP_SEGMENT_LEAPS, TAU_LEAP_MAX_COUNT, RDME_TAU_LEAP_WEBGPU_TOLERANCE, WGSL_SAMPLERS } from './webgpu/rdme.js';
export { rdmeCleWebGPU, cleSchedule, cleFloat32Bias, CLE_SEGMENT_STEPS, RDME_CLE_WEBGPU_TOLERANCE, type CleSegment } from './webgpu/rdme.js';
