/**
 * MP6–MP8 as a newcomer does it: import the generated WorkAdventure-style office (4 tilesets, one
 * external .tsx) through the dashboard, read the import report, enter the space from its start
 * tiles and walk into one of its walls. Screenshots: test-output/import-*.png.
 */
import { describe, expect, it } from "vitest";
import { readdirSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { OUT, signUpInPage, useBrowserWorld } from "./browserHarness.ts";

const FIXTURE = fileURLToPath(new URL("../../tools/maps/fixtures/wa-office/", import.meta.url));
const world = useBrowserWorld([], { PLAZA_AUTO_SPACES: false });

interface Hooks {
  pose(): { x: number; y: number; dir: number } | undefined;
  walkable(x: number, y: number): boolean;
  avatars(): Array<{ id: string; x: number; y: number }>;
  self: string;
}

describe("MP6 importing a real Tiled office in the browser", () => {
  it("imports the fixture through the dashboard, shows the report, enters from a start tile and bumps into a wall", async () => {
    const page = await world.browser.newPage({ viewport: { width: 1280, height: 800 } });
    page.on("pageerror", (e) => console.error("page error:", e.message));
    await page.goto(world.server.url);
    await signUpInPage(page, "Ines", `ines-${Date.now()}@example.test`);
    await page.waitForSelector(".import-space summary");
    await page.click(".import-space summary");
    await page.fill("#import-name", "Fixture office");
    await page.setInputFiles("#import-files", readdirSync(FIXTURE).map((f) => `${FIXTURE}${f}`));
    await page.click(".import-space button.primary");
    await page.waitForSelector(".import-summary");
    const report = await page.textContent(".import-summary");
    expect(report).toContain("4 tilesets");
    expect(report).toContain("2 meeting rooms");
    expect(report).toContain("1 silent zone");
    expect(report).toContain("1 stage");
    expect(report).toContain("10 start points");
    expect(report).toMatch(/1 × property `script`: Plaza does not run map scripts/);
    await page.locator(".import-summary").scrollIntoViewIfNeeded();
    await page.screenshot({ path: `${OUT}import-report.png` });

    await page.click(".enter-imported");
    // The name step, if shown, then the map.
    await page.waitForSelector("#name, canvas.world", { timeout: 15_000 });
    if (await page.locator("#name").count()) await page.click("button.primary");
    await page.waitForSelector("canvas.world", { state: "visible" });
    await page.waitForFunction(() => (window as unknown as { __plaza?: Hooks }).__plaza?.pose() !== undefined, null, { timeout: 20_000 });
    const hooks = () => page.evaluate(() => {
      const p = (window as unknown as { __plaza: Hooks }).__plaza;
      const me = p.pose()!;
      return { me, server: p.avatars().find((a) => a.id === p.self), walkable: p.walkable(me.x, me.y) };
    });
    const start = await hooks();
    expect(start.walkable).toBe(true);
    await page.screenshot({ path: `${OUT}import-entered.png` });

    // Walk up until the next tile is a wall, then keep pushing: she stays put (the room agrees).
    await page.keyboard.down("ArrowUp");
    await page.waitForFunction(() => {
      const p = (window as unknown as { __plaza: Hooks }).__plaza;
      const me = p.pose()!;
      const server = p.avatars().find((a) => a.id === p.self);
      return !p.walkable(me.x, me.y - 1) && server?.x === me.x && server?.y === me.y;
    }, null, { timeout: 20_000 });
    await page.keyboard.up("ArrowUp");
    const bumped = await hooks();
    expect(bumped.walkable).toBe(true);
    expect(bumped.me.y).toBeLessThan(start.me.y);
    expect({ x: bumped.server!.x, y: bumped.server!.y }).toEqual({ x: bumped.me.x, y: bumped.me.y });
    await page.screenshot({ path: `${OUT}import-wall.png` });
    await page.close();
  });
});
