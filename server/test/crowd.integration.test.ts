/**
 * A crowded space (SPEC IM8), with the crowd threshold lowered to 3 people, no load required, and
 * the patch written out one socket per turn of the event loop (so every patch is split into
 * slices): moves are still acknowledged at once, one by one and in order, everyone still receives
 * every step, and conversations still form on their own timer. (crowd-idle.integration.test.ts:
 * on an idle server the same 3 people are not a crowd.)
 */
import { afterAll, beforeAll, expect, it } from "vitest";
import { THREE_LANES, catalogOf, joinAs, metricValue, sleep, startTestServer, until, walkRightWatchingAcks, type TestRoom } from "./harness.ts";
import { Dir, ServerMessages, peersFromWire, type PeersUpdate } from "../../shared/protocol.ts";
import { STEP_MS } from "../../shared/constants.ts";
import { chebyshev } from "../../shared/grid.ts";
import type { PlazaProcess } from "../src/app.ts";
import { selfOf } from "../../shared/net/typedRoom.ts";


let server: PlazaProcess;
beforeAll(async () => { server = await startTestServer({ maps: catalogOf(THREE_LANES), CROWD_SIZE: 3, CROWD_PATCH_MS: 100, CROWD_ELU: 0, CROWD_UNCORK: 1 }); });
afterAll(async () => { await server?.close(); });

it("IM8 a crowd's patches go out in slices: every move is acked at once and in order, everyone sees every step, conversations form", async () => {
  const a = await joinAs(server, "crowd", "Ada");
  const b = await joinAs(server, "crowd", "Bob");
  expect(await metricValue(server, "plaza_crowded_rooms")).toBe(0);
  const c = await joinAs(server, "crowd", "Cy"); // the third person makes it a crowd
  expect(await metricValue(server, "plaza_crowded_rooms")).toBe(1);
  const peers: PeersUpdate[] = [];
  a.onMessage("peers", (w: ServerMessages["peers"]) => peers.push(peersFromWire(w)));
  const { start: [x0, y0], acks: acked } = await walkRightWatchingAcks(a);
  expect(a.ack).toEqual([6, x0 + 6, y0, Dir.RIGHT]);
  expect(a.corrections).toEqual([]);
  expect(acked.map((s) => s.seq)).toEqual([1, 2, 3, 4, 5, 6]);
  expect(acked.map((s) => s.ack)).toEqual([1, 2, 3, 4, 5, 6].map((i) => [x0 + i, y0]));
  // Acks are not held for the patch (they were before slicing): they arrive ahead of the patch
  // that shows the step, unless the move came in while the mover's socket was corked.
  expect(acked.some((s) => s.state?.[0] !== s.ack[0])).toBe(true);
  // Written out one socket per loop turn, the patches still reach everyone, Ada included.
  await until(() => [a, b, c].every((r) => r.state.avatars.get(selfOf(a))?.x === x0 + 6), "everyone sees Ada's last step");

  // Bob walks up next to Ada: they end up in one conversation.
  const bStart = b.state.avatars.get(selfOf(b))!;
  let seq = 1;
  let [bx, by] = [bStart.x, bStart.y];
  while (chebyshev({ x: bx, y: by }, { x: x0 + 6, y: y0 }) > 1) {
    let dir: Dir = Dir.RIGHT;
    if (bx < x0 + 5) bx++;
    else if (by !== y0) { dir = by > y0 ? Dir.UP : Dir.DOWN; by += Math.sign(y0 - by); }
    else break;
    b.send("move", { seq: seq++, x: bx, y: by, dir });
    await sleep(STEP_MS);
  }
  await until(() => peers.at(-1)?.peers.includes(selfOf(b)) === true, "Ada and Bob talk");
  for (const r of [a, b, c] as TestRoom[]) await r.leave();
});
