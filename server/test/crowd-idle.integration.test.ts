/**
 * SPEC IM8, the other side: three people with the crowd threshold at 3 on an idle server are not a
 * crowd (crowd mode also needs a busy event loop): the space keeps its 50 ms patches, acks go out at
 * once, ahead of the patch, and everyone in view is sent every step (IM9).
 * Its own file: Colyseus's matchmaker is process-wide, one space-room definition per process.
 */
import { afterAll, beforeAll, expect, it } from "vitest";
import { THREE_LANES, catalogOf, joinAs, metricValue, startTestServer, until, walkRightWatchingAcks } from "./harness.ts";
import { Dir } from "../../shared/protocol.ts";
import type { PlazaProcess } from "../src/app.ts";
import { selfOf } from "../../shared/net/typedRoom.ts";


let server: PlazaProcess;
beforeAll(async () => { server = await startTestServer({ maps: catalogOf(THREE_LANES), CROWD_SIZE: 3, CROWD_PATCH_MS: 100 }); });
afterAll(async () => { await server?.close(); });

it("IM8 on an idle server a busy space is not a crowd: acks go out at once, before the patch", async () => {
  const rooms = [await joinAs(server, "calm", "Ada"), await joinAs(server, "calm", "Bob"), await joinAs(server, "calm", "Cy")];
  expect(await metricValue(server, "plaza_crowded_rooms")).toBe(0);
  // IM9: not a crowd, so everyone is sent every step (no coarse tiles).
  await until(() => rooms.every((r) => r.state.avatars.size === 3), "everyone sees everyone");
  for (const r of rooms) for (const o of rooms) expect(r.state.avatars.get(selfOf(o))?.x, `${r.sessionId} holds ${o.sessionId} fine`).toBeDefined();
  const { start: [x0, y0], acks: acked } = await walkRightWatchingAcks(rooms[0]);
  expect(rooms[0].ack).toEqual([6, x0 + 6, y0, Dir.RIGHT]);
  expect(rooms[0].corrections).toEqual([]);
  expect(acked.length).toBe(6);
  for (const s of acked) expect(s.state, `ack ${s.seq}`).not.toEqual(s.ack); // the ack came first
  for (const r of rooms) await r.leave();
});
