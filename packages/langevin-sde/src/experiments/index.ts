import type { Experiment } from '@snrlab/core';
import { baoabExperiment } from './baoab.js';
import { boltzmannExperiment } from './boltzmann.js';
import { convergenceOrderExperiment } from './convergence-order.js';
import { kramersExperiment } from './kramers.js';
import { ouExperiment } from './ou.js';
import { saddleEscapeExperiment } from './saddle-escape.js';
import { replicaAverageExperiment } from './replica-average.js';

export { baoabExperiment, boltzmannExperiment, convergenceOrderExperiment, kramersExperiment, ouExperiment, saddleEscapeExperiment, replicaAverageExperiment };

/** This package's experiments, unregistered. */
export const experiments: Experiment<any>[] = [
  ouExperiment,
  convergenceOrderExperiment,
  boltzmannExperiment,
  kramersExperiment,
  saddleEscapeExperiment,
  baoabExperiment,
  replicaAverageExperiment,
];
