/**
 * Normals per second: core's Philox4x32-10 + 256-layer ziggurat against
 * @stdlib/random-base-normal and NumPy's standard_normal (PCG64 and Philox bit generators),
 * all on one core in the same run. Target: at least NumPy's rate.
 */
import stdNormal from '@stdlib/random-base-normal';
import { Stream, philoxImplementation } from '@snrlab/core';
import { PY_TIMER, python, report, timeIt } from '../../../tools/bench/harness';

const N = 1 << 22;
const out = new Float64Array(N);
const s = Stream.fromSeed(1);
const fill = timeIt(() => s.fillNormal(out));
let acc = 0;
const scalar = timeIt(() => {
  for (let i = 0; i < N; i++) acc += s.normal();
});
const uni = timeIt(() => s.fillUniform(out));
const std = stdNormal.factory(0, 1, { seed: 1 });
const stdT = timeIt(() => {
  for (let i = 0; i < N; i++) out[i] = std();
});
const py = python(`${PY_TIMER}
n = ${N}
a = np.empty(n)
g = np.random.default_rng(1)
p = np.random.Generator(np.random.Philox(1))
print(json.dumps({
  "pcg": n / best(lambda: g.standard_normal(out=a)),
  "philox": n / best(lambda: p.standard_normal(out=a)),
  "uniform": n / best(lambda: g.random(out=a)),
}))`);
if (acc === 42) console.log('');
const M = 1e6;
report(`Random numbers (Philox via ${philoxImplementation()})`, [
  { benchmark: 'normals: Stream.fillNormal', value: N / fill / M, unit: 'M/s', baseline: py?.pcg && py.pcg / M, baselineName: 'NumPy standard_normal (PCG64)', better: 'higher', target: '≥ 1x NumPy' },
  { benchmark: 'normals: Stream.fillNormal', value: N / fill / M, unit: 'M/s', baseline: py?.philox && py.philox / M, baselineName: 'NumPy standard_normal (Philox)', better: 'higher' },
  { benchmark: 'normals: Stream.fillNormal', value: N / fill / M, unit: 'M/s', baseline: N / stdT / M, baselineName: '@stdlib/random-base-normal', better: 'higher' },
  { benchmark: 'normals: stream.normal() one at a time', value: N / scalar / M, unit: 'M/s', baseline: py?.pcg && py.pcg / M, baselineName: 'NumPy standard_normal (PCG64)', better: 'higher' },
  { benchmark: 'uniforms (53-bit): Stream.fillUniform', value: N / uni / M, unit: 'M/s', baseline: py?.uniform && py.uniform / M, baselineName: 'NumPy random (PCG64)', better: 'higher' },
]);
