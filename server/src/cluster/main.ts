/**
 * `npm run cluster -- --processes 3 [--redis redis://127.0.0.1:6379] [--base-port 2567]`
 *
 * N Plaza processes on consecutive ports sharing one Redis, one PostgreSQL and one session secret
 * (README "Operations"). Without --redis (and REDIS_URL unset) it starts a throwaway redis-server on
 * a free loopback port; without DATABASE_URL, a local PostgreSQL whose data stays in
 * CLUSTER_POSTGRES_DIR, .data/cluster-postgres (both if installed). SIGINT/SIGTERM are forwarded to every process, which
 * drain (CL4) before exiting.
 *
 * A process that dies is started again on its port (OP7): after 1 s, doubling to 30 s while it
 * keeps dying within a minute of starting; `--no-restart` leaves it dead (to watch failover). This
 * is a development supervisor: in production systemd (deploy/) or your orchestrator restarts.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { parseArgs } from "node:util";
import { fileURLToPath } from "node:url";
import pg from "pg";
import { redisServerInstalled, startLocalRedis, type LocalRedis } from "./redisServer.ts";
import { postgresBinDir, startLocalPostgres, type LocalPostgres } from "./postgresServer.ts";
import { loadSecret } from "../auth/tokens.ts";
import { CLUSTER_POSTGRES_DIR, configFromEnv, secretFile } from "../config.ts";
import { analyticsSpoolDir } from "../analytics/pipeline.ts";

const ROOT = fileURLToPath(new URL("../../../", import.meta.url));
// The processes read the same environment (plus what is set for each below); read here only for what the launcher needs.
const config = configFromEnv();

const { values } = parseArgs({
  options: {
    processes: { type: "string", default: "2" },
    redis: { type: "string" },
    "base-port": { type: "string", default: String(config.PORT) },
    "no-restart": { type: "boolean", default: false },
  },
});
const count = Number(values.processes);
const basePort = Number(values["base-port"]);
if (!Number.isInteger(count) || count < 1 || count > 64) throw new Error("--processes must be 1..64");
if (!Number.isInteger(basePort) || basePort < 1 || basePort + count > 65535) throw new Error("--base-port must leave room for the processes");

let redis: LocalRedis | undefined;
let redisUrl = values.redis ?? config.REDIS_URL;
if (!redisUrl) {
  if (!redisServerInstalled()) {
    console.error("cluster: give --redis redis://host:port (or REDIS_URL), or install redis-server to have one started here");
    process.exit(2);
  }
  redis = await startLocalRedis();
  redisUrl = redis.url;
  console.log(`cluster: started redis-server at ${redisUrl} (stopped with the cluster)`);
}

// Accounts and spaces must be one database for all processes (PGlite is one process's).
let postgres: LocalPostgres | undefined;
let databaseUrl = config.DATABASE_URL;
if (!databaseUrl) {
  if (!postgresBinDir()) {
    console.error("cluster: set DATABASE_URL=postgres://… (shared by all processes), or install postgresql to have one started here");
    await redis?.stop();
    process.exit(2);
  }
  postgres = await startLocalPostgres({ dataDir: CLUSTER_POSTGRES_DIR });
  const admin = new pg.Client({ connectionString: postgres.url });
  await admin.connect();
  if ((await admin.query("SELECT 1 FROM pg_database WHERE datname = 'plaza'")).rowCount === 0) await admin.query("CREATE DATABASE plaza");
  await admin.end();
  databaseUrl = postgres.url.replace(/\/[^/]*$/, "/plaza");
  console.log(`cluster: started PostgreSQL at ${databaseUrl} (data in ${CLUSTER_POSTGRES_DIR}, stopped with the cluster)`);
}
// One session secret for all, or a token signed by one process is refused by the next.
const secret = loadSecret(config.PLAZA_SECRET, secretFile(config.PLAZA_DATA_DIR));

const children: ChildProcess[] = [];
let stopping = false;
/** A process that lived this long before dying starts again after the shortest delay. */
const HEALTHY_RUN_MS = 60_000;
const FIRST_RESTART_MS = 1000;
const MAX_RESTART_MS = 30_000;

function startProcess(i: number, restartDelayMs = FIRST_RESTART_MS): void {
  const port = basePort + i;
  const env = {
    ...process.env,
    PORT: String(port),
    REDIS_URL: redisUrl,
    DATABASE_URL: databaseUrl,
    PLAZA_SECRET: secret,
    // One analytics spool per process (a spool directory has one writer).
    ANALYTICS_SPOOL_DIR: `${analyticsSpoolDir(config)}-${port}`,
  };
  const startedAt = Date.now();
  const child = spawn(process.execPath, ["--import", "tsx", "server/src/main.ts"], { cwd: ROOT, env, stdio: "inherit" });
  child.once("exit", (code, signal) => {
    if (!stopping) {
      const delay = Date.now() - startedAt > HEALTHY_RUN_MS ? FIRST_RESTART_MS : restartDelayMs;
      if (values["no-restart"]) {
        console.error(`cluster: process on port ${port} exited (${signal ?? code}); the others keep serving its spaces`);
      } else {
        console.error(`cluster: process on port ${port} exited (${signal ?? code}); the others serve its spaces; restarting it in ${delay / 1000} s`);
        setTimeout(() => { if (!stopping) startProcess(i, Math.min(MAX_RESTART_MS, delay * 2)); }, delay);
        return;
      }
    }
    if (children.every((c) => c.exitCode !== null || c.signalCode !== null)) void finish();
  });
  children[i] = child;
}

for (let i = 0; i < count; i++) {
  startProcess(i);
  const host = !config.HOST || ["0.0.0.0", "::"].includes(config.HOST) ? "localhost" : config.HOST;
  console.log(`cluster: process ${i + 1}/${count} → http://${host}:${basePort + i}  (ready: /readyz, metrics: /metrics)`);
}

async function finish() {
  await redis?.stop();
  await postgres?.stop();
  process.exit(0);
}

for (const sig of ["SIGINT", "SIGTERM"] as const) {
  process.on(sig, () => {
    if (stopping) return;
    stopping = true;
    console.log(`cluster: ${sig}: draining ${children.length} processes`);
    for (const c of children) c.kill(sig);
    // Bounded: whatever has not drained in 30 s is killed.
    setTimeout(() => { for (const c of children) c.kill("SIGKILL"); }, 30_000).unref();
  });
}
