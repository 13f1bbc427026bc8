/** @snrlab/sweep — parameter sweeps that survive crashes. No side effects. */
export { PACKAGE } from './package.js';
export {
  canonicalJSON,
  checkSpec,
  countJobs,
  expandSweep,
  parseSweepText,
  SweepSpecError,
  CONFIRM_POINTS,
  type SweepSpec,
  type SweepPoint,
} from './spec.js';
export { ResultsStore, type PointRow } from './store.js';
export { runSweep, loadSweepFile, sweepPointTask, type SweepOptions, type SweepSummary } from './run.js';
export { readResults, resultsToJSON, resultsToCSV, type ExportOptions } from './export.js';
