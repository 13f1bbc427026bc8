/**
 * Shared pipeline pieces: the checks of a named training set and model before any task runs, and
 * a first stage "training set + model + warm start" whose output later stages rebuild from.
 */
import { defineExperimentTask, defineStage, Stream, type StreamState } from '@snrlab/core';
import type { Dataset } from '../data/dataset.js';
import type { ModelName } from '../nn/models.js';
import type { Sequential } from '../nn/model.js';
import { gradientNoise } from '../measure/noise.js';
import { makeDataset, makeModel, makeOwnSetup, warmStart, type DatasetName, type OwnProblem } from './common.js';

/** A named training set and model, as the parameters give them. */
export interface SetupSpec {
  dataset: DatasetName;
  datasetSize: number;
  dim: number;
  model: ModelName;
  /** Options of `makeDataset` (label noise and condition number of the linear teacher). */
  options?: { labelNoise?: number; conditionNumber?: number };
  /** The user's training set and/or network (`data`, `network`), which replace the named ones. */
  own?: OwnProblem;
}

/**
 * Refuses a model that does not fit the training set (naming `model`) without drawing the set:
 * the shape, task and name of a set do not depend on its size, so a one-example probe is checked.
 * `sizeChecks` runs before the model check with the size the set will have (iris has 150 whatever
 * `datasetSize` says), which is returned.
 */
export function checkSetup(s: SetupSpec, sizeChecks?: (n: number) => void): number {
  if (s.own) {
    const { data } = makeOwnSetup(s.own, () => makeDataset(s.dataset, s.datasetSize, s.dim, Stream.fromSeed(0), s.options), s.model);
    sizeChecks?.(data.n);
    return data.n;
  }
  const probe = makeDataset(s.dataset, 1, s.dim, Stream.fromSeed(0), s.options);
  const n = s.dataset === 'iris' ? probe.n : s.datasetSize;
  sizeChecks?.(n);
  makeModel(s.model, probe);
  return n;
}

/** The training set from its stream state, and the model for it. */
export function rebuildSetup(s: SetupSpec, data: StreamState): { data: Dataset; model: Sequential; theta?: Float64Array } {
  if (s.own) return makeOwnSetup(s.own, () => makeDataset(s.dataset, s.datasetSize, s.dim, Stream.restore(data), s.options), s.model);
  const d = makeDataset(s.dataset, s.datasetSize, s.dim, Stream.restore(data), s.options);
  return { data: d, model: makeModel(s.model, d) };
}

interface WarmStartJob {
  path: [];
  spec: SetupSpec;
  warmupSteps: number;
  /** Also measure the per-example gradient noise of the whole set at the warm point. */
  noise: boolean;
}

/** What later stages read: the set's stream state (to rebuild it), the warm point, and names. */
export interface WarmStart {
  spec: SetupSpec;
  data: StreamState;
  n: number;
  dataName: string;
  modelName: string;
  paramCount: number;
  theta: number[];
  /** trΣ_pop and B_simple at θ from all per-example gradients (when asked for). */
  noise?: { trSigmaPop: number; bSimple: number };
}

/** The set from `child('data')`, the model, and `warmStart` on `child('warm')` of the root stream. */
export const warmStartTask = defineExperimentTask(import.meta.url, 'sgd/warm-start', (job: WarmStartJob, { stream }): WarmStart => {
  const dataState = stream.child('data').state();
  const { data, model, theta: own } = rebuildSetup(job.spec, dataState);
  // a user's network is measured at its own weights
  const theta = own ?? warmStart(model, data, job.warmupSteps, stream.child('warm'));
  const out: WarmStart = { spec: job.spec, data: dataState, n: data.n, dataName: data.name, modelName: model.name, paramCount: model.paramCount, theta: Array.from(theta) };
  if (job.noise) {
    const g = gradientNoise(model, theta, data);
    out.noise = { trSigmaPop: g.trSigmaPop, bSimple: g.bSimple };
  }
  return out;
});

/** A first stage: one task on the root stream, the same draws as the old sequential setup. */
export function warmStartStage<P>(name: string, job: (p: P) => Omit<WarmStartJob, 'path'>) {
  return defineStage({
    name,
    plan: (p: P) => [{ path: [], ...job(p) } as WarmStartJob],
    task: warmStartTask,
    reduce: ([w]: WarmStart[]) => w,
  });
}
