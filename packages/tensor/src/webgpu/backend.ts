/**
 * The 'webgpu' entry of the backend registry: `detectBackends()` (and `snrlab backend`) list it
 * with its adapter. Its computations are the kernels registered for 'webgpu' in the kernel
 * registry (asynchronous: results are read back from the GPU). The synchronous array interface
 * of `Backend` is not implemented on the GPU: those methods throw a KernelUnavailableError that
 * names the kernel, so nothing is silently computed on the CPU under the webgpu name.
 */
import { KernelUnavailableError, kernelBackends } from '../kernels.js';
import type { Backend } from '../types.js';
import { acquireWebGPU, type AdapterReport } from './device.js';

export const WEBGPU_PRIORITY = 250;

export interface WebGPUBackend extends Backend {
  readonly adapter: AdapterReport;
}

function missing(kernel: string): never {
  throw new KernelUnavailableError(kernel, 'webgpu (synchronous)', kernelBackends(kernel));
}

/** Acquire the device and describe it; rejects with the reason when there is no adapter. */
export async function createWebGPUBackend(): Promise<WebGPUBackend> {
  const ctx = await acquireWebGPU();
  return {
    name: 'webgpu',
    priority: WEBGPU_PRIORITY,
    precision: 'float32',
    packageName: ctx.version ? 'webgpu' : undefined,
    version: ctx.version ?? ctx.report.api,
    adapter: ctx.report,
    fillNormal: () => missing('fill-normal'),
    emStep: () => missing('em-step'),
    matmul: () => missing('matmul'),
    batchedMatmul: () => missing('batched-matmul'),
    mean: () => missing('mean'),
    variance: () => missing('variance'),
    covariance: () => missing('covariance'),
    dispose() {
      /* the device lives as long as the process (Dawn) or the page */
    },
  };
}
