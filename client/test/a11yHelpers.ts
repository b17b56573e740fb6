/**
 * What the accessibility browser tests share: axe-core injected into a page (the npm package's own
 * bundle), the serious and critical violations it finds, entering a space as a person does, and
 * reading the live regions.
 */
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import type { Browser, BrowserContextOptions, Page } from "playwright-core";

const AXE = readFileSync(createRequire(import.meta.url).resolve("axe-core/axe.min.js"), "utf8");

export interface Violation { id: string; impact: string; help: string; nodes: string[] }

/** axe's serious and critical violations on the page as it is now (WCAG 2.x A and AA rules, best practices). */
export async function seriousViolations(page: Page): Promise<Violation[]> {
  if (!(await page.evaluate(() => "axe" in window))) await page.addScriptTag({ content: AXE });
  return page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run(ctx: Document, opts: object): Promise<{ violations: Array<{ id: string; impact: string; help: string; nodes: Array<{ target: string[] }> }> }> } }).axe;
    const r = await axe.run(document, { resultTypes: ["violations"] });
    return r.violations.filter((v) => v.impact === "serious" || v.impact === "critical")
      .map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.slice(0, 5).map((n) => n.target.join(" ")) }));
  });
}

export async function newPage(browser: Browser, opts: BrowserContextOptions = {}): Promise<Page> {
  const ctx = await browser.newContext({ viewport: { width: 1280, height: 800 }, ...opts });
  const page = await ctx.newPage();
  page.on("pageerror", (e) => console.error("page error:", e.message));
  return page;
}

export const placed = (page: Page) => page.waitForFunction(() => (window as unknown as { __plaza?: { pose(): unknown } }).__plaza?.pose() !== undefined, null, { timeout: 15_000 });

/** Opens a space, passes the name step with `name` and waits until the avatar is placed. */
export async function enterSpace(page: Page, base: string, space: string, name: string): Promise<void> {
  await page.goto(`${base}/s/${space}`);
  await page.fill("#name", name);
  await page.click("button.primary");
  await placed(page);
}

/** Everything the polite (or urgent) live region holds now. */
export const liveText = (page: Page, urgent = false) => page.locator(urgent ? ".live-urgent" : ".live-polite").innerText();

export const personKeyOf = (page: Page) => page.evaluate(() => (window as unknown as { __plaza: { self: string } }).__plaza.self);
