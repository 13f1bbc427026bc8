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
