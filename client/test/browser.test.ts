/**
 * Two people in two real (headless Chromium) pages, one space: enter from the landing page (its
 * "have a link? paste it" box) and by link, choose a name and look, walk with the keyboard and by
 * clicking, see each other move. Screenshots are saved to test-output/ for a person to look at.
 */
import { describe, expect, it } from "vitest";
import type { Page } from "playwright-core";
import { OUT, useBrowserWorld } from "./browserHarness.ts";

interface PlazaHooks {
  self: string;
  pose(): { x: number; y: number; dir: number } | undefined;
  avatars(): { id: string; x: number; y: number; name: string }[];
  screenOf(x: number, y: number): { x: number; y: number };
  walkable(x: number, y: number): boolean;
}
declare global { interface Window { __plaza?: PlazaHooks } }

const world = useBrowserWorld();

async function newPage(): Promise<Page> {
  const ctx = await world.browser.newContext({ viewport: { width: 1280, height: 800 } });
  const page = await ctx.newPage();
  page.on("pageerror", (e) => console.error("page error:", e.message));
  return page;
}
const hooks = (page: Page) => page.waitForFunction(() => window.__plaza?.pose() !== undefined, null, { timeout: 15_000 });
const pose = (page: Page) => page.evaluate(() => window.__plaza!.pose()!);

describe("two people walking in one office (browser)", () => {
  it("enter, see each other, walk by keyboard and by click, names shown as text", async () => {
    const ada = await newPage();
    await ada.goto(`${world.server.url}/`);
    await ada.fill("#paste", `${world.server.url}/s/e2e-office`);
    await ada.click(".paste-link button");
    await ada.waitForURL(/\/s\/e2e-office$/);
    await ada.fill("#name", "Ada");
    await ada.click('[data-look="2"]');
    await expect(ada.locator('[data-look="2"]').getAttribute("aria-pressed")).resolves.toBe("true");
    await ada.click("button.primary");
    await hooks(ada);

    // Bob arrives by link; his name looks like markup and must stay text.
    const bob = await newPage();
    await bob.goto(`${world.server.url}/s/e2e-office`);
    await expect(bob.locator("button.primary").textContent()).resolves.toContain("e2e-office");
    await bob.fill("#name", "<b>Bob</b>");
    await bob.click("button.primary");
    await hooks(bob);

    await ada.waitForFunction(() => window.__plaza!.avatars().length === 2);
    await bob.waitForFunction(() => window.__plaza!.avatars().length === 2);
    const list = bob.locator(".people li");
    await expect(list.filter({ hasText: "<b>Bob</b>" }).count()).resolves.toBe(1);
    await expect(bob.locator(".people li b").count()).resolves.toBe(0);

    // Keyboard: find a free direction from Ada's spawn and hold the key for a few steps.
    const start = await pose(ada);
    const keys: [string, number, number][] = [["ArrowUp", 0, -1], ["ArrowRight", 1, 0], ["ArrowLeft", -1, 0], ["ArrowDown", 0, 1]];
    let moved = false;
    for (const [key, dx, dy] of keys) {
      const free = await ada.evaluate(([x, y]) => window.__plaza!.walkable(x, y), [start.x + dx, start.y + dy]);
      if (!free) continue;
      await ada.keyboard.down(key);
      await ada.waitForFunction(([x, y]) => { const p = window.__plaza!.pose()!; return p.x !== x || p.y !== y; }, [start.x, start.y]);
      await ada.waitForTimeout(400);
      await ada.keyboard.up(key);
      moved = true;
      break;
    }
    expect(moved).toBe(true);
    const afterKeys = await pose(ada);
    const adaId = await ada.evaluate(() => window.__plaza!.self);
    // Bob's page shows Ada where Ada's own page predicted her.
    await bob.waitForFunction(([id, x, y]) => window.__plaza!.avatars().some((a) => a.id === id && a.x === x && a.y === y), [adaId, afterKeys.x, afterKeys.y] as const, { timeout: 5000 });

    // Click to walk: a walkable tile 3–6 tiles away, reached along a path around obstacles.
    const target = await ada.evaluate(({ x, y }) => {
      for (let r = 6; r >= 3; r--) for (const [dx, dy] of [[r, 0], [-r, 0], [0, -r], [0, r], [r, -2], [-r, -2]]) {
        if (window.__plaza!.walkable(x + dx, y + dy)) return { x: x + dx, y: y + dy };
      }
      return undefined;
    }, afterKeys);
    expect(target).toBeDefined();
    const at = await ada.evaluate(({ x, y }) => window.__plaza!.screenOf(x, y), target!);
    await ada.mouse.click(at.x, at.y);
    await ada.waitForFunction(({ x, y }) => { const p = window.__plaza!.pose()!; return p.x === x && p.y === y; }, target!, { timeout: 10_000 });
    await bob.waitForFunction(([id, x, y]) => window.__plaza!.avatars().some((a) => a.id === id && a.x === x && a.y === y), [adaId, target!.x, target!.y] as const, { timeout: 5000 });

    await ada.waitForTimeout(300); // let the glide finish before the pictures
    await ada.screenshot({ path: `${OUT}space-ada.png` });
    await bob.screenshot({ path: `${OUT}space-bob.png` });
    // Both avatars are drawn: the canvas is not blank (more than a handful of colours).
    const colours = await bob.evaluate(() => {
      const c = document.querySelector("canvas.world") as HTMLCanvasElement;
      const d = c.getContext("2d")!.getImageData(0, 0, c.width, c.height).data;
      const set = new Set<number>();
      for (let i = 0; i < d.length; i += 4 * 97) set.add((d[i] << 16) | (d[i + 1] << 8) | d[i + 2]);
      return set.size;
    });
    expect(colours).toBeGreaterThan(50);
  });

  it("explains a refused join in words (invalid space link)", async () => {
    const page = await newPage();
    await page.goto(`${world.server.url}/`);
    await page.fill("#paste", "---");
    await page.click(".paste-link button");
    await expect(page.locator(".paste-link .form-error").textContent()).resolves.toContain("Plaza link");
    expect(new URL(page.url()).pathname).toBe("/"); // refused: it stays on the landing page
  });
});
