(module
  (memory (export "memory") 1)
  ;; Philox4x32-10 bulk fill (Salmon et al. 2011).
  ;; fill(outPtr, nBlocks, c0, c1, c2, c3, k0, k1): writes nBlocks*4 u32 at outPtr for counters
  ;; (c0,c1,c2,c3) upward. (c0,c1) is a 64-bit block counter that wraps without carrying into
  ;; (c2,c3), which hold the stream id. i64.mul gives the 32x32->64 products in one instruction.
  (func (export "fill") (param $out i32) (param $n i32) (param $c0 i32) (param $c1 i32) (param $c2 i32) (param $c3 i32) (param $k0 i32) (param $k1 i32)
    (local $b i32) (local $x0 i32) (local $x1 i32) (local $x2 i32) (local $x3 i32)
    (local $K0 i32) (local $K1 i32) (local $r i32) (local $p0 i64) (local $p1 i64)
    (block $done
      (loop $blocks
        (br_if $done (i32.ge_u (local.get $b) (local.get $n)))
        (local.set $x0 (local.get $c0)) (local.set $x1 (local.get $c1))
        (local.set $x2 (local.get $c2)) (local.set $x3 (local.get $c3))
        (local.set $K0 (local.get $k0)) (local.set $K1 (local.get $k1))
        (local.set $r (i32.const 10))
        (loop $rounds
          (local.set $p0 (i64.mul (i64.extend_i32_u (local.get $x0)) (i64.const 0xD2511F53)))
          (local.set $p1 (i64.mul (i64.extend_i32_u (local.get $x2)) (i64.const 0xCD9E8D57)))
          (local.set $x0 (i32.xor (i32.xor (i32.wrap_i64 (i64.shr_u (local.get $p1) (i64.const 32))) (local.get $x1)) (local.get $K0)))
          (local.set $x1 (i32.wrap_i64 (local.get $p1)))
          (local.set $x2 (i32.xor (i32.xor (i32.wrap_i64 (i64.shr_u (local.get $p0) (i64.const 32))) (local.get $x3)) (local.get $K1)))
          (local.set $x3 (i32.wrap_i64 (local.get $p0)))
          (local.set $K0 (i32.add (local.get $K0) (i32.const 0x9E3779B9)))
          (local.set $K1 (i32.add (local.get $K1) (i32.const 0xBB67AE85)))
          (local.set $r (i32.sub (local.get $r) (i32.const 1)))
          (br_if $rounds (local.get $r)))
        (i32.store (local.get $out) (local.get $x0))
        (i32.store offset=4 (local.get $out) (local.get $x1))
        (i32.store offset=8 (local.get $out) (local.get $x2))
        (i32.store offset=12 (local.get $out) (local.get $x3))
        (local.set $out (i32.add (local.get $out) (i32.const 16)))
        ;; 64-bit block counter increment
        (local.set $c0 (i32.add (local.get $c0) (i32.const 1)))
        (if (i32.eqz (local.get $c0)) (then
          (local.set $c1 (i32.add (local.get $c1) (i32.const 1)))))
        (local.set $b (i32.add (local.get $b) (i32.const 1)))
        (br $blocks))))
)
