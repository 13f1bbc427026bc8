/**
 * Several mini-batch gradient estimators measured on the same batches: the trace of each one's
 * covariance over random batches, with jackknife standard errors over groups of batches for each
 * trace and for the ratio of any two (the shared batches make the ratio far more precise than
 * either trace alone).
 */
import { assertInteger, finitePopulationCorrection, jackknifeSE, ParameterError, sampleWithoutReplacement, VectorMoments, type Stream } from '@snrlab/core';

export interface PairedNoiseResult {
  batchSize: number;
  replicates: number;
  /** (N − B)/(N − 1), the finite-population factor of a batch drawn without replacement. */
  fpc: number;
  /** tr Cov of each estimator over the batches (N − 1 convention of core's VectorMoments). */
  traces: number[];
  traceSE: number[];
  /** |mean|² of each estimator. */
  meanNormSq: number[];
  /** Leave-one-group-out traces of each estimator (for ratios and other statistics). */
  leaveOneOut: number[][];
  /** Leave-one-group-out |mean|² of each estimator. */
  leaveOneOutMeanSq: number[][];
}

/**
 * Draw `replicates` batches of B indices without replacement from N examples (one stream child
 * per replicate, so a batch does not depend on the other estimators) and push every estimator's
 * gradient on that batch. `estimators[e](indices, B)` returns a gradient of length dims[e]
 * (it may reuse its buffer).
 */
export function pairedMiniBatchNoise(
  estimators: readonly ((indices: Int32Array, batchSize: number) => ArrayLike<number>)[],
  dims: readonly number[],
  o: { population: number; batchSize: number; replicates: number; stream: Stream; groups?: number },
): PairedNoiseResult {
  const N = o.population;
  const B = o.batchSize;
  assertInteger('batchSize', B, { min: 1, max: N, note: `the training set has ${N} examples` });
  const G = o.groups ?? 20;
  assertInteger('replicates', o.replicates, { min: 2 * G });
  if (dims.length !== estimators.length) throw new ParameterError('dims.length', dims.length, `${estimators.length} (one per estimator)`);
  const groups = estimators.map((_, e) => Array.from({ length: G }, () => new VectorMoments(dims[e], false)));
  const idx = new Int32Array(B);
  const scratch = new Int32Array(N);
  const per = o.replicates / G;
  for (let r = 0; r < o.replicates; r++) {
    sampleWithoutReplacement(o.stream.child(r), N, B, idx, scratch);
    const g = Math.min(G - 1, Math.floor(r / per));
    estimators.forEach((est, e) => groups[e][g].push(est(idx, B)));
  }
  const traces: number[] = [];
  const traceSE: number[] = [];
  const meanNormSq: number[] = [];
  const leaveOneOut: number[][] = [];
  const leaveOneOutMeanSq: number[][] = [];
  const normSq = (v: VectorMoments) => {
    let m2 = 0;
    for (let j = 0; j < v.d; j++) m2 += v.mean[j] * v.mean[j];
    return m2;
  };
  groups.forEach((gs, e) => {
    const all = new VectorMoments(dims[e], false);
    for (const g of gs) all.merge(g);
    traces.push(all.trace());
    meanNormSq.push(normSq(all));
    const loo = gs.map((_, skip) => {
      const v = new VectorMoments(dims[e], false);
      gs.forEach((g, k) => k !== skip && v.merge(g));
      return v;
    });
    leaveOneOut.push(loo.map((v) => v.trace()));
    leaveOneOutMeanSq.push(loo.map(normSq));
    traceSE.push(jackknifeSE(leaveOneOut[e]));
  });
  return { batchSize: B, replicates: o.replicates, fpc: finitePopulationCorrection(N, B), traces, traceSE, meanNormSq, leaveOneOut, leaveOneOutMeanSq };
}

/** traces[a]/traces[b] and its jackknife SE over the shared groups of batches. */
export function traceRatio(r: PairedNoiseResult, a: number, b: number): { value: number; se: number } {
  const loo = r.leaveOneOut[a].map((v, g) => v / r.leaveOneOut[b][g]);
  return { value: r.traces[a] / r.traces[b], se: jackknifeSE(loo) };
}


/**
 * The noise scale an estimator shows at this batch size: trΣ_eff/|G_B|² with trΣ_eff = B·trCov/fpc
 * (the per-example noise that would give this trace) and |G_B|² = |mean|² − trCov/R (the mean of R
 * draws is itself noisy), with its jackknife SE.
 */
export function pairedNoiseScale(r: PairedNoiseResult, e: number): { bSimple: number; se: number; trSigma: number; gNormSq: number } {
  const f = (tr: number, m2: number, R: number) => ((r.batchSize * tr) / r.fpc) / (m2 - tr / R);
  const G = r.leaveOneOut[e].length;
  const Rloo = (r.replicates * (G - 1)) / G;
  const loo = r.leaveOneOut[e].map((tr, g) => f(tr, r.leaveOneOutMeanSq[e][g], Rloo));
  const g2 = r.meanNormSq[e] - r.traces[e] / r.replicates;
  return { bSimple: f(r.traces[e], r.meanNormSq[e], r.replicates), se: jackknifeSE(loo), trSigma: (r.batchSize * r.traces[e]) / r.fpc, gNormSq: g2 };
}
