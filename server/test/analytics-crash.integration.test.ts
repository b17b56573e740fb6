/**
 * AN7: honest after a crash. A real server process (embedded analytics, the default) hosts a busy
 * session; it is SIGKILLed while two people are still in the space, restarted on the same data,
 * and the insights then count their visits — ended at the room's last heartbeat, so within one
 * sampling interval of the kill — next to the visit that ended normally. The server is the one
 * `npm start` runs (the bundle with its flags, OP17), so this also shows its analytics thread and
 * PGlite work there.
 */
import { afterAll, expect, it } from "vitest";
import { Client } from "@colyseus/sdk";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startServerChild, type ServerChild } from "../../loadtest/serverProcess.ts";
import { PROTOCOL_VERSION, SPACE_ROOM } from "../../shared/protocol.ts";
import { SpaceState } from "../../shared/state.ts";
import { PRESENCE_SAMPLE_S } from "../src/analytics/events.ts";
import type { InsightsReport, MyActivity } from "../../shared/insights.ts";
import { api, createSpace, sleep, signUp, until, type TestUser } from "./harness.ts";

const FLUSH_MS = 200;
const dataDir = mkdtempSync(join(tmpdir(), "plaza-crash-"));
const children: ServerChild[] = [];
afterAll(async () => {
  for (const c of children) await c.stop().catch(() => undefined);
  rmSync(dataDir, { recursive: true, force: true });
});

const env = { PLAZA_DATA_DIR: dataDir, ANALYTICS_EMBEDDED: "on", ANALYTICS_FLUSH_MS: String(FLUSH_MS), INSIGHTS_MIN_GROUP: "1", LOG_LEVEL: "error" };

async function enter(server: { url: string }, spaceId: string, user: TestUser) {
  const client = new Client(server.url);
  client.auth.token = user.token;
  const room = await client.joinOrCreate(SPACE_ROOM, { protocol: PROTOCOL_VERSION, spaceId, name: user.name, look: 0 }, SpaceState);
  room.onMessage("*", () => {});
  room.onLeave(() => {});
  return room;
}

const today = () => new Date().toISOString().slice(0, 10);

async function report(server: { url: string }, owner: TestUser): Promise<InsightsReport> {
  const r = await api(server, "GET", `/api/spaces/crash/insights?from=${today()}&to=${today()}`, undefined, owner.token);
  if (r.status !== 200) throw new Error(`insights ${r.status} ${JSON.stringify(r.body)}`);
  return r.body as InsightsReport;
}

it("AN7 kill -9 mid-session, restart: visits and time are counted, ended within one sampling interval", async () => {
  const first = await startServerChild({ env, built: true });
  children.push(first);
  const owner = await signUp(first, "Olive");
  const other = await signUp(first, "Pat");
  const visitor = await signUp(first, "Quinn");
  await createSpace(first, owner, "crash", { visibility: "public" });

  // Their sessions start somewhere between these two instants (a join takes a while on a busy machine).
  const joining = Date.now();
  // Their SDKs would try to reconnect to the killed process for a while: told not to.
  for (const room of [await enter(first, "crash", owner), await enter(first, "crash", other)]) room.reconnection.maxRetries = 0;
  const joined = Date.now();
  const brief = await enter(first, "crash", visitor);
  await sleep(500);
  await brief.leave(); // a visit that ends normally

  // Two heartbeats (occupancy samples) stored, then the crash.
  await until(async () => (await report(first, owner)).peak.people >= 2, "an occupancy sample with both stored", 30_000);
  await sleep(2 * PRESENCE_SAMPLE_S * 1000);
  const killedAt = Date.now();
  expect(await first.kill("SIGKILL")).toBe(true);

  // Restarted where it ran (its port is free again; a fresh one could be taken by a parallel test meanwhile).
  const second = await startServerChild({ env, port: first.port, built: true });
  children.push(second);
  let r: InsightsReport | undefined;
  await until(async () => (r = await report(second, owner)).visits.count === 3, "the two visits the crash left open are closed", 60_000, 500);
  expect(r!.people).toBe(3);

  const mine = async (u: TestUser) => ((await api(second, "GET", `/api/me/activity?from=${today()}&to=${today()}`, undefined, u.token)).body as MyActivity).spaces;
  const livedAtMost = killedAt - joining;
  const livedAtLeast = killedAt - joined;
  for (const u of [owner, other]) {
    const [crash] = await mine(u);
    expect(crash).toMatchObject({ space: "crash", visits: 1 });
    // Ended at the last stored heartbeat: at most one sampling interval (plus a flush) before the
    // kill; stored times have whole seconds, so start and end are each up to 1 s early.
    expect(crash.timeMs).toBeLessThanOrEqual(livedAtMost + 1000);
    expect(crash.timeMs).toBeGreaterThanOrEqual(livedAtLeast - PRESENCE_SAMPLE_S * 1000 - FLUSH_MS - 2000);
  }
  expect((await mine(visitor))[0]).toMatchObject({ space: "crash", visits: 1 });
}, 180_000);
