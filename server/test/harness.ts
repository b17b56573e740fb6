/**
 * Test harness: a real Plaza process on 127.0.0.1:<free port> and real SDK clients. Quiet, and
 * torn down by the caller (afterAll → close()).
 */
import { Client, type Room } from "@colyseus/sdk";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startPlaza, type PlazaProcess, type StartOptions } from "../src/app.ts";
import { parseTiledMap, type TiledMap } from "../../shared/map.ts";
import type { MapCatalog } from "../src/space/MapCatalog.ts";
import { SpaceState } from "../../shared/state.ts";
import { PROTOCOL_VERSION, SPACE_ROOM, type ServerMessages } from "../../shared/protocol.ts";

export function catalogOf(tmj: TiledMap): MapCatalog {
  const loaded = { tmj, map: parseTiledMap(tmj) };
  return { mapFor: () => loaded };
}

/** A real Plaza process; its analytics spool goes to a fresh temp dir (removed on close) unless given. */
export async function startTestServer(opts: Omit<StartOptions, "PORT" | "HOST"> = {}): Promise<PlazaProcess> {
  const spoolDir = opts.ANALYTICS_SPOOL_DIR ? null : mkdtempSync(join(tmpdir(), "plaza-test-spool-"));
  const p = await startPlaza({ PORT: 0, HOST: "127.0.0.1", ...(spoolDir ? { ANALYTICS_SPOOL_DIR: spoolDir } : {}), ...opts });
  if (!spoolDir) return p;
  const close = p.close;
  p.close = async () => {
    await close();
    rmSync(spoolDir, { recursive: true, force: true });
  };
  return p;
}

export type TestRoom = Room<any, SpaceState> & { corrections: ServerMessages["correction"][]; notices: ServerMessages["notice"][]; left?: number };

export async function joinAs(server: PlazaProcess, spaceId: string, name: string, extra: Record<string, unknown> = {}): Promise<TestRoom> {
  const client = new Client(server.url);
  const room = (await client.joinOrCreate(SPACE_ROOM, { protocol: PROTOCOL_VERSION, spaceId, name, look: 0, ...extra }, SpaceState)) as TestRoom;
  room.corrections = [];
  room.notices = [];
  room.onMessage("correction", (c: ServerMessages["correction"]) => room.corrections.push(c));
  room.onMessage("notice", (n: ServerMessages["notice"]) => room.notices.push(n));
  room.onLeave((code: number) => { room.left = code; });
  await until(() => room.state.avatars?.get(room.sessionId) !== undefined, `${name} sees own avatar`);
  return room;
}

/** Polls until cond() holds; fails with `what` after `ms` (a bound on waiting, not a timing assertion). */
export async function until(cond: () => boolean, what: string, ms = 5000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting: ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Walks a test client to (x, y) along a shortest path at walking pace, like a person would. */
export async function walkTo(room: TestRoom, map: import("../../shared/map.ts").SpaceMap, x: number, y: number): Promise<void> {
  const { findPath } = await import("../../shared/pathfinding.ts");
  const { dirOfDelta } = await import("../../shared/movement.ts");
  const { STEP_MS } = await import("../../shared/constants.ts");
  const me = room.state.avatars.get(room.sessionId)!;
  let cur = { x: me.x, y: me.y };
  let seq = (me.seq + 1) % 65536;
  for (const t of findPath(map, cur, { x, y })) {
    room.send("move", { seq, x: t.x, y: t.y, dir: dirOfDelta(t.x - cur.x, t.y - cur.y)! });
    seq = (seq + 1) % 65536;
    cur = t;
    await sleep(STEP_MS);
  }
  await until(() => { const a = room.state.avatars.get(room.sessionId)!; return a.x === x && a.y === y; }, `walked to ${x},${y}`);
}
