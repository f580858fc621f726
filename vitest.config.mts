import { defineConfig } from 'vitest/config';
import { svelte } from '@sveltejs/vite-plugin-svelte';

// describe.shuffle suites (tests that must not depend on their order) run in a new order each time; the summary
// reporter prints this seed, and RADRAFT_TEST_SEED=<seed> replays a run's order.
const seed = Number(process.env.RADRAFT_TEST_SEED) || Date.now();

export default defineConfig({
  test: {
    sequence: { seed },
    reporters: ['default', './test/support/summary-reporter.ts'],
    projects: [
      {
        plugins: [svelte()],
        test: {
          name: 'unit',
          include: ['test/**/*.test.ts'],
          exclude: ['test/e2e/**', 'node_modules/**'],
          testTimeout: 60_000,
          hookTimeout: 120_000,
          pool: 'forks',
        },
      },
      {
        test: {
          name: 'e2e',
          include: ['test/e2e/**/*.test.ts'],
          testTimeout: 180_000,
          hookTimeout: 180_000,
          fileParallelism: false,
          pool: 'forks',
        },
      },
    ],
  },
});
