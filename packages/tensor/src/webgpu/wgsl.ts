/**
 * WGSL sources. `PHILOX` is Philox4x32-10 with core's stream derivation: a stream is
 * (key0, key1, id0, id1); its block b is philox((b, 0, id0, id1), (key0, key1)); child(i) is
 * philox((i_lo, i_hi, id0, id1), (key0 ^ TAG_INDEX, key1)). The 32×32→64 multiply is split into
 * 16-bit halves (WGSL has no 64-bit integers). Integer outputs are bit-identical to core's Stream.
 *
 * Normals: Box–Muller in float32, four per Philox block (see `boxMuller4` in streams.ts for the
 * float64 formula). Particle p draws from child(first + p); its m-th normal (m = step·per + j)
 * is lane m % 4 of block ⌊m/4⌋.
 *
 * Every kernel reads a `P: array<u32>` header (floats bitcast) and runs one thread per particle
 * (row), 64 per workgroup, with 2-D dispatch beyond 65535 workgroups.
 */

export const WG = 64;

export const PHILOX = /* wgsl */ `
const TAG_INDEX: u32 = 0x1d3c5b79u;

fn mulhilo(a: u32, b: u32) -> vec2<u32> {
  let al = a & 0xffffu; let ah = a >> 16u;
  let bl = b & 0xffffu; let bh = b >> 16u;
  let ll = al * bl; let lh = al * bh; let hl = ah * bl; let hh = ah * bh;
  let mid = (ll >> 16u) + (lh & 0xffffu) + (hl & 0xffffu);
  let hi = hh + (lh >> 16u) + (hl >> 16u) + (mid >> 16u);
  return vec2<u32>(hi, a * b);
}

fn philox(c: vec4<u32>, k: vec2<u32>) -> vec4<u32> {
  var x = c;
  var key = k;
  for (var r = 0u; r < 10u; r = r + 1u) {
    let p0 = mulhilo(0xD2511F53u, x.x);
    let p1 = mulhilo(0xCD9E8D57u, x.z);
    x = vec4<u32>(p1.x ^ x.y ^ key.x, p1.y, p0.x ^ x.w ^ key.y, p0.y);
    key = key + vec2<u32>(0x9E3779B9u, 0xBB67AE85u);
  }
  return x;
}

// child(i) of stream s = (key0, key1, id0, id1), i = (lo, hi)
fn child(s: vec4<u32>, lo: u32, hi: u32) -> vec4<u32> {
  return philox(vec4<u32>(lo, hi, s.z, s.w), vec2<u32>(s.x ^ TAG_INDEX, s.y));
}

fn block(s: vec4<u32>, b: u32) -> vec4<u32> {
  return philox(vec4<u32>(b, 0u, s.z, s.w), s.xy);
}

fn boxmuller(w: vec4<u32>) -> vec4<f32> {
  let k = 5.9604644775390625e-8; // 2^-24
  let r0 = sqrt(-2.0 * log((f32(w.x >> 8u) + 1.0) * k));
  let t0 = 6.2831853071795864 * (f32(w.y >> 8u) * k - 0.5);
  let r1 = sqrt(-2.0 * log((f32(w.z >> 8u) + 1.0) * k));
  let t1 = 6.2831853071795864 * (f32(w.w >> 8u) * k - 0.5);
  return vec4<f32>(r0 * cos(t0), r0 * sin(t0), r1 * cos(t1), r1 * sin(t1));
}

struct Rng { s: vec4<u32>, b: u32, lane: u32, z: vec4<f32> }

// a normal stream positioned at normal index m of stream s
fn rng_at(s: vec4<u32>, m: u32) -> Rng {
  var r: Rng;
  r.s = s;
  r.b = m >> 2u;
  r.lane = m & 3u;
  if (r.lane != 0u) { r.z = boxmuller(block(s, r.b)); r.b = r.b + 1u; } else { r.lane = 4u; }
  return r;
}

fn normal(r: ptr<function, Rng>) -> f32 {
  if ((*r).lane == 4u) {
    (*r).z = boxmuller(block((*r).s, (*r).b));
    (*r).b = (*r).b + 1u;
    (*r).lane = 0u;
  }
  let v = (*r).z[(*r).lane];
  (*r).lane = (*r).lane + 1u;
  return v;
}

fn nonfinite(v: f32) -> bool { return (bitcast<u32>(v) & 0x7f800000u) == 0x7f800000u; }

fn fp(i: u32) -> f32 { return bitcast<f32>(P[i]); }
`;

/** Linear thread index with 2-D dispatch. */
const INDEX = /* wgsl */ `
  let idx = (wid.y * nwg.x + wid.x) * ${WG}u + lid;
`;
const ENTRY = `@compute @workgroup_size(${WG}) fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_index) lid: u32)`;

// header shared by the ensemble kernels:
// P[0] n, P[1] d, P[2] steps, P[3] step0, P[4] first_lo, P[5] first_hi, P[6..10) stream, P[10..) kernel-specific
const ENSEMBLE_HEAD = /* wgsl */ `
@group(0) @binding(0) var<storage, read> P: array<u32>;
@group(0) @binding(2) var<storage, read_write> BAD: array<atomic<u32>, 2>;
${PHILOX}
fn particle_rng(i: u32, per: u32) -> Rng {
  let lo = P[4] + i;
  let hi = P[5] + select(0u, 1u, lo < P[4]);
  let s = child(vec4<u32>(P[6], P[7], P[8], P[9]), lo, hi);
  return rng_at(s, P[3] * per);
}
fn mark(step: u32, index: u32) {
  atomicMin(&BAD[0], step);
  atomicMin(&BAD[1], index);
}
// U'(x) by Horner: P[11] = number of coefficients, P[12..] highest power first
fn dU(x: f32) -> f32 {
  let m = P[11];
  var v = fp(12u);
  for (var i = 1u; i < m; i = i + 1u) { v = v * x + fp(12u + i); }
  return v;
}
`;

/** Euler–Maruyama: x ← x − U′(x)·dt + s·ξ. P[10] dt, P[11..] Horner; s at P[31]. */
export const EM = /* wgsl */ `
${ENSEMBLE_HEAD}
@group(0) @binding(1) var<storage, read_write> X: array<f32>;
${ENTRY} {
${INDEX}
  let n = P[0]; let d = P[1];
  if (idx >= n) { return; }
  let dt = fp(10u); let s = fp(31u);
  var r = particle_rng(idx, d);
  for (var k = 0u; k < P[2]; k = k + 1u) {
    var bad = false;
    for (var j = 0u; j < d; j = j + 1u) {
      let o = idx * d + j;
      let u = X[o];
      let v = u - dU(u) * dt + s * normal(&r);
      X[o] = v;
      if (nonfinite(v)) { bad = true; mark(P[3] + k + 1u, o); }
    }
    if (bad) { return; }
  }
}
`;

/** BAOAB: P[10] h, P[11..] Horner, P[28] c, P[29] s (√((1−c²)mT)), P[30] h/2, P[31] h/(2m). */
export const BAOAB = /* wgsl */ `
${ENSEMBLE_HEAD}
@group(0) @binding(1) var<storage, read_write> X: array<f32>;
@group(0) @binding(3) var<storage, read_write> V: array<f32>;
${ENTRY} {
${INDEX}
  let n = P[0]; let d = P[1];
  if (idx >= n) { return; }
  let c = fp(28u); let s = fp(29u); let hh = fp(30u); let hm = fp(31u);
  var r = particle_rng(idx, d);
  for (var k = 0u; k < P[2]; k = k + 1u) {
    var bad = false;
    for (var j = 0u; j < d; j = j + 1u) {
      let o = idx * d + j;
      var p = V[o] - hh * dU(X[o]);
      var q = X[o] + hm * p;
      p = c * p + s * normal(&r);
      q = q + hm * p;
      p = p - hh * dU(q);
      X[o] = q;
      V[o] = p;
      if (nonfinite(q) || nonfinite(p)) { bad = true; mark(P[3] + k + 1u, o); }
    }
    if (bad) { return; }
  }
}
`;

/** Game steps: P[10] method, P[11] nx, P[12] sigma, P[13] S, P[14..14+d) eta; M in binding 3. */
export const GAME_MAXD = 16;
export const GAME = /* wgsl */ `
@group(0) @binding(0) var<storage, read> P: array<u32>;
@group(0) @binding(1) var<storage, read_write> X: array<f32>;
@group(0) @binding(2) var<storage, read_write> BAD: array<atomic<u32>, 2>;
@group(0) @binding(3) var<storage, read> M: array<f32>;
${PHILOX}
const MAXD: u32 = ${GAME_MAXD}u;
${ENTRY} {
${INDEX}
  let n = P[0]; let d = P[1];
  if (idx >= n) { return; }
  let method = P[10]; let nx = P[11]; let sg = fp(12u); let S = P[13];
  let per = select(d, 2u * d, method == 2u);
  let lo = P[4] + idx;
  let hi = P[5] + select(0u, 1u, lo < P[4]);
  var r = rng_at(child(vec4<u32>(P[6], P[7], P[8], P[9]), lo, hi), P[3] * per);
  var z: array<f32, ${2 * GAME_MAXD}>;
  var g: array<f32, ${GAME_MAXD}>;
  var w: array<f32, ${GAME_MAXD}>;
  let o = idx * S;
  for (var k = 0u; k < P[2]; k = k + 1u) {
    for (var i = 0u; i < per; i = i + 1u) { z[i] = normal(&r); }
    if (method == 0u || method == 3u) {
      for (var i = 0u; i < d; i = i + 1u) {
        var s = sg * z[i];
        for (var j = 0u; j < d; j = j + 1u) { s = s + M[i * d + j] * X[o + j]; }
        g[i] = s;
      }
      if (method == 0u) {
        for (var i = 0u; i < d; i = i + 1u) { X[o + i] = X[o + i] + fp(14u + i) * g[i]; }
      } else {
        if (P[3] + k == 0u) { for (var i = 0u; i < d; i = i + 1u) { X[o + d + i] = g[i]; } }
        for (var i = 0u; i < d; i = i + 1u) {
          X[o + i] = X[o + i] + fp(14u + i) * (2.0 * g[i] - X[o + d + i]);
          X[o + d + i] = g[i];
        }
      }
    } else if (method == 1u) {
      for (var i = 0u; i < d; i = i + 1u) {
        if (i == nx) { for (var t = 0u; t < nx; t = t + 1u) { X[o + t] = X[o + t] + fp(14u + t) * g[t]; } }
        var s = sg * z[i];
        for (var j = 0u; j < d; j = j + 1u) { s = s + M[i * d + j] * X[o + j]; }
        g[i] = s;
      }
      if (nx == d) { for (var t = 0u; t < nx; t = t + 1u) { X[o + t] = X[o + t] + fp(14u + t) * g[t]; } }
      for (var i = nx; i < d; i = i + 1u) { X[o + i] = X[o + i] + fp(14u + i) * g[i]; }
    } else {
      for (var i = 0u; i < d; i = i + 1u) {
        var s = sg * z[i];
        for (var j = 0u; j < d; j = j + 1u) { s = s + M[i * d + j] * X[o + j]; }
        w[i] = X[o + i] + fp(14u + i) * s;
      }
      for (var i = 0u; i < d; i = i + 1u) {
        var s = sg * z[d + i];
        for (var j = 0u; j < d; j = j + 1u) { s = s + M[i * d + j] * w[j]; }
        g[i] = s;
      }
      for (var i = 0u; i < d; i = i + 1u) { X[o + i] = X[o + i] + fp(14u + i) * g[i]; }
    }
    var bad = false;
    for (var i = 0u; i < d; i = i + 1u) { if (nonfinite(X[o + i])) { bad = true; atomicMin(&BAD[1], o + i); } }
    if (bad) { atomicMin(&BAD[0], P[3] + k + 1u); return; }
  }
}
`;

/** Raw words: P[0] particles, P[1] words, P[2] offset, P[4..6) first, P[6..10) stream. */
export const WORDS = /* wgsl */ `
@group(0) @binding(0) var<storage, read> P: array<u32>;
@group(0) @binding(1) var<storage, read_write> OUT: array<u32>;
${PHILOX}
${ENTRY} {
${INDEX}
  if (idx >= P[0]) { return; }
  let lo = P[4] + idx;
  let hi = P[5] + select(0u, 1u, lo < P[4]);
  let s = child(vec4<u32>(P[6], P[7], P[8], P[9]), lo, hi);
  let W = P[1];
  var b = 0xffffffffu;
  var blk = vec4<u32>(0u);
  for (var k = 0u; k < W; k = k + 1u) {
    let pos = P[2] + k;
    if ((pos >> 2u) != b) { b = pos >> 2u; blk = block(s, b); }
    OUT[idx * W + k] = blk[pos & 3u];
  }
}
`;

/** Normals: P[0] particles, P[1] count, P[4..6) first, P[6..10) stream. */
export const NORMALS = /* wgsl */ `
@group(0) @binding(0) var<storage, read> P: array<u32>;
@group(0) @binding(1) var<storage, read_write> OUT: array<f32>;
${PHILOX}
${ENTRY} {
${INDEX}
  if (idx >= P[0]) { return; }
  let lo = P[4] + idx;
  let hi = P[5] + select(0u, 1u, lo < P[4]);
  var r = rng_at(child(vec4<u32>(P[6], P[7], P[8], P[9]), lo, hi), 0u);
  for (var k = 0u; k < P[1]; k = k + 1u) { OUT[idx * P[1] + k] = normal(&r); }
}
`;

/**
 * Tiled matmul C[m×n] = A[m×k]·op(B) (+ bias): P[0] m, P[1] n, P[2] k, P[3] transB (B is n×k),
 * P[4] bias (binding 4). 16×16 tiles in workgroup memory.
 */
export const MATMUL = /* wgsl */ `
@group(0) @binding(0) var<storage, read> P: array<u32>;
@group(0) @binding(1) var<storage, read> A: array<f32>;
@group(0) @binding(2) var<storage, read> B: array<f32>;
@group(0) @binding(3) var<storage, read_write> C: array<f32>;
@group(0) @binding(4) var<storage, read> BIAS: array<f32>;
const T: u32 = 16u;
var<workgroup> As: array<f32, 256>;
var<workgroup> Bs: array<f32, 256>;
@compute @workgroup_size(16, 16) fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_id) lid: vec3<u32>) {
  let m = P[0]; let n = P[1]; let K = P[2]; let tb = P[3];
  let row = wid.y * T + lid.y;
  let col = wid.x * T + lid.x;
  var acc = 0.0;
  let tiles = (K + T - 1u) / T;
  for (var t = 0u; t < tiles; t = t + 1u) {
    let ka = t * T + lid.x;
    As[lid.y * T + lid.x] = select(0.0, A[row * K + ka], row < m && ka < K);
    let kb = t * T + lid.y;
    var bv = 0.0;
    if (col < n && kb < K) { bv = select(B[kb * n + col], B[col * K + kb], tb == 1u); }
    Bs[lid.y * T + lid.x] = bv;
    workgroupBarrier();
    for (var i = 0u; i < T; i = i + 1u) { acc = acc + As[lid.y * T + i] * Bs[i * T + lid.x]; }
    workgroupBarrier();
  }
  if (row < m && col < n) {
    if (P[4] == 1u) { acc = acc + BIAS[col]; }
    C[row * n + col] = acc;
  }
}
`;

/** Elementwise: P[0] len, P[1] op (0: OUT = relu(A); 1: OUT = OUT where A > 0 else 0). */
export const ELEMENTWISE = /* wgsl */ `
@group(0) @binding(0) var<storage, read> P: array<u32>;
@group(0) @binding(1) var<storage, read> A: array<f32>;
@group(0) @binding(2) var<storage, read_write> OUT: array<f32>;
${ENTRY} {
${INDEX}
  if (idx >= P[0]) { return; }
  if (P[1] == 0u) { OUT[idx] = max(A[idx], 0.0); } else if (!(A[idx] > 0.0)) { OUT[idx] = 0.0; }
}
`;

/** Softmax cross-entropy per row: P[0] B, P[1] C; Z logits in, DELTA = softmax − onehot, LOSS. */
export const SOFTMAX_CE = /* wgsl */ `
@group(0) @binding(0) var<storage, read> P: array<u32>;
@group(0) @binding(1) var<storage, read> Z: array<f32>;
@group(0) @binding(2) var<storage, read> Y: array<u32>;
@group(0) @binding(3) var<storage, read_write> DELTA: array<f32>;
@group(0) @binding(4) var<storage, read_write> LOSS: array<f32>;
${ENTRY} {
${INDEX}
  let B = P[0]; let C = P[1];
  if (idx >= B) { return; }
  var mx = Z[idx * C];
  for (var c = 1u; c < C; c = c + 1u) { mx = max(mx, Z[idx * C + c]); }
  var se = 0.0;
  for (var c = 0u; c < C; c = c + 1u) { se = se + exp(Z[idx * C + c] - mx); }
  let y = Y[idx];
  for (var c = 0u; c < C; c = c + 1u) {
    DELTA[idx * C + c] = exp(Z[idx * C + c] - mx) / se - select(0.0, 1.0, c == y);
  }
  LOSS[idx] = log(se) + mx - Z[idx * C + y];
}
`;

/** Per-example norms: NORMS[i] (+)= |U_i|²·|D_i|² + bias·|D_i|². P[0] B, P[1] K, P[2] C, P[3] bias, P[4] accumulate. */
export const ROW_NORMS = /* wgsl */ `
@group(0) @binding(0) var<storage, read> P: array<u32>;
@group(0) @binding(1) var<storage, read> U: array<f32>;
@group(0) @binding(2) var<storage, read> D: array<f32>;
@group(0) @binding(3) var<storage, read_write> NORMS: array<f32>;
${ENTRY} {
${INDEX}
  let B = P[0]; let K = P[1]; let C = P[2];
  if (idx >= B) { return; }
  var su = 0.0;
  for (var k = 0u; k < K; k = k + 1u) { let v = U[idx * K + k]; su = su + v * v; }
  var sd = 0.0;
  for (var c = 0u; c < C; c = c + 1u) { let v = D[idx * C + c]; sd = sd + v * v; }
  var r = su * sd + select(0.0, sd, P[3] == 1u);
  if (P[4] == 1u) { r = r + NORMS[idx]; }
  NORMS[idx] = r;
}
`;

/** Raw Philox blocks for known-answer tests: IN holds (c0, c1, c2, c3, k0, k1) per block. P[0] count. */
export const RAW = /* wgsl */ `
@group(0) @binding(0) var<storage, read> P: array<u32>;
@group(0) @binding(1) var<storage, read> IN: array<u32>;
@group(0) @binding(2) var<storage, read_write> OUT: array<vec4<u32>>;
${PHILOX}
${ENTRY} {
${INDEX}
  if (idx >= P[0]) { return; }
  let o = idx * 6u;
  OUT[idx] = philox(vec4<u32>(IN[o], IN[o + 1u], IN[o + 2u], IN[o + 3u]), vec2<u32>(IN[o + 4u], IN[o + 5u]));
}
`;

/**
 * One single-qubit gate on a batch of statevectors: thread t = (state b, pair k) applies the 2×2
 * complex matrix U[(P[4]·batch + b)·8 ..] (computed on the CPU in float64, rounded to float32) to
 * amplitudes i = insert0(k, q) and i + 2^q. P[0] dim, P[1] batch, P[2] q, P[4] gate index.
 */
export const SV_GATE1 = /* wgsl */ `
@group(0) @binding(0) var<storage, read> P: array<u32>;
@group(0) @binding(1) var<storage, read_write> RE: array<f32>;
@group(0) @binding(2) var<storage, read_write> IM: array<f32>;
@group(0) @binding(3) var<storage, read> U: array<f32>;
${ENTRY} {
${INDEX}
  let dim = P[0]; let batch = P[1]; let q = P[2];
  let half = dim >> 1u;
  if (idx >= batch * half) { return; }
  let b = idx / half; let k = idx % half;
  let stride = 1u << q;
  let i = b * dim + (((k >> q) << (q + 1u)) | (k & (stride - 1u)));
  let j = i + stride;
  let m = (P[4] * batch + b) * 8u;
  let ar = RE[i]; let ai = IM[i]; let br = RE[j]; let bi = IM[j];
  RE[i] = U[m] * ar - U[m + 1u] * ai + U[m + 2u] * br - U[m + 3u] * bi;
  IM[i] = U[m] * ai + U[m + 1u] * ar + U[m + 2u] * bi + U[m + 3u] * br;
  RE[j] = U[m + 4u] * ar - U[m + 5u] * ai + U[m + 6u] * br - U[m + 7u] * bi;
  IM[j] = U[m + 4u] * ai + U[m + 5u] * ar + U[m + 6u] * bi + U[m + 7u] * br;
}
`;

/**
 * One two-qubit gate (exact: a permutation or a sign): thread t = (state b, quarter k).
 * P[0] dim, P[1] batch, P[2] wire 0 (control), P[3] wire 1 (target), P[5] kind (0 cnot, 1 cz, 2 swap).
 */
export const SV_GATE2 = /* wgsl */ `
@group(0) @binding(0) var<storage, read> P: array<u32>;
@group(0) @binding(1) var<storage, read_write> RE: array<f32>;
@group(0) @binding(2) var<storage, read_write> IM: array<f32>;
fn insert0(k: u32, p: u32) -> u32 { return ((k >> p) << (p + 1u)) | (k & ((1u << p) - 1u)); }
${ENTRY} {
${INDEX}
  let dim = P[0]; let batch = P[1]; let w0 = P[2]; let w1 = P[3]; let kind = P[5];
  let quarter = dim >> 2u;
  if (idx >= batch * quarter) { return; }
  let b = idx / quarter; let k = idx % quarter;
  let lo = min(w0, w1); let hi = max(w0, w1);
  let base = b * dim + insert0(insert0(k, lo), hi);
  var i: u32; var j: u32;
  if (kind == 1u) {
    i = base | (1u << lo) | (1u << hi);
    RE[i] = -RE[i]; IM[i] = -IM[i];
    return;
  }
  if (kind == 0u) { i = base | (1u << w0); j = i | (1u << w1); } else { i = base | (1u << lo); j = base | (1u << hi); }
  let tr = RE[i]; RE[i] = RE[j]; RE[j] = tr;
  let ti = IM[i]; IM[i] = IM[j]; IM[j] = ti;
}
`;

/**
 * Shot sampling by integer thresholds (see statevector.ts): thread t = (sample b, shot quad),
 * one Philox block of child(first + b) per four shots, binary search of the row's thresholds,
 * atomic counts. P[0] samples B, P[1] dim, P[2..4) first, P[4..8) stream. SAMPLE holds
 * (row, shots, first quad) per sample and the total quads at 3·B. Counts start at zero.
 */
export const SHOTS = /* wgsl */ `
@group(0) @binding(0) var<storage, read> P: array<u32>;
@group(0) @binding(1) var<storage, read> T: array<u32>;
@group(0) @binding(2) var<storage, read> LAST: array<u32>;
@group(0) @binding(3) var<storage, read> SAMPLE: array<u32>;
@group(0) @binding(4) var<storage, read_write> COUNTS: array<atomic<u32>>;
${PHILOX}
${ENTRY} {
${INDEX}
  let B = P[0]; let dim = P[1];
  if (idx >= SAMPLE[3u * B]) { return; }
  // the sample whose quads hold idx: the last b with first quad ≤ idx
  var lo = 0u; var hi = B - 1u;
  while (lo < hi) {
    let mid = (lo + hi + 1u) >> 1u;
    if (SAMPLE[3u * mid + 2u] <= idx) { lo = mid; } else { hi = mid - 1u; }
  }
  let b = lo;
  let row = SAMPLE[3u * b]; let shots = SAMPLE[3u * b + 1u];
  let t = idx - SAMPLE[3u * b + 2u];
  let clo = P[2] + b;
  let chi = P[3] + select(0u, 1u, clo < P[2]);
  let w = block(child(vec4<u32>(P[4], P[5], P[6], P[7]), clo, chi), t);
  let o = row * dim; let L = LAST[row];
  for (var l = 0u; l < 4u; l = l + 1u) {
    if (4u * t + l >= shots) { break; }
    let x = w[l];
    var a = 0u; var c = L;
    while (a < c) {
      let mid = (a + c) >> 1u;
      if (T[o + mid] > x) { c = mid; } else { a = mid + 1u; }
    }
    atomicAdd(&COUNTS[b * dim + a], 1u);
  }
}
`;
