import sys
G=int(sys.argv[1]); outf=sys.argv[2]
def round_(g):
    return f'''
          (local.set $P01{g} (i64x2.extmul_low_i32x4_u (local.get $X0{g}) (global.get $M0)))
          (local.set $P23{g} (i64x2.extmul_high_i32x4_u (local.get $X0{g}) (global.get $M0)))
          (local.set $L0{g} (i8x16.shuffle 0 1 2 3 8 9 10 11 16 17 18 19 24 25 26 27 (local.get $P01{g}) (local.get $P23{g})))
          (local.set $H0{g} (i8x16.shuffle 4 5 6 7 12 13 14 15 20 21 22 23 28 29 30 31 (local.get $P01{g}) (local.get $P23{g})))
          (local.set $P01{g} (i64x2.extmul_low_i32x4_u (local.get $X2{g}) (global.get $M1)))
          (local.set $P23{g} (i64x2.extmul_high_i32x4_u (local.get $X2{g}) (global.get $M1)))
          (local.set $X2{g} (v128.xor (v128.xor (local.get $H0{g}) (local.get $X3{g})) (local.get $K1)))
          (local.set $X3{g} (local.get $L0{g}))
          (local.set $X0{g} (v128.xor (v128.xor (i8x16.shuffle 4 5 6 7 12 13 14 15 20 21 22 23 28 29 30 31 (local.get $P01{g}) (local.get $P23{g})) (local.get $X1{g})) (local.get $K0)))
          (local.set $X1{g} (i8x16.shuffle 0 1 2 3 8 9 10 11 16 17 18 19 24 25 26 27 (local.get $P01{g}) (local.get $P23{g})))'''
def init(g, off):
    return f'''
        (local.set $X0{g} (i32x4.add (i32x4.splat (local.get $c0)) (v128.const i32x4 {off} {off+1} {off+2} {off+3})))
        (local.set $X1{g} (i32x4.sub (i32x4.splat (local.get $c1)) (i32x4.lt_u (local.get $X0{g}) (i32x4.splat (local.get $c0)))))
        (local.set $X2{g} (i32x4.splat (local.get $c2)))
        (local.set $X3{g} (i32x4.splat (local.get $c3)))'''
def store(g, off):
    return f'''
        (local.set $T0 (i8x16.shuffle 0 1 2 3 16 17 18 19 4 5 6 7 20 21 22 23 (local.get $X0{g}) (local.get $X1{g})))
        (local.set $T1 (i8x16.shuffle 0 1 2 3 16 17 18 19 4 5 6 7 20 21 22 23 (local.get $X2{g}) (local.get $X3{g})))
        (local.set $T2 (i8x16.shuffle 8 9 10 11 24 25 26 27 12 13 14 15 28 29 30 31 (local.get $X0{g}) (local.get $X1{g})))
        (local.set $T3 (i8x16.shuffle 8 9 10 11 24 25 26 27 12 13 14 15 28 29 30 31 (local.get $X2{g}) (local.get $X3{g})))
        (v128.store offset={off} (local.get $out) (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 (local.get $T0) (local.get $T1)))
        (v128.store offset={off+16} (local.get $out) (i8x16.shuffle 8 9 10 11 12 13 14 15 24 25 26 27 28 29 30 31 (local.get $T0) (local.get $T1)))
        (v128.store offset={off+32} (local.get $out) (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 (local.get $T2) (local.get $T3)))
        (v128.store offset={off+48} (local.get $out) (i8x16.shuffle 8 9 10 11 12 13 14 15 24 25 26 27 28 29 30 31 (local.get $T2) (local.get $T3)))'''
locs=' '.join(f'(local $X0{g} v128) (local $X1{g} v128) (local $X2{g} v128) (local $X3{g} v128) (local $P01{g} v128) (local $P23{g} v128) (local $L0{g} v128) (local $H0{g} v128)' for g in range(G))
wat=f'''(module
  (memory (export "memory") 2)
  (global $M0 v128 (v128.const i32x4 0xD2511F53 0xD2511F53 0xD2511F53 0xD2511F53))
  (global $M1 v128 (v128.const i32x4 0xCD9E8D57 0xCD9E8D57 0xCD9E8D57 0xCD9E8D57))
  (func (export "fill") (param $out i32) (param $n i32) (param $c0 i32) (param $c1 i32) (param $c2 i32) (param $c3 i32) (param $k0 i32) (param $k1 i32)
    {locs} (local $K0 v128) (local $K1 v128) (local $T0 v128) (local $T1 v128) (local $T2 v128) (local $T3 v128) (local $r i32) (local $lo i32)
    (block $done
      (loop $groups
        (br_if $done (i32.le_s (local.get $n) (i32.const 0)))
{''.join(init(g, 4*g) for g in range(G))}
        (local.set $K0 (i32x4.splat (local.get $k0)))
        (local.set $K1 (i32x4.splat (local.get $k1)))
        (local.set $r (i32.const 10))
        (loop $rounds
{''.join(round_(g) for g in range(G))}
          (local.set $K0 (i32x4.add (local.get $K0) (v128.const i32x4 0x9E3779B9 0x9E3779B9 0x9E3779B9 0x9E3779B9)))
          (local.set $K1 (i32x4.add (local.get $K1) (v128.const i32x4 0xBB67AE85 0xBB67AE85 0xBB67AE85 0xBB67AE85)))
          (local.set $r (i32.sub (local.get $r) (i32.const 1)))
          (br_if $rounds (local.get $r)))
{''.join(store(g, 64*g) for g in range(G))}
        (local.set $out (i32.add (local.get $out) (i32.const {64*G})))
        (local.set $n (i32.sub (local.get $n) (i32.const {4*G})))
        (local.set $lo (i32.add (local.get $c0) (i32.const {4*G})))
        (local.set $c1 (select (i32.add (local.get $c1) (i32.const 1)) (local.get $c1) (i32.lt_u (local.get $lo) (local.get $c0))))
        (local.set $c0 (local.get $lo))
        (br $groups))))
)
'''
open(outf,'w').write(wat)
