import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts', 'src/**/*.test.ts'],
    globalSetup: ['test/support/global-setup.ts'],
    pool: 'forks',
    // Tests wait for events; these only bound a failure, so they leave room for a machine several
    // times slower than this one (a slow test here takes ~10 s).
    testTimeout: 120000,
    hookTimeout: 120000,
    teardownTimeout: 60000,
    // Files spawn servers and workers; two cores take about this many at once.
    maxWorkers: 3,
  },
});
