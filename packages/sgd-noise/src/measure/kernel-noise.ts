/**
 * Per-example gradient noise on `@snrlab/tensor`'s registry kernels (issue 19), for a stack of
 * dense layers (ReLU or tanh after any of them; Flatten and identity layers pass through) with the
 * model's own loss:
 * - one pass over the examples gives every example's layer inputs ũ = (u, 1) (the 1 for the bias)
 *   and output gradients δ: the matrix products (forward z = ũ·W̃ with W̃ = (W; b), backward δ·Wᵀ)
 *   run on the backend's 'matmul' kernel; activations and the loss gradient are float64 on the
 *   CPU, on the kernel's outputs (the loss is the model's own code);
 * - the per-example squared gradient norms |g_i|² = Σ_layers |ũ_i|²·|δ_i|² run on
 *   'per-example-norms' (BatchL2);
 * - a mini-batch gradient (1/B)·Σ_k ũ_k ⊗ δ_k is one 'matmul' per layer, ũᵀ·δ over the batch's
 *   rows, whose (in + 1)×out result is the layer's weights then bias: the parameter order;
 * - the full-batch gradient G likewise over all rows, and trΣ_pop = mean|g_i|² − |G|².
 * At fixed θ a dense stack's per-example gradients do not depend on the batch (no batch norm), so
 * a mini-batch gradient is the mean of the pass's per-example gradients g_i = ũ_i ⊗ δ_i: the
 * mini-batches sample the very set whose noise the norms measure.
 *
 * Rounding bounds come from the kernels' declared tolerances (`toleranceOf`), whose reference is
 * float64 on the same inputs, so they bound the distance to exact arithmetic on the g_i:
 * - 'matmul' of inner dimension k: |c − c_exact| ≤ √k·(abs + rel·|c_exact|) per entry (as the
 *   conformance suite applies it); a sum of k per-example gradients then errs by at most
 *   √(2k(P·abs² + rel²k²M²)) in norm, M² = max_i |g_i|²;
 * - 'per-example-norms': |n − n_exact| ≤ abs + rel·n_exact per layer.
 * On the float64 'js' kernels (tolerance 'reference') every bound is 0.
 */
import { ParameterError, type Stream, sampleWithoutReplacement, TwoBatchNoiseScale, type TwoBatchResult } from '@snrlab/core';
import { acquireWebGPU, describeAdapter, getKernel, toleranceOf, zeros, type Tolerance } from '@snrlab/tensor';
import type { Dataset } from '../data/dataset.js';
import { Dense } from '../nn/affine.js';
import { Identity, ReLU, Tanh } from '../nn/elementwise.js';
import type { Sequential } from '../nn/model.js';
import type { Loss } from '../nn/types.js';

type Act = 'relu' | 'tanh' | null;

/** One dense layer of a kernel network: its sizes, where its weights start in θ, and the activation after it. */
export interface KernelDense {
  inputs: number;
  outputs: number;
  bias: boolean;
  /** Offset of W (then b) in the flat parameters. */
  offset: number;
  act: Act;
}

/** A model the registry kernels can run: dense layers, activations, the model's loss. */
export interface KernelNet {
  layers: KernelDense[];
  loss: Loss;
  paramCount: number;
  inputSize: number;
  outputSize: number;
  targetSize: number;
}

/** What the kernel path runs: a stack of dense layers with ReLU or tanh, Flatten and identity layers between. */
export const KERNEL_MODELS = 'dense layers with ReLU or tanh after them (Flatten and Dropout pass through), and any of the losses';

/** The kernel network of a model, or why the kernels cannot run it. */
export function kernelNetOf(model: Sequential): { net: KernelNet } | { reason: string } {
  const layers: KernelDense[] = [];
  for (let i = 0; i < model.layers.length; i++) {
    const l = model.layers[i];
    // Flatten, Dropout at measurement, Reshape: the same numbers per example
    if (l instanceof Identity) continue;
    if (l instanceof Dense) {
      layers.push({ inputs: l.inFeatures, outputs: l.outFeatures, bias: l.bias, offset: model.offsets[i], act: null });
      continue;
    }
    if (l instanceof ReLU || l instanceof Tanh) {
      const last = layers[layers.length - 1];
      if (!last || last.act) return { reason: `layer ${i} (${l.kind}) does not follow a dense layer` };
      last.act = l instanceof ReLU ? 'relu' : 'tanh';
      continue;
    }
    return { reason: `layer ${i} is a '${l.kind}' layer` };
  }
  if (!layers.length) return { reason: 'the model has no dense layer' };
  const P = layers.reduce((s, l) => s + (l.inputs + (l.bias ? 1 : 0)) * l.outputs, 0);
  if (P !== model.paramCount) return { reason: `its parameters (${model.paramCount}) are not all dense weights (${P})` };
  return { net: { layers, loss: model.loss, paramCount: P, inputSize: model.inputSize, outputSize: model.outputSize, targetSize: model.targetSize } };
}

/** The kernel network, or a ParameterError naming `backend` and what it supports. */
export function requireKernelNet(model: Sequential, backend: string): KernelNet {
  const r = kernelNetOf(model);
  if ('net' in r) return r.net;
  throw new ParameterError('backend', backend, `'js' for ${model.name}; on '${backend}' the per-example noise runs on the registry kernels for ${KERNEL_MODELS}`, r.reason);
}

const widthOf = (l: KernelDense) => l.inputs + (l.bias ? 1 : 0);

/** Declared tolerances of the two kernels on a backend, as numbers (0 for the float64 reference). */
export interface KernelTolerances {
  backend: string;
  precision: 'float64' | 'float32';
  matmul: { rel: number; abs: number; note: string };
  norms: { rel: number; abs: number; note: string };
}

/** A declared tolerance in words, for notes. */
export const toleranceText = (t: { rel: number; abs: number; note: string }) => `rel ${t.rel.toExponential()}, abs ${t.abs.toExponential()}: ${t.note}`;

function numbers(t: Tolerance): { rel: number; abs: number; note: string } {
  return t.kind === 'reference' ? { rel: 0, abs: 0, note: t.note } : { rel: t.rel ?? 0, abs: t.abs ?? 0, note: t.note };
}

export function kernelTolerances(backend: string): KernelTolerances {
  const mm = getKernel('matmul', backend);
  const nk = getKernel('per-example-norms', backend);
  const float32 = mm.precision === 'float32' || nk.precision === 'float32';
  return { backend: mm.backend, precision: float32 ? 'float32' : 'float64', matmul: numbers(toleranceOf(mm as never)), norms: numbers(toleranceOf(nk as never)) };
}

/** The adapter behind a backend, in words, for the record (webgpu); '' for CPU backends. */
export async function adapterOf(backend: string): Promise<string> {
  if (backend !== 'webgpu') return '';
  return describeAdapter((await acquireWebGPU()).report);
}

/** Every example's ũ and δ per layer, its squared gradient norm and loss, from the registry kernels. */
export interface KernelPass {
  /** The backend whose kernels ran. */
  backend: string;
  n: number;
  /** Per layer: ũ rows [n × (in + bias)] and δ rows [n × out]. */
  u: Float64Array[];
  delta: Float64Array[];
  /** |g_i|² (all layers), from 'per-example-norms'. */
  norms: Float64Array;
  losses: Float64Array;
}

/** Rows per kernel call in the pass over the examples (keeps GPU buffers small). */
const CHUNK = 4096;

/** One forward and one backward pass over the examples on the registry kernels of `backend`. */
export async function kernelPass(net: KernelNet, params: Float64Array, data: Pick<Dataset, 'x' | 'y' | 'n'>, backend: string, opts: { chunk?: number } = {}): Promise<KernelPass> {
  if (params.length !== net.paramCount) throw new ParameterError('params.length', params.length, `${net.paramCount} (the model's parameter count)`);
  const mm = getKernel('matmul', backend);
  const nk = getKernel('per-example-norms', backend);
  const N = data.n;
  const L = net.layers.length;
  const chunk = opts.chunk ?? CHUNK;
  const u = net.layers.map((l) => new Float64Array(N * widthOf(l)));
  const delta = net.layers.map((l) => new Float64Array(N * l.outputs));
  const norms = new Float64Array(N);
  const losses = new Float64Array(N);
  // W̃ = (W; b) [(in + bias) × out] for the forward pass, Wᵀ [out × in] for the backward pass
  const Wf = net.layers.map((l) => {
    const w = zeros([widthOf(l), l.outputs]);
    w.data.set(params.subarray(l.offset, l.offset + widthOf(l) * l.outputs));
    return w;
  });
  const Wt = net.layers.map((l) => {
    const w = zeros([l.outputs, l.inputs]);
    for (let k = 0; k < l.inputs; k++) for (let c = 0; c < l.outputs; c++) w.data[c * l.inputs + k] = params[l.offset + k * l.outputs + c];
    return w;
  });
  const T = net.targetSize;
  for (let a = 0; a < N; a += chunk) {
    const rows = Math.min(N, a + chunk) - a;
    let h: Float64Array = data.x.subarray(a * net.inputSize, (a + rows) * net.inputSize);
    const post: Float64Array[] = [];
    for (let l = 0; l < L; l++) {
      const lay = net.layers[l];
      const w = widthOf(lay);
      const U = zeros([rows, w]);
      for (let r = 0; r < rows; r++) {
        for (let k = 0; k < lay.inputs; k++) U.data[r * w + k] = h[r * lay.inputs + k];
        if (lay.bias) U.data[r * w + lay.inputs] = 1;
      }
      u[l].set(U.data, a * w);
      const z = (await mm.run({ a: U, b: Wf[l] })).data;
      if (lay.act === 'relu') for (let i = 0; i < z.length; i++) z[i] = z[i] > 0 ? z[i] : 0;
      else if (lay.act === 'tanh') for (let i = 0; i < z.length; i++) z[i] = Math.tanh(z[i]);
      post.push(z);
      h = z;
    }
    const out = net.loss.forward(h, data.y.subarray(a * T, (a + rows) * T), rows, net.outputSize);
    losses.set(out.losses, a);
    let d: Float64Array = out.dz;
    for (let l = L - 1; l >= 0; l--) {
      const lay = net.layers[l];
      // the activation's derivative, from its output: relu′ = [y > 0], tanh′ = 1 − y²
      const y = post[l];
      if (lay.act === 'relu') for (let i = 0; i < d.length; i++) d[i] = y[i] > 0 ? d[i] : 0;
      else if (lay.act === 'tanh') for (let i = 0; i < d.length; i++) d[i] *= 1 - y[i] * y[i];
      delta[l].set(d, a * lay.outputs);
      if (l > 0) {
        const D = zeros([rows, lay.outputs]);
        D.data.set(d);
        d = (await mm.run({ a: D, b: Wt[l] })).data;
      }
    }
    for (let l = 0; l < L; l++) {
      const lay = net.layers[l];
      const w = widthOf(lay);
      const part = await nk.run({ u: u[l].subarray(a * w, (a + rows) * w), delta: delta[l].subarray(a * lay.outputs, (a + rows) * lay.outputs), batch: rows, inputs: w, outputs: lay.outputs, bias: false });
      for (let i = 0; i < rows; i++) norms[a + i] += part[i];
    }
  }
  return { backend: mm.backend, n: N, u, delta, norms, losses };
}

type Nd = ReturnType<typeof zeros>;

/**
 * Gradients of example subsets on the 'matmul' kernel: Σ_k ũ_k ⊗ δ_k over the rows given, one
 * call per layer, into the parameter order. Gather buffers are kept per subset size.
 */
export class KernelGradients {
  private readonly buffers = new Map<number, { ut: Nd[]; d: Nd[] }>();
  private readonly mm;

  constructor(
    readonly net: KernelNet,
    readonly pass: KernelPass,
  ) {
    this.mm = getKernel('matmul', pass.backend);
  }

  /** `scale`·Σ over rows idx[0..count) of the per-example gradients, into `out` (length P). */
  async sum(idx: ArrayLike<number>, count: number, scale: number, out: Float64Array): Promise<Float64Array> {
    let buf = this.buffers.get(count);
    if (!buf) {
      buf = { ut: this.net.layers.map((l) => zeros([widthOf(l), count])), d: this.net.layers.map((l) => zeros([count, l.outputs])) };
      this.buffers.set(count, buf);
    }
    for (let l = 0; l < this.net.layers.length; l++) {
      const lay = this.net.layers[l];
      const w = widthOf(lay);
      const C = lay.outputs;
      const U = this.pass.u[l];
      const Dl = this.pass.delta[l];
      const ut = buf.ut[l].data;
      const d = buf.d[l].data;
      for (let r = 0; r < count; r++) {
        const i = idx[r];
        for (let k = 0; k < w; k++) ut[k * count + r] = U[i * w + k];
        for (let c = 0; c < C; c++) d[r * C + c] = Dl[i * C + c];
      }
      const g = (await this.mm.run({ a: buf.ut[l], b: buf.d[l] })).data;
      for (let j = 0; j < g.length; j++) out[lay.offset + j] = scale * g[j];
    }
    return out;
  }
}

/** Exact noise of the pass's per-example gradients, from the kernels, with rounding bounds. */
export interface KernelNoise {
  backend: string;
  precision: 'float64' | 'float32';
  n: number;
  /** Full-batch gradient G and |G|². */
  gradient: Float64Array;
  gNormSq: number;
  /** mean|g_i|², and M² ≥ max_i |g_i|² (the largest kernel norm widened by its tolerance). */
  meanSqNorm: number;
  maxSqNorm: number;
  /** trΣ_pop = mean|g_i|² − |G|² (1/N) and B_simple = trΣ_pop/|G|². */
  trSigmaPop: number;
  bSimple: number;
  /** Bounds on |x − x_exact| from the declared tolerances: trΣ_pop, |G|², B_simple. */
  trSigmaPopBound: number;
  gNormSqBound: number;
  bSimpleBound: number;
  tolerances: KernelTolerances;
}

/** Norm bound of a kernel sum over k per-example gradients (see the header): √(2k(P·abs² + rel²k²M²)). */
export function sumErrorBound(tol: KernelTolerances, k: number, P: number, maxSqNorm: number): number {
  const { rel, abs } = tol.matmul;
  return Math.sqrt(2 * k * (P * abs * abs + rel * rel * k * k * maxSqNorm));
}

/** G, trΣ_pop and B_simple of the pass, with their bounds. */
export async function kernelNoise(net: KernelNet, pass: KernelPass, opts: { chunk?: number } = {}): Promise<KernelNoise> {
  const tol = kernelTolerances(pass.backend);
  const N = pass.n;
  const P = net.paramCount;
  const L = net.layers.length;
  const chunk = opts.chunk ?? CHUNK;
  let sum = 0;
  let max = 0;
  for (let i = 0; i < N; i++) {
    sum += pass.norms[i];
    if (pass.norms[i] > max) max = pass.norms[i];
  }
  const { rel: rn, abs: an } = tol.norms;
  // n_exact ≤ (n + L·abs)/(1 − rel): each layer's part errs by ≤ abs + rel·part
  const M2 = (max + L * an) / (1 - rn);
  const meanSq = sum / N;
  const tauN = L * an + (rn * (meanSq + L * an)) / (1 - rn);
  const G = new Float64Array(P);
  const part = new Float64Array(P);
  const idx = new Int32Array(Math.min(chunk, N));
  const grads = new KernelGradients(net, pass);
  let eG = 0;
  for (let a = 0; a < N; a += chunk) {
    const k = Math.min(N, a + chunk) - a;
    for (let r = 0; r < k; r++) idx[r] = a + r;
    await grads.sum(idx, k, 1 / N, part);
    for (let j = 0; j < P; j++) G[j] += part[j];
    eG += sumErrorBound(tol, k, P, M2) / N;
  }
  let g2 = 0;
  for (let j = 0; j < P; j++) g2 += G[j] * G[j];
  const gNormSqBound = eG * (2 * Math.sqrt(g2) + eG);
  const tr = meanSq - g2;
  const trBound = tauN + gNormSqBound;
  const b = tr / g2;
  const bBound = g2 > gNormSqBound ? (trBound + Math.abs(b) * gNormSqBound) / (g2 - gNormSqBound) : Infinity;
  return {
    backend: pass.backend,
    precision: tol.precision,
    n: N,
    gradient: G,
    gNormSq: g2,
    meanSqNorm: meanSq,
    maxSqNorm: M2,
    trSigmaPop: tr,
    bSimple: b,
    trSigmaPopBound: trBound,
    gNormSqBound,
    bSimpleBound: bBound,
    tolerances: tol,
  };
}

/**
 * The index draws of `miniBatchGradientSampler` (measure/noise.ts), in its order from the same
 * stream: B uniform integers with replacement, else core's sampleWithoutReplacement.
 */
export function batchIndexDrawer(N: number, replacement: boolean) {
  const scratch = new Int32Array(N);
  return (B: number, s: Stream, out: Int32Array): Int32Array => {
    if (!Number.isInteger(B) || B < 1 || B > N) throw new ParameterError('batchSize', B, `an integer in [1, ${N}] (the dataset has ${N} examples)`);
    if (replacement) for (let k = 0; k < B; k++) out[k] = s.integer(N);
    else sampleWithoutReplacement(s, N, B, out, scratch);
    return out;
  };
}

/**
 * Mini-batch means on the kernels, their batches drawn as the js sampler draws them: `mean` writes
 * the mean gradient of B ≤ maxBatch examples drawn from `s` into `out`; `errorBound(B)` is ē, the
 * norm bound of its rounding.
 */
function kernelBatchMeans(net: KernelNet, pass: KernelPass, noise: KernelNoise, replacement: boolean, maxBatch: number) {
  const draw = batchIndexDrawer(pass.n, replacement);
  const idx = new Int32Array(maxBatch);
  const grads = new KernelGradients(net, pass);
  return {
    mean: (B: number, s: Stream, out: Float64Array) => grads.sum(draw(B, s, idx), B, 1 / B, out),
    errorBound: (B: number) => sumErrorBound(noise.tolerances, B, net.paramCount, noise.maxSqNorm) / B,
  };
}

/** Mini-batch gradients held at once: at most this many numbers (R·P). */
export const MAX_HELD = 1 << 24;

/**
 * `count` mini-batch gradients of size B, drawn in sequence from `stream` as the js sampler draws
 * them (so the batches are the js path's), each the mean of its examples' gradients on the kernels.
 * Returns them row by row [count × P] and ē, the norm bound of each one's rounding.
 */
export async function kernelMiniBatches(
  net: KernelNet,
  pass: KernelPass,
  noise: KernelNoise,
  o: { batchSize: number; count: number; replacement: boolean; stream: Stream },
): Promise<{ gradients: Float64Array; errorBound: number }> {
  const P = net.paramCount;
  if (o.count * P > MAX_HELD) throw new ParameterError('replicates', o.count, `at most ${Math.floor(MAX_HELD / P)} on backend '${pass.backend}' for a model of ${P} parameters (the mini-batch gradients are held in memory)`);
  const batches = kernelBatchMeans(net, pass, noise, o.replacement, o.batchSize);
  const out = new Float64Array(o.count * P);
  for (let r = 0; r < o.count; r++) await batches.mean(o.batchSize, o.stream, out.subarray(r * P, (r + 1) * P));
  return { gradients: out, errorBound: batches.errorBound(o.batchSize) };
}

/**
 * Bound on |tr Cov − tr Cov_exact| of `count` vectors each off by ≤ ē in norm, given the computed
 * trace s: √tr Cov is a seminorm of the centred rows (over √(count − 1)), so it moves by at most
 * η = √(count/(count − 1))·ē, and tr Cov by η(2√s + η).
 */
export function spreadBound(spread: number, count: number, errorBound: number): number {
  const eta = Math.sqrt(count / (count - 1)) * errorBound;
  return eta * (2 * Math.sqrt(Math.max(0, spread)) + eta);
}

/**
 * The two-batch estimate of B_simple on the kernels: repeat r draws its small and big batches
 * (with replacement) from stream.child(r).child('small' | 'big'), as `twoBatchEstimate` does, and
 * pushes their squared norms to core's TwoBatchNoiseScale. `bound` bounds |B̂ − B̂_exact| from
 * the rounding of the mini-batch gradients (each |ĝ|² off by ≤ ē(2|ĝ| + ē)).
 */
export async function kernelTwoBatch(
  net: KernelNet,
  pass: KernelPass,
  noise: KernelNoise,
  o: { bSmall: number; bBig: number; repeats: number; stream: Stream },
): Promise<{ result: TwoBatchResult; bound: number }> {
  const P = net.paramCount;
  const est = new TwoBatchNoiseScale(o.bSmall, o.bBig);
  const batches = kernelBatchMeans(net, pass, noise, true, o.bBig);
  const small = new Float64Array(P);
  const big = new Float64Array(P);
  const eS = batches.errorBound(o.bSmall);
  const eB = batches.errorBound(o.bBig);
  const sq = (g: Float64Array) => {
    let s = 0;
    for (let j = 0; j < g.length; j++) s += g[j] * g[j];
    return s;
  };
  let dS = 0;
  let dB = 0;
  for (let r = 0; r < o.repeats; r++) {
    const s = o.stream.child(r);
    await batches.mean(o.bSmall, s.child('small'), small);
    const a = sq(small);
    await batches.mean(o.bBig, s.child('big'), big);
    const b = sq(big);
    est.push(a, b);
    dS += eS * (2 * Math.sqrt(a) + eS);
    dB += eB * (2 * Math.sqrt(b) + eB);
  }
  const result = est.result();
  dS /= o.repeats;
  dB /= o.repeats;
  // T = tA(mS − mB), G = gA·mS + gC·mB (core's TwoBatchNoiseScale), B̂ = T/G
  const { bSmall: bs, bBig: bb } = o;
  const tA = 1 / (1 / bs - 1 / bb);
  const dT = tA * (dS + dB);
  const dG = (bs / (bb - bs)) * dS + (bb / (bb - bs)) * dB;
  const G = Math.abs(result.gNormSq);
  const bound = dT === 0 && dG === 0 ? 0 : G > dG ? (dT + Math.abs(result.bSimple) * dG) / (G - dG) : Infinity;
  return { result, bound };
}
