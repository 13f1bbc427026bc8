/**
 * Approximate RDME simulators for large copy numbers.
 *
 * Tau-leaping (binomial leap, in the spirit of Chatterjee et al. 2005 and Tian & Burrage 2004):
 * in a leap of length τ each of the n_i molecules of voxel i leaves with probability
 * q_i = 1 − e^{−e_i τ} (Binomial), the leavers split multinomially among decay, the jumps and the
 * outflow in proportion to their rates; voxel i gains Poisson(b_i·q_i/e_i) new molecules, the
 * births still in place at the end of the leap (this makes the fixed point of the mean exact
 * wherever neighbouring exit rates are equal; elsewhere the mean is off by O(e·τ)). Counts never
 * go negative. A molecule moves at most once per leap, so the leap keeps e_max·τ ≤ ε; within
 * that, the Cao–Gillespie–Petzold (2006) rule keeps the expected change and the sd of each count
 * over τ below max(ε·n_i, 1). ε = 0.03 by default.
 *
 * Chemical Langevin equation (Gillespie 2000), Euler–Maruyama with step dt: every channel r with
 * propensity a_r contributes a_r·dt + √(a_r·dt)·ξ_r to its stoichiometry; copy numbers are
 * real and a propensity uses max(n, 0), so a rare excursion below zero is allowed and reported.
 */
import { type Stream } from '@snrlab/core';
import { CleReplicaJS, TauLeapReplicaJS, type TauLeapOptions as TensorTauLeapOptions } from '@snrlab/tensor';
import type { RdmeModel } from './model.js';
import { checkInitial, type RdmeSimulator } from './ssa.js';

/** Leap control: `tau` (fixed leap, s) or `epsilon` (the leap rule's ε, default 0.03). */
export type TauLeapOptions = TensorTauLeapOptions;

/**
 * The tau-leaping simulator: @snrlab/tensor's `TauLeapReplicaJS`, the arithmetic of the js
 * 'rdme-tau-leap' kernel (one copy of the loop), on this package's model.
 */
export class TauLeapSimulator extends TauLeapReplicaJS implements RdmeSimulator {
  constructor(
    readonly model: RdmeModel,
    stream: Stream,
    initial?: ArrayLike<number>,
    opts: TauLeapOptions = {},
  ) {
    checkInitial(model.voxels, initial, true);
    super(model, stream, initial, opts);
  }
}

export interface CleOptions {
  /** Euler–Maruyama step (s); default 0.05/e_max, e_max the largest per-molecule exit rate. */
  dt?: number;
}

/**
 * The CLE simulator: @snrlab/tensor's `CleReplicaJS`, the arithmetic of the js 'rdme-cle' kernel
 * (one copy of the loop), on this package's model.
 */
export class ChemicalLangevinSimulator extends CleReplicaJS implements RdmeSimulator {
  constructor(
    readonly model: RdmeModel,
    stream: Stream,
    initial?: ArrayLike<number>,
    opts: CleOptions = {},
  ) {
    checkInitial(model.voxels, initial, false);
    super(model, stream, initial, opts.dt);
  }
}
