/**
 * sin, cos, tan and pow exactly as Node 20's V8 (11.3) computes them: a TypeScript transcription
 * of V8's src/base/ieee754.cc (adapted there from fdlibm, © 1993 Sun Microsystems, Inc.; freely
 * usable with this notice; modifications © 2016 the V8 project authors, BSD licence). Only the
 * huge-argument path of the π/2 reduction (|x| > 2^19·π/2) is delegated to stdlib's reduction.
 */
import rempio2Large from '@stdlib/math-base-special-rempio2';

const F = new Float64Array(1);
const U = new Uint32Array(F.buffer);
// little-endian: U[0] low word, U[1] high word
const hi = (x: number): number => {
  F[0] = x;
  return U[1] | 0;
};
const lo = (x: number): number => {
  F[0] = x;
  return U[0] >>> 0;
};
const withLow = (x: number, v: number): number => {
  F[0] = x;
  U[0] = v >>> 0;
  return F[0];
};
const withHigh = (x: number, v: number): number => {
  F[0] = x;
  U[1] = v >>> 0;
  return F[0];
};
const fromWords = (h: number, l: number): number => {
  U[1] = h >>> 0;
  U[0] = l >>> 0;
  return F[0];
};

const npio2_hw = [
  0x3ff921fb, 0x400921fb, 0x4012d97c, 0x401921fb, 0x401f6a7a, 0x4022d97c, 0x4025fdbb, 0x402921fb, 0x402c463a, 0x402f6a7a, 0x4031475c, 0x4032d97c, 0x40346b9c, 0x4035fdbb, 0x40378fdb, 0x403921fb,
  0x403ab41b, 0x403c463a, 0x403dd85a, 0x403f6a7a, 0x40407e4c, 0x4041475c, 0x4042106c, 0x4042d97c, 0x4043a28c, 0x40446b9c, 0x404534ac, 0x4045fdbb, 0x4046c6cb, 0x40478fdb, 0x404858eb, 0x404921fb,
];
const invpio2 = 6.36619772367581382433e-1;
const pio2_1 = 1.57079632673412561417e0;
const pio2_1t = 6.07710050650619224932e-11;
const pio2_2 = 6.07710050630396597660e-11;
const pio2_2t = 2.02226624879595063154e-21;
const pio2_3 = 2.02226624871116645580e-21;
const pio2_3t = 8.47842766036889956997e-32;

const Y = [0, 0];

function remPio2(x: number, y: number[]): number {
  const hx = hi(x);
  const ix = hx & 0x7fffffff;
  if (ix <= 0x3fe921fb) {
    y[0] = x;
    y[1] = 0;
    return 0;
  }
  if (ix < 0x4002d97c) {
    if (hx > 0) {
      let z = x - pio2_1;
      if (ix !== 0x3ff921fb) {
        y[0] = z - pio2_1t;
        y[1] = z - y[0] - pio2_1t;
      } else {
        z -= pio2_2;
        y[0] = z - pio2_2t;
        y[1] = z - y[0] - pio2_2t;
      }
      return 1;
    }
    let z = x + pio2_1;
    if (ix !== 0x3ff921fb) {
      y[0] = z + pio2_1t;
      y[1] = z - y[0] + pio2_1t;
    } else {
      z += pio2_2;
      y[0] = z + pio2_2t;
      y[1] = z - y[0] + pio2_2t;
    }
    return -1;
  }
  if (ix <= 0x413921fb) {
    let t = Math.abs(x);
    const n = (t * invpio2 + 0.5) | 0;
    const fn = n;
    let r = t - fn * pio2_1;
    let w = fn * pio2_1t;
    if (n < 32 && ix !== npio2_hw[n - 1]) {
      y[0] = r - w;
    } else {
      const j = ix >> 20;
      y[0] = r - w;
      let i = j - ((hi(y[0]) >> 20) & 0x7ff);
      if (i > 16) {
        t = r;
        w = fn * pio2_2;
        r = t - w;
        w = fn * pio2_2t - (t - r - w);
        y[0] = r - w;
        i = j - ((hi(y[0]) >> 20) & 0x7ff);
        if (i > 49) {
          t = r;
          w = fn * pio2_3;
          r = t - w;
          w = fn * pio2_3t - (t - r - w);
          y[0] = r - w;
        }
      }
    }
    y[1] = r - y[0] - w;
    if (hx < 0) {
      y[0] = -y[0];
      y[1] = -y[1];
      return -n;
    }
    return n;
  }
  if (ix >= 0x7ff00000) {
    y[0] = y[1] = x - x;
    return 0;
  }
  return rempio2Large(x, y);
}

function kernelCos(x: number, y: number): number {
  const C1 = 4.16666666666666019037e-2,
    C2 = -1.38888888888741095749e-3,
    C3 = 2.48015872894767294178e-5,
    C4 = -2.75573143513906633035e-7,
    C5 = 2.08757232129817482790e-9,
    C6 = -1.13596475577881948265e-11;
  const ix = hi(x) & 0x7fffffff;
  if (ix < 0x3e400000) {
    if ((x | 0) === 0) return 1;
  }
  const z = x * x;
  const r = z * (C1 + z * (C2 + z * (C3 + z * (C4 + z * (C5 + z * C6)))));
  if (ix < 0x3fd33333) return 1 - (0.5 * z - (z * r - x * y));
  const qx = ix > 0x3fe90000 ? 0.28125 : fromWords(ix - 0x00200000, 0);
  const iz = 0.5 * z - qx;
  const a = 1 - qx;
  return a - (iz - (z * r - x * y));
}

function kernelSin(x: number, y: number, iy: number): number {
  const S1 = -1.66666666666666324348e-1,
    S2 = 8.33333333332248946124e-3,
    S3 = -1.98412698298579493134e-4,
    S4 = 2.75573137070700676789e-6,
    S5 = -2.50507602534068634195e-8,
    S6 = 1.58969099521155010221e-10;
  const ix = hi(x) & 0x7fffffff;
  if (ix < 0x3e400000) {
    if ((x | 0) === 0) return x;
  }
  const z = x * x;
  const v = z * x;
  const r = S2 + z * (S3 + z * (S4 + z * (S5 + z * S6)));
  if (iy === 0) return x + v * (S1 + z * r);
  return x - (z * (0.5 * y - v * r) - y - v * S1);
}

const T = [
  3.33333333333334091986e-1, 1.33333333333201242699e-1, 5.39682539762260521377e-2, 2.18694882948595424599e-2, 8.86323982359930005737e-3, 3.59207910759131235356e-3, 1.45620945432529025516e-3,
  5.88041240820264096874e-4, 2.46463134818469906812e-4, 7.81794442939557092300e-5, 7.14072491382608190305e-5, -1.85586374855275456654e-5, 2.59073051863633712884e-5,
];
const pio4 = 7.85398163397448278999e-1;
const pio4lo = 3.06161699786838301793e-17;

function kernelTan(x: number, y: number, iy: number): number {
  let z: number, r: number, v: number, w: number, s: number;
  const hx = hi(x);
  const ix = hx & 0x7fffffff;
  if (ix < 0x3e300000) {
    if ((x | 0) === 0) {
      const low = lo(x);
      if (((ix | low) | (iy + 1)) === 0) return 1 / Math.abs(x);
      if (iy === 1) return x;
      z = w = x + y;
      z = withLow(z, 0);
      v = y - (z - x);
      const a = -1 / w;
      const t = withLow(a, 0);
      s = 1 + t * z;
      return t + a * (s + t * v);
    }
  }
  if (ix >= 0x3fe59428) {
    if (hx < 0) {
      x = -x;
      y = -y;
    }
    z = pio4 - x;
    w = pio4lo - y;
    x = z + w;
    y = 0.0;
  }
  z = x * x;
  w = z * z;
  r = T[1] + w * (T[3] + w * (T[5] + w * (T[7] + w * (T[9] + w * T[11]))));
  v = z * (T[2] + w * (T[4] + w * (T[6] + w * (T[8] + w * (T[10] + w * T[12])))));
  s = z * x;
  r = y + z * (s * (r + v) + y);
  r += T[0] * s;
  w = x + r;
  if (ix >= 0x3fe59428) {
    v = iy;
    return (1 - ((hx >> 30) & 2)) * (v - 2.0 * (x - ((w * w) / (w + v) - r)));
  }
  if (iy === 1) return w;
  z = withLow(w, 0);
  v = r - (z - x);
  const a = -1.0 / w;
  const t = withLow(a, 0);
  s = 1.0 + t * z;
  return t + a * (s + t * v);
}

export function sin(x: number): number {
  const ix = hi(x) & 0x7fffffff;
  if (ix <= 0x3fe921fb) return kernelSin(x, 0, 0);
  if (ix >= 0x7ff00000) return x - x;
  const n = remPio2(x, Y);
  switch (n & 3) {
    case 0:
      return kernelSin(Y[0], Y[1], 1);
    case 1:
      return kernelCos(Y[0], Y[1]);
    case 2:
      return -kernelSin(Y[0], Y[1], 1);
    default:
      return -kernelCos(Y[0], Y[1]);
  }
}

export function cos(x: number): number {
  const ix = hi(x) & 0x7fffffff;
  if (ix <= 0x3fe921fb) return kernelCos(x, 0);
  if (ix >= 0x7ff00000) return x - x;
  const n = remPio2(x, Y);
  switch (n & 3) {
    case 0:
      return kernelCos(Y[0], Y[1]);
    case 1:
      return -kernelSin(Y[0], Y[1], 1);
    case 2:
      return -kernelCos(Y[0], Y[1]);
    default:
      return kernelSin(Y[0], Y[1], 1);
  }
}

export function tan(x: number): number {
  const ix = hi(x) & 0x7fffffff;
  if (ix <= 0x3fe921fb) return kernelTan(x, 0, 1);
  if (ix >= 0x7ff00000) return x - x;
  const n = remPio2(x, Y);
  return kernelTan(Y[0], Y[1], 1 - ((n & 1) << 1));
}

function scalbn(x: number, n: number): number {
  // exact power-of-two scaling in steps that never round early
  while (n > 1000) {
    x *= 2 ** 1000;
    n -= 1000;
  }
  while (n < -1000) {
    x *= 2 ** -1000;
    n += 1000;
  }
  if (n < -1022) {
    // avoid double rounding: scale into the subnormal range in one multiplication
    return x * 2 ** n;
  }
  return x * 2 ** n;
}

const bp = [1.0, 1.5],
  dp_h = [0.0, 5.84962487220764160156e-1],
  dp_l = [0.0, 1.35003920212974897128e-8],
  two53 = 9007199254740992.0,
  huge = 1.0e300,
  tiny = 1.0e-300,
  L1 = 5.99999999999994648725e-1,
  L2 = 4.28571428578550184252e-1,
  L3 = 3.33333329818377432918e-1,
  L4 = 2.72728123808534006489e-1,
  L5 = 2.30660745775561754067e-1,
  L6 = 2.06975017800338417784e-1,
  P1 = 1.66666666666666019037e-1,
  P2 = -2.77777777770155933842e-3,
  P3 = 6.61375632143793436117e-5,
  P4 = -1.65339022054652515390e-6,
  P5 = 4.13813679705723846039e-8,
  lg2 = 6.93147180559945286227e-1,
  lg2_h = 6.93147182464599609375e-1,
  lg2_l = -1.90465429995776804525e-9,
  ovt = 8.008566259537294e-17, // 8.0085662595372944372e-17 in fdlibm: the same double
  cp = 9.61796693925975554329e-1,
  cp_h = 9.61796700954437255859e-1,
  cp_l = -7.02846165095275826516e-9,
  ivln2 = 1.44269504088896338700e0,
  ivln2_h = 1.44269502162933349609e0,
  ivln2_l = 1.92596299112661746887e-8;

export function pow(x: number, y: number): number {
  let z: number, ax: number, z_h: number, z_l: number, p_h: number, p_l: number;
  let t1: number, t2: number, r: number, s: number, t: number, u: number, v: number, w: number;
  let i: number, j: number, k: number, n: number;
  const hx = hi(x),
    lx = lo(x),
    hy = hi(y),
    ly = lo(y);
  let ix = hx & 0x7fffffff;
  const iy = hy & 0x7fffffff;
  if ((iy | ly) === 0) return 1;
  if (ix > 0x7ff00000 || (ix === 0x7ff00000 && lx !== 0) || iy > 0x7ff00000 || (iy === 0x7ff00000 && ly !== 0)) return x + y;
  let yisint = 0;
  if (hx < 0) {
    if (iy >= 0x43400000) yisint = 2;
    else if (iy >= 0x3ff00000) {
      k = (iy >> 20) - 0x3ff;
      if (k > 20) {
        j = ly >>> (52 - k);
        if (((j << (52 - k)) >>> 0) === ly) yisint = 2 - (j & 1);
      } else if (ly === 0) {
        j = iy >> (20 - k);
        if (j << (20 - k) === iy) yisint = 2 - (j & 1);
      }
    }
  }
  if (ly === 0) {
    if (iy === 0x7ff00000) {
      if (((ix - 0x3ff00000) | lx) === 0) return y - y;
      if (ix >= 0x3ff00000) return hy >= 0 ? y : 0;
      return hy < 0 ? -y : 0;
    }
    if (iy === 0x3ff00000) return hy < 0 ? 1 / x : x;
    if (hy === 0x40000000) return x * x;
    if (hy === 0x3fe00000 && hx >= 0) return Math.sqrt(x);
  }
  ax = Math.abs(x);
  if (lx === 0) {
    if (ix === 0x7ff00000 || ix === 0 || ix === 0x3ff00000) {
      z = ax;
      if (hy < 0) z = 1 / z;
      if (hx < 0) {
        if (((ix - 0x3ff00000) | yisint) === 0) z = NaN;
        else if (yisint === 1) z = -z;
      }
      return z;
    }
  }
  n = (hx >> 31) + 1;
  if ((n | yisint) === 0) return NaN;
  s = 1;
  if ((n | (yisint - 1)) === 0) s = -1;
  if (iy > 0x41e00000) {
    if (iy > 0x43f00000) {
      if (ix <= 0x3fefffff) return hy < 0 ? huge * huge : tiny * tiny;
      if (ix >= 0x3ff00000) return hy > 0 ? huge * huge : tiny * tiny;
    }
    if (ix < 0x3fefffff) return hy < 0 ? s * huge * huge : s * tiny * tiny;
    if (ix > 0x3ff00000) return hy > 0 ? s * huge * huge : s * tiny * tiny;
    t = ax - 1;
    w = t * t * (0.5 - t * (0.3333333333333333 - t * 0.25));
    u = ivln2_h * t;
    v = t * ivln2_l - w * ivln2;
    t1 = withLow(u + v, 0);
    t2 = v - (t1 - u);
  } else {
    n = 0;
    if (ix < 0x00100000) {
      ax *= two53;
      n -= 53;
      ix = hi(ax);
    }
    n += (ix >> 20) - 0x3ff;
    j = ix & 0x000fffff;
    ix = j | 0x3ff00000;
    if (j <= 0x3988e) k = 0;
    else if (j < 0xbb67a) k = 1;
    else {
      k = 0;
      n += 1;
      ix -= 0x00100000;
    }
    ax = withHigh(ax, ix);
    u = ax - bp[k];
    v = 1 / (ax + bp[k]);
    const ss = u * v;
    const s_h = withLow(ss, 0);
    let t_h = fromWords(((ix >> 1) | 0x20000000) + 0x00080000 + (k << 18), 0);
    let t_l = ax - (t_h - bp[k]);
    const s_l = v * (u - s_h * t_h - s_h * t_l);
    let s2 = ss * ss;
    r = s2 * s2 * (L1 + s2 * (L2 + s2 * (L3 + s2 * (L4 + s2 * (L5 + s2 * L6)))));
    r += s_l * (s_h + ss);
    s2 = s_h * s_h;
    t_h = withLow(3.0 + s2 + r, 0);
    t_l = r - (t_h - 3.0 - s2);
    u = s_h * t_h;
    v = s_l * t_h + t_l * ss;
    p_h = withLow(u + v, 0);
    p_l = v - (p_h - u);
    z_h = cp_h * p_h;
    z_l = cp_l * p_h + p_l * cp + dp_l[k];
    t = n;
    t1 = withLow(z_h + z_l + dp_h[k] + t, 0);
    t2 = z_l - (t1 - t - dp_h[k] - z_h);
  }
  const y1 = withLow(y, 0);
  p_l = (y - y1) * t1 + y * t2;
  p_h = y1 * t1;
  z = p_l + p_h;
  j = hi(z);
  i = lo(z);
  if (j >= 0x40900000) {
    if (((j - 0x40900000) | i) !== 0) return s * huge * huge;
    if (p_l + ovt > z - p_h) return s * huge * huge;
  } else if ((j & 0x7fffffff) >= 0x4090cc00) {
    if (((j - 0xc090cc00) | i) !== 0) return s * tiny * tiny;
    if (p_l <= z - p_h) return s * tiny * tiny;
  }
  i = j & 0x7fffffff;
  k = (i >> 20) - 0x3ff;
  n = 0;
  if (i > 0x3fe00000) {
    n = j + (0x00100000 >> (k + 1));
    k = ((n & 0x7fffffff) >> 20) - 0x3ff;
    t = fromWords(n & ~(0x000fffff >> k), 0);
    n = ((n & 0x000fffff) | 0x00100000) >> (20 - k);
    if (j < 0) n = -n;
    p_h -= t;
  }
  t = withLow(p_l + p_h, 0);
  u = t * lg2_h;
  v = (p_l - (t - p_h)) * lg2 + t * lg2_l;
  z = u + v;
  w = v - (z - u);
  t = z * z;
  t1 = z - t * (P1 + t * (P2 + t * (P3 + t * (P4 + t * P5))));
  r = (z * t1) / (t1 - 2 - (w + z * w));
  z = 1 - (r - z);
  j = hi(z);
  j += (n << 20) | 0;
  if (j >> 20 <= 0) z = scalbn(z, n);
  else z = withHigh(z, (hi(z) + (n << 20)) | 0);
  return s * z;
}

// cosh, sinh, tanh: V8's formulas on (the polyfilled) exp and expm1
export function cosh(x: number): number {
  const ix = hi(x) & 0x7fffffff;
  if (ix < 0x3fd62e43) {
    const t = Math.expm1(Math.abs(x));
    const w = 1 + t;
    if (ix < 0x3c800000) return w;
    return 1 + (t * t) / (w + w);
  }
  if (ix < 0x40360000) {
    const t = Math.exp(Math.abs(x));
    return 0.5 * t + 0.5 / t;
  }
  if (ix < 0x40862e42) return 0.5 * Math.exp(Math.abs(x));
  if (Math.abs(x) <= 710.4758600739439) {
    const w = Math.exp(0.5 * Math.abs(x));
    const t = 0.5 * w;
    return t * w;
  }
  if (ix >= 0x7ff00000) return x * x;
  return Infinity;
}

export function sinh(x: number): number {
  const h = x < 0 ? -0.5 : 0.5;
  const ax = Math.abs(x);
  if (ax < 22) {
    if (ax < 3.725290298461914e-9) return x;
    const t = Math.expm1(ax);
    if (ax < 1) return h * (2 * t - (t * t) / (t + 1));
    return h * (t + t / (t + 1));
  }
  if (ax < 709.7822265625) return h * Math.exp(ax);
  if (ax <= 710.4758600739439) {
    const w = Math.exp(0.5 * ax);
    const t = h * w;
    return t * w;
  }
  return x * 1.0e307;
}

export function tanh(x: number): number {
  const jx = hi(x);
  const ix = jx & 0x7fffffff;
  let z: number;
  if (ix >= 0x7ff00000) return jx >= 0 ? 1 / x + 1 : 1 / x - 1;
  if (ix < 0x40360000) {
    if (ix < 0x3e300000) return x;
    if (ix >= 0x3ff00000) {
      const t = Math.expm1(2 * Math.abs(x));
      z = 1 - 2 / (t + 2);
    } else {
      const t = Math.expm1(-2 * Math.abs(x));
      z = -t / (t + 2);
    }
  } else z = 1 - 1e-300;
  return jx >= 0 ? z : -z;
}
