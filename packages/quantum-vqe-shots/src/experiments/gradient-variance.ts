/**
 * vqe.gradient-variance: at a fixed shot budget B per gradient, how the error of parameter
 * shift, SPSA and central finite differences grows with the number of parameters d — and which
 * parts of SPSA's error grow with d.
 *
 * Theory (N shots per evaluation, per-shot variance σ² = N·Var Ê):
 *   parameter shift  N = B/(2d):  E‖ĝ − g‖² = Σ_t w_t² V_t ≈ dσ²/(2N) = d²σ²/B        (unbiased)
 *   finite diff.     N = B/(2d):  E‖ĝ − g‖² = ‖bias‖² + Σ_i (V_i+ + V_i−)/(4h²) ≈ d²σ²/(h²B)
 *   SPSA             N = B/2:     E‖ĝ − g‖² ≈ (d − 1)‖g‖²  +  dσ²/(2Nc²)
 *                                 (random direction)  (shot noise)
 * SPSA's shot-noise part is, per component, σ²/(2Nc²) whatever d is; its random-direction part is,
 * per component, (d − 1)‖g‖²/d ≈ ‖g‖², which grows with d as ‖g‖² does.
 */
import { ParameterError, anyNumber, defineExperiment, equivalenceVerdict, loglogSlope, verdict, xyFigure, z } from '@snrlab/core';
import { ALLOCATIONS, GROUPINGS, groupTerms } from '../measurement.js';
import { molecule, transverseFieldIsing } from '../molecules.js';
import { MOLECULE_IDS, pooled } from './common.js';
import { gradientVarianceTask, type Estimate, type GradientVarianceJob, type GradientVariancePoint } from './gradient-variance-task.js';

const params = z.object({
  sweep: z.enum(['depth', 'width']).default('depth').describe('grow d by adding layers to a fixed molecule (depth) or qubits to a transverse-field Ising chain (width)'),
  molecule: z.enum(MOLECULE_IDS).default('h2-4q').describe('Hamiltonian of the depth sweep'),
  layers: z.array(z.int().min(0).max(40)).min(3).default([0, 1, 3, 7]).describe('hardware-efficient layers of the depth sweep (d = 2n(L + 1))'),
  widths: z.array(z.int().min(2).max(12)).min(3).default([2, 4, 6, 8]).describe('qubits of the width sweep'),
  widthLayers: z.int().min(0).max(10).default(1).describe('layers of the width sweep'),
  field: z.number().min(0).max(10).default(1).describe('transverse field h of the width sweep’s Ising chain (J = 1)'),
  shotBudget: z.int().min(2).max(100_000_000).default(12800).meta({ unit: 'shots' }).describe('total shots B per gradient, divided as each method must'),
  c: z.number().gt(0).max(1).default(0.05).meta({ unit: 'rad' }).describe('SPSA perturbation c (small, so that c√d stays small)'),
  finiteDifferenceStep: z.number().gt(0).max(1).default(0.1).meta({ unit: 'rad' }).describe('central finite-difference step h'),
  thetaPoints: z.int().min(1).max(100).default(4).describe('random parameter points θ per d (results averaged)'),
  estimates: z.int().min(50).max(1_000_000).default(1000).meta({ renamedFrom: 'replicates' }).describe('SPSA gradients per point'),
  shiftEstimates: z.int().min(20).max(1_000_000).default(100).meta({ renamedFrom: 'shiftReplicates' }).describe('parameter-shift and finite-difference gradients per point (their theory is exact, so fewer suffice)'),
  grouping: z.enum(GROUPINGS).default('qwc').describe('measurement grouping'),
  allocation: z.enum(ALLOCATIONS).default('uniform').describe('shot allocation among groups'),
});

export type GradientVarianceParams = z.output<typeof params>;

/** Equivalence margin of the popular claim "independent of d", on the log–log slope (see its verdict). */
export const POPULAR_CLAIM_MARGIN = 0.5;

/** Average P points' estimates: mean of means, SE = √(Σ se²)/P. */
function average(es: Estimate[]): Estimate {
  const P = es.length;
  return { mean: es.reduce((a, e) => a + e.mean, 0) / P, se: Math.sqrt(es.reduce((a, e) => a + e.se * e.se, 0)) / P };
}

function mean(xs: number[]): number {
  return xs.reduce((a, b) => a + b, 0) / xs.length;
}

interface Series {
  d: number[];
  measured: Estimate[];
  theory: number[];
}

function slopes(s: Series): { slope: number; se: number; theory: number } {
  const se = s.measured.map((e) => e.se);
  const m = loglogSlope(s.d, s.measured.map((e) => e.mean), se);
  const t = loglogSlope(s.d, s.theory, se);
  return { slope: m.slope, se: m.slopeSE, theory: t.slope };
}

const estimate = z.object({ mean: anyNumber(), se: anyNumber() });
/** Measured (mean over the θ points ± SE) and theory, one entry per d. */
const series = z.object({ measured: z.array(estimate), theory: z.array(anyNumber()) });
/** Log–log slope against d, its SE, and the slope of the theory values. */
const fit = z.object({ slope: anyNumber(), se: anyNumber(), theory: anyNumber() });
const cost = z.object({ evaluations: anyNumber(), shotsPerEvaluation: anyNumber(), shots: anyNumber() });

const measurements = z.object({
  /** Numbers of parameters, ascending; every array below follows this order. */
  d: z.array(anyNumber()),
  gradNorm2: z.array(anyNumber()),
  /** Per-shot variance σ² at SPSA's N. */
  sigma2: z.array(anyNumber()),
  /** dσ²/(2Nc²). */
  shotNoiseApprox: z.array(anyNumber()),
  series: z.object({
    parameterShift: series,
    finiteDifference: series,
    spsa: series,
    /** SPSA's random-direction part extrapolated to c → 0, and at c. */
    spsaDirection: series,
    spsaDirectionAtC: series,
    spsaShotNoise: series,
    spsaShotNoisePerComponent: series,
    spsaDirectionPerComponent: series,
    spsaPerComponent: series,
    /** Per-component variance tr Cov ĝ / d. */
    parameterShiftPerComponent: series,
    finiteDifferencePerComponent: series,
  }),
  fits: z.object({
    parameterShift: fit,
    finiteDifference: fit,
    spsa: fit,
    spsaDirection: fit,
    spsaShotNoisePerComponent: fit,
    spsaDirectionPerComponent: fit,
    spsaPerComponent: fit,
    parameterShiftPerComponent: fit,
    finiteDifferencePerComponent: fit,
  }),
  /** Shift of SPSA's total-MSE theory slope from the O(c²) truncation (Richardson, c vs c/2). */
  spsaTruncationSlope: anyNumber(),
  /** Measured/theory, pooled over d. */
  spsaDirectionRatio: estimate,
  spsaShotNoiseRatio: estimate,
  gradNorm2Exponent: anyNumber(),
  /** Circuits and shots per gradient, per d (first θ point). */
  cost: z.array(z.object({ parameterShift: cost, finiteDifference: cost, spsa: cost })),
});

export type GradientVarianceMeasurements = z.output<typeof measurements>;

function sweepSizes(p: GradientVarianceParams): number[] {
  return p.sweep === 'depth' ? p.layers : p.widths;
}

export const gradientVarianceExperiment = defineExperiment({
  id: 'vqe.gradient-variance',
  domain: 'vqe',
  title: 'Gradient error against the number of parameters at a fixed shot budget',
  claim: "SPSA's gradient variance is independent of the number of parameters d — true only of its shot-noise part, per component; its random-direction part (d − 1)‖g‖² grows with d.",
  description:
    'For hardware-efficient ansätze of growing depth (or width), at random parameters θ, each method spends the same budget B per gradient: parameter shift and finite differences run 2d circuits of B/(2d) shots, SPSA two circuits of B/2. The mean squared error E‖ĝ − g‖² against the exact gradient is measured and fitted against d on log–log axes, and compared with the exact theory for each method. SPSA’s error is split replicate by replicate, on the same direction Δ, into the random-direction part (exact energies) and the shot-noise part (shots minus exact), each compared with its theory; the random-direction part is extrapolated to c → 0 (c and c/2) because its (d − 1)‖g‖² law is the small-c limit.',
  params,
  measurements,
  validate(p) {
    const h0 = p.sweep === 'depth' ? molecule(p.molecule).hamiltonian : null;
    const sizes = sweepSizes(p);
    if (new Set(sizes).size !== sizes.length) throw new ParameterError(p.sweep === 'depth' ? 'layers' : 'widths', sizes, 'distinct values');
    // refuse a budget that cannot give every circuit of the largest d one shot per group
    for (const size of sizes) {
      const h = h0 ?? transverseFieldIsing(size, p.field);
      const d = 2 * h.qubits * ((p.sweep === 'depth' ? size : p.widthLayers) + 1);
      const G = groupTerms(h, p.grouping).length;
      if (p.shotBudget < 2 * d * G) {
        throw new ParameterError('shotBudget', p.shotBudget, `an integer ≥ ${2 * d * G}`, `parameter shift at d = ${d} runs ${2 * d} circuits of at least ${G} shots (one per measurement group)`);
      }
    }
  },
  plan(p) {
    const qubits = p.sweep === 'depth' ? molecule(p.molecule).hamiltonian.qubits : 0;
    const jobs: GradientVarianceJob[] = [];
    sweepSizes(p).forEach((size, i) => {
      for (let k = 0; k < p.thetaPoints; k++) {
        jobs.push({
          path: [i, k],
          sweep: p.sweep,
          molecule: p.molecule,
          field: p.field,
          qubits: p.sweep === 'depth' ? qubits : size,
          layers: p.sweep === 'depth' ? size : p.widthLayers,
          shotBudget: p.shotBudget,
          c: p.c,
          step: p.finiteDifferenceStep,
          replicates: p.estimates,
          shiftReplicates: p.shiftEstimates,
          grouping: p.grouping,
          allocation: p.allocation,
        });
      }
    });
    return jobs;
  },
  task: gradientVarianceTask,
  reduce(results, p, info): GradientVarianceMeasurements {
    // group the θ points of each size, in job order
    const bySize: GradientVariancePoint[][] = sweepSizes(p)
      .map((_, i) => results.filter((_, j) => info.jobs[j].path[0] === i))
      .filter((q) => q.length > 0);
    const order = bySize.map((pts, i) => ({ i, d: pts[0].d })).sort((a, b) => a.d - b.d);
    const pts = order.map((o) => bySize[o.i]);
    const ds = pts.map((q) => q[0].d);
    const series = (pick: (q: GradientVariancePoint) => Estimate, theory: (q: GradientVariancePoint) => number, perComponent = false): Series => ({
      d: ds,
      measured: pts.map((q) => {
        const a = average(q.map(pick));
        return perComponent ? { mean: a.mean / q[0].d, se: a.se / q[0].d } : a;
      }),
      theory: pts.map((q) => mean(q.map(theory)) / (perComponent ? q[0].d : 1)),
    });
    const ps = series((q) => q.parameterShift.mse, (q) => q.parameterShift.mseTheory);
    const fd = series((q) => q.finiteDifference.mse, (q) => q.finiteDifference.mseTheory);
    const sp = series((q) => q.spsa.mse, (q) => q.spsa.mseTheory);
    const dir = series((q) => q.spsa.directionExtrapolated, (q) => q.spsa.directionTheory);
    const dirAtC = series((q) => q.spsa.direction, (q) => q.spsa.directionTheory);
    const noise = series((q) => q.spsa.shotNoise, (q) => q.spsa.shotNoiseTheory);
    const noisePer = series((q) => q.spsa.shotNoise, (q) => q.spsa.shotNoiseTheory, true);
    const dirPer = series((q) => q.spsa.directionExtrapolated, (q) => q.spsa.directionTheory, true);
    const spPer = series((q) => q.spsa.mse, (q) => q.spsa.mseTheory, true);
    // per-component variance tr Cov ĝ / d (SPSA: E‖ĝ − g‖²/d, its O(c²) bias included)
    const psPer = series((q) => q.parameterShift.perComponentVariance, (q) => q.parameterShift.mseTheory / q.d);
    const fdPer = series((q) => q.finiteDifference.perComponentVariance, (q) => (q.finiteDifference.mseTheory - q.finiteDifference.bias2) / q.d);
    const fSp = slopes(sp);
    // finite-c truncation of SPSA's random-direction part, estimated by Richardson (c vs c/2):
    // it shifts the total-MSE slope by this much, a stated systematic of the SPSA verdict
    const truncated = sp.theory.map((t, i) => t + dirAtC.measured[i].mean - dir.measured[i].mean);
    const truncationSlope = Math.abs(loglogSlope(ds, truncated, sp.measured.map((e) => e.se)).slope - fSp.theory);
    const ratio = (s: Series) =>
      pooled(
        s.measured.map((e, i) => e.mean / s.theory[i]),
        s.measured.map((e, i) => e.se / s.theory[i]),
      );
    const gradNorm2 = pts.map((q) => mean(q.map((x) => x.gradNorm2)));
    const plain = (s: Series) => ({ measured: s.measured, theory: s.theory });
    const costOf = (m: { evaluations: number; shotsPerEvaluation: number; shots: number }) => ({ evaluations: m.evaluations, shotsPerEvaluation: m.shotsPerEvaluation, shots: m.shots });
    return {
      d: ds,
      gradNorm2,
      sigma2: pts.map((q) => mean(q.map((x) => x.sigma2))),
      shotNoiseApprox: pts.map((q) => mean(q.map((x) => x.spsa.shotNoiseApprox))),
      series: {
        parameterShift: plain(ps),
        finiteDifference: plain(fd),
        spsa: plain(sp),
        spsaDirection: plain(dir),
        spsaDirectionAtC: plain(dirAtC),
        spsaShotNoise: plain(noise),
        spsaShotNoisePerComponent: plain(noisePer),
        spsaDirectionPerComponent: plain(dirPer),
        spsaPerComponent: plain(spPer),
        parameterShiftPerComponent: plain(psPer),
        finiteDifferencePerComponent: plain(fdPer),
      },
      fits: {
        parameterShift: slopes(ps),
        finiteDifference: slopes(fd),
        spsa: fSp,
        spsaDirection: slopes(dir),
        spsaShotNoisePerComponent: slopes(noisePer),
        spsaDirectionPerComponent: slopes(dirPer),
        spsaPerComponent: slopes(spPer),
        parameterShiftPerComponent: slopes(psPer),
        finiteDifferencePerComponent: slopes(fdPer),
      },
      spsaTruncationSlope: truncationSlope,
      spsaDirectionRatio: ratio(dir),
      spsaShotNoiseRatio: ratio(noise),
      gradNorm2Exponent: loglogSlope(ds, gradNorm2).slope,
      cost: pts.map((q) => ({ parameterShift: costOf(q[0].parameterShift), finiteDifference: costOf(q[0].finiteDifference), spsa: costOf(q[0].spsa) })),
    };
  },
  metrics(m, p) {
    const f = m.fits;
    const last = m.cost[m.cost.length - 1];
    return {
      mseExponentParameterShift: f.parameterShift.slope,
      mseExponentParameterShiftSE: f.parameterShift.se,
      mseExponentParameterShiftTheory: f.parameterShift.theory,
      mseExponentFiniteDifference: f.finiteDifference.slope,
      mseExponentFiniteDifferenceSE: f.finiteDifference.se,
      mseExponentFiniteDifferenceTheory: f.finiteDifference.theory,
      mseExponentSpsa: f.spsa.slope,
      mseExponentSpsaSE: f.spsa.se,
      mseExponentSpsaTheory: f.spsa.theory,
      spsaDirectionExponent: f.spsaDirection.slope,
      spsaDirectionExponentSE: f.spsaDirection.se,
      spsaDirectionExponentTheory: f.spsaDirection.theory,
      spsaDirectionPerComponentExponent: f.spsaDirectionPerComponent.slope,
      spsaDirectionPerComponentExponentSE: f.spsaDirectionPerComponent.se,
      spsaShotNoisePerComponentExponent: f.spsaShotNoisePerComponent.slope,
      spsaShotNoisePerComponentExponentSE: f.spsaShotNoisePerComponent.se,
      spsaShotNoisePerComponentExponentTheory: f.spsaShotNoisePerComponent.theory,
      perComponentVarianceExponentParameterShift: f.parameterShiftPerComponent.slope,
      perComponentVarianceExponentParameterShiftSE: f.parameterShiftPerComponent.se,
      perComponentVarianceExponentFiniteDifference: f.finiteDifferencePerComponent.slope,
      perComponentVarianceExponentFiniteDifferenceSE: f.finiteDifferencePerComponent.se,
      spsaPerComponentVarianceExponent: f.spsaPerComponent.slope,
      spsaPerComponentVarianceExponentSE: f.spsaPerComponent.se,
      spsaDirectionRatio: m.spsaDirectionRatio.mean,
      spsaDirectionRatioSE: m.spsaDirectionRatio.se,
      spsaShotNoiseRatio: m.spsaShotNoiseRatio.mean,
      spsaShotNoiseRatioSE: m.spsaShotNoiseRatio.se,
      gradNorm2Exponent: m.gradNorm2Exponent,
      shotBudget: p.shotBudget,
      maxParameters: m.d[m.d.length - 1],
      shotsParameterShift: last.parameterShift.shots,
      shotsFiniteDifference: last.finiteDifference.shots,
      shotsSpsa: last.spsa.shots,
    };
  },
  judge(m, p) {
    const f = m.fits;
    const fPs = f.parameterShift;
    const fFd = f.finiteDifference;
    const fSp = f.spsa;
    const fDir = f.spsaDirection;
    const fNoisePer = f.spsaShotNoisePerComponent;
    const fDirPer = f.spsaDirectionPerComponent;
    const fSpPer = f.spsaPerComponent;
    const dirAtC = m.series.spsaDirectionAtC;
    const dirRatio = m.spsaDirectionRatio;
    const noiseRatio = m.spsaShotNoiseRatio;
    const truncationSlope = m.spsaTruncationSlope;
    const dLast = m.d[m.d.length - 1];
    const fmt = (x: number, s: number) => `${x.toFixed(2)} ± ${s.toFixed(2)}`;
    return [
      verdict({
        claim: 'parameter-shift MSE against d at a fixed budget follows Σ_t w_t² V_t ≈ d²σ²/B',
        theory: fPs.theory,
        measured: fPs.slope,
        se: fPs.se,
        note: `Parameter shift is unbiased; with N = B/(2d) shots per circuit each component has variance ≈ σ²/(2N) = dσ²/B, so the total grows as d² (theory slope ${fPs.theory.toFixed(3)} from the exact per-circuit variances).`,
      }),
      verdict({
        claim: 'finite-difference MSE against d follows ‖bias‖² + Σ_i(V_i+ + V_i−)/(4h²) ≈ d²σ²/(h²B)',
        theory: fFd.theory,
        measured: fFd.slope,
        se: fFd.se,
        note: `Same d² growth as parameter shift but 1/h² = ${(1 / p.finiteDifferenceStep ** 2).toFixed(0)} times the variance; the O(h²) bias is computed exactly from exact energies.`,
      }),
      verdict({
        claim: 'SPSA MSE against d follows (d − 1)‖g‖² + d(V₊ + V₋)/(4c²)',
        theory: fSp.theory,
        measured: fSp.slope,
        se: fSp.se,
        ...(truncationSlope > 0
          ? {
              allowance: {
                value: truncationSlope,
                derivation: `the slope shift caused by the O(c²) truncation of [f(θ+cΔ) − f(θ−cΔ)]/(2c) along Δ, estimated by Richardson extrapolation (c and c/2) on the same Δ draws as the judged MSE`,
                fromData: true,
              },
            }
          : {}),
        note: `The theory uses the c → 0 random-direction part; the O(c²) truncation shifts the slope by ${truncationSlope.toFixed(3)} (Richardson, c vs c/2), growing with c√d because the energy is bounded while Δ·g grows as √d. That shift is estimated from the same draws, so it is an allowance from the data: if only it reached theory the verdict would be inconclusive.`,
      }),
      verdict({
        claim: "SPSA's random-direction part equals (d − 1)‖g‖² (c → 0)",
        theory: 1,
        measured: dirRatio.mean,
        se: dirRatio.se,
        note: `Ratio measured/theory pooled over d. ĝ_i − g_i = Σ_{j≠i} Δ_iΔ_j g_j has variance ‖g‖² − g_i², summing to (d − 1)‖g‖². At c = ${p.c} the unextrapolated part is ${(dirAtC.measured[dirAtC.measured.length - 1].mean / dirAtC.theory[dirAtC.theory.length - 1]).toFixed(3)} of it at d = ${dLast}.`,
      }),
      verdict({
        claim: "SPSA's shot-noise part equals d(V₊ + V₋)/(4c²) ≈ dσ²/(2Nc²)",
        theory: 1,
        measured: noiseRatio.mean,
        se: noiseRatio.se,
        note: `Ratio measured/theory pooled over d, with V± the exact variances of the two estimates. ĝ − ĝ_exact = Δ(ε₊ − ε₋)/(2c) and ‖Δ‖² = d, so the part is exactly d(ε₊ − ε₋)²/(4c²).`,
      }),
      verdict({
        claim: "SPSA's shot-noise part per component follows (V₊ + V₋)/(4c²) against d: no d of its own, only σ²'s",
        theory: fNoisePer.theory,
        measured: fNoisePer.slope,
        se: fNoisePer.se,
        note: `Per component it is (V₊ + V₋)/(4c²) ≈ σ²/(2Nc²): N = B/2 whatever d is, so d enters only through the per-shot variance σ² at the random points. The theory slope ${fNoisePer.theory.toFixed(3)} is that of the exact (V₊ + V₋)/(4c²) over these points; it is not 0 because σ² differs between them.`,
      }),
      verdict({
        claim: "SPSA's random-direction part per component, (d − 1)‖g‖²/d, grows with d as ‖g‖² does",
        theory: fDirPer.theory,
        measured: fDirPer.slope,
        se: fDirPer.se,
        note: `Per component, ‖g‖² − g_i² averages (d − 1)‖g‖²/d ≈ ‖g‖²: it would be flat at a fixed gradient norm, but ‖g‖² is a sum of d squared components (here ‖g‖² ∝ d^${m.gradNorm2Exponent.toFixed(2)} at random θ). Extrapolated to c → 0.`,
      }),
      equivalenceVerdict({
        claim: "popular claim: SPSA's gradient variance E‖ĝ − g‖² is independent of the number of parameters d",
        theory: 0,
        measured: fSp.slope,
        se: fSp.se,
        margin: POPULAR_CLAIM_MARGIN,
        marginDerivation: `a log–log slope within ±${POPULAR_CLAIM_MARGIN} of 0, half of the slope 1 of SPSA's summed shot-noise part dσ²/(2Nc²), the slowest growth its theory has: a smaller slope is closer to "independent" than to the least growth predicted`,
        note: `Measured slope ${fmt(fSp.slope, fSp.se)} against d. Refuted when the whole 90% interval lies above the margin: only the shot-noise part is independent of d, and only per component (slope ${fmt(fNoisePer.slope, fNoisePer.se)}); summed over components it is dσ²/(2Nc²) ∝ d. The random-direction part (d − 1)‖g‖² grows at least as d (slope ${fmt(fDir.slope, fDir.se)}) and dominates at this budget; even per component the SPSA variance grows as ‖g‖² does (slope ${fmt(fSpPer.slope, fSpPer.se)}). SPSA's real advantage is cost: 2 circuits per gradient instead of 2d, so at a fixed budget each circuit gets d times the shots and its shot noise stays small.`,
      }),
    ];
  },
  present(m, p) {
    const ds = m.d;
    const S = m.series;
    const ps = S.parameterShift;
    const fd = S.finiteDifference;
    const sp = S.spsa;
    const dir = S.spsaDirection;
    const noise = S.spsaShotNoise;
    const psPer = S.parameterShiftPerComponent;
    const fdPer = S.finiteDifferencePerComponent;
    const spPer = S.spsaPerComponent;
    const last = m.cost[m.cost.length - 1];
    const dLast = ds[ds.length - 1];
    const rows = ds.map((d, i) => [
      d,
      m.gradNorm2[i],
      m.sigma2[i],
      ps.measured[i].mean,
      ps.theory[i],
      fd.measured[i].mean,
      fd.theory[i],
      sp.measured[i].mean,
      sp.theory[i],
      S.spsaDirectionAtC.measured[i].mean,
      dir.measured[i].mean,
      dir.theory[i],
      noise.measured[i].mean,
      noise.theory[i],
      m.shotNoiseApprox[i],
    ]);
    const costRows = m.cost.map((c, i) => [
      ds[i],
      c.parameterShift.evaluations,
      c.parameterShift.shotsPerEvaluation,
      c.parameterShift.shots,
      c.finiteDifference.evaluations,
      c.finiteDifference.shotsPerEvaluation,
      c.spsa.evaluations,
      c.spsa.shotsPerEvaluation,
      c.spsa.shots,
    ]);
    const figPoints = (s: z.output<typeof series>, name: string) =>
      s.measured.map((e, i) => ({ x: ds[i], y: e.mean, lo: e.mean - 1.96 * e.se, hi: e.mean + 1.96 * e.se, series: name }));
    const figLines = (s: z.output<typeof series>, name: string) => s.theory.map((t, i) => ({ x: ds[i], y: t, series: `${name} theory` }));
    return {
      tables: [
        {
          name: 'mse',
          title: `E‖ĝ − g‖² at B = ${p.shotBudget} shots per gradient (mean over ${p.thetaPoints} random θ)`,
          columns: [
            'd',
            '‖g‖²',
            'σ² (per shot)',
            'PS measured',
            'PS theory',
            'FD measured',
            'FD theory',
            'SPSA measured',
            'SPSA theory',
            'SPSA direction (at c)',
            'SPSA direction (c→0)',
            '(d−1)‖g‖²',
            'SPSA shot noise',
            'd(V₊+V₋)/(4c²)',
            'dσ²/(2Nc²)',
          ],
          rows,
        },
        {
          name: 'per-component',
          title: 'Per-component variance tr Cov ĝ / d (measured ± SE, theory)',
          columns: ['d', 'PS', 'PS SE', 'PS theory', 'FD', 'FD SE', 'FD theory', 'SPSA', 'SPSA SE', 'SPSA theory'],
          rows: ds.map((_, i) => [
            ds[i],
            psPer.measured[i].mean,
            psPer.measured[i].se,
            psPer.theory[i],
            fdPer.measured[i].mean,
            fdPer.measured[i].se,
            fdPer.theory[i],
            spPer.measured[i].mean,
            spPer.measured[i].se,
            spPer.theory[i],
          ]),
        },
        {
          name: 'cost',
          title: 'Circuits and shots per gradient',
          columns: ['d', 'PS circuits', 'PS shots/circuit', 'PS shots', 'FD circuits', 'FD shots/circuit', 'SPSA circuits', 'SPSA shots/circuit', 'SPSA shots'],
          rows: costRows,
        },
      ],
      figures: [
        xyFigure({
          name: 'mse-vs-d',
          title: `Gradient MSE against d at ${p.shotBudget} shots per gradient`,
          x: { title: 'parameters d', log: true },
          y: { title: 'E‖ĝ − g‖²', log: true },
          points: [...figPoints(ps, 'parameter shift'), ...figPoints(fd, 'finite differences'), ...figPoints(sp, 'SPSA')],
          lines: [...figLines(ps, 'parameter shift'), ...figLines(fd, 'finite differences'), ...figLines(sp, 'SPSA')],
        }),
        xyFigure({
          name: 'spsa-parts',
          title: "SPSA's error, split into its two parts",
          x: { title: 'parameters d', log: true },
          y: { title: 'E‖ĝ − g‖² part', log: true },
          points: [...figPoints(dir, 'random direction (c→0)'), ...figPoints(noise, 'shot noise')],
          lines: [...figLines(dir, 'random direction (c→0)'), ...figLines(noise, 'shot noise')],
        }),
      ],
      notes: [
        p.sweep === 'depth'
          ? `${molecule(p.molecule).title}; hardware-efficient layers ${p.layers.join(', ')}.`
          : `Transverse-field Ising chain (h = ${p.field}) on ${p.widths.join(', ')} qubits, ${p.widthLayers} layer(s).`,
        `At d = ${dLast}: parameter shift spends ${last.parameterShift.shots} shots on ${last.parameterShift.evaluations} circuits, SPSA ${last.spsa.shots} on 2.`,
        'Per-component variance here is E‖ĝ − g‖²/d (SPSA’s bias is O(c²) and included).',
      ],
    };
  },
});
