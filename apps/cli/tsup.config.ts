import { defineConfig } from 'tsup';

export default defineConfig({
  entry: { cli: 'src/bin.ts', index: 'src/index.ts' },
  format: ['esm'],
  dts: { entry: { index: 'src/index.ts' }, compilerOptions: { paths: {} } },
  clean: true,
  target: 'node20',
  platform: 'node',
  splitting: true,
  // engines and vega stay external: the CLI loads the installed packages
  external: [/^@snrlab\//, 'vega', 'vega-lite'],
});
