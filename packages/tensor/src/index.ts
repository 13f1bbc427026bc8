/**
 * @snrlab/tensor — array backends behind one interface. No side effects: backends are
 * created when first asked for (`selectBackend`, `getBackend`, `detectBackends`).
 */
export { PACKAGE } from './package.js';
export type { Backend, BackendName, ClosedFormDrift, Divergence, Drift, EMStepParams, StepScratch } from './types.js';
export { makeScratch } from './types.js';
export { createJsBackend, emStepJS, emStepsJS, driftInto, matmulJS } from './js.js';
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
