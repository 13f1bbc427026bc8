/**
 * Euler–Maruyama on 10^6 particles for 100 steps of dx = −x dt + √(2T dt) ξ: nanoseconds per
 * particle-step for each backend, against the same loop in NumPy (preallocated buffers, one
 * core) measured in the same run. Targets: js ≥ 2× NumPy on one core; ≥ 3.5× with both cores.
 */
import { availableParallelism } from 'node:os';
import { Stream, WorkerPool } from '@snrlab/core';
import { getBackend, runEnsemble, runEnsembleParallel, detectBackends } from '@snrlab/tensor';
import { PY_TIMER, python, report, timeIt, timeItAsync, type Row } from '../../../tools/bench/harness';

const N = 1_000_000;
const STEPS = 100;
const dt = 0.01;
const T = 0.5;
const sigma = Math.sqrt(2 * T);
const drift = { kind: 'linear', rate: 1 } as const;
const x = new Float64Array(N);
const ns = (seconds: number, steps: number, n = N) => (seconds / (n * steps)) * 1e9;

const rows: Row[] = [];
const py = python(`${PY_TIMER}
n, steps, dt, s = ${N}, ${STEPS}, ${dt}, ${sigma} * ${Math.sqrt(dt)}
g = np.random.default_rng(1)
x = np.zeros(n); buf = np.empty(n)
def run():
    for _ in range(steps):
        g.standard_normal(out=buf); np.multiply(buf, s, out=buf); np.multiply(x, 1 - dt, out=x); np.add(x, buf, out=x)
print(json.dumps({"ns": best(run, 3) / (n * steps) * 1e9}))`);
const base = py?.ns;

const js = timeIt(() => runEnsemble({ x, n: N, d: 1, drift, dt, steps: STEPS, sigma, stream: Stream.fromSeed(1) }), { minSeconds: 0, repeats: 3, warmup: 1 });
rows.push({ benchmark: 'js, one core', value: ns(js, STEPS), unit: 'ns/particle-step', baseline: base, baselineName: 'NumPy', better: 'lower', target: '≥ 2x' });

const workers = Math.min(2, availableParallelism());
const pool = new WorkerPool({ workers });
const pooled = await timeItAsync(async () => {
  await runEnsembleParallel(pool, { x, n: N, d: 1, drift, dt, steps: STEPS, sigma, stream: Stream.fromSeed(1) });
});
await pool.close();
rows.push({ benchmark: `js, worker pool (${workers} workers)`, value: ns(pooled, STEPS), unit: 'ns/particle-step', baseline: base, baselineName: 'NumPy', better: 'lower', target: '≥ 3.5x' });

for (const r of await detectBackends()) {
  if (!r.available || r.name === 'js') continue;
  const b = await getBackend(r.name);
  const steps = 5; // TF.js round-trips float32 tensors each step: measure a few steps
  const t = timeIt(() => runEnsemble({ x, n: N, d: 1, drift, dt, steps, sigma, stream: Stream.fromSeed(1), backend: b }), { minSeconds: 0, repeats: 2, warmup: 1 });
  rows.push({ benchmark: `tfjs '${r.name}' (${steps} steps)`, value: ns(t, steps), unit: 'ns/particle-step', baseline: base, baselineName: 'NumPy', better: 'lower' });
}
report('Euler–Maruyama ensemble, 10^6 particles × 100 steps (OU)', rows);
