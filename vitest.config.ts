import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    // Colyseus keeps its matchmaker in module state: one process per test file keeps servers apart.
    pool: "forks",
    include: ["shared/**/*.test.ts", "server/**/*.test.ts", "client/**/*.test.ts", "loadtest/**/*.test.ts"],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    env: { NODE_ENV: "test" },
  },
});
