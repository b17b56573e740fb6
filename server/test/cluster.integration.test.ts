/**
 * CL1–CL4 with a real redis-server and real Plaza processes (children on 127.0.0.1), joined by real
 * SDK clients that use the browser's failover logic (shared/net/resume.ts).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Client, type Room } from "@colyseus/sdk";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startServerChild, type ServerChild } from "../../loadtest/serverProcess.ts";
import { startTestRedis, untilHeartbeat, untilPositionStored, type LocalRedis } from "./redis.ts";
import { startSharedDatabase } from "./postgres.ts";
import { SpaceState } from "../../shared/state.ts";
import { PROTOCOL_VERSION, SPACE_ROOM } from "../../shared/protocol.ts";
import { isWalkable, parseTiledMap, type SpaceMap } from "../../shared/map.ts";
import { findPath } from "../../shared/pathfinding.ts";
import { PlazaCloseCode } from "../../shared/codes.ts";
import { isMoveCode, prepareForFailover, rejoinSpace } from "../../shared/net/resume.ts";
import { createSpace, signUp, until, walkTo, type TestRoom } from "./harness.ts";
import { redisServerInstalled } from "../src/cluster/redisServer.ts";
import { learnSelf, selfOf } from "../../shared/net/typedRoom.ts";

let redis: LocalRedis | undefined;
/** One database and session secret for all processes: what makes them one deployment. */
let shared: Awaited<ReturnType<typeof startSharedDatabase>>;
const spool = mkdtempSync(join(tmpdir(), "plaza-cluster-spool-"));
let procs: ServerChild[] = [];
/** Processes a load balancer would still send people to. */
let alive: ServerChild[] = [];

async function startProcess(extra: Record<string, string> = {}): Promise<ServerChild> {
  const child = await startServerChild({
    env: { REDIS_URL: redis!.url, ...shared!.env, ANALYTICS_SPOOL_DIR: join(spool, String(procs.length)), PUBLIC_ADDRESS: undefined, LOG_LEVEL: "error", ...extra },
  });
  procs.push(child);
  return child;
}


const pick = <T>(xs: readonly T[]) => xs[Math.floor(Math.random() * xs.length)];
/** The port of the process a room's socket is connected to (publicAddress is 127.0.0.1:<port>). */
const portOf = (room: Room) => Number(new URL((room.connection.transport as unknown as { ws: { url: string } }).ws.url).port);

async function joinVia(entry: ServerChild, spaceId: string, name: string, resume?: string, token?: string): Promise<TestRoom> {
  const client = new Client(entry.url);
  if (token) client.auth.token = token;
  const room = (await client.joinOrCreate(SPACE_ROOM, { protocol: PROTOCOL_VERSION, spaceId, name, look: 0, client: "bot", ...(resume ? { resume } : {}) }, SpaceState)) as TestRoom;
  const self = learnSelf(room); // IM10
  prepareForFailover(room);
  // As for a session older than the SDK's 5 s minimum: a drop goes through its reconnection first.
  room.reconnection.minUptime = 0;
  for (const type of ["peers", "chatHistory", "notice", "correction", "located", "chat"] as const) room.onMessage(type, () => {});
  room.onMessage("welcome", (w: TestRoom["welcome"]) => { room.welcome = w; });
  await self;
  await until(() => room.state.avatars?.get(selfOf(room)) !== undefined, `${name} sees own avatar`, 10_000);
  return room;
}

/** A person in a space who, like the browser, continues elsewhere when the process goes away. */
class Member {
  room!: TestRoom;
  codes: number[] = [];
  movedAt: number | undefined;
  /** Answers to build edits, by ref (kept across re-joins: an answer is for the edit, not the room). */
  built = new Map<number, boolean>();
  constructor(readonly spaceId: string, readonly name: string, readonly token?: string) {}
  async enter(entry: ServerChild) {
    this.attach(await joinVia(entry, this.spaceId, this.name, undefined, this.token));
  }
  /** Paints tiles (one edit each) without waiting; answers land in `built`. */
  paint(refs: number[]) {
    for (const ref of refs) this.room.send("build", { ref, op: { op: "paint", paint: "wood", tiles: [[ref % 40 + 1, 1]] } });
  }
  paintedSeen(ref: number) { return this.room.state.paint.has(String(1 * 48 + (ref % 40) + 1)); }
  private attach(room: TestRoom) {
    this.room = room;
    room.onMessage("built", (b: { ref: number; ok: boolean }) => this.built.set(b.ref, b.ok));
    room.onLeave((code: number) => {
      this.codes.push(code);
      if (!isMoveCode(code)) return;
      if (process.env.PLAZA_DEBUG_CLUSTER) console.log(`${this.name}: left ${code} at ${Date.now()}`);
      // The browser's logic: re-join the same space with the old session, through the load balancer.
      void rejoinSpace((resume) => {
        if (process.env.PLAZA_DEBUG_CLUSTER) console.log(`${this.name}: rejoin attempt at ${Date.now()}`);
        return joinVia(pick(alive), this.spaceId, this.name, resume, this.token);
      }, room.welcome?.resume ?? room.sessionId, { deadlineMs: 40_000 }).then((r) => {
        this.movedAt = Date.now();
        this.attach(r);
      });
    });
  }
  get avatar() { return this.room.state.avatars.get(selfOf(this.room)); }
}

async function mapOf(entry: ServerChild, spaceId: string): Promise<SpaceMap> {
  const res = await fetch(`${entry.url}/api/spaces/${spaceId}/map`, { signal: AbortSignal.timeout(5000) });
  return parseTiledMap(await res.json());
}

/** A walkable tile 3–6 steps from (x, y). */
function nearbyTile(map: SpaceMap, x: number, y: number) {
  for (let dy = -6; dy <= 6; dy++) for (let dx = -6; dx <= 6; dx++) {
    const t = { x: x + dx, y: y + dy };
    if (!isWalkable(map, t.x, t.y)) continue;
    const len = findPath(map, { x, y }, t).length;
    if (len >= 3 && len <= 6) return t;
  }
  throw new Error("no tile to walk to");
}

const installed = redisServerInstalled();
if (!installed && process.env.CI !== "true") console.warn("redis-server not installed: skipping the cluster tests");

describe.skipIf(!installed && process.env.CI !== "true")("cluster (real Redis, 3 processes)", () => {
  beforeAll(async () => {
    redis = await startTestRedis();
    shared = await startSharedDatabase();
    if (!shared) await redis?.stop();
    if (!redis || !shared) {
      redis = undefined;
      return;
    }
    await Promise.all([0, 1, 2].map(() => startProcess()));
    alive = [...procs];
  }, 90_000);

  afterAll(async () => {
    if (process.env.PLAZA_DEBUG_CLUSTER) for (const p of procs) console.log(p.output());
    await Promise.all(procs.map((p) => p.stop()));
    await redis?.stop();
    await shared?.stop();
    rmSync(spool, { recursive: true, force: true });
  }, 60_000);

  it("CL1 20 spaces joined through random processes: each space's people share one room on one process", async () => {
    if (!redis) return;
    const spaces = Array.from({ length: 20 }, (_, i) => `sticky-${i}`);
    const rooms = await Promise.all(spaces.map((s) => Promise.all([0, 1, 2].map((i) => joinVia(pick(alive), s, `p${i}`)))));
    const used = new Set<number>();
    for (const group of rooms) {
      expect(new Set(group.map((r) => r.roomId)).size).toBe(1);
      expect(new Set(group.map(portOf)).size).toBe(1);
      used.add(portOf(group[0]));
      await until(() => group[0].state.people.size === 3, "all three see each other", 10_000);
    }
    console.log(`CL1: 20 spaces on ${used.size} processes`);
    await Promise.all(rooms.flat().map((r) => r.leave()));
  }, 90_000);

  it("CL1 50 concurrent first joins to one new space across processes create exactly one room", async () => {
    if (!redis) return;
    const started = Date.now();
    const rooms = await Promise.all(Array.from({ length: 50 }, (_, i) => joinVia(procs[i % 3], "rush", `r${i}`)));
    const ids = new Set(rooms.map((r) => r.roomId));
    const host = procs.find((p) => p.port === portOf(rooms[0]))!;
    const text = await (await fetch(`${host.url}/metrics`, { signal: AbortSignal.timeout(5000) })).text();
    const sum = Number(/^plaza_room_create_seconds_sum (\S+)/m.exec(text)?.[1]);
    const count = Number(/^plaza_room_create_seconds_count (\S+)/m.exec(text)?.[1]);
    console.log(`CL1: 50 concurrent first joins → ${ids.size} room(s) in ${Date.now() - started} ms; onCreate mean ${((sum / count) * 1000).toFixed(2)} ms over ${count} rooms on that process`);
    expect(ids.size).toBe(1);
    await Promise.all(rooms.map((r) => r.leave()));
  }, 90_000);

  it("CL2 a busy process receives no new rooms while the others have room", async () => {
    if (!redis) return;
    const busy = await startProcess({ PLAZA_TEST_FAKE_ELU: "0.95" });
    const busyId = ((await (await fetch(`${busy.url}/healthz`)).json()) as { processId: string }).processId;
    await untilHeartbeat(redis.url, busyId, 0.95); // placement can see it is busy
    const rooms = await Promise.all(Array.from({ length: 12 }, (_, i) => joinVia(i % 4 === 0 ? busy : pick(alive), `placed-${i}`, "p")));
    const ports = rooms.map(portOf);
    console.log(`CL2: 12 new spaces → ports ${JSON.stringify(ports)}; busy is ${busy.port}`);
    // Whether they also spread over the idle processes depends on those processes' live ELU being
    // within SCORE_TIE_MARGIN of each other, which a loaded CI machine does not guarantee (it
    // failed once with all 12 on the least-loaded one, which is correct placement). Spreading over
    // near-equal processes is asserted deterministically in placement.test.ts.
    expect(ports).not.toContain(busy.port);
    const health = (await (await fetch(`${busy.url}/healthz`)).json()) as { rooms: number; elu: number };
    expect(health).toMatchObject({ rooms: 0, elu: 0.95 });
    await Promise.all(rooms.map((r) => r.leave()));
    expect(await busy.kill("SIGTERM")).toBe(true);
  }, 90_000);

  it("CL3 SIGKILL of the hosting process: its people continue in a re-created room elsewhere, at their last positions, with the space's stored content", async () => {
    if (!redis) return;
    // A team's public space: Ada owns it (and builds), Bob and Cy are visitors.
    const owner = await signUp(alive[0], "Ada");
    await createSpace(alive[0], owner, "failover", { visibility: "public" });
    const members = [new Member("failover", "Ada", owner.token), new Member("failover", "Bob"), new Member("failover", "Cy")];
    for (const m of members) await m.enter(pick(alive));
    const host = alive.find((p) => p.port === portOf(members[0].room))!;
    const map = await mapOf(host, "failover");
    const a = members[0].avatar!;
    const target = nearbyTile(map, a.x, a.y);
    await walkTo(members[0].room, map, target.x, target.y);
    await untilPositionStored(redis.url, "failover", members[0].room.sessionId, target); // one batched position write has happened since
    const before = members.map((m) => ({ x: m.avatar!.x, y: m.avatar!.y }));
    const oldRoom = members[0].room.roomId;
    const edits = [1, 2, 3, 4, 5, 6, 7, 8];
    members[0].paint(edits);
    await until(() => edits.every((r) => members[0].built.get(r) === true), "edits acknowledged");

    const killedAt = Date.now();
    if (process.env.PLAZA_DEBUG_CLUSTER) console.log(`killed at ${killedAt}`);
    alive = alive.filter((p) => p !== host);
    expect(await host.kill("SIGKILL")).toBe(true);
    await until(() => members.every((m) => m.movedAt !== undefined && m.room.roomId !== oldRoom && m.avatar !== undefined), "everyone back in a room", 45_000);
    const recoveryMs = Math.max(...members.map((m) => m.movedAt!)) - killedAt;
    console.log(`CL3: recovery after SIGKILL ${recoveryMs} ms (codes ${members.map((m) => m.codes.join("/")).join(", ")})`);

    expect(new Set(members.map((m) => m.room.roomId)).size).toBe(1);
    expect(portOf(members[0].room)).not.toBe(host.port);
    members.forEach((m, i) => expect({ x: m.avatar!.x, y: m.avatar!.y }).toEqual(before[i]));
    await until(() => members[0].room.state.people.size === 3, "all three together again", 10_000);
    // The re-created room loaded the space from the database: every acknowledged edit is there.
    expect(edits.filter((r) => !members[1].paintedSeen(r))).toEqual([]);
    await Promise.all(members.map((m) => m.room.leave()));
  }, 90_000);

  it("CL4 SIGTERM drain: every client is moved (4103) and continues on another process at its position; no acknowledged edit lost", async () => {
    if (!redis) return;
    const owner = await signUp(alive[0], "Dee");
    await createSpace(alive[0], owner, "drain", { visibility: "public" });
    const members = [new Member("drain", "Dee", owner.token), new Member("drain", "Eli"), new Member("drain", "Flo")];
    for (const m of members) await m.enter(pick(alive));
    const host = alive.find((p) => p.port === portOf(members[0].room))!;
    const map = await mapOf(host, "drain");
    const a = members[1].avatar!;
    const target = nearbyTile(map, a.x, a.y);
    await walkTo(members[1].room, map, target.x, target.y);
    const before = members.map((m) => ({ x: m.avatar!.x, y: m.avatar!.y }));
    const oldRoom = members[0].room.roomId;

    const startedAt = Date.now();
    // Edits in flight as the deploy starts: those acknowledged must all be there afterwards.
    const edits = Array.from({ length: 20 }, (_, i) => 100 + i);
    members[0].paint(edits);
    // The balancer has not noticed yet: re-joins may still reach the draining process (it answers 503).
    const exited = host.kill("SIGTERM", 30_000);
    await until(() => members.every((m) => m.movedAt !== undefined && m.room.roomId !== oldRoom && m.avatar !== undefined), "everyone moved", 30_000);
    alive = alive.filter((p) => p !== host);
    console.log(`CL4: drain moved everyone in ${Math.max(...members.map((m) => m.movedAt!)) - startedAt} ms`);
    expect(await exited).toBe(true);
    for (const m of members) expect(m.codes).toContain(PlazaCloseCode.MOVED);
    expect(new Set(members.map((m) => m.room.roomId)).size).toBe(1);
    expect(portOf(members[0].room)).not.toBe(host.port);
    members.forEach((m, i) => expect({ x: m.avatar!.x, y: m.avatar!.y }).toEqual(before[i]));
    const acked = edits.filter((r) => members[0].built.get(r) === true);
    console.log(`CL4: ${acked.length}/${edits.length} edits in flight were acknowledged before the move`);
    expect(acked.filter((r) => !members[1].paintedSeen(r))).toEqual([]);
    await Promise.all(members.map((m) => m.room.leave()));
  }, 90_000);
});
