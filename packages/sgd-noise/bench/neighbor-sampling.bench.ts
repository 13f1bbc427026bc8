/**
 * One GraphSAGE mini-batch with neighbour sampling: for B = 1024 nodes of a stochastic block model
 * (N = 5000 nodes, mean degree 20, F = 32 features), sample k = 10 neighbours without replacement
 * per node, average their features, and compute the per-node gradient norms and the mean gradient
 * of the mean-aggregator layer ([x_v ‖ a_v] → 8 classes, softmax cross-entropy). The NumPy baseline
 * does the same work on a statistically identical graph (vectorised sampling: k smallest random keys
 * per padded neighbour row). Target: no slower than NumPy.
 */
import { Stream } from '@snrlab/core';
import { graphData, NeighborSampler, softmaxRegression } from '@snrlab/sgd-noise';
import { PY_TIMER, python, report, timeIt, type Row } from '../../../tools/bench/harness';

const N = 5000;
const B = 1024;
const K = 10;
const F = 32;
const C = 8;
const s = Stream.fromSeed(1);
const data = graphData({ kind: 'sbm', nodes: N, classes: C, meanDegree: 20, features: F, stream: s.child('graph') });
const sampler = new NeighborSampler(data);
const model = softmaxRegression(2 * F, C);
const params = model.init(s.child('init')).map((_, j) => 0.01 * Math.sin(j));
const nodes = Int32Array.from({ length: B }, (_, i) => (i * 4889) % N);
const draw = s.child('draws');
let batch = sampler.batch(nodes, B, K, draw);

const py = python(`${PY_TIMER}
rng = np.random.default_rng(1)
N, B, K, F, C = ${N}, ${B}, ${K}, ${F}, ${C}
blocks = np.arange(N) * C // N
p_in = 0.8 * 20 / (N / C - 1); p_out = 0.2 * 20 / (N - N / C)
adj = [[] for _ in range(N)]
for v in range(N):
    p = np.where(blocks[v + 1:] == blocks[v], p_in, p_out)
    for u in (v + 1 + np.nonzero(rng.random(N - v - 1) < p)[0]).tolist():
        adj[v].append(u); adj[u].append(v)
maxdeg = max(len(a) for a in adj)
nbr = np.full((N, maxdeg), -1)
for v in range(N):
    nbr[v, :len(adj[v])] = adj[v]
X = rng.standard_normal((N, F)); y = blocks
W = np.sin(np.arange(2 * F * C) * 1.0).reshape(2 * F, C) * 0.01; b = np.sin(np.arange(2 * F * C, 2 * F * C + C) * 1.0) * 0.01
nodes = (np.arange(B) * 4889) % N
def step():
    rows = nbr[nodes]
    keys = rng.random(rows.shape); keys[rows < 0] = np.inf
    pick = np.argpartition(keys, K - 1, axis=1)[:, :K]
    chosen = np.take_along_axis(rows, pick, 1)
    valid = chosen >= 0
    cnt = np.maximum(valid.sum(1), 1)
    a = (X[np.where(valid, chosen, 0)] * valid[:, :, None]).sum(1) / cnt[:, None]
    u = np.concatenate([X[nodes], a], 1)
    z = u @ W + b; z -= z.max(1, keepdims=True); pr = np.exp(z); pr /= pr.sum(1, keepdims=True)
    d = pr; d[np.arange(B), y[nodes]] -= 1
    dd = (d * d).sum(1)
    sq = (u * u).sum(1) * dd + dd
    g = (u.T @ d / B, d.mean(0))
    return sq, g
print(json.dumps({"step": best(step, 7)}))`);

const rows: Row[] = [];
const tSample = timeIt(() => {
  batch = sampler.batch(nodes, B, K, draw, batch);
}, { minSeconds: 0.3, repeats: 5 });
const tGrad = timeIt(() => model.perExample(params, batch, { train: false, gradients: false, sqNorms: true }), { minSeconds: 0.3, repeats: 5 });
rows.push({ benchmark: `sample k = ${K} of ~20 neighbours and aggregate F = ${F}, B = ${B} nodes`, value: tSample * 1e3, unit: 'ms', better: 'lower' });
rows.push({ benchmark: 'per-node gradient norms + mean gradient of the aggregator layer', value: tGrad * 1e3, unit: 'ms', better: 'lower' });
rows.push({ benchmark: 'one neighbour-sampled GraphSAGE step (sampling + gradients)', value: (tSample + tGrad) * 1e3, unit: 'ms', baseline: py ? py.step * 1e3 : undefined, baselineName: 'NumPy', better: 'lower', target: '≥ 1x' });
report('GraphSAGE neighbour sampling (sgd-noise)', rows);
