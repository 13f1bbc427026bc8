/**
 * Noise for ensembles of particles. Particles are grouped in fixed blocks and block b always
 * draws from `stream.child(b)`, so an ensemble gives the same bytes whether it runs in one
 * thread or is split across any number of workers (split on block boundaries).
 */
import { assertInteger } from '../errors.js';
import type { Stream } from './stream.js';

/** Particles per block unless told otherwise. */
export const DEFAULT_BLOCK_SIZE = 4096;

export class EnsembleNoise {
  private readonly streams: Stream[];
  readonly blocks: number;

  /**
   * @param stream   the ensemble's stream; block b uses `stream.child(firstBlock + b)`
   * @param particles number of particles N (this part of the ensemble)
   * @param dim      values per particle per draw (d)
   * @param opts.blockSize particles per block; opts.firstBlock the global index of block 0
   */
  constructor(
    stream: Stream,
    readonly particles: number,
    readonly dim: number,
    readonly opts: { blockSize?: number; firstBlock?: number } = {},
  ) {
    assertInteger('particles', particles, { min: 1 });
    assertInteger('dim', dim, { min: 1 });
    const bs = opts.blockSize ?? DEFAULT_BLOCK_SIZE;
    assertInteger('blockSize', bs, { min: 1 });
    this.blocks = Math.ceil(particles / bs);
    const first = opts.firstBlock ?? 0;
    this.streams = Array.from({ length: this.blocks }, (_, b) => stream.child(first + b));
  }

  get blockSize(): number {
    return this.opts.blockSize ?? DEFAULT_BLOCK_SIZE;
  }

  /** Fill `out` (N·d, particle-major) with N(0, 1), block by block. */
  fillNormal(out: Float64Array): Float64Array {
    const per = this.blockSize * this.dim;
    for (let b = 0; b < this.blocks; b++) {
      const lo = b * per;
      const hi = Math.min(out.length, lo + per);
      this.streams[b].fillNormal(out.subarray(lo, hi));
    }
    return out;
  }

  /**
   * `steps` fused Euler–Maruyama steps of the whole ensemble (N·d values, particle-major):
   * `Stream.eulerStepLinear` (kind 'linear': p1 = rate·dt, p2 = centre) or
   * `Stream.eulerStepDoubleWell` (kind 'double-well': p1 = dt, p2 = tilt), noise amplitude s.
   * Each block runs all its steps before the next block starts, so its values stay in cache;
   * blocks draw from their own streams and do not interact, so the bytes are those of stepping
   * the whole ensemble one step at a time. Returns null when every value stayed finite, else the
   * divergence that step-by-step stepping meets first: the earliest step, then the lowest index.
   * x is then left part-way (blocks stop at different steps).
   */
  eulerSteps(x: Float64Array, kind: 'linear' | 'double-well', p1: number, p2: number, s: number, steps = 1): { step: number; index: number } | null {
    const per = this.blockSize * this.dim;
    let step = 0;
    let index = -1;
    for (let b = 0; b < this.blocks; b++) {
      const lo = b * per;
      const part = x.subarray(lo, Math.min(x.length, lo + per));
      // once a block has diverged, later blocks need only run far enough to tie with it
      const limit = step || steps;
      const k = kind === 'linear' ? this.streams[b].eulerStepLinear(part, p1, p2, s, limit) : this.streams[b].eulerStepDoubleWell(part, p1, p2, s, limit);
      if (k > 0 && (step === 0 || k < step)) {
        step = k;
        let i = 0;
        while (part[i] - part[i] === 0) i++;
        index = lo + i;
      }
    }
    return step ? { step, index } : null;
  }

  /** The stream of one block (for per-particle extra draws, e.g. jumps or resampling). */
  blockStream(b: number): Stream {
    return this.streams[b];
  }

  /** The stream that particle i draws from. */
  streamOf(particle: number): Stream {
    return this.streams[Math.floor(particle / this.blockSize)];
  }
}
