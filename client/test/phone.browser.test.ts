/**
 * A person on a phone (UX1, UX2), in Chromium's device emulation with touch events, portrait
 * (390×844) and landscape (844×390): enters a space through the name step, walks with the touch
 * joystick (the server moves the avatar), sends a chat message from an input that is on screen
 * and not covered, and opens the people drawer, which leaves the middle of the map free. A tablet
 * (820×1180) is entered too. In a call (both phone shapes and the tablet), every control of the
 * top bar, the drawer tabs, the call, the corner map and the zoom is on screen and tappable, no
 * floating part covers another, and the middle of the map stays free.
 * Screenshots: test-output/phone-*.png, tablet.png.
 */
import { describe, expect, it, onTestFinished } from "vitest";
import type { BrowserContext, CDPSession, Page } from "playwright-core";
import { OUT, useBrowserWorld } from "./browserHarness.ts";
import { seriousViolations } from "./a11yHelpers.ts";

interface Hooks {
  self: string;
  pose(): { x: number; y: number } | undefined;
  avatars(): { id: string; x: number; y: number }[];
  walkable(x: number, y: number): boolean;
}
type W = { __plaza: Hooks };

const world = useBrowserWorld();
const SPACE = "phone-office";

async function phone(viewport: { width: number; height: number }, colorScheme: "light" | "dark" = "light"): Promise<{ ctx: BrowserContext; page: Page }> {
  const ctx = await world.browser.newContext({ viewport, deviceScaleFactor: 2, isMobile: true, hasTouch: true, colorScheme });
  const page = await ctx.newPage();
  page.on("pageerror", (e) => console.error("page error:", e.message));
  return { ctx, page };
}

/** Enters through the name step, as a person would (a tap on a touch screen, else a click). */
async function join(page: Page, name: string): Promise<void> {
  await page.goto(`${world.server.url}/s/${SPACE}`);
  await page.fill("#name", name);
  const touch = await page.evaluate(() => navigator.maxTouchPoints > 0);
  await (touch ? page.locator("button.primary").tap() : page.locator("button.primary").click());
  await page.waitForFunction(() => (window as unknown as W).__plaza?.pose() !== undefined, null, { timeout: 30_000 });
}

/** One finger on the joystick's centre, pushed `dx`,`dy` CSS px, held until `done`, then lifted. */
async function pushStick(page: Page, cdp: CDPSession, dx: number, dy: number, done: () => Promise<unknown>): Promise<void> {
  // nipplejs is loaded after the page on touch screens: a touch before it is there does nothing.
  await page.waitForSelector(".touch-stick[data-ready]", { timeout: 30_000 });
  const box = (await page.locator(".touch-stick").boundingBox())!;
  const x = box.x + box.width / 2, y = box.y + box.height / 2;
  await cdp.send("Input.dispatchTouchEvent", { type: "touchStart", touchPoints: [{ x, y }] });
  for (let k = 1; k <= 4; k++) await cdp.send("Input.dispatchTouchEvent", { type: "touchMove", touchPoints: [{ x: x + (dx * k) / 4, y: y + (dy * k) / 4 }] });
  await done();
  await cdp.send("Input.dispatchTouchEvent", { type: "touchEnd", touchPoints: [] });
}

/** The element's box is inside the viewport and it is what a finger at its centre would touch. */
async function reachable(page: Page, selector: string): Promise<void> {
  const r = await page.evaluate((sel) => {
    const e = document.querySelector(sel)!;
    const b = e.getBoundingClientRect();
    const hit = document.elementFromPoint(b.x + b.width / 2, b.y + b.height / 2);
    return { b: { x: b.x, y: b.y, w: b.width, h: b.height }, vw: innerWidth, vh: innerHeight, on: hit !== null && e.contains(hit) };
  }, selector);
  expect(r.b.w).toBeGreaterThan(0);
  expect(r.b.x).toBeGreaterThanOrEqual(0);
  expect(r.b.y).toBeGreaterThanOrEqual(0);
  expect(r.b.x + r.b.w).toBeLessThanOrEqual(r.vw);
  expect(r.b.y + r.b.h).toBeLessThanOrEqual(r.vh);
  expect(r.on, `${selector} is covered`).toBe(true);
}

/** What is at the middle of the viewport: the map, not a panel. */
const middleIsMap = (page: Page) => page.evaluate(() => {
  const e = document.elementFromPoint(innerWidth / 2, innerHeight / 2);
  return e?.matches("canvas.world") ? true : `${e?.tagName}.${e?.className}`;
});

for (const [shape, viewport] of [["portrait", { width: 390, height: 844 }], ["landscape", { width: 844, height: 390 }]] as const) {
  describe(`UX1/UX2 a phone, ${shape}`, () => {
    it("joins, walks with the joystick, chats from a visible input, opens the people drawer", { timeout: 120_000 }, async () => {
      const { ctx, page } = await phone(viewport);
      onTestFinished(() => ctx.close());
      await join(page, `Pat ${shape}`);
      expect(await middleIsMap(page)).toBe(true);
      await reachable(page, ".chat-form input");

      // The joystick walks: pushed toward a free tile, the server moves the avatar (the synced state).
      const cdp = await ctx.newCDPSession(page);
      const me = await page.evaluate(() => (window as unknown as W).__plaza.self);
      const start = (await page.evaluate(() => (window as unknown as W).__plaza.pose()))!;
      const ways: [number, number][] = [[1, 0], [-1, 0], [0, 1], [0, -1]];
      const way = await page.evaluate(({ s, ws }) => ws.find(([dx, dy]) => (window as unknown as W).__plaza.walkable(s.x + dx, s.y + dy)), { s: start, ws: ways });
      expect(way).toBeDefined();
      await pushStick(page, cdp, way![0] * 40, way![1] * 40, () => page.waitForFunction(({ id, x, y }) => {
        const a = (window as unknown as W).__plaza.avatars().find((v) => v.id === id);
        return a !== undefined && (a.x !== x || a.y !== y);
      }, { id: me, x: start.x, y: start.y }, { timeout: 30_000 }));
      const moved = await page.evaluate((id) => (window as unknown as W).__plaza.avatars().find((v) => v.id === id)!, me);
      expect(Math.sign(moved.x - start.x)).toBe(way![0]);
      expect(Math.sign(moved.y - start.y)).toBe(way![1]);

      // Chat: the input is on screen and not covered; what is sent shows in the chat drawer.
      const input = page.locator(".chat-form input");
      await input.tap();
      await reachable(page, ".chat-form input");
      await input.fill(`hello from a ${shape} phone`);
      await input.press("Enter");
      await page.waitForFunction(() => (document.querySelector(".chat-form input") as HTMLInputElement).value === ""); // sent
      await page.locator(".drawer-chat").tap();
      await page.locator(".chat-log li", { hasText: `hello from a ${shape} phone` }).waitFor();
      await reachable(page, ".chat-form input");
      await page.screenshot({ path: `${OUT}phone-${shape}-chat.png` });

      // The people drawer: opens from its tab, lists me, and leaves the middle of the map free.
      await page.locator(".drawer-people").tap();
      await page.locator(".people li", { hasText: `Pat ${shape}` }).waitFor();
      await reachable(page, ".people");
      expect(await middleIsMap(page)).toBe(true);
      await reachable(page, ".chat-form input");
      await page.screenshot({ path: `${OUT}phone-${shape}-people.png` });
      await page.locator(".drawer-people").tap();
      await page.locator(".people").waitFor({ state: "hidden" });
      await page.screenshot({ path: `${OUT}phone-${shape}.png` });
    });
  });
}

/** The floating parts of the space view that must never cover one another (those on screen). */
const FLOATING = [".topbar > .chip:not(.a11y-bar)", ".topbar > .a11y-bar", ".drawer-tabs", ".minimap", ".zoom-controls", ".touch-stick",
  ".presence-bar", ".chat-form", ".av-tiles", ".av-controls", ".av-notice"];

/** Pairs of floating parts whose boxes intersect, named by selector. */
const overlaps = (page: Page, selectors: string[]) => page.evaluate((selectors) => {
  const boxes: { name: string; r: DOMRect }[] = [];
  for (const sel of selectors) {
    for (const e of document.querySelectorAll(sel)) {
      const r = e.getBoundingClientRect();
      if (r.width > 0 && r.height > 0 && getComputedStyle(e).visibility !== "hidden") boxes.push({ name: sel, r });
    }
  }
  const out: string[] = [];
  for (let i = 0; i < boxes.length; i++) for (let j = i + 1; j < boxes.length; j++) {
    const a = boxes[i].r, b = boxes[j].r;
    if (a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom) out.push(`${boxes[i].name} × ${boxes[j].name}`);
  }
  return out;
}, selectors);

const CALL_SHAPES = [["portrait", { width: 390, height: 844 }], ["landscape", { width: 844, height: 390 }], ["tablet", { width: 820, height: 1180 }]] as const;
for (const [shape, viewport] of CALL_SHAPES) {
  // Portrait in the light theme, landscape in the dark one: both themes' colours are audited.
  const scheme = shape === "landscape" ? "dark" : "light";
  // A tablet shows the people list and the chat as panels (no drawers): they must stay clear too.
  const floating = shape === "tablet" ? [...FLOATING.filter((f) => f !== ".chat-form"), ".people", ".chat"] : FLOATING;
  describe(`UX1/UX2 ${shape === "tablet" ? "a tablet" : "a phone"} in a call, ${shape}, ${scheme} theme`, () => {
    it("every control stays on screen and tappable, nothing floating covers another, the middle of the map stays free", { timeout: 120_000 }, async () => {
      const { ctx, page } = await phone(viewport, scheme);
      onTestFinished(() => ctx.close());
      const desk = await world.browser.newContext({ viewport: { width: 1280, height: 800 } });
      onTestFinished(() => desk.close());
      const quinn = await desk.newPage();
      await join(quinn, `Quinn ${shape}`);
      await join(page, `Pat ${shape} call`);
      // From the top bar's Outline (itself a thing to reach on a phone): walk up to Quinn, then close it.
      await reachable(page, ".outline-toggle");
      await page.locator(".outline-toggle").tap();
      const walk = page.locator(`.outline button[aria-label="Walk me to Quinn ${shape}"]`);
      await walk.waitFor({ timeout: 30_000 });
      await walk.tap();
      await page.waitForFunction(() => document.querySelectorAll(".av-tile").length >= 2, null, { timeout: 30_000 });
      await page.locator(".outline-toggle").tap();
      await page.locator(".outline").waitFor({ state: "hidden" });

      for (const sel of [".topbar button, .topbar a", ...(shape === "tablet" ? [] : [".drawer-tabs button"]), ".av-controls button", ".minimap button", ".zoom-controls button"]) {
        // Every one that is shown (has a box), each marked so `reachable` can find it alone.
        const shown = await page.evaluate((q) => [...document.querySelectorAll(q)].filter((e) => e.getClientRects().length > 0)
          .map((e, i) => { e.setAttribute("data-reach", `${q}#${i}`); return `${q}#${i}`; }), sel);
        expect(shown.length, sel).toBeGreaterThan(0);
        for (const mark of shown) await reachable(page, `[data-reach="${mark}"]`);
      }
      await reachable(page, ".chat-form input");
      expect(await overlaps(page, floating)).toEqual([]);
      expect(await middleIsMap(page)).toBe(true);
      expect(await seriousViolations(page)).toEqual([]); // UX12 on a phone, in a call
      await page.screenshot({ path: `${OUT}phone-${shape}-call.png` });
    });
  });
}

describe("UX1 a tablet", () => {
  it("shows the map with both panels and the joystick", { timeout: 120_000 }, async () => {
    const { ctx, page } = await phone({ width: 820, height: 1180 });
    onTestFinished(() => ctx.close());
    await join(page, "Tab");
    expect(await middleIsMap(page)).toBe(true);
    await reachable(page, ".chat-form input");
    await reachable(page, ".touch-stick");
    await page.locator(".people li", { hasText: "Tab" }).waitFor();
    await page.screenshot({ path: `${OUT}tablet.png` });
  });
});
