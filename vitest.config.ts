import { defineConfig } from 'vitest/config';

// Two projects: `unit` runs in-process (TopologyTestDriver, in-memory registry, stores on a temp dir);
// `integration` talks to the real stack (Kafka, Apicurio, Postgres, Redis), started or reused by its
// global setup, one file at a time because the 2-core machine also runs the broker.
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: ['test/unit/**/*.test.ts'],
          setupFiles: ['test/kafkajs-filter-setup.ts'],
          testTimeout: 20_000,
        },
      },
      {
        test: {
          name: 'integration',
          include: ['test/integration/**/*.test.ts'],
          globalSetup: ['test/integration/global-setup.ts'],
          setupFiles: ['test/kafkajs-filter-setup.ts'],
          testTimeout: 120_000,
          hookTimeout: 300_000,
          // One fork runs the files one after another (`fileParallelism` is not a per-project option).
          poolOptions: { forks: { singleFork: true } },
        },
      },
    ],
  },
});
