/**
 * Per-example gradient norms of an MLP 784-256-10 (ReLU, softmax cross-entropy) on a batch of 256,
 * and the full mini-batch noise trace trΣ over 10⁴ examples of the same MLP, against NumPy doing
 * the same computation (forward, backward, per-example norms |u_i|²|δ_i|² and the mean gradient)
 * in the same run. Inputs are dense Gaussian (no zeros for a kernel to skip). Target: no slower
 * than NumPy.
 */
import { Stream } from '@snrlab/core';
import { getBackend } from '@snrlab/tensor';
import { mlp, noiseTrace, type Dataset } from '@snrlab/sgd-noise';
import { PY_TIMER, python, report, timeIt, type Row } from '../../../tools/bench/harness';

const B = 256;
const N = 10_000;
const s = Stream.fromSeed(1);
const x = s.child('x').fillNormal(new Float64Array(N * 784));
const y = new Float64Array(N).map((_, i) => i % 10);
const data: Dataset = { name: 'gaussian 784', x, y, n: N, inputShape: [784], targetSize: 1, task: 'classification', classes: 10 };
const batch = { x: x.subarray(0, B * 784), y: y.subarray(0, B), n: B };
const model = mlp([784, 256, 10]);
const params = model.init(s.child('init'));

const py = python(`${PY_TIMER}
rng = np.random.default_rng(1)
N, B = ${N}, ${B}
X = rng.standard_normal((N, 784)); y = np.arange(N) % 10
W1 = rng.standard_normal((784, 256)) * np.sqrt(2 / 784); b1 = np.zeros(256)
W2 = rng.standard_normal((256, 10)) * np.sqrt(1 / 256); b2 = np.zeros(10)
def norms(Xb, yb):
    n = Xb.shape[0]
    z1 = Xb @ W1 + b1; a1 = np.maximum(z1, 0)
    z2 = a1 @ W2 + b2
    z2 = z2 - z2.max(axis=1, keepdims=True); p = np.exp(z2); p /= p.sum(axis=1, keepdims=True)
    d2 = p; d2[np.arange(n), yb] -= 1
    d1 = (d2 @ W2.T) * (z1 > 0)
    dd2 = (d2 * d2).sum(1); dd1 = (d1 * d1).sum(1)
    sq = (a1 * a1).sum(1) * dd2 + dd2 + (Xb * Xb).sum(1) * dd1 + dd1
    g = (Xb.T @ d1 / n, d1.mean(0), a1.T @ d2 / n, d2.mean(0))
    return sq, g
def trace(chunk=1000):
    sq = 0.0; G = None
    for a in range(0, N, chunk):
        s_, g = norms(X[a:a+chunk], y[a:a+chunk])
        sq += s_.sum(); w = min(chunk, N - a) / N
        G = [w * t for t in g] if G is None else [u + w * t for u, t in zip(G, g)]
    return sq / N - sum((t * t).sum() for t in G)
print(json.dumps({"norms": best(lambda: norms(X[:B], y[:B]), 7), "trace": best(trace, 3)}))`);

const rows: Row[] = [];
for (const name of ['js', 'wasm']) {
  try {
    model.backend = await getBackend(name);
  } catch (e) {
    console.log(`  (backend ${name} unavailable: ${(e as Error).message})`);
    continue;
  }
  const tNorms = timeIt(() => model.perExample(params, batch, { gradients: false, sqNorms: true }), { minSeconds: 0.5, repeats: 5 });
  rows.push({ benchmark: `per-example norms, MLP 784-256-10, B = 256 ('${name}' backend)`, value: tNorms * 1e3, unit: 'ms', baseline: py ? py.norms * 1e3 : undefined, baselineName: 'NumPy', better: 'lower', target: '≥ 1x' });
  const tTrace = timeIt(() => noiseTrace(model, params, data, { chunk: 1000 }), { minSeconds: 0, repeats: 3, warmup: 1 });
  rows.push({ benchmark: `noise trace over 10^4 examples ('${name}' backend)`, value: tTrace * 1e3, unit: 'ms', baseline: py ? py.trace * 1e3 : undefined, baselineName: 'NumPy', better: 'lower', target: '≥ 1x' });
}
report('Per-example gradients and the mini-batch noise trace (NumPy: OpenBLAS, one thread)', rows);
