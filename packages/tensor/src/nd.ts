// eslint-disable-next-line @typescript-eslint/triple-slash-reference -- ndarray-ops ships no types; this pulls in our ambient declaration wherever nd.ts is compiled
/// <reference path="./ndarray-ops.d.ts" />
/** ndarray helpers: the CPU interchange type of every backend. */
import ndarray, { type NdArray } from 'ndarray';
import ops from 'ndarray-ops';
import { ParameterError } from '@snrlab/core';

/** A contiguous row-major Float64 copy of any ndarray (no copy if it already is one). */
export function contiguous(a: NdArray): NdArray<Float64Array> {
  const size = a.size;
  let rowMajor = a.data instanceof Float64Array && a.offset === 0 && a.data.length === size;
  let s = 1;
  for (let i = a.shape.length - 1; rowMajor && i >= 0; i--) {
    if (a.stride[i] !== s) rowMajor = false;
    s *= a.shape[i];
  }
  if (rowMajor) return a as NdArray<Float64Array>;
  const out = ndarray(new Float64Array(size), a.shape.slice());
  ops.assign(out, a);
  return out;
}

export function zeros(shape: number[]): NdArray<Float64Array> {
  return ndarray(new Float64Array(shape.reduce((p, v) => p * v, 1)), shape);
}

export function checkMatmul(a: NdArray, b: NdArray, batched: boolean): void {
  const rank = batched ? 3 : 2;
  if (a.shape.length !== rank) throw new ParameterError('a.shape', a.shape, `a ${rank}-D array`);
  if (b.shape.length !== rank) throw new ParameterError('b.shape', b.shape, `a ${rank}-D array`);
  const ka = a.shape[rank - 1];
  const kb = b.shape[rank - 2];
  if (ka !== kb) throw new ParameterError('b.shape', b.shape, `inner dimension ${ka} to match a.shape ${JSON.stringify(a.shape)}`);
  if (batched && a.shape[0] !== b.shape[0]) throw new ParameterError('b.shape[0]', b.shape[0], `the batch size ${a.shape[0]} of a`);
}

/** Shape after removing `axis`; validates the axis. */
export function reducedShape(shape: readonly number[], axis: number | undefined): number[] {
  if (axis === undefined) return [];
  if (!Number.isInteger(axis) || axis < 0 || axis >= shape.length) {
    throw new ParameterError('axis', axis, `an integer in [0, ${shape.length - 1}]`);
  }
  return shape.filter((_, i) => i !== axis);
}
