/**
 * AC8 without SMTP: nobody can be mailed a link ("Forgot password?" says so), but an owner or admin
 * hands one to a member of their team, within the rules, and the operator gets one for anyone with
 * `npm run reset-link` (run here as the real script, as a child process, against this server).
 */
import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { PlazaProcess } from "../src/app.ts";
import { ResetErrorCode } from "../../shared/passwordReset.ts";
import { addMember, api, createSpace, startTestServer, type TestUser } from "./harness.ts";

const SECRET = "reset-links-test-secret-".padEnd(40, "y");
const PUBLIC_URL = "https://plaza.example.test";
const PASSWORD = "correct horse battery";
const CLI = fileURLToPath(new URL("../src/auth/passwordResetCli.ts", import.meta.url));

let server: PlazaProcess;
let seq = 0;

beforeAll(async () => {
  server = await startTestServer({ PLAZA_SECRET: SECRET, PUBLIC_URL, PLAZA_AUTO_SPACES: false });
});

afterAll(async () => {
  await server?.close();
});

type Account = TestUser & { email: string };

async function newAccount(name: string): Promise<Account> {
  const email = `${name.toLowerCase()}-${process.pid}-${++seq}@example.test`;
  const r = await api(server, "POST", "/api/auth/signup", { email, password: PASSWORD, name });
  expect(r.status).toBe(201);
  return { email, name, token: r.body.token, id: r.body.user.id };
}

/** A team (the owner's own) with a space and people in the given roles. */
async function team(roles: Array<"admin" | "builder" | "member" | "guest">) {
  const owner = await newAccount("Owner");
  const spaceId = `team-${process.pid}-${++seq}`;
  await createSpace(server, owner, spaceId);
  const people: Account[] = [];
  for (const role of roles) {
    const p = await newAccount(role[0].toUpperCase() + role.slice(1));
    await addMember(server, owner, spaceId, p, role);
    people.push(p);
  }
  return { owner, spaceId, people };
}

const issue = (spaceId: string, by: TestUser, forUser: TestUser) => api(server, "POST", `/api/spaces/${spaceId}/members/${forUser.id}/reset-link`, undefined, by.token);
const reset = (token: string, password: string) => api(server, "POST", "/api/auth/reset", { token, password });
const signIn = (email: string, password: string) => api(server, "POST", "/api/auth/login", { email, password });

describe("AC8 reset links by hand", () => {
  it("AC8 without SMTP_URL, \"Forgot password?\" says that an admin issues links, for any address", async () => {
    const someone = await newAccount("Someone");
    for (const email of [someone.email, `nobody-${++seq}@example.test`]) {
      const r = await api(server, "POST", "/api/auth/forgot", { email });
      expect([r.status, r.body.error.code]).toEqual([503, ResetErrorCode.MAIL_NOT_CONFIGURED]);
    }
  });

  it("AC8 an owner hands a member a link (on PUBLIC_URL): it works once, and ends the member's other sessions", async () => {
    const { owner, spaceId, people: [member] } = await team(["member"]);
    const r = await issue(spaceId, owner, member);
    expect(r.status).toBe(201);
    expect(r.body.link).toBe(`${PUBLIC_URL}/reset#${r.body.token}`);
    expect(Date.parse(r.body.expiresAt) - Date.now()).toBeGreaterThan(29 * 60_000);

    const done = await reset(r.body.token, "the member's new passphrase");
    expect([done.status, done.body.user.email]).toEqual([200, member.email]);
    expect((await api(server, "GET", "/api/me", undefined, member.token)).status).toBe(401);
    expect((await signIn(member.email, "the member's new passphrase")).status).toBe(200);
    const again = await reset(r.body.token, "another passphrase");
    expect([again.status, again.body.error.code]).toEqual([410, ResetErrorCode.LINK_USED]);
  });

  it("AC8 only owners and admins, only for lower ranks, not for guests or themselves", async () => {
    const { owner, spaceId, people: [admin, builder, member, signedInGuest] } = await team(["admin", "builder", "member", "guest"]);
    expect((await issue(spaceId, admin, member)).status).toBe(201);
    expect((await issue(spaceId, admin, builder)).status).toBe(201);
    expect((await issue(spaceId, owner, admin)).status).toBe(201);
    for (const [by, target] of [[admin, owner], [builder, member], [member, builder]] as const) {
      const r = await issue(spaceId, by, target);
      expect([r.status, r.body.error.code], `${by.name} → ${target.name}`).toEqual([403, "forbidden"]);
    }
    const self = await issue(spaceId, owner, owner);
    expect([self.status, self.body.error.message]).toEqual([403, "use \"Forgot password?\" on the sign-in page for your own account"]);
    // A guest with an account of their own may be given a link; one who came by link with a name only has no password.
    expect((await issue(spaceId, admin, signedInGuest)).status).toBe(201);
    const invite = await api(server, "POST", `/api/spaces/${spaceId}/invites`, { role: "guest" }, owner.token);
    const guest = await api(server, "POST", `/api/invites/${invite.body.code}/accept`, { name: "Visitor" });
    expect(guest.status).toBe(200);
    const noPassword = await issue(spaceId, owner, { ...guest.body.user, token: guest.body.token });
    expect([noPassword.status, noPassword.body.error.message]).toEqual([400, "guests have no password: send them a new guest link instead"]);
    expect((await api(server, "POST", `/api/spaces/${spaceId}/members/${member.id}/reset-link`)).status).toBe(401);
    const stranger = await newAccount("Stranger");
    expect((await issue(spaceId, owner, stranger)).status).toBe(404);
  });

  it("AC8 never for someone also in another team with people in it: the account reaches beyond this team", async () => {
    const a = await team(["member"]);
    const b = await team([]);
    const shared = a.people[0];
    await addMember(server, b.owner, b.spaceId, shared, "member");
    const r = await issue(a.spaceId, a.owner, shared);
    expect([r.status, r.body.error.message]).toEqual([403, "this person is also in another team: the operator can issue their link (npm run reset-link)"]);
  });
});

describe("AC8 the operator's link (npm run reset-link)", () => {
  const run = (args: string[], env: Record<string, string>) =>
    promisify(execFile)(process.execPath, ["--import", "tsx", CLI, ...args], { env: { ...process.env, LOG_LEVEL: "silent", ...env }, timeout: 60_000 })
      .then((r) => ({ code: 0, ...r }), (err: { code: number; stdout: string; stderr: string }) => ({ code: err.code, stdout: err.stdout, stderr: err.stderr }));

  it("AC8 prints a working link for any account, given the server's secret", async () => {
    const { owner } = await team([]);
    const r = await run([owner.email.toUpperCase(), "--server", server.url], { PLAZA_SECRET: SECRET });
    expect(r.code, r.stderr).toBe(0);
    const token = r.stdout.trim().match(/^https:\/\/plaza\.example\.test\/reset#(\S+)$/)?.[1];
    expect(token, r.stdout).toBeDefined();
    expect((await reset(token!, "the operator gave me this")).status).toBe(200);
    expect((await signIn(owner.email, "the operator gave me this")).status).toBe(200);
  });

  it("AC8 refuses without the right secret, and for an unknown account", async () => {
    const { owner } = await team([]);
    const wrong = await run([owner.email, "--server", server.url], { PLAZA_SECRET: "not-the-secret-".padEnd(40, "z") });
    expect([wrong.code, wrong.stderr]).toEqual([1, expect.stringContaining("Plaza refused (401)")]);
    const unknown = await run([`nobody-${++seq}@example.test`, "--server", server.url], { PLAZA_SECRET: SECRET });
    expect([unknown.code, unknown.stderr]).toEqual([1, expect.stringContaining("Plaza refused (404): no account with a password uses")]);
    const usage = await run([], { PLAZA_SECRET: SECRET });
    expect([usage.code, usage.stderr]).toEqual([2, expect.stringContaining("usage: npm run reset-link -- <email>")]);
  });
});
