import type { ExperimentResult, PipelineExperiment } from '@snrlab/core';

export type Axis = 'variance' | 'positional' | 'temperature';

/** A measured point on one of the common, dimensionless axes. */
export interface AxisPoint {
  x: number;
  y: number;
  lo?: number;
  hi?: number;
}

/** What one experiment contributes to a figure: a series of points and its theory. */
export interface Contribution {
  axis: Axis;
  /** Legend label, e.g. "SGD: batch size B". */
  series: string;
  points: AxisPoint[];
  /** Theory on this axis: a power law y = x^slope (variance, temperature) or the constant 1 (positional). */
  theorySlope?: number;
  theoryLabel?: string;
}

export interface CompareEntry<M = any> {
  domain: string;
  /** Short label for a teacher: what the budget or knob is. */
  label: string;
  /** The experiment object: its measurements type the entry's `contribute`. */
  experiment: PipelineExperiment<any, M>;
  /** Quick settings (the default `npm start` run). */
  params: Record<string, unknown>;
  /** Heavier settings behind --full. */
  full?: Record<string, unknown>;
  /** Points on the common axes, from the typed measurements. */
  contribute(m: M, r: ExperimentResult<M>): Contribution[];
}

/** An entry, typed by its experiment's measurements. */
export function entry<M>(e: CompareEntry<M>): CompareEntry<M> {
  return e;
}

export interface CompareRun {
  entry: CompareEntry;
  result?: ExperimentResult;
  error?: string;
  contributions: Contribution[];
}
