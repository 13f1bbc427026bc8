import { defineConfig } from 'vitest/config';
import { snrlabAliases } from '../vitest.shared.ts';

// Cross-package tests: the cross-domain identities and end-to-end runs.
export default defineConfig({
  resolve: { alias: snrlabAliases },
  test: { include: ['tests/**/*.test.ts'], testTimeout: 300_000, hookTimeout: 300_000, pool: 'forks', maxWorkers: 2 },
});
