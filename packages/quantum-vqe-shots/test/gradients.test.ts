import { describe, expect, it } from 'vitest';
import { DivergenceError, Moments, Stream, rademacher } from '@snrlab/core';
import {
  Circuit,
  PauliSum,
  VQEProblem,
  calibrateSpsa,
  finiteDifference,
  gradientDescent,
  hardwareEfficient,
  molecule,
  parameterShift,
  spsa,
  spsaGradient,
  spsaLearningRate,
  spsaPerturbation,
  ucc,
} from '../src/index.js';

const Z1 = PauliSum.parse('Z', { order: 'little-endian' });

/** Central difference of exact energies with a tiny step. */
function numericGradient(p: VQEProblem, theta: Float64Array, h = 1e-5): Float64Array {
  const g = new Float64Array(theta.length);
  for (let i = 0; i < theta.length; i++) {
    const a = Float64Array.from(theta);
    const b = Float64Array.from(theta);
    a[i] += h;
    b[i] -= h;
    g[i] = (p.exactEnergy(a) - p.exactEnergy(b)) / (2 * h);
  }
  return g;
}

describe('parameter shift', () => {
  it('is exact for RY(θ)|0⟩ measured in Z: f = cos θ, ∂f = −sin θ', () => {
    const p = new VQEProblem(Z1, new Circuit(1).ry(0));
    for (const t of [-2.1, 0, 0.3, 1.2, Math.PI / 2, 2.5]) {
      expect(p.exactEnergy([t])).toBeCloseTo(Math.cos(t), 15);
      const g = p.gradient('parameter-shift', [t], { shotBudget: 0, stream: Stream.fromSeed(1) });
      expect(g.gradient[0]).toBeCloseTo(-Math.sin(t), 15);
      expect(g.transform.tapes).toHaveLength(2);
      expect(g.transform.tapes.map((x) => x.shiftAngle)).toEqual([Math.PI / 2, -Math.PI / 2]);
    }
  });

  it('the four-term rule is exact for Givens and DoubleExcitation gates', () => {
    const c = ucc(4, { singles: true });
    const p = new VQEProblem(molecule('lih-4q').hamiltonian, c);
    const theta = Float64Array.from([0.7, -0.4, 1.3]);
    const g = parameterShift(c, theta, { shotBudget: 0 });
    expect(g.tapes).toHaveLength(12);
    const ps = g.postprocess(p.execute(g.tapes, Stream.fromSeed(1)));
    const fd = numericGradient(p, theta);
    ps.forEach((v, i) => expect(v).toBeCloseTo(fd[i], 8));
    // from a state outside the rotated subspaces the generator's 0 eigenvalue matters and the
    // two-term rule fails, while the four-term rule stays exact
    const h = PauliSum.parse('0.4 ZXII + 0.3 XIZI - 0.2 IYIX + 0.5 IZZX + 0.3 XXXX - 0.2 ZIIY', { order: 'little-endian' });
    for (const gate of ['SingleExcitation', 'DoubleExcitation'] as const) {
      const circ = new Circuit(4);
      for (let w = 0; w < 4; w++) circ.ry(w, 0.3 + 0.5 * w);
      circ.add(gate, gate === 'SingleExcitation' ? [1, 3] : [3, 0, 2, 1]);
      const q = new VQEProblem(h, circ);
      const t = parameterShift(circ, [0.8], { shotBudget: 0 });
      const four = t.postprocess(q.execute(t.tapes, Stream.fromSeed(1)))[0];
      const exact = numericGradient(q, Float64Array.from([0.8]))[0];
      expect(four).toBeCloseTo(exact, 8);
      const two = (q.exactEnergy([0.8 + Math.PI / 2]) - q.exactEnergy([0.8 - Math.PI / 2])) / 2;
      expect(Math.abs(two - exact)).toBeGreaterThan(1e-3);
    }
  });

  it('sums over the gates that share a parameter', () => {
    const c = new Circuit(2);
    c.ry(0).ry(1, { param: 0 }).cnot(0, 1).rx(1);
    const h = PauliSum.parse('0.5 ZZ + 0.3 XI - 0.2 IY', { order: 'little-endian' });
    const p = new VQEProblem(h, c);
    const theta = Float64Array.from([0.4, 1.1]);
    const ps = p.gradient('parameter-shift', theta, { shotBudget: 0, stream: Stream.fromSeed(1) }).gradient;
    const fd = numericGradient(p, theta);
    ps.forEach((v, i) => expect(v).toBeCloseTo(fd[i], 8));
  });

  it('is unbiased under shots, with variance Σ_t w_t² V_t', () => {
    const c = hardwareEfficient(2, 1);
    const p = new VQEProblem(molecule('h2-2q').hamiltonian, c);
    const theta = Float64Array.from({ length: 8 }, (_, i) => 0.3 + 0.41 * i);
    const g = p.gradient('parameter-shift', theta, { shotBudget: 0, stream: Stream.fromSeed(1) }).gradient;
    const t = parameterShift(c, theta, { shotBudget: 1600, minShotsPerEvaluation: 2 });
    expect(t.shotsPerTape).toBe(100);
    expect(t.shotsUsed).toBe(1600);
    // theory: each tape has weight ±1/2 on one component
    let theory = 0;
    for (const tp of t.tapes) theory += 0.25 * p.estimatorVariance(tp.parameters, 100, tp.shiftOp, tp.shiftAngle);
    const s = Stream.fromSeed(2);
    const err = new Moments();
    const comp0 = new Moments();
    for (let r = 0; r < 1500; r++) {
      const gh = t.postprocess(p.execute(t.tapes, s));
      let e = 0;
      for (let i = 0; i < 8; i++) e += (gh[i] - g[i]) ** 2;
      err.push(e);
      comp0.push(gh[0]);
    }
    expect(Math.abs(comp0.mean - g[0])).toBeLessThan(4 * comp0.sem);
    expect(Math.abs(err.mean - theory)).toBeLessThan(4 * err.sem);
  });
});

describe('shot budgets', () => {
  const c = hardwareEfficient(2, 1); // d = 8
  const theta = new Float64Array(8);
  it('each method divides its budget the way it must', () => {
    expect(parameterShift(c, theta, { shotBudget: 1000 }).shotsPerTape).toBe(62); // 16 tapes
    expect(finiteDifference(c, theta, { shotBudget: 1000, step: 0.1 }).shotsPerTape).toBe(62);
    expect(spsaGradient(c, theta, { shotBudget: 1000, c: 0.1, stream: Stream.fromSeed(1) }).shotsPerTape).toBe(500);
  });
  it('refuses a budget that cannot cover the evaluations', () => {
    expect(() => spsaGradient(c, theta, { shotBudget: 1, c: 0.1, stream: Stream.fromSeed(1) })).toThrow(
      /invalid shotBudget: got 1; expected 0 \(exact\) or an integer ≥ 2.*spsa runs 2 circuit evaluations/,
    );
    expect(() => parameterShift(c, theta, { shotBudget: 63, minShotsPerEvaluation: 4 })).toThrow(/shotBudget: got 63; expected 0 \(exact\) or an integer ≥ 64/);
    expect(() => parameterShift(c, theta, { shotBudget: -5 })).toThrow(/shotBudget: got -5/);
    const p = new VQEProblem(molecule('h2-2q').hamiltonian, c);
    // through a problem, the minimum is one shot per measurement group (2 qwc groups)
    expect(() => p.gradient('spsa', theta, { shotBudget: 3, stream: Stream.fromSeed(1) })).toThrow(/≥ 4/);
  });
});

describe('SPSA and finite differences', () => {
  it("SPSA's random-direction error is (d − 1)‖g‖² for small c (exact energies)", () => {
    const c = hardwareEfficient(3, 1); // d = 12
    const h = PauliSum.parse('0.6 ZZI - 0.4 IXX + 0.3 YIY + 0.5 ZII', { order: 'little-endian' });
    const p = new VQEProblem(h, c);
    const theta = Float64Array.from({ length: 12 }, (_, i) => Math.sin(3 * i) * 2);
    const g = p.gradient('parameter-shift', theta, { shotBudget: 0, stream: Stream.fromSeed(1) }).gradient;
    const norm2 = g.reduce((a, v) => a + v * v, 0);
    const s = Stream.fromSeed(9);
    const e = new Moments();
    const mean0 = new Moments();
    for (let r = 0; r < 4000; r++) {
      const gh = p.gradient('spsa', theta, { shotBudget: 0, stream: s, c: 1e-3 }).gradient;
      e.push(gh.reduce((a, v, i) => a + (v - g[i]) ** 2, 0));
      mean0.push(gh[0]);
    }
    expect(Math.abs(e.mean - 11 * norm2)).toBeLessThan(4 * e.sem);
    expect(Math.abs(mean0.mean - g[0])).toBeLessThan(4 * mean0.sem);
  });

  it('SPSA uses Δ⁻¹ = Δ and two tapes θ ± cΔ', () => {
    const c = hardwareEfficient(2, 0);
    const s = Stream.fromSeed(4);
    const t = spsaGradient(c, [0.1, 0.2, 0.3, 0.4], { shotBudget: 0, c: 0.05, stream: s });
    const ref = Stream.fromSeed(4);
    const delta = [0, 1, 2, 3].map(() => rademacher(ref));
    expect(Array.from(t.delta!)).toEqual(delta);
    expect(t.tapes[0].parameters[2]).toBeCloseTo(0.3 + 0.05 * delta[2], 15);
    const g = t.postprocess([1.2, 1.0]);
    expect(Array.from(g)).toEqual(delta.map((d) => ((1.2 - 1.0) / 0.1) * d));
  });

  it('central differences have an O(h²) bias', () => {
    const p = new VQEProblem(Z1, new Circuit(1).ry(0));
    const bias = (h: number) => {
      const t = finiteDifference(p.circuit, [0.9], { shotBudget: 0, step: h });
      return t.postprocess(p.execute(t.tapes, Stream.fromSeed(1)))[0] + Math.sin(0.9);
    };
    // for cos θ: sin(h)/h − 1 ≈ −h²/6
    expect(bias(0.2) / bias(0.1)).toBeCloseTo(4, 1);
    expect(bias(0.1)).toBeCloseTo(Math.sin(0.9) * (1 - Math.sin(0.1) / 0.1), 12);
  });
});

describe('optimisers', () => {
  it("Spall's gains", () => {
    expect(spsaLearningRate(0.5, 0)).toBeCloseTo(0.5, 15);
    expect(spsaLearningRate(0.5, 9, 10)).toBeCloseTo(0.5 / Math.pow(20, 0.602), 15);
    expect(spsaPerturbation(0.2, 3)).toBeCloseTo(0.2 / Math.pow(4, 0.101), 15);
  });

  it('Qiskit-style calibration: a = target / mean |f(θ+cΔ) − f(θ−cΔ)|/(2c)', () => {
    const c = hardwareEfficient(2, 1);
    const p = new VQEProblem(molecule('h2-2q').hamiltonian, c);
    const theta = Float64Array.from({ length: 8 }, (_, i) => 0.2 * i);
    const cal = calibrateSpsa(p, theta, { shotsPerEvaluation: 0, stream: Stream.fromSeed(3) });
    const s = Stream.fromSeed(3);
    let sum = 0;
    for (let j = 0; j < 25; j++) {
      const d = theta.map(() => rademacher(s));
      const plus = theta.map((v, i) => v + 0.2 * d[i]);
      const minus = theta.map((v, i) => v - 0.2 * d[i]);
      sum += Math.abs((p.exactEnergy(plus) - p.exactEnergy(minus)) / 0.4);
    }
    expect(cal.a).toBeCloseTo((2 * Math.PI) / 10 / (sum / 25), 12);
    expect(cal.shotsUsed).toBe(0);
    expect(calibrateSpsa(p, theta, { shotsPerEvaluation: 100, stream: Stream.fromSeed(3) }).shotsUsed).toBe(5000);
  });

  it('gradient descent with exact gradients reaches the 2-qubit H₂ ground energy', () => {
    const m = molecule('h2-2q');
    const p = new VQEProblem(m.hamiltonian, ucc(2));
    const r = gradientDescent(p, [0], { steps: 200, shotBudget: 0, learningRate: 0.5, stream: Stream.fromSeed(1), tolerance: 1e-15 });
    expect(r.energy).toBeCloseTo(-1.85727503, 8);
  });

  it('respects the total budget and counts SPSA calibration shots', () => {
    const p = new VQEProblem(molecule('h2-4q').hamiltonian, ucc(4));
    const r = spsa(p, [0], { steps: 1000, shotBudget: 200, totalShots: 10_000, stream: Stream.fromSeed(2) });
    expect(r.trace.shots[0]).toBe(50 * 100);
    expect(r.shotsUsed).toBeLessThanOrEqual(10_000);
    expect(r.steps).toBe(25);
    const g = gradientDescent(p, [0], { steps: 1000, shotBudget: 400, totalShots: 10_000, learningRate: 0.3, stream: Stream.fromSeed(2) });
    expect(g.shotsUsed).toBe(10_000);
    expect(g.steps).toBe(25);
  });

  it('stops with a DivergenceError when the parameters blow up', () => {
    const p = new VQEProblem(Z1.scaled(10), new Circuit(1).ry(0));
    try {
      gradientDescent(p, [1], { steps: 5, shotBudget: 0, learningRate: Number.MAX_VALUE, stream: Stream.fromSeed(1), replica: 3 });
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(DivergenceError);
      const d = e as DivergenceError;
      expect(d.step).toBe(1);
      expect(d.replica).toBe(3);
      expect(d.message).toMatch(/non-finite/);
      expect((d.partial as { trace: { energy: number[] } }).trace.energy).toHaveLength(1);
    }
  });
});
