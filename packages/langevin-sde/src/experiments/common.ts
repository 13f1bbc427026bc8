/** Helpers shared by this package's experiments. */
import { Moments, ParameterError, type MomentsJSON } from '@snrlab/core';
import { getBackend, type Backend } from '@snrlab/tensor';
import type { FirstPassageResult } from '../first-passage.js';

export { simultaneousVerdicts, ksVerdict, jackknifeSE } from '@snrlab/core';

/** Split N replicas into jobs of `chunk` replicas (a multiple of the block size): [firstBlock, replicas]. */
export function replicaJobs(N: number, chunk: number, blockSize: number): { firstBlock: number; replicas: number }[] {
  if (chunk % blockSize !== 0) throw new ParameterError('chunk', chunk, `a multiple of the block size ${blockSize}`);
  const out: { firstBlock: number; replicas: number }[] = [];
  for (let start = 0; start < N; start += chunk) out.push({ firstBlock: start / blockSize, replicas: Math.min(chunk, N - start) });
  return out;
}

export const fmt = (v: number, digits = 4) => (Number.isFinite(v) ? Number(v.toPrecision(digits)) : v);

/** The backend a task should use: undefined for the default 'js', else the named one. */
export async function taskBackend(name: string | undefined): Promise<Backend | undefined> {
  return !name || name === 'js' ? undefined : getBackend(name);
}

/** A first-passage result as a plain, mergeable partial (moments only; no per-replica times). */
export interface FirstPassagePartial {
  replicas: number;
  bridge: boolean;
  corrected: MomentsJSON | null;
  uncorrected: MomentsJSON;
}

export function firstPassagePartial(r: FirstPassageResult): FirstPassagePartial {
  return { replicas: r.replicas, bridge: r.bridge, corrected: r.corrected ? r.corrected.toJSON() : null, uncorrected: r.uncorrected.toJSON() };
}

/** Summary of merged parts, as `mergeFirstPassage` computes it (same merge order, same bytes). */
export interface FirstPassageSummary {
  replicas: number;
  exited: number;
  censored: number;
  mean: number;
  se: number;
  bridge: boolean;
  uncorrectedMean: number;
  uncorrectedSE: number;
}

export function mergeFirstPassagePartials(parts: readonly FirstPassagePartial[]): FirstPassageSummary {
  const bridge = parts.length > 0 && parts[0].bridge;
  const uncorrected = new Moments();
  const corrected = bridge ? new Moments() : null;
  let replicas = 0;
  for (const p of parts) {
    uncorrected.merge(p.uncorrected);
    if (corrected && p.corrected) corrected.merge(p.corrected);
    replicas += p.replicas;
  }
  const primary = corrected ?? uncorrected;
  return {
    replicas,
    exited: primary.n,
    censored: replicas - primary.n,
    mean: primary.n > 0 ? primary.mean : NaN,
    se: primary.n > 1 ? primary.sem : NaN,
    bridge,
    uncorrectedMean: uncorrected.mean,
    uncorrectedSE: uncorrected.sem,
  };
}
