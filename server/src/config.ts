/** Process configuration from the environment, validated once at start (see .env.example). */
import { z } from "zod";
import { compileTrustProxy } from "./net/clientAddress.ts";
import { CROWD_ELU, CROWD_FINE, CROWD_PATCH_MS, CROWD_SIZE, CROWD_UNCORK, INTEREST_CELL, INTEREST_MAX, INTEREST_RADIUS, PATCH_MS } from "../../shared/constants.ts";

export const iceServersSchema = z.array(
  z.object({ urls: z.union([z.string(), z.array(z.string())]), username: z.string().optional(), credential: z.string().optional() }).strict(),
);
export type IceServers = z.infer<typeof iceServersSchema>;

const envSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(2567),
  HOST: z.string().default("0.0.0.0"),
  /** Most people one space room admits. */
  SPACE_MAX_CLIENTS: z.coerce.number().int().min(1).max(5000).default(1000),
  /** Interest management: "grid" (each client gets the avatars near it) or "off" (everyone gets everyone). */
  PLAZA_INTEREST: z.enum(["grid", "off"]).default("grid"),
  /** State patch interval in ms (20/s by default; 100 halves the socket writes of a huge space). */
  PATCH_MS: z.coerce.number().int().min(16).max(1000).default(PATCH_MS),
  /**
   * From this many people, with the event loop at least CROWD_ELU busy, a space patches every
   * CROWD_PATCH_MS, written out to the sockets in slices (IM8).
   */
  CROWD_SIZE: z.coerce.number().int().min(1).max(100000).default(CROWD_SIZE),
  CROWD_ELU: z.coerce.number().min(0).max(1).default(CROWD_ELU),
  CROWD_PATCH_MS: z.coerce.number().int().min(16).max(1000).default(CROWD_PATCH_MS),
  /** A crowded space writes its patch out this many sockets at a time, moves handled between (IM8). */
  CROWD_UNCORK: z.coerce.number().int().min(1).max(100000).default(CROWD_UNCORK),
  /** A crowded space sends each cell's CROWD_FINE nearest avatars every step, the rest coarse (IM9). */
  CROWD_FINE: z.coerce.number().int().min(1).max(5000).default(CROWD_FINE),
  /** Radius (tiles) and nearest-N cap of interest management. */
  INTEREST_RADIUS: z.coerce.number().int().min(1).max(256).default(INTEREST_RADIUS),
  INTEREST_MAX: z.coerce.number().int().min(1).max(5000).default(INTEREST_MAX),
  /** Edge (tiles) of the cells whose clients share one view (IM7). */
  INTEREST_CELL: z.coerce.number().int().min(1).max(256).default(INTEREST_CELL),
  /**
   * WebRTC ICE servers for browsers, as JSON: [{"urls":"stun:stun.example.org:3478"},
   * {"urls":"turn:turn.example.org:3478","username":"u","credential":"p"}]. Empty by default:
   * peers on one machine or LAN connect with host candidates; across the internet add STUN, and
   * TURN for people behind strict NATs.
   */
  ICE_SERVERS: z
    .string()
    .default("[]")
    .transform((s, ctx) => {
      try {
        return iceServersSchema.parse(JSON.parse(s));
      } catch {
        ctx.addIssue({ code: "custom", message: "ICE_SERVERS must be a JSON array of {urls, username?, credential?}" });
        return z.NEVER;
      }
    }),
  // ---- Storage and accounts (README "Storage") ----
  /** PostgreSQL, e.g. postgres://plaza:secret@127.0.0.1:5432/plaza. Unset: embedded PGlite in PLAZA_DATA_DIR. */
  DATABASE_URL: z.preprocess((v) => (v === "" ? undefined : v), z.string().regex(/^postgres(ql)?:\/\//, "postgres://user:password@host:port/db").optional()),
  /** Where embedded data lives (PGlite database, session secret, analytics spool). */
  PLAZA_DATA_DIR: z.string().min(1).default(".data"),
  /** Signs session tokens; every process of a cluster needs the same. Unset: generated once into PLAZA_DATA_DIR/secret. */
  PLAZA_SECRET: z.preprocess((v) => (v === "" ? undefined : v), z.string().min(32, "at least 32 characters").optional()),
  /** AC3: this many failed sign-ins in a row lock an account's sign-in for SIGNIN_LOCK_S (a success clears the count). */
  SIGNIN_MAX_FAILS_PER_ACCOUNT: z.coerce.number().int().min(1).max(1_000_000).default(10),
  SIGNIN_LOCK_S: z.coerce.number().int().min(1).max(86_400).default(900),
  /** AC3: failed sign-ins one address may make per SIGNIN_ADDRESS_WINDOW_S (successes never count). */
  SIGNIN_MAX_FAILS_PER_ADDRESS: z.coerce.number().int().min(1).max(1_000_000).default(100),
  SIGNIN_ADDRESS_WINDOW_S: z.coerce.number().int().min(1).max(86_400).default(900),
  /** AC5: accounts (sign-ups, guest invites accepted signed out) one address may make per SIGNUP_WINDOW_S. */
  SIGNUPS_PER_ADDRESS: z.coerce.number().int().min(1).max(1_000_000).default(20),
  SIGNUP_WINDOW_S: z.coerce.number().int().min(1).max(7 * 86_400).default(3600),
  /**
   * Which reverse proxies' X-Forwarded-For to believe (SE8): unset trusts nobody (the socket's
   * peer is the client); "loopback", "uniquelocal", CIDRs or addresses, comma-separated; or a hop
   * count. "true" is refused. Rate limits count per the address this yields.
   */
  TRUST_PROXY: z.preprocess(
    (v) => (v === "" ? undefined : v),
    z.string().optional().superRefine((s, ctx) => {
      try {
        compileTrustProxy(s);
      } catch (err) {
        ctx.addIssue({ code: "custom", message: err instanceof Error ? err.message : String(err) });
      }
    }),
  ),
  /**
   * SE7: seats that visitors and guests from one address may hold in one space (members and up
   * are never counted). Raise it for events where many anonymous people share one address.
   */
  SEATS_PER_ADDRESS: z.coerce.number().int().min(1).max(100_000).default(20),
  /** SE1: a process that starts shutting down (SIGTERM, a fatal error) exits after at most this long, whatever is pending. */
  SHUTDOWN_TIMEOUT_MS: z.coerce.number().int().min(1000).max(600_000).default(15_000),
  /** Load tests and demos: a valid but unknown space id is created (public, default office) on first join. */
  PLAZA_AUTO_SPACES: z.preprocess((v) => (v === "" ? undefined : v), z.enum(["0", "1", "true", "false"]).default("false").transform((v) => v === "1" || v === "true")),
  // ---- Cluster (README "Operations") ----
  /** Redis for presence + matchmaking across processes, e.g. redis://127.0.0.1:6379. Unset: one process, in memory. */
  REDIS_URL: z.preprocess((v) => (v === "" ? undefined : v), z.string().regex(/^rediss?:\/\//, "redis://host:port").optional()),
  /**
   * host:port where clients reach THIS process directly (seat reservations point there). Default
   * HOST:PORT, with 127.0.0.1 for a wildcard bind; set it to the public name behind NAT or a proxy.
   */
  PUBLIC_ADDRESS: z.preprocess((v) => (v === "" ? undefined : v), z.string().regex(/^[^\s/]+:\d{1,5}(\/\S*)?$/, "host:port").optional()),
  /**
   * How long (ms) a process waits for another's answer before counting it dead (seat reservations,
   * health checks). Lower: faster failover after a crash; too low: a briefly stalled process is
   * treated as dead (and a room it was asked to create is created elsewhere too). Default 1500.
   */
  CLUSTER_IPC_TIMEOUT_MS: z.coerce.number().int().min(200).max(30_000).default(1500),
  /** Tests only: report this event-loop utilisation in the heartbeat instead of the measured one. */
  PLAZA_TEST_FAKE_ELU: z.preprocess((v) => (v === "" ? undefined : v), z.coerce.number().min(0).max(1).optional()),
  // ---- Analytics (README "Analytics") ----
  /** ClickHouse HTTP endpoint, e.g. http://127.0.0.1:8123. Unset: events stay in the on-disk spool. */
  CLICKHOUSE_URL: z.preprocess((v) => (v === "" ? undefined : v), z.url().optional()),
  CLICKHOUSE_USER: z.string().default("default"),
  CLICKHOUSE_PASSWORD: z.string().default(""),
  CLICKHOUSE_DATABASE: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]{0,62}$/, "letters, digits and _").default("plaza"),
  /** Spool directory (append-only NDJSON segments) and its cap; beyond it the oldest are dropped. */
  ANALYTICS_SPOOL_DIR: z.string().min(1).default(".data/analytics-spool"),
  ANALYTICS_SPOOL_MAX_MB: z.coerce.number().positive().max(1_000_000).default(256),
  /** Insert when a batch has this many rows, or every ANALYTICS_FLUSH_MS, whichever comes first. */
  ANALYTICS_BATCH_ROWS: z.coerce.number().int().min(1).max(1_000_000).default(5000),
  ANALYTICS_FLUSH_MS: z.coerce.number().int().min(50).max(60_000).default(2000),
  /** Rows per table waiting in memory at most (beyond: the oldest batch is dropped and counted). */
  ANALYTICS_QUEUE_MAX: z.coerce.number().int().min(1).max(10_000_000).default(100_000),
  /** Bearer token for the insights API; unset: the insights API answers 403. */
  INSIGHTS_TOKEN: z.preprocess((v) => (v === "" ? undefined : v), z.string().min(8).optional()),
});

export type PlazaConfig = z.infer<typeof envSchema>;

export function configFromEnv(env: NodeJS.ProcessEnv = process.env): PlazaConfig {
  const r = envSchema.safeParse(env);
  if (!r.success) {
    throw new Error(`invalid configuration: ${r.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")}`);
  }
  return r.data;
}
