/**
 * Choosing the simulator. The exact SSA is always correct; tau-leaping and the CLE trade
 * exactness for speed when copy numbers are large. The switch criterion, applied to the smallest
 * stationary mean copy number n_min over the voxels:
 *
 *   n_min < 100            → SSA. A leap moves each molecule with probability ≤ ε = 0.03, so it
 *                            holds about 2εn ≈ 0.06·n events per voxel: a handful below n ≈ 100,
 *                            where leaping saves nothing over exact events.
 *   100 ≤ n_min < 1000     → tau-leaping (binomial leaps keep counts integer and non-negative).
 *   n_min ≥ 1000           → CLE: every channel fires many times per step and the Poisson counts
 *                            are close to Gaussian (skewness 1/√n ≤ 0.03).
 *
 * Morphogen gradients decay exponentially, so far from the source n_min is small and 'auto'
 * nearly always picks the SSA; the approximate methods are for bulk, high-copy problems.
 */
import { ParameterError, type Stream } from '@snrlab/core';
import { stationaryMean, type RdmeModel } from './model.js';
import { NextSubvolumeSSA, type RdmeSimulator } from './ssa.js';
import { ChemicalLangevinSimulator, TauLeapSimulator, type CleOptions, type TauLeapOptions } from './approx.js';

export type RdmeMethod = 'ssa' | 'tau-leap' | 'cle';
export const RDME_METHODS = ['ssa', 'tau-leap', 'cle'] as const;

/** Thresholds of the switch criterion on the smallest mean copy number. */
export const SWITCH_TAU_LEAP = 100;
export const SWITCH_CLE = 1000;

export interface MethodChoice {
  method: RdmeMethod;
  minMeanCount: number;
  reason: string;
}

export function chooseMethod(m: RdmeModel, mean: ArrayLike<number> = stationaryMean(m)): MethodChoice {
  let nMin = Infinity;
  for (let i = 0; i < mean.length; i++) nMin = Math.min(nMin, mean[i]);
  if (nMin < SWITCH_TAU_LEAP) {
    return { method: 'ssa', minMeanCount: nMin, reason: `smallest mean copy number ${nMin.toPrecision(3)} < ${SWITCH_TAU_LEAP}: leaps would hold only a few events per voxel` };
  }
  if (nMin < SWITCH_CLE) {
    return { method: 'tau-leap', minMeanCount: nMin, reason: `${SWITCH_TAU_LEAP} ≤ smallest mean copy number ${nMin.toPrecision(3)} < ${SWITCH_CLE}` };
  }
  return { method: 'cle', minMeanCount: nMin, reason: `smallest mean copy number ${nMin.toPrecision(3)} ≥ ${SWITCH_CLE}: Gaussian increments are accurate` };
}

/** A simulator of the given method (or the one `chooseMethod` picks for 'auto'). */
export function createSimulator(
  m: RdmeModel,
  method: RdmeMethod | 'auto',
  stream: Stream,
  initial?: ArrayLike<number>,
  opts: TauLeapOptions & CleOptions = {},
): RdmeSimulator {
  const chosen = method === 'auto' ? chooseMethod(m).method : method;
  switch (chosen) {
    case 'ssa':
      return new NextSubvolumeSSA(m, stream, initial);
    case 'tau-leap':
      return new TauLeapSimulator(m, stream, initial, { tau: opts.tau, epsilon: opts.epsilon });
    case 'cle':
      return new ChemicalLangevinSimulator(m, stream, initial, { dt: opts.dt });
    default:
      throw new ParameterError('method', method, 'one of "ssa", "tau-leap", "cle", "auto"');
  }
}
