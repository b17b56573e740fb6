import { expect, it } from "vitest";
import { BatchQueue } from "./batches.ts";

it("AN2 a batch is sealed at batchRows, or when sealed; batches come out oldest first", () => {
  const q = new BatchQueue<number>("plaza_events", 3, 100, () => {});
  expect([q.push(1), q.push(2), q.push(3)]).toEqual([false, false, true]);
  q.push(4);
  expect(q.size).toBe(4);
  expect(q.take()).toEqual([1, 2, 3]);
  expect(q.hasReady).toBe(false);
  q.seal();
  q.seal(); // nothing open: no empty batch
  expect(q.take()).toEqual([4]);
  expect(q.take()).toBeUndefined();
  expect(q.size).toBe(0);
});

it("memory is bounded: beyond max rows the oldest sealed batches are dropped and counted", () => {
  const dropped: number[] = [];
  const q = new BatchQueue<number>("plaza_presence", 2, 5, (n) => dropped.push(n));
  for (let i = 0; i < 8; i++) q.push(i);
  expect(dropped).toEqual([2, 2]);
  expect(q.size).toBe(4);
  expect([q.take(), q.take(), q.take()]).toEqual([[4, 5], [6, 7], undefined]);
});

it("the newest sealed batch always stays, even above max", () => {
  const dropped: number[] = [];
  const q = new BatchQueue<number>("plaza_events", 10, 2, (n) => dropped.push(n));
  for (let i = 0; i < 5; i++) q.push(i);
  q.seal();
  expect(dropped).toEqual([]);
  expect(q.take()).toEqual([0, 1, 2, 3, 4]);
});
