import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    globalSetup: ["tests/global-setup.ts"],
    include: ["tests/**/*.test.ts"],
    // The long fault drills run with npm run test:faults.
    exclude: ["tests/faults/**", "**/node_modules/**"],
    testTimeout: 20_000,
    hookTimeout: 30_000,
  },
});
