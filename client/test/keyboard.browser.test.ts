/**
 * A keyboard-only person (SPEC UX10, UX12, UX15), with nothing but key presses in a real Chromium:
 * from the landing page they paste a space's address, give their name, skip to the outline, find
 * Bo there and press "Walk me to Bo" — and end up in a conversation with him, which the live region
 * says. The help sheet keeps focus inside and gives it back; the profile dialog renames them for
 * everyone. Screenshot: test-output/a11y-outline-mode.png.
 */
import { expect, it } from "vitest";
import type { Page } from "playwright-core";
import { joinAs, walkTo } from "../../server/test/harness.ts";
import { isWalkable } from "../../shared/grid.ts";
import { chebyshev } from "../../shared/grid.ts";
import { areaAt } from "../../shared/map.ts";
import { findPath } from "../../shared/pathfinding.ts";
import { compileWorld } from "../../shared/world.ts";
import { until } from "../../shared/testing/wait.ts";
import { OUT, useBrowserWorld } from "./browserHarness.ts";
import { liveText, newPage, placed, seriousViolations, sessionIdOf } from "./a11yHelpers.ts";

const world = useBrowserWorld();
const SPACE = "kb-office";

/** Presses Tab until `selector` has focus (at most `max` times); fails if it never does. */
async function tabTo(page: Page, selector: string, max = 60): Promise<void> {
  for (let i = 0; i < max; i++) {
    if (await page.evaluate((s) => document.activeElement?.matches(s) ?? false, selector)) return;
    await page.keyboard.press("Tab");
  }
  throw new Error(`Tab never reached ${selector}`);
}

const focused = (page: Page) => page.evaluate(() => {
  const a = document.activeElement as HTMLElement | null;
  return { label: a?.getAttribute("aria-label") ?? a?.textContent ?? "", inDialog: a?.closest("dialog[open]") !== null, outline: a ? getComputedStyle(a).outlineStyle : "none" };
});

it("keyboard only: landing → name → outline → “Walk me to Bo” → talking with Bo", async () => {
  // Bo is in the space, standing well away from every spawn point (no conversation on arrival).
  const bo = await joinAs(world.server, SPACE, "Bo");
  const loaded = (await world.server.directory.load(SPACE))!;
  const map = compileWorld(loaded.base, loaded.content);
  const from = { x: bo.state.avatars.get(bo.sessionId)!.x, y: bo.state.avatars.get(bo.sessionId)!.y };
  const far = (t: { x: number; y: number }) => map.spawns.every((s) => chebyshev(s, t) >= 9);
  let spot: { x: number; y: number } | undefined;
  for (let r = 9; r < 16 && !spot; r++) for (let dy = -r; dy <= r && !spot; dy++) for (let dx = -r; dx <= r && !spot; dx++) {
    const t = { x: from.x + dx, y: from.y + dy };
    if (isWalkable(map, t.x, t.y) && far(t) && !areaAt(map, t.x, t.y) && findPath(map, from, t).length > 0) spot = t;
  }
  expect(spot).toBeDefined();
  await walkTo(bo, map, spot!.x, spot!.y);

  const page = await newPage(world.browser);
  await page.goto(`${world.server.url}/`);
  await page.waitForSelector(".auth-card");
  await tabTo(page, "#paste");
  await page.keyboard.type(SPACE);
  await page.keyboard.press("Enter");
  await page.waitForFunction(() => document.activeElement?.id === "name");
  await page.keyboard.type("Kim");
  await page.keyboard.press("Enter");
  await placed(page);
  const kimId = await sessionIdOf(page);
  expect(await page.evaluate(() => (window as unknown as { __plaza: { peers(): string[] } }).__plaza.peers())).toEqual([]);

  // The first Tab lands on the skip link; Enter opens the outline and puts focus on it.
  await page.keyboard.press("Tab");
  expect(await page.evaluate(() => document.activeElement?.className)).toBe("skip-link");
  await page.keyboard.press("Enter");
  await page.waitForFunction(() => document.activeElement?.id === "plaza-outline");
  await page.waitForSelector('.outline button[aria-label="Walk me to Bo"]');
  await tabTo(page, '.outline button[aria-label="Walk me to Bo"]');
  expect((await focused(page)).outline).not.toBe("none"); // visible focus
  await page.keyboard.press("Enter");
  await until(() => page.evaluate((id) => (window as unknown as { __plaza: { peers(): string[] } }).__plaza.peers().includes(id), bo.sessionId), "Kim walked into a conversation with Bo", 30_000);
  await until(async () => (await liveText(page)).includes("You are talking with Bo"), "the conversation announced");
  await page.waitForSelector(".outline .conversation.mine");
  await page.screenshot({ path: `${OUT}a11y-outline-mode.png` });
  expect(await seriousViolations(page), "axe, in a conversation (A/V dock shown)").toEqual([]);

  // `?`: the help sheet takes focus, keeps it inside while tabbing, and gives it back on Escape.
  const before = await focused(page);
  await page.keyboard.press("?");
  await page.waitForSelector("dialog.help-sheet[open]");
  for (let i = 0; i < 4; i++) {
    expect((await focused(page)).inDialog).toBe(true);
    await page.keyboard.press("Tab");
  }
  await page.keyboard.press("Escape");
  await page.waitForSelector("dialog.help-sheet", { state: "detached" });
  expect((await focused(page)).label).toBe(before.label);

  // P: a new name, seen by Bo at once (UX15).
  await page.keyboard.press("p");
  await page.waitForFunction(() => document.activeElement?.id === "profile-name");
  await page.keyboard.press("Control+A");
  await page.keyboard.type("Kim Lee");
  await page.keyboard.press("Enter");
  await until(() => bo.state.people.get(kimId)?.name === "Kim Lee", "Bo sees Kim's new name");
  expect(await page.locator(".profile-button").innerText()).toBe("You: Kim Lee");
  await bo.leave();
  await page.context().close();
}, 90_000);
