/**
 * OP1/OP2: a Redis restart (its data gone: no persistence) must not break a running process for
 * good. While Redis is down readiness fails; once it is back, joins to the spaces the process
 * already hosts and to new ones work again within seconds, without restarting Plaza.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestRedis, type LocalRedis } from "./redis.ts";
import { startLocalRedis } from "../src/cluster/redisServer.ts";
import { joinAs, startTestServer, until } from "./harness.ts";
import type { PlazaProcess } from "../src/app.ts";

let redis: LocalRedis | undefined;
let server: PlazaProcess | undefined;

beforeAll(async () => {
  redis = await startTestRedis();
  if (!redis) return;
  server = await startTestServer({ REDIS_URL: redis.url });
}, 60_000);

afterAll(async () => {
  await server?.close();
  await redis?.stop();
}, 60_000);

async function ready(): Promise<number> {
  const res = await fetch(`${server!.url}/readyz`, { signal: AbortSignal.timeout(10_000) });
  return res.status;
}

/** A join that either works (and leaves) or fails; never hangs the test. */
async function tryJoin(spaceId: string, name: string): Promise<boolean> {
  try {
    const room = await Promise.race([
      joinAs(server!, spaceId, name),
      new Promise<never>((_, reject) => setTimeout(() => reject(new Error("join timed out")), 8000)),
    ]);
    await room.leave();
    return true;
  } catch {
    return false;
  }
}

describe("a Redis restart", () => {
  it("fails readiness while Redis is down, then joins recover by themselves", async () => {
    if (!redis || !server) return;
    const stay = await joinAs(server, "before-restart", "Stays");
    expect(await ready()).toBe(200);

    await redis.stop();
    await until(async () => (await ready()) === 503, "readiness fails while Redis is down", 20_000);
    // Joins during the outage fail (quickly, not after half a minute)…
    expect(await tryJoin("before-restart", "During")).toBe(false);
    expect(await tryJoin("during-outage", "During")).toBe(false);

    redis = await startLocalRedis({ port: redis.port });
    const back = Date.now();
    await until(async () => (await ready()) === 200, "readiness recovers after Redis returns", 30_000);
    // A space this process already hosts (its listing was lost with Redis's data) and a new one.
    await until(() => tryJoin("before-restart", "Again"), "join an existing space after the restart", 30_000, 250);
    await until(() => tryJoin("after-restart", "Fresh"), "join a new space after the restart", 30_000, 250);
    console.log(`joins recovered ${Date.now() - back} ms after Redis came back`);
    // The one who stayed is still in the same room as the newcomers (one room per space, CL1).
    const again = await joinAs(server, "before-restart", "Third");
    expect(again.roomId).toBe(stay.roomId);
    await again.leave();
    await stay.leave();
  }, 150_000);
});
