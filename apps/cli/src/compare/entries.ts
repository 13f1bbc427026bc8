/**
 * The curated cross-domain comparison: which experiments run, at which settings, and how each
 * lands on the three common axes. Quick settings keep `npm start` under three minutes on two
 * cores; `--full` uses the heavier ones.
 */
import type { ExperimentResult, Table } from '@snrlab/core';
import type { AxisPoint, CompareEntry, Contribution } from './types.js';

export function tableOf(r: ExperimentResult, name: string): Table {
  const t = r.tables.find((x) => x.name === name);
  if (!t) throw new Error(`${r.id} returned no table '${name}' (tables: ${r.tables.map((x) => x.name).join(', ')})`);
  return t;
}

/** Column `name` of a table as numbers. */
export function column(t: Table, name: string): number[] {
  const i = t.columns.indexOf(name);
  if (i < 0) throw new Error(`table '${t.name}' has no column '${name}' (columns: ${t.columns.join(', ')})`);
  return t.rows.map((row) => Number(row[i]));
}

/** Normalise a spread-against-budget series by its first point, with 95% error bars. */
export function normalisedSeries(budget: number[], spread: number[], se: number[]): AxisPoint[] {
  const b0 = budget[0];
  const s0 = spread[0];
  return budget.map((b, i) => ({ x: b / b0, y: spread[i] / s0, lo: (spread[i] - 1.96 * se[i]) / s0, hi: (spread[i] + 1.96 * se[i]) / s0 }));
}

function coreScaling(series: string): (r: ExperimentResult) => Contribution[] {
  return (r) => {
    const t = tableOf(r, 'spread');
    const spreadName = t.columns[1];
    return [
      {
        axis: 'variance',
        series,
        points: normalisedSeries(column(t, 'budget'), column(t, spreadName), column(t, 'SE')),
        theorySlope: r.metrics.theoryExponent,
        theoryLabel: r.metrics.theoryExponent === -1 ? 'theory: slope −1' : `theory: slope 2/α − 2 = ${r.metrics.theoryExponent.toFixed(3)}`,
      },
    ];
  };
}

export const CORE_ENTRIES: CompareEntry[] = [
  {
    domain: 'core',
    label: 'mean of B Gaussian draws',
    experiment: 'core.estimator-scaling',
    params: { noise: 'gaussian', replicates: 2000 },
    full: { noise: 'gaussian', replicates: 20000 },
    contribute: coreScaling('Gaussian mean: draws B'),
  },
  {
    domain: 'core',
    label: 'mean of B α-stable draws (α = 1.5): no variance, IQR² instead',
    experiment: 'core.estimator-scaling',
    params: { noise: 'alpha-stable', alpha: 1.5, replicates: 2000 },
    full: { noise: 'alpha-stable', alpha: 1.5, replicates: 20000 },
    contribute: coreScaling('α-stable mean (α = 1.5): draws B'),
  },
  {
    domain: 'core',
    label: 'threshold readout of a noisy Poisson gradient',
    experiment: 'core.positional-error',
    params: { realizations: 2000 },
    full: { realizations: 20000 },
    contribute: (r) => [
      {
        axis: 'positional',
        series: 'threshold readout (core)',
        points: [{ x: 0, y: r.metrics.ratio, lo: r.metrics.ratio - 1.96 * r.metrics.ratioSE, hi: r.metrics.ratio + 1.96 * r.metrics.ratioSE }],
      },
    ],
  },
];

/** Every entry, in the order of the table. Engines' entries join here. */
export const COMPARE_ENTRIES: CompareEntry[] = [...CORE_ENTRIES];
