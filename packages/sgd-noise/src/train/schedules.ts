/** Learning-rate schedules η(step), step = 0, 1, 2, ... */
import { assertInteger, assertInRange, assertOneOf, assertPositive, ParameterError } from '@snrlab/core';

export type Schedule = (step: number) => number;

export type ScheduleSpec =
  | { kind: 'constant'; learningRate: number }
  | { kind: 'step'; learningRate: number; every: number; factor: number }
  | { kind: 'exponential'; learningRate: number; halfLife: number }
  | { kind: 'inverse-time'; learningRate: number; timeScale: number }
  | { kind: 'cosine'; learningRate: number; totalSteps: number; final?: number };

/** η constant. */
export const constant = (learningRate: number): Schedule => {
  assertPositive('learningRate', learningRate);
  return () => learningRate;
};

/** η·factor^⌊step/every⌋. */
export function stepDecay(learningRate: number, every: number, factor: number): Schedule {
  assertPositive('learningRate', learningRate);
  assertInteger('every', every, { min: 1 });
  assertInRange('factor', factor, 0, 1, { loOpen: true });
  return (t) => learningRate * Math.pow(factor, Math.floor(t / every));
}

/** η·2^(−step/halfLife). */
export function exponentialDecay(learningRate: number, halfLife: number): Schedule {
  assertPositive('learningRate', learningRate);
  assertPositive('halfLife', halfLife);
  return (t) => learningRate * Math.pow(2, -t / halfLife);
}

/** η/(1 + step/τ): the Robbins–Monro decay that makes SGD converge despite constant noise. */
export function inverseTime(learningRate: number, timeScale: number): Schedule {
  assertPositive('learningRate', learningRate);
  assertPositive('timeScale', timeScale);
  return (t) => learningRate / (1 + t / timeScale);
}

/** Cosine from η to `final` over totalSteps, then `final`. */
export function cosine(learningRate: number, totalSteps: number, final = 0): Schedule {
  assertPositive('learningRate', learningRate);
  assertInteger('totalSteps', totalSteps, { min: 1 });
  assertInRange('final', final, 0, learningRate);
  return (t) => (t >= totalSteps ? final : final + 0.5 * (learningRate - final) * (1 + Math.cos((Math.PI * t) / totalSteps)));
}

/** Linear warm-up from η(0)/steps to the schedule over `steps` steps. */
export function warmup(schedule: Schedule, steps: number): Schedule {
  assertInteger('steps', steps, { min: 1 });
  return (t) => (t < steps ? (schedule(t) * (t + 1)) / steps : schedule(t));
}

/** A schedule from a number (constant), a function or a spec. */
export function toSchedule(lr: number | Schedule | ScheduleSpec): Schedule {
  if (typeof lr === 'number') return constant(lr);
  if (typeof lr === 'function') return lr;
  if (!lr || typeof lr !== 'object') throw new ParameterError('learningRate', lr, 'a positive number, a schedule function or a schedule spec');
  assertOneOf('learningRate.kind', lr.kind, ['constant', 'step', 'exponential', 'inverse-time', 'cosine'] as const);
  switch (lr.kind) {
    case 'constant':
      return constant(lr.learningRate);
    case 'step':
      return stepDecay(lr.learningRate, lr.every, lr.factor);
    case 'exponential':
      return exponentialDecay(lr.learningRate, lr.halfLife);
    case 'inverse-time':
      return inverseTime(lr.learningRate, lr.timeScale);
    case 'cosine':
      return cosine(lr.learningRate, lr.totalSteps, lr.final);
  }
}
