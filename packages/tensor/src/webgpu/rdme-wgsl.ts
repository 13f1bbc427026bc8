/**
 * The WGSL the RDME shaders ('rdme-cle', 'rdme-tau-leap') share: one thread per replica, the
 * bindings around each kernel's own, the two-word window accumulators and the head and tail of
 * `main` that restore and save the replica's generator and counter.
 */
import { PHILOX, WG } from './wgsl.js';

export interface ReplicaShader {
  /**
   * Bindings 1…4 (0 is the header P, 5 the AUX words, 6 the divergence flag BAD); one of them is
   * `ST: array<f32>`, the window sums that `fold_window` and `add_total` write.
   */
  bindings: [string, string, string, string];
  /** WGSL placed after Philox (samplers, accessors). */
  lib?: string;
  /** Comment lines: the kernel's header words from P[11] on and its buffers' layout. */
  layout: string;
  /** The generator's struct (`Rng`: normals; `URng`: uniforms) and the statement that rebuilds its part-used block. */
  rng: 'Rng' | 'URng';
  refill: string;
  /** The name of the replica's counter, kept in AUX. */
  counter: string;
  /**
   * The body of `main`: V, idx, o = idx·W (the replica's ST words) and the generator r are in
   * scope; it may return early (a divergence), which leaves AUX unsaved.
   */
  body: string;
}

export function replicaShader(k: ReplicaShader): string {
  return /* wgsl */ `
@group(0) @binding(0) var<storage, read> P: array<u32>;
${k.bindings.map((b, i) => `@group(0) @binding(${i + 1}) ${b};`).join('\n')}
@group(0) @binding(5) var<storage, read_write> AUX: array<u32>;
@group(0) @binding(6) var<storage, read_write> BAD: array<atomic<u32>, 2>;
${PHILOX}
${k.lib ?? ''}
// (ST[h], ST[l]) += x; TwoSum keeps the rounding error of the float32 sum in the low word
fn add2(h: u32, l: u32, x: f32) {
  let a = ST[h];
  let s = a + x;
  let bb = s - a;
  ST[h] = s;
  ST[l] = ST[l] + ((a - (s - bb)) + (x - bb));
}
// fold a segment's float32 sums S1 (V words at s) and S2 (at s + V) into their two-word
// accumulators (S1 hi/lo at h, h + V; S2 hi/lo at h + 2V, h + 3V) and clear them
fn fold_window(s: u32, h: u32, V: u32) {
  for (var i = 0u; i < V; i = i + 1u) {
    add2(h + i, h + V + i, ST[s + i]);
    ST[s + i] = 0.0;
    add2(h + 2u * V + i, h + 3u * V + i, ST[s + V + i]);
    ST[s + V + i] = 0.0;
  }
}
// a snapshot's D = N − C into Σ(N − C) (hi/lo at t, t + 1) and Σ(N − C)² (t + 2, t + 3)
fn add_total(t: u32, D: f32) {
  add2(t, t + 1u, D);
  add2(t + 2u, t + 3u, D * D);
}
// a divergence: the earliest event and the smallest replica·V + voxel
fn diverged(event: u32, at: u32) {
  atomicMin(&BAD[0], event);
  atomicMin(&BAD[1], at);
}
// P[0] V, P[1] R, P[2..4) segments, P[4..6) first, P[6..10) stream, P[10] W (ST words per replica)
${k.layout}
// AUX per replica: Philox block, lane, ${k.counter}
// one thread per replica, ${WG} per workgroup, 2-D dispatch beyond 65535 workgroups (as in wgsl.ts)
@compute @workgroup_size(${WG}) fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let idx = (wid.y * nwg.x + wid.x) * ${WG}u + lid;
  let V = P[0];
  if (idx >= P[1]) { return; }
  let o = idx * P[10];
  let flo = P[4] + idx;
  let fhi = P[5] + select(0u, 1u, flo < P[4]);
  var r: ${k.rng};
  r.s = child(vec4<u32>(P[6], P[7], P[8], P[9]), flo, fhi);
  r.b = AUX[3u * idx];
  r.lane = AUX[3u * idx + 1u];
  if (r.lane < 4u) { ${k.refill} }
  var ${k.counter} = AUX[3u * idx + 2u];
${k.body}
  AUX[3u * idx] = r.b;
  AUX[3u * idx + 1u] = r.lane;
  AUX[3u * idx + 2u] = ${k.counter};
}
`;
}
