/**
 * Test harness: a real Plaza process on 127.0.0.1:<free port> and real SDK clients. Quiet, and
 * torn down by the caller (afterAll → close()).
 */
import { Client } from "@colyseus/sdk";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startPlaza, type PlazaProcess, type StartOptions } from "../src/app.ts";
import { openPglite } from "../src/store/pglite.ts";
import { parseTiledMap, type TiledMap } from "../../shared/map.ts";
import type { MapCatalog } from "../src/maps/MapCatalog.ts";
import { SpaceState } from "../../shared/state.ts";
import { Dir, PROTOCOL_VERSION, SPACE_ROOM, type ServerMessages } from "../../shared/protocol.ts";
import { STEP_MS } from "../../shared/constants.ts";
import { asSpaceRoom, ignore, listen, type SpaceRoom, type UntypedSpaceRoom, learnSelf, selfOf } from "../../shared/net/typedRoom.ts";
import { asciiTiledMap } from "../../shared/testing/asciiMap.ts";
import { sleep, until } from "../../shared/testing/wait.ts";

export function catalogOf(tmj: TiledMap): MapCatalog {
  const loaded = { tmj, map: parseTiledMap(tmj) };
  return { mapFor: () => loaded };
}

/**
 * A real Plaza process on an in-memory PGlite store (unless `store` is given) with a fresh data dir
 * and analytics spool (removed on close). Spaces are auto-created on first join (PLAZA_AUTO_SPACES)
 * unless the test says otherwise, so movement/presence tests can name any space.
 */
export async function startTestServer(opts: Omit<StartOptions, "PORT" | "HOST"> = {}): Promise<PlazaProcess> {
  const dataDir = mkdtempSync(join(tmpdir(), "plaza-test-data-"));
  const store = opts.store ?? (await openPglite(undefined));
  const p = await startPlaza({
    // Tests sign up many accounts and seat many visitors from one address: those limits are
    // tested on their own (AC3, AC5, SE7).
    PORT: 0, HOST: "127.0.0.1", PLAZA_AUTO_SPACES: true, SIGNUPS_PER_ADDRESS: 100_000, SIGNIN_MAX_FAILS_PER_ADDRESS: 100_000, SEATS_PER_ADDRESS: 100_000, JOINS_PER_ADDRESS: 1_000_000, PLAZA_DATA_DIR: dataDir, ANALYTICS_SPOOL_DIR: join(dataDir, "spool"), ANALYTICS_EMBEDDED: "off", store, ...opts,
  });
  const close = p.close;
  p.close = async () => {
    await close();
    if (!opts.store) await store.close();
    rmSync(dataDir, { recursive: true, force: true });
  };
  return p;
}

/** A joined space room, typed both ways (shared/net/typedRoom.ts), plus what it recorded. */
export type TestRoom = SpaceRoom & {
  /** The last `ack` (MV7): [seq, x, y, dir] of the last move the room processed for us. */
  ack?: ServerMessages["ack"];
  corrections: ServerMessages["correction"][]; notices: ServerMessages["notice"][]; left?: number; welcome?: ServerMessages["welcome"] };

export async function joinAs(server: PlazaProcess, spaceId: string, name: string, extra: Record<string, unknown> = {}, token?: string): Promise<TestRoom> {
  const client = new Client(server.url);
  if (token) client.auth.token = token;
  const room = asSpaceRoom(await client.joinOrCreate(SPACE_ROOM, { protocol: PROTOCOL_VERSION, spaceId, name, look: 0, ...extra }, SpaceState)) as TestRoom;
  const self = learnSelf(room); // IM10: our person key comes with the first welcome
  room.corrections = [];
  room.notices = [];
  listen(room, {
    correction: (c) => { room.corrections.push(c); room.ack = [c.seq, c.x, c.y, c.dir]; },
    ack: (a) => { room.ack = a; },
    notice: (n) => room.notices.push(n),
    welcome: (w) => { room.welcome = w; },
    // Tests that look at these add handlers of their own (a room takes several per type).
    ...ignore("peers", "signal", "chat", "chatHistory", "located", "built", "announcement", "av", "knock", "knockOutcome", "free"),
  });
  room.onLeave((code: number) => { room.left = code; });
  await self;
  await until(() => room.state.avatars?.get(selfOf(room)) !== undefined, `${name} sees own avatar`);
  return room;
}

/**
 * The same room with the SDK's untyped `send`, for tests that send what no client may (malformed
 * payloads, unknown types, forged fields): through the typed room those do not compile.
 */
export function untyped(room: SpaceRoom): UntypedSpaceRoom {
  return room as unknown as UntypedSpaceRoom;
}

// Polling and sleeping: one definition for tests, benchmarks and bots.
export { sleep, until } from "../../shared/testing/wait.ts";

/** The value of a gauge or counter (no labels) on the server's /metrics. */
export async function metricValue(server: { url: string }, name: string): Promise<number | undefined> {
  const text = await (await fetch(`${server.url}/metrics`, { signal: AbortSignal.timeout(5000) })).text();
  const line = text.split("\n").find((l) => l.startsWith(`${name} `));
  return line === undefined ? undefined : Number(line.slice(name.length + 1));
}

/** Walks a test client to (x, y) along a shortest path at walking pace, like a person would. */
export async function walkTo(room: TestRoom, map: import("../../shared/map.ts").SpaceMap, x: number, y: number): Promise<void> {
  const { findPath } = await import("../../shared/pathfinding.ts");
  const { dirOfDelta } = await import("../../shared/movement.ts");
  const { STEP_MS } = await import("../../shared/constants.ts");
  const me = room.state.avatars.get(selfOf(room))!;
  let cur = { x: me.x, y: me.y };
  let seq = ((room.ack?.[0] ?? 0) + 1) % 65536;
  for (const t of findPath(map, cur, { x, y })) {
    room.send("move", { seq, x: t.x, y: t.y, dir: dirOfDelta(t.x - cur.x, t.y - cur.y)! });
    seq = (seq + 1) % 65536;
    cur = t;
    await sleep(STEP_MS);
  }
  await until(() => { const a = room.state.avatars.get(selfOf(room))!; return a.x === x && a.y === y; }, `walked to ${x},${y}`);
}

// ---- accounts over the real HTTP API (tests of roles, build mode, insights) ----

export interface TestUser { token: string; id: string; name: string }

/** POST/GET/… JSON to the server with an optional session token; returns status and parsed body. */
export async function api<T = any>(server: { url: string }, method: string, path: string, body?: unknown, token?: string): Promise<{ status: number; body: T }> {
  const res = await fetch(`${server.url}${path}`, {
    method,
    headers: { ...(body !== undefined ? { "Content-Type": "application/json" } : {}), ...(token ? { Authorization: `Bearer ${token}` } : {}) },
    body: body !== undefined ? JSON.stringify(body) : undefined,
  });
  const text = await res.text();
  return { status: res.status, body: (text ? JSON.parse(text) : undefined) as T };
}

let userSeq = 0;
/** Signs up a fresh account (unique email) and returns its token. */
export async function signUp(server: { url: string }, name: string): Promise<TestUser> {
  const email = `${name.toLowerCase().replace(/[^a-z0-9]/g, "")}-${process.pid}-${++userSeq}-${Date.now()}@example.test`;
  const r = await api(server, "POST", "/api/auth/signup", { email, password: "correct horse battery", name });
  if (r.status !== 201) throw new Error(`signup failed: ${r.status} ${JSON.stringify(r.body)}`);
  return { token: r.body.token, id: r.body.user.id, name };
}

/** Creates a space owned by `owner`'s team. */
export async function createSpace(server: { url: string }, owner: TestUser, id: string, extra: Record<string, unknown> = {}): Promise<void> {
  const r = await api(server, "POST", "/api/spaces", { id, name: id, template: "small-office", ...extra }, owner.token);
  if (r.status !== 201) throw new Error(`create space failed: ${r.status} ${JSON.stringify(r.body)}`);
}

/** Makes `user` a member of the space's team with `role`, through an invite link and, above member, a promotion. */
export async function addMember(server: { url: string }, admin: TestUser, spaceId: string, user: TestUser, role: "guest" | "member" | "builder" | "admin"): Promise<void> {
  const inviteRole = role === "admin" ? "member" : role;
  const inv = await api(server, "POST", `/api/spaces/${spaceId}/invites`, { role: inviteRole }, admin.token);
  if (inv.status !== 201) throw new Error(`invite failed: ${inv.status} ${JSON.stringify(inv.body)}`);
  const acc = await api(server, "POST", `/api/invites/${inv.body.code}/accept`, {}, user.token);
  if (acc.status !== 200) throw new Error(`accept failed: ${acc.status} ${JSON.stringify(acc.body)}`);
  if (role === "admin") {
    const p = await api(server, "PATCH", `/api/spaces/${spaceId}/members/${user.id}`, { role: "admin" }, admin.token);
    if (p.status !== 200) throw new Error(`promote failed: ${p.status} ${JSON.stringify(p.body)}`);
  }
}

/** Joins as a signed-in user (the token rides as the Colyseus auth token, like the browser's) or anonymously (null). */
export function joinWithToken(server: PlazaProcess, spaceId: string, user: TestUser | null, name = user?.name ?? "Visitor"): Promise<TestRoom> {
  return joinAs(server, spaceId, name, {}, user?.token);
}

/**
 * `count` tiles where a desk (2×1, rot 0) can stand in a space's current content, spaced apart so
 * that any of them also fits one more object: for tests that place things without knowing the map.
 */
export async function freeSpots(server: PlazaProcess, spaceId: string, count: number): Promise<Array<{ x: number; y: number }>> {
  const { planEdit } = await import("../../shared/world.ts");
  const loaded = await server.directory.load(spaceId);
  if (!loaded) throw new Error(`no space ${spaceId}`);
  const editor = { userId: "t", name: "t", canBuild: true, canClaim: true };
  const out: Array<{ x: number; y: number }> = [];
  for (let y = 1; y < loaded.base.height - 1 && out.length < count; y += 3) {
    for (let x = 1; x < loaded.base.width - 2 && out.length < count; x += 4) {
      if (planEdit(loaded.base, loaded.content, { op: "place", kind: "desk", x, y, rot: 0 }, editor, () => "x").ok) out.push({ x, y });
    }
  }
  if (out.length < count) throw new Error(`only ${out.length} free spots in ${spaceId}`);
  return out;
}

/** Three open lanes, 16 tiles long, each with a spawn at its left end (the IM8 tests walk them). */
export const THREE_LANES = asciiTiledMap([
  "##################",
  "#S...............#",
  "#S...............#",
  "#S...............#",
  "##################",
]);

/**
 * Walks six steps right at walking pace until the sixth is acknowledged (SPEC IM8 tests); returns
 * the start tile and, per ack, the tile it names and the own synced tile at the moment it arrived.
 */
export async function walkRightWatchingAcks(a: TestRoom) {
  const seenAtAck: { seq: number; ack: [number, number]; state: [number, number] | undefined }[] = [];
  a.onMessage("ack", ([seq, x, y]: ServerMessages["ack"]) => {
    const me = a.state.avatars.get(selfOf(a));
    seenAtAck.push({ seq, ack: [x, y], state: me && [me.x, me.y] });
  });
  const me = a.state.avatars.get(selfOf(a))!; // a live object: copy the start tile
  const [x0, y0] = [me.x, me.y];
  for (let i = 1; i <= 6; i++) {
    a.send("move", { seq: i, x: x0 + i, y: y0, dir: Dir.RIGHT });
    await sleep(STEP_MS);
  }
  await until(() => a.ack?.[0] === 6, "all six moves acknowledged");
  return { start: [x0, y0] as const, acks: seenAtAck.filter((s) => s.seq > 0) };
}
