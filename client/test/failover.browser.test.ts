/**
 * CL4 in a real browser: the process hosting a space drains (SIGTERM); the page shows
 * "Reconnecting…", re-joins the same space with `resume` without a reload, and stands where it
 * stood. Two real Plaza processes on one real Redis and one real PostgreSQL database (with one
 * session secret: one deployment, so the space the page opens on one process exists on the other);
 * the page is served by the one that stays. Screenshot: test-output/failover-after.png.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { chromium, type Browser } from "playwright-core";
import { existsSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startServerChild, type ServerChild } from "../../loadtest/serverProcess.ts";
import { startTestRedis, untilPositionStored, type LocalRedis } from "../../server/test/redis.ts";
import { startSharedDatabase } from "../../server/test/postgres.ts";
import { redisServerInstalled } from "../../server/src/cluster/redisServer.ts";
import { CLIENT_DIST } from "../../server/src/http/api.ts";
import { OUT } from "./browserHarness.ts";

type W = { __plaza: { session: string; pose(): { x: number; y: number } | undefined } };
const CHROMIUM_ARGS = ["--no-sandbox", "--headless", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"];
const installed = redisServerInstalled();

describe.skipIf(!installed && process.env.CI !== "true")("browser failover (real Redis, 2 processes)", () => {
  let redis: LocalRedis | undefined;
  /** One database and session secret for both processes: what makes them one deployment. */
  let shared: Awaited<ReturnType<typeof startSharedDatabase>>;
  let hosting: ServerChild;
  let serving: ServerChild;
  let browser: Browser;
  const spool = mkdtempSync(join(tmpdir(), "plaza-failover-spool-"));

  beforeAll(async () => {
    if (!existsSync(`${CLIENT_DIST}index.html`)) throw new Error("client not built: run `npm run build` first (npm test does)");
    mkdirSync(OUT, { recursive: true });
    redis = await startTestRedis();
    shared = await startSharedDatabase();
    if (!shared) await redis?.stop();
    if (!redis || !shared) {
      redis = undefined;
      return;
    }
    // The serving process looks busier, so the space opens on the hosting one (CL2).
    [hosting, serving] = await Promise.all([
      startServerChild({ env: { REDIS_URL: redis.url, ...shared.env, ANALYTICS_SPOOL_DIR: join(spool, "a"), LOG_LEVEL: "error" } }),
      startServerChild({ env: { REDIS_URL: redis.url, ...shared.env, ANALYTICS_SPOOL_DIR: join(spool, "b"), LOG_LEVEL: "error", PLAZA_TEST_FAKE_ELU: "0.5" } }),
    ]);
    browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium", args: CHROMIUM_ARGS });
  }, 90_000);

  afterAll(async () => {
    await browser?.close();
    await Promise.all([hosting?.stop(), serving?.stop()]);
    await redis?.stop();
    await shared?.stop();
    rmSync(spool, { recursive: true, force: true });
  }, 60_000);

  it("CL4 a drained space continues in the same page at the same place", async () => {
    if (!redis) return;
    const page = await (await browser.newContext({ viewport: { width: 1280, height: 800 } })).newPage();
    page.on("pageerror", (e) => console.error("page error:", e.message));
    await page.goto(`${serving.url}/s/failover-browser`);
    await page.fill("#name", "Ada");
    await page.click("button.primary");
    await page.waitForFunction(() => (window as unknown as W).__plaza?.pose() !== undefined, null, { timeout: 15_000 });
    const hostPort = (await (await fetch(`${hosting.url}/healthz`)).json()) as { rooms: number };
    expect(hostPort.rooms).toBe(1); // the space lives on the other process than the page's origin

    const spawned = await page.evaluate(() => (window as unknown as W).__plaza.pose()!);
    for (const key of ["ArrowRight", "ArrowRight", "ArrowDown", "ArrowRight"]) {
      await page.keyboard.press(key);
      await page.waitForTimeout(200);
    }
    const before = await page.evaluate(() => (window as unknown as W).__plaza.pose()!);
    const oldSession = await page.evaluate(() => (window as unknown as W).__plaza.session);
    await untilPositionStored(redis.url, "failover-browser", oldSession, before); // a batched position write has happened since

    const started = Date.now();
    const exited = hosting.kill("SIGTERM", 30_000);
    await page.waitForFunction((old) => { const p = (window as unknown as W).__plaza; return p && p.session !== old && p.pose() !== undefined; }, oldSession, { timeout: 20_000 });
    console.log(`CL4 browser: back in the space ${Date.now() - started} ms after SIGTERM, at ${JSON.stringify(before)}`);
    expect(await exited).toBe(true);
    expect({ x: before.x, y: before.y }).not.toEqual({ x: spawned.x, y: spawned.y }); // it walked: not just a spawn point
    const after = await page.evaluate(() => (window as unknown as W).__plaza.pose()!);
    expect({ x: after.x, y: after.y }).toEqual({ x: before.x, y: before.y });
    await page.waitForFunction(() => (document.querySelector(".status") as HTMLElement | null)?.hidden === true, null, { timeout: 5000 });
    const served = (await (await fetch(`${serving.url}/healthz`)).json()) as { ccu: number; rooms: number };
    expect(served).toMatchObject({ ccu: 1, rooms: 1 });
    await page.screenshot({ path: `${OUT}failover-after.png` });
  }, 90_000);
});
