/**
 * A crowded space (SPEC IM8), with the crowd threshold lowered to 3 people and no load required:
 * moves are still acknowledged one by one, but each ack now leaves with the patch that carries the
 * move (so by the time the mover reads its ack, its synced state already shows the tile), and
 * conversations still form on their own timer. (crowd-idle.integration.test.ts: on an idle
 * server the same 3 people are not a crowd.)
 */
import { afterAll, beforeAll, expect, it } from "vitest";
import { THREE_LANES, catalogOf, joinAs, sleep, startTestServer, until, walkRightWatchingAcks, type TestRoom } from "./harness.ts";
import { Dir, type ServerMessages } from "../../shared/protocol.ts";
import { STEP_MS } from "../../shared/constants.ts";
import type { PlazaProcess } from "../src/app.ts";


let server: PlazaProcess;
beforeAll(async () => { server = await startTestServer({ maps: catalogOf(THREE_LANES), CROWD_SIZE: 3, CROWD_PATCH_MS: 100, CROWD_ELU: 0 }); });
afterAll(async () => { await server?.close(); });

it("IM8 in a crowd every move is acknowledged with the patch that carries it, and conversations still form", async () => {
  const a = await joinAs(server, "crowd", "Ada");
  const b = await joinAs(server, "crowd", "Bob");
  const c = await joinAs(server, "crowd", "Cy"); // the third person makes it a crowd
  const peers: ServerMessages["peers"][] = [];
  a.onMessage("peers", (m: ServerMessages["peers"]) => peers.push(m));
  // Each ack is checked against Ada's own synced avatar at the moment it arrives.
  const { start: [x0, y0], acks: acked } = await walkRightWatchingAcks(a);
  expect(a.ack).toEqual([6, x0 + 6, y0, Dir.RIGHT]);
  expect(a.corrections).toEqual([]);
  expect(acked.length).toBeGreaterThan(0);
  for (const s of acked) expect(s.state, `ack ${s.seq}`).toEqual(s.ack); // the patch came first
  await until(() => b.state.avatars.get(a.sessionId)?.x === x0 + 6, "Bob sees Ada's last step");

  // Bob walks up next to Ada: they end up in one conversation.
  const bStart = b.state.avatars.get(b.sessionId)!;
  let seq = 1;
  let [bx, by] = [bStart.x, bStart.y];
  while (Math.max(Math.abs(bx - (x0 + 6)), Math.abs(by - y0)) > 1) {
    let dir: Dir = Dir.RIGHT;
    if (bx < x0 + 5) bx++;
    else if (by !== y0) { dir = by > y0 ? Dir.UP : Dir.DOWN; by += Math.sign(y0 - by); }
    else break;
    b.send("move", { seq: seq++, x: bx, y: by, dir });
    await sleep(STEP_MS);
  }
  await until(() => peers.at(-1)?.peers.includes(b.sessionId) === true, "Ada and Bob talk");
  for (const r of [a, b, c] as TestRoom[]) await r.leave();
});
