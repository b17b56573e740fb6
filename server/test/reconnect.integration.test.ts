/** RC1: a connection that drops without consent resumes its seat: same session, same avatar, no duplicate. */
import { afterAll, beforeAll, expect, it } from "vitest";
import { asciiTiledMap } from "../../shared/testing/asciiMap.ts";
import { catalogOf, joinAs, joinWithToken, signUp, sleep, startTestServer, until, walkTo } from "./harness.ts";
import { parseTiledMap } from "../../shared/map.ts";
import type { PlazaProcess } from "../src/app.ts";
import { selfOf } from "../../shared/net/typedRoom.ts";

const TMJ = asciiTiledMap(["##########", "#S.......#", "##########"]);
let server: PlazaProcess;
beforeAll(async () => { server = await startTestServer({ maps: catalogOf(TMJ) }); });
afterAll(async () => { await server?.close(); });

it("RC1 a dropped connection comes back to the same avatar at its last position, without a duplicate", async () => {
  const ada = await joinAs(server, "rc", "Ada");
  const bob = await joinAs(server, "rc", "Bob");
  await walkTo(ada, parseTiledMap(TMJ), 5, 1);
  ada.reconnection.minUptime = 0; // the SDK skips reconnecting sessions younger than 5 s by default
  let reconnected = false;
  ada.onReconnect(() => { reconnected = true; });
  const session = ada.sessionId;
  const key = selfOf(ada); // IM10: what names Ada in the state
  // A network blip: the socket closes abnormally-but-retryable (4010), as a proxy restart would.
  (ada.connection.transport as unknown as { ws: { close(code: number): void } }).ws.close(4010);
  await until(() => reconnected, "SDK reconnected", 10_000);
  expect(ada.sessionId).toBe(session);
  expect(ada.left).toBeUndefined();
  await sleep(300);
  expect(bob.state.people.size).toBe(2);
  expect(selfOf(ada)).toBe(key); // the same person to the others
  expect(bob.state.avatars.get(key)).toMatchObject({ x: 5, y: 1 });
  // And it still walks.
  const seq = (ada.ack?.[0] ?? 0) + 1;
  ada.send("move", { seq, x: 6, y: 1, dir: 3 });
  await until(() => bob.state.avatars.get(key)?.x === 6, "moves after reconnecting");
  await ada.leave();
  await bob.leave();
});

it("RC1 a signed-in person who re-joins with `resume` frees their held seat at once (no duplicate); nobody else can free it", async () => {
  const ada = await signUp(server, "Ada");
  const eve = await signUp(server, "Eve");
  const first = await joinWithToken(server, "rc-held", ada);
  const bob = await joinWithToken(server, "rc-held", null, "Bob");
  const old = selfOf(first); // what everyone sees of Ada (IM10)
  // The SDK must not reconnect this one: the drop leaves a held seat, as when giving up after retries.
  first.reconnection.maxRetries = 0;
  (first.connection.transport as unknown as { ws: { close(code: number): void } }).ws.close(4010);
  await sleep(300);
  expect(bob.state.people.has(old)).toBe(true); // held for the grace period
  // Someone else naming that person (their key is visible to all) or even the session changes nothing.
  const intruder = await joinAs(server, "rc-held", "Eve", { resume: old }, eve.token);
  const intruder2 = await joinAs(server, "rc-held", "Eve", { resume: first.sessionId }, eve.token);
  await sleep(200);
  expect(bob.state.people.has(old)).toBe(true);
  // The same account re-joining frees it: one Ada, not two.
  const again = await joinAs(server, "rc-held", "Ada", { resume: old }, ada.token);
  await until(() => !bob.state.people.has(old), "the held seat is freed", 10_000);
  expect([...bob.state.people.values()].filter((p) => p.name === "Ada")).toHaveLength(1);
  for (const r of [again, intruder, intruder2, bob]) await r.leave();
});
