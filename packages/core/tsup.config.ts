import { defineConfig } from 'tsup';

export default defineConfig({
  entry: { index: 'src/index.ts', register: 'src/register.ts', worker: 'src/executors/worker.ts' },
  format: ['esm', 'cjs'],
  dts: { entry: { index: 'src/index.ts', register: 'src/register.ts' }, compilerOptions: { paths: {} } },
  clean: true,
  shims: true,
  target: 'node20',
  platform: 'node',
  splitting: true,
  sourcemap: false,
});
