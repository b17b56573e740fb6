/**
 * Plaza's Redis connections (presence, matchmaking driver), made to survive a Redis restart (OP1).
 *
 * - Commands fail fast while Redis is away (a couple of retries, not ioredis's 20), and the
 *   connection is retried every second at most, so joins work again within about a second of
 *   Redis answering.
 * - `@colyseus/redis-driver` 0.18 caches the room-list request and clears the cache only when it
 *   succeeds: one failed HGETALL poisoned every later join until the process restarted. The driver
 *   here forgets a failed request.
 * - Redis may come back empty (no persistence, or a fail-over to a replica that lagged): on every
 *   reconnect this process writes back what it owns there — its rooms' listings (else a second
 *   room could open for a space it hosts) and its matchmaking stats. Leases and heartbeats are
 *   rewritten by their own timers within seconds.
 * - Connection errors go through the process's logger, at most one line per connection per 10 s.
 */
import { Redis, type RedisOptions } from "ioredis";
import { RedisDriver } from "@colyseus/redis-driver";
import { RedisPresence } from "@colyseus/redis-presence";
import { matchMaker } from "@colyseus/core";
import { logger } from "../log.ts";
import * as metrics from "../metrics.ts";

/** ioredis settings for every long-lived Plaza connection. */
export const REDIS_OPTIONS: RedisOptions = {
  // A command waits for at most two reconnection attempts, then fails (the default, 20, kept
  // joins hanging for half a minute and longer while Redis was away).
  maxRetriesPerRequest: 2,
  connectTimeout: 2000,
  retryStrategy: (times) => Math.min(100 * times, 1000),
};

const LOG_EVERY_MS = 10_000;

/** A connection that logs its trouble (throttled) and calls `onReconnect` whenever it is ready again after a loss. */
export function redisConnection(url: string, name: string, onReconnect?: () => void): Redis {
  const redis = new Redis(url, REDIS_OPTIONS);
  watch(redis, name, onReconnect);
  return redis;
}

function watch(redis: Redis, name: string, onReconnect?: () => void): void {
  let lastLog = 0;
  let lost = false;
  redis.on("error", (err: Error) => {
    const now = Date.now();
    if (now - lastLog < LOG_EVERY_MS) return;
    lastLog = now;
    logger.warn({ redis: name, err: err.message }, "redis connection error");
  });
  redis.on("close", () => {
    if (!lost) metrics.redisReconnects.inc({ connection: name });
    lost = true;
  });
  redis.on("ready", () => {
    if (!lost) return;
    lost = false;
    logger.info({ redis: name }, "redis connection restored");
    onReconnect?.();
  });
}

/** RedisDriver with its room-list cache forgotten when the request fails (see the top of this file). */
export type PlazaRedisDriver = RedisDriver;

interface DriverInternals {
  getRooms(roomName?: string): Promise<unknown>;
  _concurrentRoomCacheRequest?: Promise<unknown>;
  _roomCacheRequestByName: Record<string, unknown>;
}

export function forgetFailedRoomLists(driver: RedisDriver): PlazaRedisDriver {
  const d = driver as unknown as DriverInternals;
  const getRooms = d.getRooms.bind(d);
  d.getRooms = (roomName?: string) => {
    const request = getRooms(roomName);
    const raw = d._concurrentRoomCacheRequest;
    request.catch(() => {
      // Only the failed ones: a later request may already be in flight.
      if (d._concurrentRoomCacheRequest === raw) d._concurrentRoomCacheRequest = undefined;
      if (d._roomCacheRequestByName[roomName as string] === request) delete d._roomCacheRequestByName[roomName as string];
    });
    return request;
  };
  return driver;
}

/**
 * Writes back this process's matchmaking entries after Redis returns (maybe empty): the
 * listings of its live rooms and its stats. Errors are logged; the next reconnect tries again.
 */
export async function restoreMatchmakingEntries(): Promise<void> {
  try {
    await matchMaker.restoreMissingRoomCaches();
    await matchMaker.stats.persist(true);
    metrics.redisRestores.inc();
    logger.info({ processId: matchMaker.processId }, "matchmaking entries restored after a Redis reconnect");
  } catch (err) {
    logger.warn({ err: (err as Error).message }, "could not restore matchmaking entries after a Redis reconnect");
  }
}

const TOLERATING = Symbol.for("plaza.tolerateRedisRejections");

/** Errors ioredis gives a command while Redis is away (the command failed; the connection retries). */
export function isRedisOutage(reason: unknown): boolean {
  const e = reason as { name?: string; message?: string } | undefined;
  return e?.name === "MaxRetriesPerRequestError" || /^(Connection is closed|Stream isn't writeable)/.test(e?.message ?? "");
}

/**
 * Colyseus fires some Redis writes and forgets them (its matchmaking stats after every join and
 * leave): while Redis is away they reject with nobody listening, which would end the process.
 * Those are logged and counted here; any other unhandled rejection still ends it as before.
 */
export function tolerateRedisRejections(): void {
  const proc = process as unknown as Record<symbol, boolean>;
  if (proc[TOLERATING]) return;
  proc[TOLERATING] = true;
  let lastLog = 0;
  process.on("unhandledRejection", (reason) => {
    if (!isRedisOutage(reason)) throw reason;
    metrics.redisFailedWrites.inc();
    const now = Date.now();
    if (now - lastLog < LOG_EVERY_MS) return;
    lastLog = now;
    logger.warn({ err: (reason as Error).message }, "a Redis write failed while Redis was away (counted in plaza_redis_failed_writes_total)");
  });
}

/** Presence and driver on their own watched connections (the driver's reconnect restores the listings). */
export function redisClusterParts(url: string): { presence: RedisPresence; driver: PlazaRedisDriver; ping: () => Promise<void> } {
  tolerateRedisRejections();
  const pub = redisConnection(url, "presence");
  const presence = new RedisPresence(pub);
  // The subscriber is duplicated from `pub` by RedisPresence; it inherits the options above.
  const driverClient = redisConnection(url, "driver", () => { void restoreMatchmakingEntries(); });
  const driver = forgetFailedRoomLists(new RedisDriver(driverClient));
  const ping = async () => {
    await Promise.all([pub.ping(), driverClient.hexists("roomcaches", "readiness-probe")]);
  };
  return { presence, driver, ping };
}
