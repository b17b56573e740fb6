/**
 * AC3/AC5 limits (limits.ts) in-process: memory by default; with Redis, one count for every
 * process, and a Redis outage neither locks anyone out nor throws (each process limits alone).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestRedis, type LocalRedis } from "../../test/redis.ts";
import { addressKeyOf, AUTH_LIMIT_DEFAULTS, createAuthLimits, RateLimited, type AuthLimits } from "./limits.ts";

const settings = { ...AUTH_LIMIT_DEFAULTS, signInFailsPerAccount: 3, signInFailsPerAddress: 4, signupsPerAddress: 2 };

/** Outcome of one sign-in attempt that fails (or is refused): "counted" or "limited". */
async function fail(l: AuthLimits, address: string, email: string): Promise<"counted" | "limited"> {
  try {
    await l.signInAttempt(address, email);
    return "counted";
  } catch (err) {
    if (err instanceof RateLimited) return "limited";
    throw err;
  }
}

describe("address keys", () => {
  it("IPv4 as is; IPv4-mapped IPv6 is its IPv4; IPv6 by /64 however it is written", () => {
    expect(addressKeyOf("203.0.113.7")).toBe("203.0.113.7");
    expect(addressKeyOf("::ffff:203.0.113.7")).toBe("203.0.113.7");
    expect(addressKeyOf("2001:db8:1:2:aaaa::1")).toBe("2001:db8:1:2::/64");
    expect(addressKeyOf("2001:0db8:0001:0002:ffff:ffff:ffff:ffff")).toBe("2001:db8:1:2::/64");
    expect(addressKeyOf("2001:db8::1")).toBe("2001:db8:0:0::/64");
    expect(addressKeyOf("2001:DB8:0:0:1::1%eth0")).toBe("2001:db8:0:0::/64");
    expect(addressKeyOf("::1")).toBe("0:0:0:0::/64");
    expect(addressKeyOf("2001:db8:1:3::1")).not.toBe(addressKeyOf("2001:db8:1:2::1"));
  });
});

describe("in memory (no REDIS_URL)", () => {
  it("AC3 counts failures, clears an account's on success, and refuses with a retry time", async () => {
    const l = createAuthLimits(settings);
    for (let i = 0; i < 2; i++) expect(await fail(l, "10.0.0.1", "a@x.test")).toBe("counted");
    await (await l.signInAttempt("10.0.0.1", "a@x.test")).succeeded();
    for (let i = 0; i < 3; i++) expect(await fail(l, `10.0.1.${i}`, "a@x.test")).toBe("counted");
    const refused = await l.signInAttempt("10.0.2.1", "A@X.test ").catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(RateLimited);
    expect((refused as RateLimited).retryAfterMs).toBeGreaterThan(0);
    expect((refused as RateLimited).retryAfterMs).toBeLessThanOrEqual(settings.signInLockS * 1000);
    await l.close();
  });

  it("AC5 counts new accounts per address", async () => {
    const l = createAuthLimits(settings);
    await l.newAccount("10.0.0.1");
    await l.newAccount("10.0.0.1");
    await expect(l.newAccount("10.0.0.1")).rejects.toBeInstanceOf(RateLimited);
    await l.newAccount("10.0.0.2");
    await l.close();
  });

  it("TP5 a team's announcements: five in a burst, the sixth refused with a retry time, whatever the clock says; teams apart", async () => {
    const l = createAuthLimits(settings);
    for (let i = 0; i < 5; i++) await l.announcement("team-a");
    const refused = await l.announcement("team-a").catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(RateLimited);
    expect((refused as RateLimited).retryAfterMs).toBeGreaterThan(0);
    await l.announcement("team-b");
    await l.close();
  });
});

describe("with Redis (REDIS_URL)", () => {
  let redis: LocalRedis | undefined;
  beforeAll(async () => {
    redis = await startTestRedis();
  });
  afterAll(async () => {
    await redis?.stop();
  });

  it("AC3/AC5 two processes share one count", async (ctx) => {
    if (!redis) return ctx.skip();
    const [p1, p2] = [createAuthLimits(settings, redis.url), createAuthLimits(settings, redis.url)];
    try {
      await Promise.all([p1.ready(), p2.ready()]);
      const email = `shared-${Date.now()}@x.test`;
      expect(await fail(p1, "198.51.100.2", email)).toBe("counted");
      expect(await fail(p2, "198.51.100.3", email)).toBe("counted");
      expect(await fail(p1, "198.51.100.4", email)).toBe("counted");
      expect(await fail(p2, "198.51.100.5", email)).toBe("limited");
      await p1.newAccount("198.51.100.9");
      await p2.newAccount("198.51.100.9");
      await expect(p1.newAccount("198.51.100.9")).rejects.toBeInstanceOf(RateLimited);
    } finally {
      await Promise.all([p1.close(), p2.close()]);
    }
  });

  it("a Redis outage locks nobody out and throws nothing: each process limits on its own, in memory", async (ctx) => {
    if (!redis) return ctx.skip();
    const l = createAuthLimits(settings, redis.url);
    try {
      await l.ready();
      await redis.stop();
      // Sign-ins and sign-ups still go through (the insurance limiter answers)...
      const attempt = await l.signInAttempt("198.51.100.21", "ok@x.test");
      await attempt.succeeded();
      await l.newAccount("198.51.100.21");
      // ...and are still limited, per process.
      const email = `outage-${Date.now()}@x.test`;
      for (let i = 0; i < 3; i++) expect(await fail(l, `198.51.100.${30 + i}`, email)).toBe("counted");
      expect(await fail(l, "198.51.100.40", email)).toBe("limited");
    } finally {
      await l.close();
    }
  });
});
