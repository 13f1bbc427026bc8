/**
 * Deterministic job ids: the same work always gets the same id, so resubmitting a sweep or a run
 * (after a crash, or twice by mistake) never queues it twice; BullMQ ignores an add whose id
 * exists.
 */
import { createHash } from 'node:crypto';
import { canonicalJSON } from '@snrlab/sweep';
import type { WireEnvelope, WirePoint } from './protocol.js';

function digest(v: unknown): string {
  return createHash('sha256').update(canonicalJSON(v)).digest('hex').slice(0, 40);
}

/**
 * A pipeline task's id: experiment (root), task name, backend, seed, the canonical job JSON (which
 * holds its stream path and parameters) and its index in the stage.
 */
export function taskJobId(env: WireEnvelope, index: number): string {
  return `t-${digest(['task', env.root, env.name, env.backend, env.seed, env.job, index])}`;
}

/**
 * A batch of sweep points' id: the experiment, and each point's index, canonical parameters and
 * seed (the seed itself encodes the sweep's root seed, the parameters and the replica).
 */
export function pointsJobId(experiment: string, points: readonly WirePoint[]): string {
  return `s-${digest(['points', experiment, points.map((p) => [p.index, canonicalJSON(p.params), p.seed])])}`;
}
