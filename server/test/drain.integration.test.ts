/** CL3 resume rules and CL4/CL5 drain on one in-process server (no Redis needed). */
import { afterAll, expect, it } from "vitest";
import { asciiTiledMap } from "../../shared/testing/asciiMap.ts";
import { catalogOf, joinAs, sleep, startTestServer, until } from "./harness.ts";
import { PlazaCloseCode } from "../../shared/codes.ts";
import type { Tile } from "../../shared/grid.ts";
import type { PositionStore } from "../src/cluster/PositionStore.ts";
import type { PlazaProcess } from "../src/app.ts";
import { selfOf } from "../../shared/net/typedRoom.ts";

// Spawn at (1,1); (5,1) walkable; (4,2) a wall inside the map.
const TMJ = asciiTiledMap(["##########", "#S.......#", "#...#....#", "##########"]);

/** In memory, with a slow save so a drain visibly takes a while. */
class MemoryPositions implements PositionStore {
  data = new Map<string, Tile>();
  saveDelayMs = 0;
  async save(spaceId: string, positions: ReadonlyMap<string, Tile>) {
    await sleep(this.saveDelayMs);
    for (const [id, t] of positions) this.data.set(`${spaceId}/${id}`, t);
  }
  async forget(spaceId: string, sessionId: string) { this.data.delete(`${spaceId}/${sessionId}`); }
  async lookup(spaceId: string, sessionId: string) { return this.data.get(`${spaceId}/${sessionId}`); }
}

const servers: PlazaProcess[] = [];
afterAll(async () => { await Promise.all(servers.map((s) => s.close().catch(() => {}))); });

it("CL3 SE6 resume places a re-joining client at the position stored for its old session, only with its token, only if walkable and only once", async () => {
  const positions = new MemoryPositions();
  const server = await startTestServer({ maps: catalogOf(TMJ), positions });
  servers.push(server);
  positions.data.set("resume/old1", { x: 5, y: 1 });
  positions.data.set("resume/wall", { x: 4, y: 2 });
  positions.data.set("other/old2", { x: 6, y: 1 });
  const token = (session: string) => server.resumeTokens.sign("resume", session);

  // SE6: session ids are public; a bare one (or another space's token) neither moves you there nor uses the entry up.
  const thief = await joinAs(server, "resume", "Eve", { resume: "old1" });
  expect(thief.state.avatars.get(selfOf(thief))).toMatchObject({ x: 1, y: 1 });
  const thief2 = await joinAs(server, "resume", "Eve", { resume: server.resumeTokens.sign("other", "old1") });
  expect(thief2.state.avatars.get(selfOf(thief2))).toMatchObject({ x: 1, y: 1 });
  expect(positions.data.has("resume/old1")).toBe(true);
  await thief.leave();
  await thief2.leave();

  const a = await joinAs(server, "resume", "Ada", { resume: token("old1") });
  expect(a.state.avatars.get(selfOf(a))).toMatchObject({ x: 5, y: 1 });
  expect(positions.data.has("resume/old1")).toBe(false); // used once
  const b = await joinAs(server, "resume", "Bob", { resume: token("wall") });
  expect(b.state.avatars.get(selfOf(b))).toMatchObject({ x: 1, y: 1 }); // blocked: spawn
  const c = await joinAs(server, "resume", "Cy", { resume: token("old2") });
  expect(c.state.avatars.get(selfOf(c))).toMatchObject({ x: 1, y: 1 }); // another space's entry: ignored
  // A client-sent position is not an option at all; a malformed resume is refused (PR*).
  await expect(joinAs(server, "resume", "Eve", { resume: "../../x" })).rejects.toMatchObject({ code: 400 });
  // Leaving on purpose forgets the stored position.
  positions.data.set(`resume/${a.sessionId}`, { x: 5, y: 1 });
  await a.leave();
  await until(() => !positions.data.has(`resume/${a.sessionId}`), "position forgotten on leave");
  await b.leave();
  await c.leave();
});

it("CL4/CL5 drain: /healthz turns 503, positions are stored, clients are told to move (4103)", async () => {
  const positions = new MemoryPositions();
  const server = await startTestServer({ maps: catalogOf(TMJ), positions });
  servers.push(server);
  const health = await fetch(`${server.url}/healthz`).then(async (r) => ({ status: r.status, body: await r.json() }));
  expect(health).toMatchObject({ status: 200, body: { ok: true, processId: server.processId, ccu: 0, rooms: 0 } });
  expect(typeof health.body.elu).toBe("number");

  const ada = await joinAs(server, "drain", "Ada");
  positions.saveDelayMs = 400;
  const closing = server.close();
  // close() ran onBeforeShutdown synchronously up to its first await: the process is draining.
  const during = await fetch(`${server.url}/healthz`, { signal: AbortSignal.timeout(2000) }).then(async (r) => ({ status: r.status, body: await r.json() }));
  expect(during).toMatchObject({ status: 503, body: { ok: false, draining: true } });
  await until(() => ada.left !== undefined, "client told to move", 5000);
  expect(ada.left).toBe(PlazaCloseCode.MOVED);
  expect(positions.data.get(`drain/${ada.sessionId}`)).toMatchObject({ x: 1, y: 1 }); // kept for the resume
  await closing;
});
