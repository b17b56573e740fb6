/** PLAZA_INTEREST=off (the benchmark's comparison baseline): everyone receives everyone (IM5). */
import { afterAll, beforeAll, expect, it } from "vitest";
import { asciiTiledMap } from "../../shared/testing/asciiMap.ts";
import { catalogOf, joinAs, sleep, startTestServer, until } from "./harness.ts";
import { Dir } from "../../shared/protocol.ts";
import { STEP_MS } from "../../shared/constants.ts";
import type { PlazaProcess } from "../src/app.ts";
import { selfOf } from "../../shared/net/typedRoom.ts";

let server: PlazaProcess;
beforeAll(async () => {
  server = await startTestServer({ maps: catalogOf(asciiTiledMap(["############", "#S.........#", "############"])), PLAZA_INTEREST: "off", INTEREST_RADIUS: 2 });
});
afterAll(async () => { await server?.close(); });

it("IM5 with interest management off, an avatar beyond the radius is still received, and leaves cleanly", async () => {
  const a = await joinAs(server, "off", "A");
  for (let i = 1; i <= 6; i++) { a.send("move", { seq: i, x: 1 + i, y: 1, dir: Dir.RIGHT }); await sleep(STEP_MS); }
  const b = await joinAs(server, "off", "B");
  await until(() => b.state.avatars.get(selfOf(a))?.x === 7, "B receives A 6 tiles away");
  await a.leave();
  await until(() => b.state.avatars.size === 1 && b.state.people.size === 1, "A gone for B");
  expect([...b.state.avatars.keys()]).toEqual([selfOf(b)]);
  await b.leave();
});
