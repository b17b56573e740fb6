/**
 * SE1: a process that decides to stop exits within SHUTDOWN_TIMEOUT_MS whatever is pending. Here
 * Redis hangs (the redis-server is paused with SIGSTOP, so its socket stays open and no answer
 * ever comes) while the process drains: it must not keep its port and ignore signals.
 */
import { afterAll, expect, it } from "vitest";
import { startServerChild, type ServerChild } from "../../loadtest/serverProcess.ts";
import { startTestRedis, type LocalRedis } from "./redis.ts";
import { joinAs } from "./harness.ts";

let redis: LocalRedis | undefined;
let child: ServerChild | undefined;
afterAll(async () => {
  if (redis?.pid) { try { process.kill(redis.pid, "SIGCONT"); } catch { /* gone */ } }
  await child?.stop();
  await redis?.stop();
});

it("SE1 a draining process whose Redis hangs still exits within its shutdown time", async (ctx) => {
  redis = await startTestRedis();
  if (!redis) return ctx.skip();
  child = await startServerChild({ env: { REDIS_URL: redis.url, SHUTDOWN_TIMEOUT_MS: "2000" } });
  const someone = await joinAs({ url: child.url } as never, "hang", "Ada");
  expect(someone.sessionId).toBeTruthy();
  process.kill(redis.pid!, "SIGSTOP");
  // Bounded wait, far above the 2 s limit: without the limit the drain waits on Redis forever.
  const t0 = Date.now();
  const exited = await child.kill("SIGTERM", 20_000);
  console.log(`exit after ${Date.now() - t0} ms`);
  process.kill(redis.pid!, "SIGCONT");
  expect(exited, `the process is still running:\n${child.output()}`).toBe(true);
}, 60_000);
