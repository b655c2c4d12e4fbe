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
          // Builds or reuses kube-apiserver/etcd and shares one control plane across files; it
          // starts only when a file calls useControlPlane() (test/src/cluster/README.md).
          globalSetup: ['test/src/cluster/global-setup.ts'],
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
