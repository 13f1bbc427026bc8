// Minimal typings for the parts of ndarray-ops snrlab uses (the package ships none).
// Use the default import: its named exports fail at runtime under ESM.
declare module 'ndarray-ops' {
  import type { NdArray } from 'ndarray';
  const ops: {
    assign(out: NdArray, a: NdArray): NdArray;
    assigns(out: NdArray, s: number): NdArray;
    add(out: NdArray, a: NdArray, b: NdArray): NdArray;
    sub(out: NdArray, a: NdArray, b: NdArray): NdArray;
    mul(out: NdArray, a: NdArray, b: NdArray): NdArray;
    muls(out: NdArray, a: NdArray, s: number): NdArray;
    addeq(out: NdArray, a: NdArray): NdArray;
    mulseq(out: NdArray, s: number): NdArray;
    sum(a: NdArray): number;
    norm2squared(a: NdArray): number;
    sup(a: NdArray): number;
    inf(a: NdArray): number;
  };
  export default ops;
}
