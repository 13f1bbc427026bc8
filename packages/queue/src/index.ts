/** @snrlab/queue — this entry point has no side effects. */
export { PACKAGE } from './package.js';
export { parseQueueUrl, redactUrl, bullConnection, toConnection, DEFAULT_QUEUE_NAME, type RedisConnection, type ConnectionLike } from './connection.js';
export { probeRedis, QueueUnavailableError } from './probe.js';
export {
  WIRE_VERSION,
  DEFAULT_ATTEMPTS,
  DEFAULT_BACKOFF_MS,
  type WireEnvelope,
  type WirePoint,
  type TaskJobData,
  type PointsJobData,
  type QueueJobData,
  type PointResult,
  type PointsOutcome,
} from './protocol.js';
export { taskJobId, pointsJobId } from './ids.js';
export { handleJob, loadModules, RefusedJobError, RetryableJobError, type HandlerContext } from './handle.js';
export { Submitter, type SubmitterOptions, type JobSettlement, type OutgoingJob, type CollectOptions } from './submit.js';
export { QueueExecutor, SWEEP_POINT_TASK, type QueueExecutorOptions } from './executor.js';
export {
  startWorker,
  processorFile,
  DEFAULT_LOCK_DURATION_MS,
  DEFAULT_STALLED_INTERVAL_MS,
  DEFAULT_MAX_STALLED_COUNT,
  type StartWorkerOptions,
  type QueueWorker,
} from './worker.js';
export { runQueueSweep, batchSizeFor, DEFAULT_BATCH, type QueueSweepOptions, type QueueSweepSummary } from './sweep.js';
export { queueStatus, type QueueStatus } from './status.js';
