/**
 * The 'js' backend: fused Float64Array kernels, the CPU default. An ensemble step with a drift
 * given as data runs fused with its draws (fused-em.ts); any other drift fills the noise
 * block-wise from core streams and applies drift and noise in one pass, with no allocation per
 * step.
 */
import ndarray, { type NdArray } from 'ndarray';
import { EnsembleNoise, matMul, ParameterError, type Stream } from '@snrlab/core';
import { checkMatmul, contiguous, reducedShape } from './nd.js';
import { derivativeHorner, ensembleEMSteps, fusedDrift, hornerAt } from './fused-em.js';
import type { KernelDrift } from './kernel-types.js';
import type { Backend, Divergence, Drift, EMStepParams, StepScratch } from './types.js';
import { makeScratch } from './types.js';

/** One EM step on plain arrays; shared by the js backend and the worker-pool ensemble task. */
export function emStepJS(
  x: Float64Array,
  n: number,
  d: number,
  drift: Drift,
  p: EMStepParams,
  noise: EnsembleNoise,
  scratch: StepScratch,
): number {
  const size = n * d;
  if (x.length !== size) throw new ParameterError('x.length', x.length, `n·d = ${size}`);
  const dt = p.dt;
  const sq = Math.sqrt(dt);
  const sigma = p.sigma;
  if (typeof sigma === 'number' && drift.kind !== 'batched') {
    // a drift given as data: draws and update fused in one pass over x
    const r = ensembleEMSteps(noise, x, fusedDrift(drift, dt), sigma * sq, 1);
    return r ? r.index : -1;
  }
  const xi = scratch.noise.length === size ? scratch.noise : scratch.noise.subarray(0, size);
  noise.fillNormal(xi);
  let bad = -1;
  // general path: drift into scratch, per-dimension noise amplitude
  const f = scratch.drift.length === size ? scratch.drift : scratch.drift.subarray(0, size);
  driftInto(drift, x, f, n, d, p.t ?? 0);
  for (let j = 0; j < d; j++) {
    const s = (typeof sigma === 'number' ? sigma : sigma[j]) * sq;
    for (let i = j; i < size; i += d) {
      const v = x[i] + f[i] * dt + s * xi[i];
      x[i] = v;
      if (v - v !== 0 && (bad < 0 || i < bad)) bad = i;
    }
  }
  return bad;
}

/**
 * `steps` fused Euler–Maruyama steps with a drift given as data (closed form or polynomial) and a
 * scalar sigma, block by block (each block stays in cache for all its steps); the bytes of `steps`
 * calls of emStepJS. Shared by the js backend's `emSteps`, the registry's `ensemble-em` and the
 * worker-pool ensemble task.
 */
export function emStepsJS(
  x: Float64Array,
  n: number,
  d: number,
  drift: KernelDrift,
  p: { dt: number; sigma: number },
  steps: number,
  noise: EnsembleNoise,
): Divergence | null {
  const size = n * d;
  if (x.length !== size) throw new ParameterError('x.length', x.length, `n·d = ${size}`);
  return ensembleEMSteps(noise, x, fusedDrift(drift, p.dt), p.sigma * Math.sqrt(p.dt), steps);
}

/** Evaluate a drift for the whole ensemble into `out`. */
export function driftInto(drift: Drift, x: Float64Array, out: Float64Array, n: number, d: number, t: number): void {
  const size = n * d;
  switch (drift.kind) {
    case 'linear': {
      const c = drift.center ?? 0;
      for (let i = 0; i < size; i++) out[i] = -drift.rate * (x[i] - c);
      return;
    }
    case 'double-well': {
      const tilt = drift.tilt ?? 0;
      for (let i = 0; i < size; i++) out[i] = x[i] - x[i] * x[i] * x[i] + tilt;
      return;
    }
    case 'polynomial': {
      // −U′ as the fused kernels take it: x + (−h)·dt is x − h·dt exactly
      const g = derivativeHorner(drift);
      for (let i = 0; i < size; i++) out[i] = -hornerAt(g, x[i]);
      return;
    }
    case 'batched':
      drift.fn(x, out, n, d, t);
      if (out.length < size) throw new ParameterError('drift output length', out.length, `n·d = ${size}`);
      return;
  }
}

function reduce(x: NdArray, axis: number | undefined, ddof: number | null): NdArray<Float64Array> {
  const a = contiguous(x);
  const shape = a.shape;
  const outShape = reducedShape(shape, axis);
  const data = a.data;
  if (axis === undefined) {
    const n = data.length;
    let m = 0;
    for (let i = 0; i < n; i++) m += data[i];
    m /= n;
    if (ddof === null) return ndarray(Float64Array.of(m), []);
    let s = 0;
    for (let i = 0; i < n; i++) s += (data[i] - m) * (data[i] - m);
    return ndarray(Float64Array.of(s / (n - ddof)), []);
  }
  let outer = 1;
  for (let i = 0; i < axis; i++) outer *= shape[i];
  const len = shape[axis];
  let inner = 1;
  for (let i = axis + 1; i < shape.length; i++) inner *= shape[i];
  const out = new Float64Array(outer * inner);
  for (let o = 0; o < outer; o++) {
    const base = o * len * inner;
    for (let i = 0; i < inner; i++) {
      let m = 0;
      for (let l = 0; l < len; l++) m += data[base + l * inner + i];
      m /= len;
      if (ddof === null) out[o * inner + i] = m;
      else {
        let s = 0;
        for (let l = 0; l < len; l++) {
          const v = data[base + l * inner + i] - m;
          s += v * v;
        }
        out[o * inner + i] = s / (len - ddof);
      }
    }
  }
  return ndarray(out, outShape);
}

/** C = A·B on contiguous row-major copies, by core's `matMul` (four rows of C per pass over B). */
export function matmulJS(a: NdArray, b: NdArray): NdArray<Float64Array> {
  checkMatmul(a, b, false);
  const [m, k] = a.shape;
  const n = b.shape[1];
  return ndarray(matMul(contiguous(a).data, contiguous(b).data, m, k, n), [m, n]);
}

export function createJsBackend(): Backend {
  let cached: StepScratch | null = null;
  return {
    name: 'js',
    priority: 200,
    precision: 'float64',
    fillNormal(source: Stream | EnsembleNoise, out: Float64Array) {
      return source.fillNormal(out);
    },
    emStep(x, n, d, drift, p, noise, scratch) {
      let sc = scratch;
      if (!sc) {
        if (!cached || cached.noise.length !== n * d) cached = makeScratch(n * d);
        sc = cached;
      }
      return emStepJS(x, n, d, drift, p, noise, sc);
    },
    emSteps: emStepsJS,
    matmul: matmulJS,
    batchedMatmul(a, b) {
      checkMatmul(a, b, true);
      const [batch, m] = a.shape;
      const n = b.shape[2];
      const out = new Float64Array(batch * m * n);
      for (let i = 0; i < batch; i++) {
        const c = matmulJS(a.pick(i, null, null), b.pick(i, null, null));
        out.set(c.data, i * m * n);
      }
      return ndarray(out, [batch, m, n]);
    },
    mean: (x, axis) => reduce(x, axis, null),
    variance: (x, axis, ddof = 1) => reduce(x, axis, ddof),
    covariance(x, ddof = 1) {
      if (x.shape.length !== 2) throw new ParameterError('x.shape', x.shape, 'a 2-D [samples, variables] array');
      const a = contiguous(x);
      const [n, d] = a.shape;
      const data = a.data;
      const mean = new Float64Array(d);
      for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) mean[j] += data[i * d + j];
      for (let j = 0; j < d; j++) mean[j] /= n;
      const C = new Float64Array(d * d);
      const r = new Float64Array(d);
      for (let i = 0; i < n; i++) {
        for (let j = 0; j < d; j++) r[j] = data[i * d + j] - mean[j];
        for (let j = 0; j < d; j++) {
          const rj = r[j];
          for (let k = j; k < d; k++) C[j * d + k] += rj * r[k];
        }
      }
      for (let j = 0; j < d; j++) {
        for (let k = j; k < d; k++) {
          const v = C[j * d + k] / (n - ddof);
          C[j * d + k] = v;
          C[k * d + j] = v;
        }
      }
      return ndarray(C, [d, d]);
    },
    dispose() {
      cached = null;
    },
  };
}
