import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
    environment: 'node',
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // Two cores on CI: one worker per core keeps DuckDB and the simulator from starving each other.
    pool: 'forks',
    maxWorkers: 2,
    reporters: ['default'],
  },
});
