import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { conversationPeers, spaceLinks, type Presence } from "./proximity.ts";
import { STATUSES } from "./protocol.ts";
import { chebyshev } from "./grid.ts";

const P = (id: string, x: number, y: number, extra: Partial<Presence> = {}): Presence => ({ id, x, y, status: "available", ...extra });
const opts = { radius: 3, cap: 4 };

/** PX4/PX5/PX9 by brute force: within the radius (or one tile past it if linked), by rank then id, cut, mutual. */
function nearestWithHistory(people: Presence[], radius: number, cap: number, previous: ReadonlyMap<string, readonly string[]>) {
  const d = chebyshev;
  const chosen = new Map(people.map((me) => {
    const linked = previous.get(me.id) ?? [];
    const rank = (o: Presence) => (linked.includes(o.id) ? 2 * Math.max(0, d(me, o) - 1) : 2 * d(me, o) + 1);
    const list = people.filter((o) => o !== me && (d(me, o) <= radius || (linked.includes(o.id) && d(me, o) <= radius + 1)))
      .sort((a, b) => rank(a) - rank(b) || (a.id < b.id ? -1 : 1)).slice(0, cap - 1);
    return [me.id, new Set(list.map((o) => o.id))];
  }));
  return new Map(people.map((p) => [p.id, [...chosen.get(p.id)!].filter((o) => chosen.get(o)!.has(p.id)).sort()]));
}

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
  it("PX10 nobody in a silent zone starts a proximity conversation, with someone inside or outside it", () => {
    const peers = conversationPeers([P("a", 0, 0, { silent: true }), P("b", 1, 0, { silent: true }), P("c", 2, 0), P("d", 3, 0)], opts);
    expect(peers.get("a")).toEqual([]);
    expect(peers.get("b")).toEqual([]);
    expect(peers.get("c")).toEqual(["d"]);
    // A meeting room inside a silent zone still works (PX2 wins).
    const room = conversationPeers([P("a", 0, 0, { silent: true, area: "Room" }), P("b", 5, 0, { silent: true, area: "Room" })], opts);
    expect(room.get("a")).toEqual(["b"]);
    // And a stage is still heard from a silent zone (PX7 is one-way, not a conversation).
    const stage = spaceLinks([P("s", 0, 0, { spotlight: "Stage" }), P("l", 9, 9, { silent: true })], { ...opts, spotlightMax: 10, videoMax: 5 });
    expect(stage.links.get("l")?.listening).toBe("s");
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
            if (me.area === undefined) expect(chebyshev(me, other)).toBeLessThanOrEqual(radius); // PX4
          }
        }
        // PX6 deterministic: same input, same answer.
        expect(conversationPeers([...people].reverse(), { radius, cap })).toEqual(peers);
      }),
      { seed: 31337, numRuns: 300 },
    );
  });

  it("PX9 a link holds one tile past the radius, but is not made there", () => {
    const before = conversationPeers([P("a", 0, 0), P("b", 3, 0)], opts);
    expect(before.get("a")).toEqual(["b"]);
    // b steps to 4 tiles: still talking (it would flap at the edge otherwise); a fresh pair at 4 is not.
    expect(conversationPeers([P("a", 0, 0), P("b", 4, 0)], { ...opts, previous: before }).get("a")).toEqual(["b"]);
    expect(conversationPeers([P("a", 0, 0), P("b", 4, 0)], opts).get("a")).toEqual([]);
    // At 5 tiles the link ends.
    expect(conversationPeers([P("a", 0, 0), P("b", 5, 0)], { ...opts, previous: before }).get("a")).toEqual([]);
  });
  it("PX9 at the cap, someone already talking keeps the place against a newcomer as near", () => {
    // cap 4: each keeps 3. a talks with b, c, d; e arrives as near as d: d stays.
    const was = new Map([["a", ["b", "c", "d"]], ["b", ["a"]], ["c", ["a"]], ["d", ["a"]]]);
    const now = conversationPeers([P("a", 5, 5), P("b", 4, 5), P("c", 6, 5), P("d", 5, 7), P("e", 5, 3)], { ...opts, previous: was });
    expect(now.get("a")).toEqual(["b", "c", "d"]);
    expect(now.get("e")).toEqual([]);
    // Without the history the smaller id wins the tie at 2 tiles (d vs e: d), so check the other way round too.
    const was2 = new Map([["a", ["b", "c", "e"]], ["b", ["a"]], ["c", ["a"]], ["e", ["a"]]]);
    expect(conversationPeers([P("a", 5, 5), P("b", 4, 5), P("c", 6, 5), P("d", 5, 7), P("e", 5, 3)], { ...opts, previous: was2 }).get("a")).toEqual(["b", "c", "e"]);
  });
  it("PX9 a link does not hold into a private area (PX3)", () => {
    const before = conversationPeers([P("a", 0, 0), P("b", 2, 0)], opts);
    expect(conversationPeers([P("a", 0, 0), P("b", 3, 0, { area: "Room" })], { ...opts, previous: before }).get("a")).toEqual([]);
  });
  it("PX1–PX9 hold over seeded walks: symmetric, capped, a link beyond the radius only if held before, never beyond radius + 1", () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.integer({ min: 0, max: 12 }), fc.integer({ min: 0, max: 12 })), { minLength: 2, maxLength: 60 }),
        fc.array(fc.array(fc.integer({ min: 0, max: 4 }), { minLength: 60, maxLength: 60 }), { minLength: 1, maxLength: 6 }), fc.integer({ min: 1, max: 4 }), fc.integer({ min: 2, max: 8 }),
        (spots, steps, radius, cap) => {
          let people: Presence[] = spots.map(([x, y], i) => ({ id: `u${i}`, x, y, status: "available" }));
          let previous = conversationPeers(people, { radius, cap });
          for (const moves of steps) {
            people = people.map((p, i) => {
              const m = moves[i];
              return { ...p, x: Math.max(0, p.x + (m === 1 ? 1 : m === 2 ? -1 : 0)), y: Math.max(0, p.y + (m === 3 ? 1 : m === 4 ? -1 : 0)) };
            });
            const byIdMap = new Map(people.map((p) => [p.id, p]));
            const peers = conversationPeers(people, { radius, cap, previous });
            expect(peers).toEqual(nearestWithHistory(people, radius, cap, previous)); // the ring scan finds what brute force does
            for (const [id, list] of peers) {
              expect(list.length).toBeLessThanOrEqual(cap - 1);
              for (const o of list) {
                expect(peers.get(o)).toContain(id);
                const d = chebyshev(byIdMap.get(id)!, byIdMap.get(o)!);
                expect(d).toBeLessThanOrEqual(radius + 1);
                if (d > radius) expect(previous.get(id)).toContain(o);
              }
            }
            expect(conversationPeers([...people].reverse(), { radius, cap, previous })).toEqual(peers); // PX6
            previous = peers;
          }
        }),
      { seed: 9090, numRuns: 150 },
    );
  });

  it("PX5 each person's candidates are the nearest (distance, then id), also in a dense crowd", () => {
    // Reference: everyone within the radius, sorted, cut to cap − 1; links kept when mutual.
    const reference = (people: Presence[], radius: number, cap: number) => {
      const d = chebyshev;
      const chosen = new Map(people.map((me) => [me.id, new Set(people
        .filter((o) => o !== me && d(me, o) <= radius)
        .sort((a, b) => d(me, a) - d(me, b) || (a.id < b.id ? -1 : 1))
        .slice(0, cap - 1).map((o) => o.id))]));
      return new Map(people.map((p) => [p.id, [...chosen.get(p.id)!].filter((o) => chosen.get(o)!.has(p.id)).sort()]));
    };
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.integer({ min: 0, max: 6 }), fc.integer({ min: 0, max: 6 })), { maxLength: 120 }), fc.integer({ min: 1, max: 4 }), fc.integer({ min: 2, max: 8 }), (spots, radius, cap) => {
        const people: Presence[] = spots.map(([x, y], i) => ({ id: `u${i}`, x, y, status: "available" }));
        expect(conversationPeers(people, { radius, cap })).toEqual(reference(people, radius, cap));
      }),
      { seed: 4242, numRuns: 200 },
    );
  });
});

describe("PX7–PX8 spotlight", () => {
  const sopts = { radius: 3, cap: 4, spotlightMax: 3, videoMax: 2 };
  const stage = { spotlight: "Stage" };

  it("PX7 the person on a spotlight is heard by everyone else, over one-way links", () => {
    const { links, spotlight } = spaceLinks([P("s", 0, 0, stage), P("a", 10, 0), P("b", 20, 5, { area: "Room" })], sopts);
    expect(spotlight).toEqual({ speaker: "s", listeners: 2, audioOnly: false });
    expect(links.get("s")).toEqual({ peers: [], speaking: ["a", "b"], listening: null });
    expect(links.get("a")).toEqual({ peers: [], speaking: [], listening: "s" });
    expect(links.get("b")!.listening).toBe("s"); // private areas hear the spotlight too
  });
  it("PX7 nobody on a spotlight, or only someone on do-not-disturb: no speaker", () => {
    expect(spaceLinks([P("a", 0, 0), P("b", 9, 9)], sopts).spotlight).toBeNull();
    const { links, spotlight } = spaceLinks([P("s", 0, 0, { ...stage, status: "dnd" }), P("a", 9, 9)], sopts);
    expect(spotlight).toBeNull();
    expect(links.get("a")!.listening).toBeNull();
  });
  it("PX7 one speaker per space: the incumbent keeps it, else the smallest id", () => {
    const people = [P("y", 0, 0, stage), P("x", 1, 0, stage), P("a", 9, 9)];
    expect(spaceLinks(people, sopts).spotlight?.speaker).toBe("x");
    expect(spaceLinks(people, { ...sopts, incumbent: "y" }).spotlight?.speaker).toBe("y");
    expect(spaceLinks(people, { ...sopts, incumbent: "a" }).spotlight?.speaker).toBe("x"); // not on stage
  });
  it("PX8 the speaker's conversation peers are not listeners; DND people are neither", () => {
    const { links, spotlight } = spaceLinks([P("s", 0, 0, stage), P("near", 1, 0), P("far", 12, 0), P("quiet", 13, 0, { status: "dnd" })], sopts);
    expect(links.get("s")).toEqual({ peers: ["near"], speaking: ["far"], listening: null });
    expect(links.get("near")!.listening).toBeNull();
    expect(links.get("quiet")!.listening).toBeNull();
    expect(spotlight).toEqual({ speaker: "s", listeners: 2, audioOnly: false });
  });
  it("PX8 at most spotlightMax listeners, nearest first; audio only above videoMax", () => {
    const crowd = [P("s", 0, 0, stage), ...Array.from({ length: 6 }, (_, i) => P(`p${i}`, 10 + i, 0))];
    const { links, spotlight } = spaceLinks(crowd, sopts);
    expect(links.get("s")!.speaking).toEqual(["p0", "p1", "p2"]);
    expect(links.get("p3")!.listening).toBeNull();
    expect(spotlight).toEqual({ speaker: "s", listeners: 3, audioOnly: true });
  });

  it("PX1–PX8 hold for seeded random layouts with spotlights", () => {
    const person = fc.record({
      x: fc.integer({ min: 0, max: 20 }),
      y: fc.integer({ min: 0, max: 20 }),
      status: fc.constantFrom(...STATUSES),
      area: fc.option(fc.constantFrom("Room A", "Room B"), { nil: undefined }),
      // About one in eight stands on the stage, so layouts have no, one or several people there.
      spotlight: fc.oneof({ arbitrary: fc.constant(undefined), weight: 7 }, { arbitrary: fc.constant("Stage"), weight: 1 }),
    });
    fc.assert(
      fc.property(fc.array(person, { maxLength: 60 }), fc.integer({ min: 1, max: 5 }), fc.integer({ min: 2, max: 8 }), fc.integer({ min: 0, max: 12 }), fc.integer({ min: 0, max: 12 }), fc.integer({ min: -1, max: 59 }),
        (raw, radius, cap, spotlightMax, videoMax, inc) => {
          const people = raw.map((p, i) => ({ id: `u${i}`, ...p }));
          const byId = new Map(people.map((p) => [p.id, p]));
          const opts = { radius, cap, spotlightMax, videoMax, incumbent: inc >= 0 ? `u${inc}` : undefined };
          const { links, spotlight } = spaceLinks(people, opts);
          const peers = conversationPeers(people, { radius, cap });
          expect(links.size).toBe(people.length);
          for (const [id, l] of links) expect(l.peers).toEqual(peers.get(id)); // PX1–PX6 unchanged
          const eligible = people.filter((p) => p.spotlight !== undefined && p.status !== "dnd");
          const speakers = [...links].filter(([, l]) => l.speaking.length > 0).map(([id]) => id);
          if (eligible.length === 0) {
            expect(spotlight).toBeNull(); // PX7
            expect(speakers).toEqual([]);
            for (const l of links.values()) expect(l.listening).toBeNull();
            return;
          }
          const s = spotlight!.speaker;
          const me = byId.get(s)!;
          expect(me.spotlight).toBeDefined(); // PX7 the speaker stands on a spotlight, not DND
          expect(me.status).not.toBe("dnd");
          if (opts.incumbent && eligible.some((p) => p.id === opts.incumbent)) expect(s).toBe(opts.incumbent);
          expect(speakers.every((id) => id === s)).toBe(true); // one speaker per space
          const speaking = links.get(s)!.speaking;
          expect(speaking.length).toBeLessThanOrEqual(spotlightMax); // PX8
          expect(new Set(speaking).size).toBe(speaking.length);
          expect(spotlight!.listeners).toBe(speaking.length + links.get(s)!.peers.length);
          expect(spotlight!.audioOnly).toBe(speaking.length > videoMax);
          const d = (p: Presence) => chebyshev(p, me);
          for (const [id, l] of links) {
            const p = byId.get(id)!;
            // One-way links: I listen to s exactly when s speaks to me.
            expect(l.listening === s).toBe(speaking.includes(id));
            if (l.listening === null) {
              // Left out only when DND, the speaker, already their peer, or farther than every listener.
              const excused = id === s || p.status === "dnd" || links.get(s)!.peers.includes(id);
              if (!excused) {
                expect(speaking.length).toBe(spotlightMax);
                for (const o of speaking) expect(d(byId.get(o)!) <= d(p)).toBe(true);
              }
            } else {
              expect(p.status).not.toBe("dnd");
              expect(l.peers).not.toContain(s);
            }
          }
          // Nearest first.
          for (let i = 1; i < speaking.length; i++) expect(d(byId.get(speaking[i - 1])!)).toBeLessThanOrEqual(d(byId.get(speaking[i])!));
          // PX6 deterministic: same input, same answer.
          expect(spaceLinks([...people].reverse(), opts)).toEqual({ links, spotlight });
        }),
      { seed: 4242, numRuns: 300 },
    );
  });
});
