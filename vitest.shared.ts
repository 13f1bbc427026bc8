// Shared vitest settings: tests import sibling packages from source, so a test run
// never depends on a stale build. The CLI's own tests spawn the built binary instead.
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const root = fileURLToPath(new URL('.', import.meta.url));

export const snrlabAliases = [
  { find: /^@snrlab\/([a-z-]+)$/, replacement: `${root}packages/$1/src/index.ts` },
  { find: /^@snrlab\/([a-z-]+)\/([a-z-]+)$/, replacement: `${root}packages/$1/src/$2.ts` },
];

export function packageConfig(extra: { testTimeout?: number } = {}) {
  return defineConfig({
    resolve: { alias: snrlabAliases },
    test: {
      include: ['test/**/*.test.ts'],
      testTimeout: extra.testTimeout ?? 60_000,
      hookTimeout: 60_000,
      pool: 'forks',
      maxWorkers: 2,
    },
  });
}
