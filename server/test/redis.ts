/**
 * A real redis-server for cluster tests, on a free loopback port. Missing redis-server: the caller
 * skips with a warning, except under CI=true where that is an error (.ci/run installs it).
 */
import { redisServerInstalled, startLocalRedis, type LocalRedis } from "../src/cluster/redisServer.ts";

export type { LocalRedis };

export async function startTestRedis(): Promise<LocalRedis | undefined> {
  if (!redisServerInstalled()) {
    if (process.env.CI === "true") throw new Error("redis-server is not installed (CI=true): install it (apt-get install redis-server)");
    console.warn("redis-server not installed: skipping the cluster tests");
    return undefined;
  }
  return startLocalRedis();
}
