/**
 * A 1-D mixture-of-Gaussians GAN small enough to differentiate by hand. The generator maps a
 * latent z ~ N(0, 1) through one tanh layer, G(z) = Σⱼ aⱼ tanh(wⱼz + bⱼ) + c; the discriminator
 * is the same shape, D(x) = Σⱼ uⱼ tanh(vⱼx + dⱼ) + e (a logit). The game is the standard GAN
 * with the non-saturating generator loss (Goodfellow et al. 2014):
 *
 *   discriminator ψ ascends  V_D = E_data log σ(D(x)) + E_z log σ(−D(G(z)))
 *   generator θ descends     L_G = −E_z log σ(D(G(z)))
 *
 * so the descent field is v = (−∇_θ L_G, ∇_ψ V_D). Gradients are exact (back-propagation written
 * out); a mini-batch of B real points and B latents per oracle call makes them noisy.
 */
import { assertInteger, assertPositive, ParameterError, type Stream } from '@snrlab/core';
import type { MethodOptions, Oracle } from './methods.js';
import { fillNoise, isSilent, type NoiseSpec } from './noise.js';

export interface MixtureSpec {
  /** Number of modes K, evenly spaced `spacing` apart and centred on 0. */
  modes: number;
  spacing: number;
  /** Standard deviation of each mode. */
  modeSd: number;
}

export function validateMixture(m: MixtureSpec): void {
  assertInteger('modes', m.modes, { min: 1, max: 50 });
  assertPositive('spacing', m.spacing);
  assertPositive('modeSd', m.modeSd);
}

export function modeCenters(m: MixtureSpec): Float64Array {
  const c = new Float64Array(m.modes);
  for (let k = 0; k < m.modes; k++) c[k] = (k - (m.modes - 1) / 2) * m.spacing;
  return c;
}

/** Fill `out` with draws from the mixture (equal weights). */
export function sampleMixture(m: MixtureSpec, stream: Stream, out: Float64Array): Float64Array {
  const centers = modeCenters(m);
  for (let i = 0; i < out.length; i++) out[i] = centers[stream.integer(m.modes)] + m.modeSd * stream.normal();
  return out;
}

/** Parameter layout of one network with `hidden` units: [w (H), b (H), a (H), c]. */
export const netSize = (hidden: number): number => 3 * hidden + 1;

/** y = Σⱼ aⱼ tanh(wⱼx + bⱼ) + c for the network stored at p[off..]. */
export function netForward(p: ArrayLike<number>, off: number, hidden: number, x: number): number {
  let y = p[off + 3 * hidden];
  for (let j = 0; j < hidden; j++) y += p[off + 2 * hidden + j] * Math.tanh(p[off + j] * x + p[off + hidden + j]);
  return y;
}

const sigmoid = (t: number) => (t >= 0 ? 1 / (1 + Math.exp(-t)) : Math.exp(t) / (1 + Math.exp(t)));

export interface GanShape {
  hiddenG: number;
  hiddenD: number;
}

/** Sizes: θ (generator) first, then ψ (discriminator). */
export function ganDims(s: GanShape): { nx: number; ny: number; dim: number } {
  const nx = netSize(s.hiddenG);
  const ny = netSize(s.hiddenD);
  return { nx, ny, dim: nx + ny };
}

/**
 * Exact mini-batch field v = (−∇_θ L_G, ∇_ψ V_D) at parameters z for the given real points and
 * latents (B each). `hD` and `hG` are scratch of lengths hiddenD and hiddenG.
 */
export function ganField(s: GanShape, z: ArrayLike<number>, zOff: number, real: Float64Array, latent: Float64Array, out: Float64Array, hD: Float64Array, hG: Float64Array): void {
  const HG = s.hiddenG;
  const HD = s.hiddenD;
  const nx = netSize(HG);
  out.fill(0, 0, nx + netSize(HD));
  const g = zOff;
  const q = zOff + nx; // discriminator parameters
  const B = real.length;
  const inv = 1 / B;
  // real points: ∇_ψ log σ(D(x)) = σ(−D) ∇_ψ D
  for (let i = 0; i < B; i++) {
    const x = real[i];
    let D = z[q + 3 * HD];
    for (let j = 0; j < HD; j++) {
      const h = Math.tanh(z[q + j] * x + z[q + HD + j]);
      hD[j] = h;
      D += z[q + 2 * HD + j] * h;
    }
    const w = sigmoid(-D) * inv;
    for (let j = 0; j < HD; j++) {
      const h = hD[j];
      const back = w * z[q + 2 * HD + j] * (1 - h * h);
      out[nx + j] += back * x;
      out[nx + HD + j] += back;
      out[nx + 2 * HD + j] += w * h;
    }
    out[nx + 3 * HD] += w;
  }
  // generated points x̃ = G(z): ∇_ψ log σ(−D(x̃)) = −σ(D) ∇_ψ D, and −∇_θ L_G = σ(−D) D′(x̃) ∇_θ G
  for (let i = 0; i < B; i++) {
    const u = latent[i];
    let xg = z[g + 3 * HG];
    for (let j = 0; j < HG; j++) {
      const h = Math.tanh(z[g + j] * u + z[g + HG + j]);
      hG[j] = h;
      xg += z[g + 2 * HG + j] * h;
    }
    let D = z[q + 3 * HD];
    for (let j = 0; j < HD; j++) {
      const h = Math.tanh(z[q + j] * xg + z[q + HD + j]);
      hD[j] = h;
      D += z[q + 2 * HD + j] * h;
    }
    const wd = -sigmoid(D) * inv;
    let dDdx = 0;
    for (let j = 0; j < HD; j++) {
      const h = hD[j];
      const a = z[q + 2 * HD + j] * (1 - h * h);
      dDdx += a * z[q + j];
      const back = wd * a;
      out[nx + j] += back * xg;
      out[nx + HD + j] += back;
      out[nx + 2 * HD + j] += wd * h;
    }
    out[nx + 3 * HD] += wd;
    const wg = sigmoid(-D) * dDdx * inv;
    for (let j = 0; j < HG; j++) {
      const h = hG[j];
      const back = wg * z[g + 2 * HG + j] * (1 - h * h);
      out[j] += back * u;
      out[HG + j] += back;
      out[2 * HG + j] += wg * h;
    }
    out[3 * HG] += wg;
  }
}

/** The value functions (for gradient checks): V_D and L_G on a batch. */
export function ganLosses(s: GanShape, z: ArrayLike<number>, real: Float64Array, latent: Float64Array): { VD: number; LG: number } {
  const nx = netSize(s.hiddenG);
  let VD = 0;
  let LG = 0;
  const logSig = (t: number) => -Math.log1p(Math.exp(-t));
  for (let i = 0; i < real.length; i++) VD += logSig(netForward(z, nx, s.hiddenD, real[i]));
  for (let i = 0; i < latent.length; i++) {
    const D = netForward(z, nx, s.hiddenD, netForward(z, 0, s.hiddenG, latent[i]));
    VD += logSig(-D);
    LG -= logSig(D);
  }
  return { VD: VD / real.length, LG: LG / latent.length };
}

/**
 * A stochastic oracle for the mixture GAN: each call of a step has its own mini-batch (drawn
 * by `beginStep`), plus optional injected noise per component.
 */
export class MixtureGanOracle implements Oracle {
  readonly nx: number;
  readonly dim: number;
  private readonly real: Float64Array[];
  private readonly latent: Float64Array[];
  private readonly injected: Float64Array;
  private readonly hD: Float64Array;
  private readonly hG: Float64Array;
  private readonly dims: { nx: number; ny: number; dim: number };

  constructor(
    readonly shape: GanShape,
    readonly data: MixtureSpec,
    readonly batchSize: number,
    readonly calls: number,
    readonly noise: NoiseSpec,
    private readonly stream: Stream,
  ) {
    assertInteger('batchSize', batchSize, { min: 1 });
    this.dims = ganDims(shape);
    this.nx = this.dims.nx;
    this.dim = this.dims.dim;
    this.real = Array.from({ length: calls }, () => new Float64Array(batchSize));
    this.latent = Array.from({ length: calls }, () => new Float64Array(batchSize));
    this.injected = new Float64Array(calls * this.dim);
    this.hD = new Float64Array(shape.hiddenD);
    this.hG = new Float64Array(shape.hiddenG);
  }

  /** Draw this step's mini-batches (and injected noise), one set per oracle call. */
  beginStep(): void {
    for (let c = 0; c < this.calls; c++) {
      sampleMixture(this.data, this.stream, this.real[c]);
      this.stream.fillNormal(this.latent[c]);
    }
    if (!isSilent(this.noise)) fillNoise(this.noise, this.stream, this.injected);
  }

  field(z: Float64Array, out: Float64Array, call: number, zOff = 0): void {
    ganField(this.shape, z, zOff, this.real[call], this.latent[call], out, this.hD, this.hG);
    if (!isSilent(this.noise)) {
      const o = call * this.dim;
      for (let i = 0; i < this.dim; i++) out[i] += this.injected[o + i];
    }
  }
}

/** Initial parameters: hidden units spread over the data's range, small output weights. */
export function initialGanParameters(shape: GanShape, data: MixtureSpec, stream: Stream): Float64Array {
  const { nx, dim } = ganDims(shape);
  const p = new Float64Array(dim);
  const HG = shape.hiddenG;
  const HD = shape.hiddenD;
  const range = Math.max(1, ((data.modes - 1) / 2) * data.spacing + 3 * data.modeSd);
  for (let j = 0; j < HG; j++) {
    p[j] = stream.normal(); // w: latent is N(0, 1)
    p[HG + j] = stream.normal();
    p[2 * HG + j] = (0.1 * stream.normal()) / Math.sqrt(HG);
  }
  for (let j = 0; j < HD; j++) {
    p[nx + j] = (2 * stream.normal()) / range; // v: inputs of size ~range
    p[nx + HD + j] = stream.normal();
    p[nx + 2 * HD + j] = (0.1 * stream.normal()) / Math.sqrt(HD);
  }
  return p;
}

// --- metrics ----------------------------------------------------------------------------------

/** Wasserstein-1 distance between two equal-size samples: mean |x₍ᵢ₎ − y₍ᵢ₎| of the sorted samples. */
export function wasserstein1(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length || a.length === 0) throw new ParameterError('samples', `${a.length} and ${b.length}`, 'two non-empty samples of equal size');
  const x = Float64Array.from(a).sort();
  const y = Float64Array.from(b).sort();
  let s = 0;
  for (let i = 0; i < x.length; i++) s += Math.abs(x[i] - y[i]);
  return s / x.length;
}

/**
 * Modes covered: mode k is covered when at least `threshold` of the generated samples lie
 * within 3 sd of its centre (the convention of Metz et al. 2017 and Srivastava et al. 2017,
 * with the threshold made explicit). Also returns the share of samples within 3 sd of any mode.
 */
export function modeCoverage(m: MixtureSpec, samples: ArrayLike<number>, threshold: number): { covered: number; highQuality: number; shares: number[] } {
  const centers = modeCenters(m);
  const counts = new Array<number>(m.modes).fill(0);
  let good = 0;
  for (let i = 0; i < samples.length; i++) {
    const x = samples[i];
    for (let k = 0; k < m.modes; k++) {
      if (Math.abs(x - centers[k]) <= 3 * m.modeSd) {
        counts[k]++;
        good++;
        break;
      }
    }
  }
  const shares = counts.map((c) => c / samples.length);
  return { covered: shares.filter((s) => s >= threshold).length, highQuality: good / samples.length, shares };
}

/**
 * Cycling of a scalar trace (the generated mean at regular checkpoints): the number of
 * swings across its own average with hysteresis `band` (a swing counts only after the trace has
 * been beyond ±band on the other side). Training "cycled" when it made at least `minSwings`.
 */
export function countSwings(trace: ArrayLike<number>, band: number): number {
  let mean = 0;
  for (let i = 0; i < trace.length; i++) mean += trace[i];
  mean /= trace.length;
  let side = 0;
  let swings = 0;
  for (let i = 0; i < trace.length; i++) {
    const dv = trace[i] - mean;
    const s = dv > band ? 1 : dv < -band ? -1 : 0;
    if (s !== 0 && s !== side) {
      if (side !== 0) swings++;
      side = s;
    }
  }
  return swings;
}

// --- training ---------------------------------------------------------------------------------

export interface MixtureTrainOptions {
  method: MethodOptions;
  shape: GanShape;
  data: MixtureSpec;
  batchSize: number;
  steps: number;
  /** Injected noise on top of the mini-batch noise ('none' for mini-batch noise alone). */
  noise: NoiseSpec;
  stream: Stream;
  /** Generated and real samples for the final metrics. */
  evalSamples: number;
  /** Steps between checkpoints of the generated mean (the cycling trace). */
  checkEvery: number;
  /** Share of samples a mode needs to count as covered. */
  coverageThreshold: number;
  /** Swings of the generated mean (second half of training) that count as cycling. */
  minSwings: number;
  replica?: number;
}

export interface MixtureTrainResult {
  modesCovered: number;
  highQuality: number;
  w1: number;
  swings: number;
  cycled: boolean;
  /** Generated mean at each checkpoint, and the steps. */
  meanTrace: number[];
  traceSteps: number[];
  /** Final generated samples' shares near each mode. */
  shares: number[];
}
