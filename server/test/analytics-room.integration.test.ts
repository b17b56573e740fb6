/**
 * The room's analytics events (AN1–AN2), recorded at the port the pipeline implements: what a
 * session, a conversation, chat and occupancy produce. (server/test/analytics*.test.ts check that
 * the pipeline delivers them to a real ClickHouse.)
 */
import { afterAll, beforeAll, expect, it } from "vitest";
import { asciiTiledMap } from "../../shared/testing/asciiMap.ts";
import { catalogOf, joinAs, sleep, startTestServer, until, walkTo } from "./harness.ts";
import { parseTiledMap } from "../../shared/map.ts";
import type { AnalyticsPort, PresenceSample, TrackedEvent } from "../src/analytics/events.ts";
import type { PlazaProcess } from "../src/app.ts";

const TMJ = asciiTiledMap(["##############", "#S...........#", "##############"]);
const events: TrackedEvent[] = [];
const samples: PresenceSample[] = [];
const recorder: AnalyticsPort = { track: (e) => events.push(e), sample: (rows) => samples.push(...rows) };

let server: PlazaProcess;
beforeAll(async () => { server = await startTestServer({ maps: catalogOf(TMJ), analytics: recorder }); });
afterAll(async () => { await server?.close(); });

it("sessions, visits, conversations, chat and occupancy produce events with the right fields (never chat text)", async () => {
  const a = await joinAs(server, "an", "Ada");
  const b = await joinAs(server, "an", "Bob");
  await until(() => events.some((e) => e.type === "conversation_start"), "conversation starts (both at the spawn)");
  a.send("chat", { scope: "space", text: "secret plans" });
  a.send("emote", { emote: "wave" });
  a.send("status", { status: "busy" });
  await walkTo(b, parseTiledMap(TMJ), 10, 1);
  await until(() => events.some((e) => e.type === "conversation_end"), "conversation ends when Bob walks away");
  await until(() => samples.length > 0, "an occupancy sample", 7000);
  await b.leave();
  await until(() => events.filter((e) => e.type === "space_leave").length === 1, "Bob's visit ends");
  await a.leave();
  await until(() => events.some((e) => e.type === "room_disposed"), "room disposed", 5000);

  const of = (type: string) => events.filter((e) => e.type === type);
  expect(of("room_created")).toHaveLength(1);
  // PV1: people are account ids ('' for these visitors without one), never names.
  expect(of("session_start").map((e) => [e.user, e.detail])).toEqual([["", "web"], ["", "web"]]);
  expect(JSON.stringify(events)).not.toMatch(/Ada|Bob/);
  expect(of("space_enter")).toHaveLength(2);
  expect(of("conversation_start")[0]).toMatchObject({ space: "an", n: 2 });
  const end = of("conversation_end")[0];
  expect(end.n).toBe(2);
  expect(end.duration_ms).toBeGreaterThan(0);
  expect(end.detail).toBe(of("conversation_start")[0].detail);
  expect(of("chat_sent")[0]).toMatchObject({ session: a.sessionId, detail: "space", n: "secret plans".length });
  expect(JSON.stringify(events)).not.toContain("secret plans");
  expect(of("emote")[0].detail).toBe("wave");
  expect(of("status_change")[0]).toMatchObject({ session: a.sessionId, detail: "busy" });
  // Cross-team encounters (PV2) and "my conversations" (PV3): who joined which conversation.
  expect(of("conversation_join").map((e) => [e.session, e.detail, e.n]).sort()).toEqual([a.sessionId, b.sessionId].sort().map((s) => [s, end.detail, 1]));
  // AN7: a heartbeat with each sample.
  expect(of("room_alive").length).toBeGreaterThan(0);
  const bobLeave = of("space_leave").find((e) => e.session === b.sessionId)!;
  expect(bobLeave).toMatchObject({ x: 10, y: 1 });
  expect(bobLeave.duration_ms).toBeGreaterThan(1000);
  expect(of("session_end")).toHaveLength(2);
  expect(samples.every((s) => s.space === "an" && s.people >= 1)).toBe(true);
  await sleep(10);
});
