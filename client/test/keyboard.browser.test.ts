/**
 * A keyboard-only person (SPEC UX10, UX12, UX15), with nothing but key presses in a real Chromium:
 * from the landing page they paste a space's address, give their name, skip to the outline, find
 * Bo there (too far away to be seen, so the room is asked where he is) and press "Walk me to Bo" —
 * and end up in a conversation with him, which the live region
 * says. The help sheet keeps focus inside and gives it back; the profile dialog renames them for
 * everyone. Screenshot: test-output/a11y-outline-mode.png.
 */
import { beforeAll, expect, it } from "vitest";
import type { Page } from "playwright-core";
import { createSpace, joinAs, signUp, walkTo } from "../../server/test/harness.ts";
import { isWalkable } from "../../shared/grid.ts";
import { chebyshev } from "../../shared/grid.ts";
import { areaAt } from "../../shared/map.ts";
import { findPath } from "../../shared/pathfinding.ts";
import { compileWorld } from "../../shared/world.ts";
import { until } from "../../shared/testing/wait.ts";
import { OUT, useBrowserWorld } from "./browserHarness.ts";
import { liveText, newPage, placed, seriousViolations, personKeyOf } from "./a11yHelpers.ts";
import { selfOf } from "../../shared/net/typedRoom.ts";

// A large public office, so that Bo can stand out of Kim's view (spaces exist only when created).
const world = useBrowserWorld([], { PLAZA_AUTO_SPACES: false });
const SPACE = "kb-office";
/** Far enough that Kim's view cannot hold Bo: the interest radius from the cell's centre (IM1, IM7) and then some. */
const OUT_OF_VIEW = 26;

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

beforeAll(async () => {
  await createSpace(world.server, await signUp(world.server, "Olive"), SPACE, { visibility: "public", template: "open-plan" });
});

it("keyboard only: landing → name → outline → “Walk me to Bo” → talking with Bo", async () => {
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
  const kimId = await personKeyOf(page);
  const kim = (await page.evaluate(() => (window as unknown as { __plaza: { pose(): { x: number; y: number } } }).__plaza.pose()))!;

  // Bo arrives and walks far away, out of Kim's view (IM1).
  const bo = await joinAs(world.server, SPACE, "Bo");
  const loaded = (await world.server.directory.load(SPACE))!;
  const map = compileWorld(loaded.base, loaded.content);
  const from = { x: bo.state.avatars.get(selfOf(bo))!.x, y: bo.state.avatars.get(selfOf(bo))!.y };
  const spotAt = (min: number, max: number) => {
    for (let r = min; r <= max; r++) for (let dy = -r; dy <= r; dy++) for (let dx = -r; dx <= r; dx++) {
      const t = { x: kim.x + dx, y: kim.y + dy };
      if (chebyshev(t, kim) === r && isWalkable(map, t.x, t.y) && !areaAt(map, t.x, t.y) && findPath(map, from, t).length > 0) return t;
    }
    return undefined;
  };
  const spot = spotAt(OUT_OF_VIEW, 60);
  expect(spot).toBeDefined();
  await walkTo(bo, map, spot!.x, spot!.y);

  // The first Tab lands on the skip link; Enter opens the outline and puts focus on it.
  await page.keyboard.press("Tab");
  expect(await page.evaluate(() => document.activeElement?.className)).toBe("skip-link");
  await page.keyboard.press("Enter");
  await page.waitForFunction(() => document.activeElement?.id === "plaza-outline");
  await page.waitForSelector('.outline button[aria-label="Walk me to Bo"]');
  await until(() => page.evaluate((id) => (window as unknown as { __plaza: { peers(): string[] } }).__plaza.peers().includes(id), selfOf(bo)).then((p) => !p), "not talking with Bo yet");
  // Out of view, Bo is listed "farther away" and walking there asks the room where he is (LO1).
  await page.waitForSelector('.outline .place-far button[aria-label="Walk me to Bo"]');
  await tabTo(page, '.outline button[aria-label="Walk me to Bo"]');
  expect((await focused(page)).outline).not.toBe("none"); // visible focus
  await page.keyboard.press("Enter");
  await until(() => page.evaluate((id) => (window as unknown as { __plaza: { peers(): string[] } }).__plaza.peers().includes(id), selfOf(bo)), "Kim walked into a conversation with Bo", 30_000);
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
