/**
 * Overdamped Langevin dynamics in the double well U = x⁴/4 − x²/2 at T = 0.5:
 * dx = (x − x³) dt + √(2T) dW, 10^6 particles × 100 steps of Euler–Maruyama through
 * `solve` on the 'js' backend (the fused tensor kernel), in ns per particle-step, against the
 * same loop vectorised in NumPy (preallocated buffers, one core) measured in the same run, in
 * alternating rounds (best of each).
 * Target: ≥ 2× NumPy. SRA1 and BAOAB (this package's own kernels) are timed for reference.
 */
import { Stream } from '@snrlab/core';
import { baoab, doubleWell, eulerMaruyama, langevinProblem, solve, sra1 } from '@snrlab/langevin-sde';
import { getBackend } from '@snrlab/tensor';
import { interleaved, once, PY_TIMER, python, report, timeIt, type Row } from '../../../tools/bench/harness';

const N = 1_000_000;
const STEPS = 100;
const dt = 0.01;
const T = 0.5;
const ns = (seconds: number, steps = STEPS, n = N) => (seconds / (n * steps)) * 1e9;

const numpy = `${PY_TIMER}
n, steps, dt, s = ${N}, ${STEPS}, ${dt}, ${Math.sqrt(2 * T)} * ${Math.sqrt(dt)}
g = np.random.default_rng(1)
x = np.full(n, -1.0); buf = np.empty(n); t = np.empty(n)
def run():
    for _ in range(steps):
        g.standard_normal(out=buf); np.multiply(buf, s, out=buf)
        np.multiply(x, x, out=t); np.multiply(t, x, out=t); np.subtract(t, x, out=t); np.multiply(t, -dt, out=t)  # dt·(x − x³)
        np.add(x, t, out=x); np.add(x, buf, out=x)
print(json.dumps({"s": best(run, 1)}))`;

const js = await getBackend('js');
const problem = langevinProblem({ potential: doubleWell(), temperature: T, x0: -1, tspan: [0, STEPS * dt] });
const rows: Row[] = [];
// alternating rounds, best of each; every contender gets one unmeasured run per round
const ROUNDS = 5;
const t = await interleaved(ROUNDS, {
  numpy: () => python(numpy)?.s ?? null,
  em: () => once(() => solve(problem, eulerMaruyama, { dt, ensemble: N, stream: Stream.fromSeed(1), backend: js, keepFinal: false }), 1),
});
const base = t.numpy === undefined ? undefined : ns(t.numpy);
rows.push({ benchmark: `Euler–Maruyama, js backend, one core (best of ${ROUNDS} rounds)`, value: ns(t.em!), unit: 'ns/particle-step', baseline: base, baselineName: 'NumPy', better: 'lower', target: '≥ 2x' });

const sra = timeIt(() => solve(problem, sra1, { dt, ensemble: N, stream: Stream.fromSeed(1), keepFinal: false }), { minSeconds: 0, repeats: 2, warmup: 1 });
rows.push({ benchmark: 'SRA1 (strong order 1.5), one core', value: ns(sra), unit: 'ns/particle-step', better: 'lower' });

const under = langevinProblem({ potential: doubleWell(), temperature: T, mass: 1, x0: -1, tspan: [0, STEPS * dt] });
const ba = timeIt(() => solve(under, baoab, { dt, ensemble: N, stream: Stream.fromSeed(1), keepFinal: false }), { minSeconds: 0, repeats: 2, warmup: 1 });
rows.push({ benchmark: 'BAOAB (underdamped, q and p), one core', value: ns(ba), unit: 'ns/particle-step', better: 'lower' });

report('Overdamped Langevin in the double well, 10^6 particles × 100 steps', rows);
