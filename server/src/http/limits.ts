/**
 * Rate limits of the account routes (SPEC AC3, AC5), with rate-limiter-flexible:
 *
 *  - sign-in FAILURES per account: SIGNIN_MAX_FAILS_PER_ACCOUNT in a row lock the account's
 *    sign-in for SIGNIN_LOCK_S; a successful sign-in clears the count;
 *  - sign-in FAILURES per address: SIGNIN_MAX_FAILS_PER_ADDRESS per SIGNIN_ADDRESS_WINDOW_S;
 *    successes never count, so a whole office behind one NAT can sign in every morning;
 *  - new accounts per address (sign-up, guest invite accepted signed out): SIGNUPS_PER_ADDRESS
 *    per SIGNUP_WINDOW_S.
 *
 * A sign-in's failure is counted BEFORE its password is checked and refunded on success, so a
 * burst of parallel guesses cannot all pass an "is it over the limit yet?" check together.
 *
 * In memory by default; with REDIS_URL the counts live in Redis, shared by every process of the
 * cluster. Redis trouble never locks anyone out and never fails a request: each Redis limiter has
 * an in-memory insurance limiter that takes over (per process) while Redis is unreachable, and any
 * other limiter error lets the request through, logged.
 */
import type { Application, Request, Response } from "express";
import { createHash } from "node:crypto";
import { isIPv6 } from "node:net";
import type { Redis } from "ioredis";
import { onFirstUse } from "../onFirstUse.ts";
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes, type RateLimiterAbstract } from "rate-limiter-flexible";
import { ApiErrorCode } from "../../../shared/api.ts";
import { configDefaults, type PlazaConfig } from "../config.ts";
import { logger } from "../log.ts";
import type { SpaceDirectory } from "../access/directory.ts";
import { apiError, bearer } from "./respond.ts";
import { ANNOUNCEMENTS_PER_MINUTE } from "../team/TeamPresence.ts";

export interface AuthLimitSettings {
  /** Consecutive failed sign-ins that lock an account's sign-in (cleared by a success). */
  signInFailsPerAccount: number;
  /** How long that lock lasts, s. */
  signInLockS: number;
  /** Failed sign-ins one address may make per window. */
  signInFailsPerAddress: number;
  signInAddressWindowS: number;
  /** Accounts (sign-ups and signed-out guest invite accepts) one address may make per window. */
  signupsPerAddress: number;
  signupWindowS: number;
  /** SE7: seats visitors and guests from one address may take per minute. */
  joinsPerAddress: number;
  /** AC7: password-reset requests per email address (account or not) per hour. */
  resetsPerAccount: number;
  /** AC7: password-reset requests per network address per hour. */
  resetsPerAddress: number;
}

const defaults = configDefaults();
/** The limits with every setting at its default (server/src/config.ts). */
export const AUTH_LIMIT_DEFAULTS: AuthLimitSettings = {
  signInFailsPerAccount: defaults.SIGNIN_MAX_FAILS_PER_ACCOUNT,
  signInLockS: defaults.SIGNIN_LOCK_S,
  signInFailsPerAddress: defaults.SIGNIN_MAX_FAILS_PER_ADDRESS,
  signInAddressWindowS: defaults.SIGNIN_ADDRESS_WINDOW_S,
  signupsPerAddress: defaults.SIGNUPS_PER_ADDRESS,
  signupWindowS: defaults.SIGNUP_WINDOW_S,
  joinsPerAddress: defaults.JOINS_PER_ADDRESS,
  resetsPerAccount: defaults.PASSWORD_RESETS_PER_ACCOUNT,
  resetsPerAddress: defaults.PASSWORD_RESETS_PER_ADDRESS,
};

/** AC7: the window of the password-reset request limits, s. */
const RESET_WINDOW_S = 3600;

/** Failures further apart than this do not add up to an account lock. */
const ACCOUNT_FAILS_MEMORY_S = 24 * 60 * 60;
/** A Redis command slower than this counts as Redis trouble (the insurance limiter answers). */
const REDIS_COMMAND_TIMEOUT_MS = 500;

/** Over a limit: try again in `retryAfterMs`. */
export class RateLimited extends Error {
  override name = "RateLimited";
  constructor(readonly retryAfterMs: number, message: string) {
    super(message);
  }
}

/** One sign-in in progress: its failure is already counted, and stays unless taken back here. */
export interface SignInAttempt {
  /** The password was right: takes the address's count back and clears the account's failures. */
  succeeded(): Promise<void>;
  /** Neither right nor wrong (the server failed): takes both counts back. */
  undecided(): Promise<void>;
}

export interface AuthLimits {
  /** Before checking a password: counts one failure for the address and the account. Throws RateLimited. */
  signInAttempt(address: string, email: string): Promise<SignInAttempt>;
  /** Before making an account for someone at `address`. Throws RateLimited. */
  newAccount(address: string): Promise<void>;
  /**
   * TP5: before an announcement to the team: ANNOUNCEMENTS_PER_MINUTE per 60 s window that starts
   * at the team's first announcement (not at clock minutes: a burst is limited wherever it falls).
   * Throws RateLimited.
   */
  announcement(teamId: string): Promise<void>;
  /** SE7: before seating a visitor or guest who joins from `address`. Throws RateLimited. */
  join(address: string): Promise<void>;
  /**
   * AC7: before answering a password-reset request for `email` from `address`: counted per address
   * and per email, whether or not an account uses it (the answer must not tell). Throws RateLimited.
   */
  passwordReset(address: string, email: string): Promise<void>;
  /** Resolves once the counts are shared (Redis connected); at once in memory. Until then each process counts alone. */
  ready(): Promise<void>;
  close(): Promise<void>;
}

/** The settings of PLAZA_CONFIG's SIGNIN_* / SIGNUP* keys, defaults for the unset. */
export function authLimitSettings(c: Partial<PlazaConfig>): AuthLimitSettings {
  const d = AUTH_LIMIT_DEFAULTS;
  return {
    signInFailsPerAccount: c.SIGNIN_MAX_FAILS_PER_ACCOUNT ?? d.signInFailsPerAccount,
    signInLockS: c.SIGNIN_LOCK_S ?? d.signInLockS,
    signInFailsPerAddress: c.SIGNIN_MAX_FAILS_PER_ADDRESS ?? d.signInFailsPerAddress,
    signInAddressWindowS: c.SIGNIN_ADDRESS_WINDOW_S ?? d.signInAddressWindowS,
    signupsPerAddress: c.SIGNUPS_PER_ADDRESS ?? d.signupsPerAddress,
    signupWindowS: c.SIGNUP_WINDOW_S ?? d.signupWindowS,
    joinsPerAddress: c.JOINS_PER_ADDRESS ?? d.joinsPerAddress,
    resetsPerAccount: c.PASSWORD_RESETS_PER_ACCOUNT ?? d.resetsPerAccount,
    resetsPerAddress: c.PASSWORD_RESETS_PER_ADDRESS ?? d.resetsPerAddress,
  };
}

/** The process's account limits: in memory, or in Redis at `redisUrl` (shared by the cluster). */
export function createAuthLimits(settings: AuthLimitSettings, redisUrl?: string): AuthLimits {
  const redis = redisUrl ? connectRedis(redisUrl) : null;
  const limiter = (keyPrefix: string, points: number, duration: number, blockDuration = 0): RateLimiterAbstract => {
    const opts = { keyPrefix: `plaza:limit:${keyPrefix}`, points, duration, blockDuration };
    const memory = new RateLimiterMemory(opts);
    if (!redis) return memory;
    return new RateLimiterRedis({ ...opts, storeClient: redis, rejectIfRedisNotReady: true, insuranceLimiter: memory });
  };
  const failsByAccount = limiter("signin-account", settings.signInFailsPerAccount, ACCOUNT_FAILS_MEMORY_S, settings.signInLockS);
  const failsByAddress = limiter("signin-address", settings.signInFailsPerAddress, settings.signInAddressWindowS);
  const signupsByAddress = limiter("signup-address", settings.signupsPerAddress, settings.signupWindowS);
  const announcementsByTeam = limiter("team-announce", ANNOUNCEMENTS_PER_MINUTE, 60);
  const joinsByAddress = limiter("join-address", settings.joinsPerAddress, 60);
  const resetsByAddress = limiter("reset-address", settings.resetsPerAddress, RESET_WINDOW_S);
  const resetsByAccount = limiter("reset-account", settings.resetsPerAccount, RESET_WINDOW_S);

  return {
    async signInAttempt(address, email) {
      const addressKey = addressKeyOf(address);
      const accountKey = accountKeyOf(email);
      const byAddress = await take(failsByAddress, addressKey, "too many failed sign-ins from your network: try again later");
      let byAccount: boolean;
      try {
        byAccount = await take(failsByAccount, accountKey, "too many failed sign-ins to this account: try again later");
      } catch (err) {
        // Refused before the password was checked: that was not a failure of this address.
        if (byAddress) await settle(failsByAddress.reward(addressKey), "reward");
        throw err;
      }
      return {
        async succeeded() {
          await Promise.all([
            byAddress ? settle(failsByAddress.reward(addressKey), "reward") : undefined,
            byAccount ? settle(failsByAccount.delete(accountKey), "delete") : undefined,
          ]);
        },
        async undecided() {
          await Promise.all([
            byAddress ? settle(failsByAddress.reward(addressKey), "reward") : undefined,
            byAccount ? settle(failsByAccount.reward(accountKey), "reward") : undefined,
          ]);
        },
      };
    },
    async newAccount(address) {
      await take(signupsByAddress, addressKeyOf(address), "too many new accounts from your network: try again later");
    },
    async join(address) {
      await take(joinsByAddress, addressKeyOf(address), "too many joins from your network: wait a moment and try again");
    },
    async passwordReset(address, email) {
      const addressKey = addressKeyOf(address);
      const byAddress = await take(resetsByAddress, addressKey, "too many password reset requests from your network: try again later");
      try {
        await take(resetsByAccount, accountKeyOf(email), "too many password reset requests for this address: try again later");
      } catch (err) {
        // Refused for the email: that request sent nothing, so it does not use up the address's allowance.
        if (byAddress) await settle(resetsByAddress.reward(addressKey), "reward");
        throw err;
      }
    },
    async announcement(teamId) {
      await take(announcementsByTeam, teamId, "too many announcements in this team: wait a minute and try again");
    },
    ready() {
      if (!redis || redis.status === "ready") return Promise.resolve();
      return new Promise<void>((resolve) => redis.once("ready", () => resolve()));
    },
    async close() {
      redis?.disconnect();
    },
  };
}

/**
 * Consumes one point: true when counted, false when the limiter failed (let through, logged).
 * Throws RateLimited over the limit.
 */
async function take(l: RateLimiterAbstract, key: string, message: string): Promise<boolean> {
  try {
    await l.consume(key);
    return true;
  } catch (err) {
    if (err instanceof RateLimiterRes) throw new RateLimited(err.msBeforeNext, message);
    logger.error({ err, limiter: l.keyPrefix }, "rate limiter failed: request let through");
    return false;
  }
}

async function settle(p: Promise<unknown>, what: string): Promise<void> {
  try {
    await p;
  } catch (err) {
    logger.error({ err, what }, "rate limiter failed");
  }
}

/** The ioredis client of the limiters: fails fast while Redis is away (the insurance answers), logs each outage once. */
const ioredis = onFirstUse<typeof import("ioredis")>("ioredis");

function connectRedis(url: string): Redis {
  const client = new (ioredis().Redis)(url, { enableOfflineQueue: false, maxRetriesPerRequest: 1, commandTimeout: REDIS_COMMAND_TIMEOUT_MS, lazyConnect: false });
  let down = false;
  client.on("error", (err) => {
    if (down) return;
    down = true;
    logger.warn({ err: String(err) }, "rate limits: Redis unreachable, each process limits on its own until it is back");
  });
  client.on("ready", () => {
    if (down) logger.info("rate limits: Redis is back, limits are shared again");
    down = false;
  });
  return client;
}

/** Emails are counted by digest: no address book in Redis. */
function accountKeyOf(email: string): string {
  return createHash("sha256").update(email.trim().toLowerCase()).digest("base64url").slice(0, 32);
}

/**
 * IPv4 counts per address; IPv6 per /64, the block one subscriber gets (anyone can rotate through
 * the addresses of their own /64). An IPv4-mapped IPv6 address is its IPv4 address.
 */
export function addressKeyOf(ip: string): string {
  let a = ip.trim().toLowerCase();
  const zone = a.indexOf("%");
  if (zone >= 0) a = a.slice(0, zone);
  if (a.startsWith("::ffff:") && a.includes(".")) return a.slice(7);
  if (!isIPv6(a)) return a;
  const [head, tail = ""] = a.split("::");
  const h = head ? head.split(":") : [];
  const t = a.includes("::") && tail ? tail.split(":") : [];
  // An IPv4 tail (64:ff9b::1.2.3.4) is two groups; it only ever sits in the last 32 bits.
  const groups = (xs: string[]) => xs.reduce((n, g) => n + (g.includes(".") ? 2 : 1), 0);
  const full = a.includes("::") ? [...h, ...Array<string>(8 - groups(h) - groups(t)).fill("0"), ...t] : h;
  return `${full.slice(0, 4).map((g) => g.replace(/^0+(?=.)/, "")).join(":")}::/64`;
}

// ---- express glue: routes reach the process's limits through their app ----

const attached = new WeakMap<Application, { limits: AuthLimits; dir: SpaceDirectory }>();

/** Makes `limits` the account limits of every route of `app` (mountHttp does it before mounting routes). */
export function attachLimits(app: Application, limits: AuthLimits, dir: SpaceDirectory): void {
  attached.set(app, { limits, dir });
}

export function limitsOf(req: Request): AuthLimits {
  const a = attached.get(req.app);
  if (!a) throw new Error("account rate limits are not attached to this app (mountHttp attaches them)");
  return a.limits;
}

/** Answers 429 `rate_limited` with Retry-After (whole seconds, at least 1). */
export function answerRateLimited(res: Response, err: RateLimited): void {
  res.set("Retry-After", String(Math.max(1, Math.ceil(err.retryAfterMs / 1000))));
  apiError(res, 429, ApiErrorCode.RATE_LIMITED, err.message);
}

/**
 * Before making an account (sign-up, AC5): counts one new account for the caller's address
 * (`req.ip`, the client under TRUST_PROXY). True when it answered 429: the route stops there.
 */
export async function newAccountLimited(req: Request, res: Response): Promise<boolean> {
  try {
    await limitsOf(req).newAccount(req.ip ?? "unknown");
    return false;
  } catch (err) {
    if (!(err instanceof RateLimited)) throw err;
    answerRateLimited(res, err);
    return true;
  }
}

/**
 * Before accepting an invite (AC4, AC5): a signed-out caller gets a new guest account, so this
 * counts one new account for their address; a signed-in caller makes none and is not counted.
 * True when it answered 429: the route stops there.
 */
export async function inviteAcceptLimited(req: Request, res: Response): Promise<boolean> {
  const a = attached.get(req.app);
  if (a && (await signedInCaller(a.dir, req))) return false;
  return newAccountLimited(req, res);
}

async function signedInCaller(dir: SpaceDirectory, req: Request): Promise<boolean> {
  try {
    return (await dir.identify(bearer(req))) !== null;
  } catch {
    return false; // a bad or expired token: counted like a signed-out caller (the route then refuses it)
  }
}
