/**
 * Noisy ensembles of 10⁵ particles on f = xy for 100 steps (η = 0.1, σ = 0.1): nanoseconds per
 * particle-step of simultaneous GDA (through tensor's Euler–Maruyama ensemble, and through the fused
 * linear-game kernel), alternating GDA, extragradient and optimistic GDA (fused kernels, noise from
 * core's block-wise EnsembleNoise), against the same updates in NumPy (vectorised over particles,
 * preallocated buffers, one thread) measured in the same run. Target: parity with NumPy (≥ 1x).
 */
import { Stream } from '@snrlab/core';
import { bilinearGame, runGameEnsemble, type MethodName } from '@snrlab/gan-dynamics';
import { PY_TIMER, python, report, timeIt, type Row } from '../../../tools/bench/harness';

const N = 100_000;
const STEPS = 100;
const eta = 0.1;
const sigma = 0.1;
const game = bilinearGame([[1]]);
const ns = (seconds: number) => (seconds / (N * STEPS)) * 1e9;

const py = python(`${PY_TIMER}
n, steps, eta, s = ${N}, ${STEPS}, ${eta}, ${sigma}
g = np.random.default_rng(1)
x = np.full(n, 0.7071); y = np.full(n, 0.7071)
xi = np.empty((4, n)); gx = np.empty(n); gy = np.empty(n); wx = np.empty(n); wy = np.empty(n)
# f = xy: x descends ∇ₓf = y, y ascends ∇ᵧf = x; every gradient gets σξ
def sim():
    for _ in range(steps):
        g.standard_normal(out=xi[:2])
        np.multiply(xi[0], s, out=gx); np.add(gx, y, out=gx)
        np.multiply(xi[1], s, out=gy); np.add(gy, x, out=gy)
        np.multiply(gx, eta, out=gx); np.subtract(x, gx, out=x)
        np.multiply(gy, eta, out=gy); np.add(y, gy, out=y)
def alt():
    for _ in range(steps):
        g.standard_normal(out=xi[:2])
        np.multiply(xi[0], s, out=gx); np.add(gx, y, out=gx); np.multiply(gx, eta, out=gx); np.subtract(x, gx, out=x)
        np.multiply(xi[1], s, out=gy); np.add(gy, x, out=gy); np.multiply(gy, eta, out=gy); np.add(y, gy, out=y)
def eg():
    for _ in range(steps):
        g.standard_normal(out=xi)
        np.multiply(xi[0], s, out=gx); np.add(gx, y, out=gx); np.multiply(xi[1], s, out=gy); np.add(gy, x, out=gy)
        np.multiply(gx, -eta, out=wx); np.add(wx, x, out=wx); np.multiply(gy, eta, out=wy); np.add(wy, y, out=wy)
        np.multiply(xi[2], s, out=gx); np.add(gx, wy, out=gx); np.multiply(xi[3], s, out=gy); np.add(gy, wx, out=gy)
        np.multiply(gx, eta, out=gx); np.subtract(x, gx, out=x); np.multiply(gy, eta, out=gy); np.add(y, gy, out=y)
print(json.dumps({"simultaneous": best(sim, 3) / (n * steps) * 1e9, "alternating": best(alt, 3) / (n * steps) * 1e9, "extragradient": best(eg, 3) / (n * steps) * 1e9}))`);

const rows: Row[] = [];
const runs: [string, MethodName, boolean][] = [
  ['simultaneous (tensor EM kernel)', 'simultaneous', true],
  ['simultaneous (fused kernel)', 'simultaneous', false],
  ['alternating', 'alternating', false],
  ['extragradient', 'extragradient', false],
  ['optimistic', 'optimistic', false],
];
for (const [label, method, useEmStep] of runs) {
  const t = timeIt(
    () =>
      runGameEnsemble({ method, useEmStep, learningRateX: eta, learningRateY: eta, game, z0: [Math.SQRT1_2, Math.SQRT1_2], steps: STEPS, particles: N, noise: { kind: 'gaussian', sigma }, stream: Stream.fromSeed(1), recordEvery: STEPS }),
    { minSeconds: 0, repeats: 3, warmup: 1 },
  );
  const base = py?.[method];
  rows.push({ benchmark: label, value: ns(t), unit: 'ns/particle-step', baseline: base, baselineName: 'NumPy', better: 'lower', target: base === undefined ? '' : '≥ 1x' });
}
report('Noisy game ensembles, 10^5 particles × 100 steps on f = xy', rows);
