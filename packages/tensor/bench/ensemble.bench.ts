/**
 * Euler–Maruyama on 10^6 particles for 100 steps of dx = −x dt + √(2T dt) ξ: nanoseconds per
 * particle-step for each backend, against the same loop in NumPy (preallocated buffers, one
 * core) measured in the same run, in alternating rounds (best of each). Targets: js ≥ 2× NumPy
 * on one core; ≥ 3.5× with both cores.
 */
import { availableParallelism } from 'node:os';
import { Stream, WorkerPool } from '@snrlab/core';
import { getBackend, runEnsemble, runEnsembleParallel, detectBackends } from '@snrlab/tensor';
import { interleaved, once, PY_TIMER, python, report, timeIt, type Row } from '../../../tools/bench/harness';

const N = 1_000_000;
const STEPS = 100;
const dt = 0.01;
const T = 0.5;
const sigma = Math.sqrt(2 * T);
const drift = { kind: 'linear', rate: 1 } as const;
const x = new Float64Array(N);
const ns = (seconds: number, steps: number, n = N) => (seconds / (n * steps)) * 1e9;

const rows: Row[] = [];
const numpy = `${PY_TIMER}
n, steps, dt, s = ${N}, ${STEPS}, ${dt}, ${sigma} * ${Math.sqrt(dt)}
g = np.random.default_rng(1)
x = np.zeros(n); buf = np.empty(n)
def run():
    for _ in range(steps):
        g.standard_normal(out=buf); np.multiply(buf, s, out=buf); np.multiply(x, 1 - dt, out=x); np.add(x, buf, out=x)
print(json.dumps({"s": best(run, 1)}))`;

const workers = Math.min(2, availableParallelism());
const pool = new WorkerPool({ workers });
const oneCore = () => runEnsemble({ x, n: N, d: 1, drift, dt, steps: STEPS, sigma, stream: Stream.fromSeed(1) });
const pooled = () => runEnsembleParallel(pool, { x, n: N, d: 1, drift, dt, steps: STEPS, sigma, stream: Stream.fromSeed(1) });
await pooled(); // starts the workers and compiles their kernels
// every contender gets one unmeasured run per round, as NumPy's best(run, 1) does
const ROUNDS = 5;
const t = await interleaved(ROUNDS, {
  numpy: () => python(numpy)?.s ?? null,
  js: () => once(oneCore, 1),
  pool: async () => {
    await pooled();
    const t0 = performance.now();
    await pooled();
    return (performance.now() - t0) / 1000;
  },
});
await pool.close();
const base = t.numpy === undefined ? undefined : ns(t.numpy, STEPS);
rows.push({ benchmark: `js, one core (best of ${ROUNDS} interleaved rounds)`, value: ns(t.js!, STEPS), unit: 'ns/particle-step', baseline: base, baselineName: 'NumPy', better: 'lower', target: '≥ 2x' });
rows.push({ benchmark: `js, worker pool (${workers} workers)`, value: ns(t.pool!, STEPS), unit: 'ns/particle-step', baseline: base, baselineName: 'NumPy', better: 'lower', target: '≥ 3.5x' });

for (const r of await detectBackends()) {
  if (!r.available || r.name === 'js') continue;
  const b = await getBackend(r.name);
  const steps = 5; // TF.js round-trips float32 tensors each step: measure a few steps
  const t = timeIt(() => runEnsemble({ x, n: N, d: 1, drift, dt, steps, sigma, stream: Stream.fromSeed(1), backend: b }), { minSeconds: 0, repeats: 2, warmup: 1 });
  rows.push({ benchmark: `tfjs '${r.name}' (${steps} steps)`, value: ns(t, steps), unit: 'ns/particle-step', baseline: base, baselineName: 'NumPy', better: 'lower' });
}
report('Euler–Maruyama ensemble, 10^6 particles × 100 steps (OU)', rows);
