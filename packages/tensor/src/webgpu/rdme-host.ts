/// <reference types="@webgpu/types" />
/**
 * The host side the RDME kernels on WebGPU share: the replicas' state checks and layout, the
 * segment table, the dispatch loop with its read-back, and the moments rebuilt in float64 from the
 * shifted two-word window sums (mean = c + S₁/T, mean square = c² + (2c·S₁ + S₂)/T).
 */
import { ParameterError } from '@snrlab/core';
import type { StreamLike } from '../kernel-types.js';
import type { RdmeMoments } from '../rdme-kernels.js';
import { streamWords } from '../streams.js';
import type { WebGPUContext } from './device.js';
import { bind, dispatch, pipeline, readBack, upload } from './kernels.js';
import type { CleSegment } from './rdme.js';

/** Voxel-steps per dispatch per thread: long enough to amortise a dispatch, short enough for GPU watchdogs. */
const VOXEL_STEPS_PER_DISPATCH = 1 << 16;

/** The divergence flag's value while no replica has diverged. */
export const NOT_DIVERGED = 0xffffffff;

/** Refuse R replicas of W float32 words each beyond the adapter's storage buffer size. */
export function stateFits(ctx: WebGPUContext, R: number, W: number, V: number): void {
  const maxBytes = Math.min(ctx.report.limits.maxStorageBufferBindingSize, ctx.report.limits.maxBufferSize);
  if (4 * R * W > maxBytes) throw new ParameterError('replicas', R, `at most ${Math.floor(maxBytes / (4 * W))} for ${V} voxels on this adapter (maxStorageBufferBindingSize ${maxBytes} bytes)`);
}

/** The window sums' shift: the replicas' mean initial count per voxel, rounded. */
export function initialShift(initial: ArrayLike<number>, V: number, R: number, perReplica: boolean): Float64Array {
  const rows = perReplica ? R : 1;
  const shift = new Float64Array(V);
  for (let r = 0; r < rows; r++) for (let i = 0; i < V; i++) shift[i] += initial[r * V + i];
  for (let i = 0; i < V; i++) shift[i] = Math.round(shift[i] / rows);
  return shift;
}

/** Each replica's initial counts written at r·stride of `out`. */
export function initialRows<T extends Float32Array | Int32Array>(out: T, stride: number, initial: ArrayLike<number>, V: number, R: number, perReplica: boolean): T {
  for (let r = 0; r < R; r++) for (let i = 0; i < V; i++) out[r * stride + i] = initial[(perReplica ? r * V : 0) + i];
  return out;
}

/**
 * The segment table, 4 words a segment: steps, dt (f32), flags (1 window, 2 snapshot) and, with
 * `twoWord`, dt's float32 rounding error (the low word of a two-word length), else 0.
 */
export function packSegments(segments: readonly CleSegment[], twoWord: boolean): Uint32Array {
  const seg = new Uint32Array(4 * Math.max(1, segments.length));
  const segF = new Float32Array(seg.buffer);
  segments.forEach((s, j) => {
    seg[4 * j] = s.steps;
    segF[4 * j + 1] = s.dt;
    seg[4 * j + 2] = (s.window ? 1 : 0) | (s.snapshot ? 2 : 0);
    if (twoWord) segF[4 * j + 3] = s.dt - Math.fround(s.dt);
  });
  return seg;
}

/** The window length the GPU integrates, in float64: its float32 steps, or (`twoWord`) each segment's two-word length. */
export function windowLength(segments: readonly CleSegment[], twoWord: boolean): number {
  let T = 0;
  for (const s of segments) if (s.window) T += twoWord ? Math.fround(s.dt) + Math.fround(s.dt - Math.fround(s.dt)) : s.steps * Math.fround(s.dt);
  return T;
}

export interface ReplicaRun {
  V: number;
  R: number;
  /** ST words per replica. */
  W: number;
  first: number;
  stream: StreamLike;
  segments: readonly CleSegment[];
  /** The steps a segment takes (or an estimate): a dispatch takes segments up to ~2¹⁶/V of them, at least one. */
  cost(s: CleSegment): number;
  /** The storage at bindings 1…4, uploaded as given. */
  data: [ArrayBufferView, ArrayBufferView, ArrayBufferView, ArrayBufferView];
  /** The binding (1…4) of ST, the float32 window sums read back. */
  st: number;
  /** A dispatch's header words: P[11] and the floats from P[12] on; `done` is the cost of the segments before it. */
  header(done: number): { word11: number; floats: number[] };
}

/**
 * Run a `replicaShader` over all its segments, in dispatches of about `VOXEL_STEPS_PER_DISPATCH`
 * voxel-steps; returns the window sums, each replica's counter and the divergence flag (the
 * event and replica·V + voxel, `NOT_DIVERGED` where none diverged).
 */
export async function runReplicaShader(ctx: WebGPUContext, wgsl: string, run: ReplicaRun): Promise<{ st: Float32Array; counter: Float64Array; badEvent: number; badIndex: number }> {
  const { V, R, W, first, segments } = run;
  const aux = new Uint32Array(3 * R);
  for (let r = 0; r < R; r++) aux[3 * r + 1] = 4; // no block drawn yet
  const dev = ctx.device;
  const p = await pipeline(ctx, wgsl);
  const data = run.data.map((d) => upload(dev, d));
  const AX = upload(dev, aux);
  const bad = upload(dev, Uint32Array.of(NOT_DIVERGED, NOT_DIVERGED));
  const keep = [...data, AX, bad];
  const words = streamWords(run.stream);
  const enc = dev.createCommandEncoder();
  const budget = Math.max(1, Math.floor(VOXEL_STEPS_PER_DISPATCH / V));
  let s0 = 0;
  let done = 0;
  while (s0 < segments.length) {
    let s1 = s0;
    let n = 0;
    while (s1 < segments.length && (s1 === s0 || n + run.cost(segments[s1]) <= budget)) n += run.cost(segments[s1++]);
    const { word11, floats } = run.header(done);
    const h = new Uint32Array(16);
    h.set([V, R, s0, s1, first >>> 0, Math.floor(first / 4294967296) >>> 0, ...words, W, word11]);
    new Float32Array(h.buffer).set(floats, 12);
    const PB = upload(dev, h);
    keep.push(PB);
    const pass = enc.beginComputePass();
    pass.setPipeline(p);
    pass.setBindGroup(0, bind(dev, p, { 0: PB, 1: data[0], 2: data[1], 3: data[2], 4: data[3], 5: AX, 6: bad }));
    dispatch(ctx, pass, R);
    pass.end();
    s0 = s1;
    done += n;
  }
  const [badBytes, stBytes, auxBytes] = await readBack(dev, enc, [bad, data[run.st - 1], AX]);
  keep.forEach((b) => b.destroy());
  const [badEvent, badIndex] = new Uint32Array(badBytes);
  const ax = new Uint32Array(auxBytes, 0, 3 * R);
  return { st: new Float32Array(stBytes, 0, R * W), counter: Float64Array.from({ length: R }, (_, r) => ax[3 * r + 2]), badEvent, badIndex };
}

/**
 * The moments in float64 from the shifted window sums of each replica's W words: S₁ hi/lo at
 * `at`, `at` + V, S₂ hi/lo at `at` + 2V, + 3V, then Σ(N − C) and Σ(N − C)² hi/lo; `shift` is c,
 * T the window length and S the snapshots.
 */
export function shiftedMoments(st: Float32Array, R: number, W: number, V: number, at: number, shift: Float64Array, T: number, S: number): RdmeMoments {
  let C = 0;
  for (let i = 0; i < V; i++) C += shift[i];
  const mean = new Float64Array(R * V);
  const meanSquare = new Float64Array(R * V);
  const totalSum = new Float64Array(R);
  const totalSumSq = new Float64Array(R);
  for (let r = 0; r < R; r++) {
    const o = r * W + at;
    for (let i = 0; i < V; i++) {
      const c = shift[i];
      const m1 = st[o + i] + st[o + V + i];
      const m2 = st[o + 2 * V + i] + st[o + 3 * V + i];
      mean[r * V + i] = c + m1 / T;
      meanSquare[r * V + i] = c * c + (2 * c * m1 + m2) / T;
    }
    const d1 = st[o + 4 * V] + st[o + 4 * V + 1];
    const d2 = st[o + 4 * V + 2] + st[o + 4 * V + 3];
    totalSum[r] = S * C + d1;
    totalSumSq[r] = S * C * C + 2 * C * d1 + d2;
  }
  return { mean, meanSquare, totalSum, totalSumSq };
}
