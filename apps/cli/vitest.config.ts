import { defineConfig } from 'vitest/config';

// The CLI's tests spawn the built binary (dist/cli.js), as a user runs it. Two files at a time: a
// spawned CLI spends most of its time starting up (module compilation), so two overlap well.
export default defineConfig({
  test: { include: ['test/**/*.test.ts'], testTimeout: 120_000, hookTimeout: 120_000, pool: 'forks', maxWorkers: 2 },
});
