/**
 * Statevector speed against the npm `quantum-circuit` simulator and a NumPy statevector
 * reference, measured in the same run:
 *  1. one hardware-efficient layer (RY and RZ on every qubit, CNOT ladder) from |0…0⟩ on 16, 18
 *     and 20 qubits (quantum-circuit runs once per size: it takes seconds to a minute);
 *  2. one shot-estimated energy (rotation into each group's basis, multinomial sampling, readout)
 *     of 4-qubit H₂ with a 2-layer hardware-efficient ansatz, 1000 shots, and of a 14-qubit Ising
 *     chain with 10 000 shots.
 * Targets: ≥ 10× faster than quantum-circuit, within 2× of NumPy (speed-up ≥ 0.5).
 * Set SNRLAB_BENCH_QC_MAX=18 to skip quantum-circuit at 20 qubits (about a minute and 1.3 GB).
 */
import { createRequire } from 'node:module';
import { Stream } from '@snrlab/core';
import { Circuit, ShotEstimator, StateVector, hardwareEfficient, molecule, transverseFieldIsing } from '@snrlab/quantum-vqe-shots';
import { PY_TIMER, python, report, timeIt, type Row } from '../../../tools/bench/harness';

const QuantumCircuit = createRequire(import.meta.url)('quantum-circuit');

const SIZES = [16, 18, 20];
const qcMax = Number(process.env.SNRLAB_BENCH_QC_MAX ?? 20);

/** The angles every simulator uses: RY on qubit q by 0.1 + 0.1q, RZ by 0.2 + 0.1q. */
function layer(n: number): { circuit: Circuit; theta: Float64Array } {
  const circuit = new Circuit(n);
  for (let q = 0; q < n; q++) circuit.ry(q);
  for (let q = 0; q < n; q++) circuit.rz(q);
  for (let q = 0; q + 1 < n; q++) circuit.cnot(q, q + 1);
  const theta = new Float64Array(2 * n);
  for (let q = 0; q < n; q++) {
    theta[q] = 0.1 + 0.1 * q;
    theta[n + q] = 0.2 + 0.1 * q;
  }
  return { circuit, theta };
}

function qcLayer(n: number): any {
  const c = new QuantumCircuit(n);
  for (let q = 0; q < n; q++) c.appendGate('ry', q, { params: { theta: 0.1 + 0.1 * q } });
  for (let q = 0; q < n; q++) c.appendGate('rz', q, { params: { phi: 0.2 + 0.1 * q } });
  for (let q = 0; q + 1 < n; q++) c.appendGate('cx', [q, q + 1]);
  return c;
}

const NUMPY_SIM = `
def apply1(psi, n, q, u):
    v = psi.reshape(2 ** (n - q - 1), 2, 2 ** q)
    a = v[:, 0, :].copy()
    b = v[:, 1, :]
    v[:, 0, :] = u[0][0] * a + u[0][1] * b
    v[:, 1, :] = u[1][0] * a + u[1][1] * b
def ry(psi, n, q, t):
    c, s = np.cos(t / 2), np.sin(t / 2)
    apply1(psi, n, q, ((c, -s), (s, c)))
def rz(psi, n, q, t):
    v = psi.reshape(2 ** (n - q - 1), 2, 2 ** q)
    v[:, 0, :] *= np.exp(-0.5j * t)
    v[:, 1, :] *= np.exp(0.5j * t)
def h(psi, n, q):
    r = 2 ** -0.5
    apply1(psi, n, q, ((r, r), (r, -r)))
def sdg(psi, n, q):
    v = psi.reshape(2 ** (n - q - 1), 2, 2 ** q)
    v[:, 1, :] *= -1j
def cnot(psi, n, c, t):
    v = psi.reshape([2] * n)  # axis k is qubit n - 1 - k
    s1 = [slice(None)] * n
    s1[n - 1 - c] = 1
    s1[n - 1 - t] = 0
    s2 = list(s1)
    s2[n - 1 - t] = 1
    s1, s2 = tuple(s1), tuple(s2)
    tmp = v[s1].copy()
    v[s1] = v[s2]
    v[s2] = tmp
def layer(psi, n):
    psi[:] = 0
    psi[0] = 1
    for q in range(n): ry(psi, n, q, 0.1 + 0.1 * q)
    for q in range(n): rz(psi, n, q, 0.2 + 0.1 * q)
    for q in range(n - 1): cnot(psi, n, q, q + 1)
`;

function layerBench(rows: Row[]): void {
  const sizes = SIZES.join(', ');
  const py = python(`${PY_TIMER}${NUMPY_SIM}
out = {}
for n in [${sizes}]:
    psi = np.zeros(2 ** n, dtype=np.complex128)
    out[f"t{n}"] = best(lambda: layer(psi, n), repeats=5)
psi = np.zeros(2 ** 10, dtype=np.complex128)
layer(psi, 10)
out["check_re"] = float(psi[5].real)
out["check_im"] = float(psi[5].imag)
print(json.dumps(out))`);
  // agreement at 10 qubits: the same amplitude from each simulator
  const small = layer(10);
  const s10 = small.circuit.run(small.theta, new StateVector(10));
  const qc10 = qcLayer(10);
  qc10.run();
  const qa = qc10.stateAsArray(false)[5].amplitude;
  console.log(`amplitude ⟨0000000101|ψ⟩ at 10 qubits: ours ${s10.re[5].toFixed(9)}${s10.im[5] >= 0 ? '+' : ''}${s10.im[5].toFixed(9)}i, ` +
    `quantum-circuit ${qa.re.toFixed(9)}${qa.im >= 0 ? '+' : ''}${qa.im.toFixed(9)}i` +
    (py ? `, NumPy ${py.check_re.toFixed(9)}${py.check_im >= 0 ? '+' : ''}${py.check_im.toFixed(9)}i` : ''));
  for (const n of SIZES) {
    const { circuit, theta } = layer(n);
    const state = new StateVector(n);
    const ours = timeIt(() => circuit.run(theta, state), { minSeconds: n >= 20 ? 1 : 0.3, repeats: 5 });
    let qcTime: number | undefined;
    if (n <= qcMax) {
      const c = qcLayer(n);
      const t0 = performance.now();
      c.run();
      qcTime = (performance.now() - t0) / 1000;
    }
    if (qcTime !== undefined) {
      rows.push({ benchmark: `HEA layer, ${n} qubits`, value: ours, unit: 's', baseline: qcTime, baselineName: 'quantum-circuit, 1 run', better: 'lower', target: '≥ 10x' });
    }
    if (py) rows.push({ benchmark: `HEA layer, ${n} qubits`, value: ours, unit: 's', baseline: py[`t${n}`], baselineName: 'NumPy', better: 'lower', target: '≥ 0.5x' });
  }
}

function energyBench(rows: Row[]): void {
  // 4-qubit H₂, hardware-efficient ansatz with 2 layers, 1000 shots over 5 qwc groups
  const h2 = molecule('h2-4q').hamiltonian;
  const c = hardwareEfficient(4, 2);
  const theta = Float64Array.from({ length: c.numParams }, (_, i) => 0.1 + 0.37 * i);
  const est = new ShotEstimator(h2, { grouping: 'qwc', allocation: 'uniform' });
  const state = new StateVector(4);
  const stream = Stream.fromSeed(1);
  const shots = 1000;
  const ours = timeIt(() => {
    c.run(theta, state);
    est.estimate(state, shots, stream);
  });
  // quantum-circuit: one circuit per group (ansatz + basis rotation), measureAllMultishot
  const groups = est.groups;
  const perGroup = Math.floor(shots / groups.length);
  const qcCircuits = groups.map((g) => {
    const q = new QuantumCircuit(4);
    let k = 0;
    for (let l = 0; l < 3; l++) {
      for (let w = 0; w < 4; w++) q.appendGate('ry', w, { params: { theta: theta[k++] } });
      for (let w = 0; w < 4; w++) q.appendGate('rz', w, { params: { phi: theta[k++] } });
      if (l < 2) for (let w = 0; w < 3; w++) q.appendGate('cx', [w, w + 1]);
    }
    for (let w = 0; w < 4; w++) {
      if (g.basisX & (1 << w)) q.appendGate('h', w);
      else if (g.basisY & (1 << w)) {
        q.appendGate('sdg', w);
        q.appendGate('h', w);
      }
    }
    return q;
  });
  const parity = (v: number) => {
    let p = 0;
    for (; v; v &= v - 1) p ^= 1;
    return p;
  };
  let qcEnergy = 0;
  const qcTime = timeIt(
    () => {
      let e = est.constant;
      groups.forEach((g, gi) => {
        const q = qcCircuits[gi];
        q.run();
        const counts: Record<string, number> = q.measureAllMultishot(perGroup);
        for (const [bits, k] of Object.entries(counts)) {
          const b = parseInt(bits, 2);
          let v = 0;
          for (let i = 0; i < g.coefficients.length; i++) v += parity(b & g.supports[i]) ? -g.coefficients[i] : g.coefficients[i];
          e += (k * v) / perGroup;
        }
      });
      qcEnergy = e;
    },
    { minSeconds: 0.5, repeats: 3, warmup: 1 },
  );
  const exact = h2.expectation(c.run(theta, state));
  console.log(`H₂ energy at the benchmark θ: exact ${exact.toFixed(6)}, ours ${est.estimate(state, shots, Stream.fromSeed(2)).energy.toFixed(4)}, quantum-circuit ${qcEnergy.toFixed(4)} (1000 shots, SE ≈ ${Math.sqrt(est.estimatorVariance(state, shots)).toFixed(4)})`);
  rows.push({ benchmark: 'shot-estimated energy, H₂ 4q, 1000 shots', value: ours, unit: 's', baseline: qcTime, baselineName: 'quantum-circuit', better: 'lower', target: '≥ 10x' });

  // the same estimate in NumPy, and a 14-qubit Ising chain with 10 000 shots (2 groups)
  const tfim = transverseFieldIsing(14, 1);
  const cT = hardwareEfficient(14, 1);
  const thetaT = Float64Array.from({ length: cT.numParams }, (_, i) => 0.05 + 0.11 * i);
  const estT = new ShotEstimator(tfim);
  const stT = new StateVector(14);
  const oursT = timeIt(() => {
    cT.run(thetaT, stT);
    estT.estimate(stT, 10_000, stream);
  });
  const spec = (e: ShotEstimator) =>
    JSON.stringify(e.groups.map((g) => ({ x: g.basisX, y: g.basisY, c: Array.from(g.coefficients), s: Array.from(g.supports) })));
  const py = python(`${PY_TIMER}${NUMPY_SIM}
def hea(psi, n, layers, theta):
    psi[:] = 0
    psi[0] = 1
    k = 0
    for l in range(layers + 1):
        for q in range(n):
            ry(psi, n, q, theta[k]); k += 1
        for q in range(n):
            rz(psi, n, q, theta[k]); k += 1
        if l < layers:
            for q in range(n - 1): cnot(psi, n, q, q + 1)
def tables(n, groups):
    b = np.arange(2 ** n)
    out = []
    for g in groups:
        hv = np.zeros(2 ** n)
        for c, s in zip(g["c"], g["s"]):
            par = np.zeros(2 ** n, dtype=np.int64)
            m = b & s
            while m.any():
                par ^= m & 1
                m >>= 1
            hv += c * (1 - 2 * par)
        out.append(hv)
    return out
rng = np.random.default_rng(1)
def energy(n, layers, theta, groups, hv, shots, const):
    psi = np.zeros(2 ** n, dtype=np.complex128)
    hea(psi, n, layers, theta)
    e = const
    per = shots // len(groups)
    for g, h_ in zip(groups, hv):
        r = psi.copy()
        for q in range(n):
            if g["x"] >> q & 1: h(r, n, q)
            elif g["y"] >> q & 1:
                sdg(r, n, q); h(r, n, q)
        p = np.abs(r) ** 2
        counts = rng.multinomial(per, p / p.sum())
        e += counts @ h_ / per
    return e
out = {}
for key, n, layers, theta, groups, shots, const in [
    ("h2", 4, 2, ${JSON.stringify(Array.from(theta))}, ${spec(est)}, ${shots}, ${est.constant}),
    ("tfim", 14, 1, ${JSON.stringify(Array.from(thetaT))}, ${spec(estT)}, 10000, 0.0),
]:
    hv = tables(n, groups)
    out[key] = best(lambda: energy(n, layers, theta, groups, hv, shots, const), repeats=7)
    out[key + "_e"] = float(energy(n, layers, theta, groups, hv, shots, const))
print(json.dumps(out))`);
  if (py) {
    console.log(`H₂ energy from the NumPy reference: ${py.h2_e.toFixed(4)}; Ising chain: exact ${tfim.expectation(stT).toFixed(4)}, NumPy ${py.tfim_e.toFixed(4)}`);
    rows.push({ benchmark: 'shot-estimated energy, H₂ 4q, 1000 shots', value: ours, unit: 's', baseline: py.h2, baselineName: 'NumPy', better: 'lower', target: '≥ 0.5x' });
    rows.push({ benchmark: 'shot-estimated energy, Ising 14q, 10⁴ shots', value: oursT, unit: 's', baseline: py.tfim, baselineName: 'NumPy', better: 'lower', target: '≥ 0.5x' });
  } else rows.push({ benchmark: 'shot-estimated energy, Ising 14q, 10⁴ shots', value: oursT, unit: 's', better: 'lower' });
}

const rows: Row[] = [];
layerBench(rows);
energyBench(rows);
report('quantum-vqe-shots: statevector simulator and shot-based energies', rows);
