/**
 * Matrix products and reductions on row-major Float64Arrays, run through an `@snrlab/tensor`
 * backend. The default is tensor's float64 'js' backend; a TF.js backend computes in float32.
 */
import { matMul as coreMatMul, ParameterError } from '@snrlab/core';
import { defaultBackend, zeros, type Backend } from '@snrlab/tensor';

export type { Backend };

type Nd = ReturnType<typeof zeros>;

/**
 * Products below this many multiply-adds are core's `matMul` (each C[i][j] summed in ascending k,
 * as tensor's float64 kernel does): for the tiny matrices of small models the cost of wrapping
 * them for a backend would exceed the arithmetic. Larger products, and every product on a float32
 * backend, go through the backend.
 */
export const SMALL = 16_384;

/** Wrap a row-major m×n Float64Array as a tensor ndarray (one copy into the backend's layout). */
function wrap(data: Float64Array, rows: number, cols: number): Nd {
  const a = zeros([rows, cols]);
  a.data.set(data.length === rows * cols ? data : data.subarray(0, rows * cols));
  return a;
}

function checkSize(name: string, a: Float64Array, need: number): void {
  if (a.length < need) throw new ParameterError(`${name}.length`, a.length, `at least ${need} (the shapes given)`);
}

/**
 * C = op(A)·op(B) with op(X) = X or Xᵀ. A is stored m×k (or k×m when `transA`), B k×n (or n×k
 * when `transB`); C is m×n, row-major.
 */
export function matmul(
  backend: Backend,
  a: Float64Array,
  b: Float64Array,
  m: number,
  k: number,
  n: number,
  opts: { transA?: boolean; transB?: boolean } = {},
): Float64Array {
  checkSize('a', a, m * k);
  checkSize('b', b, k * n);
  if (m * k * n <= SMALL && backend.precision === 'float64') return coreMatMul(a, b, m, k, n, opts);
  const A = opts.transA ? wrap(a, k, m).transpose(1, 0) : wrap(a, m, k);
  const B = opts.transB ? wrap(b, n, k).transpose(1, 0) : wrap(b, k, n);
  return backend.matmul(A, B).data as Float64Array;
}

/**
 * Batched C[i] = op(A[i])·B[i]: A[i] stored m×k (k×m when `transA`), B[i] k×n, C [batch, m, n].
 */
export function batchedMatmul(
  backend: Backend,
  a: Float64Array,
  b: Float64Array,
  batch: number,
  m: number,
  k: number,
  n: number,
  opts: { transA?: boolean } = {},
): Float64Array {
  checkSize('a', a, batch * m * k);
  checkSize('b', b, batch * k * n);
  const A3 = zeros(opts.transA ? [batch, k, m] : [batch, m, k]);
  A3.data.set(a.subarray(0, batch * m * k));
  const B3 = zeros([batch, k, n]);
  B3.data.set(b.subarray(0, batch * k * n));
  return backend.batchedMatmul(opts.transA ? A3.transpose(0, 2, 1) : A3, B3).data as Float64Array;
}

/** Column means of a row-major rows×cols matrix. */
export function columnMeans(backend: Backend, x: Float64Array, rows: number, cols: number): Float64Array {
  if (rows * cols <= SMALL && backend.precision === 'float64') {
    const out = new Float64Array(cols);
    for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) out[c] += x[r * cols + c];
    for (let c = 0; c < cols; c++) out[c] /= rows;
    return out;
  }
  return backend.mean(wrap(x, rows, cols), 0).data as Float64Array;
}

/** Covariance (ddof 1 by default) of the columns of a rows×cols matrix whose rows are samples. */
export function covariance(backend: Backend, x: Float64Array, rows: number, cols: number, ddof = 1): Float64Array {
  return backend.covariance(wrap(x, rows, cols), ddof).data as Float64Array;
}

export { defaultBackend };
