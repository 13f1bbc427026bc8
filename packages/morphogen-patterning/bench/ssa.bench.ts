/**
 * RDME throughput on a 1-D lattice of 100 voxels holding about 10⁴ molecules: exact SSA events
 * per second (next-subvolume method) and CLE steps per second, each beside a NumPy baseline
 * measured in the same run (the direct method, one event per Python iteration with vectorised
 * propensity sums; and a vectorised Euler–Maruyama CLE step).
 * Run after building core and this package: node tools/bench/run-all.mjs morphogen-patterning
 */
import { Stream } from '@snrlab/core';
import { ChemicalLangevinSimulator, createProblem, NextSubvolumeSSA, rdmeFromProblem, stationaryMean } from '@snrlab/morphogen-patterning';
import { python, PY_TIMER, report, timeIt } from '../../../tools/bench/harness.js';

const V = 100;
const D = 1;
const k = 0.01;
const rate = 10; // molecules/s in each of the 10 source voxels: Σb/k = 10⁴ molecules
const model = rdmeFromProblem(createProblem({ D, k, h: 1, length: V, source: (x) => (x < 10 ? rate : 0) }));
const mu = stationaryMean(model);
const init = Array.from(mu, Math.round);
const total = init.reduce((a, b) => a + b, 0);

// SSA: events per second at stationarity
const ssa = new NextSubvolumeSSA(model, Stream.fromSeed(1), init);
ssa.advance(100);
let before = 0;
const chunk = 20; // simulated seconds per call: ≈ 4·10⁵ events
const secondsPerCall = timeIt(
  () => {
    before = ssa.events;
    ssa.advance(ssa.time + chunk);
  },
  { minSeconds: 0.5, repeats: 5 },
);
const eventsPerCall = ssa.events - before;
const ssaRate = eventsPerCall / secondsPerCall;

// CLE: steps per second (each step updates all 100 voxels)
const cle = new ChemicalLangevinSimulator(model, Stream.fromSeed(2), init, { dt: 0.01 });
const stepsPerCall = 2000;
const cleSeconds = timeIt(() => cle.advance(cle.time + stepsPerCall * cle.dt), { minSeconds: 0.5, repeats: 5 });
const cleRate = stepsPerCall / cleSeconds;

const py = python(`${PY_TIMER}
V = ${V}; D = ${D}; k = ${k}; rate = ${rate}
d = D
rng = np.random.default_rng(1)
b = np.zeros(V); b[:10] = rate
n = np.array([${init.join(',')}], dtype=np.int64)
left = np.ones(V); left[0] = 0
right = np.ones(V); right[-1] = 0

def direct(events):
    # Gillespie's direct method: 4V channels (birth, decay, jump left, jump right)
    t = 0.0
    for _ in range(events):
        a = np.concatenate((b, k * n, d * left * n, d * right * n))
        c = np.cumsum(a)
        a0 = c[-1]
        t += rng.exponential(1.0 / a0)
        j = int(np.searchsorted(c, rng.random() * a0, side='right'))
        ch, i = divmod(j, V)
        if ch == 0: n[i] += 1
        elif ch == 1: n[i] -= 1
        elif ch == 2: n[i] -= 1; n[i - 1] += 1
        else: n[i] -= 1; n[i + 1] += 1

E = 20000
ssa_s = best(lambda: direct(E), repeats=3)

x = n.astype(np.float64)
dt = 0.01
def cle(steps):
    global x
    for _ in range(steps):
        xp = np.maximum(x, 0.0)
        z = rng.standard_normal((5, V))
        birth = b * dt + np.sqrt(b * dt) * z[0]
        decay = k * xp * dt + np.sqrt(k * xp * dt) * z[1]
        jl = left * (d * xp * dt + np.sqrt(d * xp * dt) * z[2])
        jr = right * (d * xp * dt + np.sqrt(d * xp * dt) * z[3])
        x = x + birth - decay - jl - jr
        x[:-1] += jl[1:]
        x[1:] += jr[:-1]

S = 2000
cle_s = best(lambda: cle(S), repeats=3)
print(json.dumps({"ssa": E / ssa_s, "cle": S / cle_s}))
`);

report(`RDME on a 1-D lattice of ${V} voxels, ${total} molecules`, [
  {
    benchmark: 'SSA events/s (next-subvolume, one core)',
    value: ssaRate,
    unit: 'events/s',
    ...(py ? { baseline: py.ssa, baselineName: 'NumPy direct method' } : {}),
    better: 'higher',
    target: '≥ 5e6 events/s',
  },
  {
    benchmark: `CLE steps/s (${V} voxels per step)`,
    value: cleRate,
    unit: 'steps/s',
    ...(py ? { baseline: py.cle, baselineName: 'NumPy Euler–Maruyama' } : {}),
    better: 'higher',
  },
]);
