import { describe, expect, it } from 'vitest';
import wabtInit from 'wabt';
import { philoxBlockJS, philoxFill, philoxFillJS, philoxImplementation } from '../src/random/philox.js';
import { PHILOX_WASM_BASE64, WASM_LAYOUT } from '../src/random/philox-wasm.js';
// @ts-expect-error: the generator is plain JavaScript without type declarations
import { LAYOUT, WAT } from '../../../tools/wasm/build-philox.mjs';

// Random123 known-answer vectors for Philox4x32-10: (counter; key) -> output
const KAT: [number[], number[], number[]][] = [
  [[0, 0, 0, 0], [0, 0], [0x6627e8d5, 0xe169c58d, 0xbc57ac4c, 0x9b00dbd8]],
  [[0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff], [0xffffffff, 0xffffffff], [0x408f276d, 0x41c83b0e, 0xa20bc7c6, 0x6d5451fd]],
  [[0x243f6a88, 0x85a308d3, 0x13198a2e, 0x03707344], [0xa4093822, 0x299f31d0], [0xd16cfe09, 0x94fdcceb, 0x5001e420, 0x24126ea1]],
];

describe('Philox4x32-10', () => {
  it.each(KAT)('JS block matches the Random123 vector %#', (ctr, key, expected) => {
    const out = new Uint32Array(4);
    philoxBlockJS(ctr[0], ctr[1], ctr[2], ctr[3], key[0], key[1], out);
    expect(Array.from(out)).toEqual(expected);
  });

  it.each(KAT)('bulk fill matches the Random123 vector %#', (ctr, key, expected) => {
    const out = new Uint32Array(4);
    philoxFill(out, 1, ctr[0], ctr[1], ctr[2], ctr[3], key[0], key[1]);
    expect(Array.from(out)).toEqual(expected);
  });

  it('uses WebAssembly in Node', () => {
    expect(philoxImplementation()).toBe('wasm');
  });

  it('WebAssembly and JS fills agree, including the 64-bit counter carry and chunking', () => {
    const n = 5000; // more than one 4096-block WebAssembly chunk
    for (const [c0, c1] of [
      [0, 0],
      [0xfffffff0, 7],
      [0xffffffff - 4500, 0xffffffff],
    ]) {
      const a = new Uint32Array(4 * n);
      const b = new Uint32Array(4 * n);
      philoxFill(a, n, c0, c1, 0xdeadbeef, 0x12345678, 0x9abcdef0, 0x0fedcba9);
      philoxFillJS(b, n, c0, c1, 0xdeadbeef, 0x12345678, 0x9abcdef0, 0x0fedcba9);
      expect(Buffer.from(a.buffer).equals(Buffer.from(b.buffer))).toBe(true);
    }
  });

  it('the committed module is what tools/wasm/build-philox.mjs generates', async () => {
    const wabt = await wabtInit();
    const mod = wabt.parseWat('philox.wat', WAT, { simd: true });
    mod.validate();
    const { buffer } = mod.toBinary({});
    expect(Buffer.from(buffer).toString('base64')).toBe(PHILOX_WASM_BASE64);
    // browsers compile modules synchronously on the main thread only below 4 KiB
    expect(buffer.length).toBeLessThan(4096);
    expect(WASM_LAYOUT).toEqual(LAYOUT);
  });
});
