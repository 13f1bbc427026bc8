/**
 * TensorFlow.js backends: 'wasm' and 'cpu' (always installed) and 'node' / 'node-gpu'
 * (optional dependencies: they download libtensorflow when they install, so they are loaded
 * with a dynamic import and reported, never required). TF.js computes in float32; noise still
 * comes from core streams so a seed means the same thing on every backend.
 */
import { createRequire } from 'node:module';
import path from 'node:path';
import ndarray, { type NdArray } from 'ndarray';
import { ParameterError, type EnsembleNoise, type Stream } from '@snrlab/core';
import { checkMatmul, contiguous, reducedShape } from './nd.js';
import { driftInto } from './js.js';
import type { Backend, BackendName, Drift, EMStepParams, StepScratch } from './types.js';
import { makeScratch } from './types.js';

type TF = typeof import('@tensorflow/tfjs-core');

export const TFJS_BACKENDS = {
  cpu: { priority: 100, tfName: 'cpu', packageName: '@tensorflow/tfjs-backend-cpu' },
  wasm: { priority: 120, tfName: 'wasm', packageName: '@tensorflow/tfjs-backend-wasm' },
  node: { priority: 150, tfName: 'tensorflow', packageName: '@tensorflow/tfjs-node' },
  'node-gpu': { priority: 300, tfName: 'tensorflow', packageName: '@tensorflow/tfjs-node-gpu' },
} as const;

export type TfjsBackendName = keyof typeof TFJS_BACKENDS;

const require = createRequire(import.meta.url);

/** Import TF.js and the backend's package; throws with the reason if it cannot be loaded. */
export async function loadTfjs(name: TfjsBackendName): Promise<{ tf: TF; version: string }> {
  const info = TFJS_BACKENDS[name];
  let tf: TF;
  if (name === 'node' || name === 'node-gpu') {
    // these packages re-export the whole of TF.js with their native backend registered
    tf = (await import(/* @vite-ignore */ info.packageName)) as unknown as TF;
  } else {
    tf = await import('@tensorflow/tfjs-core');
    if (name === 'cpu') await import('@tensorflow/tfjs-backend-cpu');
    else {
      const wasm = await import('@tensorflow/tfjs-backend-wasm');
      const dir = path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json'));
      wasm.setWasmPaths(path.join(dir, 'dist') + path.sep);
    }
  }
  const ok = await tf.setBackend(info.tfName);
  if (!ok) throw new Error(`TF.js could not initialise the '${info.tfName}' backend`);
  await tf.ready();
  let version = tf.version_core;
  try {
    version = (require(`${info.packageName}/package.json`) as { version: string }).version;
  } catch {
    /* keep the core version */
  }
  return { tf, version };
}

/** Create a TF.js-backed `Backend`; rejects if the package is missing or fails to initialise. */
export async function createTfjsBackend(name: TfjsBackendName): Promise<Backend> {
  const info = TFJS_BACKENDS[name];
  const { tf, version } = await loadTfjs(name);
  const use = () => {
    // switching to an initialised backend is synchronous in TF.js
    if (tf.getBackend() !== info.tfName) void tf.setBackend(info.tfName);
  };
  let cached: StepScratch | null = null;
  const f32 = (a: NdArray) => {
    const c = contiguous(a);
    return tf.tensor(Float32Array.from(c.data), c.shape);
  };
  type T = ReturnType<TF['tensor']>;
  // compute inside tidy (frees intermediates), copy out as float64, free the result
  const run = (fn: () => T): NdArray<Float64Array> => {
    use();
    const t = tf.tidy(fn);
    const r = ndarray(Float64Array.from(t.dataSync()), t.shape.slice());
    t.dispose();
    return r;
  };

  const emStep = (x: Float64Array, n: number, d: number, drift: Drift, p: EMStepParams, noise: EnsembleNoise, scratch?: StepScratch): number => {
    use();
    const size = n * d;
    if (x.length !== size) throw new ParameterError('x.length', x.length, `n·d = ${size}`);
    let sc = scratch;
    if (!sc) {
      if (!cached || cached.noise.length !== size) cached = makeScratch(size);
      sc = cached;
    }
    noise.fillNormal(sc.noise);
    const sq = Math.sqrt(p.dt);
    const result = tf.tidy(() => {
      const X = tf.tensor2d(Float32Array.from(x), [n, d]);
      let F;
      if (drift.kind === 'linear') F = tf.mul(tf.sub(X, drift.center ?? 0), -drift.rate);
      else if (drift.kind === 'double-well') F = tf.add(tf.sub(X, tf.pow(X, 3)), drift.tilt ?? 0);
      else {
        driftInto(drift, x, sc.drift, n, d, p.t ?? 0);
        F = tf.tensor2d(Float32Array.from(sc.drift), [n, d]);
      }
      const s = typeof p.sigma === 'number' ? p.sigma * sq : tf.mul(tf.tensor1d(Float32Array.from(p.sigma)), sq);
      const Xi = tf.tensor2d(Float32Array.from(sc.noise), [n, d]);
      return tf.add(tf.add(X, tf.mul(F, p.dt)), tf.mul(Xi, s)).dataSync();
    });
    let bad = -1;
    for (let i = 0; i < size; i++) {
      const v = result[i];
      x[i] = v;
      if (v - v !== 0 && bad < 0) bad = i;
    }
    return bad;
  };

  return {
    name,
    priority: info.priority,
    precision: 'float32',
    packageName: info.packageName,
    version,
    fillNormal(source: Stream | EnsembleNoise, o: Float64Array) {
      return source.fillNormal(o);
    },
    emStep,
    matmul(a, b) {
      checkMatmul(a, b, false);
      return run(() => tf.matMul(f32(a), f32(b)));
    },
    batchedMatmul(a, b) {
      checkMatmul(a, b, true);
      return run(() => tf.matMul(f32(a), f32(b)));
    },
    mean(x, axis) {
      reducedShape(x.shape, axis);
      return run(() => tf.mean(f32(x), axis));
    },
    variance(x, axis, ddof = 1) {
      reducedShape(x.shape, axis);
      const n = axis === undefined ? x.size : x.shape[axis];
      return run(() => tf.mul(tf.moments(f32(x), axis).variance, n / (n - ddof)));
    },
    covariance(x, ddof = 1) {
      if (x.shape.length !== 2) throw new ParameterError('x.shape', x.shape, 'a 2-D [samples, variables] array');
      const n = x.shape[0];
      return run(() => {
        const X = f32(x);
        const C = tf.sub(X, tf.mean(X, 0));
        return tf.div(tf.matMul(C, C, true, false), n - ddof);
      });
    },
    dispose() {
      cached = null;
    },
  };
}

export type { BackendName };
