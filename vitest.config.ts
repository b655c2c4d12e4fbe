import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: ['{core,operator,sidecar,bench,scripts}/src/**/*.test.ts', 'scripts/**/*.test.ts'],
        },
      },
      {
        test: {
          name: 'integration',
          include: ['test/src/**/*.test.ts'],
          testTimeout: 60_000,
          hookTimeout: 120_000,
          // Integration suites spawn real processes on fixed-free ports; run files one at a time
          // on this 2-core machine so timings stay stable.
          fileParallelism: false,
        },
      },
    ],
  },
});
