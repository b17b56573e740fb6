/**
 * DS3 / BM1: every acknowledged edit survives `kill -9`. A real server process takes a stream of
 * edits; it is SIGKILLed while edits are still in flight, restarted on the same storage, and every
 * edit that had been acknowledged must be there. Run on embedded PGlite and on real PostgreSQL.
 */
import { afterAll, describe, expect, it } from "vitest";
import { Client } from "@colyseus/sdk";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { startServerChild, type ServerChild } from "../../loadtest/serverProcess.ts";
import { PROTOCOL_VERSION, SPACE_ROOM, type ServerMessages } from "../../shared/protocol.ts";
import { SpaceState } from "../../shared/state.ts";
import { NoticeCode } from "../../shared/codes.ts";
import { MSG_BURST, MSG_RATE_PER_S } from "../../shared/constants.ts";
import { api, createSpace, signUp, sleep, until, type TestRoom, type TestUser } from "./harness.ts";
import { startTestPostgres, type TestPostgres } from "./postgres.ts";

const EDITS = 240;
const KILL_AFTER_ACKS = 120;
/** Edits sent at once: under the message budget (MSG_BURST) with room to spare; 120 is not a multiple. */
const BURST = Math.min(16, MSG_BURST / 2, MSG_RATE_PER_S - 4);
const WIDTH = 48; // the small office template

const cleanups: Array<() => Promise<void> | void> = [];
afterAll(async () => {
  for (const c of cleanups.reverse()) await c();
});

async function enter(server: { url: string }, spaceId: string, user: TestUser): Promise<TestRoom> {
  const client = new Client(server.url);
  client.auth.token = user.token;
  const room = (await client.joinOrCreate(SPACE_ROOM, { protocol: PROTOCOL_VERSION, spaceId, name: user.name, look: 0 }, SpaceState)) as TestRoom;
  room.onMessage("welcome", () => {});
  room.onMessage("notice", () => {});
  room.onMessage("ack", () => {});
  return room;
}

/**
 * Paints EDITS distinct tiles; SIGKILLs the server once KILL_AFTER_ACKS are acknowledged; returns the
 * acknowledged tiles. Sends like a well-behaved client: bursts of BURST edits, the next burst only
 * once the last one is answered and a second has passed, so the sender stays inside its message
 * budget (BI1: MSG_RATE_PER_S, MSG_BURST) however slow the machine is, and no edit is dropped
 * unanswered. The kill lands mid-burst, with edits queued behind the one that reached the count.
 */
async function paintUntilKilled(server: ServerChild, room: TestRoom): Promise<number[]> {
  const acked: number[] = [];
  const answered = new Set<number>();
  let throttled = 0;
  let killed: Promise<boolean> | undefined;
  room.onMessage("built", (b: ServerMessages["built"]) => {
    answered.add(b.ref);
    if (!b.ok || killed) return;
    acked.push(b.ref);
    if (acked.length === KILL_AFTER_ACKS) killed = server.kill("SIGKILL");
  });
  room.onMessage("notice", (n: ServerMessages["notice"]) => { if (n.code === NoticeCode.THROTTLED) throttled++; });
  room.onLeave(() => {});
  let sent = 0;
  while (!killed && sent < EDITS) {
    const burst: number[] = [];
    const startedAt = Date.now();
    while (burst.length < BURST && sent < EDITS) {
      const tile = sent++;
      burst.push(tile);
      room.send("build", { ref: tile, op: { op: "paint", paint: "wood", tiles: [[tile % WIDTH, Math.floor(tile / WIDTH) + 1]] } });
    }
    await until(() => killed !== undefined || burst.every((t) => answered.has(t)), `burst ending at ${sent} answered (${acked.length} acknowledged, ${throttled} throttle notices)`, 30_000);
    while (!killed && Date.now() - startedAt < 1000) await sleep(10);
  }
  expect(killed, `${acked.length} of ${sent} edits acknowledged`).toBeDefined();
  expect(await killed).toBe(true);
  expect(throttled).toBe(0);
  return [...acked];
}

async function durabilityRun(env: Record<string, string>) {
  const first = await startServerChild({ env: { ...env, LOG_LEVEL: "error" } });
  cleanups.push(() => first.stop());
  const owner = await signUp(first, "Dora");
  await createSpace(first, owner, "durable");
  const room = await enter(first, "durable", owner);
  const t0 = performance.now();
  const acked = await paintUntilKilled(first, room);
  console.log(`durability (${env.DATABASE_URL ? "postgres" : "pglite"}): ${acked.length} edits acknowledged in ${Math.round(performance.now() - t0)} ms before kill -9`);
  expect(acked.length).toBeGreaterThanOrEqual(KILL_AFTER_ACKS);

  const second = await startServerChild({ env: { ...env, LOG_LEVEL: "error" } });
  cleanups.push(() => second.stop());
  // The session from before the crash still works (the secret is in the data dir or env).
  expect((await api(second, "GET", "/api/me", undefined, owner.token)).status).toBe(200);
  const again = await enter(second, "durable", owner);
  await until(() => again.state.contentVersion > 0, "content loaded");
  const missing = acked.filter((t) => !again.state.paint.has(String((Math.floor(t / WIDTH) + 1) * WIDTH + (t % WIDTH))));
  expect(missing).toEqual([]);
  // Nothing half-applied: every stored paint is one whole edit, and the version counts them.
  expect(again.state.contentVersion).toBe(again.state.paint.size);
  await again.leave();
  await second.stop();
}

describe("DS3 acknowledged edits survive kill -9", () => {
  it("embedded PGlite", async () => {
    const dir = mkdtempSync(join(tmpdir(), "plaza-durable-"));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    await durabilityRun({ PLAZA_DATA_DIR: dir, PLAZA_AUTO_SPACES: "0" });
  }, 120_000);

  it("PostgreSQL (DATABASE_URL)", async (ctx) => {
    const server: TestPostgres | undefined = await startTestPostgres();
    if (!server) return ctx.skip();
    cleanups.push(() => server.stop());
    const admin = new pg.Client({ connectionString: server.url });
    await admin.connect();
    await admin.query("CREATE DATABASE plaza_durable");
    await admin.end();
    const url = server.url.replace(/\/[^/]*$/, "/plaza_durable");
    const dir = mkdtempSync(join(tmpdir(), "plaza-durable-pg-"));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    await durabilityRun({ DATABASE_URL: url, PLAZA_DATA_DIR: dir, PLAZA_AUTO_SPACES: "0" });
  }, 120_000);
});
