/**
 * Data augmentation as seeded transforms of a batch, and the gradient noise it adds.
 *
 * Transforms (on 1-D signals [L, C] or images [H, W, C], channels last):
 * - 'noise': x + s·ξ, ξ ~ N(0, 1) per number (strength s = the sd);
 * - 'shift': a circular shift by a uniform offset in {−k..k} along every spatial axis (k = strength);
 * - 'crop': pad by k with zeros and crop back at a uniform offset — a shift whose vacated
 *   positions are zero (k = strength);
 * - 'flip': reverse the last spatial axis with probability p (strength, default ½);
 * - 'mixup' (Zhang et al. 2018): x = λx_i + (1 − λ)x_j, y = λy_i + (1 − λ)y_j with a random partner j
 *   and λ ~ Beta(α, α) (strength α > 0); it needs soft targets, so binary or regression tasks.
 *
 * With augmentation an example's gradient is random: g_i(t) for a transform t. The noise of one
 * augmented draw splits by the law of total variance into
 *   tr Σ_aug = E_i tr Var_t g_i(t)  (within: the augmentation's own noise)
 *            + tr Var_i E_t g_i(t)  (between: the examples' disagreement, as without augmentation).
 */
import { assertInRange, assertInteger, assertOneOf, DivergenceError, jackknifeSE, ParameterError, sampleGamma, type Stream } from '@snrlab/core';
import type { Dataset } from '../data/dataset.js';
import { checkModelData, inputSizeOf } from '../data/dataset.js';
import type { Batch, Sequential } from '../nn/model.js';

export const augmentationKinds = ['noise', 'shift', 'crop', 'flip', 'mixup'] as const;
export type AugmentationKind = (typeof augmentationKinds)[number];

export interface Augmentation {
  kind: AugmentationKind;
  /** noise: sd; shift/crop: largest offset (positions); flip: probability; mixup: α of Beta(α, α). */
  strength: number;
}

/** Refuse an augmentation that cannot apply to the data, naming the parameter. */
export function validateAugmentation(a: Augmentation, data: Pick<Dataset, 'inputShape' | 'task'>, name = 'augmentation'): void {
  assertOneOf(`${name}.kind`, a.kind, augmentationKinds);
  const spatial = data.inputShape.length - 1;
  switch (a.kind) {
    case 'noise':
      assertInRange(`${name}.strength`, a.strength, 0, 1e6, { note: 'the sd of the additive noise' });
      break;
    case 'shift':
    case 'crop': {
      if (spatial < 1) throw new ParameterError(`${name}.kind`, a.kind, "'noise' or 'mixup' for flat features (shifts need inputs [length, channels] or [height, width, channels])");
      const smallest = Math.min(...data.inputShape.slice(0, spatial));
      assertInteger(`${name}.strength`, a.strength, { min: 0, max: smallest - 1, note: 'the largest offset in positions' });
      break;
    }
    case 'flip':
      if (spatial < 1) throw new ParameterError(`${name}.kind`, a.kind, "'noise' or 'mixup' for flat features (flips need a spatial axis)");
      assertInRange(`${name}.strength`, a.strength, 0, 1, { note: 'the probability of a flip' });
      break;
    case 'mixup':
      assertMixupAlpha(a.strength, `${name}.strength`);
      if (data.task === 'classification') throw new ParameterError(`${name}.kind`, a.kind, 'a binary or regression task: mixup makes soft targets, which class-index labels cannot hold');
      break;
  }
}

/** Mixup's α must be positive: Beta(α, α) does not exist for α ≤ 0. */
export function assertMixupAlpha(alpha: number, name = 'mixupAlpha'): void {
  assertInRange(name, alpha, 0, 1e6, { loOpen: true, note: 'λ ~ Beta(α, α) needs α > 0' });
}

/** λ ~ Beta(α, α) from two gamma draws. */
export function betaSymmetric(s: Stream, alpha: number): number {
  const a = sampleGamma(s, alpha);
  const b = sampleGamma(s, alpha);
  return a / (a + b);
}

/** Spatial extents and channels of an input shape [..., C]. */
function geometry(shape: readonly number[]): { dims: number[]; C: number; size: number } {
  const C = shape[shape.length - 1];
  const dims = shape.slice(0, -1);
  return { dims, C, size: shape.reduce((a, b) => a * b, 1) };
}

/** Move one example by `off` positions per spatial axis (circular, or with zero fill). */
function shiftExample(src: Float64Array, so: number, dst: Float64Array, d: number, dims: number[], C: number, off: number[], circular: boolean): void {
  if (dims.length === 1) {
    const L = dims[0];
    for (let p = 0; p < L; p++) {
      let q = p - off[0];
      if (circular) q = ((q % L) + L) % L;
      for (let c = 0; c < C; c++) dst[d + p * C + c] = q >= 0 && q < L ? src[so + q * C + c] : 0;
    }
    return;
  }
  const [H, W] = dims;
  for (let r = 0; r < H; r++) {
    let rr = r - off[0];
    if (circular) rr = ((rr % H) + H) % H;
    for (let w = 0; w < W; w++) {
      let ww = w - off[1];
      if (circular) ww = ((ww % W) + W) % W;
      const ok = rr >= 0 && rr < H && ww >= 0 && ww < W;
      for (let c = 0; c < C; c++) dst[d + (r * W + w) * C + c] = ok ? src[so + (rr * W + ww) * C + c] : 0;
    }
  }
}

/** Reverse the last spatial axis of one example in place. */
function flipExample(x: Float64Array, o: number, dims: number[], C: number): void {
  const W = dims[dims.length - 1];
  const rows = dims.length === 1 ? 1 : dims[0];
  for (let r = 0; r < rows; r++) {
    const base = o + r * W * C;
    for (let a = 0, b = W - 1; a < b; a++, b--) {
      for (let c = 0; c < C; c++) {
        const t = x[base + a * C + c];
        x[base + a * C + c] = x[base + b * C + c];
        x[base + b * C + c] = t;
      }
    }
  }
}

export interface AugmentOptions {
  /** Partners for mixup are drawn from this dataset (default: the batch itself). */
  partners?: Dataset;
  /** For 'noise': use −ξ of the previous example for every odd example (antithetic pairs). */
  antithetic?: boolean;
  /** For 'flip' with probability ½: flip exactly the odd examples (both outcomes, enumerated). */
  enumerate?: boolean;
}

/**
 * Augment the B examples of `batch` in place (inputs, and targets for mixup), drawing from `s`.
 * The shape is the dataset's input shape; `task` decides whether targets can be mixed.
 */
export function augmentBatch(batch: Batch, shape: readonly number[], a: Augmentation, s: Stream, opts: AugmentOptions = {}): Batch {
  const { dims, C, size } = geometry(shape);
  const B = batch.n;
  const x = batch.x;
  switch (a.kind) {
    case 'noise': {
      for (let i = 0; i < B; i++) {
        const o = i * size;
        if (opts.antithetic && i % 2 === 1) {
          // x_odd = x_even_clean − ξ: read back the previous example's ξ from its copy
          for (let j = 0; j < size; j++) x[o + j] -= x[o - size + j] - x[o + j];
        } else for (let j = 0; j < size; j++) x[o + j] += a.strength * s.normal();
      }
      return batch;
    }
    case 'shift':
    case 'crop': {
      const tmp = new Float64Array(size);
      const off = new Array<number>(dims.length);
      for (let i = 0; i < B; i++) {
        for (let d = 0; d < dims.length; d++) off[d] = s.integer(2 * a.strength + 1) - a.strength;
        tmp.set(x.subarray(i * size, (i + 1) * size));
        shiftExample(tmp, 0, x, i * size, dims, C, off, a.kind === 'shift');
      }
      return batch;
    }
    case 'flip': {
      for (let i = 0; i < B; i++) {
        const flip = opts.enumerate && a.strength === 0.5 ? i % 2 === 1 : s.uniform() < a.strength;
        if (flip) flipExample(x, i * size, dims, C);
      }
      return batch;
    }
    case 'mixup': {
      const src = opts.partners;
      const t = batch.y.length / B;
      const px = src ? src.x : Float64Array.from(x.subarray(0, B * size));
      const py = src ? src.y : Float64Array.from(batch.y.subarray(0, B * t));
      const n = src ? src.n : B;
      for (let i = 0; i < B; i++) {
        const j = s.integer(n);
        const lam = betaSymmetric(s, a.strength);
        for (let k = 0; k < size; k++) x[i * size + k] = lam * x[i * size + k] + (1 - lam) * px[j * size + k];
        for (let k = 0; k < t; k++) batch.y[i * t + k] = lam * batch.y[i * t + k] + (1 - lam) * py[j * t + k];
      }
      return batch;
    }
  }
}

export interface AugmentationNoise {
  /** tr Σ of the clean per-example gradients (1/N). */
  trSigma: number;
  /** tr Σ of one augmented draw per example (1/(N·K) over examples and draws). */
  trSigmaAug: number;
  /** Law of total variance: E_i tr Var_t g_i(t) and tr Var_i E_t g_i(t) (sum = trSigmaAug). */
  within: number;
  between: number;
  ratio: number;
  /** Jackknife SEs over groups of examples (an example's draws stay together). */
  trSigmaAugSE: number;
  ratioSE: number;
  withinSE: number;
  /** trΣ_aug − trΣ and its SE (the draws are paired with the clean example). */
  excess: number;
  excessSE: number;
  /** |G_aug|² and |G|². */
  gNormSqAug: number;
  gNormSq: number;
  copies: number;
}

/**
 * The noise of augmented per-example gradients at fixed parameters: each example is augmented
 * `copies` times ('noise' in antithetic pairs and a ½-flip enumerated, so that the within-example
 * mean is exact to leading order), every copy's gradient computed by the layer-by-layer
 * per-example pass, and tr Σ_aug split by the law of total variance.
 */
export function augmentationNoise(
  model: Sequential,
  params: Float64Array,
  data: Dataset,
  a: Augmentation,
  o: { copies: number; stream: Stream; groups?: number; chunk?: number },
): AugmentationNoise {
  checkModelData(model, data);
  validateAugmentation(a, data);
  const K = o.copies;
  assertInteger('copies', K, { min: 2 });
  const paired = (a.kind === 'noise' || (a.kind === 'flip' && a.strength === 0.5)) && K % 2 === 0;
  const N = data.n;
  const P = model.paramCount;
  const size = inputSizeOf(data);
  const t = data.targetSize;
  // per-example aggregates: mean squared norm over copies, and the mean gradient over copies
  const sq = new Float64Array(N);
  const cleanSq = new Float64Array(N);
  const mean = new Float64Array(N * P);
  const cleanG = new Float64Array(N * P);
  const chunk = Math.max(1, Math.floor((o.chunk ?? 512) / K));
  for (let a0 = 0; a0 < N; a0 += chunk) {
    const a1 = Math.min(N, a0 + chunk);
    const n = (a1 - a0) * K;
    const batch: Batch = { x: new Float64Array(n * size), y: new Float64Array(n * t), n };
    for (let i = a0; i < a1; i++) {
      for (let k = 0; k < K; k++) {
        const r = (i - a0) * K + k;
        batch.x.set(data.x.subarray(i * size, (i + 1) * size), r * size);
        batch.y.set(data.y.subarray(i * t, (i + 1) * t), r * t);
      }
    }
    augmentBatch(batch, data.inputShape, a, o.stream.child(a0), { partners: data, antithetic: paired, enumerate: paired });
    const g = model.perExample(params, batch, { train: false }).gradients as Float64Array;
    const c = model.perExample(params, { x: data.x.subarray(a0 * size, a1 * size), y: data.y.subarray(a0 * t, a1 * t), n: a1 - a0 }, { train: false }).gradients as Float64Array;
    for (let i = a0; i < a1; i++) {
      let s2 = 0;
      let c2 = 0;
      for (let j = 0; j < P; j++) {
        const cv = c[(i - a0) * P + j];
        cleanG[i * P + j] = cv;
        c2 += cv * cv;
        let m = 0;
        for (let k = 0; k < K; k++) {
          const v = g[((i - a0) * K + k) * P + j];
          m += v;
          s2 += v * v;
        }
        mean[i * P + j] = m / K;
      }
      sq[i] = s2 / K;
      cleanSq[i] = c2;
    }
  }
  // statistics over a set of examples (all but group `skip`)
  const G = o.groups ?? 20;
  const stats = (skip: number) => {
    const lo = skip < 0 ? 0 : Math.floor((skip * N) / G);
    const hi = skip < 0 ? 0 : Math.floor(((skip + 1) * N) / G);
    const n = N - (hi - lo);
    const mAug = new Float64Array(P);
    const mClean = new Float64Array(P);
    let sAug = 0;
    let sClean = 0;
    let mm = 0;
    for (let i = 0; i < N; i++) {
      if (i >= lo && i < hi) continue;
      sAug += sq[i];
      sClean += cleanSq[i];
      for (let j = 0; j < P; j++) {
        const m = mean[i * P + j];
        mAug[j] += m;
        mClean[j] += cleanG[i * P + j];
        mm += m * m;
      }
    }
    let gA = 0;
    let gC = 0;
    for (let j = 0; j < P; j++) {
      gA += (mAug[j] / n) ** 2;
      gC += (mClean[j] / n) ** 2;
    }
    const trAug = sAug / n - gA;
    const trClean = sClean / n - gC;
    let within = sAug / n - mm / n;
    // iid copies: the empirical within-example variance is (K − 1)/K of the true one
    if (!paired) within *= K / (K - 1);
    return { trAug, trClean, within, gA, gC };
  };
  const all = stats(-1);
  const loo = Array.from({ length: G }, (_, g) => stats(g));
  const se = (f: (s: ReturnType<typeof stats>) => number) => jackknifeSE(loo.map(f));
  return {
    trSigma: all.trClean,
    trSigmaAug: all.trAug,
    within: all.within,
    between: all.trAug - all.within,
    ratio: all.trAug / all.trClean,
    trSigmaAugSE: se((s) => s.trAug),
    ratioSE: se((s) => s.trAug / s.trClean),
    withinSE: se((s) => s.within),
    excess: all.trAug - all.trClean,
    excessSE: se((s) => s.trAug - s.trClean),
    gNormSqAug: all.gA,
    gNormSq: all.gC,
    copies: K,
  };
}

export interface InputSensitivity {
  /** E_i Σ_d |∂g_i/∂x_d|²: the within-example noise per unit input-noise variance. */
  jacobianSq: number;
  /** (1/N)Σ_i (g_i − G)·(Δg_i − mean Δg): how the noise-averaged gradients spread (per unit variance). */
  laplacianCov: number;
  /** The second-order coefficient: trΣ_aug(s) = trΣ + s²·coefficient + O(s⁴). */
  coefficient: number;
}

/**
 * Second-order theory of additive input noise of sd s. With g_i(x + sξ) = g_i + s·J_iξ +
 * (s²/2)ξᵀ∇²g_iξ + …, the within-example variance is s²‖J_i‖²_F and the noise-averaged gradient
 * is g_i + (s²/2)Δg_i, so trΣ_aug = trΣ + s²(E_i‖J_i‖²_F + tr Cov_i(g_i, Δg_i)) + O(s⁴). J and the
 * Laplacian Δ come from central differences of the per-example gradients in every input.
 */
export function inputNoiseSensitivity(model: Sequential, params: Float64Array, data: Dataset, h = 1e-4): InputSensitivity {
  checkModelData(model, data);
  const N = data.n;
  const P = model.paramCount;
  const size = inputSizeOf(data);
  const base = model.perExample(params, data, { train: false }).gradients as Float64Array;
  const lap = new Float64Array(N * P);
  let jac = 0;
  const x = Float64Array.from(data.x);
  const batch: Batch = { x, y: data.y, n: N };
  for (let d = 0; d < size; d++) {
    for (let i = 0; i < N; i++) x[i * size + d] += h;
    const gp = Float64Array.from(model.perExample(params, batch, { train: false }).gradients as Float64Array);
    for (let i = 0; i < N; i++) x[i * size + d] -= 2 * h;
    const gm = model.perExample(params, batch, { train: false }).gradients as Float64Array;
    for (let i = 0; i < N; i++) x[i * size + d] += h;
    for (let k = 0; k < N * P; k++) {
      const j = (gp[k] - gm[k]) / (2 * h);
      jac += j * j;
      lap[k] += (gp[k] + gm[k] - 2 * base[k]) / (h * h);
    }
  }
  jac /= N;
  const mg = new Float64Array(P);
  const ml = new Float64Array(P);
  for (let i = 0; i < N; i++) {
    for (let j = 0; j < P; j++) {
      mg[j] += base[i * P + j] / N;
      ml[j] += lap[i * P + j] / N;
    }
  }
  let cov = 0;
  for (let i = 0; i < N; i++) for (let j = 0; j < P; j++) cov += (base[i * P + j] - mg[j]) * (lap[i * P + j] - ml[j]);
  cov /= N;
  return { jacobianSq: jac, laplacianCov: cov, coefficient: jac + cov };
}

export interface AugmentedTrainOptions {
  model: Sequential;
  data: Dataset;
  params: Float64Array;
  /** null: plain SGD on the clean examples. */
  augmentation: Augmentation | null;
  batchSize: number;
  steps: number;
  learningRate: number;
  stream: Stream;
}

/** Plain SGD (with replacement) whose every batch is augmented afresh; returns the final parameters. */
export function trainAugmented(o: AugmentedTrainOptions): Float64Array {
  const { model, data } = o;
  checkModelData(model, data);
  if (o.augmentation) validateAugmentation(o.augmentation, data);
  assertInteger('batchSize', o.batchSize, { min: 1, max: data.n, note: `the training set has ${data.n} examples` });
  assertInteger('steps', o.steps, { min: 0 });
  assertInRange('learningRate', o.learningRate, 0, 1e6, { loOpen: true });
  const B = o.batchSize;
  const size = inputSizeOf(data);
  const t = data.targetSize;
  const theta = Float64Array.from(o.params);
  const g = new Float64Array(model.paramCount);
  const batch: Batch = { x: new Float64Array(B * size), y: new Float64Array(B * t), n: B };
  const pick = o.stream.child('batches');
  const aug = o.stream.child('augment');
  for (let step = 0; step < o.steps; step++) {
    for (let k = 0; k < B; k++) {
      const i = pick.integer(data.n);
      for (let j = 0; j < size; j++) batch.x[k * size + j] = data.x[i * size + j];
      for (let j = 0; j < t; j++) batch.y[k * t + j] = data.y[i * t + j];
    }
    if (o.augmentation) augmentBatch(batch, data.inputShape, o.augmentation, aug, { partners: data });
    const loss = model.gradient(theta, batch, { out: g }).loss;
    if (!Number.isFinite(loss)) throw new DivergenceError(step, step * o.learningRate, 0, loss, { params: theta }, `augmented SGD at learning rate ${o.learningRate}`);
    for (let j = 0; j < theta.length; j++) theta[j] -= o.learningRate * g[j];
  }
  return theta;
}
