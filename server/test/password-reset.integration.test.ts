/**
 * AC6, AC7 against a real SMTP server (smtp-server on a free loopback port, with a password): a
 * reset email arrives with a link; the link sets a new password once, signs the caller in and ends
 * the account's other sessions; a used, expired or altered link fails with its code; an unknown
 * address gets the very same answer and no email; requests are limited per email and per address.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { PlazaProcess } from "../src/app.ts";
import { PasswordResetLinks } from "../src/auth/passwordReset.ts";
import { openPglite } from "../src/store/pglite.ts";
import type { Store } from "../src/store/Store.ts";
import { ResetErrorCode } from "../../shared/passwordReset.ts";
import { api, startTestServer, until } from "./harness.ts";
import { startTestSmtp, type ReceivedMail, type TestSmtp } from "./smtp.ts";

const SECRET = "reset-test-secret-".padEnd(40, "x");
const PUBLIC_URL = "https://plaza.example.test";
const PASSWORD = "correct horse battery";
const NEW_PASSWORD = "a brand new passphrase";

let smtp: TestSmtp;
let store: Store;
let server: PlazaProcess;
let seq = 0;
/** Each test its own client address (TRUST_PROXY=loopback), so the per-address limit is tested alone. */
let address = 0;

beforeAll(async () => {
  smtp = await startTestSmtp();
  store = await openPglite(undefined);
  server = await startTestServer({
    store, PLAZA_SECRET: SECRET, SMTP_URL: smtp.url, MAIL_FROM: "Plaza <plaza@example.test>", PUBLIC_URL,
    TRUST_PROXY: "loopback", PASSWORD_RESETS_PER_ACCOUNT: 3, PASSWORD_RESETS_PER_ADDRESS: 5,
  });
});

afterAll(async () => {
  await server?.close();
  await store?.close();
  await smtp?.close();
});

async function call(path: string, body: unknown, from: string, token?: string) {
  const res = await fetch(`${server.url}${path}`, {
    method: "POST",
    headers: { "Content-Type": "application/json", "X-Forwarded-For": from, ...(token ? { Authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined };
}

async function newAccount(name: string) {
  const email = `${name.toLowerCase()}-${process.pid}-${++seq}@example.test`;
  const r = await api(server, "POST", "/api/auth/signup", { email, password: PASSWORD, name });
  expect(r.status).toBe(201);
  return { email, token: r.body.token as string, id: r.body.user.id as string };
}

const freshAddress = () => `198.51.100.${++address}`;
const mailTo = (email: string) => smtp.received.filter((m) => m.to.includes(email));

async function resetMail(email: string): Promise<{ mail: ReceivedMail; token: string }> {
  await until(() => mailTo(email).length > 0, `reset email to ${email}`);
  const mail = mailTo(email).at(-1)!;
  const link = mail.text.match(/https:\/\/plaza\.example\.test\/reset#(\S+)/);
  if (!link) throw new Error(`no link in: ${mail.text}`);
  return { mail, token: link[1] };
}

describe("AC6 reset by email", () => {
  it("AC6 the email arrives from MAIL_FROM with a link on PUBLIC_URL; the link sets a new password once and signs in", async () => {
    const ada = await newAccount("Ada");
    const from = freshAddress();
    const asked = await call("/api/auth/forgot", { email: ada.email.toUpperCase() }, from);
    expect(asked.status).toBe(202);
    expect(asked.body.validMinutes).toBe(30);

    const { mail, token } = await resetMail(ada.email);
    expect(mail.from).toBe("plaza@example.test");
    expect(mail.subject).toBe("Reset your Plaza password");
    expect(mail.text).toContain("Hello Ada,");
    expect(mail.html).toContain(`href="${PUBLIC_URL}/reset#${token}"`);
    expect(smtp.refusedLogins).toBe(0);

    const done = await call("/api/auth/reset", { token, password: NEW_PASSWORD }, from);
    expect(done.status).toBe(200);
    expect(done.body.user.email).toBe(ada.email);
    expect((await api(server, "GET", "/api/me", undefined, done.body.token)).status).toBe(200);

    // The new password signs in, the old one no longer does.
    expect((await call("/api/auth/login", { email: ada.email, password: NEW_PASSWORD }, from)).status).toBe(200);
    expect((await call("/api/auth/login", { email: ada.email, password: PASSWORD }, from)).status).toBe(401);

    // Once only.
    const again = await call("/api/auth/reset", { token, password: "yet another passphrase" }, from);
    expect([again.status, again.body.error.code]).toEqual([410, ResetErrorCode.LINK_USED]);
    expect((await call("/api/auth/login", { email: ada.email, password: NEW_PASSWORD }, from)).status).toBe(200);
  });

  it("AC6 a new password ends every session signed in before it; sessions after it work", async () => {
    const bo = await newAccount("Bo");
    const from = freshAddress();
    const other = await call("/api/auth/login", { email: bo.email, password: PASSWORD }, from);
    expect(other.status).toBe(200);
    await call("/api/auth/forgot", { email: bo.email }, from);
    const { token } = await resetMail(bo.email);
    const done = await call("/api/auth/reset", { token, password: NEW_PASSWORD }, from);
    expect(done.status).toBe(200);

    for (const old of [bo.token, other.body.token]) {
      const me = await api(server, "GET", "/api/me", undefined, old);
      expect([me.status, me.body.error.message]).toEqual([401, "your password was changed: sign in again"]);
    }
    const later = await call("/api/auth/login", { email: bo.email, password: NEW_PASSWORD }, from);
    expect((await api(server, "GET", "/api/me", undefined, later.body.token)).status).toBe(200);
    expect((await api(server, "GET", "/api/me", undefined, done.body.token)).status).toBe(200);
  });

  it("AC6 an expired link, an altered one and a weak password fail with their codes; the password stays", async () => {
    const cy = await newAccount("Cy");
    const from = freshAddress();
    const hash = (await store.userByEmail(cy.email))!.passwordHash!;
    const expired = new PasswordResetLinks(SECRET, 30 * 60).issue(cy.email, hash, Date.now() - 31 * 60_000).token;
    const r1 = await call("/api/auth/reset", { token: expired, password: NEW_PASSWORD }, from);
    expect([r1.status, r1.body.error.code]).toEqual([410, ResetErrorCode.LINK_EXPIRED]);

    await call("/api/auth/forgot", { email: cy.email }, from);
    const { token } = await resetMail(cy.email);
    const r2 = await call("/api/auth/reset", { token: `${token.slice(0, -2)}AA`, password: NEW_PASSWORD }, from);
    expect([r2.status, r2.body.error.code]).toEqual([400, ResetErrorCode.LINK_INVALID]);
    const r3 = await call("/api/auth/reset", { token, password: "short" }, from);
    expect([r3.status, r3.body.error.code]).toEqual([400, "bad_request"]);
    expect(r3.body.error.message).toMatch(/^password: .*at least 8 characters$/);
    expect((await call("/api/auth/login", { email: cy.email, password: PASSWORD }, from)).status).toBe(200);

    // The link survived the failures above and still works.
    expect((await call("/api/auth/reset", { token, password: NEW_PASSWORD }, from)).status).toBe(200);
  });

  it("AC6 two requests racing with one link: one sets its password, the other is told the link was used", async () => {
    const di = await newAccount("Di");
    const from = freshAddress();
    await call("/api/auth/forgot", { email: di.email }, from);
    const { token } = await resetMail(di.email);
    const both = await Promise.all([
      call("/api/auth/reset", { token, password: "first racing passphrase" }, from),
      call("/api/auth/reset", { token, password: "second racing passphrase" }, from),
    ]);
    expect(both.map((r) => r.status).sort()).toEqual([200, 410]);
    const winner = both[0].status === 200 ? "first racing passphrase" : "second racing passphrase";
    expect((await call("/api/auth/login", { email: di.email, password: winner }, from)).status).toBe(200);
  });
});

describe("AC7 the answer tells nothing, and requests are limited", () => {
  it("AC7 an unknown address gets the same answer as a known one, and no email", async () => {
    const ed = await newAccount("Ed");
    const unknown = `nobody-${process.pid}-${++seq}@example.test`;
    const from = freshAddress();
    const a = await call("/api/auth/forgot", { email: unknown }, from);
    const b = await call("/api/auth/forgot", { email: ed.email }, from);
    expect(a.status).toBe(b.status);
    expect(a.body.message.replace(unknown, "<email>")).toBe(b.body.message.replace(ed.email, "<email>"));
    // Both were answered before any mail went out; once Ed's has arrived, the unknown address's would have been sent too.
    await resetMail(ed.email);
    expect(mailTo(unknown)).toEqual([]);
  });

  it("AC7 at most PASSWORD_RESETS_PER_ACCOUNT requests per email an hour, known or not, from any address", async () => {
    const fi = await newAccount("Fi");
    const unknown = `ghost-${process.pid}-${++seq}@example.test`;
    for (const email of [fi.email, unknown]) {
      const answers = [];
      for (let i = 0; i < 4; i++) answers.push(await call("/api/auth/forgot", { email }, freshAddress()));
      expect(answers.map((r) => r.status)).toEqual([202, 202, 202, 429]);
      expect(answers[3].body.error.code).toBe("rate_limited");
    }
    await until(() => mailTo(fi.email).length === 3, "three emails to Fi");
  });

  it("AC7 at most PASSWORD_RESETS_PER_ADDRESS requests per network address an hour", async () => {
    const from = freshAddress();
    const statuses = [];
    for (let i = 0; i < 6; i++) statuses.push((await call("/api/auth/forgot", { email: `someone-${++seq}@example.test` }, from)).status);
    expect(statuses).toEqual([202, 202, 202, 202, 202, 429]);
    // Another address is not affected.
    expect((await call("/api/auth/forgot", { email: `someone-${++seq}@example.test` }, freshAddress())).status).toBe(202);
  });

  it("AC7 a malformed request is a 400 that says nothing about accounts", async () => {
    const r = await call("/api/auth/forgot", { email: "not an email" }, freshAddress());
    expect([r.status, r.body.error.code]).toEqual([400, "bad_request"]);
  });
});
