/**
 * The 'js' kernels (float64, the reference every other backend is held to), registered in the
 * kernel registry. The array kernels are the js backend's own functions, so registering them
 * changed no number; the ensemble kernels run on EnsembleNoise (block b of `blockSize` particles
 * draws from stream.child(firstBlock + b)): `ensemble-em` is `emStepsJS` itself (the bytes of
 * `runEnsemble`, fused with its draws for every drift given as data), `baoab` and `game-step` run
 * block-major (block-major.ts, game-step.ts).
 */
import ndarray from 'ndarray';
import { assertInteger, assertPositive, DEFAULT_BLOCK_SIZE, EnsembleNoise, ParameterError } from '@snrlab/core';
import { blockMajor } from './block-major.js';
import { derivativeHorner, hornerAt } from './fused-em.js';
import { gameStepJS } from './game-step.js';
import { createJsBackend, emStepJS, emStepsJS, matmulJS } from './js.js';
import { registerKernel, type Tolerance } from './kernels.js';
import type { BAOABArgs, EnsembleEMArgs, MLPNormsArgs, MLPNormsResult, NormalsArgs, PhiloxWordsArgs } from './kernel-types.js';
import { shotSampleJS, statevectorLayerJS } from './statevector.js';
import { toStream } from './streams.js';
import type { Divergence } from './types.js';
import { makeScratch } from './types.js';

export { derivativeHorner, hornerAt } from './fused-em.js';
export { checkGame, etaVector, gameStepJS } from './game-step.js';

const REF: Tolerance = { kind: 'reference', note: 'float64 reference' };

function checkEnsemble(a: { n: number; d: number; dt: number; steps: number }, len: number, name = 'x'): void {
  assertInteger('n', a.n, { min: 1 });
  assertInteger('d', a.d, { min: 1 });
  assertPositive('dt', a.dt);
  assertInteger('steps', a.steps, { min: 0 });
  if (len !== a.n * a.d) throw new ParameterError(`${name}.length`, len, `n·d = ${a.n * a.d}`);
}

export function ensembleEMJS(a: EnsembleEMArgs): { divergence: Divergence | null } {
  checkEnsemble(a, a.x.length);
  assertPositive('sigma', a.sigma, { allowZero: true });
  // every drift given as data runs fused with its draws: the bytes of runEnsemble
  const noise = new EnsembleNoise(toStream(a.stream), a.n, a.d, { blockSize: a.blockSize ?? DEFAULT_BLOCK_SIZE, firstBlock: a.firstBlock ?? 0 });
  return { divergence: emStepsJS(a.x, a.n, a.d, a.drift, { dt: a.dt, sigma: a.sigma }, a.steps, noise) };
}

export function baoabJS(a: BAOABArgs): { divergence: Divergence | null } {
  checkEnsemble(a, a.q.length, 'q');
  if (a.p.length !== a.q.length) throw new ParameterError('p.length', a.p.length, `q.length = ${a.q.length}`);
  assertPositive('friction', a.friction);
  assertPositive('temperature', a.temperature, { allowZero: true });
  const m = a.mass ?? 1;
  assertPositive('mass', m);
  const g = derivativeHorner(a.potential);
  const h = a.dt;
  const c = Math.exp((-a.friction * h) / m);
  const s = Math.sqrt(-Math.expm1((-2 * a.friction * h) / m) * m * a.temperature);
  const hh = 0.5 * h;
  const hm = hh / m;
  const { q, p, d } = a;
  const noise = new EnsembleNoise(toStream(a.stream), a.n, d, { blockSize: a.blockSize ?? DEFAULT_BLOCK_SIZE, firstBlock: a.firstBlock ?? 0 });
  return {
    divergence: blockMajor(noise, d, a.steps, (lo, hi, z) => {
      const o = lo * d;
      const len = (hi - lo) * d;
      let bad = -1;
      for (let i = 0; i < len; i++) {
        let pi = p[o + i] - hh * hornerAt(g, q[o + i]); // B
        let qi = q[o + i] + hm * pi; // A
        pi = c * pi + s * z[i]; // O
        qi += hm * pi; // A
        pi -= hh * hornerAt(g, qi); // B
        q[o + i] = qi;
        p[o + i] = pi;
        if ((qi - qi !== 0 || pi - pi !== 0) && bad < 0) bad = i;
      }
      return bad;
    }),
  };
}

/** Per-example squared gradient norms of one dense layer y = u·W + b: |u_i|²|δ_i|² (+ |δ_i|²). */
export function perExampleNormsJS(a: { u: Float64Array; delta: Float64Array; batch: number; inputs: number; outputs: number; bias?: boolean }): Float64Array {
  const { u, delta, batch, inputs: K, outputs: C } = a;
  if (u.length !== batch * K) throw new ParameterError('u.length', u.length, `batch·inputs = ${batch * K}`);
  if (delta.length !== batch * C) throw new ParameterError('delta.length', delta.length, `batch·outputs = ${batch * C}`);
  const out = new Float64Array(batch);
  for (let i = 0; i < batch; i++) {
    let su = 0;
    for (let k = 0; k < K; k++) su += u[i * K + k] * u[i * K + k];
    let sd = 0;
    for (let c = 0; c < C; c++) sd += delta[i * C + c] * delta[i * C + c];
    out[i] = su * sd + (a.bias === false ? 0 : sd);
  }
  return out;
}

export function checkMLP(a: MLPNormsArgs): void {
  assertInteger('batch', a.batch, { min: 1 });
  if (!a.layers.length) throw new ParameterError('layers', a.layers.length, 'at least one dense layer');
  if (a.x.length !== a.batch * a.layers[0].in) throw new ParameterError('x.length', a.x.length, `batch·in = ${a.batch * a.layers[0].in}`);
  if (a.labels.length !== a.batch) throw new ParameterError('labels.length', a.labels.length, `batch = ${a.batch}`);
  a.layers.forEach((l, i) => {
    if (l.W.length !== l.in * l.out) throw new ParameterError(`layers[${i}].W.length`, l.W.length, `in·out = ${l.in * l.out}`);
    if (l.b.length !== l.out) throw new ParameterError(`layers[${i}].b.length`, l.b.length, `out = ${l.out}`);
    if (i > 0 && l.in !== a.layers[i - 1].out) throw new ParameterError(`layers[${i}].in`, l.in, `layers[${i - 1}].out = ${a.layers[i - 1].out}`);
  });
  const C = a.layers[a.layers.length - 1].out;
  for (let i = 0; i < a.batch; i++) if (!Number.isInteger(a.labels[i]) || a.labels[i] < 0 || a.labels[i] >= C) throw new ParameterError(`labels[${i}]`, a.labels[i], `an integer in [0, ${C})`);
}

/**
 * Per-example squared gradient norms of an MLP (dense layers, ReLU between them, softmax
 * cross-entropy on the last), by BatchL2: each layer contributes |u_i|²|δ_i|² + |δ_i|².
 */
export function mlpPerExampleNormsJS(a: MLPNormsArgs): MLPNormsResult {
  checkMLP(a);
  const B = a.batch;
  const acts: Float64Array[] = [a.x];
  const pre: Float64Array[] = [];
  for (let l = 0; l < a.layers.length; l++) {
    const L = a.layers[l];
    const z = matmulJS(ndarray(acts[l], [B, L.in]), ndarray(L.W, [L.in, L.out])).data;
    for (let i = 0; i < B; i++) for (let c = 0; c < L.out; c++) z[i * L.out + c] += L.b[c];
    pre.push(z);
    if (l < a.layers.length - 1) acts.push(z.map((v) => (v > 0 ? v : 0)));
  }
  const C = a.layers[a.layers.length - 1].out;
  const logits = pre[pre.length - 1];
  let delta: Float64Array = new Float64Array(B * C);
  const loss = new Float64Array(B);
  for (let i = 0; i < B; i++) {
    let mx = -Infinity;
    for (let c = 0; c < C; c++) mx = Math.max(mx, logits[i * C + c]);
    let se = 0;
    for (let c = 0; c < C; c++) se += Math.exp(logits[i * C + c] - mx);
    const y = a.labels[i];
    for (let c = 0; c < C; c++) delta[i * C + c] = Math.exp(logits[i * C + c] - mx) / se - (c === y ? 1 : 0);
    loss[i] = Math.log(se) + mx - logits[i * C + y];
  }
  const norms = new Float64Array(B);
  for (let l = a.layers.length - 1; l >= 0; l--) {
    const L = a.layers[l];
    const part = perExampleNormsJS({ u: acts[l], delta, batch: B, inputs: L.in, outputs: L.out });
    for (let i = 0; i < B; i++) norms[i] += part[i];
    if (l > 0) {
      // δ_{l−1} = (δ_l · Wᵀ) ⊙ relu′(z_{l−1})
      const Wt = ndarray(L.W, [L.in, L.out]).transpose(1, 0);
      const back = matmulJS(ndarray(delta, [B, L.out]), Wt).data;
      const z = pre[l - 1];
      for (let i = 0; i < back.length; i++) if (!(z[i] > 0)) back[i] = 0;
      delta = back;
    }
  }
  return { norms, loss };
}

export function philoxWordsJS(a: PhiloxWordsArgs): Uint32Array {
  assertInteger('particles', a.particles, { min: 1 });
  assertInteger('words', a.words, { min: 0 });
  const s = toStream(a.stream);
  const out = new Uint32Array(a.particles * a.words);
  const first = a.first ?? 0;
  for (let p = 0; p < a.particles; p++) {
    const c = s.child(first + p);
    if (a.offset) c.seek(a.offset);
    for (let k = 0; k < a.words; k++) out[p * a.words + k] = c.nextUint32();
  }
  return out;
}

export function normalsJS(a: NormalsArgs): Float64Array {
  assertInteger('particles', a.particles, { min: 1 });
  assertInteger('count', a.count, { min: 0 });
  const s = toStream(a.stream);
  const out = new Float64Array(a.particles * a.count);
  const first = a.first ?? 0;
  for (let p = 0; p < a.particles; p++) s.child(first + p).fillNormal(out.subarray(p * a.count, (p + 1) * a.count));
  return out;
}

/** Register the js kernels (once, on the registry's first use). */
export function registerJsKernels(): void {
  const js = createJsBackend();
  const common = { backend: 'js', precision: 'float64' as const, tolerance: REF };
  registerKernel({ ...common, kernel: 'fill-normal', run: ({ source, out }) => js.fillNormal(source, out), description: 'N(0,1) from a core stream (ziggurat)' });
  registerKernel({
    ...common,
    kernel: 'em-step',
    run: (a) => emStepJS(a.x, a.n, a.d, a.drift, { dt: a.dt, sigma: a.sigma, t: a.t }, a.noise, a.scratch ?? makeScratch(a.n * a.d)),
    description: 'one Euler–Maruyama step (legacy drifts, any sigma)',
  });
  registerKernel({ ...common, kernel: 'ensemble-em', run: ensembleEMJS, description: 'Euler–Maruyama ensemble fused with its draws (drift as data), block-major, many steps per call' });
  registerKernel({ ...common, kernel: 'baoab', run: baoabJS, description: 'BAOAB underdamped Langevin for a polynomial potential' });
  registerKernel({ ...common, kernel: 'game-step', run: gameStepJS, description: 'noisy steps of a linear game (simultaneous, alternating, extragradient, optimistic, proximal, negative momentum)' });
  registerKernel({ ...common, kernel: 'matmul', run: ({ a, b }) => js.matmul(a, b), description: 'C = A·B' });
  registerKernel({ ...common, kernel: 'batched-matmul', run: ({ a, b }) => js.batchedMatmul(a, b), description: 'C[i] = A[i]·B[i]' });
  registerKernel({ ...common, kernel: 'mean', run: ({ x, axis }) => js.mean(x, axis), description: 'mean along an axis' });
  registerKernel({ ...common, kernel: 'variance', run: ({ x, axis, ddof }) => js.variance(x, axis, ddof), description: 'variance along an axis' });
  registerKernel({ ...common, kernel: 'covariance', run: ({ x, ddof }) => js.covariance(x, ddof), description: 'covariance of columns' });
  registerKernel({ ...common, kernel: 'per-example-norms', run: perExampleNormsJS, description: 'dense layer per-example squared gradient norms (BatchL2)' });
  registerKernel({ ...common, kernel: 'mlp-per-example-norms', run: mlpPerExampleNormsJS, description: 'MLP (ReLU, softmax CE) per-example squared gradient norms' });
  registerKernel({ ...common, kernel: 'philox-words', run: philoxWordsJS, tolerance: { kind: 'exact', note: "core's Stream: the definition" }, description: 'Philox4x32-10 words of child streams' });
  registerKernel({ ...common, kernel: 'normals', run: normalsJS, description: 'N(0,1) per child stream (ziggurat)' });
  registerKernel({ ...common, kernel: 'statevector-layer', run: statevectorLayerJS, description: "a layer of gates on a batch of statevectors (quantum-vqe-shots' simulator loops, float64)" });
  registerKernel({ ...common, kernel: 'shot-sample', run: shotSampleJS, tolerance: { kind: 'exact', note: 'integer thresholds from the float64 CDF on Philox words: the definition' }, description: 'measurement counts by 32-bit thresholds on child-stream words' });
}
