/**
 * The insights contract (SPEC AN6, AN7, PV2–PV5): the same seeded rows, written twice (a retried
 * batch), through the embedded engine (PGlite in its worker) and a real ClickHouse (18.16 here, on a
 * non-UTC server), must give the same figures — and the exact ones below.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ClickHouseSink } from "../src/analytics/clickhouse.ts";
import { EmbeddedEngine } from "../src/analytics/embedded.ts";
import { ClickHouseSource, type InsightsSource } from "../src/analytics/engine.ts";
import { Insights, dayStart, type InsightsReport } from "../src/analytics/insights.ts";
import type { EventRow, PresenceRow } from "../src/analytics/sink.ts";
import { clickHouseBinary, startClickHouse, type TestClickHouse } from "./clickhouse.ts";
import { until } from "../../shared/testing/wait.ts";

const haveClickHouse = clickHouseBinary() !== null;
if (!haveClickHouse) console.warn("clickhouse-server not installed: the ClickHouse half of the contract is skipped");

let seq = 0;
const ev = (type: string, ts: string, o: Partial<EventRow> = {}): EventRow => ({
  id: `e${++seq}`, type: type as EventRow["type"], ts, space: "ins", process: "h:1", session: "", user: "", n: 0, duration_ms: 0, detail: "", x: 0, y: 0, v: 2, ...o,
});
const pr = (ts: string, x: number, y: number, people: number, space = "ins"): PresenceRow => ({ ts, space, x, y, people, v: 2 });
const visit = (user: string, enter: string, leave: string, ms: number, space = "ins") => [
  ev("space_enter", enter, { user, session: `s-${user}`, space }),
  ev("space_leave", leave, { user, session: `s-${user}`, duration_ms: ms, space }),
];
const join = (conversation: string, ts: string, who: { user?: string; session?: string }, outside: boolean) =>
  ev("conversation_join", ts, { detail: conversation, user: who.user ?? "", session: who.session ?? `s-${who.user}`, n: outside ? 1 : 0 });

/** "Now" for the reports: 2 March, noon UTC. */
const NOW = dayStart("2026-03-02") + 12 * 3600;

const EVENTS: EventRow[] = [
  ...visit("u1", "2026-03-01 08:59:59", "2026-03-01 09:00:00", 1000),
  ...visit("u2", "2026-03-01 11:59:57", "2026-03-01 12:00:00", 3000),
  ...visit("u3", "2026-03-02 07:59:58", "2026-03-02 08:00:00", 2000),
  ...visit("u4", "2026-03-02 23:59:49", "2026-03-02 23:59:59", 10000),
  ...visit("u5", "2026-03-01 09:59:56", "2026-03-01 10:00:00", 4000),
  ...visit("u6", "2026-03-01 09:59:55", "2026-03-01 10:00:00", 5000),
  ev("space_leave", "2026-03-03 00:00:00", { duration_ms: 99999, user: "u1" }), // after the range
  ev("space_leave", "2026-03-01 10:00:00", { duration_ms: 77777, space: "other" }), // another space
  // AN7: u7's visit on a process killed after 09:10:00 (its last heartbeat), and a conversation there.
  ev("space_enter", "2026-03-02 09:00:00", { user: "u7", session: "s-u7", process: "dead:1" }),
  ev("conversation_start", "2026-03-02 09:05:00", { detail: "c5", process: "dead:1", n: 2 }),
  { ...join("c5", "2026-03-02 09:05:00", { user: "u7" }, false), process: "dead:1" },
  ...["09:00:05", "09:05:00", "09:10:00"].map((t) => ev("room_alive", `2026-03-02 ${t}`, { process: "dead:1" })),
  // A visit going on in a live room (heartbeat 10 s before NOW): not counted yet.
  ev("space_enter", "2026-03-02 11:50:00", { user: "u8", session: "s-u8", process: "live:1" }),
  ev("room_alive", "2026-03-02 11:59:50", { process: "live:1" }),
  ...[["c1", "2026-03-01 10:00:00", 60000], ["c2", "2026-03-01 11:00:00", 120000], ["c3", "2026-03-01 23:30:00", 90000], ["c4", "2026-03-02 10:00:00", 30000]]
    .map(([id, ts, ms]) => ev("conversation_end", ts as string, { detail: id as string, duration_ms: ms as number, n: 2 })),
  join("c1", "2026-03-01 09:59:00", { user: "u1" }, false), join("c1", "2026-03-01 09:59:00", { user: "u2" }, false), join("c1", "2026-03-01 09:59:00", { session: "guest-1" }, true),
  join("c2", "2026-03-01 10:58:00", { user: "u3" }, false), join("c2", "2026-03-01 10:58:00", { user: "u4" }, false),
  join("c3", "2026-03-01 23:28:30", { user: "u5" }, false), join("c3", "2026-03-01 23:28:30", { user: "u6" }, true),
  ev("chat_sent", "2026-03-01 10:00:00", { n: 12, detail: "space" }),
  // A space with two visitors: below the group minimum.
  ...visit("u1", "2026-03-01 09:00:00", "2026-03-01 09:10:00", 600000, "tiny"),
  ...visit("u2", "2026-03-01 09:00:00", "2026-03-01 09:20:00", 1200000, "tiny"),
];
const PRESENCE: PresenceRow[] = [
  pr("2026-03-01 10:00:00", 1, 1, 2), pr("2026-03-01 10:00:00", 2, 2, 1), // 3 people, 3 in the meeting room
  pr("2026-03-01 10:00:05", 1, 1, 2), // 2
  pr("2026-03-01 10:07:00", 1, 1, 1), pr("2026-03-01 10:07:00", 3, 3, 4), // 5, 1 in the meeting room
  pr("2026-03-02 23:59:55", 5, 5, 1), // 1, nobody in the meeting room
  pr("2026-02-28 23:59:55", 1, 1, 9), pr("2026-03-03 00:00:00", 1, 1, 9), // outside the range
  pr("2026-03-01 10:00:00", 1, 1, 50, "other"),
  pr("2026-03-01 09:05:00", 4, 4, 2, "tiny"),
];
const ROOMS = [{ name: "Meeting", kind: "private", x: 1, y: 1, width: 2, height: 2 }];

const EXPECTED = {
  bucket: "5m",
  peak: { people: 5, at: "2026-03-01T10:07:00Z" },
  visits: { count: 7, medianMs: 4000 }, // 1, 2, 3, 4, 5, 10 s and u7's 10 min closed at the last heartbeat
  conversations: { count: 5, medianMs: 90000 }, // 30, 60, 90, 120 s and c5's 5 min
  conversationsPerDay: [
    { day: "2026-03-01", count: 3, medianMs: 90000 },
    { day: "2026-03-02", count: null, medianMs: null }, // only u7 talked that day (recorded): suppressed
  ],
  heatmap: [{ x: 1, y: 1, seconds: 25 }, { x: 2, y: 2, seconds: 5 }, { x: 3, y: 3, seconds: 20 }, { x: 5, y: 5, seconds: 5 }],
  minGroup: 5,
  people: 8,
  suppressed: false,
  rooms: [{ name: "Meeting", occupiedShare: 0.75, personHours: 0.01, peak: 3 }],
  crossTeam: { people: 5, conversations: 2 },
};

interface Engine { name: string; source: () => InsightsSource; available: boolean }
let ch: TestClickHouse | undefined;
let embedded: EmbeddedEngine;
let chSink: ClickHouseSink | undefined;
const reports = new Map<string, InsightsReport>();

beforeAll(async () => {
  embedded = new EmbeddedEngine(undefined);
  for (let i = 0; i < 2; i++) {
    await embedded.write("plaza_events", EVENTS);
    await embedded.write("plaza_presence", PRESENCE);
  }
  if (!haveClickHouse) return;
  ch = await startClickHouse();
  chSink = new ClickHouseSink({ url: ch.url, database: "contract" });
  await chSink.migrate();
  for (let i = 0; i < 2; i++) {
    await chSink.write("plaza_events", EVENTS);
    await chSink.write("plaza_presence", PRESENCE);
  }
}, 120_000);
afterAll(async () => {
  await embedded?.close();
  await chSink?.close();
  await ch?.dispose();
});

const ENGINES: Engine[] = [
  { name: "embedded", source: () => embedded, available: true },
  { name: "clickhouse", source: () => new ClickHouseSource(chSink!), available: haveClickHouse },
];

describe.each(ENGINES)("insights contract: $name", (engine) => {
  const insights = () => new Insights(engine.source());

  it.skipIf(!engine.available)("AN6 AN7 PV2 exact figures for a seeded two-day range", async () => {
    const r = await insights().report("ins", "2026-03-01", "2026-03-02", { minGroup: 5, rooms: ROOMS, now: NOW });
    reports.set(engine.name, r);
    expect(r).toMatchObject(EXPECTED);
    expect(r.activity).toHaveLength(2 * 288);
    expect(r.activity.filter((a) => a.people > 0)).toEqual([
      { t: "2026-03-01T10:00:00Z", people: 2.5 },
      { t: "2026-03-01T10:05:00Z", people: 5 },
      { t: "2026-03-02T23:55:00Z", people: 1 },
    ]);
    expect(r.hours.filter((h) => h.people > 0)).toEqual([{ hour: 10, people: 3.33 }, { hour: 23, people: 1 }]);
    // 1 March 2026 was a Sunday (6), 2 March a Monday (0).
    expect(r.weekHours.filter((w) => w.people > 0)).toEqual([{ day: 0, hour: 23, people: 1 }, { day: 6, hour: 10, people: 3.33 }]);
  });

  it.skipIf(!engine.available)("PV2 a space with fewer people than the group minimum shows no breakdown", async () => {
    const r = await insights().report("tiny", "2026-03-01", "2026-03-01", { minGroup: 5, rooms: [], now: NOW });
    expect(r).toMatchObject({ suppressed: true, people: null, heatmap: [], visits: { count: 0, medianMs: 0 }, peak: { people: 0, at: null }, crossTeam: null });
    expect(r.activity.every((a) => a.people === 0)).toBe(true);
    const shown = await insights().report("tiny", "2026-03-01", "2026-03-01", { minGroup: 2, rooms: [], now: NOW });
    expect(shown).toMatchObject({ suppressed: false, people: 2, visits: { count: 2, medianMs: 900000 } });
  });

  it.skipIf(!engine.available)("PV3 a person's own activity, across spaces, with a visit a crash left open", async () => {
    const u1 = await insights().mine("u1", "2026-03-01", "2026-03-02", { now: NOW, optedOut: false });
    expect(u1.spaces).toEqual([
      { space: "ins", visits: 1, timeMs: 1000, conversations: 1, conversationMs: 60000 },
      { space: "tiny", visits: 1, timeMs: 600000, conversations: 0, conversationMs: 0 },
    ]);
    const u7 = await insights().mine("u7", "2026-03-01", "2026-03-02", { now: NOW, optedOut: false });
    expect(u7.spaces).toEqual([{ space: "ins", visits: 1, timeMs: 600000, conversations: 1, conversationMs: 300000 }]);
  });

  it.skipIf(!engine.available)("PV5 PV4 deleting an account deletes its events; retention deletes old rows", async () => {
    const i = insights();
    await i.deleteUser("u2");
    await until(async () => (await i.mine("u2", "2026-03-01", "2026-03-02", { now: NOW, optedOut: false })).spaces.length === 0, "u2's events deleted", 30_000);
    expect((await i.mine("u1", "2026-03-01", "2026-03-02", { now: NOW, optedOut: false })).spaces).toHaveLength(2);
    await i.deleteBefore(dayStart("2026-03-02"));
    await until(async () => (await i.report("ins", "2026-03-01", "2026-03-01", { minGroup: 1, now: NOW })).heatmap.length === 0, "1 March deleted", 30_000);
    const after = await i.report("ins", "2026-03-02", "2026-03-02", { minGroup: 1, now: NOW });
    expect(after.heatmap).toEqual([{ x: 5, y: 5, seconds: 5 }]);
  });
});

describe.skipIf(!haveClickHouse)("insights contract: both engines", () => {
  it("AN6 give identical reports", () => {
    expect(reports.get("embedded")).toBeDefined();
    expect(reports.get("clickhouse")).toEqual(reports.get("embedded"));
  });
});
