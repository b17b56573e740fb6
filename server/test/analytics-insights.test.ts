/**
 * Insights API on a seeded dataset in a real ClickHouse: exact aggregates (written twice, so
 * FINAL deduplication is exercised), UTC days on a non-UTC server, authorization, CSV.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import express from "express";
import type { AddressInfo } from "node:net";
import type { Server } from "node:http";
import { randomUUID } from "node:crypto";
import { ClickHouseSink } from "../src/analytics/clickhouse.ts";
import { Insights, type InsightsReport } from "../src/analytics/insights.ts";
import { ClickHouseSource } from "../src/analytics/engine.ts";
import { AnalyticsPrivacy } from "../src/analytics/privacy.ts";
import type { InsightsService } from "../src/analytics/service.ts";
import { mountInsights } from "../src/http/insights.ts";
import type { EventRow, PresenceRow } from "../src/analytics/sink.ts";
import type { PlazaProcess } from "../src/app.ts";
import { clickHouseBinary, startClickHouse, type TestClickHouse } from "./clickhouse.ts";
import { addMember, createSpace, signUp, startTestServer } from "./harness.ts";

const haveClickHouse = clickHouseBinary() !== null;
if (!haveClickHouse) console.warn("clickhouse-server not installed: insights tests skipped");

const TOKEN = "test-insights-token";
const DB = "insights";
let ch: TestClickHouse;
let plaza: PlazaProcess;

const ev = (type: string, ts: string, duration_ms: number, space = "ins"): EventRow => ({
  id: randomUUID(), type: type as EventRow["type"], ts, space, process: "h:1", session: "", user: "", n: 2, duration_ms, detail: "", x: 0, y: 0, v: 1,
});
const pr = (ts: string, x: number, y: number, people: number, space = "ins"): PresenceRow => ({ ts, space, x, y, people, v: 1 });

const EVENTS: EventRow[] = [
  ev("space_leave", "2026-03-01 09:00:00", 1000),
  ev("space_leave", "2026-03-01 12:00:00", 3000),
  ev("space_leave", "2026-03-02 08:00:00", 2000),
  ev("space_leave", "2026-03-02 23:59:59", 10000),
  ev("space_leave", "2026-03-03 00:00:00", 99999), // after the range
  ev("space_leave", "2026-03-01 10:00:00", 77777, "other"), // another space
  ev("conversation_end", "2026-03-01 10:00:00", 60000),
  ev("conversation_end", "2026-03-01 11:00:00", 120000),
  ev("conversation_end", "2026-03-01 23:30:00", 90000), // 2 March in Kolkata, 1 March in UTC
  ev("conversation_end", "2026-03-02 10:00:00", 30000),
  ev("chat_sent", "2026-03-01 10:00:00", 0),
  ev("conversation_join", "2026-03-01 10:00:00", 0), ev("conversation_join", "2026-03-02 10:00:00", 0),
];
const PRESENCE: PresenceRow[] = [
  pr("2026-03-01 10:00:00", 1, 1, 2), pr("2026-03-01 10:00:00", 2, 2, 1), // 3 people
  pr("2026-03-01 10:00:05", 1, 1, 2), // 2
  pr("2026-03-01 10:07:00", 1, 1, 1), pr("2026-03-01 10:07:00", 3, 3, 4), // 5
  pr("2026-03-02 23:59:55", 2, 2, 1), // 1
  pr("2026-02-28 23:59:55", 1, 1, 9), pr("2026-03-03 00:00:00", 1, 1, 9), // outside
  pr("2026-03-01 10:00:00", 1, 1, 50, "other"),
];

beforeAll(async () => {
  if (!haveClickHouse) return;
  ch = await startClickHouse();
  const sink = new ClickHouseSink({ url: ch.url, database: DB });
  await sink.migrate();
  for (let i = 0; i < 2; i++) { // a retried batch: must count once
    await sink.write("plaza_events", EVENTS);
    await sink.write("plaza_presence", PRESENCE);
  }
  await sink.close();
  // The fixture's rows carry no people (PV2 is the contract suite's): a group of one is shown.
  plaza = await startTestServer({ CLICKHOUSE_URL: ch.url, CLICKHOUSE_DATABASE: DB, INSIGHTS_TOKEN: TOKEN, INSIGHTS_MIN_GROUP: 1 });
});
afterAll(async () => {
  await plaza?.close();
  await ch?.dispose();
});

const auth = { Authorization: `Bearer ${TOKEN}` };
async function get(base: string, path: string, headers: Record<string, string> = auth) {
  const r = await fetch(base + path, { headers });
  const text = await r.text();
  return { status: r.status, type: r.headers.get("content-type") ?? "", text, json: () => JSON.parse(text) };
}

describe.skipIf(!haveClickHouse)("insights API", () => {
  it("AN5 exact aggregates for a seeded two-day range (5-minute buckets)", async () => {
    const r = await get(plaza.url, "/api/spaces/ins/insights?from=2026-03-01&to=2026-03-02");
    expect(r.status).toBe(200);
    const body = r.json() as InsightsReport;
    expect(body.from).toBe("2026-03-01");
    expect(body.to).toBe("2026-03-02");
    expect(body.bucket).toBe("5m");
    expect(body.activity).toHaveLength(2 * 288);
    expect(body.activity.filter((a) => a.people > 0)).toEqual([
      { t: "2026-03-01T10:00:00Z", people: 2.5 },
      { t: "2026-03-01T10:05:00Z", people: 5 },
      { t: "2026-03-02T23:55:00Z", people: 1 },
    ]);
    expect(body.activity[0]).toEqual({ t: "2026-03-01T00:00:00Z", people: 0 });
    expect(body.peak).toEqual({ people: 5, at: "2026-03-01T10:07:00Z" });
    expect(body.visits).toEqual({ count: 4, medianMs: 2500 });
    expect(body.conversations).toEqual({ count: 4, medianMs: 75000 });
    expect(body.conversationsPerDay).toEqual([
      { day: "2026-03-01", count: 3, medianMs: 90000 },
      { day: "2026-03-02", count: 1, medianMs: 30000 },
    ]);
    expect(body.hours).toHaveLength(24);
    expect(body.hours.filter((h) => h.people > 0)).toEqual([{ hour: 10, people: 3.33 }, { hour: 23, people: 1 }]);
    expect(body.heatmap).toEqual([
      { x: 1, y: 1, seconds: 25 },
      { x: 2, y: 2, seconds: 10 },
      { x: 3, y: 3, seconds: 20 },
    ]);
  });

  it("AN5 bucket widens with the range: 1h up to 31 days, 1d beyond; empty ranges are zeros", async () => {
    const week = (await get(plaza.url, "/api/spaces/ins/insights?from=2026-03-01&to=2026-03-07")).json() as InsightsReport;
    expect(week.bucket).toBe("1h");
    expect(week.activity).toHaveLength(7 * 24);
    expect(week.activity.find((a) => a.t === "2026-03-01T10:00:00Z")!.people).toBeCloseTo((3 + 2 + 5) / 3, 2);
    const year = (await get(plaza.url, "/api/spaces/ins/insights?from=2025-04-01&to=2026-03-31")).json() as InsightsReport;
    expect(year.bucket).toBe("1d");
    expect(year.activity).toHaveLength(365);
    expect(year.visits.count).toBe(5);
    const empty = (await get(plaza.url, "/api/spaces/nobody/insights?from=2026-03-01&to=2026-03-01")).json() as InsightsReport;
    expect(empty).toMatchObject({ peak: { people: 0, at: null }, visits: { count: 0, medianMs: 0 }, conversations: { count: 0, medianMs: 0 }, heatmap: [] });
    expect(empty.conversationsPerDay).toEqual([{ day: "2026-03-01", count: 0, medianMs: 0 }]);
  });

  it("AN5 CSV export of each chart", async () => {
    const q = "?from=2026-03-01&to=2026-03-02";
    const activity = await get(plaza.url, `/api/spaces/ins/insights/activity.csv${q}`);
    expect(activity.status).toBe(200);
    expect(activity.type).toMatch(/^text\/csv/);
    const lines = activity.text.trimEnd().split("\r\n");
    expect(lines[0]).toBe('"t","people"');
    expect(lines).toHaveLength(1 + 576);
    expect(lines).toContain('"2026-03-01T10:00:00Z","2.5"');
    expect((await get(plaza.url, `/api/spaces/ins/insights/heatmap.csv${q}`)).text).toBe('"x","y","seconds"\r\n"1","1","25"\r\n"2","2","10"\r\n"3","3","20"\r\n');
    expect((await get(plaza.url, `/api/spaces/ins/insights/visits.csv${q}`)).text).toBe('"from","to","count","median_ms"\r\n"2026-03-01","2026-03-02","4","2500"\r\n');
    expect((await get(plaza.url, `/api/spaces/ins/insights/conversations.csv${q}`)).text).toBe('"day","count","median_ms"\r\n"2026-03-01","3","90000"\r\n"2026-03-02","1","30000"\r\n');
    const hours = (await get(plaza.url, `/api/spaces/ins/insights/hours.csv${q}`)).text.trimEnd().split("\r\n");
    expect(hours).toHaveLength(25);
    expect(hours[11]).toBe('"10","3.33"');
    const unknown = await get(plaza.url, `/api/spaces/ins/insights/nope.csv${q}`);
    expect(unknown.status).toBe(404);
    expect(unknown.json().error.code).toBe("not_found");
  });

  it("AZ1 insights: the space's owners and admins (or the operator token); members 403, no or bad token 401", async () => {
    const owner = await signUp(plaza, "Olive");
    const member = await signUp(plaza, "Milo");
    const admin = await signUp(plaza, "Ada");
    await createSpace(plaza, owner, "ins-team");
    await addMember(plaza, owner, "ins-team", member, "member");
    await addMember(plaza, owner, "ins-team", admin, "admin");
    const path = "/api/spaces/ins-team/insights?from=2026-03-01&to=2026-03-02";
    const as = (t: string) => get(plaza.url, path, { Authorization: `Bearer ${t}` });
    expect((await as(owner.token)).status).toBe(200);
    expect((await as(admin.token)).status).toBe(200);
    const m = await as(member.token);
    expect([m.status, m.json().error.code]).toEqual([403, "forbidden"]);
    const outsider = await as((await signUp(plaza, "Otto")).token);
    expect(outsider.status).toBe(403);
    const missing = await get(plaza.url, path, {});
    expect([missing.status, missing.json().error.code]).toEqual([401, "unauthorized"]);
    const wrong = await get(plaza.url, path, { Authorization: "Bearer nope-nope-nope" });
    expect([wrong.status, wrong.json().error.code]).toEqual([401, "unauthorized"]);
    expect((await get(plaza.url, "/api/spaces/ins-team/insights/activity.csv?from=2026-03-01&to=2026-03-02", {})).status).toBe(401);
  });

  it("AN5 invalid input: 400 with stable codes", async () => {
    const cases: [string, string][] = [
      ["/api/spaces/ins/insights?from=2026-03-02&to=2026-03-01", "invalid_range"],
      ["/api/spaces/ins/insights?from=2025-01-01&to=2026-01-02", "invalid_range"], // 367 days
      ["/api/spaces/ins/insights?from=2026-02-30&to=2026-03-01", "invalid_range"],
      ["/api/spaces/ins/insights?from=2026-03-01", "invalid_range"],
      ["/api/spaces/ins/insights?from=2026-3-1&to=2026-03-01", "invalid_range"],
      ["/api/spaces/Not_Valid/insights?from=2026-03-01&to=2026-03-01", "invalid_space_id"],
    ];
    for (const [path, code] of cases) {
      const r = await get(plaza.url, path);
      expect([path, r.status, r.json().error.code]).toEqual([path, 400, code]);
    }
    expect((await get(plaza.url, "/api/spaces/ins/insights?from=2025-01-01&to=2026-01-01")).status).toBe(200); // 366 days
  });

  it("AZ1 without INSIGHTS_TOKEN that token is just a bad session (401); without an engine 503 analytics_not_configured", async () => {
    const noToken = await bareApp({ insights: service(ch.url), token: undefined, directory: plaza.directory });
    const noClickHouse = await bareApp({ insights: service(null), token: TOKEN, directory: plaza.directory });
    try {
      const a = await get(noToken.url, "/api/spaces/ins/insights?from=2026-03-01&to=2026-03-02");
      expect(a.status).toBe(401);
      expect(a.json().error.code).toBe("unauthorized");
      const b = await get(noClickHouse.url, "/api/spaces/ins/insights?from=2026-03-01&to=2026-03-02");
      expect(b.status).toBe(503);
      expect(b.json().error).toMatchObject({ code: "analytics_not_configured" });
      expect(b.json().error.message).toMatch(/CLICKHOUSE_URL/);
      expect((await get(noClickHouse.url, "/api/spaces/ins/insights?from=2026-03-01&to=2026-03-02", {})).status).toBe(401);
    } finally {
      await noToken.close();
      await noClickHouse.close();
    }
  });

  it("AN5 ClickHouse down → 503 analytics_unavailable", async () => {
    const app = await bareApp({ insights: service("http://127.0.0.1:1"), token: TOKEN, directory: plaza.directory });
    try {
      const r = await get(app.url, "/api/spaces/ins/insights?from=2026-03-01&to=2026-03-02");
      expect(r.status).toBe(503);
      expect(r.json().error.code).toBe("analytics_unavailable");
    } finally {
      await app.close();
    }
  });
});

/** An insights service over ClickHouse at `url` (null: no engine). */
function service(url: string | null): InsightsService {
  const insights = url ? new Insights(new ClickHouseSource(new ClickHouseSink({ url, database: DB }))) : null;
  return { insights, privacy: new AnalyticsPrivacy(null), minGroup: 1, store: plaza.directory.store };
}

/** The insights routes alone on an express app (authorization cases need no rooms). */
async function bareApp(deps: Parameters<typeof mountInsights>[1]) {
  const app = express();
  mountInsights(app, deps);
  const server: Server = await new Promise((r) => { const s = app.listen(0, "127.0.0.1", () => r(s)); });
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: async () => {
      await new Promise((r) => server.close(r));
      await deps.insights.insights?.close();
    },
  };
}
