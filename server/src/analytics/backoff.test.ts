import { expect, it } from "vitest";
import { backoffDelay, INSERT_RETRY, probeBackoff } from "./backoff.ts";

it("AN3 waits double with each attempt, half of each wait random, up to the cap", () => {
  expect([0, 1, 2, 3, 4, 5].map((a) => backoffDelay(INSERT_RETRY, a, 0))).toEqual([50, 100, 200, 400, 800, 1000]);
  expect([0, 1, 2, 3, 4, 5].map((a) => backoffDelay(INSERT_RETRY, a, 0.999999)).map(Math.round)).toEqual([100, 200, 400, 800, 1600, 2000]);
  expect(backoffDelay(INSERT_RETRY, 2, 0.5)).toBe(300);
});

it("AN4 probes start at 250 ms and stop growing at probeMaxMs (30 s unless configured); huge attempt numbers stay finite", () => {
  expect(backoffDelay(probeBackoff(), 0, 0)).toBe(125);
  expect(backoffDelay(probeBackoff(), 1e6, 0)).toBe(15_000);
  expect(backoffDelay(probeBackoff(1000), 10, 1 - Number.EPSILON)).toBeCloseTo(1000);
});
