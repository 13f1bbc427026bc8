/// <reference types="@webgpu/types" />
/**
 * The 'webgpu' kernels: float32 WGSL, registered in the kernel registry with their declared
 * tolerances. Each kernel uploads its inputs, runs all its steps on the GPU (many steps per
 * dispatch), and reads the results back into the caller's float64 arrays.
 *
 * Random numbers: particle p draws from stream.child(firstParticle + p) (integer words
 * bit-identical to core's Stream), normals by Box–Muller in float32. These are other random
 * numbers than the js backend's (block streams, ziggurat): results agree in law, not in bytes.
 */
import ndarray, { type NdArray } from 'ndarray';
import { assertInteger, assertPositive, ParameterError } from '@snrlab/core';
import { checkMatmul, contiguous } from '../nd.js';
import { addAutoCandidate, registerKernel, type Tolerance } from '../kernels.js';
import type { BAOABArgs, EnsembleEMArgs, GameStepArgs, KernelDrift, MLPNormsArgs, MLPNormsResult, NormalsArgs, PhiloxWordsArgs, StreamLike } from '../kernel-types.js';
import { checkGame, checkMLP, derivativeHorner } from '../js-kernels.js';
import { streamWords } from '../streams.js';
import type { Divergence } from '../types.js';
import { acquireWebGPU, describeAdapter, type WebGPUContext } from './device.js';
import { shotSampleWebGPU, statevectorLayerWebGPU } from './statevector.js';
import { registerRdmeKernelsWebGPU } from './rdme.js';
import { BAOAB, RAW, ELEMENTWISE, EM, GAME, GAME_MAXD, MATMUL, NORMALS, ROW_NORMS, SOFTMAX_CE, WG, WORDS } from './wgsl.js';

const S = () => (globalThis as unknown as { GPUBufferUsage: typeof GPUBufferUsage }).GPUBufferUsage;
const MAP = () => (globalThis as unknown as { GPUMapMode: typeof GPUMapMode }).GPUMapMode;

const pipelines = new WeakMap<GPUDevice, Map<string, GPUComputePipeline>>();

export async function pipeline(ctx: WebGPUContext, code: string): Promise<GPUComputePipeline> {
  let m = pipelines.get(ctx.device);
  if (!m) {
    m = new Map();
    pipelines.set(ctx.device, m);
  }
  const hit = m.get(code);
  if (hit) return hit;
  const dev = ctx.device;
  dev.pushErrorScope('validation');
  const module = dev.createShaderModule({ code });
  const p = await dev.createComputePipelineAsync({ layout: 'auto', compute: { module, entryPoint: 'main' } }).catch(async (e: unknown) => {
    const info = await module.getCompilationInfo();
    const msgs = info.messages.map((x) => `${x.type} ${x.lineNum}:${x.linePos} ${x.message}`).join('\n');
    throw new Error(`WGSL pipeline failed: ${e instanceof Error ? e.message : String(e)}\n${msgs}`);
  });
  const err = await dev.popErrorScope();
  if (err) throw new Error(`WGSL validation failed: ${err.message}`);
  m.set(code, p);
  return p;
}

/** A storage buffer holding `data` (padded to 4 bytes and at least 16). */
export function upload(dev: GPUDevice, data: ArrayBufferView, extra = 0): GPUBuffer {
  const size = Math.max(16, Math.ceil(data.byteLength / 4) * 4);
  const buf = dev.createBuffer({ size, usage: S().STORAGE | S().COPY_SRC | S().COPY_DST | extra, mappedAtCreation: true });
  new Uint8Array(buf.getMappedRange()).set(new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
  buf.unmap();
  return buf;
}

export function empty(dev: GPUDevice, bytes: number): GPUBuffer {
  return dev.createBuffer({ size: Math.max(16, Math.ceil(bytes / 4) * 4), usage: S().STORAGE | S().COPY_SRC | S().COPY_DST });
}

/** Copy buffers back to the CPU after the encoder's work; returns their bytes. */
export async function readBack(dev: GPUDevice, enc: GPUCommandEncoder, bufs: GPUBuffer[]): Promise<ArrayBuffer[]> {
  const staging = bufs.map((b) => {
    const s = dev.createBuffer({ size: b.size, usage: S().MAP_READ | S().COPY_DST });
    enc.copyBufferToBuffer(b, 0, s, 0, b.size);
    return s;
  });
  dev.queue.submit([enc.finish()]);
  const out: ArrayBuffer[] = [];
  for (const s of staging) {
    await s.mapAsync(MAP().READ);
    out.push(s.getMappedRange().slice(0));
    s.unmap();
    s.destroy();
  }
  return out;
}

export function dispatch(ctx: WebGPUContext, pass: GPUComputePassEncoder, threads: number): void {
  const groups = Math.max(1, Math.ceil(threads / WG));
  const maxDim = ctx.report.limits.maxComputeWorkgroupsPerDimension;
  const gx = Math.min(groups, maxDim);
  pass.dispatchWorkgroups(gx, Math.ceil(groups / gx));
}

export function bind(dev: GPUDevice, p: GPUComputePipeline, buffers: Record<number, GPUBuffer>): GPUBindGroup {
  return dev.createBindGroup({ layout: p.getBindGroupLayout(0), entries: Object.entries(buffers).map(([b, buffer]) => ({ binding: Number(b), resource: { buffer } })) });
}

/** Header words: n, d, steps, step0, first (lo, hi), stream (4 words), then 22 kernel words. */
function header(n: number, d: number, steps: number, step0: number, first: number, stream: number[]): { u: Uint32Array; f: Float32Array } {
  const u = new Uint32Array(32);
  const f = new Float32Array(u.buffer);
  u.set([n, d, steps, step0 >>> 0, first >>> 0, Math.floor(first / 4294967296) >>> 0, ...stream]);
  return { u, f };
}

/** Horner coefficients of U′ for a kernel drift (the legacy closed forms as polynomials). */
function hornerOf(drift: KernelDrift): Float64Array {
  if (drift.kind === 'linear') return Float64Array.of(drift.rate, -drift.rate * (drift.center ?? 0));
  if (drift.kind === 'double-well') return Float64Array.of(1, 0, -1, -(drift.tilt ?? 0));
  if (drift.kind === 'polynomial') return derivativeHorner(drift);
  throw new ParameterError('drift.kind', (drift as { kind: string }).kind, "'linear', 'double-well' or 'polynomial'");
}

const MAX_HORNER = 16;
/** Steps per dispatch: long enough to amortise a dispatch, short enough to stay clear of GPU watchdogs. */
export const STEPS_PER_DISPATCH = 250;

function setHorner(h: { f: Float32Array; u: Uint32Array }, g: Float64Array): void {
  if (g.length > MAX_HORNER) throw new ParameterError('potential degree', g.length, `at most ${MAX_HORNER} on webgpu`);
  h.u[11] = g.length;
  for (let i = 0; i < g.length; i++) h.f[12 + i] = g[i];
}

function divergenceOf(bad: Uint32Array): Divergence | null {
  return bad[0] === 0xffffffff ? null : { step: bad[0], index: bad[1] };
}

async function runSteps(
  code: string,
  n: number,
  d: number,
  steps: number,
  step0: number,
  first: number,
  stream: number[],
  setup: (h: { u: Uint32Array; f: Float32Array }) => void,
  arrays: Float64Array[],
  extra: Record<number, GPUBuffer> = {},
  width = d,
): Promise<Divergence | null> {
  assertInteger('steps', steps, { min: 0 });
  const ctx = await acquireWebGPU();
  const dev = ctx.device;
  const p = await pipeline(ctx, code);
  const bufs = arrays.map((a) => upload(dev, Float32Array.from(a)));
  const bad = upload(dev, Uint32Array.of(0xffffffff, 0xffffffff));
  const enc = dev.createCommandEncoder();
  const params: GPUBuffer[] = [];
  for (let k = 0; k < steps; k += STEPS_PER_DISPATCH) {
    const h = header(n, d, Math.min(STEPS_PER_DISPATCH, steps - k), step0 + k, first, stream);
    setup(h);
    const pb = upload(dev, h.u);
    params.push(pb);
    const entries: Record<number, GPUBuffer> = { 0: pb, 1: bufs[0], 2: bad, ...extra };
    if (bufs[1]) entries[3] = bufs[1];
    const pass = enc.beginComputePass();
    pass.setPipeline(p);
    pass.setBindGroup(0, bind(dev, p, entries));
    dispatch(ctx, pass, n);
    pass.end();
  }
  const [badBytes, ...outs] = await readBack(dev, enc, [bad, ...bufs]);
  arrays.forEach((a, i) => a.set(new Float32Array(outs[i], 0, a.length)));
  for (const b of [...bufs, bad, ...params, ...Object.values(extra)]) b.destroy();
  void width;
  return divergenceOf(new Uint32Array(badBytes));
}

export async function ensembleEMWebGPU(a: EnsembleEMArgs): Promise<{ divergence: Divergence | null }> {
  assertInteger('n', a.n, { min: 1 });
  assertInteger('d', a.d, { min: 1 });
  assertPositive('dt', a.dt);
  assertPositive('sigma', a.sigma, { allowZero: true });
  if (a.x.length !== a.n * a.d) throw new ParameterError('x.length', a.x.length, `n·d = ${a.n * a.d}`);
  const g = hornerOf(a.drift);
  const s = a.sigma * Math.sqrt(a.dt);
  const divergence = await runSteps(EM, a.n, a.d, a.steps, a.stepOffset ?? 0, a.firstParticle ?? 0, streamWords(a.stream), (h) => {
    h.f[10] = a.dt;
    setHorner(h, g);
    h.f[31] = s;
  }, [a.x]);
  return { divergence };
}

export async function baoabWebGPU(a: BAOABArgs): Promise<{ divergence: Divergence | null }> {
  assertInteger('n', a.n, { min: 1 });
  assertInteger('d', a.d, { min: 1 });
  assertPositive('dt', a.dt);
  assertPositive('friction', a.friction);
  assertPositive('temperature', a.temperature, { allowZero: true });
  if (a.q.length !== a.n * a.d) throw new ParameterError('q.length', a.q.length, `n·d = ${a.n * a.d}`);
  if (a.p.length !== a.q.length) throw new ParameterError('p.length', a.p.length, `q.length = ${a.q.length}`);
  const m = a.mass ?? 1;
  assertPositive('mass', m);
  const g = derivativeHorner(a.potential);
  const h = a.dt;
  const c = Math.exp((-a.friction * h) / m);
  const s = Math.sqrt(-Math.expm1((-2 * a.friction * h) / m) * m * a.temperature);
  const divergence = await runSteps(BAOAB, a.n, a.d, a.steps, a.stepOffset ?? 0, a.firstParticle ?? 0, streamWords(a.stream), (hd) => {
    hd.f[10] = h;
    setHorner(hd, g);
    hd.f[28] = c;
    hd.f[29] = s;
    hd.f[30] = 0.5 * h;
    hd.f[31] = (0.5 * h) / m;
  }, [a.q, a.p]);
  return { divergence };
}

const METHOD_CODE = { simultaneous: 0, alternating: 1, extragradient: 2, optimistic: 3 } as const;

export async function gameStepWebGPU(a: GameStepArgs): Promise<{ divergence: Divergence | null }> {
  // checkGame refuses the js-only methods, α-stable noise and an EnsembleNoise here
  const { S: width, eta, M } = checkGame(a);
  if (a.d > GAME_MAXD) throw new ParameterError('d', a.d, `at most ${GAME_MAXD} on webgpu`);
  const ctx = await acquireWebGPU();
  const mb = upload(ctx.device, Float32Array.from(M));
  const divergence = await runSteps(GAME, a.n, a.d, a.steps, a.stepOffset ?? 0, a.firstParticle ?? 0, streamWords(a.stream as StreamLike), (h) => {
    h.u[10] = METHOD_CODE[a.method as keyof typeof METHOD_CODE];
    h.u[11] = a.nx;
    h.f[12] = a.sigma;
    h.u[13] = width;
    for (let i = 0; i < a.d; i++) h.f[14 + i] = eta[i];
  }, [a.state], { 3: mb }, width);
  return { divergence };
}

function streamHeader(particles: number, count: number, offset: number, first: number, stream: number[]): Uint32Array {
  const u = new Uint32Array(16);
  u.set([particles, count, offset, 0, first >>> 0, Math.floor(first / 4294967296) >>> 0, ...stream]);
  return u;
}

export async function philoxWordsWebGPU(a: PhiloxWordsArgs): Promise<Uint32Array> {
  assertInteger('particles', a.particles, { min: 1 });
  assertInteger('words', a.words, { min: 0 });
  const offset = a.offset ?? 0;
  assertInteger('offset', offset, { min: 0, max: 4 * 0xffffffff - a.words });
  const ctx = await acquireWebGPU();
  const dev = ctx.device;
  const p = await pipeline(ctx, WORDS);
  const pb = upload(dev, streamHeader(a.particles, a.words, offset, a.first ?? 0, streamWords(a.stream)));
  const out = empty(dev, a.particles * a.words * 4);
  const enc = dev.createCommandEncoder();
  const pass = enc.beginComputePass();
  pass.setPipeline(p);
  pass.setBindGroup(0, bind(dev, p, { 0: pb, 1: out }));
  dispatch(ctx, pass, a.particles);
  pass.end();
  const [bytes] = await readBack(dev, enc, [out]);
  pb.destroy();
  out.destroy();
  return new Uint32Array(bytes, 0, a.particles * a.words).slice();
}

/** Philox4x32-10 blocks for arbitrary (counter, key) on the GPU: `input` holds c0..c3, k0, k1 per block (known-answer tests). */
export async function philoxBlocksWebGPU(input: Uint32Array): Promise<Uint32Array> {
  const count = Math.floor(input.length / 6);
  const ctx = await acquireWebGPU();
  const dev = ctx.device;
  const p = await pipeline(ctx, RAW);
  const pb = upload(dev, Uint32Array.of(count));
  const inb = upload(dev, input);
  const out = empty(dev, count * 16);
  const enc = dev.createCommandEncoder();
  const pass = enc.beginComputePass();
  pass.setPipeline(p);
  pass.setBindGroup(0, bind(dev, p, { 0: pb, 1: inb, 2: out }));
  dispatch(ctx, pass, count);
  pass.end();
  const [bytes] = await readBack(dev, enc, [out]);
  [pb, inb, out].forEach((b) => b.destroy());
  return new Uint32Array(bytes, 0, count * 4).slice();
}

export async function normalsWebGPU(a: NormalsArgs): Promise<Float64Array> {
  assertInteger('particles', a.particles, { min: 1 });
  assertInteger('count', a.count, { min: 0 });
  const ctx = await acquireWebGPU();
  const dev = ctx.device;
  const p = await pipeline(ctx, NORMALS);
  const pb = upload(dev, streamHeader(a.particles, a.count, 0, a.first ?? 0, streamWords(a.stream)));
  const out = empty(dev, a.particles * a.count * 4);
  const enc = dev.createCommandEncoder();
  const pass = enc.beginComputePass();
  pass.setPipeline(p);
  pass.setBindGroup(0, bind(dev, p, { 0: pb, 1: out }));
  dispatch(ctx, pass, a.particles);
  pass.end();
  const [bytes] = await readBack(dev, enc, [out]);
  pb.destroy();
  out.destroy();
  return Float64Array.from(new Float32Array(bytes, 0, a.particles * a.count));
}

/** Encode C = A·op(B) (+ bias) into `enc` on GPU buffers. */
async function encodeMatmul(ctx: WebGPUContext, enc: GPUCommandEncoder, A: GPUBuffer, B: GPUBuffer, C: GPUBuffer, m: number, n: number, k: number, transB: boolean, bias: GPUBuffer | null, keep: GPUBuffer[]): Promise<void> {
  const dev = ctx.device;
  const p = await pipeline(ctx, MATMUL);
  const pb = upload(dev, Uint32Array.of(m, n, k, transB ? 1 : 0, bias ? 1 : 0));
  keep.push(pb);
  const biasBuf = bias ?? pb;
  const pass = enc.beginComputePass();
  pass.setPipeline(p);
  pass.setBindGroup(0, bind(dev, p, { 0: pb, 1: A, 2: B, 3: C, 4: biasBuf }));
  pass.dispatchWorkgroups(Math.ceil(n / 16), Math.ceil(m / 16));
  pass.end();
}

async function encodeSimple(ctx: WebGPUContext, enc: GPUCommandEncoder, code: string, params: Uint32Array, buffers: Record<number, GPUBuffer>, threads: number, keep: GPUBuffer[]): Promise<void> {
  const dev = ctx.device;
  const p = await pipeline(ctx, code);
  const pb = upload(dev, params);
  keep.push(pb);
  const pass = enc.beginComputePass();
  pass.setPipeline(p);
  pass.setBindGroup(0, bind(dev, p, { 0: pb, ...buffers }));
  dispatch(ctx, pass, threads);
  pass.end();
}

export async function matmulWebGPU({ a, b }: { a: NdArray; b: NdArray }): Promise<NdArray<Float64Array>> {
  checkMatmul(a, b, false);
  const [m, k] = a.shape;
  const n = b.shape[1];
  const ctx = await acquireWebGPU();
  const dev = ctx.device;
  const keep: GPUBuffer[] = [];
  const A = upload(dev, Float32Array.from(contiguous(a).data));
  const B = upload(dev, Float32Array.from(contiguous(b).data));
  const C = empty(dev, m * n * 4);
  keep.push(A, B, C);
  const enc = dev.createCommandEncoder();
  await encodeMatmul(ctx, enc, A, B, C, m, n, k, false, null, keep);
  const [bytes] = await readBack(dev, enc, [C]);
  keep.forEach((x) => x.destroy());
  return ndarray(Float64Array.from(new Float32Array(bytes, 0, m * n)), [m, n]);
}

export async function perExampleNormsWebGPU(a: { u: Float64Array; delta: Float64Array; batch: number; inputs: number; outputs: number; bias?: boolean }): Promise<Float64Array> {
  const { batch, inputs: K, outputs: C } = a;
  if (a.u.length !== batch * K) throw new ParameterError('u.length', a.u.length, `batch·inputs = ${batch * K}`);
  if (a.delta.length !== batch * C) throw new ParameterError('delta.length', a.delta.length, `batch·outputs = ${batch * C}`);
  const ctx = await acquireWebGPU();
  const dev = ctx.device;
  const keep: GPUBuffer[] = [];
  const U = upload(dev, Float32Array.from(a.u));
  const D = upload(dev, Float32Array.from(a.delta));
  const N = empty(dev, batch * 4);
  keep.push(U, D, N);
  const enc = dev.createCommandEncoder();
  await encodeSimple(ctx, enc, ROW_NORMS, Uint32Array.of(batch, K, C, a.bias === false ? 0 : 1, 0), { 1: U, 2: D, 3: N }, batch, keep);
  const [bytes] = await readBack(dev, enc, [N]);
  keep.forEach((x) => x.destroy());
  return Float64Array.from(new Float32Array(bytes, 0, batch));
}

/** Weights and inputs already on the GPU, for repeated calls (the benchmark) — see mlpPerExampleNormsWebGPU. */
export interface MLPOnDevice {
  run(): Promise<MLPNormsResult>;
  destroy(): void;
}

/** Upload an MLP's weights and a batch once; `run()` computes the per-example norms on the GPU. */
export async function prepareMLPNormsWebGPU(a: MLPNormsArgs): Promise<MLPOnDevice> {
  checkMLP(a);
  const ctx = await acquireWebGPU();
  const dev = ctx.device;
  const B = a.batch;
  const keep: GPUBuffer[] = [];
  const X = upload(dev, Float32Array.from(a.x));
  const Y = upload(dev, Uint32Array.from(a.labels as ArrayLike<number>));
  const Ws = a.layers.map((l) => upload(dev, Float32Array.from(l.W)));
  const bs = a.layers.map((l) => upload(dev, Float32Array.from(l.b)));
  const Z = a.layers.map((l) => empty(dev, B * l.out * 4));
  const H = a.layers.slice(0, -1).map((l) => empty(dev, B * l.out * 4));
  const D = a.layers.map((l) => empty(dev, B * l.out * 4));
  const loss = empty(dev, B * 4);
  const norms = empty(dev, B * 4);
  keep.push(X, Y, ...Ws, ...bs, ...Z, ...H, ...D, loss, norms);
  const L = a.layers.length;
  const C = a.layers[L - 1].out;
  return {
    async run() {
      const tmp: GPUBuffer[] = [];
      const enc = dev.createCommandEncoder();
      for (let l = 0; l < L; l++) {
        const lay = a.layers[l];
        const inp = l === 0 ? X : H[l - 1];
        await encodeMatmul(ctx, enc, inp, Ws[l], Z[l], B, lay.out, lay.in, false, bs[l], tmp);
        if (l < L - 1) await encodeSimple(ctx, enc, ELEMENTWISE, Uint32Array.of(B * lay.out, 0), { 1: Z[l], 2: H[l] }, B * lay.out, tmp);
      }
      await encodeSimple(ctx, enc, SOFTMAX_CE, Uint32Array.of(B, C), { 1: Z[L - 1], 2: Y, 3: D[L - 1], 4: loss }, B, tmp);
      for (let l = L - 1; l >= 0; l--) {
        const lay = a.layers[l];
        const inp = l === 0 ? X : H[l - 1];
        await encodeSimple(ctx, enc, ROW_NORMS, Uint32Array.of(B, lay.in, lay.out, 1, l === L - 1 ? 0 : 1), { 1: inp, 2: D[l], 3: norms }, B, tmp);
        if (l > 0) {
          // δ_{l−1} = (δ_l·Wᵀ) ⊙ relu′(z_{l−1})
          await encodeMatmul(ctx, enc, D[l], Ws[l], D[l - 1], B, lay.in, lay.out, true, null, tmp);
          await encodeSimple(ctx, enc, ELEMENTWISE, Uint32Array.of(B * lay.in, 1), { 1: Z[l - 1], 2: D[l - 1] }, B * lay.in, tmp);
        }
      }
      const [nb, lb] = await readBack(dev, enc, [norms, loss]);
      tmp.forEach((x) => x.destroy());
      return { norms: Float64Array.from(new Float32Array(nb, 0, B)), loss: Float64Array.from(new Float32Array(lb, 0, B)) };
    },
    destroy() {
      keep.forEach((x) => x.destroy());
    },
  };
}

export async function mlpPerExampleNormsWebGPU(a: MLPNormsArgs): Promise<MLPNormsResult> {
  const m = await prepareMLPNormsWebGPU(a);
  try {
    return await m.run();
  } finally {
    m.destroy();
  }
}

const F32 = (rel: number, abs: number, note: string): Tolerance => ({ kind: 'float32', rel, abs, note });
/** The declared per-gate error of the float32 statevector layer (norm of the error vector, ‖ψ‖ = 1). */
export const SV_GATE_ABS = 8 * 2 ** -24;
const LAW: Tolerance = { kind: 'law', se: 4, note: 'Box–Muller float32 normals from per-particle child streams: the same law as js, other numbers; moments checked within 4 SE' };

/** Register the webgpu kernels (their device is acquired only when one runs). */
export function registerWebGPUKernels(): void {
  // 'auto' takes webgpu for a kernel only on a hardware adapter, never on a fallback/software one
  addAutoCandidate({
    backend: 'webgpu',
    priority: 250,
    probe: async () => {
      const r = (await acquireWebGPU()).report;
      return r.fallback || r.software ? `fallback adapter (${describeAdapter(r)}): correctness only, never chosen by 'auto'` : null;
    },
  });
  const common = { backend: 'webgpu', precision: 'float32' as const };
  registerKernel({ ...common, kernel: 'ensemble-em', run: ensembleEMWebGPU, tolerance: LAW, description: 'Euler–Maruyama ensemble, polynomial drift, all steps on the GPU (250 per dispatch)' });
  registerKernel({ ...common, kernel: 'baoab', run: baoabWebGPU, tolerance: LAW, description: 'BAOAB underdamped Langevin, polynomial potential' });
  registerKernel({ ...common, kernel: 'game-step', run: gameStepWebGPU, tolerance: LAW, description: `noisy linear-game steps (d ≤ ${GAME_MAXD})` });
  registerKernel({ ...common, kernel: 'matmul', run: matmulWebGPU, tolerance: F32(2e-6, 2e-6, 'float32 sums: |err| ≤ 2e-6·√k·(1 + |c|) for inner dimension k'), description: 'tiled 16×16 matmul' });
  registerKernel({ ...common, kernel: 'per-example-norms', run: perExampleNormsWebGPU, tolerance: F32(1e-5, 1e-6, 'float32 sums of squares: relative 1e-5'), description: 'dense layer per-example squared gradient norms' });
  registerKernel({ ...common, kernel: 'mlp-per-example-norms', run: mlpPerExampleNormsWebGPU, tolerance: F32(1e-4, 1e-5, 'float32 forward and backward passes: relative 1e-4 on the norms'), description: 'MLP per-example norms: matmuls, ReLU, softmax CE and BatchL2 on the GPU' });
  registerKernel({ ...common, kernel: 'philox-words', run: philoxWordsWebGPU, tolerance: { kind: 'exact', note: "bit-identical to core's Stream.child(i) words" }, description: 'Philox4x32-10 in WGSL, core stream derivation' });
  registerKernel({ ...common, kernel: 'normals', run: normalsWebGPU, tolerance: { kind: 'law', se: 4, abs: 3e-3, note: "Box–Muller in float32: within 3e-3 of boxMuller4 on the same words (WGSL allows sin/cos an absolute error of 2^-11 on [−π, π], times r ≤ 5.77; SwiftShader: median 3e-5, worst 7e-4); N(0,1) law checked within 4 SE" }, description: 'N(0,1) per child stream (Box–Muller, float32)' });
  registerKernel({
    ...common,
    kernel: 'statevector-layer',
    run: statevectorLayerWebGPU,
    tolerance: F32(0, SV_GATE_ABS, `float32 amplitudes: ‖ψ − ψ_js‖₂ ≤ ${SV_GATE_ABS.toExponential(2)} per gate (gates are unitary, so earlier errors keep their norm; each gate adds at most 8·2⁻²⁴ of ‖ψ‖ = 1: matrix entries rounded to float32, four products and three sums per output); two-qubit gates are exact permutations`),
    description: 'a layer of gates on a batch of statevectors, one dispatch per gate (float32)',
  });
  registerKernel({ ...common, kernel: 'shot-sample', run: shotSampleWebGPU, tolerance: { kind: 'exact', note: "bit-identical counts: the js kernel's integer thresholds (from the float64 CDF) on the same Philox words" }, description: 'measurement counts: 32-bit thresholds, binary search, atomic counts' });
  registerRdmeKernelsWebGPU();
}
