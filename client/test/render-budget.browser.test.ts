/**
 * The rendering budget (UX5, UX7) and zoom (UX3) in a real page: an idle space draws no frames
 * at all, while a change (a zoom, a step, someone arriving) draws; a hidden tab draws nothing even
 * when someone arrives, and catches up when shown again. Frames are counted by the page's test
 * hook (`__plaza.draws()`); no assertion is about time.
 */
import { describe, expect, it } from "vitest";
import type { Page } from "playwright-core";
import { useBrowserWorld } from "./browserHarness.ts";

interface Hooks {
  pose(): { x: number; y: number } | undefined;
  draws(): number;
  avatars(): { id: string }[];
  screenOf(x: number, y: number): { x: number; y: number };
  walkable(x: number, y: number): boolean;
}
type W = { __plaza: Hooks };

const world = useBrowserWorld();
const SPACE = "render-budget";

async function enter(name: string): Promise<Page> {
  const ctx = await world.browser.newContext({ viewport: { width: 1024, height: 700 } });
  await ctx.addInitScript((n) => sessionStorage.setItem("plaza.profile", JSON.stringify({ name: n, look: 1 })), name);
  const page = await ctx.newPage();
  page.on("pageerror", (e) => console.error("page error:", e.message));
  await page.goto(`${world.server.url}/s/${SPACE}`);
  await page.waitForFunction(() => (window as unknown as W).__plaza?.pose() !== undefined, null, { timeout: 30_000 });
  return page;
}

const draws = (page: Page) => page.evaluate(() => (window as unknown as W).__plaza.draws());

/** Lets `n` of the browser's display frames go by (the page's own clock, not ours). */
const displayFrames = (page: Page, n: number) => page.evaluate((k) => new Promise<void>((done) => {
  let left = k;
  const tick = () => (--left <= 0 ? done() : requestAnimationFrame(tick));
  requestAnimationFrame(tick);
}), n);

/** Waits until nothing is left to draw: the frame count stays put over 30 display frames. */
async function settled(page: Page): Promise<number> {
  for (;;) {
    const before = await draws(page);
    await displayFrames(page, 30);
    if ((await draws(page)) === before) return before;
  }
}

/** One tile's size on screen (CSS px): the zoom. */
const tilePx = (page: Page) => page.evaluate(() => {
  const p = (window as unknown as W).__plaza;
  return p.screenOf(1, 0).x - p.screenOf(0, 0).x;
});

describe("UX5 the canvas draws only when something changed", () => {
  it("an idle space draws nothing; a zoom, a step and a newcomer each draw", { timeout: 120_000 }, async () => {
    const page = await enter("Idle");
    const idle = await settled(page);
    expect(idle).toBeGreaterThan(0); // the first frame was drawn
    await displayFrames(page, 90);
    expect(await draws(page)).toBe(idle); // 90 display frames, no draws

    // UX3: + zooms in (by whole device pixels), − back out, 0 back to the fitted view.
    const fitted = await tilePx(page);
    await page.keyboard.press("+");
    await page.waitForFunction((n) => (window as unknown as W).__plaza.draws() > n, idle);
    expect(await tilePx(page)).toBeGreaterThan(fitted);
    await page.keyboard.press("0");
    await page.waitForFunction((t) => { const p = (window as unknown as W).__plaza; return p.screenOf(1, 0).x - p.screenOf(0, 0).x === t; }, fitted);
    await page.click(".zoom-out");
    await page.waitForFunction((t) => { const p = (window as unknown as W).__plaza; return p.screenOf(1, 0).x - p.screenOf(0, 0).x < t; }, fitted);

    // A step: frames while walking, then quiet again.
    const before = await settled(page);
    const start = (await page.evaluate(() => (window as unknown as W).__plaza.pose()))!;
    const keys: [string, number, number][] = [["ArrowRight", 1, 0], ["ArrowLeft", -1, 0], ["ArrowDown", 0, 1], ["ArrowUp", 0, -1]];
    const free = await page.evaluate(({ s, ks }) => ks.find(([, dx, dy]) => (window as unknown as W).__plaza.walkable(s.x + dx, s.y + dy)), { s: start, ks: keys });
    expect(free).toBeDefined();
    await page.keyboard.press(free![0]);
    await page.waitForFunction(({ x, y }) => { const p = (window as unknown as W).__plaza.pose()!; return p.x !== x || p.y !== y; }, start);
    const walked = await settled(page);
    expect(walked).toBeGreaterThan(before);

    // Someone arrives (a state patch): drawn.
    const other = await enter("Newcomer");
    await page.waitForFunction(() => (window as unknown as W).__plaza.avatars().length === 2);
    expect(await settled(page)).toBeGreaterThan(walked);
    await other.context().close();
    await page.context().close();
  });
});

describe("UX7 a hidden tab draws nothing", () => {
  it("draws no frame while hidden, even when someone arrives, and one when shown again", { timeout: 120_000 }, async () => {
    const page = await enter("Hidden");
    await settled(page);
    await page.evaluate(() => {
      Object.defineProperty(document, "visibilityState", { configurable: true, get: () => "hidden" });
      document.dispatchEvent(new Event("visibilitychange"));
    });
    const hidden = await settled(page);
    const other = await enter("Visitor");
    await page.waitForFunction(() => (window as unknown as W).__plaza.avatars().length === 2);
    await displayFrames(page, 60);
    expect(await draws(page)).toBe(hidden);
    await page.evaluate(() => {
      Object.defineProperty(document, "visibilityState", { configurable: true, get: () => "visible" });
      document.dispatchEvent(new Event("visibilitychange"));
    });
    await page.waitForFunction((n) => (window as unknown as W).__plaza.draws() > n, hidden);
    await other.context().close();
    await page.context().close();
  });
});
