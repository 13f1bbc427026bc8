/**
 * The one build every snrlab package shares: ESM + CJS + .d.ts with an exports map, for Node 20.
 * `dts.compilerOptions.paths` is cleared so declarations import sibling packages by name
 * (from their built dist) instead of inlining their sources.
 */
import { defineConfig, type Options } from 'tsup';

export function packageBuild(entry: Record<string, string>, opts: { dtsEntry?: Record<string, string> } = {}) {
  const options: Options = {
    entry,
    format: ['esm', 'cjs'],
    dts: { ...(opts.dtsEntry ? { entry: opts.dtsEntry } : {}), compilerOptions: { paths: {} } },
    clean: true,
    shims: true,
    target: 'node20',
    platform: 'node',
    splitting: true,
    sourcemap: false,
  };
  return defineConfig(options);
}
