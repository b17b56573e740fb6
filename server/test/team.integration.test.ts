/**
 * SPEC TP1–TP6: a team's online list and announcements, on one process (LocalPresence) and on two
 * real processes sharing Redis and PostgreSQL, including SIGKILL of the process hosting a space.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Room } from "@colyseus/sdk";
import type { PlazaProcess } from "../src/app.ts";
import type { ServerMessages } from "../../shared/protocol.ts";
import type { TeamOnlineResponse } from "../../shared/api.ts";
import { ANNOUNCEMENTS_PER_MINUTE } from "../src/team/TeamPresence.ts";
import { startServerChild, type ServerChild } from "../../loadtest/serverProcess.ts";
import { redisServerInstalled } from "../src/cluster/redisServer.ts";
import { startTestRedis, untilHeartbeat, type LocalRedis } from "./redis.ts";
import { startSharedDatabase } from "./postgres.ts";
import { addMember, api, createSpace, joinAs, signUp, sleep, startTestServer, until, type TestRoom, type TestUser } from "./harness.ts";

type Announced = ServerMessages["announcement"];
type Listened = TestRoom & { announcements: Announced[] };

/** Joins like the browser (token as auth) through any process ({url}), and records announcements. */
async function enter(server: { url: string }, spaceId: string, user: TestUser | null, name = user?.name ?? "Visitor"): Promise<Listened> {
  const room = (await joinAs(server as PlazaProcess, spaceId, name, {}, user?.token)) as Listened;
  room.announcements = [];
  room.onMessage("announcement", (a: Announced) => room.announcements.push(a));
  for (const type of ["peers", "chatHistory", "chat", "located", "built"] as const) room.onMessage(type, () => {});
  return room;
}

/** Leaves if still connected, bounded: a room of a killed process never answers. */
const leave = (r: Room) => (r.connection.isOpen ? Promise.race([r.leave().catch(() => {}), sleep(2000)]) : Promise.resolve());

const online = (server: { url: string }, teamId: string, user?: TestUser) => api<TeamOnlineResponse>(server, "GET", `/api/teams/${teamId}/online`, undefined, user?.token);
const where = (r: { body: TeamOnlineResponse }) => r.body.people.map((p) => `${p.name}@${p.spaceId}`).sort();
const announce = (server: { url: string }, teamId: string, user: TestUser | undefined, text: unknown) => api(server, "POST", `/api/teams/${teamId}/announcements`, { text }, user?.token);
const teamOf = async (server: { url: string }, owner: TestUser) => (await api(server, "GET", "/api/me", undefined, owner.token)).body.teams.find((t: { role: string }) => t.role === "owner").id as string;

/** Polls GET online until `want` holds (a bound on waiting, not a timing assertion). */
async function onlineUntil(server: { url: string }, teamId: string, user: TestUser, want: (names: string[]) => boolean, what: string, ms = 10_000) {
  const deadline = Date.now() + ms;
  for (;;) {
    const r = await online(server, teamId, user);
    if (r.status === 200 && want(where(r))) return r;
    if (Date.now() > deadline) throw new Error(`timed out waiting: ${what} (last: ${r.status} ${JSON.stringify(r.body)})`);
    await sleep(100);
  }
}

describe("TP on one process (LocalPresence)", () => {
  let server: PlazaProcess;
  const u = {} as Record<"owner" | "member" | "guest" | "outsider", TestUser>;
  let teamId = "";
  const rooms: Room[] = [];

  beforeAll(async () => {
    server = await startTestServer({ PLAZA_AUTO_SPACES: false });
    u.owner = await signUp(server, "Olive");
    for (const n of ["member", "guest", "outsider"] as const) u[n] = await signUp(server, n === "member" ? "Max" : n === "guest" ? "Gus" : "Oscar");
    await createSpace(server, u.owner, "tp-a", { name: "Alpha" });
    await createSpace(server, u.owner, "tp-b", { name: "Beta", visibility: "public" });
    await addMember(server, u.owner, "tp-a", u.member, "member");
    await addMember(server, u.owner, "tp-a", u.guest, "guest");
    teamId = await teamOf(server, u.owner);
  }, 60_000);

  afterAll(async () => {
    await Promise.all(rooms.map(leave));
    await server?.close();
  });

  it("TP1 TP2 lists the team's people in all its spaces, not visitors; any role may look; others 401/403/404", async () => {
    const a = await enter(server, "tp-a", u.member);
    const b = await enter(server, "tp-b", u.owner);
    const visitor = await enter(server, "tp-b", null, "Walk-in");
    const stranger = await enter(server, "tp-b", u.outsider);
    rooms.push(a, b, visitor, stranger);
    const r = await onlineUntil(server, teamId, u.guest, (n) => n.length === 2, "both teammates listed");
    expect(where(r)).toEqual(["Max@tp-a", "Olive@tp-b"]);
    expect(r.body).toMatchObject({ teamId, more: 0 });
    expect(r.body.people.map((p) => [p.spaceName, p.name, p.self])).toEqual([["Alpha", "Max", false], ["Beta", "Olive", false]]);
    expect((await online(server, teamId, u.member)).body.people.find((p) => p.name === "Max")?.self).toBe(true);
    expect((await online(server, teamId, u.outsider)).status).toBe(403);
    expect((await online(server, teamId)).status).toBe(401);
    expect((await online(server, "no-such-team", u.owner)).status).toBe(404);
    expect((await online(server, "bad%20id", u.owner)).status).toBe(404);

    await a.leave();
    await onlineUntil(server, teamId, u.owner, (n) => n.join() === "Olive@tp-b", "Max gone after leaving");
  });

  it("TP4 TP5 an admin's announcement reaches everyone in every space of the team; members may not; limits", async () => {
    const a = await enter(server, "tp-a", u.member);
    const b = rooms[1] as Listened;
    const visitor = rooms[2] as Listened;
    rooms.push(a);
    expect((await announce(server, teamId, u.member, "hi")).status).toBe(403);
    expect((await announce(server, teamId, u.outsider, "hi")).status).toBe(403);
    expect((await announce(server, teamId, undefined, "hi")).status).toBe(401);
    expect((await announce(server, teamId, u.owner, "   ")).status).toBe(400);
    expect((await announce(server, teamId, u.owner, "x".repeat(501))).status).toBe(400);
    const res = await announce(server, teamId, u.owner, "  Fire drill at 3 <b>pm</b>  ");
    expect(res.status).toBe(202);
    await until(() => [a, b, visitor].every((r) => r.announcements.length === 1), "announcement everywhere");
    for (const r of [a, b, visitor]) expect(r.announcements[0]).toMatchObject({ from: "Olive", text: "Fire drill at 3 <b>pm</b>" });
    for (let i = 1; i < ANNOUNCEMENTS_PER_MINUTE; i++) expect((await announce(server, teamId, u.owner, `n${i}`)).status).toBe(202);
    const limited = await announce(server, teamId, u.owner, "one too many");
    expect([limited.status, limited.body.error.code]).toEqual([429, "rate_limited"]);
  });
});

const installed = redisServerInstalled();

describe.skipIf(!installed && process.env.CI !== "true")("TP across two processes (real Redis + PostgreSQL)", () => {
  let redis: LocalRedis | undefined;
  let shared: Awaited<ReturnType<typeof startSharedDatabase>>;
  const spool = mkdtempSync(join(tmpdir(), "plaza-team-spool-"));
  const procs: ServerChild[] = [];
  const rooms: Room[] = [];
  const portOf = (room: Room) => Number(new URL((room.connection.transport as unknown as { ws: { url: string } }).ws.url).port);

  async function startProcess(extra: Record<string, string> = {}) {
    const p = await startServerChild({
      env: { REDIS_URL: redis!.url, ...shared!.env, PLAZA_AUTO_SPACES: "0", ANALYTICS_SPOOL_DIR: join(spool, String(procs.length)), PUBLIC_ADDRESS: undefined, LOG_LEVEL: "error", ...extra },
    });
    procs.push(p);
    return p;
  }

  beforeAll(async () => {
    redis = await startTestRedis();
    shared = await startSharedDatabase();
    if (!shared) await redis?.stop();
    if (!shared) redis = undefined;
  }, 60_000);

  afterAll(async () => {
    await Promise.all(rooms.map(leave));
    await Promise.all(procs.map((p) => p.stop()));
    await redis?.stop();
    await shared?.stop();
    rmSync(spool, { recursive: true, force: true });
  }, 60_000);

  it("TP1–TP4 one list and one announcement across processes; TP3 people of a killed process drop out", async () => {
    if (!redis || !shared) return;
    // P1 looks busy, so once P2 exists new spaces open on P2: space A is on P1 (alone at first), B on P2.
    const p1 = await startProcess({ PLAZA_TEST_FAKE_ELU: "0.95" });
    const owner = await signUp(p1, "Olive");
    const member = await signUp(p1, "Max");
    const outsider = await signUp(p1, "Oscar");
    await createSpace(p1, owner, "tpc-a", { name: "Alpha" });
    await createSpace(p1, owner, "tpc-b", { name: "Beta" });
    await addMember(p1, owner, "tpc-a", member, "member");
    const teamId = await teamOf(p1, owner);
    const a = await enter(p1, "tpc-a", member);
    rooms.push(a);
    expect(portOf(a)).toBe(p1.port);

    const p2 = await startProcess();
    const p2Id = ((await (await fetch(`${p2.url}/healthz`)).json()) as { processId: string }).processId;
    await untilHeartbeat(redis.url, p2Id); // P2's first heartbeat (250 ms after listen) is in: placement sees it
    const b = await enter(p2, "tpc-b", owner);
    rooms.push(b);
    expect(portOf(b)).toBe(p2.port);

    for (const [via, who] of [[p1, member], [p2, owner], [p1, owner], [p2, member]] as const) {
      const r = await onlineUntil(via, teamId, who, (n) => n.length === 2, `both listed via :${via.port}`);
      expect(where(r)).toEqual(["Max@tpc-a", "Olive@tpc-b"]);
    }
    expect((await online(p2, teamId, outsider)).status).toBe(403);

    // TP4: POSTed to P1, delivered in the room on P2 (and on P1).
    expect((await announce(p2, teamId, member, "hi")).status).toBe(403);
    expect((await announce(p1, teamId, owner, "All hands in Beta")).status).toBe(202);
    await until(() => b.announcements.length === 1 && a.announcements.length === 1, "announcement on both processes", 5000);
    expect(b.announcements[0]).toMatchObject({ from: "Olive", text: "All hands in Beta" });
    // TP5: one limit per team, whichever process is asked.
    for (let i = 1; i < ANNOUNCEMENTS_PER_MINUTE; i++) expect((await announce(i % 2 ? p2 : p1, teamId, owner, `n${i}`)).status).toBe(202);
    expect((await announce(p2, teamId, owner, "one too many")).status).toBe(429);

    // TP3: SIGKILL the process hosting space A; Max drops out of the list P2 answers.
    const killedAt = Date.now();
    expect(await p1.kill("SIGKILL")).toBe(true);
    await onlineUntil(p2, teamId, owner, (n) => n.join() === "Olive@tpc-b", "Max drops out after SIGKILL", 20_000);
    const dropMs = Date.now() - killedAt;
    console.log(`TP3: people of a SIGKILLed process left the team list after ${dropMs} ms (heartbeat 2 s, stale after 6 s)`);
  }, 90_000);
});
