/**
 * Do the top eigenvectors of the gradient-noise covariance Σ span the same subspace as those of
 * the Hessian H, and (in the input space of the first layer) as the data's principal components?
 * The overlap ‖U_kᵀV_k‖²_F/k of two k-dimensional subspaces of ℝ^P is 1 when they coincide; for
 * independent uniformly random subspaces its mean is k/P. Standard errors are jackknifed over
 * groups of examples (Σ and the data covariance are re-estimated without each group; H is held).
 */
import { jackknife, ParameterError } from '@snrlab/core';
import type { Dataset } from '../data/dataset.js';
import { inputSizeOf } from '../data/dataset.js';
import type { Sequential } from '../nn/model.js';
import { eigenSymmetric, subspaceOverlap } from './lyapunov.js';

export interface SubspaceOverlaps {
  /** Dimension of the compared subspaces in parameter space, and P. */
  k: number;
  P: number;
  /** Overlap of the top-k eigenvectors of Σ and of H, its jackknife SE, and the random-subspace mean k/P. */
  overlapH: number;
  overlapHSE: number;
  randomH: number;
  /** In the first layer's input space (D features): the input-space noise Σ_x against the data covariance. */
  kData: number;
  D: number;
  overlapData: number;
  overlapDataSE: number;
  randomData: number;
}

/** Group sums of the rows and of their outer products, to form leave-one-group-out covariances. */
function groupMoments(rows: (i: number, out: Float64Array) => void, n: number, P: number, J: number) {
  const sums = Array.from({ length: J }, () => new Float64Array(P));
  const outer = Array.from({ length: J }, () => new Float64Array(P * P));
  const counts = new Array<number>(J).fill(0);
  const r = new Float64Array(P);
  for (let i = 0; i < n; i++) {
    const g = Math.floor((i * J) / n);
    rows(i, r);
    counts[g]++;
    const s = sums[g];
    const o = outer[g];
    for (let a = 0; a < P; a++) {
      s[a] += r[a];
      const ra = r[a];
      if (ra === 0) continue;
      for (let b = 0; b < P; b++) o[a * P + b] += ra * r[b];
    }
  }
  /** Covariance (m − 1 denominator) of all rows except group `skip` (−1: all rows). */
  const cov = (skip: number) => {
    let m = 0;
    const s = new Float64Array(P);
    const o = new Float64Array(P * P);
    for (let g = 0; g < J; g++) {
      if (g === skip) continue;
      m += counts[g];
      for (let a = 0; a < P; a++) s[a] += sums[g][a];
      for (let a = 0; a < P * P; a++) o[a] += outer[g][a];
    }
    for (let a = 0; a < P; a++) for (let b = 0; b < P; b++) o[a * P + b] = (o[a * P + b] - (s[a] * s[b]) / m) / (m - 1);
    return o;
  };
  return cov;
}

/**
 * Overlaps of the noise's top eigenvectors with the Hessian's and with the data's principal
 * components. `perExample` holds the N×P per-example gradients at θ, `hessian` the P×P Hessian.
 * `dataPcs: false` leaves out the data part (kData 0, its overlaps NaN), for a model whose first
 * layer does not read the raw inputs (a CNN).
 */
export function noiseSubspaceOverlaps(
  model: Sequential,
  perExample: Float64Array,
  data: Dataset,
  hessian: Float64Array,
  opts: { k?: number; kData?: number; groups?: number; dataPcs?: boolean } = {},
): SubspaceOverlaps {
  const n = data.n;
  const P = model.paramCount;
  if (perExample.length < n * P) throw new ParameterError('perExample.length', perExample.length, `${n * P} (n × P)`);
  const J = opts.groups ?? 10;
  const k = opts.k ?? Math.max(1, Math.floor(P / 8));
  const Hv = eigenSymmetric(hessian, P).vectors;
  const sigmaCov = groupMoments((i, out) => out.set(perExample.subarray(i * P, (i + 1) * P)), n, P, J);
  const overlapH = (skip: number) => subspaceOverlap(eigenSymmetric(sigmaCov(skip), P).vectors, Hv, k, P);
  const jH = jackknife(J, overlapH);
  if (opts.dataPcs === false) {
    const D = inputSizeOf(data);
    return { k, P, overlapH: overlapH(-1), overlapHSE: jH.se, randomH: k / P, kData: 0, D, overlapData: NaN, overlapDataSE: NaN, randomData: NaN };
  }

  // the first dense layer: weights W [in × out] have per-example gradients x_i ⊗ δ_i; Σ_x sums the out blocks
  const first = model.layers.findIndex((l) => l.kind === 'dense');
  if (first < 0) throw new ParameterError('model', model.name, 'a model with a dense layer');
  const layer = model.layers[first] as unknown as { inFeatures: number; outFeatures: number };
  const D = layer.inFeatures;
  const O = layer.outFeatures;
  if (D !== inputSizeOf(data)) throw new ParameterError('model', model.name, `a first dense layer reading the raw inputs (${inputSizeOf(data)} features)`);
  const off = model.offsets[first];
  const kData = opts.kData ?? Math.max(1, Math.floor(D / 3));
  // Σ_x[j,l] = Σ_o Cov(g_(j,o), g_(l,o)), from group sums of g_(j,o) and of Σ_o g_(j,o)g_(l,o)
  const sx = Array.from({ length: J }, () => ({ s: new Float64Array(D * O), o: new Float64Array(D * D), m: 0 }));
  for (let i = 0; i < n; i++) {
    const g = sx[Math.floor((i * J) / n)];
    g.m++;
    const base = i * P + off;
    for (let j = 0; j < D; j++)
      for (let o = 0; o < O; o++) {
        const v = perExample[base + j * O + o];
        g.s[j * O + o] += v;
        if (v === 0) continue;
        for (let l = 0; l < D; l++) g.o[j * D + l] += v * perExample[base + l * O + o];
      }
  }
  const sigmaX = (skip: number) => {
    let m = 0;
    const s = new Float64Array(D * O);
    const o = new Float64Array(D * D);
    sx.forEach((g, gi) => {
      if (gi === skip) return;
      m += g.m;
      for (let a = 0; a < D * O; a++) s[a] += g.s[a];
      for (let a = 0; a < D * D; a++) o[a] += g.o[a];
    });
    for (let j = 0; j < D; j++)
      for (let l = 0; l < D; l++) {
        let c = 0;
        for (let q = 0; q < O; q++) c += s[j * O + q] * s[l * O + q];
        o[j * D + l] = (o[j * D + l] - c / m) / (m - 1);
      }
    return o;
  };
  const dataCov = groupMoments((i, out) => out.set(data.x.subarray(i * D, (i + 1) * D)), n, D, J);
  const overlapData = (skip: number) => subspaceOverlap(eigenSymmetric(sigmaX(skip), D).vectors, eigenSymmetric(dataCov(skip), D).vectors, kData, D);
  const jD = jackknife(J, overlapData);
  return {
    k,
    P,
    overlapH: overlapH(-1),
    overlapHSE: jH.se,
    randomH: k / P,
    kData,
    D,
    overlapData: overlapData(-1),
    overlapDataSE: jD.se,
    randomData: kData / D,
  };
}
