import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/unit/**/*.test.ts', 'test/integration/**/*.test.ts', 'test/e2e/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Integration and browser tests start real hubs; two cores, so keep workers few.
    maxWorkers: 2,
    globalSetup: ['test/helpers/global-setup.ts'],
  },
});
