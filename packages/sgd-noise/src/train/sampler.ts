/**
 * Mini-batch index sampling. With replacement: B independent uniform indices. Without
 * replacement: random reshuffling — each epoch is a fresh permutation cut into batches of B, so
 * each batch is a simple random sample without replacement (its mean has the finite-population
 * factor (N − B)/(N − 1)); a final partial batch is dropped.
 */
import { assertInteger, ParameterError, type Stream } from '@snrlab/core';

export class BatchSampler {
  private readonly perm: Int32Array;
  private pos: number;
  epoch = 0;

  constructor(
    readonly population: number,
    readonly batchSize: number,
    readonly replacement: boolean,
    private readonly stream: Stream,
  ) {
    assertInteger('population', population, { min: 1 });
    if (!Number.isInteger(batchSize) || batchSize < 1 || batchSize > population) {
      throw new ParameterError('batchSize', batchSize, `an integer in [1, ${population}] (the dataset has ${population} examples)`);
    }
    this.perm = replacement ? new Int32Array(0) : new Int32Array(population);
    this.pos = population; // forces a shuffle on first use
  }

  private shuffle(): void {
    const p = this.perm;
    const n = p.length;
    for (let i = 0; i < n; i++) p[i] = i;
    for (let i = n - 1; i > 0; i--) {
      const j = this.stream.integer(i + 1);
      const t = p[i];
      p[i] = p[j];
      p[j] = t;
    }
    this.pos = 0;
    this.epoch++;
  }

  /** Fill `out[0..B)` with the next batch's indices. */
  next(out: Int32Array = new Int32Array(this.batchSize)): Int32Array {
    const B = this.batchSize;
    if (this.replacement) {
      for (let k = 0; k < B; k++) out[k] = this.stream.integer(this.population);
      return out;
    }
    if (this.pos + B > this.population) this.shuffle();
    for (let k = 0; k < B; k++) out[k] = this.perm[this.pos + k];
    this.pos += B;
    return out;
  }
}
