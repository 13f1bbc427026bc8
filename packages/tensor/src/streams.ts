/**
 * Stream identities as plain words, for kernels that derive child streams themselves (WGSL).
 * `childWords(parent, i)` is core's `Stream.child(i)` for a numeric label: one Philox4x32-10 block
 * over (i_lo, i_hi, id0, id1) with key (key0 ^ TAG_INDEX, key1). A test keeps it equal to core.
 */
import { philoxBlockJS, Stream, type StreamState } from '@snrlab/core';
import type { StreamLike } from './kernel-types.js';

/** Core's tag for numeric child labels (packages/core/src/random/stream.ts). */
export const TAG_INDEX = 0x1d3c5b79;

/** Key and id of a stream: [key0, key1, id0, id1] as uint32. */
export type StreamWords = [number, number, number, number];

export function streamWords(s: StreamLike): StreamWords {
  const st = s instanceof Stream ? s.state() : s;
  return [st.key[0] >>> 0, st.key[1] >>> 0, st.id[0] >>> 0, st.id[1] >>> 0];
}

/** A core Stream at word position 0 from a stream identity. */
export function toStream(s: StreamLike): Stream {
  if (s instanceof Stream) return Stream.restore({ ...s.state(), position: 0 });
  const st: StreamState = { kind: 'philox4x32-10', key: [s.key[0], s.key[1]], id: [s.id[0], s.id[1]], position: 0, path: 'path' in s ? [...(s as StreamState).path] : [] };
  return Stream.restore(st);
}

const out = new Uint32Array(4);
/** The words of child(i) of a stream given by its words (i a non-negative safe integer). */
export function childWords(w: StreamWords, i: number): StreamWords {
  philoxBlockJS(i >>> 0, Math.floor(i / 4294967296) >>> 0, w[2], w[3], (w[0] ^ TAG_INDEX) >>> 0, w[1], out, 0);
  return [out[0], out[1], out[2], out[3]];
}

const TWO_M24 = 1 / 16777216;
/**
 * The webgpu backend's normals from one Philox block (4 words → 4 normals), computed here in
 * float64: Box–Muller with u₁ = (⌊w/2⁸⌋ + 1)·2⁻²⁴ ∈ (0, 1], θ = 2π(⌊w′/2⁸⌋·2⁻²⁴ − ½),
 * z = √(−2 ln u₁)·(cos θ, sin θ). The GPU computes the same in float32 (tolerance in the README);
 * |z| ≤ √(48 ln 2) ≈ 5.77, the truncation of 24-bit uniforms.
 */
export function boxMuller4(w0: number, w1: number, w2: number, w3: number, outArr: Float64Array | number[], o = 0): void {
  const r0 = Math.sqrt(-2 * Math.log(((w0 >>> 8) + 1) * TWO_M24));
  const t0 = 2 * Math.PI * ((w1 >>> 8) * TWO_M24 - 0.5);
  const r1 = Math.sqrt(-2 * Math.log(((w2 >>> 8) + 1) * TWO_M24));
  const t1 = 2 * Math.PI * ((w3 >>> 8) * TWO_M24 - 0.5);
  outArr[o] = r0 * Math.cos(t0);
  outArr[o + 1] = r0 * Math.sin(t0);
  outArr[o + 2] = r1 * Math.cos(t1);
  outArr[o + 3] = r1 * Math.sin(t1);
}
