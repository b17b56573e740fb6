/**
 * Password reset as people meet it (SPEC AC6, AC8), in real Chromium pages against a real server
 * that mails through a real SMTP server (smtp-server on a free loopback port): Gil forgets his
 * password, asks for a link on the sign-in card, opens the link from the email, is told off for a
 * mismatch, sets a new password and lands signed in on his dashboard, while his other session is
 * over; the same link then says it was used. And an owner hands a member a link from Settings →
 * Members (copy button), which the member opens to choose a password. Screenshots:
 * test-output/reset-*.png.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Page } from "playwright-core";
import { api, until } from "../../server/test/harness.ts";
import { startTestSmtp, type TestSmtp } from "../../server/test/smtp.ts";
import { OUT, useBrowserWorld } from "./browserHarness.ts";

const PUBLIC_URL = "https://plaza.example.test";
const PASSWORD = "correct horse battery";
let smtp: TestSmtp;
const serverOptions: Parameters<typeof useBrowserWorld>[1] = { PLAZA_AUTO_SPACES: false, PUBLIC_URL };

// The SMTP server first: the Plaza server (useBrowserWorld's beforeAll, registered after) mails through it.
beforeAll(async () => {
  smtp = await startTestSmtp();
  serverOptions.SMTP_URL = smtp.url;
});
afterAll(async () => {
  await smtp?.close();
});
const world = useBrowserWorld([], serverOptions);

async function newPage(width = 1280, height = 800): Promise<Page> {
  const ctx = await world.browser.newContext({ viewport: { width, height } });
  await ctx.grantPermissions(["clipboard-read", "clipboard-write"], { origin: world.server.url });
  const page = await ctx.newPage();
  page.on("pageerror", (e) => console.error("page error:", e.message));
  return page;
}

const shot = (page: Page, name: string) => page.screenshot({ path: `${OUT}reset-${name}.png` });

async function signUp(name: string) {
  const email = `${name.toLowerCase()}-${process.pid}-${Date.now()}@example.test`;
  const r = await api(world.server, "POST", "/api/auth/signup", { email, password: PASSWORD, name });
  expect(r.status).toBe(201);
  return { email, name, id: r.body.user.id as string, token: r.body.token as string };
}

/** The link in the newest email to `email`, moved onto the test server's origin. */
async function linkFromEmail(email: string): Promise<string> {
  await until(() => smtp.received.some((m) => m.to.includes(email)), `reset email to ${email}`);
  const mail = smtp.received.filter((m) => m.to.includes(email)).at(-1)!;
  const link = mail.text.match(/https:\/\/plaza\.example\.test\/reset#\S+/)?.[0];
  if (!link) throw new Error(`no link in: ${mail.text}`);
  return link.replace(PUBLIC_URL, world.server.url);
}

/** Types a password twice on the reset page and sends it, as a person would. */
async function choosePassword(page: Page, password: string, confirm = password) {
  await page.fill("#reset-password", password);
  await page.fill("#reset-confirm", confirm);
  await page.click(".reset-card button.primary");
}

/** The dashboard of `name`, signed in. */
async function signedInAs(page: Page, name: string) {
  await page.waitForSelector(".dash h1 >> text=My spaces");
  await expect(page.locator(".topnav .user-name").textContent()).resolves.toBe(name);
}

describe("password reset (browser)", () => {
  it("AC6 forgot → email → link → new password → signed in; the old session is over and the link is spent", async () => {
    const gil = await signUp("Gil");
    const page = await newPage(390, 844);
    await page.goto(`${world.server.url}/`);
    await page.click('.auth-card [data-mode="signin"]');
    await page.fill("#auth-email", gil.email);
    await shot(page, "0-sign-in");
    await page.click(".auth-card .forgot-link");
    await expect(page.inputValue("#forgot-email")).resolves.toBe(gil.email);
    await page.click(".forgot button.primary");
    const sent = page.locator(".forgot .sent");
    await sent.waitFor();
    await expect(sent.textContent()).resolves.toContain(`If an account uses ${gil.email}, a link to choose a new password is on its way.`);
    await shot(page, "1-link-sent");

    const link = await linkFromEmail(gil.email);
    await page.goto(link);
    await page.waitForSelector(".reset-card #reset-password");
    // The token left the address bar at once.
    expect(new URL(page.url()).hash).toBe("");
    await expect(page.locator(".reset-card .tagline").textContent()).resolves.toContain(`For ${gil.email}.`);
    await choosePassword(page, "a new passphrase", "a new passphrase!");
    await page.locator("#reset-confirm-error", { hasText: /^The two passwords are not the same\.$/ }).waitFor();
    await choosePassword(page, "short");
    await page.locator("#reset-password-error", { hasText: /^At least 8 characters$/ }).waitFor();
    await shot(page, "2-weak-password");

    await choosePassword(page, "a new passphrase");
    await signedInAs(page, "Gil");
    await shot(page, "3-signed-in");
    expect((await api(world.server, "GET", "/api/me", undefined, gil.token)).status).toBe(401);
    expect((await api(world.server, "POST", "/api/auth/login", { email: gil.email, password: "a new passphrase" })).status).toBe(200);

    // The same link again: spent, and "Ask for a new link" leads to the form.
    const again = await newPage(390, 844);
    await again.goto(link);
    await choosePassword(again, "a third passphrase");
    // The answer comes from the server: wait for it rather than read the heading at once.
    await again.locator(".reset-card h1", { hasText: /^This link was already used$/ }).waitFor();
    await shot(again, "4-link-used");
    await again.click(".reset-card .new-link");
    await again.waitForSelector("#forgot-email");
  });

  it("AC8 an owner copies a reset link for a member in Settings; the member sets a password with it", async () => {
    const owner = await signUp("Hana");
    const member = await signUp("Ivo");
    const spaceId = `reset-${process.pid}-${Date.now()}`;
    expect((await api(world.server, "POST", "/api/spaces", { id: spaceId, name: "Reset office", template: "small-office" }, owner.token)).status).toBe(201);
    const invite = await api(world.server, "POST", `/api/spaces/${spaceId}/invites`, { role: "member" }, owner.token);
    expect((await api(world.server, "POST", `/api/invites/${invite.body.code}/accept`, {}, member.token)).status).toBe(200);

    const page = await newPage();
    await page.goto(`${world.server.url}/`);
    await page.evaluate((s) => localStorage.setItem("plaza.session", JSON.stringify(s)), { token: owner.token, user: { id: owner.id, email: owner.email, name: owner.name, guest: false } });
    await page.goto(`${world.server.url}/s/${spaceId}/settings`);
    const row = page.locator(`.member-list li[data-user="${member.id}"]`);
    await row.locator(".reset-link-button").click();
    const box = page.locator(`.member-list li.reset-link-row[data-user="${member.id}"]`);
    await box.waitFor();
    // No button for the owner's own row.
    await expect(page.locator(`.member-list li[data-user="${owner.id}"] .reset-link-button`).count()).resolves.toBe(0);
    await box.locator(".copy").click();
    await box.locator(".copy", { hasText: /^Copied$/ }).waitFor();
    const copied = await page.evaluate(() => navigator.clipboard.readText());
    expect(copied).toBe(await box.locator(".reset-url").inputValue());
    expect(copied.startsWith(`${world.server.url}/reset#`)).toBe(true);
    await shot(page, "5-settings-link");

    const ivo = await newPage(390, 844);
    await ivo.goto(copied);
    await choosePassword(ivo, "ivo's own passphrase");
    await signedInAs(ivo, "Ivo");
    await shot(ivo, "6-member-signed-in");
  });
});
