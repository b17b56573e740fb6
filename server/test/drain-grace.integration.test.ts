/**
 * OP3: on SIGTERM readiness fails first, and for DRAIN_GRACE_MS the process keeps serving (people
 * stay, liveness answers) so load balancers notice before anyone is moved; then rooms drain and
 * the process exits. Also OP4: every log line is one JSON record with pid and host.
 */
import { afterAll, expect, it } from "vitest";
import { startServerChild, type ServerChild } from "../../loadtest/serverProcess.ts";
import { joinAs, until } from "./harness.ts";

let child: ServerChild | undefined;
afterAll(async () => { await child?.stop(); });

it("OP3 readiness fails first, people stay during the grace, then the process drains and exits", async () => {
  child = await startServerChild({ env: { DRAIN_GRACE_MS: "3000", LOG_LEVEL: "info" } });
  const status = async (path: string) => (await fetch(`${child!.url}${path}`, { signal: AbortSignal.timeout(5000) })).status;
  const someone = await joinAs({ url: child.url } as never, "grace", "Ada");
  expect(await status("/readyz")).toBe(200);

  process.kill(child.pid!, "SIGTERM");
  await until(async () => (await status("/readyz")) === 503, "readiness fails right after SIGTERM", 10_000, 20);
  // Inside the grace: still connected and live.
  expect(someone.left).toBeUndefined();
  expect(await status("/livez")).toBe(200);

  const exited = await child.kill("SIGTERM", 30_000);
  expect(exited, child.output()).toBe(true);
  await until(() => someone.left !== undefined, "the client was moved or closed by the drain", 10_000);

  // OP4: what it printed is JSON lines, each with pid and host.
  // (The kept output is its last few KB: the first line may be cut.)
  const lines = child.output().split("\n").slice(1).filter((l) => l.startsWith("{"));
  expect(lines.length).toBeGreaterThan(0);
  for (const line of lines) {
    const rec = JSON.parse(line);
    expect(rec.pid).toBe(child.pid);
    expect(typeof rec.host).toBe("string");
  }
  expect(lines.some((l) => JSON.parse(l).msg === "draining")).toBe(true);
}, 90_000);
