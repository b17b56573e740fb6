import { describe, expect, it } from "vitest";
import type { AnalyticsPort, PresenceSample, TrackedEvent } from "../../analytics/events.ts";
import type { SpaceRecord } from "../../store/Store.ts";
import { analyticsExtension } from "./analyticsExtension.ts";
import type { SpaceRoomContext } from "./extension.ts";

function setup(records?: AnalyticsPort["records"]) {
  const events: TrackedEvent[] = [];
  const samples: PresenceSample[] = [];
  const port: AnalyticsPort = { track: (e) => events.push(e), sample: (rows) => samples.push(...rows), records };
  const timers: { ms: number; fn: () => void }[] = [];
  const avatars = new Map([["a", { x: 1, y: 1 }], ["b", { x: 1, y: 1 }], ["c", { x: 4, y: 2 }]]);
  const room: SpaceRoomContext = {
    spaceId: "an", roomId: "r1", space: { id: "an" } as SpaceRecord, draining: false,
    avatars: () => avatars.entries(), walkable: () => true, broadcast: () => {}, every: (ms, fn) => timers.push({ ms, fn }), guarded: (_w, fn) => fn(),
  };
  let now = 1_700_000_000_000;
  const clock = { tick: (ms: number) => { now += ms; } };
  const ext = analyticsExtension(port, () => now)(room);
  const of = (type: string) => events.filter((e) => e.type === type);
  return { ext, events, samples, timers, avatars, clock, of };
}

describe("analytics extension (AN1)", () => {
  it("AN1 room created and disposed, with the room's fields filled in", () => {
    const { ext, of, clock } = setup();
    expect(of("room_created")).toEqual([{ type: "room_created", space: "an", session: "", user: "", n: 0, duration_ms: 0, detail: "", x: 0, y: 0 }]);
    clock.tick(5000);
    ext.onDispose!();
    expect(of("room_disposed")[0]).toMatchObject({ space: "an", duration_ms: 5000 });
  });

  it("AN1 PV1 a session: start and enter with client kind and tile, leave and end with visit length and close code; the account id, never the name; a failed join ends nothing", () => {
    const { ext, of, clock } = setup();
    ext.onJoin!({ session: "s1", userId: "u-1", role: "member", name: "Ada", client: "bot", x: 3, y: 4 });
    expect(of("session_start")).toEqual([{ type: "session_start", space: "an", session: "s1", user: "u-1", n: 0, duration_ms: 0, detail: "bot", x: 3, y: 4 }]);
    expect(of("space_enter")[0]).toMatchObject({ session: "s1", user: "u-1", detail: "bot", x: 3, y: 4 });
    clock.tick(1500);
    ext.onLeave!({ session: "s1", name: "Ada", x: 5, y: 4, code: 1000 });
    expect(of("space_leave")[0]).toMatchObject({ session: "s1", user: "u-1", x: 5, y: 4, duration_ms: 1500, detail: "" });
    expect(of("session_end")[0]).toMatchObject({ session: "s1", detail: "1000", duration_ms: 1500 });
    ext.onLeave!({ session: "never-joined", name: "", x: 0, y: 0 });
    expect(of("session_end")).toHaveLength(1);
  });

  it("AN1 conversations start, keep their id while people come and go, end with peak size and length (also at dispose)", () => {
    const { ext, of, clock } = setup();
    ext.onConversations!(new Map([["a", ["b"]], ["b", ["a"]]]));
    clock.tick(1000);
    ext.onConversations!(new Map([["a", ["b", "c"]], ["b", ["a", "c"]], ["c", ["a", "b"]]]));
    clock.tick(1000);
    ext.onConversations!(new Map([["a", []], ["b", []]]));
    expect(of("conversation_start")).toEqual([expect.objectContaining({ n: 2, detail: "r1-1" })]);
    expect(of("conversation_end")).toEqual([expect.objectContaining({ n: 3, duration_ms: 2000, detail: "r1-1" })]);
    ext.onConversations!(new Map([["a", ["b"]], ["b", ["a"]]]));
    ext.onDispose!();
    expect(of("conversation_end").map((e) => e.detail)).toEqual(["r1-1", "r1-2"]);
  });

  it("AN1 chat (scope and length, never the text), emotes, status changes and kicks", () => {
    const { ext, of, events } = setup();
    ext.onJoin!({ session: "s1", userId: "u-1", role: "member", name: "Ada", client: "web", x: 2, y: 3 });
    ext.onJoin!({ session: "s2", userId: null, role: null, name: "Bob", client: "web", x: 2, y: 3 });
    ext.onChat!({ id: 1, from: "s1", name: "Ada", scope: "space", text: "secret plans", at: 0 });
    ext.onEmote!("s1", "wave", { x: 2, y: 3 });
    ext.onStatus!("s1", "Ada", "busy");
    ext.onKick!("s2", 4101);
    expect(of("chat_sent")[0]).toMatchObject({ session: "s1", user: "u-1", detail: "space", n: 12 });
    expect(JSON.stringify(events)).not.toMatch(/secret|Ada|Bob/);
    expect(of("emote")[0]).toMatchObject({ session: "s1", user: "u-1", detail: "wave", x: 2, y: 3 });
    expect(of("status_change")[0]).toMatchObject({ session: "s1", user: "u-1", detail: "busy" });
    expect(of("error")[0]).toMatchObject({ session: "s2", detail: "kicked:4101" });
  });

  it("AN1 AN7 occupancy is sampled every PRESENCE_SAMPLE_S as people per occupied tile, with a heartbeat; an empty room samples nothing", () => {
    const { ext, timers, samples, avatars, of } = setup();
    for (const session of ["a", "b", "c"]) ext.onJoin!({ session, userId: null, role: null, name: session, client: "web", x: 1, y: 1 });
    expect(timers.map((t) => t.ms)).toEqual([5000]);
    timers[0].fn();
    expect(samples.map((s) => [s.space, s.x, s.y, s.people])).toEqual([["an", 1, 1, 2], ["an", 4, 2, 1]]);
    expect(of("room_alive")).toEqual([expect.objectContaining({ space: "an", n: 3 })]);
    avatars.clear();
    timers[0].fn();
    expect(samples).toHaveLength(2);
    expect(of("room_alive")).toHaveLength(1);
  });

  it("PV6 a person whose events may not be recorded leaves none and is not sampled", () => {
    const { ext, timers, samples, of, events } = setup((_space, userId) => userId !== "u-out");
    ext.onJoin!({ session: "a", userId: "u-out", role: "member", name: "Out", client: "web", x: 1, y: 1 });
    ext.onJoin!({ session: "c", userId: "u-in", role: "member", name: "In", client: "web", x: 4, y: 2 });
    ext.onChat!({ id: 1, from: "a", name: "Out", scope: "space", text: "hi", at: 0 });
    ext.onConversations!(new Map([["a", ["c"]], ["c", ["a"]]]));
    timers[0].fn();
    expect(events.some((e) => e.session === "a" || e.user === "u-out")).toBe(false);
    expect(of("conversation_join").map((e) => e.session)).toEqual(["c"]);
    expect(samples.map((s) => [s.x, s.y, s.people])).toEqual([[4, 2, 1]]);
  });

  it("PV2 PV3 who joined which conversation, and whether from outside the space's team", () => {
    const { ext, of } = setup();
    ext.onJoin!({ session: "a", userId: "u-a", role: "owner", name: "A", client: "web", x: 1, y: 1 });
    ext.onJoin!({ session: "b", userId: "u-b", role: "guest", name: "B", client: "web", x: 1, y: 1 });
    ext.onConversations!(new Map([["a", ["b"]], ["b", ["a"]]]));
    ext.onConversations!(new Map([["a", ["b"]], ["b", ["a"]]])); // no change: no new rows
    expect(of("conversation_join").map((e) => [e.user, e.detail, e.n])).toEqual([["u-a", "r1-1", 0], ["u-b", "r1-1", 1]]);
  });
});
