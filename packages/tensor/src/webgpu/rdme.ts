/// <reference types="@webgpu/types" />
/**
 * 'rdme-cle' on WebGPU: one thread per replica steps the chemical Langevin equation of the RDME
 * (the arithmetic of `CleReplicaJS`) in float32, many steps per dispatch. Replica r draws its
 * normals from stream.child(firstReplica + r) (Box–Muller, float32), only for the channels that
 * exist (the js reference fills 7 slots per voxel): the same law, other numbers.
 *
 * The step sequence is the js one, computed here in float64 (`cleSchedule`): steps of dt, the last
 * of each advance shortened to land on its target (burn-in end, each snapshot). The GPU keeps the
 * window sums of the counts shifted by c_i (the initial counts, rounded to float32), so float32
 * cancellation never meets n² ≫ Var n; each segment (≤ 256 steps) is summed in float32 and folded
 * into two-word (TwoSum) accumulators. Means and second moments are rebuilt in float64 on the CPU:
 * mean = c + S₁/T, mean square = c² + (2c·S₁ + S₂)/T.
 */
import { DivergenceError, ParameterError } from '@snrlab/core';
import { registerKernel, type Tolerance } from '../kernels.js';
import { checkRdmeCle, checkRdmeTauLeap, maxExitRate, type RdmeCleArgs, type RdmeCleResult, type RdmeGrid, type RdmeTauLeapArgs, type RdmeTauLeapResult } from '../rdme-kernels.js';
import { acquireWebGPU } from './device.js';
import { initialRows, initialShift, NOT_DIVERGED, packSegments, runReplicaShader, shiftedMoments, stateFits, windowLength } from './rdme-host.js';
import { replicaShader } from './rdme-wgsl.js';

/** Steps summed in float32 before they are folded into the two-word accumulators. */
export const CLE_SEGMENT_STEPS = 256;
const U = 2 ** -24;

/** A run of equal steps: `window` steps are integrated; `snapshot` records the total count after the last. */
export interface CleSegment {
  steps: number;
  dt: number;
  window: boolean;
  snapshot: boolean;
}

/**
 * The js kernel's step sequence (`CleReplicaJS.advance` to burnIn, then to t0 + s·interval), as
 * segments of ≤ `CLE_SEGMENT_STEPS` equal steps; `steps` is the total.
 */
export function cleSchedule(dt: number, burnIn: number, interval: number, snapshots: number): { segments: CleSegment[]; steps: number } {
  const segments: CleSegment[] = [];
  let time = 0;
  let steps = 0;
  const advance = (tEnd: number, window: boolean) => {
    const before = segments.length;
    while (time < tEnd) {
      const h = Math.min(dt, tEnd - time);
      const last = segments[segments.length - 1];
      if (last && segments.length > before && last.dt === h && last.steps < CLE_SEGMENT_STEPS) last.steps++;
      else segments.push({ steps: 1, dt: h, window, snapshot: false });
      time = tEnd - time <= h ? tEnd : time + h;
      steps++;
    }
    return segments.length > before;
  };
  advance(burnIn, false);
  const t0 = time;
  for (let s = 1; s <= snapshots; s++) {
    if (!advance(t0 + s * interval, true)) segments.push({ steps: 0, dt: 0, window: true, snapshot: true });
    segments[segments.length - 1].snapshot = true;
  }
  return { segments, steps };
}

/**
 * First-order bound on the relative bias float32 arithmetic gives the stationary moments of the
 * CLE at step dt: each step rounds count i with relative error ≤ (degree_i + 2)·2⁻²⁴ (degree_i + 1
 * sums into it; the flows, ≪ n, add one more), a drift perturbation of that size per dt; every
 * mode relaxes at rate ≥ k, so means move by ≤ (deg_max + 2)·2⁻²⁴/(k·dt) of the largest mean
 * (‖(−A)⁻¹‖ ≤ 1/k for the symmetric generator A).
 */
export function cleFloat32Bias(g: RdmeGrid, dt: number): number {
  let deg = 0;
  for (let i = 0; i < g.voxels; i++) deg = Math.max(deg, g.degree[i]);
  return ((deg + 2) * U) / (g.k * dt);
}

const CLE = replicaShader({
  bindings: ['var<storage, read> MODEL: array<f32>', 'var<storage, read> TOPO: array<u32>', 'var<storage, read> SEG: array<u32>', 'var<storage, read_write> ST: array<f32>'],
  layout: `// P[11] step0, P[12] k, P[13] d
// MODEL: b (V), outflow (V), shift c (V); TOPO: degree (V), neighbours (4V)
// ST per replica (W = 8V + 4): n, next, S1, S2 (segment), S1 hi/lo, S2 hi/lo, then total Σ(N − C) hi/lo, Σ(N − C)² hi/lo
// AUX counter: negative steps`,
  rng: 'Rng',
  refill: 'r.z = boxmuller(block(r.s, r.b - 1u));',
  counter: 'neg',
  body: /* wgsl */ `
  let k = fp(12u); let d = fp(13u);
  let nx = o + V; let s1 = o + 2u * V; let s2 = o + 3u * V; let h1 = o + 4u * V; let tot = o + 8u * V;
  var step = P[11];
  for (var g = P[2]; g < P[3]; g = g + 1u) {
    let m = SEG[4u * g];
    let dt = bitcast<f32>(SEG[4u * g + 1u]);
    let flags = SEG[4u * g + 2u];
    let win = (flags & 1u) != 0u;
    for (var j = 0u; j < m; j = j + 1u) {
      for (var i = 0u; i < V; i = i + 1u) {
        let v = ST[o + i];
        ST[nx + i] = v;
        if (win) {
          let y = v - MODEL[2u * V + i];
          ST[s1 + i] = ST[s1 + i] + y * dt;
          ST[s2 + i] = ST[s2 + i] + y * y * dt;
        }
      }
      for (var i = 0u; i < V; i = i + 1u) {
        let c = ST[o + i];
        let n = select(0.0, c, c > 0.0);
        let b = MODEL[i];
        var change = 0.0;
        if (b > 0.0) { let a = b * dt; change = change + a + sqrt(a) * normal(&r); }
        let dec = k * n * dt;
        change = change - (dec + sqrt(dec) * normal(&r));
        let ou = MODEL[V + i];
        if (ou > 0.0) { let a = ou * n * dt; change = change - (a + sqrt(a) * normal(&r)); }
        let jump = d * n * dt;
        let sj = sqrt(jump);
        let deg = TOPO[i];
        for (var s = 0u; s < deg; s = s + 1u) {
          let flow = jump + sj * normal(&r);
          change = change - flow;
          let t = nx + TOPO[V + 4u * i + s];
          ST[t] = ST[t] + flow;
        }
        ST[nx + i] = ST[nx + i] + change;
      }
      var negative = false;
      var bad = V;
      for (var i = 0u; i < V; i = i + 1u) {
        let v = ST[nx + i];
        if (nonfinite(v) && bad == V) { bad = i; }
        if (v < 0.0) { negative = true; }
        ST[o + i] = v;
      }
      if (negative) { neg = neg + 1u; }
      if (bad < V) {
        diverged(step, idx * V + bad);
        return;
      }
      step = step + 1u;
    }
    if (win) { fold_window(s1, h1, V); }
    if ((flags & 2u) != 0u) {
      var D = 0.0;
      for (var i = 0u; i < V; i = i + 1u) { D = D + (ST[o + i] - MODEL[2u * V + i]); }
      add_total(tot, D);
    }
  }`,
});

export async function rdmeCleWebGPU(a: RdmeCleArgs): Promise<RdmeCleResult> {
  const { V, R, dt, first, perReplica } = checkRdmeCle(a);
  const g = a.model;
  const { segments, steps } = cleSchedule(dt, a.burnIn, a.interval, a.snapshots);
  let normalsPerStep = 0;
  for (let i = 0; i < V; i++) normalsPerStep += (g.production[i] > 0 ? 1 : 0) + 1 + (g.outflow[i] > 0 ? 1 : 0) + g.degree[i];
  if (steps >= 0xffffffff || (steps * normalsPerStep) / 4 >= 0xffffffff) {
    throw new ParameterError('steps', steps, `fewer than 2³² steps and 2³⁴ normals per replica on webgpu (${normalsPerStep} normals per step)`);
  }
  const W = 8 * V + 4;
  const ctx = await acquireWebGPU();
  stateFits(ctx, R, W, V);
  // the shift: the replicas' mean initial count per voxel, rounded, as float32
  const shift = initialShift(a.initial, V, R, perReplica).map(Math.fround);
  const model = new Float32Array(3 * V);
  const topo = new Uint32Array(5 * V);
  for (let i = 0; i < V; i++) {
    model[i] = g.production[i];
    model[V + i] = g.outflow[i];
    model[2 * V + i] = shift[i];
    topo[i] = g.degree[i];
    for (let s = 0; s < g.degree[i]; s++) topo[V + 4 * i + s] = g.neighbours[4 * i + s];
  }
  const state = initialRows(new Float32Array(R * W), W, a.initial, V, R, perReplica);
  const out = await runReplicaShader(ctx, CLE, {
    V,
    R,
    W,
    first,
    stream: a.stream,
    segments,
    cost: (s) => s.steps,
    // binding 1 model, 2 topology, 3 segments, 4 state
    data: [model, topo, packSegments(segments, false), state],
    st: 4,
    header: (done) => ({ word11: done, floats: [g.k, g.jumpRate] }),
  });
  if (out.badEvent !== NOT_DIVERGED) {
    let t = 0;
    let left = out.badEvent;
    for (const s of segments) {
      const m = Math.min(left, s.steps);
      t += m * s.dt;
      left -= m;
      if (left === 0) break;
    }
    throw new DivergenceError(out.badEvent, t, first + Math.floor(out.badIndex / V), NaN, undefined, `CLE voxel ${out.badIndex % V} on webgpu`);
  }
  // the window length the GPU integrated: its float32 steps, summed in float64
  const moments = shiftedMoments(out.st, R, W, V, 4 * V, shift, windowLength(segments, false), a.snapshots);
  const negativeSteps = out.counter;
  return { ...moments, negativeSteps, steps, dt };
}

export const RDME_CLE_WEBGPU_TOLERANCE: Tolerance = {
  kind: 'law',
  se: 4,
  note:
    'float32 CLE with Box–Muller normals from per-replica child streams: the same law as js, other numbers; per-voxel stationary means and variances checked within 4 SE against the Euler chain\'s exact stationary law and against js. ' +
    'Float32 moves the law far less than that: each step rounds count i with relative error ≤ (degree_i + 2)·2⁻²⁴, a drift perturbation whose stationary effect on the moments is ≤ (deg_max + 2)·2⁻²⁴/(k·dt) relative (every mode relaxes at rate ≥ k; cleFloat32Bias: 5e-5 at k·dt = 0.005); ' +
    `the window sums run on counts shifted by the initial state, in float32 segments of ≤ ${CLE_SEGMENT_STEPS} steps folded into TwoSum accumulators (relative error ≤ ${CLE_SEGMENT_STEPS + 2}·2⁻²⁴ of Σ|n − c|·dt); ` +
    '24-bit uniforms truncate |ξ| at 5.77, a variance deficit of 3e-7',
};

/**
 * 'rdme-tau-leap' on WebGPU: one thread per replica takes binomial leaps (the arithmetic of
 * `TauLeapReplicaJS`) on integer counts, float32 where a probability or a log is needed. Replica r
 * draws 24-bit uniforms from the Philox words of stream.child(firstReplica + r), one word each.
 *
 * The draws are exact in law up to float32 rounding, never Gaussian: Poisson(λ) by sequential
 * inversion for λ < 10 and PTRS (Hörmann 1993) above; Binomial(n, p) (p ≤ ½ by symmetry) by
 * inversion for n·p < 10 and BTRS (Hörmann 1993) above — the samplers of core's `poisson` and
 * `binomial`. The rejection steps compare with log-pmfs in Loader's saddle-point form
 * (stirlerr, bd0), whose terms stay O(1) near the mode, so float32 does not cancel them; log,
 * log1p, exp and expm1 are series of our own, accurate to a few ulps whatever WGSL guarantees.
 *
 * Leaps: with a fixed τ the step sequence is the js one (`cleSchedule` in float64: leaps of τ, the
 * last of each advance shortened to land on its target). With the ε rule each thread picks its
 * leaps from its state by the same rule (in float32) and lands on each target: the time left is a
 * two-word float. Window sums: shifted by the initial counts, float32 segments of ≤ 256 leaps
 * folded into TwoSum accumulators, as for 'rdme-cle'.
 */

/** Leaps summed in float32 before they are folded into the two-word accumulators. */
export const TAU_LEAP_SEGMENT_LEAPS = CLE_SEGMENT_STEPS;

/** stirlerr(n) = ln n! − ((n + ½)·ln n − n + ½·ln 2π) for n = 0…15 (float64, from Σ ln j). */
function stirlerrTable(): number[] {
  const out = [0];
  let lf = 0;
  for (let n = 1; n <= 15; n++) {
    lf += Math.log(n);
    out.push(lf - ((n + 0.5) * Math.log(n) - n + 0.5 * Math.log(2 * Math.PI)));
  }
  return out;
}

const f32lit = (x: number) => {
  const t = Math.fround(x).toPrecision(9);
  return t.includes('.') || t.includes('e') ? t : `${t}.0`;
};

/** Float32 samplers (WGSL): uniforms, log, log1p, expm1, Poisson and Binomial. */
export const WGSL_SAMPLERS = /* wgsl */ `
struct URng { s: vec4<u32>, b: u32, lane: u32, w: vec4<u32> }
// a uniform on {0, 2⁻²⁴, …, 1 − 2⁻²⁴}: the top 24 bits of the next Philox word
fn unif(r: ptr<function, URng>) -> f32 {
  if ((*r).lane >= 4u) {
    (*r).w = block((*r).s, (*r).b);
    (*r).b = (*r).b + 1u;
    (*r).lane = 0u;
  }
  let w = (*r).w[(*r).lane];
  (*r).lane = (*r).lane + 1u;
  return f32(w >> 8u) * 5.9604644775390625e-8;
}
// ln(1 + t) for |t| ≤ 0.42: 2·atanh(s), s = t/(2 + t), |s| ≤ 0.27
fn log1p_small(t: f32) -> f32 {
  let s = t / (2.0 + t);
  let z = s * s;
  return 2.0 * s * (1.0 + z * (0.33333333 + z * (0.2 + z * (0.14285714 + z * (0.11111111 + z * (0.09090909 + z * (0.07692308 + z * 0.06666667)))))));
}
// ln x for finite x > 0: x = f·2^e with f in [√½, √2)
fn lnf(x: f32) -> f32 {
  let fe = frexp(x);
  var f = fe.fract;
  var e = f32(fe.exp);
  if (f < 0.70710678) { f = 2.0 * f; e = e - 1.0; }
  return e * 0.693145751953125 + (log1p_small(f - 1.0) + e * 1.4286068e-6);
}
fn log1pf(t: f32) -> f32 {
  if (abs(t) <= 0.41) { return log1p_small(t); }
  return lnf(1.0 + t);
}
// e^x for x ≥ −87: x = n·ln 2 + r, |r| ≤ ½ln 2, e^r by Taylor to r⁹
fn expf(x: f32) -> f32 {
  let n = round(x * 1.44269504);
  let r = (x - n * 0.693145751953125) - n * 1.4286068e-6;
  let er = 1.0 + r * (1.0 + r / 2.0 * (1.0 + r / 3.0 * (1.0 + r / 4.0 * (1.0 + r / 5.0 * (1.0 + r / 6.0 * (1.0 + r / 7.0 * (1.0 + r / 8.0 * (1.0 + r / 9.0))))))));
  return ldexp(er, i32(n));
}
// e^x − 1: Taylor to x¹⁰ for |x| < ½
fn expm1f(x: f32) -> f32 {
  if (abs(x) < 0.5) {
    return x * (1.0 + x / 2.0 * (1.0 + x / 3.0 * (1.0 + x / 4.0 * (1.0 + x / 5.0 * (1.0 + x / 6.0 * (1.0 + x / 7.0 * (1.0 + x / 8.0 * (1.0 + x / 9.0 * (1.0 + x / 10.0)))))))));
  }
  return expf(x) - 1.0;
}
var<private> SFERR: array<f32, 16> = array<f32, 16>(${stirlerrTable().map(f32lit).join(', ')});
// Loader's stirlerr(n), n a non-negative integer
fn stirlerr(n: f32) -> f32 {
  if (n <= 15.0) { return SFERR[u32(n)]; }
  let nn = n * n;
  if (n > 500.0) { return (0.083333333 - 0.0027777778 / nn) / n; }
  if (n > 80.0) { return (0.083333333 - (0.0027777778 - 0.00079365079 / nn) / nn) / n; }
  if (n > 35.0) { return (0.083333333 - (0.0027777778 - (0.00079365079 - 0.00059523810 / nn) / nn) / nn) / n; }
  return (0.083333333 - (0.0027777778 - (0.00079365079 - (0.00059523810 - 0.00084175084 / nn) / nn) / nn) / nn) / n;
}
// Loader's deviance term x·ln(x/m) + m − x, by its series near x = m
fn bd0(x: f32, m: f32) -> f32 {
  if (x == 0.0) { return m; }
  let dd = x - m;
  if (abs(dd) < 0.1 * (x + m)) {
    var v = dd / (x + m);
    var s = dd * v;
    var ej = 2.0 * x * v;
    let v2 = v * v;
    for (var j = 1u; j < 40u; j = j + 1u) {
      ej = ej * v2;
      let s1 = s + ej / f32(2u * j + 1u);
      if (s1 == s) { return s1; }
      s = s1;
    }
    return s;
  }
  return x * lnf(x / m) - dd;
}
const LN_2PI: f32 = 1.8378770664;
// ln P(K = k) for K ~ Poisson(lam)
fn lpois(k: f32, lam: f32) -> f32 {
  if (k == 0.0) { return -lam; }
  return -stirlerr(k) - bd0(k, lam) - 0.5 * (LN_2PI + lnf(k));
}
// ln P(K = k) for K ~ Binomial(n, p), q = 1 − p
fn lbinom(k: f32, n: f32, p: f32, q: f32) -> f32 {
  if (k == 0.0) { return n * log1pf(-p); }
  if (k == n) { return n * lnf(p); }
  return stirlerr(n) - stirlerr(k) - stirlerr(n - k) - bd0(k, n * p) - bd0(n - k, n * q) - 0.5 * (LN_2PI + lnf(k) + lnf((n - k) / n));
}
fn poisson(r: ptr<function, URng>, lam: f32) -> u32 {
  if (!(lam > 0.0)) { return 0u; }
  if (lam < 10.0) {
    // sequential inversion; stops where float32 can add no more mass (the tail past 2⁻²⁴)
    let u = unif(r);
    var p = expf(-lam);
    var f = p;
    var k = 0u;
    loop {
      if (!(u > f) || k >= 1000u) { break; }
      k = k + 1u;
      p = p * lam / f32(k);
      if (f + p == f && f32(k) > lam) { break; }
      f = f + p;
    }
    return k;
  }
  // PTRS (Hörmann 1993), as core's poisson
  let slam = sqrt(lam);
  let b = 0.931 + 2.53 * slam;
  let a = -0.059 + 0.02483 * b;
  let linvalpha = lnf(1.1239 + 1.1328 / (b - 3.4));
  let vr = 0.9277 - 3.6224 / (b - 2.0);
  for (var t = 0u; t < 10000u; t = t + 1u) {
    let U = unif(r) - 0.5;
    let V = unif(r);
    let us = 0.5 - abs(U);
    if (us == 0.0) { continue; }
    let k = floor((2.0 * a / us + b) * U + lam + 0.43);
    if (us >= 0.07 && V <= vr) { return u32(max(k, 0.0)); }
    if (k < 0.0 || (us < 0.013 && V > us)) { continue; }
    if (V == 0.0) { return u32(k); }
    if (lnf(V) + linvalpha - lnf(a / (us * us) + b) <= lpois(k, lam)) { return u32(k); }
  }
  return u32(floor(lam));
}
fn binom_small(r: ptr<function, URng>, n: u32, p: f32) -> u32 {
  // inversion (core's binomialInversion); a float32 shortfall at the far tail retries
  let nf = f32(n);
  let q = 1.0 - p;
  let r0 = expf(nf * log1pf(-p));
  let ratio = p / q;
  let a = (nf + 1.0) * ratio;
  for (var t = 0u; t < 1000u; t = t + 1u) {
    var u = unif(r);
    var rr = r0;
    var x = 0u;
    var ok = true;
    loop {
      if (!(u > rr)) { break; }
      u = u - rr;
      x = x + 1u;
      if (x > n) { ok = false; break; }
      rr = rr * (a / f32(x) - ratio);
      if (!(rr > 0.0)) { ok = false; break; }
    }
    if (ok) { return x; }
  }
  return u32(floor(nf * p));
}
fn btrs(r: ptr<function, URng>, n: u32, p: f32) -> u32 {
  // BTRS (Hörmann 1993), as core's binomialBTRS; the bound is ln f(k) − ln f(m) in Loader's form
  let nf = f32(n);
  let q = 1.0 - p;
  let spq = sqrt(nf * p * q);
  let b = 1.15 + 2.53 * spq;
  let a = -0.0873 + 0.0248 * b + 0.01 * p;
  let c = nf * p + 0.5;
  let vr = 0.92 - 4.2 / b;
  let alpha = (2.83 + 5.1 / b) * spq;
  let m = floor((nf + 1.0) * p);
  let lm = lbinom(m, nf, p, q);
  for (var t = 0u; t < 10000u; t = t + 1u) {
    let u = unif(r) - 0.5;
    let v = unif(r);
    let us = 0.5 - abs(u);
    if (us == 0.0) { continue; }
    let k = floor((2.0 * a / us + b) * u + c);
    if (k < 0.0 || k > nf) { continue; }
    if (us >= 0.07 && v <= vr) { return u32(k); }
    if (v == 0.0) { return u32(k); }
    if (lnf(v * alpha / (a / (us * us) + b)) <= lbinom(k, nf, p, q) - lm) { return u32(k); }
  }
  return u32(m);
}
fn binom(r: ptr<function, URng>, n: u32, pp: f32) -> u32 {
  if (n == 0u || !(pp > 0.0)) { return 0u; }
  if (pp >= 1.0) { return n; }
  let flip = pp > 0.5;
  let p = select(pp, 1.0 - pp, flip);
  var x: u32;
  if (f32(n) * p < 10.0) { x = binom_small(r, n, p); } else { x = btrs(r, n, p); }
  return select(x, n - x, flip);
}
`;

const TAU = replicaShader({
  bindings: ['var<storage, read> MODEL: array<u32>', 'var<storage, read> SEG: array<u32>', 'var<storage, read_write> ST: array<f32>', 'var<storage, read_write> CNT: array<i32>'],
  lib: `${WGSL_SAMPLERS}
fn mf(i: u32) -> f32 { return bitcast<f32>(MODEL[i]); }`,
  layout: `// P[11] fixed leap (1) or ε rule (0), P[12] k, P[13] d, P[14] ε, P[15] the ε rule's cap min_i ε/e_i
// MODEL: b, outflow, exit rate e (f32, V each), shift c (i32, V), degree (V), neighbours (4V)
// SEG (4 per segment): leaps (fixed), leap or length hi (f32), flags (1 window, 2 snapshot), length lo (f32)
// ST per replica (W = 6V + 4): S1, S2 (segment), S1 hi/lo, S2 hi/lo, then Σ(N − C) hi/lo, Σ(N − C)² hi/lo
// CNT per replica: counts (V), changes (V); AUX counter: leaps`,
  rng: 'URng',
  refill: 'r.w = block(r.s, r.b - 1u);',
  counter: 'leaps',
  body: /* wgsl */ `
  let no = idx * 2u * V;
  let dl = no + V;
  let k = fp(12u); let d = fp(13u); let eps = fp(14u); let cap = fp(15u);
  let fixed = P[11] == 1u;
  let s2 = o + V; let h1 = o + 2u * V; let tot = o + 6u * V;
  for (var g = P[2]; g < P[3]; g = g + 1u) {
    let flags = SEG[4u * g + 2u];
    let win = (flags & 1u) != 0u;
    var rh = bitcast<f32>(SEG[4u * g + 1u]);
    var rl = bitcast<f32>(SEG[4u * g + 3u]);
    var left = SEG[4u * g];
    var run = 0u;
    loop {
      var h: f32;
      if (fixed) {
        if (left == 0u) { break; }
        left = left - 1u;
        h = rh;
      } else {
        if (!(rh + rl > 0.0)) { break; }
        // the ε rule of TauLeapReplicaJS.leapSize, in float32
        var tau = cap;
        for (var i = 0u; i < V; i = i + 1u) {
          var inflow = 0.0;
          let deg = MODEL[4u * V + i];
          for (var s = 0u; s < deg; s = s + 1u) { inflow = inflow + d * f32(CNT[no + MODEL[5u * V + 4u * i + s]]); }
          let e = mf(2u * V + i);
          let n = f32(CNT[no + i]);
          let bi = mf(i);
          let drift = bi + inflow - e * n;
          let variance = bi + inflow + e * n;
          let bound = max(eps * n, 1.0);
          if (drift != 0.0) { tau = min(tau, bound / abs(drift)); }
          if (variance > 0.0) { tau = min(tau, bound * bound / variance); }
        }
        let rem = rh + rl;
        if (tau >= rem) {
          h = rem;
          rh = 0.0;
          rl = 0.0;
        } else {
          h = tau;
          // (rh, rl) −= h, two-word
          let sum = rh - h;
          let bb = sum - rh;
          let err = (rh - (sum - bb)) + (-h - bb);
          let t2 = rl + err;
          rh = sum + t2;
          rl = t2 - (rh - sum);
        }
      }
      if (win) {
        for (var i = 0u; i < V; i = i + 1u) {
          let y = f32(CNT[no + i] - bitcast<i32>(MODEL[3u * V + i]));
          ST[o + i] = ST[o + i] + y * h;
          ST[s2 + i] = ST[s2 + i] + y * y * h;
        }
      }
      // one leap (TauLeapReplicaJS.leap)
      for (var i = 0u; i < V; i = i + 1u) { CNT[dl + i] = 0; }
      for (var i = 0u; i < V; i = i + 1u) {
        let e = mf(2u * V + i);
        let q = -expm1f(-e * h);
        let bi = mf(i);
        if (bi > 0.0) { CNT[dl + i] = CNT[dl + i] + i32(poisson(&r, bi * q / e)); }
        let n = CNT[no + i];
        if (n == 0) { continue; }
        var leaving = binom(&r, u32(n), q);
        if (leaving == 0u) { continue; }
        CNT[dl + i] = CNT[dl + i] - i32(leaving);
        leaving = leaving - binom(&r, leaving, k / e);
        let deg = MODEL[4u * V + i];
        let ou = mf(V + i);
        for (var s = 0u; s < deg; s = s + 1u) {
          if (leaving == 0u) { break; }
          // the rate still to split: the remaining jumps and the outflow
          var moved = leaving;
          if (!(ou == 0.0 && s + 1u == deg)) { moved = binom(&r, leaving, min(1.0, d / (f32(deg - s) * d + ou))); }
          let t = dl + MODEL[5u * V + 4u * i + s];
          CNT[t] = CNT[t] + i32(moved);
          leaving = leaving - moved;
        }
      }
      var bad = V;
      for (var i = 0u; i < V; i = i + 1u) {
        let v = CNT[no + i] + CNT[dl + i];
        if (v > 16777216 && bad == V) { bad = i; }
        CNT[no + i] = v;
      }
      leaps = leaps + 1u;
      if (bad < V) {
        diverged(leaps, idx * V + bad);
        return;
      }
      run = run + 1u;
      if (win && run == ${TAU_LEAP_SEGMENT_LEAPS}u) {
        fold_window(o, h1, V);
        run = 0u;
      }
    }
    if (win) { fold_window(o, h1, V); }
    if ((flags & 2u) != 0u) {
      var D = 0;
      for (var i = 0u; i < V; i = i + 1u) { D = D + (CNT[no + i] - bitcast<i32>(MODEL[3u * V + i])); }
      add_total(tot, f32(D));
    }
  }`,
});

/** The ε rule's stretches (steps 0, dt the stretch's length): to burnIn, then to t0 + s·interval, as `TauLeapReplicaJS.advance` is called. */
function epsilonSchedule(burnIn: number, interval: number, snapshots: number): CleSegment[] {
  const out: CleSegment[] = [];
  if (burnIn > 0) out.push({ steps: 0, dt: burnIn, window: false, snapshot: false });
  for (let s = 1; s <= snapshots; s++) out.push({ steps: 0, dt: burnIn + s * interval - (burnIn + (s - 1) * interval), window: true, snapshot: true });
  return out;
}

/** Counts above 2²⁴ are not exact in float32: the kernel stops there. */
export const TAU_LEAP_MAX_COUNT = 2 ** 24;

export async function rdmeTauLeapWebGPU(a: RdmeTauLeapArgs): Promise<RdmeTauLeapResult> {
  const { V, R, tau, epsilon, first, perReplica } = checkRdmeTauLeap(a);
  const g = a.model;
  for (let i = 0; i < a.initial.length; i++) {
    if (a.initial[i] > TAU_LEAP_MAX_COUNT) throw new ParameterError(`initial[${i}]`, a.initial[i], `a count ≤ 2²⁴ on webgpu (exact in float32)`);
  }
  const fixed = tau !== undefined;
  // a fixed leap: the segments of fixed leaps; the ε rule: stretches of time to cover
  const segments = fixed ? cleSchedule(tau, a.burnIn, a.interval, a.snapshots).segments : epsilonSchedule(a.burnIn, a.interval, a.snapshots);
  const eMax = maxExitRate(g);
  // leaps a segment takes: exact for a fixed leap, at least length·e_max/ε under the ε rule
  const estimate = (s: CleSegment) => (fixed ? s.steps : Math.ceil((s.dt * eMax) / epsilon));
  const totalLeaps = segments.reduce((n, s) => n + estimate(s), 0);
  if (totalLeaps >= 2 ** 31 || (totalLeaps * V * 24) / 4 >= 0xffffffff) {
    throw new ParameterError('leaps', totalLeaps, `fewer than 2³¹ leaps and 2³⁴ uniforms per replica on webgpu (about ${24 * V} uniforms per leap)`);
  }
  const W = 6 * V + 4;
  const ctx = await acquireWebGPU();
  stateFits(ctx, R, W, V);
  // the shift: the replicas' mean initial count per voxel, rounded
  const shift = initialShift(a.initial, V, R, perReplica);
  const model = new Uint32Array(9 * V);
  const mf = new Float32Array(model.buffer);
  const mi = new Int32Array(model.buffer);
  for (let i = 0; i < V; i++) {
    mf[i] = g.production[i];
    mf[V + i] = g.outflow[i];
    mf[2 * V + i] = g.k + g.jumpRate * g.degree[i] + g.outflow[i];
    mi[3 * V + i] = shift[i];
    model[4 * V + i] = g.degree[i];
    for (let s = 0; s < g.degree[i]; s++) model[5 * V + 4 * i + s] = g.neighbours[4 * i + s];
  }
  const counts = initialRows(new Int32Array(2 * R * V), 2 * V, a.initial, V, R, perReplica);
  let cap = Infinity;
  for (let i = 0; i < V; i++) cap = Math.min(cap, epsilon / (g.k + g.jumpRate * g.degree[i] + g.outflow[i]));
  const out = await runReplicaShader(ctx, TAU, {
    V,
    R,
    W,
    first,
    stream: a.stream,
    segments,
    cost: estimate,
    // binding 1 model, 2 segments (a two-word length under the ε rule), 3 window sums, 4 counts
    data: [model, packSegments(segments, !fixed), new Float32Array(R * W), counts],
    st: 3,
    header: () => ({ word11: fixed ? 1 : 0, floats: [g.k, g.jumpRate, epsilon, cap] }),
  });
  if (out.badEvent !== NOT_DIVERGED) {
    throw new DivergenceError(out.badEvent, NaN, first + Math.floor(out.badIndex / V), NaN, undefined, `tau-leap voxel ${out.badIndex % V} on webgpu: a count above 2²⁴, beyond float32's exact integers`);
  }
  // the window length the GPU integrated: its float32 leaps (fixed), or the stretches' two-word lengths
  const moments = shiftedMoments(out.st, R, W, V, 2 * V, shift, windowLength(segments, !fixed), a.snapshots);
  const leaps = out.counter;
  return { ...moments, leaps, ...(fixed ? { tau } : {}), epsilon };
}

/**
 * How far float32 can move the mean of one draw of mean m (see `tauLeapFloat32Bias`): 16 ulps of
 * its parameter, plus, for inversion (m < 10, stopping within K = m + 6√m + 10 support points),
 * K·2⁻²⁴ (uniform grid) + K²/4·2⁻²⁴ (CDF sums) + 4K ulps (e^{−m}) + 3K·m ulps (the p_k recurrence),
 * or, for PTRS/BTRS, (20σ + 40)·2⁻²⁴ for each of the two uniform grids and 64σ ulps of log-acceptance.
 */
export function tauLeapDrawBias(m: number): number {
  if (m < 10) {
    const K = m + 6 * Math.sqrt(m) + 10;
    return U * (16 * m + (K * K) / 4 + 5 * K + 3 * K * m);
  }
  return U * (16 * m + 104 * Math.sqrt(m) + 80);
}

/**
 * First-order per-voxel bound on how far float32 moves the tau-leap kernel's stationary means
 * (molecules), at stationary means `mu` and `leapRate` leaps per unit time (τ = 1/leapRate).
 * A leap at voxel i draws births (mean b_i·q_i/e_i), leavers (μ_i·q_i), decays (μ_i·q_i·k/e_i) and
 * one split per neighbour (μ_i·q_i·d/e_i), each off in its mean by ≤ `tauLeapDrawBias`; its counts
 * drift by E_i ≤ rate·Σ bounds per unit time; each draw lands in voxel i or a neighbour, so voxel j
 * drifts by ν_j ≤ E_j + Σ_{i~j} E_i, and the stationary means move by ≤ (−A)⁻¹·ν (A the mean
 * equations' generator; (−A)⁻¹ ≥ 0 elementwise, solved here by Jacobi iteration).
 */
export function tauLeapFloat32Bias(g: RdmeGrid, mu: ArrayLike<number>, leapRate: number): Float64Array {
  const V = g.voxels;
  const tau = 1 / leapRate;
  const exit = (i: number) => g.k + g.jumpRate * g.degree[i] + g.outflow[i];
  const E = Float64Array.from({ length: V }, (_, i) => {
    const e = exit(i);
    const q = -Math.expm1(-e * tau);
    const L = Math.max(mu[i], 0) * q;
    const b = g.production[i] > 0 ? tauLeapDrawBias((g.production[i] * q) / e) : 0;
    return leapRate * (b + tauLeapDrawBias(L) + tauLeapDrawBias((L * g.k) / e) + g.degree[i] * tauLeapDrawBias((L * g.jumpRate) / e));
  });
  const nu = Float64Array.from(E);
  for (let i = 0; i < V; i++) for (let s = 0; s < g.degree[i]; s++) nu[g.neighbours[4 * i + s]] += E[i];
  // (−A)x = ν: e_j·x_j − d·Σ_{i~j} x_i = ν_j; Jacobi contracts by ≤ 1 − k/e_max per sweep
  let x = new Float64Array(V);
  let y = new Float64Array(V);
  for (let it = 0; it < 100_000; it++) {
    let change = 0;
    let size = 0;
    for (let j = 0; j < V; j++) {
      let s = nu[j];
      for (let t = 0; t < g.degree[j]; t++) s += g.jumpRate * x[g.neighbours[4 * j + t]];
      y[j] = s / exit(j);
      change = Math.max(change, Math.abs(y[j] - x[j]));
      size = Math.max(size, y[j]);
    }
    [x, y] = [y, x];
    if (change <= 1e-12 * size) break;
  }
  return x;
}

export const RDME_TAU_LEAP_WEBGPU_TOLERANCE: Tolerance = {
  kind: 'law',
  se: 4,
  note:
    'binomial tau-leaping on integer counts with exact-in-law Poisson (inversion below 10, PTRS) and Binomial (inversion below n·p = 10, BTRS) draws from 24-bit uniforms of per-replica child streams: the same law as js, other numbers; per-voxel stationary means and variances checked within 4 SE against the leap chain\'s exact stationary law (product Poisson at the leap map\'s fixed point) and against js. ' +
    'Float32 moves the law less than that: a draw of mean m moves its mean by ≤ 16 ulps of m (its parameters) plus, for inversion, ≤ (K²/4 + 5K + 3K·m)·2⁻²⁴ (uniform grid, CDF sums, e^{−m}, the p_k recurrence over K = m + 6√m + 10 points), for PTRS/BTRS ≤ (104σ + 80)·2⁻²⁴ (the uniform grids and log-pmfs in Loader\'s form) (tauLeapDrawBias); 3 + degree_i draws per voxel and leap, each landing in the voxel or a neighbour: a drift ν whose stationary effect on the means is ≤ (−A)⁻¹·ν (tauLeapFloat32Bias, per voxel; variances by twice the relative bound); ' +
    `the window sums run on counts shifted by the initial state, in float32 segments of ≤ ${TAU_LEAP_SEGMENT_LEAPS} leaps folded into TwoSum accumulators (relative error ≤ ${TAU_LEAP_SEGMENT_LEAPS + 2}·2⁻²⁴ of Σ|n − c|·τ); counts stay below 2²⁴`,
};

/** Register the webgpu RDME kernels (the device is acquired only when one runs). */
export function registerRdmeKernelsWebGPU(): void {
  registerKernel({ kernel: 'rdme-cle', backend: 'webgpu', precision: 'float32', run: rdmeCleWebGPU, tolerance: RDME_CLE_WEBGPU_TOLERANCE, description: "replicas of the RDME's chemical Langevin equation, one thread per replica, float32 with shifted two-word window sums" });
  registerKernel({ kernel: 'rdme-tau-leap', backend: 'webgpu', precision: 'float32', run: rdmeTauLeapWebGPU, tolerance: RDME_TAU_LEAP_WEBGPU_TOLERANCE, description: 'replicas of binomial tau-leaping of the RDME, one thread per replica: integer counts, exact-in-law float32 Poisson/Binomial draws (inversion, PTRS, BTRS), shifted two-word window sums' });
}
