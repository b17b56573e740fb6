/**
 * A real redis-server for cluster tests, on a free loopback port. Missing redis-server: the caller
 * skips with a warning, except under CI=true where that is an error (.ci/run installs it).
 */
import { redisServerInstalled, startLocalRedis, type LocalRedis } from "../src/cluster/redisServer.ts";
import { Redis } from "ioredis";
import { positionsKey } from "../src/cluster/PositionStore.ts";
import { HEARTBEAT_KEY } from "../src/cluster/placement.ts";
import { until } from "../../shared/testing/wait.ts";

export type { LocalRedis };

export async function startTestRedis(): Promise<LocalRedis | undefined> {
  if (!redisServerInstalled()) {
    if (process.env.CI === "true") throw new Error("redis-server is not installed (CI=true): install it (apt-get install redis-server)");
    console.warn("redis-server not installed: skipping the cluster tests");
    return undefined;
  }
  return startLocalRedis();
}

/**
 * Waits until `check` holds for what the test's Redis says (cluster state a test waits for instead
 * of sleeping: a heartbeat written, a position stored). One short-lived connection.
 */
export async function untilRedis(url: string, check: (redis: Redis) => Promise<boolean>, what: string, ms = 10_000): Promise<void> {
  const redis = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 1 });
  try {
    await redis.connect();
    await until(() => check(redis), what, ms, 50);
  } finally {
    redis.disconnect();
  }
}

/** CL3: until a batched position write holds `tile` for this session of this space. */
export function untilPositionStored(url: string, spaceId: string, sessionId: string, tile: { x: number; y: number }): Promise<void> {
  return untilRedis(url, async (r) => (await r.hget(positionsKey(spaceId), sessionId)) === `${tile.x},${tile.y}`, `position ${tile.x},${tile.y} of ${sessionId} stored`);
}

/** CL2: until the process with this id has written a heartbeat (with `elu`, when given). */
export function untilHeartbeat(url: string, processId: string, elu?: number): Promise<void> {
  return untilRedis(url, async (r) => {
    const raw = await r.hget(HEARTBEAT_KEY, processId);
    return raw !== null && (elu === undefined || (JSON.parse(raw) as { elu?: number }).elu === elu);
  }, `heartbeat of ${processId}`);
}
