/**
 * Chat, status and emotes in real pages (CH1–CH3, ST1): a late joiner sees the earlier space
 * chat, a DM reaches only its recipient, DND shows in the roster, an emote shows over the avatar.
 */
import { expect, it } from "vitest";
import type { Page } from "playwright-core";
import { OUT, useBrowserWorld } from "./browserHarness.ts";

const world = useBrowserWorld();

async function enter(name: string, space: string): Promise<Page> {
  const page = await (await world.browser.newContext({ viewport: { width: 1280, height: 800 } })).newPage();
  await page.goto(`${world.server.url}/s/${space}`);
  await page.fill("#name", name);
  await page.click("button.primary");
  await page.waitForFunction(() => (window as unknown as { __plaza?: { pose(): unknown } }).__plaza?.pose() !== undefined, null, { timeout: 15_000 });
  return page;
}

it("a late joiner sees earlier space chat; DMs stay private; DND and emotes show", async () => {
  const ada = await enter("Ada", "chat-e2e");
  await ada.keyboard.press("Enter");
  await ada.keyboard.type("Good morning, <b>team</b>!");
  await ada.keyboard.press("Enter");
  await ada.waitForSelector(".chat-log li >> text=Good morning");

  const bob = await enter("Bob", "chat-e2e");
  await bob.waitForSelector(".chat-log li >> text=Good morning, <b>team</b>!");
  expect(await bob.locator(".chat-log b").count()).toBe(0); // text, not markup

  const cleo = await enter("Cleo", "chat-e2e");
  // Ada → Bob direct message via the roster.
  await ada.locator(".people li", { hasText: "Bob" }).hover();
  await ada.locator('.people li button[aria-label="Message Bob"]').click();
  await ada.keyboard.type("just for you");
  await ada.keyboard.press("Enter");
  await bob.waitForSelector(".chat-tabs button >> text=@Ada");
  await expect(bob.locator('.chat-tabs button:has-text("@Ada") .badge').textContent()).resolves.toBe("1");
  await cleo.waitForTimeout(300);
  expect(await cleo.locator(".chat-tabs button:has-text('@Ada')").count()).toBe(0);

  await ada.selectOption('select[aria-label="Your status"]', "dnd");
  await bob.waitForSelector('.people li:has-text("Ada") .tag[title="do not disturb"]');
  await ada.keyboard.press("Escape"); // leave the chat input
  await ada.keyboard.press("1"); // wave
  const adaId = await ada.evaluate(() => (window as unknown as { __plaza: { self: string } }).__plaza.self);
  await bob.waitForFunction((id) => (window as unknown as { __plaza: { avatars(): { id: string; emote?: number }[] } }).__plaza.avatars().some((a) => a.id === id && a.emote === 1), adaId);
  await bob.waitForTimeout(400);
  await bob.screenshot({ path: `${OUT}presence-bob.png` });
  await ada.screenshot({ path: `${OUT}presence-ada.png` });
});
