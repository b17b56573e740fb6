/**
 * The insights page as a space owner sees it (AN5, AU1): people walk and talk in a space on a
 * real server with a real ClickHouse; the owner opens /s/<id>/insights, gives the token, and gets
 * the summary, the charts and the heatmap over the map. Screenshot: test-output/insights.png.
 */
import { afterAll, beforeAll, expect, it } from "vitest";
import { chromium, type Browser } from "playwright-core";
import { mkdirSync } from "node:fs";
import { startTestServer, joinAs, walkTo, sleep } from "../../server/test/harness.ts";
import { clickHouseBinary, startClickHouse, type TestClickHouse } from "../../server/test/clickhouse.ts";
import { AnalyticsPipeline } from "../../server/src/analytics/pipeline.ts";
import { TemplateMapCatalog } from "../../server/src/space/MapCatalog.ts";
import type { PlazaProcess } from "../../server/src/app.ts";
import { OUT } from "./browserHarness.ts";

const have = clickHouseBinary() !== null;
const TOKEN = "owner-token";
let ch: TestClickHouse;
let server: PlazaProcess;
let browser: Browser;

beforeAll(async () => {
  if (!have) return;
  mkdirSync(OUT, { recursive: true });
  ch = await startClickHouse();
  server = await startTestServer({ CLICKHOUSE_URL: ch.url, CLICKHOUSE_DATABASE: "insights_e2e", INSIGHTS_TOKEN: TOKEN, ANALYTICS_FLUSH_MS: 200 });
  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
    args: ["--no-sandbox", "--headless", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
  });
}, 90_000);
afterAll(async () => {
  await browser?.close();
  await server?.close();
  await ch?.dispose();
});

it.skipIf(!have)("an owner sees visits, conversations, charts and a heatmap of a real session", async () => {
  const map = new TemplateMapCatalog().mapFor("ins").map;
  const people = await Promise.all(["Ada", "Bob", "Cleo"].map((n) => joinAs(server, "ins-e2e", n)));
  // Walk to a few places for long enough to be sampled (every 5 s), talk, then leave.
  const spots = [[10, 20], [12, 22], [30, 20]];
  await Promise.all(people.map((p, i) => walkTo(p, map, spots[i][0], spots[i][1]).catch(() => undefined)));
  people[0].send("chat", { scope: "space", text: "hello" });
  await sleep(5500);
  for (const p of people) await p.leave();
  await sleep(300);
  await AnalyticsPipeline.get().flush();

  const page = await (await browser.newContext({ viewport: { width: 1280, height: 1000 } })).newPage();
  await page.goto(`${server.url}/s/ins-e2e/insights`);
  await page.waitForSelector("#token");
  await page.fill("#token", "wrong");
  await page.click(".token-form button");
  await page.waitForSelector(".insights-message >> text=/not valid|token/i");
  await page.fill("#token", TOKEN);
  await page.click(".token-form button");
  await page.waitForSelector(".stat");
  const stats = await page.locator(".stat").allTextContents();
  expect(stats.find((s) => s.includes("visits"))).toMatch(/^3visits$/);
  expect(await page.locator(".card-i svg").count()).toBe(3);
  await page.waitForSelector(".heatmap canvas");
  // The heatmap has cells: some pixel is strongly tinted.
  const tinted = await page.evaluate(() => {
    const c = document.querySelector(".heatmap canvas") as HTMLCanvasElement;
    const d = c.getContext("2d")!.getImageData(0, 0, c.width, c.height).data;
    let n = 0;
    for (let i = 0; i < d.length; i += 4) if (d[i] > 200 && d[i + 2] < 120) n++;
    return n;
  });
  expect(tinted).toBeGreaterThan(100);
  await page.screenshot({ path: `${OUT}insights.png`, fullPage: true });
}, 120_000);
