/**
 * One conformance suite for the kernel registry: every registered kernel, on every backend
 * present — js always, webgpu when an adapter can be created (in CI and on machines without a
 * GPU: SwiftShader, a fallback adapter; sizes are small because it is slow). Integer streams are
 * checked for exact equality with core's Stream; float32 kernels against the js reference within
 * their declared tolerance; random kernels by the stationary laws they must reproduce, within 4
 * standard errors (fixed seeds make every check deterministic).
 */
import { describe, expect, it } from 'vitest';
import ndarray from 'ndarray';
import { chiSquareTest, Moments, philoxBlockJS, Stream } from '@snrlab/core';
import { getKernel, hasKernel, listKernels, selectKernel, toleranceOf, type KernelName } from '../src/kernels.js';
import { acquireWebGPU } from '../src/webgpu/device.js';
import { philoxBlocksWebGPU } from '../src/webgpu/kernels.js';
import { boxMuller4, childWords, streamWords } from '../src/streams.js';
import { detectBackends } from '../src/registry.js';
import type { GameMethod, StatevectorGate } from '../src/kernel-types.js';
import { outcomeOf, shotThresholds } from '../src/statevector.js';

const gpu = await acquireWebGPU().then(
  (ctx) => ctx,
  (err: unknown) => {
    console.log(`webgpu conformance skipped: no adapter could be created (${err instanceof Error ? err.message : String(err)})`);
    return null;
  },
);
if (gpu) console.log(`webgpu adapter: ${gpu.report.vendor} ${gpu.report.architecture} (${gpu.report.description}), fallback: ${gpu.report.fallback}, ICD: ${gpu.report.icd ?? 'n/a'}`);
const BACKENDS = ['js', ...(gpu ? ['webgpu'] : [])];

/** The kernels this suite checks; a registered kernel missing here fails the first test. */
const COVERED: KernelName[] = [
  'philox-words',
  'normals',
  'ensemble-em',
  'baoab',
  'game-step',
  'matmul',
  'per-example-norms',
  'mlp-per-example-norms',
  'fill-normal',
  'em-step',
  'batched-matmul',
  'mean',
  'variance',
  'covariance',
  'statevector-layer',
  'shot-sample',
  'rdme-cle', // checked in rdme-conformance.test.ts
  'rdme-tau-leap', // checked in rdme-tau-leap-conformance.test.ts
];

const run = async <K extends KernelName>(k: K, b: string, args: Parameters<ReturnType<typeof getKernel<K>>['run']>[0]) => await getKernel(k, b).run(args);

function within4SE(measured: number, se: number, theory: number, what: string): void {
  expect(Math.abs(measured - theory), `${what}: ${measured} ± ${se} against ${theory}`).toBeLessThan(4 * se);
}

describe('kernel conformance', () => {
  it('every registered kernel is covered, on every backend present', () => {
    for (const r of listKernels()) {
      if (r.kernel.startsWith('test-')) continue;
      expect(COVERED, `kernel '${r.kernel}' (${r.backend}) has no conformance check`).toContain(r.kernel);
    }
    if (!gpu) console.log('only the js backend is present');
  });

  it('the webgpu backend is reported with its adapter; auto never takes a fallback adapter', async () => {
    const rows = await detectBackends();
    const row = rows.find((r) => r.name === 'webgpu')!;
    expect(row.auto).toBe(false);
    if (!gpu) {
      expect(row.available).toBe(false);
      return;
    }
    expect(row.available).toBe(true);
    expect(row.adapter?.fallback).toBe(gpu.report.fallback);
    expect(row.adapter?.limits.maxStorageBufferBindingSize).toBeGreaterThan(0);
    expect(row.description).toMatch(/adapter: /);
    const k = await selectKernel('ensemble-em', 'auto');
    if (gpu.report.software) {
      expect(k.backend).toBe('js');
      expect(k.skipped?.webgpu).toMatch(/fallback adapter/);
      expect(row.description).toMatch(/fallback \(software\) adapter|software adapter/);
    } else expect(k.backend).toBe('webgpu');
  });

  describe.each(BACKENDS)('%s', (backend) => {
    it('philox-words: bit-identical to core Stream.child(i) at several offsets and children', async () => {
      if (!hasKernel('philox-words', backend)) return;
      const streams = [Stream.fromSeed(0), Stream.fromSeed(20240917), Stream.fromPath('experiment', ['langevin.ou', 3, 'replica'])];
      const cases = [
        { first: 0, offset: 0, words: 16 },
        { first: 7, offset: 1, words: 9 },
        { first: 1000, offset: 4094, words: 13 },
        { first: 4294967294, offset: 3, words: 6 }, // child labels cross 2^32
      ];
      for (const s of streams) {
        for (const c of cases) {
          const particles = 5;
          const got = await run('philox-words', backend, { stream: s.state(), particles, ...c });
          const want = new Uint32Array(particles * c.words);
          for (let p = 0; p < particles; p++) {
            const ch = s.child(c.first + p);
            ch.seek(c.offset);
            for (let k = 0; k < c.words; k++) want[p * c.words + k] = ch.nextUint32();
          }
          expect(Buffer.from(got.buffer, got.byteOffset, got.byteLength).equals(Buffer.from(want.buffer)), `${backend} ${JSON.stringify(c)}`).toBe(true);
        }
      }
      // the derivation the kernels implement, checked against core
      const w = streamWords(streams[1]);
      expect(childWords(w, 12345)).toEqual(streamWords(streams[1].child(12345)));
    });

    it('normals: N(0, 1) within 4 SE (mean, variance, fourth moment)', async () => {
      if (!hasKernel('normals', backend)) return;
      const z = await run('normals', backend, { stream: Stream.fromSeed(5), particles: 2048, count: 16 });
      const m = Moments.of(z);
      within4SE(m.mean, Math.sqrt(1 / z.length), 0, 'mean');
      within4SE(m.variance, Math.sqrt(2 / z.length), 1, 'variance');
      let m4 = 0;
      for (const v of z) m4 += v ** 4;
      within4SE(m4 / z.length, Math.sqrt(96 / z.length), 3, 'E z⁴');
    });

    it('ensemble-em: OU stationary variance equals the discrete law s²/(1 − (1 − θdt)²) within 4 SE', async () => {
      const n = 4096;
      const theta = 1.3;
      const dt = 0.2;
      const sigma = 0.9;
      const law = (sigma * sigma * dt) / (1 - (1 - theta * dt) ** 2);
      for (const drift of [{ kind: 'linear', rate: theta, center: 0 } as const, { kind: 'polynomial', coefficients: [0, 0, theta / 2] } as const]) {
        const x = new Float64Array(n).fill(1);
        const r = await run('ensemble-em', backend, { x, n, d: 1, drift, dt, sigma, steps: 150, stream: Stream.fromSeed(11) });
        expect(r.divergence).toBeNull();
        const m = Moments.of(x);
        within4SE(m.variance, m.varianceSE, law, `${backend} ${drift.kind}`);
        expect(Math.abs(m.variance - sigma ** 2 / (2 * theta))).toBeGreaterThan(4 * m.varianceSE); // the step bias is visible
      }
    });

    it('ensemble-em: a tilted quartic with a cubic term in d = 2 agrees with js in law; divergence is reported', async () => {
      if (backend === 'js') return;
      const n = 4096;
      const drift = { kind: 'polynomial', coefficients: [0, -0.1, -0.5, 0.3, 0.25] } as const;
      const base = { n, d: 2, drift, dt: 0.02, sigma: 0.7, steps: 300 };
      const a = new Float64Array(2 * n);
      const b = new Float64Array(2 * n);
      await run('ensemble-em', 'js', { ...base, x: a, stream: Stream.fromSeed(3) });
      await run('ensemble-em', backend, { ...base, x: b, stream: Stream.fromSeed(3) });
      const ma = Moments.of(a);
      const mb = Moments.of(b);
      // particles are not exactly independent across the two coordinates; both are independent here
      within4SE(mb.mean, Math.hypot(ma.sem, mb.sem), ma.mean, 'mean');
      const pa = a.filter((v) => v > 0).length / a.length;
      const pb = b.filter((v) => v > 0).length / b.length;
      within4SE(pb, Math.sqrt((pa * (1 - pa) + pb * (1 - pb)) / a.length), pa, 'P(x > 0)');
      const x = new Float64Array(8).fill(0.5);
      x[5] = 1e30;
      const r = await run('ensemble-em', backend, { x, n: 8, d: 1, drift: { kind: 'double-well' }, dt: 0.5, sigma: 0, steps: 20, stream: Stream.fromSeed(1) });
      expect(r.divergence).toEqual({ step: 1, index: 5 });
    });

    it('baoab: harmonic Var(q) = T/κ exactly and Var(p) = T(1 − h²κ/4), within 4 SE', async () => {
      const n = 4096;
      const kappa = 2;
      const T = 0.7;
      const h = 0.3;
      const q = new Float64Array(n).fill(1);
      const p = new Float64Array(n);
      const r = await run('baoab', backend, { q, p, n, d: 1, potential: { kind: 'polynomial', coefficients: [0, 0, kappa / 2] }, dt: h, friction: 1, temperature: T, steps: 200, stream: Stream.fromSeed(21) });
      expect(r.divergence).toBeNull();
      const mq = Moments.of(q);
      const mp = Moments.of(p);
      within4SE(mq.variance, mq.varianceSE, T / kappa, 'Var q');
      within4SE(mp.variance, mp.varianceSE, T * (1 - (h * h * kappa) / 4), 'Var p');
    });

    it.each<[GameMethod]>([['simultaneous'], ['alternating'], ['extragradient'], ['optimistic']])('game-step %s on the bilinear game xy: the law of gan-dynamics within 4 SE', async (method) => {
      const n = 4096;
      const eta = 0.1;
      const sigma = 1;
      const K = 40;
      const d = 2;
      const S = method === 'optimistic' ? 2 * d : d;
      const state = new Float64Array(n * S);
      for (let i = 0; i < n; i++) state[i * S] = 1;
      const M = [0, -1, 1, 0];
      const r = await run('game-step', backend, { state, n, d, nx: 1, M, eta, sigma, method, steps: K, stream: Stream.fromSeed(31) });
      expect(r.divergence).toBeNull();
      const r2 = new Float64Array(n);
      const Q = new Float64Array(n);
      for (let i = 0; i < n; i++) {
        const x = state[i * S];
        const y = state[i * S + 1];
        r2[i] = x * x + y * y;
        Q[i] = x * x + y * y - eta * x * y;
      }
      const m = Moments.of(method === 'alternating' ? Q : r2);
      if (method === 'simultaneous') {
        const g = (1 + eta * eta) ** K;
        within4SE(m.mean, m.sem, g + 2 * sigma * sigma * (g - 1), 'E r²');
      } else if (method === 'alternating') {
        within4SE(m.mean, m.sem, 1 + 2 * eta * eta * sigma * sigma * K, 'E Q');
      } else if (method === 'extragradient') {
        const rho = 1 - eta * eta + eta ** 4;
        const c = 2 * sigma * sigma * eta * eta * (1 + eta * eta);
        const g = rho ** K;
        within4SE(m.mean, m.sem, g + (c * (1 - g)) / (1 - rho), 'E r²');
      } else if (backend !== 'js') {
        // optimistic: no closed form here; the same law as the js reference
        const ref = new Float64Array(n * S);
        for (let i = 0; i < n; i++) ref[i * S] = 1;
        await run('game-step', 'js', { state: ref, n, d, nx: 1, M, eta, sigma, method, steps: K, stream: Stream.fromSeed(32) });
        const rr = new Float64Array(n);
        for (let i = 0; i < n; i++) rr[i] = ref[i * S] ** 2 + ref[i * S + 1] ** 2;
        const mr = Moments.of(rr);
        within4SE(m.mean, Math.hypot(m.sem, mr.sem), mr.mean, 'E r² against js');
      }
    });

    it('matmul, per-example norms and MLP per-example norms: within the declared tolerance of js', async () => {
      const rnd = (len: number, seed: number, scale = 1) => Stream.fromSeed(seed).fillNormal(new Float64Array(len), 0, scale);
      const close = (got: ArrayLike<number>, want: ArrayLike<number>, rel: number, abs: number, what: string) => {
        expect(got.length).toBe(want.length);
        let worst = 0;
        for (let i = 0; i < got.length; i++) worst = Math.max(worst, Math.abs(got[i] - want[i]) / (abs + rel * Math.abs(want[i])));
        expect(worst, `${what}: worst error / tolerance`).toBeLessThanOrEqual(1);
      };
      const tol = (k: KernelName) => {
        const t = toleranceOf(getKernel(k, backend));
        return { rel: t.rel ?? 1e-12, abs: t.abs ?? 1e-12 };
      };
      const [m, k, nn] = [37, 70, 19];
      const A = ndarray(rnd(m * k, 1), [m, k]);
      const B = ndarray(rnd(k * nn, 2), [k, nn]);
      const C = await run('matmul', backend, { a: A, b: B });
      const Cr = await run('matmul', 'js', { a: A, b: B });
      const t = tol('matmul');
      close(C.data, Cr.data, t.rel * Math.sqrt(k), t.abs * Math.sqrt(k), 'matmul');
      const u = rnd(33 * 50, 3);
      const delta = rnd(33 * 10, 4);
      const pe = { u, delta, batch: 33, inputs: 50, outputs: 10 };
      const tn = tol('per-example-norms');
      close(await run('per-example-norms', backend, pe), await run('per-example-norms', 'js', pe), tn.rel, tn.abs, 'per-example norms');
      const layers = [
        { in: 64, out: 32, W: rnd(64 * 32, 5, 1 / 8), b: rnd(32, 6, 0.1) },
        { in: 32, out: 10, W: rnd(32 * 10, 7, 1 / 5.7), b: rnd(10, 8, 0.1) },
      ];
      const batch = 48;
      const mlp = { x: rnd(batch * 64, 9), labels: Array.from({ length: batch }, (_, i) => i % 10), layers, batch };
      const got = await run('mlp-per-example-norms', backend, mlp);
      const want = await run('mlp-per-example-norms', 'js', mlp);
      const tm = tol('mlp-per-example-norms');
      close(got.norms, want.norms, tm.rel, tm.abs, 'MLP norms');
      close(got.loss, want.loss, tm.rel, tm.abs, 'MLP losses');
      expect(want.norms.every((v) => v > 0)).toBe(true);
    });
    it('statevector-layer: every gate against a dense reference (js exact to 1e-12; float32 within the declared norm per gate)', async () => {
      const qubits = 5;
      const batch = 3;
      const dim = 2 ** qubits;
      const nParams = 3 + 8;
      const st = Stream.fromSeed(41);
      const params = new Float64Array(batch * nParams);
      for (let b = 0; b < batch; b++) {
        for (let k = 0; k < 3; k++) params[b * nParams + k] = 2 * Math.PI * st.uniform();
        // a random unitary per state: RZ(a)·RY(b)·RZ(c)
        const [a1, b1, c1] = [st.uniform() * 6, st.uniform() * 3, st.uniform() * 6];
        const ca = Math.cos(b1 / 2);
        const sa = Math.sin(b1 / 2);
        const p = (a1 + c1) / 2;
        const m = (a1 - c1) / 2;
        params.set([ca * Math.cos(p), -ca * Math.sin(p), -sa * Math.cos(m), sa * Math.sin(m), sa * Math.cos(m), sa * Math.sin(m), ca * Math.cos(p), ca * Math.sin(p)], b * nParams + 3);
      }
      const gates: StatevectorGate[] = [
        ...Array.from({ length: qubits }, (_, q) => ({ gate: 'h' as const, wires: [q] as const })),
        { gate: 'ry', wires: [0], theta: { param: 0 } },
        { gate: 'rx', wires: [1], theta: { param: 1 } },
        { gate: 'rz', wires: [2], theta: { param: 2 } },
        { gate: 'ry', wires: [3], theta: 0.7 },
        { gate: 'u', wires: [4], matrix: { param: 3 } },
        { gate: 'cnot', wires: [0, 3] },
        { gate: 'cnot', wires: [4, 1] },
        { gate: 'cz', wires: [2, 4] },
        { gate: 'swap', wires: [3, 1] },
        { gate: 'x', wires: [2] },
        { gate: 'y', wires: [0] },
        { gate: 'z', wires: [3] },
        { gate: 's', wires: [1] },
        { gate: 'sdg', wires: [4] },
        { gate: 't', wires: [2] },
        { gate: 'rx', wires: [3], theta: { param: 0 } },
        { gate: 'cnot', wires: [3, 2] },
      ];
      // the dense reference: each gate by its definition, amplitude by amplitude
      const S = Math.SQRT1_2;
      const mat = (g: StatevectorGate, b: number): number[] => {
        const th = (t: number | { param: number }) => (typeof t === 'number' ? t : params[b * nParams + t.param]);
        switch (g.gate) {
          case 'h': return [S, 0, S, 0, S, 0, -S, 0];
          case 'x': return [0, 0, 1, 0, 1, 0, 0, 0];
          case 'y': return [0, 0, 0, -1, 0, 1, 0, 0];
          case 'z': return [1, 0, 0, 0, 0, 0, -1, 0];
          case 's': return [1, 0, 0, 0, 0, 0, 0, 1];
          case 'sdg': return [1, 0, 0, 0, 0, 0, 0, -1];
          case 't': return [1, 0, 0, 0, 0, 0, Math.cos(Math.PI / 4), Math.sin(Math.PI / 4)];
          case 'rx': { const t = th(g.theta) / 2; return [Math.cos(t), 0, 0, -Math.sin(t), 0, -Math.sin(t), Math.cos(t), 0]; }
          case 'ry': { const t = th(g.theta) / 2; return [Math.cos(t), 0, -Math.sin(t), 0, Math.sin(t), 0, Math.cos(t), 0]; }
          case 'rz': { const t = th(g.theta) / 2; return [Math.cos(t), -Math.sin(t), 0, 0, 0, 0, Math.cos(t), Math.sin(t)]; }
          case 'u': return Array.from(params.subarray(b * nParams + 3, b * nParams + 11));
          default: return [];
        }
      };
      const init = (seed: number) => {
        const re = Stream.fromSeed(seed).fillNormal(new Float64Array(batch * dim));
        const im = Stream.fromSeed(seed + 1).fillNormal(new Float64Array(batch * dim));
        for (let b = 0; b < batch; b++) {
          let n2 = 0;
          for (let i = b * dim; i < (b + 1) * dim; i++) n2 += re[i] ** 2 + im[i] ** 2;
          for (let i = b * dim; i < (b + 1) * dim; i++) { re[i] /= Math.sqrt(n2); im[i] /= Math.sqrt(n2); }
        }
        return { re, im };
      };
      const ref = init(7);
      for (let b = 0; b < batch; b++) {
        for (const g of gates) {
          const o = b * dim;
          const r = ref.re.slice(o, o + dim);
          const m = ref.im.slice(o, o + dim);
          for (let i = 0; i < dim; i++) {
            let nr = 0;
            let ni = 0;
            if (g.wires.length === 1) {
              const q = g.wires[0];
              const u = mat(g, b);
              const row = (i >> q) & 1;
              for (let col = 0; col < 2; col++) {
                const j = (i & ~(1 << q)) | (col << q);
                const [ur, ui] = [u[4 * row + 2 * col], u[4 * row + 2 * col + 1]];
                nr += ur * r[j] - ui * m[j];
                ni += ur * m[j] + ui * r[j];
              }
            } else {
              const [a, c] = g.wires as readonly [number, number];
              let j = i;
              let sign = 1;
              if (g.gate === 'cnot' && (i >> a) & 1) j = i ^ (1 << c);
              if (g.gate === 'cz' && (i >> a) & 1 && (i >> c) & 1) sign = -1;
              if (g.gate === 'swap' && ((i >> a) & 1) !== ((i >> c) & 1)) j = i ^ (1 << a) ^ (1 << c);
              nr = sign * r[j];
              ni = sign * m[j];
            }
            ref.re[o + i] = nr;
            ref.im[o + i] = ni;
          }
        }
      }
      const got = init(7);
      await run('statevector-layer', backend, { ...got, qubits, batch, gates, params, nParams });
      const tol = toleranceOf(getKernel('statevector-layer', backend));
      const bound = tol.kind === 'reference' ? 1e-12 : tol.abs! * gates.length;
      for (let b = 0; b < batch; b++) {
        let e2 = 0;
        let n2 = 0;
        for (let i = b * dim; i < (b + 1) * dim; i++) {
          e2 += (got.re[i] - ref.re[i]) ** 2 + (got.im[i] - ref.im[i]) ** 2;
          n2 += got.re[i] ** 2 + got.im[i] ** 2;
        }
        if (backend !== 'js') console.log(`statevector-layer ${backend}: ‖ψ − ψ_ref‖₂ = ${Math.sqrt(e2).toExponential(2)} after ${gates.length} gates (declared bound ${bound.toExponential(2)})`);
        expect(Math.sqrt(e2), `state ${b}`).toBeLessThanOrEqual(bound);
        expect(Math.abs(n2 - 1)).toBeLessThan(backend === 'js' ? 1e-12 : 2 * bound);
      }
      // bad input names the gate
      await expect(Promise.resolve().then(() => getKernel('statevector-layer', backend).run({ ...init(1), qubits, batch, gates: [{ gate: 'cnot', wires: [1, 1] }] }))).rejects.toThrow(/gates\[0\]\.wires/);
    });

    it('shot-sample: counts follow the exact probabilities (chi-square), zero-probability outcomes never drawn, integer algorithm exact', async () => {
      const dim = 16;
      const probs = new Float64Array(3 * dim);
      const st = Stream.fromSeed(51);
      for (let i = 0; i < probs.length; i++) probs[i] = i % 5 === 3 ? 0 : st.uniform() ** 3;
      probs.fill(0, 2 * dim, 3 * dim);
      probs[2 * dim + 5] = 0.25; // a row with two outcomes
      probs[2 * dim + 11] = 0.75;
      const rows = [0, 1, 2, 0, 1];
      const shots = [20000, 7, 30001, 4096, 0];
      const stream = Stream.fromPath(3, ['vqe', 'shots']);
      const counts = await run('shot-sample', backend, { probabilities: probs, dim, rows, shots, stream, first: 11 });
      expect(counts.length).toBe(rows.length * dim);
      // the integer algorithm itself, here: thresholds from the float64 CDF, word s of child(first + b)
      const { T, last } = shotThresholds(probs, dim);
      const want = new Uint32Array(rows.length * dim);
      rows.forEach((r, b) => {
        const c = stream.child(11 + b);
        for (let k = 0; k < shots[b]; k++) want[b * dim + outcomeOf(T, r * dim, last[r], c.nextUint32())]++;
      });
      expect(Buffer.from(counts.buffer, counts.byteOffset, counts.byteLength).equals(Buffer.from(want.buffer)), `${backend}: counts bit-identical to the integer algorithm`).toBe(true);
      rows.forEach((r, b) => {
        const n = counts.subarray(b * dim, (b + 1) * dim);
        const p = probs.subarray(r * dim, (r + 1) * dim);
        expect(n.reduce((a, x) => a + x, 0)).toBe(shots[b]);
        for (let j = 0; j < dim; j++) if (p[j] === 0) expect(n[j], `outcome ${j} of zero probability`).toBe(0);
        if (shots[b] >= 1000) {
          const pos = [...p.keys()].filter((j) => p[j] > 0);
          const t = chiSquareTest(pos.map((j) => n[j]), pos.map((j) => p[j]));
          expect(t.pValue, `sample ${b}: chi-square ${t.statistic.toFixed(2)} on ${t.df} df`).toBeGreaterThan(1e-3);
        }
      });
      // the law over many independent samples: the chi-square statistics are χ²(df)-distributed, so their mean is df within 4 SE
      const many = 400;
      const big = await run('shot-sample', backend, { probabilities: probs.subarray(0, dim), dim, rows: new Array(many).fill(0), shots: 2000, stream: Stream.fromSeed(52) });
      const pos = [...probs.subarray(0, dim).keys()].filter((j) => probs[j] > 0);
      const chis = new Float64Array(many);
      for (let b = 0; b < many; b++) {
        let c2 = 0;
        let tot = 0;
        for (const j of pos) tot += probs[j];
        for (const j of pos) {
          const e = (2000 * probs[j]) / tot;
          c2 += (big[b * dim + j] - e) ** 2 / e;
        }
        chis[b] = c2;
      }
      const mc = Moments.of(chis);
      within4SE(mc.mean, Math.sqrt((2 * (pos.length - 1)) / many), pos.length - 1, 'mean chi-square statistic');
      await expect(Promise.resolve().then(() => getKernel('shot-sample', backend).run({ probabilities: probs, dim, rows: [3], shots: 5, stream }))).rejects.toThrow(/rows\[0\]/);
    });
  });

  it.runIf(gpu)('webgpu: Philox4x32-10 known-answer vectors (Random123) and Box–Muller within the declared float32 tolerance', async () => {
    const kat = Uint32Array.from([
      0, 0, 0, 0, 0, 0,
      0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff,
      0x243f6a88, 0x85a308d3, 0x13198a2e, 0x03707344, 0xa4093822, 0x299f31d0,
    ]);
    const want = [0x6627e8d5, 0xe169c58d, 0xbc57ac4c, 0x9b00dbd8, 0x408f276d, 0x41c83b0e, 0xa20bc7c6, 0x6d5451fd, 0xd16cfe09, 0x94fdcceb, 0x5001e420, 0x24126ea1];
    expect([...(await philoxBlocksWebGPU(kat))]).toEqual(want);
    const js = new Uint32Array(4);
    philoxBlockJS(0x243f6a88, 0x85a308d3, 0x13198a2e, 0x03707344, 0xa4093822, 0x299f31d0, js);
    expect([...js]).toEqual(want.slice(8));
    // normals: the GPU's float32 Box–Muller against the float64 formula on the same words
    const s = Stream.fromSeed(77);
    const particles = 512;
    const count = 64;
    const z = await run('normals', 'webgpu', { stream: s, particles, count });
    const words = await run('philox-words', 'js', { stream: s, particles, words: count });
    const ref = new Float64Array(particles * count);
    for (let i = 0; i < ref.length; i += 4) boxMuller4(words[i], words[i + 1], words[i + 2], words[i + 3], ref, i);
    const tolAbs = toleranceOf(getKernel('normals', 'webgpu')).abs!;
    let worst = 0;
    let over = 0;
    for (let i = 0; i < ref.length; i++) {
      const e = Math.abs(z[i] - ref[i]);
      worst = Math.max(worst, e);
      if (e > 1e-5) over++;
    }
    const errs = Array.from(ref, (v, i) => Math.abs(z[i] - v)).sort((a, b) => a - b);
    console.log(`Box–Muller float32 vs float64 on the same words: median ${errs[errs.length >> 1].toExponential(2)}, 99.9% ${errs[Math.floor(errs.length * 0.999)].toExponential(2)}, worst ${worst.toExponential(2)}, over 1e-5: ${over}`);
    expect(worst).toBeLessThan(tolAbs);
  });
});
