import { describe, expect, it } from "vitest";
import { eventRow, presenceRow, secondClock } from "./rows.ts";
import { ROW_VERSION } from "./sink.ts";
import type { TrackedEvent } from "./events.ts";

const NOW = "2026-03-04 05:06:07";
const event = (over: Partial<TrackedEvent> = {}): TrackedEvent => ({
  type: "emote", space: "s", session: "abc", user: "Ada", n: 2, duration_ms: 1500, detail: "wave", x: 3, y: 4, ...over,
});

describe("AN1 the pipeline fills id, time, process and version", () => {
  it("keeps every field given and adds the rest", () => {
    expect(eventRow(event(), "id-1", "host:1", () => NOW)).toEqual({
      id: "id-1", type: "emote", ts: NOW, space: "s", process: "host:1", session: "abc", user: "Ada", n: 2, duration_ms: 1500, detail: "wave", x: 3, y: 4, v: ROW_VERSION,
    });
  });

  it("a well-formed time is kept (the clock is not even asked); anything else becomes now", () => {
    const never = () => { throw new Error("asked the clock"); };
    expect(eventRow(event({ ts: "2026-01-02 03:04:05" }), "i", "p", never).ts).toBe("2026-01-02 03:04:05");
    for (const ts of ["2026-01-02T03:04:05Z", "yesterday", 12 as unknown as string]) expect(eventRow(event({ ts }), "i", "p", () => NOW).ts).toBe(NOW);
  });
});

describe("AN2 one bad value never gets a batch refused: fields fit their columns", () => {
  it("numbers become non-negative integers within the column", () => {
    const row = eventRow(event({ n: -3, duration_ms: 12.9, x: 70_000, y: Number.NaN }), "i", "p", () => NOW);
    expect([row.n, row.duration_ms, row.x, row.y]).toEqual([0, 12, 0xffff, 0]);
    expect(eventRow(event({ n: 2 ** 40 }), "i", "p", () => NOW).n).toBe(0xffffffff);
    expect(eventRow(event({ n: "7" as unknown as number }), "i", "p", () => NOW).n).toBe(7);
  });

  it("strings stay strings; null and undefined become ''", () => {
    const row = eventRow(event({ user: null as unknown as string, detail: undefined as unknown as string, space: 42 as unknown as string }), "i", "p", () => NOW);
    expect([row.user, row.detail, row.space]).toEqual(["", "", "42"]);
  });

  it("presence samples the same way", () => {
    expect(presenceRow({ ts: "bad", space: "s", x: -1, y: 3.7, people: 2 }, () => NOW)).toEqual({ ts: NOW, space: "s", x: 0, y: 3, people: 2, v: ROW_VERSION });
  });
});

it("the current time is formatted once per second", () => {
  let ms = Date.UTC(2026, 0, 2, 3, 4, 5, 100);
  let reads = 0;
  const now = secondClock(() => { reads++; return ms; });
  expect(now()).toBe("2026-01-02 03:04:05");
  ms += 800;
  expect(now()).toBe("2026-01-02 03:04:05");
  ms += 200;
  expect(now()).toBe("2026-01-02 03:04:06");
  expect(reads).toBe(3);
});
