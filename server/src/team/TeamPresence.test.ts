import { describe, expect, it } from "vitest";
import { LocalPresence } from "@colyseus/core";
import { HEARTBEAT_KEY } from "../cluster/placement.ts";
import { GC_AFTER_MS, sortOut, TeamPresence, teamOnlineKey, type Announcement, type TeamEntry } from "./TeamPresence.ts";

const NOW = 1_000_000;
const beat = (at: number) => JSON.stringify({ elu: 0.1, ccu: 1, rooms: 1, at });
const stored = (e: Partial<TeamEntry>) => JSON.stringify({ userId: "u1", name: "Ada", spaceId: "a", spaceName: "A", processId: "p1", since: NOW - 1000, ...e });

describe("sortOut (TP3)", () => {
  it("lists entries of processes with a fresh heartbeat and of this process; hides the rest", () => {
    const raw = {
      s1: stored({ processId: "p1" }),
      s2: stored({ userId: "u2", name: "Bob", processId: "p2" }), // heartbeat 7 s old: dead for listing
      s3: stored({ userId: "u3", name: "Cy", processId: "me" }), // this process, no heartbeat yet
      s4: stored({ userId: "u4", name: "Dee", processId: "p9" }), // no heartbeat, recent: hidden, kept
    };
    const r = sortOut(raw, { p1: beat(NOW - 1500), p2: beat(NOW - 7000) }, NOW, { self: "me", intervalMs: 2000, staleIntervals: 3 });
    expect(r.listed.map((e) => e.name)).toEqual(["Ada", "Cy"]);
    expect(r.dead).toEqual([]);
  });

  it("deletes unreadable fields and entries of processes silent for GC_AFTER_MS", () => {
    const raw = {
      bad: "{not json",
      gone: stored({ processId: "p2" }),
      orphan: stored({ processId: "p9", since: NOW - GC_AFTER_MS - 1 }),
      live: stored({ processId: "p1" }),
    };
    const r = sortOut(raw, { p1: beat(NOW), p2: beat(NOW - GC_AFTER_MS - 1) }, NOW, { self: "me" });
    expect(r.dead.sort()).toEqual(["bad", "gone", "orphan"]);
    expect(r.listed.map((e) => e.sessionId)).toEqual(["live"]);
  });

  it("counts one person once per space (several tabs), sorts by space then name, and is bounded", () => {
    const raw: Record<string, string> = {
      t1: stored({ userId: "u1", name: "Ada", spaceId: "b", spaceName: "B", since: NOW - 10 }),
      t2: stored({ userId: "u1", name: "Ada", spaceId: "b", spaceName: "B", since: NOW - 500 }),
      t3: stored({ userId: "u2", name: "Bob", spaceId: "a", spaceName: "A" }),
      t4: stored({ userId: "u1", name: "Ada", spaceId: "a", spaceName: "A" }),
    };
    const r = sortOut(raw, { p1: beat(NOW) }, NOW, { self: "me" });
    expect(r.listed.map((e) => `${e.spaceId}:${e.name}`)).toEqual(["a:Ada", "a:Bob", "b:Ada"]);
    expect(r.listed[2].since).toBe(NOW - 500);
    const many: Record<string, string> = {};
    for (let i = 0; i < 700; i++) many[`s${i}`] = stored({ userId: `u${i}`, name: `P${i}` });
    const big = sortOut(many, { p1: beat(NOW) }, NOW, { self: "me" });
    expect([big.listed.length, big.total]).toEqual([500, 700]);
  });
});

describe("TeamPresence over LocalPresence", () => {
  it("TP1 online/offline, TP4 announcements reach every subscriber once, TP5 limit per minute", async () => {
    const presence = new LocalPresence();
    let now = NOW;
    const team = new TeamPresence(presence, { processId: () => "me", now: () => now });
    await presence.hset(HEARTBEAT_KEY, "other", beat(NOW));
    await team.online("t", { sessionId: "s1", userId: "u1", name: "Ada", spaceId: "a", spaceName: "A", processId: "me", since: NOW });
    await team.online("t", { sessionId: "s2", userId: "u2", name: "Bob", spaceId: "b", spaceName: "B", processId: "other", since: NOW });
    expect((await team.list("t")).entries.map((e) => e.name)).toEqual(["Ada", "Bob"]);
    await team.offline("t", "s1");
    expect((await team.list("t")).entries.map((e) => e.name)).toEqual(["Bob"]);
    expect(await presence.hlen(teamOnlineKey("t"))).toBe(1);

    const got: Array<[string, Announcement]> = [];
    const offA = await team.subscribe("t", (a) => got.push(["room A", a]));
    const offB = await team.subscribe("t", (a) => got.push(["room B", a]));
    await team.subscribe("other-team", (a) => got.push(["elsewhere", a]));
    await team.announce("t", { from: "Olive", text: "x".repeat(600), at: 5 });
    expect(got.map(([who, a]) => [who, a.text.length])).toEqual([["room A", 500], ["room B", 500]]);
    offA();
    offB();
    await team.announce("t", { from: "Olive", text: "again", at: 6 });
    expect(got).toHaveLength(2);
    expect(await presence.channels("plaza:team:t:*")).toEqual([]);

    presence.shutdown();
  });
});
