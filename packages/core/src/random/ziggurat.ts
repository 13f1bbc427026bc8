/**
 * Tables for the 256-layer normal ziggurat (Marsaglia & Tsang 2000), laid out as in NumPy's
 * `random_standard_normal`: one 64-bit draw supplies 8 bits of layer index, 1 sign bit and a
 * 52-bit magnitude, so layer and magnitude never share bits (the flaw Doornik 2005 found in
 * the original 32-bit version).
 */

/** Right edge of the base layer and the common layer area for 256 layers. */
export const ZIG_R = 3.6541528853610088;
const ZIG_V = 0.00492867323399;
const M52 = 4503599627370496; // 2^52

export const ZIG_K = new Float64Array(256); // fast-accept bounds on the 52-bit magnitude
export const ZIG_W = new Float64Array(256); // magnitude -> x scale per layer
export const ZIG_F = new Float64Array(256); // density exp(-x^2/2) at layer edges

(function init() {
  let dn = ZIG_R;
  let tn = dn;
  const q = ZIG_V / Math.exp(-0.5 * dn * dn);
  ZIG_K[0] = (dn / q) * M52;
  ZIG_K[1] = 0;
  ZIG_W[0] = q / M52;
  ZIG_W[255] = dn / M52;
  ZIG_F[0] = 1;
  ZIG_F[255] = Math.exp(-0.5 * dn * dn);
  for (let i = 254; i >= 1; i--) {
    dn = Math.sqrt(-2 * Math.log(ZIG_V / dn + Math.exp(-0.5 * dn * dn)));
    ZIG_K[i + 1] = (dn / tn) * M52;
    tn = dn;
    ZIG_F[i] = Math.exp(-0.5 * dn * dn);
    ZIG_W[i] = dn / M52;
  }
})();

/**
 * The tables in the layout of the WebAssembly modules tools/wasm/build-philox.mjs generates
 * (core's, and tensor's fused Euler–Maruyama module): `kw` gets 512 pairs (K[l], ±W[l]) indexed
 * by (sign << 8) | layer, `f` the 256 densities. The modules read these very tables, so their
 * normals are those of Stream.normal().
 */
export function writeZigguratTables(kw: Float64Array, f: Float64Array): void {
  for (let i = 0; i < 512; i++) {
    kw[2 * i] = ZIG_K[i & 255];
    kw[2 * i + 1] = i < 256 ? ZIG_W[i] : -ZIG_W[i & 255];
  }
  f.set(ZIG_F);
}
