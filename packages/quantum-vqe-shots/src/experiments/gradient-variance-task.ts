/**
 * One sweep point of vqe.gradient-variance, as an executor task: at a random θ of a
 * hardware-efficient ansatz with d parameters, measure the error of parameter-shift, SPSA and
 * finite-difference gradients at a fixed shot budget, and compute what theory says it should be.
 */
import { Moments, defineExperimentTask, rademacher, type Stream } from '@snrlab/core';
import { hardwareEfficient } from '../ansatz.js';
import { finiteDifference, parameterShift, type GradientTransform } from '../gradients.js';
import type { Allocation, Grouping, PreparedMeasurement } from '../measurement.js';
import { molecule, transverseFieldIsing, type MoleculeId } from '../molecules.js';
import { VQEProblem } from '../problem.js';
import { squaredDistance, squaredNorm } from './common.js';

export interface GradientVarianceJob {
  /** [size index, θ point]: the stream of this sweep point. */
  path: [number, number];
  sweep: 'depth' | 'width';
  molecule: MoleculeId;
  field: number;
  qubits: number;
  layers: number;
  shotBudget: number;
  c: number;
  step: number;
  replicates: number;
  shiftReplicates: number;
  grouping: Grouping;
  allocation: Allocation;
}

/** Mean and SE of a measured quantity. */
export interface Estimate {
  mean: number;
  se: number;
}

export interface MethodPoint {
  /** E‖ĝ − g‖² measured, and its theory value. */
  mse: Estimate;
  mseTheory: number;
  /** Mean per-component variance tr Cov ĝ / d, measured. */
  perComponentVariance: Estimate;
  /** Shots one gradient spends, and shots per circuit evaluation. */
  shots: number;
  shotsPerEvaluation: number;
  evaluations: number;
}

export interface GradientVariancePoint {
  d: number;
  qubits: number;
  layers: number;
  groups: number;
  gradNorm2: number;
  /** Per-shot variance σ² = N·Var Ê at θ for SPSA's N. */
  sigma2: number;
  parameterShift: MethodPoint;
  finiteDifference: MethodPoint & { bias2: number };
  spsa: MethodPoint & {
    /** Random-direction part ‖ĝ_exact(Δ) − g‖² (exact energies) at c, and its theory (d − 1)‖g‖². */
    direction: Estimate;
    /** The same part extrapolated to c → 0 (Richardson, c and c/2 on the same Δ): [4·D(c/2) − D(c)]/3. */
    directionExtrapolated: Estimate;
    directionTheory: number;
    /** Shot-noise part ‖ĝ − ĝ_exact(Δ)‖², and its theory d(V₊ + V₋)/(4c²) averaged over the Δ drawn. */
    shotNoise: Estimate;
    shotNoiseTheory: number;
    /** The textbook approximation dσ²(θ)/(2Nc²). */
    shotNoiseApprox: number;
  };
}

function estimate(m: Moments): Estimate {
  return { mean: m.mean, se: m.sd / Math.sqrt(m.n) };
}

/** Linear weights of a transform's post-processing: W[t] = ∂ĝ/∂f_t. */
function weights(t: GradientTransform): Float64Array[] {
  const e = new Float64Array(t.tapes.length);
  return t.tapes.map((_, i) => {
    e.fill(0);
    e[i] = 1;
    return t.postprocess(e);
  });
}

/** Measure a linear tape-based gradient (parameter shift or finite differences) against g. */
function linearMethod(problem: VQEProblem, t: GradientTransform, g: Float64Array, replicates: number, s: Stream): MethodPoint & { bias2: number } {
  const est = problem.estimator;
  const preps: PreparedMeasurement[] = t.tapes.map((tp) => problem.prepareTape(tp));
  const exactEnergies = Float64Array.from(preps, (pr) => pr.energy);
  const mean = t.postprocess(exactEnergies);
  const bias2 = squaredDistance(mean, g);
  const W = weights(t);
  let varianceSum = 0;
  for (let i = 0; i < preps.length; i++) varianceSum += squaredNorm(W[i]) * est.preparedVariance(preps[i], t.shotsPerTape);
  const mse = new Moments();
  const spread = new Moments();
  const energies = new Float64Array(preps.length);
  const d = g.length;
  for (let r = 0; r < replicates; r++) {
    for (let i = 0; i < preps.length; i++) energies[i] = est.estimatePrepared(preps[i], t.shotsPerTape, s).energy;
    const gh = t.postprocess(energies);
    mse.push(squaredDistance(gh, g));
    spread.push(squaredDistance(gh, mean) / d);
  }
  return {
    mse: estimate(mse),
    mseTheory: bias2 + varianceSum,
    perComponentVariance: estimate(spread),
    shots: t.shotsUsed,
    shotsPerEvaluation: t.shotsPerTape,
    evaluations: t.tapes.length,
    bias2,
  };
}

export function gradientVariancePoint(job: GradientVarianceJob, root: Stream): GradientVariancePoint {
  const h = job.sweep === 'depth' ? molecule(job.molecule).hamiltonian : transverseFieldIsing(job.qubits, job.field);
  const circuit = hardwareEfficient(h.qubits, job.layers);
  const problem = new VQEProblem(h, circuit, { grouping: job.grouping, allocation: job.allocation });
  const est = problem.estimator;
  const init = root.child('theta');
  const d = circuit.numParams;
  const theta = new Float64Array(d);
  for (let i = 0; i < d; i++) theta[i] = 2 * Math.PI * init.uniform();
  // exact gradient: parameter shift with exact expectations
  const exactT = parameterShift(circuit, theta, { shotBudget: 0 });
  const g = exactT.postprocess(problem.execute(exactT.tapes, root.child('exact')));
  const gradNorm2 = squaredNorm(g);
  const minShots = est.minShots;

  const ps = linearMethod(
    problem,
    parameterShift(circuit, theta, { shotBudget: job.shotBudget, minShotsPerEvaluation: minShots }),
    g,
    job.shiftReplicates,
    root.child('parameter-shift'),
  );
  const fd = linearMethod(
    problem,
    finiteDifference(circuit, theta, { shotBudget: job.shotBudget, step: job.step, minShotsPerEvaluation: minShots }),
    g,
    job.shiftReplicates,
    root.child('finite-difference'),
  );

  // SPSA: split each replicate's error into the random-direction and shot-noise parts
  const n = Math.floor(job.shotBudget / 2);
  const c = job.c;
  const sigma2 = n * problem.estimatorVariance(theta, n);
  const s = root.child('spsa');
  const plus = new Float64Array(d);
  const minus = new Float64Array(d);
  const delta = new Float64Array(d);
  const gExact = new Float64Array(d);
  const gShots = new Float64Array(d);
  const direction = new Moments();
  const extrapolated = new Moments();
  const shotNoise = new Moments();
  const noiseTheory = new Moments();
  const total = new Moments();
  const perComponent = new Moments();
  const dirTheory = (d - 1) * gradNorm2;
  for (let r = 0; r < job.replicates; r++) {
    for (let i = 0; i < d; i++) {
      delta[i] = rademacher(s);
      plus[i] = theta[i] + c * delta[i];
      minus[i] = theta[i] - c * delta[i];
    }
    const pp = est.prepare(problem.prepareState(plus));
    const pm = est.prepare(problem.prepareState(minus));
    const fp = est.estimatePrepared(pp, n, s).energy;
    const fm = est.estimatePrepared(pm, n, s).energy;
    const slopeExact = (pp.energy - pm.energy) / (2 * c);
    const slopeShots = (fp - fm) / (2 * c);
    for (let i = 0; i < d; i++) {
      gExact[i] = slopeExact * delta[i];
      gShots[i] = slopeShots * delta[i];
    }
    const dirC = squaredDistance(gExact, g);
    direction.push(dirC);
    // the same Δ at c/2 (exact energies only): D(c) = D(0) + a c² + O(c⁴)
    for (let i = 0; i < d; i++) {
      plus[i] = theta[i] + 0.5 * c * delta[i];
      minus[i] = theta[i] - 0.5 * c * delta[i];
    }
    const slopeHalf = (problem.exactEnergy(plus) - problem.exactEnergy(minus)) / c;
    let dirHalf = 0;
    for (let i = 0; i < d; i++) dirHalf += (slopeHalf * delta[i] - g[i]) ** 2;
    extrapolated.push((4 * dirHalf - dirC) / 3);
    shotNoise.push(squaredDistance(gShots, gExact));
    noiseTheory.push((d * (est.preparedVariance(pp, n) + est.preparedVariance(pm, n))) / (4 * c * c));
    const e2 = squaredDistance(gShots, g);
    total.push(e2);
    perComponent.push(e2 / d);
  }
  return {
    d,
    qubits: h.qubits,
    layers: job.layers,
    groups: est.groups.length,
    gradNorm2,
    sigma2,
    parameterShift: ps,
    finiteDifference: fd,
    spsa: {
      mse: estimate(total),
      mseTheory: dirTheory + noiseTheory.mean,
      perComponentVariance: estimate(perComponent),
      shots: 2 * n,
      shotsPerEvaluation: n,
      evaluations: 2,
      direction: estimate(direction),
      directionExtrapolated: estimate(extrapolated),
      directionTheory: dirTheory,
      shotNoise: estimate(shotNoise),
      shotNoiseTheory: noiseTheory.mean,
      shotNoiseApprox: (d * sigma2) / (2 * n * c * c),
    },
  };
}

export const gradientVarianceTask = defineExperimentTask(import.meta.url, 'vqe.gradient-variance/point', (job: GradientVarianceJob, { stream }) => gradientVariancePoint(job, stream));
