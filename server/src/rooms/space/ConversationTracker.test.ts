import { describe, expect, it } from "vitest";
import { ConversationTracker } from "./ConversationTracker.ts";

const links = (...pairs: [string, string][]) => {
  const m = new Map<string, string[]>();
  for (const [a, b] of pairs) {
    m.set(a, [...(m.get(a) ?? []), b]);
    m.set(b, [...(m.get(b) ?? []), a]);
  }
  return m;
};

describe("AN1 conversations for analytics", () => {
  it("starts when two people connect, keeps its id as a third joins, ends with its length and peak size", () => {
    const t = new ConversationTracker("r");
    expect(t.update(links(["a", "b"]), 1000).started).toEqual([{ id: "r-1", people: 2 }]);
    const grow = t.update(links(["a", "b"], ["b", "c"]), 2000);
    expect(grow).toEqual({ started: [], ended: [] });
    expect(t.update(links(["a", "b"]), 3000)).toEqual({ started: [], ended: [] });
    expect(t.update(new Map(), 61_000).ended).toEqual([{ id: "r-1", maxPeople: 3, durationMs: 60_000 }]);
    expect(t.active).toBe(0);
  });
  it("a split keeps the id with the larger half and starts a new one for the other", () => {
    const t = new ConversationTracker("r");
    t.update(links(["a", "b"], ["b", "c"], ["c", "d"], ["d", "e"]), 0);
    const split = t.update(links(["a", "b"], ["b", "c"], ["d", "e"]), 500);
    expect(split.started).toEqual([{ id: "r-2", people: 2 }]);
    expect(split.ended).toEqual([]);
  });
  it("endAll closes open conversations (room disposed)", () => {
    const t = new ConversationTracker("r");
    t.update(links(["a", "b"]), 0);
    expect(t.endAll(10)).toEqual([{ id: "r-1", maxPeople: 2, durationMs: 10 }]);
  });
});
