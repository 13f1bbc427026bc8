import { defineConfig } from 'vitest/config';

// The atlas's tests drive the built app (dist/) in headless Chromium and compare its numbers with
// the built CLI's, so they run after `npm run build` (nx: test depends on build).
export default defineConfig({
  test: { include: ['test/**/*.test.ts'], testTimeout: 120_000, hookTimeout: 120_000, pool: 'forks', maxWorkers: 1 },
});
