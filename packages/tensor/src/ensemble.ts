/**
 * Euler–Maruyama ensembles: N particles × d dimensions advanced `steps` times. Inline runs
 * use any backend; `runEnsembleParallel` splits the particles on block boundaries across an
 * executor's workers. Block b always draws from `stream.child(b)`, so both give the same bytes.
 */
import {
  assertInteger,
  assertPositive,
  DivergenceError,
  EnsembleNoise,
  DEFAULT_BLOCK_SIZE,
  defineTask,
  transferResult,
  ParameterError,
  Stream,
  type Executor,
  type StreamState,
} from '@snrlab/core';
import { emStepJS, emStepsJS } from './js.js';
import { defaultBackend } from './registry.js';
import { makeScratch, type Backend, type Drift } from './types.js';

export interface EnsembleOptions {
  /** Initial state, N·d particle-major; advanced in place. */
  x: Float64Array;
  n: number;
  d: number;
  drift: Drift;
  dt: number;
  steps: number;
  /** Noise amplitude per step: sigma·√dt·ξ (sigma = √(2T) for overdamped Langevin at temperature T). */
  sigma: number | Float64Array;
  stream: Stream;
  t0?: number;
  blockSize?: number;
  /** Global index of this part's first block (set by the parallel runner). */
  firstBlock?: number;
  backend?: Backend;
  /** Called after every step (e.g. to stream statistics); must not keep `x`. */
  onStep?: (step: number, t: number, x: Float64Array) => void;
}

function validate(o: EnsembleOptions): void {
  assertInteger('n', o.n, { min: 1 });
  assertInteger('d', o.d, { min: 1 });
  assertPositive('dt', o.dt);
  assertInteger('steps', o.steps, { min: 0 });
  if (o.x.length !== o.n * o.d) throw new ParameterError('x.length', o.x.length, `n·d = ${o.n * o.d}`);
  if (typeof o.sigma === 'number') assertPositive('sigma', o.sigma, { allowZero: true });
  else if (o.sigma.length !== o.d) throw new ParameterError('sigma.length', o.sigma.length, `d = ${o.d}`);
}

/** Run the ensemble in this thread. Stops with a DivergenceError naming step, time and particle. */
export function runEnsemble(o: EnsembleOptions): { x: Float64Array; t: number } {
  validate(o);
  const backend = o.backend ?? defaultBackend();
  const noise = new EnsembleNoise(o.stream, o.n, o.d, { blockSize: o.blockSize, firstBlock: o.firstBlock });
  const particle0 = (o.firstBlock ?? 0) * (o.blockSize ?? DEFAULT_BLOCK_SIZE);
  const t0 = o.t0 ?? 0;
  if (!o.onStep && backend.emSteps && typeof o.sigma === 'number' && o.drift.kind !== 'batched') {
    // nothing looks at the ensemble between steps: let the backend run all of them in its order
    const r = backend.emSteps(o.x, o.n, o.d, o.drift, { dt: o.dt, sigma: o.sigma }, o.steps, noise);
    if (r) {
      const t = t0 + r.step * o.dt;
      throw new DivergenceError(r.step, t, particle0 + Math.floor(r.index / o.d), o.x[r.index], { completedSteps: r.step - 1, t: t - o.dt });
    }
    return { x: o.x, t: t0 + o.steps * o.dt };
  }
  const scratch = makeScratch(o.n * o.d);
  let t = t0;
  for (let step = 1; step <= o.steps; step++) {
    const bad = backend.emStep(o.x, o.n, o.d, o.drift, { dt: o.dt, sigma: o.sigma, t }, noise, scratch);
    t = t0 + step * o.dt;
    if (bad >= 0) {
      throw new DivergenceError(step, t, particle0 + Math.floor(bad / o.d), o.x[bad], { completedSteps: step - 1, t: t - o.dt });
    }
    o.onStep?.(step, t, o.x);
  }
  return { x: o.x, t };
}

interface PartJob {
  x: Float64Array;
  n: number;
  d: number;
  drift: Exclude<Drift, { kind: 'batched' }>;
  dt: number;
  steps: number;
  sigma: number | Float64Array;
  stream: StreamState;
  firstBlock: number;
  blockSize: number;
  t0: number;
}

type PartResult = { x: Float64Array } | { diverged: { step: number; time: number; replica: number; value: number } };

/** One contiguous range of blocks; a task so that the pool can run it. */
export const ensemblePartTask = defineTask(import.meta.url, 'tensor/em-ensemble-part', (job: PartJob): PartResult => {
  const noise = new EnsembleNoise(Stream.restore(job.stream), job.n, job.d, { blockSize: job.blockSize, firstBlock: job.firstBlock });
  if (typeof job.sigma === 'number') {
    const r = emStepsJS(job.x, job.n, job.d, job.drift, { dt: job.dt, sigma: job.sigma }, job.steps, noise);
    // job.x is this task's own copy: move it back rather than copy it again
    if (!r) return transferResult({ x: job.x }, [job.x.buffer as ArrayBuffer]);
    const replica = job.firstBlock * job.blockSize + Math.floor(r.index / job.d);
    return { diverged: { step: r.step, time: job.t0 + r.step * job.dt, replica, value: job.x[r.index] } };
  }
  const scratch = makeScratch(job.n * job.d);
  for (let step = 1; step <= job.steps; step++) {
    const bad = emStepJS(job.x, job.n, job.d, job.drift, { dt: job.dt, sigma: job.sigma, t: job.t0 + (step - 1) * job.dt }, noise, scratch);
    if (bad >= 0) {
      return { diverged: { step, time: job.t0 + step * job.dt, replica: job.firstBlock * job.blockSize + Math.floor(bad / job.d), value: job.x[bad] } };
    }
  }
  return { x: job.x };
});

/**
 * The same computation as `runEnsemble` with the 'js' kernels, split across an executor.
 * Drifts must be data ('linear', 'double-well' or 'polynomial'), since functions cannot cross threads.
 */
export async function runEnsembleParallel(executor: Executor, o: EnsembleOptions & { parts?: number }): Promise<{ x: Float64Array; t: number }> {
  validate(o);
  if (o.drift.kind === 'batched') throw new ParameterError('drift.kind', 'batched', "'linear', 'double-well' or 'polynomial' for a parallel run");
  const bs = o.blockSize ?? DEFAULT_BLOCK_SIZE;
  const blocks = Math.ceil(o.n / bs);
  const parts = Math.max(1, Math.min(blocks, o.parts ?? executor.workers * 2));
  const perPart = Math.ceil(blocks / parts);
  const jobs: PartJob[] = [];
  const state = o.stream.state();
  for (let b0 = 0; b0 < blocks; b0 += perPart) {
    const p0 = b0 * bs;
    const p1 = Math.min(o.n, (b0 + perPart) * bs);
    jobs.push({
      x: o.x.slice(p0 * o.d, p1 * o.d),
      n: p1 - p0,
      d: o.d,
      drift: o.drift,
      dt: o.dt,
      steps: o.steps,
      sigma: o.sigma,
      stream: state,
      firstBlock: (o.firstBlock ?? 0) + b0,
      blockSize: bs,
      t0: o.t0 ?? 0,
    });
  }
  const results = await executor.map(ensemblePartTask, jobs);
  // the divergence an inline run meets first: the earliest step, then the lowest replica
  let first: Extract<PartResult, { diverged: unknown }>['diverged'] | null = null;
  for (const r of results) {
    if ('diverged' in r && (!first || r.diverged.step < first.step)) first = r.diverged;
  }
  if (first) throw new DivergenceError(first.step, first.time, first.replica, first.value, { completedSteps: first.step - 1, t: first.time - o.dt });
  let offset = 0;
  for (const r of results) {
    if ('diverged' in r) continue;
    o.x.set(r.x, offset);
    offset += r.x.length;
  }
  return { x: o.x, t: (o.t0 ?? 0) + o.steps * o.dt };
}
