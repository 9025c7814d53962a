import { defineConfig } from 'vitest/config';

/**
 * Two projects. `quick` (`npm test`) is every test but the long walks and stays within a few minutes
 * on two cores; `long` (`npm run test:long`) holds the end-to-end walks that replay months of
 * history or a whole deployment (`*.long.test.ts`: the 30-month retention walk, the whole job on the
 * local Athena, the deployment rehearsal). CI runs both.
 */
export default defineConfig({
  test: {
    environment: 'node',
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // Two cores on CI: one worker per core keeps DuckDB and the simulator from starving each other.
    pool: 'forks',
    maxWorkers: 2,
    reporters: ['default'],
    projects: [
      {
        extends: true,
        test: { name: 'quick', include: ['tests/**/*.test.ts'], exclude: ['tests/**/*.long.test.ts'] },
      },
      { extends: true, test: { name: 'long', include: ['tests/**/*.long.test.ts'] } },
    ],
  },
});
