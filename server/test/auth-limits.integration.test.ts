/**
 * AC1, AC3, AC5 and SE8 over the real HTTP API: sign-in limits count failures (per account and per
 * address, never successes), new accounts are limited per address (sign-up and guest invites),
 * X-Forwarded-For counts only behind TRUST_PROXY, and old scrypt hashes move to argon2id on sign-in.
 */
import { randomBytes, scryptSync } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { PlazaProcess } from "../src/app.ts";
import { createSpace, startTestServer } from "./harness.ts";

const PASSWORD = "correct horse battery";
let seq = 0;
const email = (who: string) => `${who}-${process.pid}-${++seq}@example.test`;

/** JSON request from 127.0.0.1, claiming to forward for `forwardedFor` when given. */
async function call(server: PlazaProcess, path: string, body: unknown, opts: { forwardedFor?: string; token?: string } = {}) {
  const res = await fetch(`${server.url}${path}`, {
    method: "POST",
    headers: {
      "Content-Type": "application/json",
      ...(opts.forwardedFor ? { "X-Forwarded-For": opts.forwardedFor } : {}),
      ...(opts.token ? { Authorization: `Bearer ${opts.token}` } : {}),
    },
    body: JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined, retryAfter: res.headers.get("retry-after") };
}
const signUp = (server: PlazaProcess, mail: string, forwardedFor?: string) => call(server, "/api/auth/signup", { email: mail, password: PASSWORD, name: "Pat" }, { forwardedFor });
const signIn = (server: PlazaProcess, mail: string, password: string, forwardedFor?: string) => call(server, "/api/auth/login", { email: mail, password }, { forwardedFor });

function expectLimited(r: Awaited<ReturnType<typeof call>>, maxRetryS: number) {
  expect([r.status, r.body?.error?.code]).toEqual([429, "rate_limited"]);
  const s = Number(r.retryAfter);
  expect(Number.isInteger(s)).toBe(true);
  expect(s).toBeGreaterThanOrEqual(1);
  expect(s).toBeLessThanOrEqual(maxRetryS);
}

/** A hash exactly as Plaza wrote them before argon2id (scrypt N=2^14, r=8, p=1). */
function legacyScryptHash(password: string): string {
  const salt = randomBytes(16);
  const key = scryptSync(password, salt, 32, { N: 16384, r: 8, p: 1, maxmem: 64 * 1024 * 1024 });
  return `scrypt$16384$8$1$${salt.toString("base64")}$${key.toString("base64")}`;
}

// Every test speaks from its own forwarded address, so their address counts never meet.
let addressSeq = 0;
const nextAddress = () => `203.0.113.${++addressSeq}`;

describe("behind a trusted proxy (TRUST_PROXY=loopback)", () => {
  let server: PlazaProcess;
  beforeAll(async () => {
    server = await startTestServer({
      PLAZA_AUTO_SPACES: false, TRUST_PROXY: "loopback",
      SIGNIN_MAX_FAILS_PER_ACCOUNT: 3, SIGNIN_LOCK_S: 600, SIGNIN_MAX_FAILS_PER_ADDRESS: 5, SIGNIN_ADDRESS_WINDOW_S: 900,
      SIGNUPS_PER_ADDRESS: 4, SIGNUP_WINDOW_S: 3600,
    });
  });
  afterAll(async () => {
    await server?.close();
  });

  it("AC1 sign-up stores an argon2id hash, never the password", async () => {
    const mail = email("fresh");
    expect((await signUp(server, mail, nextAddress())).status).toBe(201);
    const hash = (await server.directory.store.userByEmail(mail))?.passwordHash;
    expect(hash).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    expect(hash).not.toContain(PASSWORD);
    expect((await signIn(server, mail, PASSWORD, nextAddress())).status).toBe(200);
  });

  it("AC1 an old scrypt hash signs in and is re-hashed to argon2id", async () => {
    const store = server.directory.store;
    // Made in the store, as accounts were before argon2id.
    const mail = email("legacy");
    const old = legacyScryptHash(PASSWORD);
    await store.createUser({ email: mail, name: "Lee", passwordHash: old });
    expect((await signIn(server, mail, "wrong password", nextAddress())).status).toBe(401);
    expect((await store.userByEmail(mail))?.passwordHash).toBe(old);
    const first = await signIn(server, mail, PASSWORD, nextAddress());
    expect(first.status).toBe(200);
    const upgraded = (await store.userByEmail(mail))?.passwordHash;
    expect(upgraded).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    expect((await signIn(server, mail, PASSWORD, nextAddress())).status).toBe(200);
    expect((await signIn(server, mail, "wrong password", nextAddress())).status).toBe(401);
    // Already current: signing in again leaves the hash alone.
    expect((await store.userByEmail(mail))?.passwordHash).toBe(upgraded);
  });

  it("AC3 successful sign-ins never count: a whole office behind one address signs in, failures are still limited", async () => {
    const office = nextAddress();
    const people = Array.from({ length: 5 }, () => email("office"));
    for (const mail of people) expect((await signUp(server, mail, nextAddress())).status).toBe(201);
    // Thirty sign-ins from one address (an office NAT), six times its failure limit, five at once.
    // (A sign-in in progress holds its failure until it succeeds, so at most 5 may be in flight.)
    const burst = await Promise.all(people.map((mail) => signIn(server, mail, PASSWORD, office)));
    expect(burst.map((r) => r.status)).toEqual(Array(5).fill(200));
    for (let i = 0; i < 25; i++) expect((await signIn(server, people[i % 5], PASSWORD, office)).status).toBe(200);
    // Failures from that address (different accounts, so no account lock) stop at 5.
    for (let i = 0; i < 5; i++) expect((await signIn(server, email("nobody"), "wrong password", office)).status).toBe(401);
    expectLimited(await signIn(server, email("nobody"), "wrong password", office), 900);
    // ...even for a right password: the address is refused before any password is checked.
    expectLimited(await signIn(server, people[0], PASSWORD, office), 900);
  });

  it("AC3 consecutive failures lock the account (from any address) until the lock ends; the right password does not unlock it", async () => {
    const mail = email("target");
    expect((await signUp(server, mail, nextAddress())).status).toBe(201);
    for (let i = 0; i < 3; i++) expect((await signIn(server, mail, `guess ${i}`, nextAddress())).status).toBe(401);
    expectLimited(await signIn(server, mail, "guess 4", nextAddress()), 600);
    expectLimited(await signIn(server, mail, PASSWORD, nextAddress()), 600);
    // Other accounts from the same addresses are not affected.
    const other = email("bystander");
    const at = nextAddress();
    expect((await signUp(server, other, at)).status).toBe(201);
    expect((await signIn(server, other, PASSWORD, at)).status).toBe(200);
  });

  it("AC3 a success clears the account's failures", async () => {
    const mail = email("typo");
    const at = nextAddress();
    expect((await signUp(server, mail, at)).status).toBe(201);
    for (let round = 0; round < 3; round++) {
      for (let i = 0; i < 2; i++) expect((await signIn(server, mail, "typo", nextAddress())).status).toBe(401);
      expect((await signIn(server, mail, PASSWORD, nextAddress())).status).toBe(200);
    }
  });

  it("AC3 parallel guesses cannot slip past the account limit together", async () => {
    const mail = email("parallel");
    expect((await signUp(server, mail, nextAddress())).status).toBe(201);
    const answers = await Promise.all(Array.from({ length: 20 }, (_, i) => signIn(server, mail, `guess ${i}`, nextAddress())));
    expect(answers.filter((r) => r.status === 401)).toHaveLength(3);
    expect(answers.filter((r) => r.status === 429)).toHaveLength(17);
  });

  it("AC3 a wrong email and a wrong password get the same 401, and unknown emails lock like real ones", async () => {
    const mail = email("real");
    expect((await signUp(server, mail, nextAddress())).status).toBe(201);
    const wrongPassword = await signIn(server, mail, "not it", nextAddress());
    const ghost = email("ghost");
    const wrongEmail = await signIn(server, ghost, "not it", nextAddress());
    expect(wrongPassword.status).toBe(401);
    expect(wrongEmail).toEqual(wrongPassword);
    for (let i = 0; i < 2; i++) expect((await signIn(server, ghost, "not it", nextAddress())).status).toBe(401);
    expectLimited(await signIn(server, ghost, "not it", nextAddress()), 600);
  });

  it("SE8 two forwarded addresses behind the trusted proxy are limited separately", async () => {
    const [a, b] = [nextAddress(), nextAddress()];
    for (let i = 0; i < 5; i++) expect((await signIn(server, email("x"), "wrong", a)).status).toBe(401);
    expectLimited(await signIn(server, email("x"), "wrong", a), 900);
    expect((await signIn(server, email("x"), "wrong", b)).status).toBe(401);
    // The proxy's own chain: the client is the right-most address the proxy did not add.
    expectLimited(await signIn(server, email("x"), "wrong", `198.51.100.99, ${a}`), 900);
  });

  it("AC5 sign-ups are limited per address (429 with Retry-After); other addresses are not affected", async () => {
    const at = nextAddress();
    for (let i = 0; i < 4; i++) expect((await signUp(server, email("new"), at)).status).toBe(201);
    expectLimited(await signUp(server, email("new"), at), 3600);
    expect((await signUp(server, email("new"), nextAddress())).status).toBe(201);
  });

  it("AC5 one guest invite cannot mint accounts without limit; signed-in accepts make no account and are not counted", async () => {
    const at = nextAddress();
    const ownerMail = email("host");
    const owner = await signUp(server, ownerMail, nextAddress());
    expect(owner.status).toBe(201);
    await createSpace(server, { token: owner.body.token, id: owner.body.user.id, name: "Host" }, "limits-guests");
    const invite = await fetch(`${server.url}/api/spaces/limits-guests/invites`, {
      method: "POST", headers: { "Content-Type": "application/json", Authorization: `Bearer ${owner.body.token}` }, body: JSON.stringify({ role: "guest" }),
    });
    const code = ((await invite.json()) as { code: string }).code;
    const accepts = await Promise.all(Array.from({ length: 30 }, (_, i) => call(server, `/api/invites/${code}/accept`, { name: `Guest ${i}` }, { forwardedFor: at })));
    expect(accepts.filter((r) => r.status === 200)).toHaveLength(4);
    const refused = accepts.filter((r) => r.status === 429);
    expect(refused).toHaveLength(26);
    expectLimited(refused[0], 3600);
    // Someone signed in accepting from that exhausted address is let in: no account is made.
    const member = await signUp(server, email("member"), nextAddress());
    expect((await call(server, `/api/invites/${code}/accept`, {}, { forwardedFor: at, token: member.body.token })).status).toBe(200);
  });
});

describe("with no trusted proxy (TRUST_PROXY unset)", () => {
  let server: PlazaProcess;
  beforeAll(async () => {
    server = await startTestServer({ PLAZA_AUTO_SPACES: false, SIGNIN_MAX_FAILS_PER_ADDRESS: 5, SIGNUPS_PER_ADDRESS: 3 });
  });
  afterAll(async () => {
    await server?.close();
  });

  it("SE8 a spoofed X-Forwarded-For does not evade the sign-in address limit", async () => {
    for (let i = 0; i < 5; i++) expect((await signIn(server, email("spoof"), "wrong", `192.0.2.${i + 1}`)).status).toBe(401);
    expectLimited(await signIn(server, email("spoof"), "wrong", "192.0.2.200"), 900);
    expectLimited(await signIn(server, email("spoof"), "wrong"), 900);
  });

  it("SE8 a spoofed X-Forwarded-For does not evade the sign-up address limit", async () => {
    for (let i = 0; i < 3; i++) expect((await signUp(server, email("spoof-new"), `192.0.2.${i + 50}`)).status).toBe(201);
    expectLimited(await signUp(server, email("spoof-new"), "192.0.2.99"), 3600);
  });
});
