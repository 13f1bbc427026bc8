/**
 * Noise for ensembles of particles. Particles are grouped in fixed blocks and block b always
 * draws from `stream.child(b)`, so an ensemble gives the same bytes whether it runs in one
 * thread or is split across any number of workers (split on block boundaries). Random numbers
 * only: kernels that step an ensemble (@snrlab/tensor) draw from `blockStream(b)`.
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

  /** The stream of one block (for per-particle extra draws, e.g. jumps or resampling). */
  blockStream(b: number): Stream {
    return this.streams[b];
  }

  /** The stream that particle i draws from. */
  streamOf(particle: number): Stream {
    return this.streams[Math.floor(particle / this.blockSize)];
  }
}
