/**
 * The acceptance story of "persistent spaces", done the way a new user does it, all through the UI,
 * in real Chromium pages against a real server (spaces exist only when created, as in production):
 * Ada signs up, creates a private space from the "Small office" template and enters it; in build
 * mode she places a desk by clicking the map, and after a reload the desk is still there. From the
 * space's Settings page she creates a member invite link; Bob opens it in his own browser, signs up
 * there, enters and sees Ada's desk. Eve signs up too and opens the space's address directly: she
 * gets a readable "not a member" page, not the map. Screenshots: test-output/journey-*.png.
 */
import { describe, expect, it } from "vitest";
import type { Page } from "playwright-core";
import { planEdit } from "../../shared/world.ts";
import { OUT, signUpInPage as signUp, useBrowserWorld } from "./browserHarness.ts";

interface Content {
  version: number;
  things: Record<string, { id: string; kind: string; x: number; y: number; rot: number }>;
}
interface Hooks {
  pose(): { x: number; y: number; dir: number } | undefined;
  screenOf(x: number, y: number): { x: number; y: number };
  content(): Content;
  welcome(): { canBuild: boolean; role?: string };
}

// Spaces exist only when someone creates them (no PLAZA_AUTO_SPACES), as in production, so that
// unknown and deleted spaces are really unknown.
const world = useBrowserWorld([], { PLAZA_AUTO_SPACES: false });

/** A fresh browser context: no session, no storage. */
async function newPage(who: string): Promise<Page> {
  const ctx = await world.browser.newContext({ viewport: { width: 1280, height: 800 } });
  const page = await ctx.newPage();
  page.on("pageerror", (e) => console.error(`${who} page error:`, e.message));
  return page;
}

const shot = (page: Page, name: string) => page.screenshot({ path: `${OUT}journey-${name}.png` });

/** In the space: the name step passed if it is shown, the canvas on screen and the room has placed us. */
async function enter(page: Page, spaceId: string) {
  await page.waitForURL(new RegExp(`/s/${spaceId}$`));
  await page.waitForSelector("#name, canvas.world", { timeout: 15_000 });
  if (await page.locator("#name").count()) await page.click("button.primary");
  await page.waitForSelector("canvas.world", { state: "visible" });
  await page.waitForFunction(() => (window as unknown as { __plaza?: Hooks }).__plaza?.pose() !== undefined, null, { timeout: 15_000 });
}

const content = (page: Page) => page.evaluate(() => (window as unknown as { __plaza: Hooks }).__plaza.content());
const pose = (page: Page) => page.evaluate(() => (window as unknown as { __plaza: Hooks }).__plaza.pose());
const screenOf = (page: Page, x: number, y: number) => page.evaluate(([x, y]) => (window as unknown as { __plaza: Hooks }).__plaza.screenOf(x, y), [x, y]);
const deskAt = (page: Page, spot: { x: number; y: number }) => page.waitForFunction(
  (s) => Object.values((window as unknown as { __plaza?: Hooks }).__plaza?.content().things ?? {}).some((t) => t.kind === "desk" && t.x === s.x && t.y === s.y),
  spot, { timeout: 15_000 },
);

/** Every tile where a desk (2×1) could stand in the space's stored content, nearest to `near` first. */
async function deskSpots(spaceId: string, near: { x: number; y: number }): Promise<Array<{ x: number; y: number }>> {
  const loaded = await world.server.directory.load(spaceId);
  if (!loaded) throw new Error(`no space ${spaceId}`);
  const editor = { userId: "t", name: "t", canBuild: true, canClaim: true };
  const out: Array<{ x: number; y: number }> = [];
  for (let y = 0; y < loaded.base.height; y++) for (let x = 0; x < loaded.base.width; x++) {
    if (planEdit(loaded.base, loaded.content, { op: "place", kind: "desk", x, y, rot: 0 }, editor, () => "x").ok) out.push({ x, y });
  }
  return out.sort((a, b) => Math.hypot(a.x - near.x, a.y - near.y) - Math.hypot(b.x - near.x, b.y - near.y));
}

/** The canvas area not covered by panels (build palette left, people/chat right, bars below). */
const onOpenCanvas = (p: { x: number; y: number }) => p.x > 290 && p.x < 940 && p.y > 70 && p.y < 580;

describe("persistent spaces: the new user's journey (browser)", () => {
  it("sign up, create a space, place a desk, reload, invite Bob who sees it, keep Eve out", async () => {
    const base = world.server.url;

    // 1. Ada: a fresh browser, sign up, a private space from the "Small office" template, inside.
    const ada = await newPage("Ada");
    await ada.goto(`${base}/`);
    await ada.waitForSelector(".auth-card");
    await signUp(ada, "Ada", "ada@journey.example");
    await ada.waitForSelector(".dash h1 >> text=My spaces");
    await ada.fill("#new-space-name", "Journey HQ");
    // Each template card shows its own map, drawn (not a blank box): count coloured pixels.
    await ada.waitForFunction(() => {
      const maps = [...document.querySelectorAll<HTMLCanvasElement>(".new-space .template canvas.preview-map")];
      return maps.length === document.querySelectorAll(".new-space .template").length && maps.every((c) => {
        const d = c.getContext("2d")!.getImageData(0, 0, c.width, c.height).data;
        const colours = new Set<number>();
        for (let i = 0; i < d.length; i += 4 * 7) colours.add((d[i]! << 16) | (d[i + 1]! << 8) | d[i + 2]!);
        return colours.size > 20;
      });
    }, null, { timeout: 15_000 });
    await ada.click(".new-space .template >> text=Small office");
    await expect(ada.locator('.new-space .template[aria-checked="true"] strong').textContent()).resolves.toBe("Small office");
    await ada.check('.new-space input[value="private"]');
    await shot(ada, "1-new-space");
    await ada.click(".new-space button.primary");
    await ada.waitForURL(/\/s\/[a-z0-9-]+$/);
    const spaceId = new URL(ada.url()).pathname.split("/")[2];
    await enter(ada, spaceId);
    await ada.waitForFunction(() => (window as unknown as { __plaza: Hooks }).__plaza.welcome().canBuild, null, { timeout: 15_000 });
    await shot(ada, "2-in-space");

    // 2. Build mode from the top bar, Desk from the palette, a click on a free spot of the map.
    await ada.click(".topbar .build-toggle");
    await ada.waitForSelector(".build-panel", { state: "visible" });
    await ada.click('.build-panel [data-tool="object:desk"]');
    const me = (await pose(ada))!;
    // Not right next to Ada (her tile and the ones she may walk to stay free), on the open canvas.
    let spot: { x: number; y: number } | undefined;
    for (const c of (await deskSpots(spaceId, me)).filter((c) => Math.abs(c.y - me.y) >= 2)) {
      if (onOpenCanvas(await screenOf(ada, c.x, c.y)) && onOpenCanvas(await screenOf(ada, c.x + 1, c.y))) { spot = c; break; }
    }
    expect(spot, "a free desk spot on screen").toBeDefined();
    const before = await content(ada);
    expect(Object.values(before.things).some((t) => t.kind === "desk" && t.x === spot!.x && t.y === spot!.y)).toBe(false);
    const at = await screenOf(ada, spot!.x, spot!.y);
    await ada.mouse.move(at.x, at.y);
    await ada.mouse.click(at.x, at.y);
    await deskAt(ada, spot!);
    await ada.waitForSelector(".build-saved:not(.pending) >> text=All changes saved");
    const placed = await content(ada);
    expect(placed.version).toBeGreaterThan(before.version);
    const desk = Object.values(placed.things).find((t) => t.kind === "desk" && t.x === spot!.x && t.y === spot!.y)!;
    await ada.mouse.move(at.x + 200, at.y + 120); // the ghost away from the desk, for the picture
    await shot(ada, "3-desk-placed");

    // 3. Reload: the desk was stored, not just synced.
    await ada.reload();
    await enter(ada, spaceId);
    await deskAt(ada, spot!);
    expect((await content(ada)).things[desk.id]).toMatchObject({ kind: "desk", x: spot!.x, y: spot!.y });
    await shot(ada, "4-after-reload");

    // 4. Home (My spaces) lists the space; its Settings page; a member invite link, read from the page.
    await ada.goto(`${base}/`);
    const spaceCard = ada.locator(`.space-card[data-space="${spaceId}"]`);
    await spaceCard.waitFor();
    await expect(spaceCard.locator("h3").textContent()).resolves.toBe("Journey HQ");
    await expect(spaceCard.locator(".badge-vis").textContent()).resolves.toBe("private");
    await spaceCard.locator("a >> text=Settings").click();
    await ada.waitForURL(new RegExp(`/s/${spaceId}/settings$`));
    await ada.waitForSelector(".invites .invite-form");
    await ada.selectOption("#invite-role", "member");
    await ada.click(".invite-form button.primary-small");
    const fresh = ada.locator('.invite-list li.fresh[data-role="member"]');
    await fresh.waitFor();
    const memberLink = await fresh.locator(".invite-url").inputValue();
    expect(memberLink).toMatch(/\/i\/[A-Za-z0-9_-]+$/);
    expect(memberLink.startsWith(base)).toBe(true);
    await shot(ada, "5-settings-invite");

    // 5. Bob: his own fresh browser, the link, sign up there (which accepts), inside, Ada's desk.
    const bob = await newPage("Bob");
    await bob.goto(memberLink);
    await bob.waitForSelector(".invite-card h1 >> text=Join Journey HQ");
    await expect(bob.locator(".invite-card .badge-role").textContent()).resolves.toBe("member");
    await signUp(bob, "Bob", "bob@journey.example");
    await enter(bob, spaceId);
    await deskAt(bob, spot!);
    expect((await content(bob)).things[desk.id]).toMatchObject({ kind: "desk", x: spot!.x, y: spot!.y });
    await shot(bob, "6-bob-sees-desk");
    await bob.context().close(); // an open space draws every frame: keep the machine free

    // 6. Eve: signs up, then opens the space's address directly: a readable refusal, no map.
    const eve = await newPage("Eve");
    await eve.goto(`${base}/`);
    await eve.waitForSelector(".auth-card");
    await signUp(eve, "Eve", "eve@journey.example");
    await eve.waitForSelector(".dash h1 >> text=My spaces");
    await eve.goto(`${base}/s/${spaceId}`);
    const card = eve.locator(".message-card");
    await card.waitFor({ state: "visible" });
    await expect(card.innerText()).resolves.toMatch(/not a member/i);
    await expect(eve.locator("body").innerText()).resolves.toContain(`You are not a member of ${spaceId}`);
    await expect(eve.locator("canvas.world").count()).resolves.toBe(0);
    await shot(eve, "7-eve-not-a-member");

    for (const p of [ada, eve]) await p.context().close();
  }, 120_000);
});
