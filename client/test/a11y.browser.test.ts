/**
 * Accessibility and comfort in real pages (SPEC UX10–UX15): axe-core finds no serious or critical
 * violation on the landing page, the dashboard, a space (outline open), its settings and its
 * insights, in the light and the dark theme; the live region says who joined and left; the theme
 * follows the device until the person picks one, and the choice sticks; reduced motion snaps
 * avatars. Screenshots: test-output/a11y-*.png (light, dark, outline mode, help sheet).
 */
import { beforeAll, describe, expect, it } from "vitest";
import type { Page } from "playwright-core";
import { createSpace, joinAs, signUp, type TestUser } from "../../server/test/harness.ts";
import { until } from "../../shared/testing/wait.ts";
import { OUT, useBrowserWorld } from "./browserHarness.ts";
import { send } from "../../shared/net/typedRoom.ts";
import { enterSpace, liveText, newPage, seriousViolations, personKeyOf } from "./a11yHelpers.ts";

const world = useBrowserWorld([], { PLAZA_AUTO_SPACES: false });
const SPACE = "a11y-office";
let owner: TestUser;

beforeAll(async () => {
  owner = await signUp(world.server, "Olive");
  await createSpace(world.server, owner, SPACE, { visibility: "public" });
});

/** Signs the page in as the owner the way the app does (client/src/net/session.ts). */
async function signIn(page: Page) {
  await page.goto(`${world.server.url}/`);
  const session = JSON.stringify({ token: owner.token, user: { id: owner.id, email: null, name: owner.name, guest: false } });
  await page.evaluate((s) => localStorage.setItem("plaza.session", s), session);
}

const audit = async (page: Page, where: string) => {
  const found = await seriousViolations(page);
  expect(found, `${where}: ${JSON.stringify(found, null, 1)}`).toEqual([]);
};

describe("axe audits (UX12)", () => {
  for (const colorScheme of ["light", "dark"] as const) {
    it(`no serious or critical violations on landing, dashboard, space, settings and insights (${colorScheme})`, async () => {
      const page = await newPage(world.browser, { colorScheme });
      await page.goto(`${world.server.url}/`);
      await page.waitForSelector(".auth-card");
      expect(await page.evaluate(() => document.documentElement.dataset.theme)).toBe(colorScheme); // follows the device
      await audit(page, "landing");

      await signIn(page);
      await page.goto(`${world.server.url}/`);
      await page.waitForSelector(".space-card");
      await audit(page, "dashboard");

      await page.goto(`${world.server.url}/s/${SPACE}/settings`);
      await page.waitForSelector(".panel.comfort");
      await page.waitForLoadState("networkidle");
      await audit(page, "settings");

      await page.goto(`${world.server.url}/s/${SPACE}/insights`);
      await page.waitForSelector(".insights-message");
      await page.waitForFunction(() => document.querySelector(".insights-message")?.textContent !== "Loading…");
      await audit(page, "insights");

      await enterSpace(page, world.server.url, SPACE, "Olive");
      await page.keyboard.press("o");
      await page.waitForSelector(".outline:not([hidden]) .place");
      await audit(page, "space with the outline open");
      await page.screenshot({ path: `${OUT}a11y-space-${colorScheme}.png` });
      await page.keyboard.press("?");
      await page.waitForSelector("dialog.help-sheet[open]");
      await audit(page, "help sheet");
      if (colorScheme === "dark") await page.screenshot({ path: `${OUT}a11y-help-sheet.png` });
      await page.context().close();
    }, 90_000);
  }
});

describe("live region (UX11)", () => {
  it("says who joined and who left the space; a direct message is read at once", async () => {
    const page = await newPage(world.browser);
    await enterSpace(page, world.server.url, SPACE, "Ana");
    await page.waitForFunction(() => document.querySelector(".live-polite") !== null);
    const bo = await joinAs(world.server, SPACE, "Bo");
    await until(async () => (await liveText(page)).includes("Bo joined the space"), "Bo's arrival announced");
    const anaId = await personKeyOf(page);
    send(bo, "chat", { scope: "dm", to: anaId, text: "lunch?" });
    await until(async () => (await liveText(page, true)).includes("Message from Bo: lunch?"), "the DM read out (assertive)");
    await bo.leave();
    await until(async () => (await liveText(page)).includes("Bo left the space"), "Bo's departure announced");
    expect(await page.locator(".live-polite").getAttribute("aria-live")).toBe("polite");
    expect(await page.locator(".live-urgent").getAttribute("aria-live")).toBe("assertive");
    await page.context().close();
  }, 60_000);
});

describe("comfort settings (UX13)", () => {
  it("switches theme with the keyboard, keeps it after a reload, and reduced motion follows the device", async () => {
    const page = await newPage(world.browser, { colorScheme: "dark", reducedMotion: "reduce" });
    await enterSpace(page, world.server.url, SPACE, "Theo");
    const theme = () => page.evaluate(() => ({ theme: document.documentElement.dataset.theme, bg: getComputedStyle(document.body).backgroundColor }));
    const dark = await theme();
    expect(dark.theme).toBe("dark");
    expect(await page.evaluate(() => document.documentElement.dataset.motion)).toBe("reduce");
    await page.keyboard.press("c");
    await page.waitForSelector("dialog.comfort-dialog[open]");
    await page.locator("dialog.comfort-dialog label", { hasText: "Light" }).locator("input").focus();
    await page.keyboard.press("Space");
    await until(async () => (await theme()).theme === "light", "light theme applied");
    await page.screenshot({ path: `${OUT}a11y-comfort-dialog-light.png` });
    const light = await theme();
    expect(light.bg).not.toBe(dark.bg);
    await page.keyboard.press("Escape");
    await page.waitForSelector("dialog.comfort-dialog", { state: "detached" });
    await page.screenshot({ path: `${OUT}a11y-space-light-picked.png` });
    await page.reload();
    await page.waitForSelector("canvas.world");
    expect((await theme()).theme).toBe("light");
    await page.context().close();
  }, 60_000);
});
