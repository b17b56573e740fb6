/**
 * SPEC IM9 end to end: in a crowded space (threshold lowered to 3 people, no load needed) each
 * cell sends its CROWD_FINE nearest avatars every step and the rest as a coarse tile. With
 * CROWD_FINE at 1, of three people in one cell one is fine and two are coarse for everyone; a
 * coarse walker is seen in jumps of COARSE_STEP tiles (never its own tile fields), and where it
 * stops once the sweep has run. (crowd-idle.integration.test.ts: an idle server sends every step.)
 * Its own file: Colyseus's matchmaker is process-wide, one space-room definition per process.
 */
import { afterAll, beforeAll, expect, it } from "vitest";
import { THREE_LANES, catalogOf, joinAs, sleep, startTestServer, until, type TestRoom } from "./harness.ts";
import { Dir } from "../../shared/protocol.ts";
import { COARSE_MS, COARSE_STEP, STEP_MS } from "../../shared/constants.ts";
import { avatarTile } from "../../shared/state.ts";
import type { PlazaProcess } from "../src/app.ts";
import { selfOf } from "../../shared/net/typedRoom.ts";

let server: PlazaProcess;
beforeAll(async () => { server = await startTestServer({ maps: catalogOf(THREE_LANES), CROWD_SIZE: 3, CROWD_PATCH_MS: 100, CROWD_ELU: 0, CROWD_FINE: 1 }); });
afterAll(async () => { await server?.close(); });

const tileOf = (watcher: TestRoom, id: string) => {
  const a = watcher.state.avatars.get(id);
  return a && avatarTile(a);
};

it("IM9 a crowd's farthest avatars come as a coarse tile: in jumps while they walk, exact once they stop", async () => {
  const rooms = [await joinAs(server, "coarse", "Ada"), await joinAs(server, "coarse", "Bob"), await joinAs(server, "coarse", "Cy")];
  // The three spawn in one cell (x = 1, rows 1–3): one of them is fine, two are coarse, for everyone.
  const coarseFor = (r: TestRoom) => rooms.filter((o) => o !== r && tileOf(r, selfOf(o))?.coarse).length;
  await until(() => rooms.every((r) => coarseFor(r) >= 1), "the crowd's cell holds all but one coarse");
  for (const r of rooms) {
    for (const o of rooms) {
      // Nobody has moved: every tile, coarse or fine, is where the person stands.
      const [, x, y] = o.ack!;
      expect(tileOf(r, selfOf(o)), `${selfOf(r)} sees ${selfOf(o)}`).toMatchObject({ x, y });
    }
  }
  // A coarse walker on row 1 or 2 stays coarse along its row (it never gets nearer the cell's
  // centre than the fine one), and a watcher never gets its every-step fields.
  const mover = rooms.find((m) => m.ack![2] <= 2 && rooms.every((r) => r === m || tileOf(r, selfOf(m))?.coarse))!;
  expect(mover).toBeDefined();
  const watcher = rooms.find((r) => r !== mover)!;
  const [, x0, y0] = mover.ack!;
  const seen: string[] = [];
  const watch = setInterval(() => {
    const a = watcher.state.avatars.get(selfOf(mover))!;
    expect(a.x).toBeUndefined();
    const t = avatarTile(a)!;
    if (seen.at(-1) !== `${t.x},${t.y}`) seen.push(`${t.x},${t.y}`);
  }, 10);
  try {
    for (let i = 1; i <= 2 * COARSE_STEP; i++) {
      mover.send("move", { seq: i, x: x0 + i, y: y0, dir: Dir.RIGHT });
      await sleep(STEP_MS);
    }
    await until(() => mover.ack?.[0] === 2 * COARSE_STEP, "every step acknowledged");
    await until(() => seen.at(-1) === `${x0 + 2 * COARSE_STEP},${y0}`, "the watcher sees where the walker stopped", COARSE_MS + 3000);
  } finally {
    clearInterval(watch);
  }
  expect(mover.corrections).toEqual([]);
  // Fewer updates than steps: a jump every COARSE_STEP tiles, plus at most one catch-up a second.
  expect(seen[0]).toBe(`${x0},${y0}`);
  expect(seen.length - 1).toBeLessThan(2 * COARSE_STEP);
  for (const r of rooms) await r.leave();
});
