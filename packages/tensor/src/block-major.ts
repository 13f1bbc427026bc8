/**
 * The block-major driver of the js ensemble kernels (BAOAB, the game steps): each block of
 * particles runs all its steps while it sits in cache, drawing from its own stream of an
 * EnsembleNoise (block b from stream.child(firstBlock + b)). Blocks do not interact, so the bytes
 * are those of stepping the whole ensemble one step at a time.
 */
import type { EnsembleNoise, Stream } from '@snrlab/core';
import type { Divergence } from './types.js';

/** How a block's noise for one step is drawn into z; null draws nothing (z stays 0). */
export type BlockDraw = ((stream: Stream, z: Float64Array) => void) | null;

export const drawNormals: BlockDraw = (s, z) => {
  s.fillNormal(z);
};

/**
 * Run `steps` steps of n particles whose noise is `noise` (noise.dim = `per` values per particle
 * per step). `update(lo, hi, z, step)` advances particles [lo, hi) one step (step 0-based within
 * this call) with z (per values per particle, from 0) and returns the index (relative to lo·width)
 * of its first divergence, or −1. Returns the divergence stepping the whole ensemble one step at a
 * time would meet first (earliest step, then lowest index); blocks are then left part-way.
 */
export function blockMajor(
  noise: EnsembleNoise,
  width: number,
  steps: number,
  update: (lo: number, hi: number, z: Float64Array, step: number) => number,
  draw: BlockDraw = drawNormals,
): Divergence | null {
  const n = noise.particles;
  const per = noise.dim;
  const blockSize = noise.blockSize;
  const z = new Float64Array(Math.min(n, blockSize) * per);
  let first: Divergence | null = null;
  for (let b = 0; b < noise.blocks; b++) {
    const lo = b * blockSize;
    const hi = Math.min(n, lo + blockSize);
    const s = noise.blockStream(b);
    const zb = z.subarray(0, (hi - lo) * per);
    const limit = first ? first.step : steps;
    for (let k = 1; k <= limit; k++) {
      if (draw) draw(s, zb);
      const bad = update(lo, hi, zb, k - 1);
      if (bad >= 0) {
        const index = lo * width + bad;
        if (!first || k < first.step || (k === first.step && index < first.index)) first = { step: k, index };
        break;
      }
    }
  }
  return first;
}
