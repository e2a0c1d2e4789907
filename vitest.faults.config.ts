import { defineConfig } from "vitest/config";

// npm run test:faults — the long fault drills (kill -9 under load, a minute of 429/5xx).
export default defineConfig({
  test: {
    globalSetup: ["tests/global-setup.ts"],
    include: ["tests/faults/**/*.test.ts"],
    testTimeout: 300_000,
    hookTimeout: 60_000,
    fileParallelism: false,
  },
});
