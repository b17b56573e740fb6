/**
 * Accounts, private spaces, invite links and roles as people see them (SPEC AU/AZ), in real
 * Chromium pages against a real server: Ada signs up and creates a private space from a template;
 * she invites Bob (member link: he signs up and accepts) and Cleo (guest link: name only); Dan is
 * signed in but not a member and Eve is signed out, and both get a readable page saying why they
 * can't enter. Ada makes Bob a builder in settings. Screenshots: test-output/accounts-*.png.
 */
import { describe, expect, it } from "vitest";
import type { Page } from "playwright-core";
import { OUT, signUpInPage as signUp, useBrowserWorld } from "./browserHarness.ts";

// Spaces exist only when someone creates them (no PLAZA_AUTO_SPACES), as in production, so that
// unknown and deleted spaces are really unknown.
const world = useBrowserWorld([], { PLAZA_AUTO_SPACES: false });

async function newPage(): Promise<Page> {
  const ctx = await world.browser.newContext({ viewport: { width: 1280, height: 800 } });
  const page = await ctx.newPage();
  page.on("pageerror", (e) => console.error("page error:", e.message));
  return page;
}

const shot = (page: Page, name: string) => page.screenshot({ path: `${OUT}accounts-${name}.png` });

/** The name/look step, then the space: its canvas is on screen and the room has placed us. */
async function enter(page: Page, spaceId: string, expectName: string) {
  await page.waitForURL(new RegExp(`/s/${spaceId}$`));
  await page.waitForSelector("#name");
  expect(await page.inputValue("#name")).toBe(expectName);
  await page.click("button.primary");
  await page.waitForSelector("canvas.world", { state: "visible" });
  await page.waitForFunction(() => (window as { __plaza?: { pose(): unknown } }).__plaza?.pose() !== undefined, null, { timeout: 15_000 });
}

describe("accounts, private spaces and invites (browser)", () => {
  it("sign up, create a private space, invite a member and a guest, keep strangers out, change a role", async () => {
    const base = world.server.url;

    // Ada: the signed-out landing, sign up, an empty dashboard.
    const ada = await newPage();
    await ada.goto(`${base}/`);
    await ada.waitForSelector(".auth-card");
    await shot(ada, "0-landing");
    await signUp(ada, "Ada", "ada@example.com");
    await ada.waitForSelector(".dash h1 >> text=My spaces");
    await ada.waitForSelector(".new-space .template");
    await expect(ada.locator(".topnav .user-name").textContent()).resolves.toBe("Ada");
    await shot(ada, "1-dashboard-empty");

    // A private space from a template.
    await ada.fill("#new-space-name", "Design Studio");
    await ada.click('.new-space [data-template="small-office"]');
    await expect(ada.locator('.new-space input[value="private"]').isChecked()).resolves.toBe(true);
    await ada.click(".new-space button.primary");
    await ada.waitForURL(/\/s\/[a-z0-9-]+$/);
    const spaceId = new URL(ada.url()).pathname.split("/")[2];
    await ada.waitForSelector("#name");
    await shot(ada, "2-join-step");
    await enter(ada, spaceId, "Ada");
    await shot(ada, "3-in-space");

    // The dashboard lists it with Ada's role and its visibility.
    await ada.goto(`${base}/`);
    const card = ada.locator(`.space-card[data-space="${spaceId}"]`);
    await card.waitFor();
    await expect(card.locator("h3").textContent()).resolves.toBe("Design Studio");
    await expect(card.locator(".badge-role").textContent()).resolves.toBe("owner");
    await expect(card.locator(".badge-vis").textContent()).resolves.toBe("private");
    await shot(ada, "4-dashboard");

    // Settings: a guest link and a member link.
    await card.locator("a >> text=Settings").click();
    await ada.waitForURL(new RegExp(`/s/${spaceId}/settings$`));
    await ada.waitForSelector(".invites .invite-form");
    const createLink = async (role: string) => {
      await ada.selectOption("#invite-role", role);
      await ada.click(".invite-form button.primary-small");
      const row = ada.locator(`.invite-list li.fresh[data-role="${role}"]`);
      await row.waitFor();
      return row.locator(".invite-url").inputValue();
    };
    const guestLink = await createLink("guest");
    await ada.fill("#invite-expiry", "7");
    const memberLink = await createLink("member");
    expect(guestLink).toMatch(/\/i\/[A-Za-z0-9_-]+$/);
    expect(memberLink).toMatch(/\/i\/[A-Za-z0-9_-]+$/);
    expect(memberLink).not.toBe(guestLink);
    await expect(ada.locator('.invite-list li[data-role="member"] .meta').textContent()).resolves.toMatch(/expires in 7 days/);
    await shot(ada, "5-settings");

    // Bob: opens the member link, signs up there, accepts, enters.
    const bob = await newPage();
    await bob.goto(memberLink);
    await bob.waitForSelector(".invite-card h1 >> text=Join Design Studio");
    await expect(bob.locator(".invite-card .badge-role").textContent()).resolves.toBe("member");
    await expect(bob.locator("#guest-name").count()).resolves.toBe(0); // member links need an account
    await shot(bob, "6-invite-member");
    await signUp(bob, "Bob", "bob@example.com");
    await enter(bob, spaceId, "Bob");
    await bob.context().close(); // each open space draws every frame: keep the machine free for the rest

    // Cleo: opens the guest link and continues as a guest with a name.
    const cleo = await newPage();
    await cleo.goto(guestLink);
    await cleo.waitForSelector("#guest-name");
    await cleo.fill("#guest-name", "Cleo");
    await shot(cleo, "7-invite-guest");
    await cleo.click(".guest-form button");
    await enter(cleo, spaceId, "Cleo");
    await cleo.context().close();

    // Dan: signed in, not a member.
    const dan = await newPage();
    await dan.goto(`${base}/`);
    await dan.waitForSelector(".auth-card");
    await signUp(dan, "Dan", "dan@example.com");
    await dan.waitForSelector(".dash h1 >> text=My spaces");
    await dan.goto(`${base}/s/${spaceId}`);
    await dan.waitForSelector(`.message-card >> text=You are not a member of ${spaceId}. Ask an admin for an invite link.`);
    await expect(dan.locator("canvas.world").count()).resolves.toBe(0);
    await shot(dan, "8-not-a-member");
    // Insights use the session too: Dan is told who may see them.
    await dan.goto(`${base}/s/${spaceId}/insights`);
    await dan.waitForSelector(".insights-message >> text=/owners and admins/");

    // Eve: signed out; the page says why and offers sign-in in place, which then continues inside.
    const eve = await newPage();
    await eve.goto(`${base}/s/${spaceId}`);
    await eve.waitForSelector(".message-card >> text=This space is private. Sign in to enter.");
    await expect(eve.locator("canvas.world").count()).resolves.toBe(0);
    await shot(eve, "9-private");
    await eve.fill("#auth-email", "bob@example.com");
    await eve.fill("#auth-password", "correct horse battery");
    await eve.click(".auth-form button.primary");
    await eve.waitForSelector("#name");
    expect(await eve.inputValue("#name")).toBe("Bob");

    // Ada makes Bob a builder; after a reload the members list still says so.
    await ada.reload();
    const bobRow = ada.locator(".member-list li", { hasText: "bob@example.com" });
    await bobRow.locator("select.role-select").waitFor();
    // Ada (owner) cannot change her own role; guests and members are listed with her.
    await expect(ada.locator(".member-list li", { hasText: "ada@example.com" }).locator("select").count()).resolves.toBe(0);
    await expect(ada.locator(".member-list li", { hasText: "Cleo" }).locator(".email").textContent()).resolves.toBe("guest");
    await bobRow.locator("select.role-select").selectOption("builder");
    await ada.waitForFunction(() => {
      const s = [...document.querySelectorAll(".member-list li")].find((li) => li.textContent?.includes("bob@example.com"))?.querySelector("select");
      return s instanceof HTMLSelectElement && s.value === "builder" && !s.disabled;
    });
    await ada.reload();
    await bobRow.locator("select.role-select").waitFor();
    await expect(bobRow.locator("select.role-select").inputValue()).resolves.toBe("builder");
    await shot(ada, "10-members");

    // Ada deletes the space (typing its id to confirm); its links and address stop working.
    await ada.click(".danger button.danger-button");
    await ada.fill("#delete-confirm", spaceId);
    await shot(ada, "11-delete-confirm");
    await ada.click(".confirm-delete button.danger-button");
    await ada.waitForURL(`${base}/`);
    await ada.waitForSelector(".dash .empty");
    await dan.goto(`${base}/s/${spaceId}`);
    await dan.waitForSelector(`.message-card >> text=No space called ${spaceId}`);
    await shot(dan, "12-unknown-space");
    await dan.goto(memberLink);
    await dan.waitForSelector(".message-card >> text=This invite link is not valid");

    for (const p of [ada, dan, eve]) await p.context().close();
  }, 120_000);

  it("sign-up problems are shown beside the field they are about", async () => {
    const page = await newPage();
    await page.goto(`${world.server.url}/`);
    await page.waitForSelector(".auth-card");
    await page.fill("#auth-name", "Gil");
    await page.fill("#auth-email", "not-an-email");
    await page.fill("#auth-password", "short");
    await page.click(".auth-form button.primary");
    await page.waitForSelector("#auth-email-error >> text=/email/i");
    await page.waitForSelector("#auth-password-error >> text=/8 characters/");
    // Taken email: the server's own message (409), under the email field.
    await page.fill("#auth-email", "gil@example.com");
    await page.fill("#auth-password", "long enough password");
    await page.click(".auth-form button.primary");
    await page.waitForSelector(".dash h1 >> text=My spaces");
    await page.click(".topnav .sign-out");
    await page.waitForSelector(".auth-card");
    await page.fill("#auth-name", "Gil again");
    await page.fill("#auth-email", "GIL@example.com");
    await page.fill("#auth-password", "long enough password");
    await page.click(".auth-form button.primary");
    await page.waitForSelector("#auth-email-error >> text=/exists|taken/i");
    await shot(page, "14-signup-errors");
    // Wrong password on sign-in: a general message.
    await page.click('.auth-card [data-mode="signin"]');
    await page.fill("#auth-email", "gil@example.com");
    await page.fill("#auth-password", "wrong password");
    await page.click(".auth-form button.primary");
    await page.waitForSelector(".auth-form .form-error >> text=/wrong email or password/i");
    await page.context().close();
  });

  it("importing a Tiled map: a bad file gets the API's message, a good one becomes a space", async () => {
    const page = await newPage();
    await page.goto(`${world.server.url}/`);
    await page.waitForSelector(".auth-card");
    await signUp(page, "Hal", "hal@example.com");
    await page.waitForSelector(".import-space summary");
    await page.click(".import-space summary");
    await page.fill("#import-name", "Imported HQ");
    const maps = new URL("../../shared/maps/", import.meta.url).pathname;
    // Valid JSON but not a map: refused by the server (422) with a message saying why.
    await page.setInputFiles("#import-files", [new URL("../../package.json", import.meta.url).pathname, `${maps}office-tiles.png`]);
    await page.click(".import-space button.primary");
    await page.waitForSelector(".import-space .form-error:not(:empty)");
    expect(page.url()).toBe(`${world.server.url}/`);
    await shot(page, "15-import-error");
    await page.setInputFiles("#import-files", [`${maps}office.tmj`, `${maps}office-tiles.png`]);
    await page.click(".import-space button.primary");
    // The import report, then in (MP7).
    await page.click(".enter-imported");
    await enter(page, "imported-hq", "Hal");
    await shot(page, "16-imported-space");
    await page.context().close();
  });

  it("a made-up invite link gets a readable page", async () => {
    const page = await newPage();
    await page.goto(`${world.server.url}/i/not-a-real-code-123`);
    await page.waitForSelector(".message-card >> text=This invite link is not valid");
    await shot(page, "13-bad-invite");
    await page.context().close();
  });
});
