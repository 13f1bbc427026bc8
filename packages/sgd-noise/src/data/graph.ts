/**
 * Seeded synthetic graphs with node features and labels, for GraphSAGE-style neighbour sampling.
 *
 * - Stochastic block model: `blocks` equal communities; an edge joins two nodes of the same block
 *   with probability pIn and of different blocks with pOut. The label is the block.
 * - Power-law degrees (Chung–Lu): node v has weight w_v ∝ (v + v₀)^(−1/(γ − 1)), scaled to the
 *   mean degree; an edge joins u and v with probability min(1, w_u·w_v/Σw) times C·h for two
 *   nodes of the same label and C(1 − h)/(C − 1) otherwise (so a fraction h of the edges join
 *   equal labels: homophily h); labels are uniform over the C classes.
 * Features: x_v = separation·μ_label + N(0, I) with random unit class means μ. Graphs are simple
 * and undirected, stored as CSR (offsets, neighbours sorted).
 */
import { assertInRange, assertInteger, assertOneOf, ParameterError, type Stream } from '@snrlab/core';

export interface Graph {
  nodes: number;
  /** CSR: the neighbours of v are neighbors[offsets[v] .. offsets[v + 1]). */
  offsets: Int32Array;
  neighbors: Int32Array;
}

export interface GraphData {
  name: string;
  graph: Graph;
  /** Node features [nodes × features]. */
  x: Float64Array;
  features: number;
  labels: Int32Array;
  classes: number;
}

export const degreeOf = (g: Graph, v: number): number => g.offsets[v + 1] - g.offsets[v];

/** Degrees of every node. */
export function degrees(g: Graph): Int32Array {
  const d = new Int32Array(g.nodes);
  for (let v = 0; v < g.nodes; v++) d[v] = degreeOf(g, v);
  return d;
}

/** CSR from an edge list (u < v pairs, each once). */
function toCSR(nodes: number, us: number[], vs: number[]): Graph {
  const count = new Int32Array(nodes + 1);
  for (let e = 0; e < us.length; e++) {
    count[us[e] + 1]++;
    count[vs[e] + 1]++;
  }
  for (let v = 0; v < nodes; v++) count[v + 1] += count[v];
  const offsets = Int32Array.from(count);
  const fill = Int32Array.from(count.subarray(0, nodes));
  const neighbors = new Int32Array(2 * us.length);
  for (let e = 0; e < us.length; e++) {
    neighbors[fill[us[e]]++] = vs[e];
    neighbors[fill[vs[e]]++] = us[e];
  }
  for (let v = 0; v < nodes; v++) neighbors.subarray(offsets[v], offsets[v + 1]).sort();
  return { nodes, offsets, neighbors };
}

/** Each unordered pair once, kept with probability prob(u, v). */
function bernoulliGraph(nodes: number, prob: (u: number, v: number) => number, s: Stream): Graph {
  const us: number[] = [];
  const vs: number[] = [];
  for (let u = 0; u < nodes; u++) {
    for (let v = u + 1; v < nodes; v++) {
      if (s.uniform() < prob(u, v)) {
        us.push(u);
        vs.push(v);
      }
    }
  }
  return toCSR(nodes, us, vs);
}

function features(labels: Int32Array, classes: number, dim: number, separation: number, s: Stream): Float64Array {
  const ms = s.child('means');
  const means = new Float64Array(classes * dim);
  for (let c = 0; c < classes; c++) {
    let n = 0;
    for (let j = 0; j < dim; j++) {
      const v = ms.normal();
      means[c * dim + j] = v;
      n += v * v;
    }
    for (let j = 0; j < dim; j++) means[c * dim + j] *= separation / Math.sqrt(n);
  }
  const xs = s.child('features');
  const x = new Float64Array(labels.length * dim);
  for (let v = 0; v < labels.length; v++) for (let j = 0; j < dim; j++) x[v * dim + j] = means[labels[v] * dim + j] + xs.normal();
  return x;
}

export interface GraphDataOptions {
  kind: 'sbm' | 'power-law';
  nodes: number;
  /** Communities/classes (default 4). */
  classes?: number;
  /** Mean degree (default 12). */
  meanDegree?: number;
  /** SBM: fraction of a node's expected edges inside its block (default 0.8); power law: homophily h. */
  homophily?: number;
  /** Power law: degree exponent γ of P(deg) ∝ deg^(−γ) (default 2.5). */
  exponent?: number;
  /** Node features (default 8). */
  features?: number;
  /** Distance of the class means in units of the feature noise (default 1). */
  separation?: number;
  stream: Stream;
}

/** A seeded graph with features and labels (see the module comment). */
export function graphData(o: GraphDataOptions): GraphData {
  assertOneOf('graph', o.kind, ['sbm', 'power-law'] as const);
  assertInteger('nodes', o.nodes, { min: 4, max: 20_000 });
  const C = o.classes ?? 4;
  assertInteger('classes', C, { min: 2, max: o.nodes });
  const mean = o.meanDegree ?? 12;
  assertInRange('meanDegree', mean, 0, o.nodes - 1, { loOpen: true });
  const h = o.homophily ?? 0.8;
  assertInRange('homophily', h, 0, 1);
  const F = o.features ?? 8;
  assertInteger('features', F, { min: 1, max: 4096 });
  const sep = o.separation ?? 1;
  assertInRange('separation', sep, 0, 1e6);
  const N = o.nodes;
  const labels = new Int32Array(N);
  let graph: Graph;
  let name: string;
  if (o.kind === 'sbm') {
    for (let v = 0; v < N; v++) labels[v] = Math.floor((v * C) / N);
    const inside = N / C - 1;
    const outside = N - N / C;
    const pIn = (h * mean) / inside;
    const pOut = ((1 - h) * mean) / outside;
    if (pIn > 1) throw new ParameterError('meanDegree', mean, `at most ${(inside / h).toFixed(1)} (a block of ${N / C} nodes cannot give more edges inside at homophily ${h})`);
    graph = bernoulliGraph(N, (u, v) => (labels[u] === labels[v] ? pIn : pOut), o.stream.child('edges'));
    name = `stochastic block model (${N} nodes, ${C} blocks, p_in ${pIn.toPrecision(3)}, p_out ${pOut.toPrecision(3)})`;
  } else {
    const gamma = o.exponent ?? 2.5;
    assertInRange('exponent', gamma, 2, 10, { loOpen: true });
    const ls = o.stream.child('labels');
    for (let v = 0; v < N; v++) labels[v] = ls.integer(C);
    const w = new Float64Array(N);
    let W = 0;
    for (let v = 0; v < N; v++) {
      w[v] = Math.pow(v + 1, -1 / (gamma - 1));
      W += w[v];
    }
    const scale = (mean * N) / W;
    W = 0;
    for (let v = 0; v < N; v++) {
      w[v] *= scale;
      W += w[v];
    }
    graph = bernoulliGraph(N, (u, v) => Math.min(1, ((w[u] * w[v]) / W) * (labels[u] === labels[v] ? C * h : (C * (1 - h)) / (C - 1))), o.stream.child('edges'));
    name = `power-law graph (Chung–Lu, ${N} nodes, γ = ${gamma}, mean degree ${mean})`;
  }
  return { name, graph, x: features(labels, C, F, sep, o.stream), features: F, labels, classes: C };
}
