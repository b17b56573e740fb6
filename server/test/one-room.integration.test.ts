/**
 * SE3/CL1: one room per space, also when opening the space is slow. Colyseus serialises
 * concurrent first joins of one space only for 0.5 s; here loading a space's content takes 1.2 s
 * (a busy database or machine), and 12 people arrive at once: they must all share one room.
 */
import { afterAll, beforeAll, expect, it } from "vitest";
import type { PlazaProcess } from "../src/app.ts";
import type { Store } from "../src/store/Store.ts";
import { openPglite } from "../src/store/pglite.ts";
import { joinAs, startTestServer } from "./harness.ts";

let server: PlazaProcess;
let store: Store;
beforeAll(async () => {
  store = await openPglite(undefined);
  const slow = new Proxy(store, {
    get(target, key, receiver) {
      const v = Reflect.get(target, key, receiver);
      if (key !== "content" || typeof v !== "function") return typeof v === "function" ? v.bind(target) : v;
      return async (...args: unknown[]) => {
        await new Promise((r) => setTimeout(r, 1200));
        return (v as (...a: unknown[]) => unknown).apply(target, args);
      };
    },
  });
  server = await startTestServer({ store: slow });
});
afterAll(async () => {
  await server?.close();
  await store?.close();
});

it("SE3 CL1 twelve people opening a slow-loading space at once share one room", async () => {
  const rooms = await Promise.all(Array.from({ length: 12 }, (_, i) => joinAs(server, "slow-open", `P${i}`)));
  expect(new Set(rooms.map((r) => r.roomId)).size).toBe(1);
  const health = await (await fetch(`${server.url}/healthz`)).json();
  expect(health.rooms).toBe(1);
  await Promise.all(rooms.map((r) => r.leave()));
}, 60_000);
