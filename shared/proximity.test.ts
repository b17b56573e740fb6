import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { conversationPeers, type Presence } from "./proximity.ts";
import { STATUSES } from "./protocol.ts";

const P = (id: string, x: number, y: number, extra: Partial<Presence> = {}): Presence => ({ id, x, y, status: "available", ...extra });
const opts = { radius: 3, cap: 4 };

describe("PX conversations", () => {
  it("PX4 connects people within the radius and not beyond", () => {
    const peers = conversationPeers([P("a", 0, 0), P("b", 3, 0), P("c", 7, 0)], opts);
    expect(peers.get("a")).toEqual(["b"]);
    expect(peers.get("b")).toEqual(["a"]);
    expect(peers.get("c")).toEqual([]);
  });
  it("PX1 someone on do-not-disturb joins no conversation", () => {
    const peers = conversationPeers([P("a", 0, 0), P("b", 1, 0, { status: "dnd" })], opts);
    expect(peers.get("a")).toEqual([]);
    expect(peers.get("b")).toEqual([]);
  });
  it("PX2 everyone in one private area is connected, whatever the distance; PX3 nobody outside hears them", () => {
    const peers = conversationPeers([P("a", 0, 0, { area: "Room" }), P("b", 12, 8, { area: "Room" }), P("c", 1, 0), P("d", 13, 8, { area: "Other" })], opts);
    expect(peers.get("a")).toEqual(["b"]);
    expect(peers.get("c")).toEqual([]);
    expect(peers.get("d")).toEqual([]);
  });
  it("PX5 a crowd is capped: each keeps at most cap-1 nearest, links stay mutual", () => {
    const crowd = Array.from({ length: 10 }, (_, i) => P(`p${i}`, i % 3, Math.floor(i / 3)));
    const peers = conversationPeers(crowd, opts);
    for (const [id, list] of peers) {
      expect(list.length).toBeLessThanOrEqual(opts.cap - 1);
      for (const o of list) expect(peers.get(o)).toContain(id);
    }
  });

  it("PX1–PX6 hold for seeded random layouts", () => {
    const person = fc.record({
      x: fc.integer({ min: 0, max: 20 }),
      y: fc.integer({ min: 0, max: 20 }),
      status: fc.constantFrom(...STATUSES),
      area: fc.option(fc.constantFrom("Room A", "Room B"), { nil: undefined }),
    });
    fc.assert(
      fc.property(fc.array(person, { maxLength: 60 }), fc.integer({ min: 1, max: 5 }), fc.integer({ min: 2, max: 8 }), (raw, radius, cap) => {
        const people = raw.map((p, i) => ({ id: `u${i}`, ...p }));
        const byId = new Map(people.map((p) => [p.id, p]));
        const peers = conversationPeers(people, { radius, cap });
        expect(peers.size).toBe(people.length);
        for (const [id, list] of peers) {
          const me = byId.get(id)!;
          expect(list.length).toBeLessThanOrEqual(cap - 1); // PX5
          expect(new Set(list).size).toBe(list.length);
          for (const o of list) {
            const other = byId.get(o)!;
            expect(peers.get(o)).toContain(id); // PX5 symmetric
            expect(me.status).not.toBe("dnd"); // PX1
            expect(other.status).not.toBe("dnd");
            expect(other.area).toBe(me.area); // PX2/PX3
            if (me.area === undefined) expect(Math.max(Math.abs(me.x - other.x), Math.abs(me.y - other.y))).toBeLessThanOrEqual(radius); // PX4
          }
        }
        // PX6 deterministic: same input, same answer.
        expect(conversationPeers([...people].reverse(), { radius, cap })).toEqual(peers);
      }),
      { seed: 31337, numRuns: 300 },
    );
  });
});
