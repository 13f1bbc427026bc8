// Generates two WebAssembly modules from the templates below, so that Philox and the ziggurat
// exist once, in this file:
//  - core's random-number module, packages/core/src/random/philox.wat (readable) and philox-wasm.ts
//    (the binary, base64): random numbers only;
//  - tensor's fused Euler–Maruyama module, packages/tensor/src/fused-em.wat and fused-em-wasm.ts: the
//    same generator and ziggurat with a drift update applied to each normal as it is made (the
//    physics is tensor's; a drift arrives as data: a mode and its parameters, or polynomial
//    coefficients).
// The binaries are committed, so installing snrlab never needs a WebAssembly toolchain; run
// `node tools/wasm/build-philox.mjs` after editing this file.
//
// Exports of core's module:
//  fill(out, nBlocks, c0, c1, c2, c3, k0, k1)
//    Philox4x32-10 blocks for counters (c0,c1,c2,c3) upward; (c0,c1) is a 64-bit block counter
//    that wraps without touching (c2,c3). Eight blocks per iteration: two independent groups of
//    four, one block per 32-bit SIMD lane ("structure of arrays"), so the CPU overlaps the two
//    dependency chains. i64x2.extmul_{low,high}_i32x4_u gives the full 32x32->64 products; two
//    shuffles gather their low and high words; a 4x4 transpose writes one block per store.
//  normals(n, c0, c1, c2, c3, k0, k1, skip, cont, mean, sd) -> words consumed
//    n values mean + sd·z into NORMALS, z the normals of the stream whose next word is word `skip`
//    of block (c0,c1), or, with cont = 1, from where the previous call stopped (its word buffer is
//    kept). The 256-layer ziggurat is the same algorithm, in the same order of draws and the same
//    floating-point operations, as Stream.normal() in stream.ts, so both give identical values;
//    exp and log are imported from JS Math for the same reason. Two candidates are tried at once
//    in SIMD lanes.
//  uniforms(n, c0, c1, c2, c3, k0, k1, skip, cont, lo, w) -> words consumed
//    n values lo + w·u into NORMALS, u the 53-bit uniform of Stream.uniform(), same stream rules.
//
// Exports of tensor's module:
//  em(n, c0, c1, c2, c3, k0, k1, skip, cont, mode, p1, p2, s, m) -> words consumed
//    one Euler–Maruyama step of the n values in NORMALS, each with the next normal z of the stream
//    (the stream rules and the normals of core's normals()): x ← x + drift(x) + s·z, the drift
//    by `mode` (see EMIT1 below; mode 3 reads m Horner coefficients at COEF).
//  finite() -> 1 when every value the last em() call wrote is finite
import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import wabtInit from 'wabt';

export const LAYOUT = {
  words: 0, // fill() output for JS (up to 4096 blocks = 64 KiB)
  // 512 pairs (K[l], ±W[l]) indexed by the low 9 bits of a draw, (sign << 8) | layer: one load
  // gives both, and the sign comes with W (rabs·(−W) is exactly −(rabs·W))
  tableKW: 65536,
  tableF: 73728,
  refill: 75776, // normals()' own word buffer, kept between calls so that a call can continue
  refillBlocks: 512,
  normals: 83968, // 16384 f64: normals out, or the values a fused Euler step updates
  maxNormals: 16384,
  pages: 4,
};

/** Tensor's module: the same layout, plus the Horner coefficients of a polynomial drift. */
export const EM_LAYOUT = { ...LAYOUT, coef: 215040, maxCoef: 256 };

const G = 2;
const shufLo = '0 1 2 3 8 9 10 11 16 17 18 19 24 25 26 27';
const shufHi = '4 5 6 7 12 13 14 15 20 21 22 23 28 29 30 31';

function round(g) {
  return `
          (local.set $P01${g} (i64x2.extmul_low_i32x4_u (local.get $X0${g}) (global.get $M0)))
          (local.set $P23${g} (i64x2.extmul_high_i32x4_u (local.get $X0${g}) (global.get $M0)))
          (local.set $L0${g} (i8x16.shuffle ${shufLo} (local.get $P01${g}) (local.get $P23${g})))
          (local.set $H0${g} (i8x16.shuffle ${shufHi} (local.get $P01${g}) (local.get $P23${g})))
          (local.set $P01${g} (i64x2.extmul_low_i32x4_u (local.get $X2${g}) (global.get $M1)))
          (local.set $P23${g} (i64x2.extmul_high_i32x4_u (local.get $X2${g}) (global.get $M1)))
          (local.set $X2${g} (v128.xor (v128.xor (local.get $H0${g}) (local.get $X3${g})) (local.get $K1)))
          (local.set $X3${g} (local.get $L0${g}))
          (local.set $X0${g} (v128.xor (v128.xor (i8x16.shuffle ${shufHi} (local.get $P01${g}) (local.get $P23${g})) (local.get $X1${g})) (local.get $K0)))
          (local.set $X1${g} (i8x16.shuffle ${shufLo} (local.get $P01${g}) (local.get $P23${g})))`;
}

function init(g) {
  const o = 4 * g;
  return `
        (local.set $X0${g} (i32x4.add (i32x4.splat (local.get $c0)) (v128.const i32x4 ${o} ${o + 1} ${o + 2} ${o + 3})))
        ;; lane j carries into the high counter word iff c0 + j wrapped
        (local.set $X1${g} (i32x4.sub (i32x4.splat (local.get $c1)) (i32x4.lt_u (local.get $X0${g}) (i32x4.splat (local.get $c0)))))
        (local.set $X2${g} (i32x4.splat (local.get $c2)))
        (local.set $X3${g} (i32x4.splat (local.get $c3)))`;
}

function store(g) {
  const off = 64 * g;
  return `
        (local.set $T0 (i8x16.shuffle 0 1 2 3 16 17 18 19 4 5 6 7 20 21 22 23 (local.get $X0${g}) (local.get $X1${g})))
        (local.set $T1 (i8x16.shuffle 0 1 2 3 16 17 18 19 4 5 6 7 20 21 22 23 (local.get $X2${g}) (local.get $X3${g})))
        (local.set $T2 (i8x16.shuffle 8 9 10 11 24 25 26 27 12 13 14 15 28 29 30 31 (local.get $X0${g}) (local.get $X1${g})))
        (local.set $T3 (i8x16.shuffle 8 9 10 11 24 25 26 27 12 13 14 15 28 29 30 31 (local.get $X2${g}) (local.get $X3${g})))
        (v128.store offset=${off} (local.get $out) (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 (local.get $T0) (local.get $T1)))
        (v128.store offset=${off + 16} (local.get $out) (i8x16.shuffle 8 9 10 11 12 13 14 15 24 25 26 27 28 29 30 31 (local.get $T0) (local.get $T1)))
        (v128.store offset=${off + 32} (local.get $out) (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 (local.get $T2) (local.get $T3)))
        (v128.store offset=${off + 48} (local.get $out) (i8x16.shuffle 8 9 10 11 12 13 14 15 24 25 26 27 28 29 30 31 (local.get $T2) (local.get $T3)))`;
}

const groupLocals = Array.from({ length: G }, (_, g) =>
  ['X0', 'X1', 'X2', 'X3', 'P01', 'P23', 'L0', 'H0'].map((n) => `(local $${n}${g} v128)`).join(' '),
).join('\n    ');

// Read the next stream word into $dst, refilling the word buffer when it runs out.
const READ = (dst) => `
          (if (i32.ge_u (local.get $p) (local.get $end)) (then (call $refill)))
          (local.set ${dst} (i32.load (local.get $p)))
          (local.set $p (i32.add (local.get $p) (i32.const 4)))`;

// uniform() = ((a >>> 5) * 2^26 + (b >>> 6)) * 2^-53, exactly as in stream.ts
const UNIFORM = (dst) => `${READ('$a')}${READ('$b')}
          (local.set ${dst} (f64.mul
            (f64.add (f64.mul (f64.convert_i32_u (i32.shr_u (local.get $a) (i32.const 5))) (f64.const 67108864))
                     (f64.convert_i32_u (i32.shr_u (local.get $b) (i32.const 6))))
            (f64.const 0x1p-53)))`;

// What a normals loop does with each normal x (slot $j = 8·i of the NORMALS buffer), by mode.
// The operations, and their order, are those of Stream.fillNormal (mode 0, core's module) and of
// tensor's fused Euler–Maruyama step and its JS fallback (fused-em.ts; modes 1–3, tensor's
// module), so every path gives the same bytes:
//  0: NORMALS[i] = p1 + p2·x                                   (mean, sd)
//  1: u = NORMALS[i]; NORMALS[i] = u − p1·(u − p2) + p3·z         (a = rate·dt, centre, s)
//  2: u = NORMALS[i]; NORMALS[i] = u + (u − u·u·u + p2)·p1 + p3·z (dt, tilt, s)
//  3: u = NORMALS[i]; NORMALS[i] = u − h·p1 + p3·z                (dt, –, s; h = U′(u) by Horner
//     on the m coefficients at COEF, highest power first: h = c₀, h = h·u + c_k)
// with z = 0 + x = 0 + 1·x, the value fillNormal would have stored (x is never NaN, so 1·x = x).
const N = `offset=${LAYOUT.normals}`;
const COEF = `offset=${EM_LAYOUT.coef}`;

const HORNER1 = `
                (local.set $h (f64.load ${COEF} (i32.const 0)))
                (local.set $q (i32.const 8))
                (block $hdone1
                  (loop $hnext1
                    (br_if $hdone1 (i32.ge_u (local.get $q) (local.get $mb)))
                    (local.set $h (f64.add (f64.mul (local.get $h) (local.get $u)) (f64.load ${COEF} (local.get $q))))
                    (local.set $q (i32.add (local.get $q) (i32.const 8)))
                    (br $hnext1)))`;
const HORNER2 = `
                (local.set $H (v128.load64_splat ${COEF} (i32.const 0)))
                (local.set $q (i32.const 8))
                (block $hdone2
                  (loop $hnext2
                    (br_if $hdone2 (i32.ge_u (local.get $q) (local.get $mb)))
                    (local.set $H (f64x2.add (f64x2.mul (local.get $H) (local.get $U)) (v128.load64_splat ${COEF} (local.get $q))))
                    (local.set $q (i32.add (local.get $q) (i32.const 8)))
                    (br $hnext2)))`;

// the new value of u (scalar: $u, $xx = p3·z), by drift mode
const UPDATE1 = {
  1: `(f64.add (f64.sub (local.get $u) (f64.mul (local.get $p1) (f64.sub (local.get $u) (local.get $p2)))) (local.get $xx))`,
  2: `(f64.add (f64.add (local.get $u) (f64.mul (f64.add (f64.sub (local.get $u) (f64.mul (f64.mul (local.get $u) (local.get $u)) (local.get $u))) (local.get $p2)) (local.get $p1))) (local.get $xx))`,
  3: `${HORNER1}
                (f64.add (f64.sub (local.get $u) (f64.mul (local.get $h) (local.get $p1))) (local.get $xx))`,
};

// an expression (with result f64) or a statement chosen by $mode among `modes`
const chooseValue = (modes, f) =>
  modes.length === 1 ? f(modes[0]) : `(if (result f64) (i32.eq (local.get $mode) (i32.const ${modes[0]})) (then ${f(modes[0])}) (else ${chooseValue(modes.slice(1), f)}))`;
const chooseStatement = (modes, f) =>
  modes.length === 1 ? f(modes[0]) : `
        (if (i32.eq (local.get $mode) (i32.const ${modes[0]}))
          (then ${f(modes[0])})
          (else ${chooseStatement(modes.slice(1), f)}))`;

const EMIT1 = (modes) =>
  modes[0] === 0
    ? `(f64.store ${N} (local.get $j) (f64.add (local.get $p1) (f64.mul (local.get $p2) (local.get $x))))`
    : `
            (local.set $u (f64.load ${N} (local.get $j)))
            (local.set $xx (f64.mul (local.get $p3) (f64.add (f64.const 0) (local.get $x))))
            (local.set $u ${chooseValue(modes, (m) => UPDATE1[m])})
            (f64.store ${N} (local.get $j) (local.get $u))
            (local.set $chk (f64.add (local.get $chk) (f64.sub (local.get $u) (local.get $u))))`;

// EMIT2 for one mode, two lanes (the fast loop is generated once per mode, so it never tests $mode)
const EM_TAIL2 = `
                (v128.store ${N} (local.get $j) (local.get $U))
                (local.set $CHK (f64x2.add (local.get $CHK) (f64x2.sub (local.get $U) (local.get $U))))`;
const Z2 = `(local.set $C (f64x2.mul (local.get $P3) (f64x2.add (v128.const f64x2 0 0) (local.get $X))))`;
const EMIT2_BY_MODE = {
  0: `(v128.store ${N} (local.get $j) (f64x2.add (local.get $P1) (f64x2.mul (local.get $P2) (local.get $X))))`,
  1: `(local.set $U (v128.load ${N} (local.get $j)))
                ${Z2}
                (local.set $U (f64x2.add (f64x2.sub (local.get $U) (f64x2.mul (local.get $P1) (f64x2.sub (local.get $U) (local.get $P2)))) (local.get $C)))${EM_TAIL2}`,
  2: `(local.set $U (v128.load ${N} (local.get $j)))
                ${Z2}
                (local.set $U (f64x2.add (f64x2.add (local.get $U) (f64x2.mul (f64x2.add (f64x2.sub (local.get $U) (f64x2.mul (f64x2.mul (local.get $U) (local.get $U)) (local.get $U))) (local.get $P2)) (local.get $P1))) (local.get $C)))${EM_TAIL2}`,
  3: `(local.set $U (v128.load ${N} (local.get $j)))${HORNER2}
                ${Z2}
                (local.set $U (f64x2.add (f64x2.sub (local.get $U) (f64x2.mul (local.get $H) (local.get $P1))) (local.get $C)))${EM_TAIL2}`,
};

const fastLoop = (m) => `
        (block $fastdone
          (loop $fast
            (br_if $fastdone (i32.gt_s (local.get $p) (local.get $lim)))
            ;; (K, ±W) of both candidates; their a words loaded as scalars (cheaper than lane extracts)
            (local.set $U (v128.load offset=${LAYOUT.tableKW} (i32.shl (i32.and (i32.load (local.get $p)) (i32.const 511)) (i32.const 4))))
            (local.set $C (v128.load offset=${LAYOUT.tableKW} (i32.shl (i32.and (i32.load offset=8 (local.get $p)) (i32.const 511)) (i32.const 4))))
            ;; rabs = (a >>> 9)·2^29 + (b >>> 3) < 2^52, built in the mantissa of 2^52 + rabs (exact):
            ;; with L = a·2^32 + b per lane, (L >> 12) keeps a's bits from 9 up at 29..51 and
            ;; (L >> 3) has b >>> 3 in its low 29 bits
            (local.set $V (i8x16.shuffle 4 5 6 7 0 1 2 3 12 13 14 15 8 9 10 11 (v128.load (local.get $p)) (local.get $U)))
            (local.set $R (f64x2.sub
              (v128.or
                (v128.or (v128.and (i64x2.shr_u (local.get $V) (i32.const 12)) (v128.const i64x2 0xFFFFFFFFE0000000 0xFFFFFFFFE0000000))
                         (v128.and (i64x2.shr_u (local.get $V) (i32.const 3)) (v128.const i64x2 0x1FFFFFFF 0x1FFFFFFF)))
                (v128.const i64x2 0x4330000000000000 0x4330000000000000))
              (v128.const f64x2 0x1p52 0x1p52)))
            (br_if $fastdone (v128.any_true (f64x2.ge (local.get $R) (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 (local.get $U) (local.get $C)))))
            (local.set $j (i32.shl (local.get $i) (i32.const 3)))
            (local.set $X (f64x2.mul (local.get $R) (i8x16.shuffle 8 9 10 11 12 13 14 15 24 25 26 27 28 29 30 31 (local.get $U) (local.get $C))))
            ${EMIT2_BY_MODE[m]}
            (local.set $p (i32.add (local.get $p) (i32.const 16)))
            (local.set $i (i32.add (local.get $i) (i32.const 2)))
            (br $fast)))
`;

const L = LAYOUT;
const PROLOGUE = `
    ;; $cont: the caller knows the word buffer still holds this stream at this position (the
    ;; previous call ended here), so nothing is regenerated
    (if (i32.eqz (local.get $cont))
      (then
        (global.set $bc0 (local.get $c0)) (global.set $bc1 (local.get $c1))
        (global.set $sc2 (local.get $c2)) (global.set $sc3 (local.get $c3))
        (global.set $sk0 (local.get $k0)) (global.set $sk1 (local.get $k1))
        (call $refill)
        (global.set $p (i32.add (global.get $p) (i32.shl (local.get $skip) (i32.const 2))))))
    (local.set $p (global.get $p))
    (local.set $end (global.get $end))
    (local.set $avail (i32.shr_u (i32.sub (local.get $end) (local.get $p)) (i32.const 2)))
    (global.set $nref (i32.const 0))`;
const EPILOGUE = `
    (global.set $p (local.get $p))
    ;; words consumed = words available at the start + words refilled − words left
    (i32.sub (i32.add (local.get $avail) (i32.mul (global.get $nref) (i32.const ${4 * L.refillBlocks})))
             (i32.shr_u (i32.sub (local.get $end) (local.get $p)) (i32.const 2)))`;
const LIM = `        ;; $lim folds both bounds (words left in the buffer, values left to make) into one
        ;; compare, as p and i advance in step in the pair loop
        (local.set $lim (select
          (i32.sub (local.get $end) (i32.const 16))
          (i32.add (local.get $p) (i32.shl (i32.sub (i32.sub (local.get $n) (local.get $i)) (i32.const 2)) (i32.const 3)))
          (i32.lt_s (i32.sub (local.get $end) (i32.const 16))
                    (i32.add (local.get $p) (i32.shl (i32.sub (i32.sub (local.get $n) (local.get $i)) (i32.const 2)) (i32.const 3))))))`;
// after a refill inside the loop, reload the loop's copies of the buffer bounds
const RELOAD = (code) => code.replace(/\(call \$refill\)/g, '(call $refill) (local.set $p (global.get $p)) (local.set $end (global.get $end))');

/**
 * The ziggurat loop as an exported function: `modes` [0] is core's normals(); [1, 2, 3] is
 * tensor's em() (with $mode, the step's s as p3, m Horner coefficients, and the finite flag).
 */
function normalsFunc(name, modes) {
  const em = modes[0] !== 0;
  const params = em ? '(param $mode i32) (param $p1 f64) (param $p2 f64) (param $p3 f64) (param $m i32)' : '(param $p1 f64) (param $p2 f64)';
  const emLocals = em ? '\n    (local $chk f64) (local $CHK v128) (local $P3 v128) (local $h f64) (local $H v128) (local $q i32) (local $mb i32)' : '';
  const emInit = em ? `
    (local.set $P3 (f64x2.splat (local.get $p3)))
    (local.set $mb (i32.shl (local.get $m) (i32.const 3)))` : '';
  const emDone = em
    ? `
    (local.set $chk (f64.add (local.get $chk) (f64.add (f64x2.extract_lane 0 (local.get $CHK)) (f64x2.extract_lane 1 (local.get $CHK)))))
    (global.set $finite (f64.eq (local.get $chk) (local.get $chk)))`
    : '';
  const doc = em
    ? `;; em(n, c0, c1, c2, c3, k0, k1, skip, cont, mode, p1, p2, s, m) -> words consumed: one
  ;; Euler–Maruyama step of the n values in NORMALS by drift mode (1 linear, 2 double well,
  ;; 3 polynomial with m Horner coefficients at COEF), each with the stream's next normal`
    : `;; normals(n, c0, c1, c2, c3, k0, k1, skip, cont, mean, sd) -> words consumed: n values
  ;; mean + sd·z into NORMALS, z the values of Stream.normal()`;
  return `
  ${doc}
  (func (export "${name}") (param $n i32) (param $c0 i32) (param $c1 i32) (param $c2 i32) (param $c3 i32) (param $k0 i32) (param $k1 i32) (param $skip i32) (param $cont i32) ${params} (result i32)
    (local $i i32) (local $a i32) (local $b i32) (local $idx i32) (local $p i32) (local $end i32) (local $j i32) (local $ia1 i32) (local $avail i32) (local $lim i32)
    (local $rabs f64) (local $x f64) (local $u f64) (local $xx f64) (local $yy f64)
    (local $V v128) (local $R v128) (local $X v128) (local $U v128) (local $C v128)
    (local $P1 v128) (local $P2 v128)${emLocals}
    (local.set $P1 (f64x2.splat (local.get $p1))) (local.set $P2 (f64x2.splat (local.get $p2)))${emInit}
${PROLOGUE}    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
        ;; Two candidates per iteration while both take the fast path (about 98% of pairs):
        ;; exactly what two scalar passes would give.
${LIM}${chooseStatement(modes, fastLoop)}        (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
        (block $accept
          (loop $retry
            ;; fast path: both words in the buffer
            (if (i32.le_u (i32.add (local.get $p) (i32.const 8)) (local.get $end))
              (then
                (local.set $a (i32.load (local.get $p)))
                (local.set $b (i32.load offset=4 (local.get $p)))
                (local.set $p (i32.add (local.get $p) (i32.const 8))))
              (else ${RELOAD(READ('$a'))}${RELOAD(READ('$b'))}))
            (local.set $idx (i32.shl (i32.and (local.get $a) (i32.const 255)) (i32.const 3)))
            (local.set $ia1 (i32.shl (i32.and (local.get $a) (i32.const 511)) (i32.const 4)))
            (local.set $rabs (f64.add
              (f64.mul (f64.convert_i32_u (i32.shr_u (local.get $a) (i32.const 9))) (f64.const 536870912))
              (f64.convert_i32_u (i32.shr_u (local.get $b) (i32.const 3)))))
            ;; the sign (bit 8) comes with W: rabs·(±W) is exactly ±(rabs·W), as in stream.ts
            (local.set $x (f64.mul (local.get $rabs) (f64.load offset=${L.tableKW + 8} (local.get $ia1))))
            (br_if $accept (f64.lt (local.get $rabs) (f64.load offset=${L.tableKW} (local.get $ia1))))
            (if (i32.eqz (local.get $idx))
              (then
                ;; base layer: sample the tail beyond R (Marsaglia 1964)
                (loop $tail
                  ${RELOAD(UNIFORM('$u'))}
                  (local.set $xx (f64.div (f64.neg (call $log (f64.sub (f64.const 1) (local.get $u)))) (f64.const ${3.6541528853610088})))
                  ${RELOAD(UNIFORM('$u'))}
                  (local.set $yy (f64.neg (call $log (f64.sub (f64.const 1) (local.get $u)))))
                  (br_if $tail (i32.eqz (f64.gt (f64.add (local.get $yy) (local.get $yy)) (f64.mul (local.get $xx) (local.get $xx))))))
                (local.set $x (if (result f64) (f64.lt (local.get $x) (f64.const 0))
                  (then (f64.neg (f64.add (f64.const ${3.6541528853610088}) (local.get $xx))))
                  (else (f64.add (f64.const ${3.6541528853610088}) (local.get $xx)))))
                (br $accept)))
            ;; wedge
            ${RELOAD(UNIFORM('$u'))}
            (br_if $accept (f64.lt
              (f64.add
                (f64.mul (f64.sub (f64.load offset=${L.tableF - 8} (local.get $idx)) (f64.load offset=${L.tableF} (local.get $idx))) (local.get $u))
                (f64.load offset=${L.tableF} (local.get $idx)))
              (call $exp (f64.mul (f64.mul (f64.const -0.5) (local.get $x)) (local.get $x)))))
            (br $retry)))
        (local.set $j (i32.shl (local.get $i) (i32.const 3)))
        ${EMIT1(modes)}
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $next)))${emDone}
${EPILOGUE})
`;
}

const UNIFORMS = `
  ;; uniforms(n, c0, c1, c2, c3, k0, k1, skip, cont, lo, w) -> words consumed: n values lo + w·u
  ;; into NORMALS, u = ((a >>> 5)·2^26 + (b >>> 6))·2^-53 exactly as Stream.uniform(), two per
  ;; SIMD iteration (every u takes two words, so pairs never shift)
  (func (export "uniforms") (param $n i32) (param $c0 i32) (param $c1 i32) (param $c2 i32) (param $c3 i32) (param $k0 i32) (param $k1 i32) (param $skip i32) (param $cont i32) (param $lo f64) (param $w f64) (result i32)
    (local $i i32) (local $a i32) (local $b i32) (local $p i32) (local $end i32) (local $avail i32) (local $lim i32) (local $u f64) (local $V v128)
${PROLOGUE}
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
${LIM}
        (block $fastdone
          (loop $fast
            (br_if $fastdone (i32.gt_s (local.get $p) (local.get $lim)))
            (local.set $V (v128.load (local.get $p)))
            (v128.store offset=${L.normals} (i32.shl (local.get $i) (i32.const 3))
              (f64x2.add (f64x2.splat (local.get $lo)) (f64x2.mul (f64x2.splat (local.get $w))
                (f64x2.mul
                  (f64x2.add
                    (f64x2.mul (f64x2.convert_low_i32x4_u (i8x16.shuffle 0 1 2 3 8 9 10 11 0 1 2 3 8 9 10 11 (i32x4.shr_u (local.get $V) (i32.const 5)) (local.get $V)))
                               (v128.const f64x2 67108864 67108864))
                    (f64x2.convert_low_i32x4_u (i8x16.shuffle 4 5 6 7 12 13 14 15 4 5 6 7 12 13 14 15 (i32x4.shr_u (local.get $V) (i32.const 6)) (local.get $V))))
                  (v128.const f64x2 0x1p-53 0x1p-53)))))
            (local.set $p (i32.add (local.get $p) (i32.const 16)))
            (local.set $i (i32.add (local.get $i) (i32.const 2)))
            (br $fast)))
        (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
        ${RELOAD(UNIFORM('$u'))}
        (f64.store offset=${L.normals} (i32.shl (local.get $i) (i32.const 3)) (f64.add (local.get $lo) (f64.mul (local.get $w) (local.get $u))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $next)))
${EPILOGUE})
`;

/** A module: Philox ($fill, exported by core's), its word buffer, and the given functions. */
function moduleWat({ exportFill, functions, finite }) {
  return `;; Generated by tools/wasm/build-philox.mjs. Do not edit; edit the generator.
(module
  (import "m" "exp" (func $exp (param f64) (result f64)))
  (import "m" "log" (func $log (param f64) (result f64)))
  (memory (export "memory") ${L.pages})
  (global $M0 v128 (v128.const i32x4 0xD2511F53 0xD2511F53 0xD2511F53 0xD2511F53))
  (global $M1 v128 (v128.const i32x4 0xCD9E8D57 0xCD9E8D57 0xCD9E8D57 0xCD9E8D57))
  ;; the word buffer's state, shared with $refill
  (global $p (mut i32) (i32.const 0))
  (global $end (mut i32) (i32.const 0))
  (global $bc0 (mut i32) (i32.const 0))
  (global $bc1 (mut i32) (i32.const 0))
  (global $sc2 (mut i32) (i32.const 0))
  (global $sc3 (mut i32) (i32.const 0))
  (global $sk0 (mut i32) (i32.const 0))
  (global $sk1 (mut i32) (i32.const 0))
  (global $nref (mut i32) (i32.const 0))${finite ? '\n  (global $finite (mut i32) (i32.const 1))' : ''}

  (func $fill${exportFill ? ' (export "fill")' : ''} (param $out i32) (param $n i32) (param $c0 i32) (param $c1 i32) (param $c2 i32) (param $c3 i32) (param $k0 i32) (param $k1 i32)
    ${groupLocals}
    (local $K0 v128) (local $K1 v128) (local $T0 v128) (local $T1 v128) (local $T2 v128) (local $T3 v128) (local $r i32) (local $lo i32)
    (block $done
      (loop $groups
        (br_if $done (i32.le_s (local.get $n) (i32.const 0)))
${Array.from({ length: G }, (_, g) => init(g)).join('')}
        (local.set $K0 (i32x4.splat (local.get $k0)))
        (local.set $K1 (i32x4.splat (local.get $k1)))
        (local.set $r (i32.const 10))
        (loop $rounds
${Array.from({ length: G }, (_, g) => round(g)).join('')}
          (local.set $K0 (i32x4.add (local.get $K0) (v128.const i32x4 0x9E3779B9 0x9E3779B9 0x9E3779B9 0x9E3779B9)))
          (local.set $K1 (i32x4.add (local.get $K1) (v128.const i32x4 0xBB67AE85 0xBB67AE85 0xBB67AE85 0xBB67AE85)))
          (local.set $r (i32.sub (local.get $r) (i32.const 1)))
          (br_if $rounds (local.get $r)))
${Array.from({ length: G }, (_, g) => store(g)).join('')}
        (local.set $out (i32.add (local.get $out) (i32.const ${64 * G})))
        (local.set $n (i32.sub (local.get $n) (i32.const ${4 * G})))
        (local.set $lo (i32.add (local.get $c0) (i32.const ${4 * G})))
        (local.set $c1 (select (i32.add (local.get $c1) (i32.const 1)) (local.get $c1) (i32.lt_u (local.get $lo) (local.get $c0))))
        (local.set $c0 (local.get $lo))
        (br $groups))))

  ;; the next ${L.refillBlocks} blocks of the stream into the word buffer
  (func $refill
    (local $lo i32)
    (call $fill (i32.const ${L.refill}) (i32.const ${L.refillBlocks}) (global.get $bc0) (global.get $bc1) (global.get $sc2) (global.get $sc3) (global.get $sk0) (global.get $sk1))
    (global.set $nref (i32.add (global.get $nref) (i32.const 1)))
    (global.set $p (i32.const ${L.refill}))
    (global.set $end (i32.const ${L.refill + 16 * L.refillBlocks}))
    (local.set $lo (i32.add (global.get $bc0) (i32.const ${L.refillBlocks})))
    (global.set $bc1 (select (i32.add (global.get $bc1) (i32.const 1)) (global.get $bc1) (i32.lt_u (local.get $lo) (global.get $bc0))))
    (global.set $bc0 (local.get $lo)))
${functions.join('')}${finite ? '\n  (func (export "finite") (result i32) (global.get $finite))\n' : ''})
`;
}

/** Core's module: random numbers only. */
export const WAT = moduleWat({ exportFill: true, functions: [normalsFunc('normals', [0]), UNIFORMS], finite: false });
/** Tensor's module: Euler–Maruyama steps with linear (1), double-well (2) or polynomial (3) drift. */
export const EM_WAT = moduleWat({ exportFill: false, functions: [normalsFunc('em', [1, 2, 3])], finite: true });

async function build(wabt, name, wat) {
  const mod = wabt.parseWat(name, wat, { simd: true });
  mod.validate();
  return Buffer.from(mod.toBinary({}).buffer);
}

const isMain = process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1];
if (isMain) {
  const wabt = await wabtInit();
  const core = fileURLToPath(new URL('../../packages/core/src/random/', import.meta.url));
  const tensor = fileURLToPath(new URL('../../packages/tensor/src/', import.meta.url));
  const bin = await build(wabt, 'philox.wat', WAT);
  fs.writeFileSync(core + 'philox.wat', WAT);
  fs.writeFileSync(
    core + 'philox-wasm.ts',
    `// Generated by tools/wasm/build-philox.mjs. Do not edit.\n` +
      `export const PHILOX_WASM_BASE64 =\n  '${bin.toString('base64')}';\n` +
      `export const WASM_LAYOUT = ${JSON.stringify(LAYOUT)} as const;\n`,
  );
  const em = await build(wabt, 'fused-em.wat', EM_WAT);
  fs.writeFileSync(tensor + 'fused-em.wat', EM_WAT);
  fs.writeFileSync(
    tensor + 'fused-em-wasm.ts',
    `// Generated by tools/wasm/build-philox.mjs. Do not edit.\n` +
      `export const FUSED_EM_WASM_BASE64 =\n  '${em.toString('base64')}';\n` +
      `export const FUSED_EM_LAYOUT = ${JSON.stringify(EM_LAYOUT)} as const;\n`,
  );
  console.log(`philox-wasm.ts: ${bin.length} bytes; fused-em-wasm.ts: ${em.length} bytes`);
}
