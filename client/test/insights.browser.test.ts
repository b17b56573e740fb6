/**
 * The insights page as a space owner sees it (AN5, AN6, AU1, PV3): people walk and talk in a space
 * on a real server with the default embedded engine; the space's owner (signed in: the session the
 * app keeps in localStorage) opens /s/<id>/insights and gets the summary, the charts, the weekday ×
 * hour grid, meeting rooms and the heatmap over the map. A session the server does not accept is
 * refused in words; a signed-in stranger is refused the space's figures and sees their own activity.
 * Screenshot: test-output/insights.png.
 */
import { afterAll, beforeAll, expect, it } from "vitest";
import { chromium, type Browser, type Page } from "playwright-core";
import { mkdirSync } from "node:fs";
import { startTestServer, joinAs, walkTo, sleep, signUp, createSpace, type TestUser } from "../../server/test/harness.ts";
import { parseTiledMap } from "../../shared/map.ts";
import type { PlazaProcess } from "../../server/src/app.ts";
import { OUT } from "./browserHarness.ts";

const SPACE = "ins-e2e";
let server: PlazaProcess;
let browser: Browser;

beforeAll(async () => {
  mkdirSync(OUT, { recursive: true });
  // Three people walk: the group minimum (PV2) is lowered to them.
  server = await startTestServer({ ANALYTICS_EMBEDDED: "on", ANALYTICS_FLUSH_MS: 200, INSIGHTS_MIN_GROUP: 3 });
  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
    args: ["--no-sandbox", "--headless", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
  });
}, 90_000);
afterAll(async () => {
  await browser?.close();
  await server?.close();
});

/** Signs the page in as `user` the way the app does (client/src/net/session.ts) and opens the insights page. */
async function openInsightsAs(page: Page, user: Pick<TestUser, "token" | "id" | "name">) {
  const session = JSON.stringify({ token: user.token, user: { id: user.id, email: null, name: user.name, guest: false } });
  await page.goto(`${server.url}/`);
  await page.evaluate((s) => localStorage.setItem("plaza.session", s), session);
  await page.goto(`${server.url}/s/${SPACE}/insights`);
}

it("an owner sees visits, conversations, charts and a heatmap of a real session", async () => {
  const owner = await signUp(server, "Olivia");
  await createSpace(server, owner, SPACE, { visibility: "public" });
  const map = parseTiledMap(await (await fetch(`${server.url}/api/spaces/${SPACE}/map`)).json());
  const people = await Promise.all(["Ada", "Bob", "Cleo"].map((n) => joinAs(server, SPACE, n)));
  // Walk to a few places for long enough to be sampled (every 5 s), talk, then leave.
  const spots = [[10, 20], [12, 22], [30, 20]];
  await Promise.all(people.map((p, i) => walkTo(p, map, spots[i][0], spots[i][1]).catch(() => undefined)));
  people[0].send("chat", { scope: "space", text: "hello" });
  await sleep(5500);
  for (const p of people) await p.leave();
  await sleep(300);
  await server.analytics.flush();

  const page = await (await browser.newContext({ viewport: { width: 1280, height: 1000 } })).newPage();
  // A session token the server does not accept: refused, and the stale session is forgotten.
  await openInsightsAs(page, { token: "wrong", id: owner.id, name: owner.name });
  await page.waitForSelector(".insights-message >> text=/owners and admins.*sign in/i");
  expect(await page.evaluate(() => localStorage.getItem("plaza.session"))).toBeNull();
  // Signed in, but not an owner or admin of this space: refused.
  const stranger = await signUp(server, "Mallory");
  await openInsightsAs(page, stranger);
  await page.waitForSelector(".insights-message >> text=/only for its owners and admins/i");
  expect(await page.locator(".stat").count()).toBe(0);
  await page.waitForSelector(".my-activity >> text=/Nothing recorded|Only you see this/");
  // The owner.
  await openInsightsAs(page, owner);
  await page.waitForSelector(".stat");
  const stats = await page.locator(".stat").allTextContents();
  expect(stats.find((s) => s.includes("visits"))).toMatch(/^3visits$/);
  expect(stats.find((s) => s.includes("people"))).toMatch(/^3people$/);
  // Active people, busiest hours, weekday × hour, conversations per day.
  expect(await page.locator(".card-i svg").count()).toBe(4);
  expect(await page.locator(".card-i svg .cell").count()).toBe(7 * 24);
  await page.waitForSelector(".my-activity");
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
