import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    // Colyseus keeps its matchmaker in module state: one process per test file keeps servers apart.
    pool: "forks",
    // Most test time is waiting, not computing: walking at 150 ms a step, heartbeats, processes and
    // databases starting. Vitest's default here (cores − 1: one worker on a 2-core machine) ran the
    // files one after another; three at a time keep both cores busy without starving the browsers and the multi-process cluster tests (four made their processes so slow that opening a space took seconds).
    maxWorkers: 3,
    include: ["shared/**/*.test.ts", "server/**/*.test.ts", "client/**/*.test.ts", "loadtest/**/*.test.ts", "tools/**/*.test.ts"],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    env: { NODE_ENV: "test" },
  },
});
