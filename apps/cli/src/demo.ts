/** The short cross-domain demo `npm start` prints: a handful of quick runs and their verdicts. */
import { runExperiment, getExperiment, type ExperimentResult, type RunOptions } from '@snrlab/core';

export interface DemoRun {
  id: string;
  params: Record<string, unknown>;
  label: string;
}

/** Quick settings of core's experiments; engines join as they register experiments. */
export const DEMO_RUNS: DemoRun[] = [
  { id: 'core.estimator-scaling', params: { noise: 'gaussian' }, label: 'mean of B Gaussian draws' },
  { id: 'core.estimator-scaling', params: { noise: 'poisson', mean: 3 }, label: 'mean of B Poisson counts' },
  { id: 'core.estimator-scaling', params: { noise: 'alpha-stable', alpha: 1.5 }, label: 'mean of B α-stable draws (α = 1.5)' },
  { id: 'core.positional-error', params: { replicas: 2000 }, label: 'threshold readout of a Poisson gradient' },
];

export async function runDemo(opts: RunOptions, onResult?: (r: ExperimentResult, run: DemoRun) => void): Promise<{ run: DemoRun; result: ExperimentResult }[]> {
  const out: { run: DemoRun; result: ExperimentResult }[] = [];
  for (const run of DEMO_RUNS) {
    if (!getExperiment(run.id)) continue;
    const result = await runExperiment(run.id, run.params, opts);
    onResult?.(result, run);
    out.push({ run, result });
  }
  return out;
}
