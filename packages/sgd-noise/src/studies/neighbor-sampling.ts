/**
 * GraphSAGE-style neighbour sampling (Hamilton, Ying & Leskovec 2017) and its gradient noise.
 *
 * The mean-aggregator layer reads, for node v, h_v = σ(W·[x_v ‖ a_v] + b) with a_v the mean of the
 * features of k neighbours sampled without replacement (all of them when k ≥ deg v, and a_v = 0
 * for an isolated node). Here the concatenation [x_v ‖ a_v] is built per node and fed to the
 * package's Dense layers, so the per-example (per-node) gradients come from the layer-by-layer pass.
 *
 * Sampling k of the deg values without replacement, the sampled mean has
 *   Cov a_v = C_v·(1/k − 1/deg)     (C_v: covariance of the neighbours' features, deg − 1 denominator),
 * exactly; drawn with replacement it would be C_v·(deg − 1)/(deg·k). To first order (delta method)
 * the node's gradient then has tr Var_S g_v = (1/k − 1/deg)·tr(J_v C_v J_vᵀ), J_v = ∂g_v/∂a_v.
 * A mini-batch of B nodes (without replacement from N), each with its own neighbour sample, has by
 * the law of total variance
 *   tr Cov ĝ = tr Σ_node/B·(N − B)/(N − 1) + E_v tr Var_S(g_v)/B,
 * the first term from choosing the nodes, the second from sampling their neighbours.
 */
import { assertInteger, jackknifeSE, ParameterError, sampleWithoutReplacement, type Stream } from '@snrlab/core';
import type { Dataset } from '../data/dataset.js';
import { degreeOf, type GraphData } from '../data/graph.js';
import type { Batch, Sequential } from '../nn/model.js';

/** Refuse a neighbour budget that is not a positive integer (k above a node's degree is allowed: all neighbours are used). */
export function assertNeighborBudget(k: number, name = 'k'): void {
  assertInteger(name, k, { min: 1, max: 1_000_000, note: 'neighbours sampled per node; a node with fewer neighbours uses all of them' });
}

/** Draws neighbour samples for the mean aggregator, reusing its buffers. */
export class NeighborSampler {
  private readonly scratch: Int32Array;
  private readonly pick: Int32Array;

  constructor(readonly data: GraphData) {
    let maxDeg = 0;
    for (let v = 0; v < data.graph.nodes; v++) maxDeg = Math.max(maxDeg, degreeOf(data.graph, v));
    this.scratch = new Int32Array(Math.max(1, maxDeg));
    this.pick = new Int32Array(Math.max(1, maxDeg));
  }

  /** Neighbours node v uses at budget k: min(k, deg v). */
  used(v: number, k: number): number {
    return Math.min(k, degreeOf(this.data.graph, v));
  }

  /**
   * Write [x_v ‖ a_v] into out[offset .. offset + 2F): a_v the mean of min(k, deg v) neighbours
   * sampled without replacement (k = Infinity: all of them). Returns the number used.
   */
  row(v: number, k: number, s: Stream | null, out: Float64Array, offset: number): number {
    const { graph, x, features: F } = this.data;
    for (let f = 0; f < F; f++) out[offset + f] = x[v * F + f];
    const a = offset + F;
    for (let f = 0; f < F; f++) out[a + f] = 0;
    const deg = degreeOf(graph, v);
    const base = graph.offsets[v];
    const m = Math.min(k, deg);
    if (m === 0) return 0;
    if (m < deg) {
      if (!s) throw new ParameterError('stream', s, `a stream to sample ${m} of ${deg} neighbours`);
      sampleWithoutReplacement(s, deg, m, this.pick, this.scratch);
    }
    for (let t = 0; t < m; t++) {
      const u = graph.neighbors[base + (m < deg ? this.pick[t] : t)];
      for (let f = 0; f < F; f++) out[a + f] += x[u * F + f];
    }
    for (let f = 0; f < F; f++) out[a + f] /= m;
    return m;
  }

  /** A batch of the given nodes with sampled aggregates (labels as targets); reuses `out`. */
  batch(nodes: ArrayLike<number>, count: number, k: number, s: Stream | null, out?: Batch): Batch {
    const F2 = 2 * this.data.features;
    const b = out && out.x.length >= count * F2 ? out : { x: new Float64Array(count * F2), y: new Float64Array(count), n: count };
    b.n = count;
    for (let i = 0; i < count; i++) {
      const v = nodes[i];
      this.row(v, k, s, b.x, i * F2);
      b.y[i] = this.data.labels[v];
    }
    return b;
  }
}

/** The nodes as a dataset with full-neighbourhood aggregates (k = ∞): the target of neighbour sampling. */
export function fullAggregateDataset(data: GraphData): Dataset {
  const N = data.graph.nodes;
  const sampler = new NeighborSampler(data);
  const all = Int32Array.from({ length: N }, (_, v) => v);
  const b = sampler.batch(all, N, Infinity, null);
  return { name: `${data.name}, [x_v ‖ mean of all neighbours]`, x: b.x, y: b.y, n: N, inputShape: [2 * data.features], targetSize: 1, task: 'classification', classes: data.classes };
}

/** tr C_v: total variance of node v's neighbours' features (deg − 1 denominator; 0 below 2 neighbours). */
export function neighborFeatureCovariance(data: GraphData, v: number): Float64Array {
  const { graph, x, features: F } = data;
  const deg = degreeOf(graph, v);
  const C = new Float64Array(F * F);
  if (deg < 2) return C;
  const base = graph.offsets[v];
  const mean = new Float64Array(F);
  for (let t = 0; t < deg; t++) for (let f = 0; f < F; f++) mean[f] += x[graph.neighbors[base + t] * F + f] / deg;
  for (let t = 0; t < deg; t++) {
    const u = graph.neighbors[base + t];
    for (let f = 0; f < F; f++) for (let g = 0; g < F; g++) C[f * F + g] += ((x[u * F + f] - mean[f]) * (x[u * F + g] - mean[g])) / (deg - 1);
  }
  return C;
}

/** The finite-population factor of the sampled mean: 1/min(k, deg) − 1/deg (0 when all are used or deg = 0). */
export function withoutReplacementFactor(k: number, deg: number): number {
  if (deg === 0) return 0;
  return 1 / Math.min(k, deg) - 1 / deg;
}

/** With replacement: (deg − 1)/(deg·k), never 0. */
export function withReplacementFactor(k: number, deg: number): number {
  if (deg === 0) return 0;
  return (deg - 1) / (deg * k);
}

export interface SamplingSensitivity {
  /** tr(J_v C_v J_vᵀ) per node: the first-order neighbour-sampling noise per unit factor. */
  perNode: Float64Array;
  /** tr C_v per node (the aggregate's own noise per unit factor). */
  trC: Float64Array;
}

/**
 * J_v = ∂g_v/∂a_v by central differences of the per-node gradients in every aggregate input,
 * at the full-neighbourhood aggregates; returns tr(J_v C_v J_vᵀ) and tr C_v per node.
 */
export function samplingSensitivity(model: Sequential, params: Float64Array, data: GraphData, h = 1e-5): SamplingSensitivity {
  const full = fullAggregateDataset(data);
  const N = full.n;
  const F = data.features;
  const P = model.paramCount;
  const x = Float64Array.from(full.x);
  const batch: Batch = { x, y: full.y, n: N };
  const J = new Float64Array(N * F * P);
  for (let f = 0; f < F; f++) {
    const col = F + f;
    for (let v = 0; v < N; v++) x[v * 2 * F + col] += h;
    const gp = Float64Array.from(model.perExample(params, batch, { train: false }).gradients as Float64Array);
    for (let v = 0; v < N; v++) x[v * 2 * F + col] -= 2 * h;
    const gm = model.perExample(params, batch, { train: false }).gradients as Float64Array;
    for (let v = 0; v < N; v++) x[v * 2 * F + col] += h;
    for (let v = 0; v < N; v++) for (let j = 0; j < P; j++) J[(v * F + f) * P + j] = (gp[v * P + j] - gm[v * P + j]) / (2 * h);
  }
  const perNode = new Float64Array(N);
  const trC = new Float64Array(N);
  for (let v = 0; v < N; v++) {
    const C = neighborFeatureCovariance(data, v);
    let s = 0;
    for (let f = 0; f < F; f++) {
      trC[v] += C[f * F + f];
      for (let g = 0; g < F; g++) {
        const c = C[f * F + g];
        if (c === 0) continue;
        let dot = 0;
        const a = (v * F + f) * P;
        const b = (v * F + g) * P;
        for (let j = 0; j < P; j++) dot += J[a + j] * J[b + j];
        s += c * dot;
      }
    }
    perNode[v] = s;
  }
  return { perNode, trC };
}

export interface NeighborNoise {
  k: number;
  /** E_v tr Var_S g_v: the neighbour-sampling noise of one node's gradient (unbiased over the draws). */
  neighborVariance: number;
  neighborVarianceSE: number;
  /** tr Σ_node: the spread over nodes of E_S g_v (1/N, corrected for the draws' own noise). */
  nodeVariance: number;
  nodeVarianceSE: number;
  /** E_v tr Var_S a_v of the aggregates themselves, and its exact value Σ tr C_v·(1/k − 1/deg)/N. */
  aggregateVariance: number;
  aggregateVarianceSE: number;
  aggregateTheory: number;
  /** Nodes whose degree is ≤ k (they use all their neighbours: no sampling noise). */
  nodesUsingAll: number;
  /** E_v min(k, deg v): neighbours read per node. */
  meanNeighborsUsed: number;
  draws: number;
}

/**
 * At fixed parameters, draw `draws` neighbour samples for every node at budget k, compute every
 * draw's per-node gradient, and split the noise by the law of total variance (jackknife SEs over
 * groups of nodes).
 */
export function neighborSamplingNoise(model: Sequential, params: Float64Array, data: GraphData, o: { k: number; draws: number; stream: Stream; groups?: number }): NeighborNoise {
  assertNeighborBudget(o.k);
  const K = o.draws;
  assertInteger('draws', K, { min: 2 });
  const N = data.graph.nodes;
  const F = data.features;
  const P = model.paramCount;
  const sampler = new NeighborSampler(data);
  const chunk = Math.max(1, Math.floor(512 / K));
  const within = new Float64Array(N);
  const aggWithin = new Float64Array(N);
  const means = new Float64Array(N * P);
  const rows = new Int32Array(chunk * K);
  let batch: Batch | undefined;
  let nodesUsingAll = 0;
  let used = 0;
  let aggTheory = 0;
  for (let v = 0; v < N; v++) {
    const deg = degreeOf(data.graph, v);
    if (deg <= o.k) nodesUsingAll++;
    used += Math.min(o.k, deg);
    aggTheory += withoutReplacementFactor(o.k, deg) * traceOf(neighborFeatureCovariance(data, v), F);
  }
  for (let a0 = 0; a0 < N; a0 += chunk) {
    const a1 = Math.min(N, a0 + chunk);
    const n = (a1 - a0) * K;
    for (let v = a0; v < a1; v++) for (let d = 0; d < K; d++) rows[(v - a0) * K + d] = v;
    const s = o.stream.child(a0);
    batch = sampler.batch(rows, n, o.k, s, batch);
    const g = model.perExample(params, batch, { train: false }).gradients as Float64Array;
    for (let v = a0; v < a1; v++) {
      const r0 = (v - a0) * K;
      let w = 0;
      for (let j = 0; j < P; j++) {
        let m = 0;
        for (let d = 0; d < K; d++) m += g[(r0 + d) * P + j];
        m /= K;
        means[v * P + j] = m;
        for (let d = 0; d < K; d++) w += (g[(r0 + d) * P + j] - m) ** 2;
      }
      within[v] = w / (K - 1);
      let wa = 0;
      for (let f = 0; f < F; f++) {
        let m = 0;
        for (let d = 0; d < K; d++) m += batch.x[(r0 + d) * 2 * F + F + f];
        m /= K;
        for (let d = 0; d < K; d++) wa += (batch.x[(r0 + d) * 2 * F + F + f] - m) ** 2;
      }
      aggWithin[v] = wa / (K - 1);
    }
  }
  const G = Math.min(o.groups ?? 20, N);
  const stats = (skip: number) => {
    const lo = skip < 0 ? 0 : Math.floor((skip * N) / G);
    const hi = skip < 0 ? 0 : Math.floor(((skip + 1) * N) / G);
    const n = N - (hi - lo);
    let w = 0;
    let wa = 0;
    let mm = 0;
    const mean = new Float64Array(P);
    for (let v = 0; v < N; v++) {
      if (v >= lo && v < hi) continue;
      w += within[v];
      wa += aggWithin[v];
      for (let j = 0; j < P; j++) {
        const m = means[v * P + j];
        mean[j] += m;
        mm += m * m;
      }
    }
    let g2 = 0;
    for (let j = 0; j < P; j++) g2 += (mean[j] / n) ** 2;
    const nb = w / n;
    // the per-node means of K draws spread by their own noise nb/K too
    return { nb, node: mm / n - g2 - nb / K, agg: wa / n };
  };
  const all = stats(-1);
  const loo = Array.from({ length: G }, (_, g) => stats(g));
  return {
    k: o.k,
    neighborVariance: all.nb,
    neighborVarianceSE: jackknifeSE(loo.map((s) => s.nb)),
    nodeVariance: all.node,
    nodeVarianceSE: jackknifeSE(loo.map((s) => s.node)),
    aggregateVariance: all.agg,
    aggregateVarianceSE: jackknifeSE(loo.map((s) => s.agg)),
    aggregateTheory: aggTheory / N,
    nodesUsingAll,
    meanNeighborsUsed: used / N,
    draws: K,
  };
}

function traceOf(C: Float64Array, F: number): number {
  let t = 0;
  for (let f = 0; f < F; f++) t += C[f * F + f];
  return t;
}

/** Forward multiply-adds of one step on B nodes: aggregation (F per neighbour read) and the dense layers. */
export function costPerStep(model: Sequential, data: GraphData, k: number, batchSize: number): number {
  assertNeighborBudget(k);
  const N = data.graph.nodes;
  let used = 0;
  for (let v = 0; v < N; v++) used += Math.min(k, degreeOf(data.graph, v));
  const dense = model.paramRanges().filter((r) => r.block === 'weight').reduce((a, r) => a + r.size, 0);
  return batchSize * (data.features * (used / N) + dense);
}
