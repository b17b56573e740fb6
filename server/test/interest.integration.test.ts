/**
 * Interest management with real clients (SPEC IM1–IM4): near avatars are received, far ones are
 * not, walking toward someone brings them into view, and the participant list still has everyone.
 * A small radius (and cells to match, IM7) keeps the walks short.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { asciiTiledMap } from "../../shared/testing/asciiMap.ts";
import { catalogOf, joinAs, sleep, startTestServer, until, type TestRoom } from "./harness.ts";
import { Dir } from "../../shared/protocol.ts";
import { STEP_MS } from "../../shared/constants.ts";
import type { PlazaProcess } from "../src/app.ts";
import { selfOf } from "../../shared/net/typedRoom.ts";

const RADIUS = 4;
const MAP = asciiTiledMap([
  "##############################",
  "#S...........................#",
  "##############################",
]);

let server: PlazaProcess;
beforeAll(async () => { server = await startTestServer({ maps: catalogOf(MAP), INTEREST_RADIUS: RADIUS, INTEREST_MAX: 100, INTEREST_CELL: 2 }); });
afterAll(async () => { await server?.close(); });

async function walkRight(room: TestRoom, tiles: number, firstSeq = 1) {
  const me = room.state.avatars.get(selfOf(room))!;
  const x0 = me.x;
  for (let i = 1; i <= tiles; i++) {
    room.send("move", { seq: firstSeq + i - 1, x: x0 + i, y: me.y, dir: Dir.RIGHT });
    await sleep(STEP_MS);
  }
  await until(() => room.state.avatars.get(selfOf(room))!.x === x0 + tiles, "walked");
}

// Each test has a space of its own on the one server: they run concurrently (their walks overlap).
describe.concurrent("IM1–IM3 who receives whom", () => {
  it("a far avatar is not received, walking toward it brings it into view, walking away drops it; the roster always lists both", async () => {
    const far = await joinAs(server, "im", "Far");
    await walkRight(far, RADIUS + 6); // now 10 tiles from the spawn
    const near = await joinAs(server, "im", "Near");
    await until(() => near.state.people.size === 2, "roster lists both");
    await sleep(400); // more than one refresh period
    expect(near.state.avatars.has(selfOf(far))).toBe(false);
    expect(far.state.avatars.has(selfOf(near))).toBe(false);

    await walkRight(near, 7); // distance 3 ≤ radius
    await until(() => near.state.avatars.has(selfOf(far)), "Near sees Far");
    await until(() => far.state.avatars.has(selfOf(near)), "Far sees Near");
    expect(near.state.avatars.get(selfOf(far))!.x).toBe(far.state.avatars.get(selfOf(far))!.x);

    // Far walks on: out of view again (radius + the one-ring hysteresis).
    await walkRight(far, RADIUS + 3, RADIUS + 7);
    await until(() => !near.state.avatars.has(selfOf(far)), "Far left Near's view");
    expect(near.state.people.get(selfOf(far))?.name).toBe("Far");
    await far.leave();
    await until(() => near.state.people.size === 1, "roster drops Far");
    await near.leave();
  });

  it("IM7 after a dropped connection comes back, the view still follows the person across cells", async () => {
    const ada = await joinAs(server, "im-3", "Ada");
    await walkRight(ada, 9); // x = 10
    ada.reconnection.minUptime = 0; // the SDK skips reconnecting sessions younger than 5 s by default
    let reconnected = false;
    ada.onReconnect(() => { reconnected = true; });
    (ada.connection.transport as unknown as { ws: { close(code: number): void } }).ws.close(4010);
    await until(() => reconnected, "Ada reconnected", 10_000);
    const bob = await joinAs(server, "im-3", "Bob");
    await walkRight(bob, 19); // x = 20, far from where Ada reconnected
    await sleep(400);
    expect(ada.state.avatars.has(selfOf(bob))).toBe(false);
    await walkRight(ada, 9, (ada.ack?.[0] ?? 0) + 1); // x = 19: several cells on
    await until(() => ada.state.avatars.get(selfOf(bob))?.x === 20, "Ada sees Bob where he stands");
    await ada.leave();
    await bob.leave();
  });

  it("positions keep flowing for avatars in view while both walk (the view follows)", async () => {
    const a = await joinAs(server, "im-2", "A");
    const b = await joinAs(server, "im-2", "B");
    await until(() => a.state.avatars.has(selfOf(b)), "A sees B at the spawn");
    await Promise.all([walkRight(a, 12), (async () => { await sleep(STEP_MS / 2); await walkRight(b, 12); })()]);
    await until(() => a.state.avatars.get(selfOf(b))?.x === b.state.avatars.get(selfOf(b))!.x, "A has B's latest position");
    await a.leave();
    await b.leave();
  });
});
