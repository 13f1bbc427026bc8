/**
 * The GPU benchmark: webgpu kernels against NumPy and against the js backend, measured in the
 * same run.
 * - Euler–Maruyama ensemble of 10^7 particles × 100 steps of dx = −x dt + √(2T) dW (OU);
 * - per-example gradient norms of an MLP 784-256-10 (ReLU, softmax cross-entropy) at B = 256, 1024;
 * - statevector layers (RY on every qubit, then a CNOT chain) at 20, 22 and 24 qubits.
 * On a fallback (software) adapter — SwiftShader in CI — it runs small sizes, prints
 * "fallback adapter: correctness only" and says nothing about speed. Either way it checks the
 * results (the OU variance law within 4 SE, the norms against js within tolerance) and exits 1 if
 * a check fails. Targets on a real GPU: ensemble ≥ 100× NumPy, per-example norms ≥ 10× NumPy.
 */
import { Moments, Stream } from '@snrlab/core';
import { acquireWebGPU, describeAdapter, ensembleEMJS, getKernel, mlpPerExampleNormsJS, prepareMLPNormsWebGPU, prepareStatevectorWebGPU, statevectorLayerJS, SV_GATE_ABS, type DenseLayer, type StatevectorGate } from '@snrlab/tensor';
import { interleaved, PY_TIMER, python, report, type Row } from '../../../tools/bench/harness';

const ctx = await acquireWebGPU().catch((e: unknown) => {
  console.log(`no WebGPU adapter: ${e instanceof Error ? e.message : String(e)}`);
  return null;
});
if (!ctx) process.exit(process.env.SNRLAB_REQUIRE_GPU === '1' ? 2 : 0);
const r = ctx.report;
const fallback = r.fallback || r.software;
console.log(`adapter: ${describeAdapter(r)}`);
console.log(JSON.stringify({ adapter: r }, null, 2));
if (process.env.SNRLAB_REQUIRE_NVIDIA === '1' && (fallback || !/nvidia/i.test(`${r.vendor} ${r.description}`))) {
  console.log('SNRLAB_REQUIRE_NVIDIA=1: this is not a non-fallback NVIDIA adapter; not running');
  process.exit(3);
}
if (fallback) console.log('\nfallback adapter: correctness only (small sizes; no speed is measured or claimed)');
let failed = 0;
const check = (ok: boolean, what: string) => {
  console.log(`${ok ? 'ok  ' : 'FAIL'} ${what}`);
  if (!ok) failed++;
};
// SNRLAB_GPU_BENCH_TIMED=1 runs the timing code at the small sizes too (to test this file on a fallback adapter)
const timed = !fallback || process.env.SNRLAB_GPU_BENCH_TIMED === '1';
if (fallback && timed) console.log('(SNRLAB_GPU_BENCH_TIMED=1: timings below are of an emulated adapter and say nothing about a GPU)');
const ROUNDS = fallback ? 1 : 3;

// ---- Euler–Maruyama ensemble (OU) -------------------------------------------------------------
{
  const N = fallback ? 20_000 : 10_000_000;
  const STEPS = fallback ? 20 : 100;
  const NJS = Math.min(N, 1_000_000); // js and NumPy: per particle-step, at up to 10^6 particles
  const dt = 0.01;
  const sigma = 1; // T = 1/2
  const drift = { kind: 'linear', rate: 1 } as const;
  const a = 1 - dt;
  const s2 = sigma * sigma * dt;
  const law = (s2 * (1 - a ** (2 * STEPS))) / (1 - a * a); // Var x_k from x_0 = 0
  const x = new Float64Array(N);
  const xj = new Float64Array(NJS);
  const gpu = getKernel('ensemble-em', 'webgpu');
  const numpy = `${PY_TIMER}
n, steps, dt, s = ${NJS}, ${STEPS}, ${dt}, ${sigma} * ${Math.sqrt(dt)}
g = np.random.default_rng(1)
x = np.zeros(n); buf = np.empty(n)
def run():
    for _ in range(steps):
        g.standard_normal(out=buf); np.multiply(buf, s, out=buf); np.multiply(x, 1 - dt, out=x); np.add(x, buf, out=x)
print(json.dumps({"s": best(run, 1)}))`;
  await gpu.run({ x, n: N, d: 1, drift, dt, sigma, steps: STEPS, stream: Stream.fromSeed(1) }); // compiles the pipeline
  const t = await interleaved(ROUNDS, {
    numpy: () => (timed ? (python(numpy)?.s ?? null) : null),
    js: () => {
      xj.fill(0);
      const t0 = performance.now();
      ensembleEMJS({ x: xj, n: NJS, d: 1, drift, dt, sigma, steps: STEPS, stream: Stream.fromSeed(1) });
      return (performance.now() - t0) / 1000;
    },
    webgpu: async () => {
      x.fill(0);
      const t0 = performance.now();
      await gpu.run({ x, n: N, d: 1, drift, dt, sigma, steps: STEPS, stream: Stream.fromSeed(1) });
      return (performance.now() - t0) / 1000;
    },
  });
  const m = Moments.of(x);
  check(Math.abs(m.variance - law) < 4 * m.varianceSE, `webgpu EM: Var x_${STEPS} = ${m.variance.toFixed(5)} ± ${m.varianceSE.toExponential(2)}, discrete law ${law.toFixed(5)} (4 SE)`);
  const mj = Moments.of(xj);
  check(Math.abs(mj.variance - law) < 4 * mj.varianceSE, `js EM: Var x_${STEPS} = ${mj.variance.toFixed(5)}, discrete law ${law.toFixed(5)} (4 SE)`);
  if (timed) {
    const ns = (sec: number, n: number) => (sec / (n * STEPS)) * 1e9;
    const base = t.numpy === undefined ? undefined : ns(t.numpy, NJS);
    const jsv = ns(t.js!, NJS);
    const gv = ns(t.webgpu!, N);
    const rows: Row[] = [
      { benchmark: `js, one core (${NJS} particles)`, value: jsv, unit: 'ns/particle-step', baseline: base, baselineName: 'NumPy', better: 'lower' },
      { benchmark: `webgpu (${N} particles, Float64Array in and out)`, value: gv, unit: 'ns/particle-step', baseline: base, baselineName: 'NumPy', better: 'lower', target: '≥ 100x' },
      { benchmark: `webgpu against js`, value: gv, unit: 'ns/particle-step', baseline: jsv, baselineName: 'js', better: 'lower' },
    ];
    report(`Euler–Maruyama ensemble, ${N} particles × ${STEPS} steps (OU), ${describeAdapter(r)}`, rows);
  }
}

// ---- per-example gradient norms, MLP 784-256-10 -----------------------------------------------
for (const B of fallback ? [16, 64] : [256, 1024]) {
  const st = Stream.fromSeed(7);
  const layer = (i: number, o: number): DenseLayer => ({ in: i, out: o, W: st.fillNormal(new Float64Array(i * o), 0, Math.sqrt(2 / i)), b: st.fillNormal(new Float64Array(o), 0, 0.01) });
  const layers = [layer(784, 256), layer(256, 10)];
  const xb = st.fillUniform(new Float64Array(B * 784));
  const labels = Array.from({ length: B }, (_, i) => i % 10);
  const args = { x: xb, labels, layers, batch: B };
  const dev = await prepareMLPNormsWebGPU(args);
  const ref = mlpPerExampleNormsJS(args);
  const got = await dev.run();
  let worst = 0;
  for (let i = 0; i < B; i++) worst = Math.max(worst, Math.abs(got.norms[i] - ref.norms[i]) / (1e-5 + 1e-4 * ref.norms[i]));
  check(worst <= 1, `webgpu MLP per-example norms at B = ${B}: worst error ${worst.toFixed(3)} of the declared tolerance (relative 1e-4)`);
  if (!timed) {
    dev.destroy();
    continue;
  }
  const numpy = `${PY_TIMER}
B = ${B}
rng = np.random.default_rng(7)
W1 = rng.standard_normal((784, 256)) * np.sqrt(2/784); b1 = rng.standard_normal(256) * 0.01
W2 = rng.standard_normal((256, 10)) * np.sqrt(2/256); b2 = rng.standard_normal(10) * 0.01
X = rng.random((B, 784)); y = np.arange(B) % 10
def run():
    z1 = X @ W1 + b1; h1 = np.maximum(z1, 0); z2 = h1 @ W2 + b2
    z2 = z2 - z2.max(axis=1, keepdims=True); p = np.exp(z2); p /= p.sum(axis=1, keepdims=True)
    d2 = p; d2[np.arange(B), y] -= 1
    d1 = (d2 @ W2.T) * (z1 > 0)
    s2 = (d2 * d2).sum(1); s1 = (d1 * d1).sum(1)
    return (h1 * h1).sum(1) * s2 + s2 + (X * X).sum(1) * s1 + s1
print(json.dumps({"s": best(run, 5)}))`;
  const t = await interleaved(ROUNDS, {
    numpy: () => python(numpy)?.s ?? null,
    js: () => {
      const t0 = performance.now();
      mlpPerExampleNormsJS(args);
      return (performance.now() - t0) / 1000;
    },
    webgpu: async () => {
      const t0 = performance.now();
      await dev.run();
      return (performance.now() - t0) / 1000;
    },
  });
  dev.destroy();
  const ms = (sec: number) => sec * 1000;
  const base = t.numpy === undefined ? undefined : ms(t.numpy);
  report(`per-example gradient norms, MLP 784-256-10, B = ${B}, ${describeAdapter(r)}`, [
    { benchmark: 'js (float64, one core)', value: ms(t.js!), unit: 'ms/batch', baseline: base, baselineName: 'NumPy', better: 'lower' },
    { benchmark: 'webgpu (weights on the GPU; norms read back)', value: ms(t.webgpu!), unit: 'ms/batch', baseline: base, baselineName: 'NumPy', better: 'lower', target: '≥ 10x' },
    { benchmark: 'webgpu against js', value: ms(t.webgpu!), unit: 'ms/batch', baseline: ms(t.js!), baselineName: 'js', better: 'lower' },
  ]);
}

// ---- statevector layers: RY(θ_q) on every qubit, then CNOT(q, q+1) for q = 0 … n−2 -------------
for (const n of fallback ? [10, 12] : [20, 22, 24]) {
  const LAYERS = fallback ? 2 : n >= 24 ? 1 : 2;
  const dim = 2 ** n;
  const st = Stream.fromSeed(100 + n);
  const thetas = Array.from({ length: LAYERS * n }, () => 2 * Math.PI * st.uniform());
  const gates: StatevectorGate[] = [];
  for (let l = 0; l < LAYERS; l++) {
    for (let q = 0; q < n; q++) gates.push({ gate: 'ry', wires: [q], theta: thetas[l * n + q] });
    for (let q = 0; q + 1 < n; q++) gates.push({ gate: 'cnot', wires: [q, q + 1] });
  }
  // |+⟩^n as the start: every amplitude 2^(−n/2)
  const start = () => ({ re: new Float64Array(dim).fill(2 ** (-n / 2)), im: new Float64Array(dim) });
  const ref = start();
  const tj0 = performance.now();
  statevectorLayerJS({ ...ref, qubits: n, batch: 1, gates });
  const jsOnce = (performance.now() - tj0) / 1000;
  const s0 = start();
  const dev = await prepareStatevectorWebGPU(s0.re, s0.im, n, 1);
  await dev.apply(gates);
  const got = await dev.read();
  let e2 = 0;
  for (let i = 0; i < dim; i++) e2 += (got.re[i] - ref.re[i]) ** 2 + (got.im[i] - ref.im[i]) ** 2;
  const bound = SV_GATE_ABS * gates.length;
  check(Math.sqrt(e2) <= bound, `webgpu statevector layers, ${n} qubits, ${gates.length} gates: ‖ψ − ψ_js‖₂ = ${Math.sqrt(e2).toExponential(2)} (declared bound ${bound.toExponential(2)})`);
  dev.destroy();
  if (!timed) continue;
  const numpy = `${PY_TIMER}
n, L = ${n}, ${LAYERS}
th = np.array(${JSON.stringify(thetas)})
idx = np.arange(2**n)
perms = [idx ^ (((idx >> q) & 1) << (q + 1)) for q in range(n - 1)]
def run():
    psi = np.full(2**n, 2**(-n/2), dtype=np.complex128)
    for l in range(L):
        for q in range(n):
            c, s = np.cos(th[l*n+q]/2), np.sin(th[l*n+q]/2)
            v = psi.reshape(2**(n-1-q), 2, 2**q)
            a = v[:, 0, :].copy(); b = v[:, 1, :]
            v[:, 0, :] = c*a - s*b
            v[:, 1, :] = s*a + c*b
        for q in range(n - 1):
            psi = psi[perms[q]]
    return psi
print(json.dumps({"s": best(run, ${n >= 24 ? 1 : 3})}))`;
  const t = await interleaved(ROUNDS, {
    numpy: () => python(numpy)?.s ?? null,
    js: () => {
      if (n >= 24) return jsOnce; // one run of 24 qubits (16 M amplitudes) is the measurement
      const r = start();
      const t0 = performance.now();
      statevectorLayerJS({ ...r, qubits: n, batch: 1, gates });
      return (performance.now() - t0) / 1000;
    },
    webgpu: async () => {
      const r = start();
      const d = await prepareStatevectorWebGPU(r.re, r.im, n, 1);
      await d.apply(gates); // warm: uploads done; time the layers on the resident state
      const t0 = performance.now();
      await d.apply(gates);
      const sec = (performance.now() - t0) / 1000;
      d.destroy();
      return sec;
    },
  });
  const ms = (sec: number) => sec * 1000;
  const base = t.numpy === undefined ? undefined : ms(t.numpy);
  report(`statevector layers (RY on every qubit + CNOT chain) × ${LAYERS}, ${n} qubits (${gates.length} gates), ${describeAdapter(r)}`, [
    { benchmark: 'js (float64, one core)', value: ms(t.js!), unit: 'ms', baseline: base, baselineName: 'NumPy', better: 'lower' },
    { benchmark: 'webgpu (state resident on the GPU, float32)', value: ms(t.webgpu!), unit: 'ms', baseline: base, baselineName: 'NumPy', better: 'lower' },
    { benchmark: 'webgpu against js', value: ms(t.webgpu!), unit: 'ms', baseline: ms(t.js!), baselineName: 'js', better: 'lower' },
  ]);
}

console.log(failed ? `\n${failed} check(s) FAILED` : '\nall checks passed');
process.exit(failed ? 1 : 0);
