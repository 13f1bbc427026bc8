import type { ExperimentResult, Verdict } from '@snrlab/core';

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

export interface CompareEntry {
  domain: string;
  /** Short label for a teacher: what the budget or knob is. */
  label: string;
  experiment: string;
  /** Quick settings (the default `npm start` run). */
  params: Record<string, unknown>;
  /** Heavier settings behind --full. */
  full?: Record<string, unknown>;
  /** Points on the common axes, from the result. */
  contribute(r: ExperimentResult): Contribution[];
  /** The verdicts to show in the table (default: all). */
  verdicts?(r: ExperimentResult): Verdict[];
}

export interface CompareRun {
  entry: CompareEntry;
  result?: ExperimentResult;
  error?: string;
  contributions: Contribution[];
}
