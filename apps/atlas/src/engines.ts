/**
 * The experiments the atlas runs: the engines' own experiment objects (their built packages, the
 * code the CLI runs). Importing them also registers their tasks in this thread.
 */
import { coreExperiments, type PipelineExperiment } from '@snrlab/core';
import { experiments as sgd } from '@snrlab/sgd-noise';
import { experiments as langevin } from '@snrlab/langevin-sde';
import { experiments as morphogen } from '@snrlab/morphogen-patterning';
import { experiments as vqe } from '@snrlab/quantum-vqe-shots';
import { experiments as gan } from '@snrlab/gan-dynamics';

const all = [...coreExperiments, ...sgd, ...langevin, ...morphogen, ...vqe, ...gan] as unknown as PipelineExperiment[];

export const experimentsById: ReadonlyMap<string, PipelineExperiment> = new Map(all.map((e) => [e.id, e]));

/** An experiment by id; throws if it is missing or not (yet) a pipeline experiment. */
export function experiment(id: string): PipelineExperiment {
  const e = experimentsById.get(id);
  if (!e) throw new Error(`unknown experiment ${id}`);
  if (!('stages' in e) || !e.stages) throw new Error(`experiment ${id} is not a pipeline experiment yet`);
  return e;
}
