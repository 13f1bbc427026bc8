/**
 * Helpers shared by the noise-tuning studies: verdicts on directional ("popular") claims, and
 * jackknife standard errors of training-set quantities over groups of examples.
 */
import { jackknifeSE, ParameterError } from '@snrlab/core';
import type { Dataset } from '../data/dataset.js';
import { subset } from '../data/dataset.js';


/**
 * Leave-one-group-out jackknife over the examples of a dataset: the examples are cut into
 * `groups` contiguous groups (the datasets are iid, so contiguous is as good as random); the
 * statistic, a vector of numbers, is recomputed without each group. Returns the full-data values
 * and their jackknife standard errors (core's jackknifeSE).
 */
export function jackknifeExamples(data: Dataset, groups: number, statistic: (d: Dataset) => number[]): { values: number[]; se: number[] } {
  if (!Number.isInteger(groups) || groups < 2 || groups > data.n) throw new ParameterError('groups', groups, `an integer in [2, ${data.n}] (the examples)`);
  const values = statistic(data);
  const loo: number[][] = values.map(() => []);
  for (let g = 0; g < groups; g++) {
    const a = Math.floor((g * data.n) / groups);
    const b = Math.floor(((g + 1) * data.n) / groups);
    const keep = new Int32Array(data.n - (b - a));
    let k = 0;
    for (let i = 0; i < data.n; i++) if (i < a || i >= b) keep[k++] = i;
    const v = statistic(subset(data, keep));
    v.forEach((x, j) => loo[j].push(x));
  }
  return { values, se: loo.map((l) => jackknifeSE(l)) };
}

/** log10(a/b) and the SE of the log ratio from the SEs of a and b (treated as independent). */
export function log10Ratio(a: number, aSE: number, b: number, bSE: number): { value: number; se: number } {
  return { value: Math.log10(a / b), se: Math.sqrt((aSE / a) ** 2 + (bSE / b) ** 2) / Math.LN10 };
}
