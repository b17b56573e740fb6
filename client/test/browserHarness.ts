/**
 * Shared set-up for browser tests: a real Plaza server on 127.0.0.1:0 and headless Chromium from
 * Debian (the flags a closed-network sandbox needs), plus where screenshots go. Each test file calls
 * `useBrowserWorld()` once and gets fresh objects in its hooks.
 */
import { afterAll, beforeAll } from "vitest";
import { chromium, type Browser, type Page } from "playwright-core";
import { existsSync, mkdirSync } from "node:fs";
import { startTestServer } from "../../server/test/harness.ts";
import { CLIENT_DIST } from "../../server/src/http/api.ts";
import type { PlazaProcess } from "../../server/src/app.ts";

/** Screenshots for a person to look at (git-ignored). */
export const OUT = new URL("../../test-output/", import.meta.url).pathname;

const CHROMIUM_ARGS = [
  "--no-sandbox", "--headless", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
  "--disable-sync", "--no-first-run", "--disable-quic",
];
/** Fake camera and microphone, granted without a prompt (WebRTC tests). */
export const FAKE_MEDIA_ARGS = ["--use-fake-device-for-media-stream", "--use-fake-ui-for-media-stream"];

export interface BrowserWorld { server: PlazaProcess; browser: Browser }

/** `server`: options for the test server, e.g. `{ PLAZA_AUTO_SPACES: false }` where spaces must be created first. */
export function useBrowserWorld(extraArgs: string[] = [], server: Parameters<typeof startTestServer>[0] = {}): BrowserWorld {
  const world = {} as BrowserWorld;
  beforeAll(async () => {
    if (!existsSync(`${CLIENT_DIST}index.html`)) throw new Error("client not built: run `npm run build` first (npm test does)");
    mkdirSync(OUT, { recursive: true });
    world.server = await startTestServer(server);
    world.browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium", args: [...CHROMIUM_ARGS, ...extraArgs] });
  });
  afterAll(async () => {
    await world.browser?.close();
    await world.server?.close();
  });
  return world;
}

/** Fills and sends the auth card's sign-up form (landing page or invite page), as a person would. */
export async function signUpInPage(page: Page, name: string, email: string, password = "correct horse battery") {
  await page.click('.auth-card [data-mode="signup"]');
  await page.fill("#auth-name", name);
  await page.fill("#auth-email", email);
  await page.fill("#auth-password", password);
  await page.click(".auth-form button.primary");
}
