/**
 * The BullMQ sandboxed processor: one child process per concurrent job slot, reused across jobs.
 * It imports the registering modules its worker was started with (passed by the worker in
 * SNRLAB_QUEUE_MODULES, never taken from a job) and runs each job with `handleJob`. CPU-bound
 * tasks run here, so the worker's main process keeps renewing job locks on time.
 */
import { UnrecoverableError, type SandboxedJob } from 'bullmq';
import { handleJob, loadModules, RefusedJobError } from './handle.js';

/** Environment variable that carries the worker's module list (JSON array) to its processors. */
export const MODULES_ENV = 'SNRLAB_QUEUE_MODULES';

const ready = loadModules(JSON.parse(process.env[MODULES_ENV] ?? '[]') as string[]);
ready.catch(() => {});

// If the worker process dies (SIGKILL, a lost machine), stop: the job's lock expires and
// another worker takes it over; a lone orphan would only burn CPU for nothing.
process.on('disconnect', () => process.exit(1));

export default async function processor(job: SandboxedJob, _token?: string, signal?: AbortSignal): Promise<unknown> {
  await ready;
  try {
    return await handleJob(job.data, {
      attemptsMade: job.attemptsMade ?? 0,
      attempts: job.opts?.attempts ?? 1,
      progress: job.progress,
      saveProgress: (p) => job.updateProgress(p as object),
      signal,
    });
  } catch (e) {
    if (e instanceof RefusedJobError) throw new UnrecoverableError(e.message);
    throw e;
  }
}
