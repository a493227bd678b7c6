import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts', 'src/**/*.test.ts'],
    globalSetup: ['test/support/global-setup.ts'],
    pool: 'forks',
    testTimeout: 30000,
    hookTimeout: 60000,
    teardownTimeout: 30000,
    // Files spawn servers and workers; two cores take about this many at once.
    maxWorkers: 3,
  },
});
