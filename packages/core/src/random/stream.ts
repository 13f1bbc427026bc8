/**
 * Splittable random streams on Philox4x32-10.
 *
 * A stream is identified by a 64-bit key and a 64-bit id (the high half of the 128-bit
 * counter); its low 64 counter bits count blocks. `child(label)` derives a new (key, id) by
 * running Philox as a mixing function over the parent's identity and the label, so a
 * stream is a pure function of (root seed, path). Results therefore never depend on how work
 * is chunked or how many workers ran it: a job names its path, not its position.
 */
import { philoxBlockJS, philoxFill, wasmFill, WASM_MAX_NORMALS } from './philox.js';
import { ZIG_F, ZIG_K, ZIG_R, ZIG_W } from './ziggurat.js';

export type PathLabel = string | number;

/** Serialisable state of a stream: restoring it continues the exact same sequence. */
export interface StreamState {
  readonly kind: 'philox4x32-10';
  readonly key: readonly [number, number];
  readonly id: readonly [number, number];
  /** 32-bit words consumed so far. */
  readonly position: number;
  /** Derivation path from the root, for manifests (not needed to restore). */
  readonly path: readonly PathLabel[];
  /** Root seed the path starts from, when known. */
  readonly seed?: number | string;
}

const TWO32 = 4294967296;
const TWO53_INV = 1 / 9007199254740992;
const TAG_INDEX = 0x1d3c5b79;

const TAG_STRING = 0x5a17e5c3;
const TAG_SEED = 0x0b5e55ed;
const MAX_BUF_BLOCKS = 256;

const scratch = new Uint32Array(4);
const utf8 = new TextEncoder();

function mix(c0: number, c1: number, c2: number, c3: number, k0: number, k1: number): Uint32Array {
  philoxBlockJS(c0, c1, c2, c3, k0, k1, scratch, 0);
  return scratch;
}

/** Absorb a string into 128 bits with Philox as the permutation of a simple sponge. */
function hashString(s: string, k0: number, k1: number, c2: number, c3: number, tag: number): Uint32Array {
  const bytes = utf8.encode(s);
  let h0 = bytes.length >>> 0;
  let h1 = 0;
  let h2 = c2 >>> 0;
  let h3 = c3 >>> 0;
  const kk0 = (k0 ^ tag) >>> 0;
  for (let i = 0; i <= bytes.length; i += 8) {
    let w0 = 0;
    let w1 = 0;
    for (let j = 0; j < 4 && i + j < bytes.length; j++) w0 |= bytes[i + j] << (8 * j);
    for (let j = 0; j < 4 && i + 4 + j < bytes.length; j++) w1 |= bytes[i + 4 + j] << (8 * j);
    const o = mix(h0 ^ w0, h1 ^ w1, h2, h3, kk0, k1);
    h0 = o[0];
    h1 = o[1];
    h2 = o[2];
    h3 = o[3];
  }
  scratch[0] = h0;
  scratch[1] = h1;
  scratch[2] = h2;
  scratch[3] = h3;
  return scratch;
}

function checkSeed(seed: unknown): void {
  if (typeof seed === 'number') {
    if (!Number.isSafeInteger(seed) || seed < 0) {
      throw new RangeError(`invalid seed: ${seed}; expected an integer in [0, 2^53) or a string`);
    }
  } else if (typeof seed !== 'string' && typeof seed !== 'bigint') {
    throw new TypeError(`invalid seed: ${String(seed)}; expected a non-negative integer, bigint or string`);
  }
}

export class Stream {
  private k0: number;
  private k1: number;
  private c2: number;
  private c3: number;
  private buf: Uint32Array;
  /** Block index (counter low 64 bits, as a JS number) of buf[0]. */
  private bufBlock = 0;
  private bufLen = 0;
  private pos = 0;
  private nextBlocks = 4;
  readonly path: readonly PathLabel[];
  readonly seed: number | string | undefined;

  private constructor(k0: number, k1: number, c2: number, c3: number, path: readonly PathLabel[], seed?: number | string) {
    this.k0 = k0 >>> 0;
    this.k1 = k1 >>> 0;
    this.c2 = c2 >>> 0;
    this.c3 = c3 >>> 0;
    this.path = path;
    this.seed = seed;
    this.buf = new Uint32Array(MAX_BUF_BLOCKS * 4);
  }

  /** The root stream for a seed: a non-negative safe integer, a bigint below 2^64, or a string. */
  static fromSeed(seed: number | bigint | string): Stream {
    checkSeed(seed);
    let lo: number;
    let hi: number;
    let tag = TAG_SEED;
    if (typeof seed === 'string') {
      const h = hashString(seed, 0, 0, 0, 0, TAG_STRING);
      lo = h[0];
      hi = h[1];
      tag = h[2];
    } else {
      const b = BigInt(seed);
      if (b < 0n || b >= 1n << 64n) throw new RangeError(`invalid seed: ${seed}; expected an integer in [0, 2^64)`);
      lo = Number(b & 0xffffffffn);
      hi = Number(b >> 32n);
    }
    const shown = typeof seed === 'bigint' ? seed.toString() : seed;
    return new Stream(lo, hi, tag, 0, [], shown);
  }

  /** Equivalent to `Stream.fromSeed(seed).child(path[0]).child(path[1])...`. */
  static fromPath(seed: number | bigint | string, path: readonly PathLabel[]): Stream {
    let s = Stream.fromSeed(seed);
    for (const p of path) s = s.child(p);
    return s;
  }

  /** Restore a stream from `state()`; it continues the same sequence. */
  static restore(state: StreamState): Stream {
    if (!state || state.kind !== 'philox4x32-10') {
      throw new TypeError(`invalid stream state: expected kind 'philox4x32-10', got ${String(state?.kind)}`);
    }
    const s = new Stream(state.key[0], state.key[1], state.id[0], state.id[1], [...state.path], state.seed);
    s.seek(state.position);
    return s;
  }

  /**
   * An independent stream derived from this one's identity and `label` (a string or a
   * non-negative safe integer). The parent's position is irrelevant: child('a') is the same
   * stream whenever it is asked for.
   */
  child(label: PathLabel): Stream {
    let o: Uint32Array;
    if (typeof label === 'number') {
      if (!Number.isSafeInteger(label) || label < 0) {
        throw new RangeError(`invalid stream label: ${label}; expected a non-negative safe integer or a string`);
      }
      o = mix(label >>> 0, Math.floor(label / TWO32) >>> 0, this.c2, this.c3, (this.k0 ^ TAG_INDEX) >>> 0, this.k1);
    } else if (typeof label === 'string') {
      o = hashString(label, this.k0, this.k1, this.c2, this.c3, TAG_STRING);
      o = mix(o[0], o[1], o[2], o[3], this.k0, (this.k1 ^ TAG_STRING) >>> 0);
    } else {
      throw new TypeError(`invalid stream label: ${String(label)}; expected a string or a non-negative integer`);
    }
    return new Stream(o[0], o[1], o[2], o[3], [...this.path, label], this.seed);
  }

  /** `n` children labelled 0..n-1. */
  children(n: number): Stream[] {
    const out: Stream[] = [];
    for (let i = 0; i < n; i++) out.push(this.child(i));
    return out;
  }

  /** Words consumed so far. */
  get position(): number {
    return this.bufBlock * 4 + this.pos;
  }

  state(): StreamState {
    return {
      kind: 'philox4x32-10',
      key: [this.k0, this.k1],
      id: [this.c2, this.c3],
      position: this.position,
      path: [...this.path],
      ...(this.seed !== undefined ? { seed: this.seed } : {}),
    };
  }

  /** A copy at the same position; the two then advance independently (and identically). */
  clone(): Stream {
    return Stream.restore(this.state());
  }

  /** Jump to an absolute word position. */
  seek(position: number): void {
    if (!Number.isSafeInteger(position) || position < 0) {
      throw new RangeError(`invalid position: ${position}; expected a non-negative safe integer`);
    }
    const block = Math.floor(position / 4);
    this.fillAt(block, 1);
    this.pos = position - block * 4;
  }

  /** Skip `words` 32-bit outputs. */
  skip(words: number): void {
    this.seek(this.position + words);
  }

  private fillAt(block: number, nBlocks: number): void {
    philoxFill(this.buf, nBlocks, block >>> 0, Math.floor(block / TWO32) >>> 0, this.c2, this.c3, this.k0, this.k1);
    this.bufBlock = block;
    this.bufLen = nBlocks * 4;
    this.pos = 0;
  }

  /** Refill with the blocks that follow the buffer; sizes grow so tiny streams stay cheap. */
  private refill(): void {
    const next = this.bufBlock + (this.bufLen >> 2);
    const n = this.nextBlocks;
    if (n < MAX_BUF_BLOCKS) this.nextBlocks = n * 2;
    this.fillAt(next, n);
  }

  /** Uniform 32-bit unsigned integer. */
  nextUint32(): number {
    if (this.pos >= this.bufLen) this.refill();
    return this.buf[this.pos++];
  }

  /** Uniform on [0, 1) with 53 random bits. */
  uniform(): number {
    if (this.pos + 2 > this.bufLen) {
      const a = this.nextUint32();
      return ((a >>> 5) * 67108864 + (this.nextUint32() >>> 6)) * TWO53_INV;
    }
    const buf = this.buf;
    const p = this.pos;
    this.pos = p + 2;
    return ((buf[p] >>> 5) * 67108864 + (buf[p + 1] >>> 6)) * TWO53_INV;
  }

  /** Uniform on (0, 1]: safe inside log(). */
  uniformPositive(): number {
    return 1 - this.uniform();
  }

  /** Uniform integer in [0, n) without modulo bias (Lemire's rejection on 32 bits; n ≤ 2^32). */
  integer(n: number): number {
    if (n <= 0 || n > TWO32 || !Number.isInteger(n)) {
      throw new RangeError(`invalid n: ${n}; expected an integer in [1, 2^32]`);
    }
    if (n === TWO32) return this.nextUint32();
    const limit = TWO32 - (TWO32 % n);
    for (;;) {
      const x = this.nextUint32();
      if (x < limit) return x % n;
    }
  }

  /** Standard normal N(0, 1) by the 256-layer ziggurat (one 64-bit draw in 99% of calls). */
  normal(): number {
    for (;;) {
      let a: number;
      let b: number;
      if (this.pos + 2 <= this.bufLen) {
        a = this.buf[this.pos];
        b = this.buf[this.pos + 1];
        this.pos += 2;
      } else {
        a = this.nextUint32();
        b = this.nextUint32();
      }
      const idx = a & 0xff;
      const rabs = (a >>> 9) * 536870912 + (b >>> 3); // 23 + 29 = 52 bits
      let x = rabs * ZIG_W[idx];
      if (a & 0x100) x = -x;
      if (rabs < ZIG_K[idx]) return x;
      const r = this.normalSlow(idx, x);
      if (r === r) return r; // NaN signals rejection
    }
  }

  /** Tail and wedge of the ziggurat; NaN means "rejected, draw again". */
  private normalSlow(idx: number, x: number): number {
    if (idx === 0) {
      for (;;) {
        const xx = -Math.log(this.uniformPositive()) / ZIG_R;
        const yy = -Math.log(this.uniformPositive());
        if (yy + yy > xx * xx) return x < 0 ? -(ZIG_R + xx) : ZIG_R + xx;
      }
    }
    if ((ZIG_F[idx - 1] - ZIG_F[idx]) * this.uniform() + ZIG_F[idx] < Math.exp(-0.5 * x * x)) return x;
    return NaN;
  }

  /** Standard exponential (rate 1) by inversion. */
  exponential(): number {
    return -Math.log(this.uniformPositive());
  }

  /** Fill `out` with U[lo, hi): the values of repeated lo + (hi − lo)·uniform() calls. */
  fillUniform(out: Float64Array, lo = 0, hi = 1): Float64Array {
    const w = hi - lo;
    let i = out.length >= 64 ? this.fillInModule(out, 'uniform', lo, w) : 0;
    for (; i < out.length; i++) out[i] = lo + w * this.uniform();
    return out;
  }

  /**
   * Fill `out` with N(mean, sd²): the same values as repeated `normal()` calls. Long fills run
   * the ziggurat inside the WebAssembly module, next to the generator.
   */
  fillNormal(out: Float64Array, mean = 0, sd = 1): Float64Array {
    const i = out.length >= 64 ? this.fillInModule(out, 'normal', mean, sd) : 0;
    return i < out.length ? this.fillNormalJS(out, i, mean, sd) : out;
  }

  /** Fill `out` in chunks the module holds; returns how far it got (0 without WebAssembly). */
  private fillInModule(out: Float64Array, kind: 'normal' | 'uniform', p1: number, p2: number): number {
    let i = 0;
    while (i < out.length) {
      const m = Math.min(WASM_MAX_NORMALS, out.length - i);
      const next = wasmFill(out, i, m, this.position, this.c2, this.c3, this.k0, this.k1, kind, p1, p2);
      if (next < 0) break;
      this.seek(next);
      i += m;
    }
    return i;
  }

  private fillNormalJS(out: Float64Array, from: number, mean: number, sd: number): Float64Array {
    const n = out.length;
    const buf = this.buf;
    let i = from;
    while (i < n) {
      let p = this.pos;
      const end = this.bufLen - 1;
      let slowA = -1;
      let slowB = 0;
      while (i < n && p < end) {
        const a = buf[p];
        const b = buf[p + 1];
        p += 2;
        const idx = a & 0xff;
        const rabs = (a >>> 9) * 536870912 + (b >>> 3);
        if (rabs < ZIG_K[idx]) {
          // branch-free sign: a 50/50 branch here costs more than the multiply
          const x = rabs * ZIG_W[idx] * (1 - ((a >>> 7) & 2));
          out[i++] = mean + sd * x;
        } else {
          slowA = a;
          slowB = b;
          break;
        }
      }
      this.pos = p;
      if (slowA >= 0) {
        const idx = slowA & 0xff;
        let x = ((slowA >>> 9) * 536870912 + (slowB >>> 3)) * ZIG_W[idx];
        if (slowA & 0x100) x = -x;
        const r = this.normalSlow(idx, x);
        out[i++] = mean + sd * (r === r ? r : this.normal());
      } else if (i < n) {
        // fewer than two words left: normal() straddles the refill
        out[i++] = mean + sd * this.normal();
      }
    }
    return out;
  }

  /** Fill `out` with standard exponentials. */
  fillExponential(out: Float64Array): Float64Array {
    for (let i = 0; i < out.length; i++) out[i] = -Math.log(this.uniformPositive());
    return out;
  }
}
