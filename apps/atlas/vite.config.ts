/**
 * The atlas bundles the engines' built packages (the code the CLI runs) for the browser. Core's
 * index also exports the Node worker pool, and @snrlab/tensor can load TF.js: their Node
 * built-ins are aliased to small shims that are never called here (tasks run in Web Workers,
 * on the js backend), and TF.js is left out.
 */
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const shim = (f: string) => fileURLToPath(new URL(`./src/shims/${f}`, import.meta.url));
const builtins = ['worker_threads', 'os', 'module', 'path', 'fs'];

// tensor imports the node:fs / node:module shims both statically and dynamically: expected here
const onwarn = (warning: { code?: string }, warn: (w: never) => void) => {
  if (warning.code === 'INEFFECTIVE_DYNAMIC_IMPORT') return;
  warn(warning as never);
};

export default defineConfig({
  base: './',
  resolve: {
    alias: [
      ...builtins.map((b) => ({ find: new RegExp(`^(node:)?${b}$`), replacement: shim('node-builtins.ts') })),
      { find: /^comlink\/dist\/umd\/node-adapter(\.js)?$/, replacement: shim('comlink-node-adapter.ts') },
      { find: /^@tensorflow\/tfjs-(core|backend-cpu|backend-wasm)$/, replacement: shim('tfjs.ts') },
    ],
  },
  worker: { format: 'es', rollupOptions: { onwarn } },
  // not minified: the minifier rewrites Math.pow(a, b) as a ** b, which bypasses Node's pow (src/node-math.ts)
  build: {
    target: 'es2022',
    outDir: 'dist',
    emptyOutDir: true,
    minify: false,
    chunkSizeWarningLimit: 8000,
    sourcemap: false,
    rollupOptions: { onwarn },
  },
  server: { host: '127.0.0.1' },
  preview: { host: '127.0.0.1' },
});
