/** Helpers shared by this package's experiments. */
import { ParameterError } from '@snrlab/core';
import { backendOf, getBackend, type Backend } from '@snrlab/tensor';

export { simultaneousVerdicts, ksVerdict, jackknifeSE } from '@snrlab/core';

/** Split N replicas into jobs of `chunk` replicas (a multiple of the block size): [firstBlock, replicas]. */
export function replicaJobs(N: number, chunk: number, blockSize: number): { firstBlock: number; replicas: number }[] {
  if (chunk % blockSize !== 0) throw new ParameterError('chunk', chunk, `a multiple of the block size ${blockSize}`);
  const out: { firstBlock: number; replicas: number }[] = [];
  for (let start = 0; start < N; start += chunk) out.push({ firstBlock: start / blockSize, replicas: Math.min(chunk, N - start) });
  return out;
}

export const fmt = (v: number, digits = 4) => (Number.isFinite(v) ? Number(v.toPrecision(digits)) : v);


/** The name of the run's backend, to send to tasks (backends cannot cross threads). */
export function backendName(ctx: { backend?: { name: string } | undefined }): string {
  return backendOf(ctx).name;
}

/** The backend a task should use: undefined for the default 'js', else the named one. */
export async function taskBackend(name: string | undefined): Promise<Backend | undefined> {
  return !name || name === 'js' ? undefined : getBackend(name);
}
