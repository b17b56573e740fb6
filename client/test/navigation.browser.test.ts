/**
 * Finding your way in real pages (SPEC NV): a click on the overview map walks to a tile far outside
 * the view (NV8, NV9); the large map does the same; meeting rooms are outlined and named on the map
 * (NV7); a closed meeting room offers a knock, and the person inside answers "not now" and then
 * "let in" (NV1–NV4). Screenshots: test-output/nav-*.png.
 */
import { describe, expect, it } from "vitest";
import type { Page } from "playwright-core";
import { OUT, useBrowserWorld } from "./browserHarness.ts";

const world = useBrowserWorld();
const SPACE = "nav-e2e";
/** The default office's big private area (shared/maps/office.tmj). */
const ROOM = { name: "Meeting Room", x: 1, y: 2, w: 16, h: 9 };

interface Hooks {
  pose(): { x: number; y: number; dir: number } | undefined;
  screenOf(x: number, y: number): { x: number; y: number };
  walkable(x: number, y: number): boolean;
}
interface NavHooks {
  minimapPoint(x: number, y: number, large?: boolean): { x: number; y: number };
  closedRooms(): string[];
  said(): { kind: string; text: string }[];
}

/** Waits until the knock UI said `text` (knockEvents: what a live region announces). */
async function said(page: Page, text: string) {
  await page.waitForFunction((t) => (window as unknown as { __plazaNav: NavHooks }).__plazaNav.said().some((e) => e.text.includes(t)), text, { timeout: 30_000 });
}

async function enter(name: string, viewport = { width: 1280, height: 800 }): Promise<Page> {
  const page = await (await world.browser.newContext({ viewport })).newPage();
  page.on("pageerror", (e) => console.error(`${name} page error:`, e.message));
  await page.goto(`${world.server.url}/s/${SPACE}`);
  await page.fill("#name", name);
  await page.click("button.primary");
  await page.waitForFunction(() => (window as unknown as { __plaza?: Hooks }).__plaza?.pose() !== undefined, null, { timeout: 15_000 });
  return page;
}

const pose = (page: Page) => page.evaluate(() => (window as unknown as { __plaza: Hooks }).__plaza.pose()!);
const inRoom = (p: { x: number; y: number }) => p.x >= ROOM.x && p.y >= ROOM.y && p.x < ROOM.x + ROOM.w && p.y < ROOM.y + ROOM.h;

/** A walkable tile of the meeting room near (x, y). */
function roomTile(page: Page, x: number, y: number) {
  return page.evaluate(([x0, y0, room]) => {
    const h = (window as unknown as { __plaza: Hooks }).__plaza;
    for (let r = 0; r < 6; r++) {
      for (let dy = -r; dy <= r; dy++) for (let dx = -r; dx <= r; dx++) {
        const x = x0 + dx, y = y0 + dy;
        if (x >= room.x && y >= room.y && x < room.x + room.w && y < room.y + room.h && h.walkable(x, y)) return { x, y };
      }
    }
    throw new Error("no walkable tile in the room");
  }, [x, y, ROOM] as const);
}

/** Clicks a tile on the corner map (or the large one), as a person would. */
async function clickMinimap(page: Page, t: { x: number; y: number }, large = false) {
  const p = await page.evaluate(([x, y, large]) => (window as unknown as { __plazaNav: NavHooks }).__plazaNav.minimapPoint(x, y, large), [t.x, t.y, large] as const);
  await page.mouse.click(p.x, p.y);
}

async function arrives(page: Page, t: { x: number; y: number }, what: string) {
  await page.waitForFunction(([x, y]) => {
    const p = (window as unknown as { __plaza: Hooks }).__plaza.pose();
    return p?.x === x && p?.y === y;
  }, [t.x, t.y], { timeout: 30_000 }).catch(async (err) => { throw new Error(`${what}: at ${JSON.stringify(await pose(page))}: ${err}`); });
}

describe("NV finding your way", () => {
  let ada: Page;

  it("NV8 NV9 a click on the overview walks to a tile far outside the view; the large map too", { timeout: 90_000 }, async () => {
    ada = await enter("Ada");
    await ada.waitForSelector(".minimap-canvas");
    const target = await roomTile(ada, 8, 6);
    const onScreen = await ada.evaluate(([x, y]) => (window as unknown as { __plaza: Hooks }).__plaza.screenOf(x, y), [target.x, target.y]);
    expect(onScreen.y).toBeLessThan(0); // above the top of the view: no click on the map could reach it
    await ada.locator(".minimap").screenshot({ path: `${OUT}nav-minimap.png` });
    await clickMinimap(ada, target);
    await arrives(ada, target, "walked to the meeting room from the overview");
    await ada.waitForTimeout(300); // the overview redraws a few times a second
    await ada.screenshot({ path: `${OUT}nav-room-outlined.png` });

    // The large map: open it, click the lounge, the dialog closes and the walk starts.
    await ada.click('button[aria-label="Open the large map"]');
    await ada.waitForSelector("dialog.overview[open]");
    await ada.waitForTimeout(300);
    await ada.screenshot({ path: `${OUT}nav-overview.png` });
    const back = await roomTile(ada, 12, 8);
    await clickMinimap(ada, back, true);
    await ada.waitForSelector("dialog.overview[open]", { state: "detached" });
    await arrives(ada, back, "walked from the large map");
  });

  it("NV1–NV4 a closed meeting room: a knock, 'not now', then 'let in'", { timeout: 120_000 }, async () => {
    // Ada, inside, closes the door.
    await ada.click(".door-chip");
    await ada.waitForSelector(`.door-chip[aria-pressed=true]`);
    const bob = await enter("Bob");
    await bob.waitForFunction((room) => (window as unknown as { __plazaNav: NavHooks }).__plazaNav.closedRooms().includes(room), ROOM.name);

    const inside = await roomTile(bob, 8, 9);
    await clickMinimap(bob, inside);
    await bob.waitForSelector(".knock-offer:not([hidden])");
    expect(await bob.locator(".knock-offer p").textContent()).toContain("Meeting Room is closed");
    await bob.fill(".knock-offer input", "Got a minute about the launch?");
    await bob.screenshot({ path: `${OUT}nav-knock-offer.png` });
    await bob.click(".knock-offer button:has-text('Knock')");
    const card = ada.locator(".knock-card", { hasText: "Bob is knocking on Meeting Room" });
    await card.waitFor();
    expect(await card.locator("q").textContent()).toBe("Got a minute about the launch?");
    await ada.screenshot({ path: `${OUT}nav-knock-card.png` });
    // UX11: a screen reader hears the knock at once (the assertive live region).
    await ada.waitForFunction(() => /knocking on Meeting Room/.test(document.querySelector(".live-urgent")?.textContent ?? ""), null, { timeout: 15_000 });
    await card.locator("button:has-text('Not now')").click();
    await said(bob, "Ada: not now.");
    await said(ada, "Bob is knocking on Meeting Room: Got a minute about the launch?");
    await card.waitFor({ state: "detached" });
    expect(inRoom(await pose(bob))).toBe(false); // Bob waits outside

    await clickMinimap(bob, inside);
    await bob.waitForSelector(".knock-offer:not([hidden])");
    await bob.click(".knock-offer button:has-text('Knock')");
    const again = ada.locator(".knock-card", { hasText: "Bob is knocking" });
    await again.waitFor();
    await again.locator("button:has-text('Let in')").click();
    await said(bob, "Ada let you in to Meeting Room.");
    await arrives(bob, inside, "Bob walks in once let in");
    expect(inRoom(await pose(bob))).toBe(true);
    await bob.screenshot({ path: `${OUT}nav-let-in.png` });
  });

  it("NV8 on a phone the overview starts folded and opens as a large map", { timeout: 60_000 }, async () => {
    const page = await enter("Phil", { width: 390, height: 844 });
    await page.waitForSelector(".minimap.collapsed");
    await page.click('button[aria-label="Show the map"]');
    await page.waitForSelector(".minimap:not(.collapsed) .minimap-canvas");
    await page.waitForTimeout(300);
    await page.screenshot({ path: `${OUT}nav-phone-minimap.png` });
    await page.click('button[aria-label="Open the large map"]');
    await page.waitForSelector("dialog.overview[open]");
    await page.waitForTimeout(300);
    await page.screenshot({ path: `${OUT}nav-phone-overview.png` });
  });
});
