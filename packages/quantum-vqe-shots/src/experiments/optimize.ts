/**
 * vqe.optimize: SPSA against parameter-shift gradient descent at equal total shot budgets; the
 * distribution over seeds of the final energy error, its median and the chemical-accuracy
 * success rate per method and problem.
 */
import { ParameterError, defineExperiment, median, quantile, verdict, xyFigure, z, type ExperimentOutput, type Verdict } from '@snrlab/core';
import { ALLOCATIONS, GROUPINGS, groupTerms } from '../measurement.js';
import { CHEMICAL_ACCURACY } from './common.js';
import { OPTIMIZE_METHODS, OPTIMIZE_PROBLEMS, optimizeProblem, optimizeTask, type OptimizeJob, type OptimizeRun } from './optimize-task.js';

const params = z.object({
  problems: z
    .array(z.enum(OPTIMIZE_PROBLEMS))
    .min(1)
    .default(['h2-2q', 'h2-4q', 'ghz'])
    .describe('h2-2q (hardware-efficient, d = 8), h2-4q (UCC double excitation, d = 1), ghz (GHZ chain, hardware-efficient, d = 4n)'),
  ghzQubits: z.int().min(6).max(8).default(6).describe('qubits of the GHZ-chain problem'),
  totalShots: z.int().min(1000).max(1_000_000_000).default(2_000_000).meta({ unit: 'shots' }).describe('total shots per run, the same for both methods (SPSA’s calibration included)'),
  shotsPerEvaluation: z.int().min(1).max(1_000_000).default(500).meta({ unit: 'shots' }).describe('shots N per circuit evaluation, for both methods'),
  learningRate: z.number().gt(0).max(10).default(0.1).meta({ unit: 'rad/Ha' }).describe('step size of parameter-shift gradient descent'),
  spsaC: z.number().gt(0).max(1).default(0.2).meta({ unit: 'rad' }).describe('SPSA perturbation c (Qiskit’s default 0.2); a is calibrated'),
  spsaA: z.number().min(0).max(10_000).default(0).describe('SPSA stability constant A in a/(A + k + 1)^0.602'),
  initialSpread: z.number().min(0).max(3.2).default(0.5).meta({ unit: 'rad' }).describe('initial parameters ~ N(0, spread²), the same for both methods of a seed'),
  seeds: z.int().min(2).max(10_000).default(12).describe('independent runs per method and problem'),
  grouping: z.enum(GROUPINGS).default('qwc').describe('measurement grouping'),
  allocation: z.enum(ALLOCATIONS).default('uniform').describe('shot allocation among groups'),
});

export type OptimizeParams = z.output<typeof params>;

/** Agresti–Caffo difference of two success rates with its SE (adds one success and one failure to each). */
function successDifference(s1: number, n1: number, s2: number, n2: number): { diff: number; se: number } {
  const p1 = (s1 + 1) / (n1 + 2);
  const p2 = (s2 + 1) / (n2 + 2);
  return { diff: s1 / n1 - s2 / n2, se: Math.sqrt((p1 * (1 - p1)) / (n1 + 2) + (p2 * (1 - p2)) / (n2 + 2)) };
}

export const optimizeExperiment = defineExperiment({
  id: 'vqe.optimize',
  domain: 'vqe',
  title: 'SPSA against parameter-shift gradient descent at equal shot budgets',
  claim: 'At equal total shots, SPSA and parameter-shift gradient descent reach chemical accuracy (1.6 mHa) equally often.',
  description:
    'Each run starts from the same random θ₀ for both methods and spends the same total number of shots, N per circuit evaluation: parameter shift spends 2d (or 4 per excitation gate) evaluations per step, SPSA 2 per step after a Qiskit-style calibration of its gain a (50 evaluations). The final error is the exact energy at the final parameters minus the exact ground energy. The distributions over seeds give the median error and the success rate (error < 1.6 mHa); the verdicts test whether the success rates differ.',
  params,
  async run(p, ctx): Promise<ExperimentOutput> {
    const problems = [...new Set(p.problems)];
    for (const id of problems) {
      const { hamiltonian } = optimizeProblem(id, p.ghzQubits);
      const G = groupTerms(hamiltonian, p.grouping).length;
      if (p.shotsPerEvaluation < G) {
        throw new ParameterError('shotsPerEvaluation', p.shotsPerEvaluation, `an integer ≥ ${G}`, `problem ${id} has ${G} measurement groups, each needing a shot`);
      }
    }
    const jobs: OptimizeJob[] = [];
    for (const id of problems) {
      for (const method of OPTIMIZE_METHODS) {
        for (let s = 0; s < p.seeds; s++) {
          const base = ctx.stream.child(id).child(s);
          jobs.push({
            problem: id,
            method,
            ghzQubits: p.ghzQubits,
            totalShots: p.totalShots,
            shotsPerEvaluation: p.shotsPerEvaluation,
            learningRate: p.learningRate,
            spsaC: p.spsaC,
            spsaA: p.spsaA,
            initialSpread: p.initialSpread,
            grouping: p.grouping,
            allocation: p.allocation,
            init: base.child('init').state(),
            stream: base.child(method).state(),
          });
        }
      }
    }
    let done = 0;
    const runs = await ctx.executor.map(optimizeTask, jobs, {
      signal: ctx.signal,
      onResult: () => ctx.progress.update(++done, jobs.length, 'runs'),
    });
    const metrics: Record<string, number> = {};
    const verdicts: Verdict[] = [];
    const rows: (string | number)[][] = [];
    const points: { x: number; y: number; series: string }[] = [];
    let k = 0;
    const byKey = new Map<string, OptimizeRun[]>();
    for (const id of problems) {
      for (const method of OPTIMIZE_METHODS) {
        byKey.set(`${id}/${method}`, runs.slice(k, k + p.seeds));
        k += p.seeds;
      }
    }
    problems.forEach((id, pi) => {
      const stats: Record<string, { success: number; med: number }> = {};
      for (const method of OPTIMIZE_METHODS) {
        const rs = byKey.get(`${id}/${method}`) as OptimizeRun[];
        const errors = rs.map((r) => r.error);
        const success = errors.filter((e) => e < CHEMICAL_ACCURACY).length;
        const med = median(errors);
        stats[method] = { success, med };
        metrics[`medianError.${id}.${method}`] = med;
        metrics[`successRate.${id}.${method}`] = success / p.seeds;
        metrics[`steps.${id}.${method}`] = rs[0].steps;
        rows.push([
          id,
          method,
          rs[0].parameters,
          rs[0].steps,
          rs.reduce((a, r) => a + r.shotsUsed, 0) / rs.length,
          med,
          quantile(errors, 0.25),
          quantile(errors, 0.75),
          success / p.seeds,
        ]);
        errors.forEach((e) => points.push({ x: pi + (method === 'spsa' ? 0.15 : -0.15), y: Math.max(e, 1e-9), series: method }));
      }
      const diff = successDifference(stats.spsa.success, p.seeds, stats['parameter-shift'].success, p.seeds);
      verdicts.push(
        verdict({
          claim: `${id}: SPSA and parameter-shift descent reach chemical accuracy equally often at ${p.totalShots} shots`,
          theory: 0,
          measured: diff.diff,
          se: diff.se,
          note: `Success rates ${(stats.spsa.success / p.seeds).toFixed(2)} (SPSA) and ${(stats['parameter-shift'].success / p.seeds).toFixed(2)} (parameter shift) over ${p.seeds} paired seeds; median errors ${stats.spsa.med.toExponential(2)} and ${stats['parameter-shift'].med.toExponential(2)} Ha. ${optimizeProblem(id, p.ghzQubits).title}. Parameter shift buys an unbiased gradient with 2d circuits per step; SPSA takes d times as many (noisier) steps for the same shots. The outcome depends on the step sizes: SPSA's a is calibrated, the descent's η = ${p.learningRate} is fixed.`,
        }),
      );
    });
    return {
      metrics,
      verdicts,
      tables: [
        {
          name: 'runs',
          title: `Final energy error over ${p.seeds} seeds at ${p.totalShots} shots (N = ${p.shotsPerEvaluation} per evaluation)`,
          columns: ['problem', 'method', 'd', 'steps', 'mean shots used', 'median error (Ha)', 'Q1', 'Q3', 'success rate (< 1.6 mHa)'],
          rows,
        },
      ],
      figures: [
        xyFigure({
          name: 'final-errors',
          title: `Final energy errors (problems: ${problems.join(', ')})`,
          x: { title: `problem index (${problems.map((id, i) => `${i} = ${id}`).join(', ')})` },
          y: { title: 'E(θ_final) − E₀ (Ha)', log: true },
          points,
          lines: [
            { x: -0.5, y: CHEMICAL_ACCURACY, series: 'chemical accuracy' },
            { x: problems.length - 0.5, y: CHEMICAL_ACCURACY, series: 'chemical accuracy' },
          ],
        }),
      ],
      notes: [
        'Both methods start from the same θ₀ per seed and spend at most the same total shots; the error is evaluated exactly (no shots) at the final parameters.',
        'A run whose error is near an excitation energy (≈ 1 Ha for the GHZ chain) ended in a local minimum of the hardware-efficient landscape.',
      ],
    };
  },
});
