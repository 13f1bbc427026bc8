import { describe, expect, it } from 'vitest';
import { Stream } from '../src/random/stream.js';
import { Moments } from '../src/stats/moments.js';
import { ksTest } from '../src/stats/tests.js';
import { normalCdf } from '../src/stats/special.js';

const draws = (s: Stream, n: number) => Array.from({ length: n }, () => s.nextUint32());

describe('Stream', () => {
  it('is a pure function of (seed, path)', () => {
    const a = Stream.fromSeed(42).child('sgd').child(3);
    const b = Stream.fromPath(42, ['sgd', 3]);
    expect(draws(a, 100)).toEqual(draws(b, 100));
    expect(a.path).toEqual(['sgd', 3]);
  });

  it('children do not depend on the parent position', () => {
    const p = Stream.fromSeed(7);
    const c1 = p.child('x');
    p.skip(12345);
    p.normal();
    const c2 = p.child('x');
    expect(draws(c1, 50)).toEqual(draws(c2, 50));
  });

  it('different labels, seeds and types give different streams', () => {
    const base = Stream.fromSeed(1);
    const seqs = [base.child(0), base.child(1), base.child('0'), base.child('a'), Stream.fromSeed(2).child(0), base.child(0).child(0)].map(
      (s) => draws(s, 4).join(','),
    );
    expect(new Set(seqs).size).toBe(seqs.length);
  });

  it('string and bigint seeds work; bad seeds and labels are refused by name', () => {
    expect(draws(Stream.fromSeed('experiment-1'), 3)).toEqual(draws(Stream.fromSeed('experiment-1'), 3));
    expect(draws(Stream.fromSeed(5n), 3)).toEqual(draws(Stream.fromSeed(5), 3));
    expect(() => Stream.fromSeed(-1)).toThrow(/seed: -1/);
    expect(() => Stream.fromSeed(1.5)).toThrow(RangeError);
    expect(() => Stream.fromSeed(1).child(-2)).toThrow(/label: -2/);
  });

  it('state() and restore() continue the same sequence', () => {
    const s = Stream.fromSeed(3).child('restore');
    for (let i = 0; i < 777; i++) s.normal();
    const st = JSON.parse(JSON.stringify(s.state()));
    const r = Stream.restore(st);
    expect(r.position).toBe(s.position);
    expect(Array.from({ length: 2000 }, () => r.normal())).toEqual(Array.from({ length: 2000 }, () => s.normal()));
  });

  it('seek() jumps to an absolute position', () => {
    const a = Stream.fromSeed(9);
    const all = draws(a, 3000);
    const b = Stream.fromSeed(9);
    b.seek(1234);
    expect(draws(b, 10)).toEqual(all.slice(1234, 1244));
  });

  it('fillNormal gives exactly the values of repeated normal() calls', () => {
    const a = Stream.fromSeed(11).child('fill');
    const b = a.clone();
    const out = new Float64Array(100_003);
    a.fillNormal(out);
    const ref = Float64Array.from({ length: out.length }, () => b.normal());
    expect(Buffer.from(out.buffer).equals(Buffer.from(ref.buffer))).toBe(true);
    expect(a.position).toBe(b.position);
  });

  it('the WebAssembly ziggurat matches normal() for any start offset and length', () => {
    for (let trial = 0; trial < 60; trial++) {
      const s = Stream.fromSeed(trial).child('offsets');
      s.skip(trial % 7);
      const c = s.clone();
      const n = 64 + ((trial * 977) % 9000);
      const out = s.fillNormal(new Float64Array(n), 0.5, 2);
      for (let i = 0; i < n; i++) {
        const v = 0.5 + 2 * c.normal();
        if (!Object.is(v, out[i])) throw new Error(`trial ${trial}: value ${i} is ${out[i]}, expected ${v}`);
      }
      expect(s.position).toBe(c.position);
    }
  });

  it('fillUniform gives exactly the values of repeated uniform() calls, at any offset and length', () => {
    for (const [skip, n] of [
      [0, 64],
      [1, 1000],
      [3, 16385],
      [2, 40001],
      [5, 63],
    ]) {
      const s = Stream.fromSeed(n).child('u');
      s.skip(skip);
      const c = s.clone();
      const out = s.fillUniform(new Float64Array(n), -2, 3);
      for (let i = 0; i < n; i++) {
        const v = -2 + 5 * c.uniform();
        if (!Object.is(v, out[i])) throw new Error(`n ${n}: value ${i} is ${out[i]}, expected ${v}`);
      }
      expect(s.position).toBe(c.position);
      expect(s.nextUint32()).toBe(c.nextUint32());
    }
  });

  it('interleaved fills of two streams continue each one exactly (the module keeps one buffer)', () => {
    const a = Stream.fromSeed(3).child('a');
    const b = Stream.fromSeed(3).child('b');
    const ra = a.clone();
    const rb = b.clone();
    const parts: [Stream, Stream, number][] = [
      [a, ra, 5000],
      [a, ra, 700],
      [b, rb, 3000],
      [a, ra, 64],
      [b, rb, 20000],
    ];
    for (const [s, ref, n] of parts) {
      const out = s.fillNormal(new Float64Array(n));
      const exp = Float64Array.from({ length: n }, () => ref.normal());
      expect(Buffer.from(out.buffer).equals(Buffer.from(exp.buffer))).toBe(true);
      // draws in JS between fills move the stream past the module's buffer
      expect(s.nextUint32()).toBe(ref.nextUint32());
    }
  });

  it('normal() is N(0,1): moments within 4 SE and a KS test', () => {
    const s = Stream.fromSeed(2024);
    const n = 200_000;
    const x = s.fillNormal(new Float64Array(n));
    const m = Moments.of(x);
    expect(Math.abs(m.mean)).toBeLessThan(4 / Math.sqrt(n));
    expect(Math.abs(m.variance - 1)).toBeLessThan(4 * Math.sqrt(2 / n));
    expect(Math.abs(m.skewness)).toBeLessThan(4 * Math.sqrt(6 / n));
    expect(Math.abs(m.kurtosis)).toBeLessThan(4 * Math.sqrt(24 / n));
    expect(ksTest(x, (v) => normalCdf(v)).pValue).toBeGreaterThan(0.01);
    // the tails come from the slow path of the ziggurat: P(|Z| > 3.65) = 2.6e-4
    let tail = 0;
    for (const v of x) if (Math.abs(v) > 3.6541528853610088) tail++;
    const p = 2 * (1 - normalCdf(3.6541528853610088));
    expect(Math.abs(tail - n * p)).toBeLessThan(4 * Math.sqrt(n * p));
  });

  it('uniform() is on [0,1) with 53-bit resolution and passes KS', () => {
    const s = Stream.fromSeed(5);
    const n = 100_000;
    const x = s.fillUniform(new Float64Array(n));
    let fractional = false;
    for (const v of x) {
      expect(v >= 0 && v < 1).toBe(true);
      if (Math.floor(v * 2 ** 32) !== v * 2 ** 32) fractional = true;
    }
    expect(fractional).toBe(true);
    expect(ksTest(x, (v) => Math.min(1, Math.max(0, v))).pValue).toBeGreaterThan(0.01);
  });

  it('integer(n) is unbiased', () => {
    const s = Stream.fromSeed(8);
    const counts = new Array(7).fill(0);
    const n = 70_000;
    for (let i = 0; i < n; i++) counts[s.integer(7)]++;
    for (const c of counts) expect(Math.abs(c - n / 7)).toBeLessThan(4 * Math.sqrt((n * (1 / 7) * 6) / 7));
    expect(() => s.integer(0)).toThrow(/n: 0/);
  });
});
