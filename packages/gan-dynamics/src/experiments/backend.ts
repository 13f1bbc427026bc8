/** The tensor backend a task computes on, from the run's backend name (backends cannot cross threads). */
import { defaultBackend, getBackend, type Backend } from '@snrlab/tensor';

/** 'js' (the default) gives the float64 default; any other name is loaded and recorded with `usedBackend`. */
export async function tensorBackend(name: string, usedBackend: (name: string) => void): Promise<Backend> {
  if (name === 'js') return defaultBackend();
  const b = await getBackend(name);
  usedBackend(b.name);
  return b;
}
