/**
 * Helpers shared by the noise-tuning studies: verdicts on directional ("popular") claims, and
 * jackknife standard errors of training-set quantities over groups of examples.
 */
import { jackknifeSE, normalQuantile, ParameterError, verdict, type Verdict } from '@snrlab/core';
import type { Dataset } from '../data/dataset.js';
import { subset } from '../data/dataset.js';

export type ClaimStatus = 'supported' | 'contradicted' | 'inconclusive';

/** z of a one-sided 95% bound. */
const Z1 = normalQuantile(0.95);

/**
 * Where a measurement q ± se stands against a directional claim "q < threshold" ('below') or
 * "q > threshold" ('above'), with one-sided 95% bounds: supported when the bound on the far side
 * is still on the claim's side, contradicted when the near bound already crosses, else inconclusive.
 */
export function claimStatus(measured: number, se: number, direction: 'below' | 'above', threshold = 0): ClaimStatus {
  const lo = measured - Z1 * se;
  const hi = measured + Z1 * se;
  if (direction === 'below') return hi < threshold ? 'supported' : lo > threshold ? 'contradicted' : 'inconclusive';
  return lo > threshold ? 'supported' : hi < threshold ? 'contradicted' : 'inconclusive';
}

export interface DirectionalClaim {
  claim: string;
  measured: number;
  se: number;
  /** The claim says the measured quantity lies below (or above) the threshold. */
  direction: 'below' | 'above';
  threshold?: number;
  note?: string;
}

/**
 * A verdict on a directional claim with a one-sided 95% interval (the convention of
 * sgd.anisotropy): `agrees` is false exactly when the data contradict the claim. The note says
 * whether the claim is supported (the interval excludes the opposite) or only not contradicted.
 */
export function directionalVerdict(c: DirectionalClaim): Verdict {
  const t = c.threshold ?? 0;
  if (!Number.isFinite(c.se) || c.se < 0) throw new ParameterError('se', c.se, 'a finite standard error ≥ 0');
  const ci95: [number, number] = c.direction === 'below' ? [c.measured - Z1 * c.se, Number.MAX_VALUE] : [-Number.MAX_VALUE, c.measured + Z1 * c.se];
  const status = claimStatus(c.measured, c.se, c.direction, t);
  const word = status === 'supported' ? 'Supported' : status === 'contradicted' ? 'Contradicted' : 'Inconclusive (not contradicted)';
  return verdict({
    claim: c.claim,
    theory: t,
    measured: c.measured,
    ci95,
    note: `${word}: one-sided 95% bound ${c.direction === 'below' ? 'lower' : 'upper'} ${(c.direction === 'below' ? ci95[0] : ci95[1]).toPrecision(3)} against the threshold ${t}, measured ${c.measured.toPrecision(3)} ± ${c.se.toPrecision(2)}.${c.note ? ' ' + c.note : ''}`,
  });
}

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
