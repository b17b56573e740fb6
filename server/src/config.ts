/**
 * Process configuration: the one place the server reads its environment. Every setting is declared
 * once here, with its validation, its default and one line of documentation; README's
 * "Configuration" table and `.env.example` are rendered from these declarations
 * (`server/src/configDocs.ts`, checked by `config.test.ts`). Validated once at start.
 */
import { join } from "node:path";
import { z } from "zod";
import { compileTrustProxy } from "./net/clientAddress.ts";
import { CROWD_ELU, CROWD_FINE, CROWD_SIZE_ANY_LOAD, CROWD_PATCH_MS, CROWD_SIZE, CROWD_UNCORK, INTEREST_MAX, PATCH_MS } from "../../shared/constants.ts";

/** shared_buffers of an embedded PGlite database, MB, unless PGLITE_SHARED_BUFFERS_MB says otherwise (store/pglite.ts). */
export const PGLITE_SHARED_BUFFERS_MB_DEFAULT = 8;

/** Where embedded data lives unless PLAZA_DATA_DIR says otherwise. */
export const DATA_DIR_DEFAULT = ".data";
/** The session-signing secret generated into a data directory when PLAZA_SECRET is unset. */
export const secretFile = (dataDir: string) => join(dataDir, "secret");
/** The embedded PGlite database of a data directory (without DATABASE_URL). */
export const pgliteDir = (dataDir: string) => join(dataDir, "pglite");
/** Where `npm run cluster` keeps the PostgreSQL it starts when DATABASE_URL is unset. */
export const CLUSTER_POSTGRES_DIR = join(DATA_DIR_DEFAULT, "cluster-postgres");

export const iceServersSchema = z.array(
  z.object({ urls: z.union([z.string(), z.array(z.string())]), username: z.string().optional(), credential: z.string().optional() }).strict(),
);
export type IceServers = z.infer<typeof iceServersSchema>;

/** An empty variable counts as unset. */
const unsetIfEmpty = (v: unknown) => (v === "" ? undefined : v);
const LOG_LEVELS = ["fatal", "error", "warn", "info", "debug", "trace", "silent"] as const;

// Each group is one block of README's table and of .env.example, in this order.

const serverSettings = {
  PORT: z.coerce.number().int().min(0).max(65535).default(2567)
    .describe("one port for HTTP, the built client and WebSockets"),
  HOST: z.string().default("0.0.0.0")
    .describe("bind address: `0.0.0.0` lets colleagues on your network join, `127.0.0.1` keeps it local"),
  SPACE_MAX_CLIENTS: z.coerce.number().int().min(1).max(5000).default(2000)
    .describe("most people in one space; the next join gets \"this space is full\" (SP2)"),
  PLAZA_INTEREST: z.enum(["grid", "off"]).default("grid")
    .describe("`grid`: each client receives the avatars near it; `off`: everyone receives everyone (for comparison only)"),
  INTEREST_RADIUS: z.coerce.number().int().min(1).max(256).optional()
    .describe("tiles around a cell's centre within which avatars are received (IM1); unset: 16, plus half of a cell's edge beyond 8 (IM14)"),
  INTEREST_MAX: z.coerce.number().int().min(1).max(5000).default(INTEREST_MAX)
    .describe("in a crowd, the most avatars a client receives: the nearest its cell's centre (IM2)"),
  INTEREST_CELL: z.coerce.number().int().min(1).max(256).optional()
    .describe("edge (tiles) of the cells whose clients share one view (IM7); unset: by the map's size, 8 to 16 tiles, at most 64 cells (IM14)"),
  PATCH_MS: z.coerce.number().int().min(16).max(1000).default(PATCH_MS)
    .describe("state patch interval, ms (20 patches/s; 100 halves the socket writes of a huge space)"),
  CROWD_SIZE: z.coerce.number().int().min(1).max(100000).default(CROWD_SIZE)
    .describe("from this many people, while the event loop is at least `CROWD_ELU` busy, a space patches every `CROWD_PATCH_MS`, written out in slices (IM8)"),
  CROWD_ELU: z.coerce.number().min(0).max(1).default(CROWD_ELU)
    .describe("how busy the process's event loop must be for `CROWD_SIZE` to apply"),
  CROWD_PATCH_MS: z.coerce.number().int().min(16).max(1000).default(CROWD_PATCH_MS)
    .describe("patch interval of a crowded space, ms"),
  CROWD_UNCORK: z.coerce.number().int().min(1).max(100000).default(CROWD_UNCORK)
    .describe("a crowded space writes its patch out to this many sockets at a time, handling and acking moves between (IM8)"),
  CROWD_FINE: z.coerce.number().int().min(1).max(5000).default(CROWD_FINE)
    .describe("a crowded space sends each cell's this-many nearest avatars every step, the rest as a coarse tile every COARSE_STEP (4) tiles or COARSE_MS (1.5 s) (IM9)"),
  CROWD_SIZE_ANY_LOAD: z.coerce.number().int().min(1).max(100000).default(CROWD_SIZE_ANY_LOAD)
    .describe("from this many people a space is crowded (`CROWD_PATCH_MS`, slices) whatever the event loop's load (IM8)"),
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
    })
    .describe("WebRTC STUN/TURN servers for browsers, a JSON array, e.g. `[{\"urls\":\"stun:stun.example.org:3478\"},{\"urls\":\"turn:turn.example.org:3478\",\"username\":\"plaza\",\"credential\":\"secret\"}]`; empty: peers on one machine or LAN only (README \"A/V configuration\")"),
};

const storageSettings = {
  DATABASE_URL: z.preprocess(unsetIfEmpty, z.string().regex(/^postgres(ql)?:\/\//, "postgres://user:password@host:port/db").optional())
    .describe("PostgreSQL for accounts, teams, spaces and their content, e.g. `postgres://plaza:secret@127.0.0.1:5432/plaza`; unset: embedded PGlite in `PLAZA_DATA_DIR/pglite`. Every process of a cluster needs the same one"),
  PLAZA_DATA_DIR: z.string().min(1).default(DATA_DIR_DEFAULT)
    .describe("embedded data: the PGlite database (`pglite/`) and the generated session secret (`secret`)"),
  PLAZA_SECRET: z.preprocess(unsetIfEmpty, z.string().min(32, "at least 32 characters").optional())
    .describe("signs session tokens (at least 32 characters); unset: generated once into `PLAZA_DATA_DIR/secret`. Every process of a cluster needs the same one"),
  PLAZA_AUTO_SPACES: z.preprocess(unsetIfEmpty, z.enum(["0", "1", "true", "false"]).default("false").transform((v) => v === "1" || v === "true"))
    .describe("load tests and demos only: a valid but unknown space id is created (public, default office) on first join (SP3)"),
  PGLITE_SHARED_BUFFERS_MB: z.coerce.number().int().min(1).max(4096).default(PGLITE_SHARED_BUFFERS_MB_DEFAULT)
    .describe("PostgreSQL `shared_buffers` of each embedded PGlite database (the store and the embedded analytics engine), MB: it stays resident for the life of the process; misses are read from the OS page cache, so a small pool costs little (PostgreSQL's own default, 128, costs ~140 MB per database)"),
};

const securitySettings = {
  TRUST_PROXY: z.preprocess(
    unsetIfEmpty,
    z.string().optional().superRefine((s, ctx) => {
      try {
        compileTrustProxy(s);
      } catch (err) {
        ctx.addIssue({ code: "custom", message: err instanceof Error ? err.message : String(err) });
      }
    }),
  ).describe("reverse proxies whose `X-Forwarded-For` is believed: `loopback`, `uniquelocal`, CIDRs or addresses (comma-separated), or a hop count; `true` is refused. Unset: nobody, the socket's peer is the client (SE8)"),
  SEATS_PER_ADDRESS: z.coerce.number().int().min(1).max(100_000).default(20)
    .describe("seats that visitors and guests from one address may hold in one space (members are never counted); raise it for public events behind one NAT (SE7)"),
  JOINS_PER_ADDRESS: z.coerce.number().int().min(1).max(1_000_000).default(60)
    .describe("joins (new seats) that visitors and guests from one address may make per minute, in all spaces of the process or, with `REDIS_URL`, of the cluster (members are never counted) (SE7)"),
  SIGNUPS_PER_ADDRESS: z.coerce.number().int().min(1).max(1_000_000).default(20)
    .describe("new accounts (sign-ups, guest invites accepted signed out) one address may make per `SIGNUP_WINDOW_S` (AC5)"),
  SIGNUP_WINDOW_S: z.coerce.number().int().min(1).max(7 * 86_400).default(3600)
    .describe("window of `SIGNUPS_PER_ADDRESS`, s"),
  SIGNIN_MAX_FAILS_PER_ACCOUNT: z.coerce.number().int().min(1).max(1_000_000).default(10)
    .describe("failed sign-ins in a row that lock an account's sign-in for `SIGNIN_LOCK_S`; a success clears the count (AC3)"),
  SIGNIN_LOCK_S: z.coerce.number().int().min(1).max(86_400).default(900)
    .describe("how long that lock lasts, s"),
  SIGNIN_MAX_FAILS_PER_ADDRESS: z.coerce.number().int().min(1).max(1_000_000).default(100)
    .describe("failed sign-ins one address may make per `SIGNIN_ADDRESS_WINDOW_S`; successes never count (AC3)"),
  SIGNIN_ADDRESS_WINDOW_S: z.coerce.number().int().min(1).max(86_400).default(900)
    .describe("window of `SIGNIN_MAX_FAILS_PER_ADDRESS`, s"),
  SHUTDOWN_TIMEOUT_MS: z.coerce.number().int().min(1000).max(600_000).default(15_000)
    .describe("a process that starts shutting down (SIGTERM, a fatal error) exits after at most this long, ms, whatever is pending (SE1)"),
};

const clusterSettings = {
  REDIS_URL: z.preprocess(unsetIfEmpty, z.string().regex(/^rediss?:\/\//, "redis://host:port").optional())
    .describe("Redis shared by every process (presence, matchmaking, heartbeats, last positions), e.g. `redis://127.0.0.1:6379`; unset: one process, in memory (README \"Operations\")"),
  PUBLIC_ADDRESS: z.preprocess(unsetIfEmpty, z.string().regex(/^[^\s/]+:\d{1,5}(\/\S*)?$/, "host:port").optional())
    .describe("host:port where browsers reach this process directly (with `REDIS_URL`), e.g. `plaza-1.example.org:443`; unset: `HOST:PORT`, with 127.0.0.1 for a wildcard bind"),
  CLUSTER_IPC_TIMEOUT_MS: z.coerce.number().int().min(200).max(30_000).default(1500)
    .describe("how long a process waits for another's answer before counting it dead, ms: lower fails over faster, too low treats a briefly stalled process as dead (CL3)"),
  PLAZA_TEST_FAKE_ELU: z.preprocess(unsetIfEmpty, z.coerce.number().min(0).max(1).optional())
    .describe("tests only: the event-loop utilisation this process reports in its heartbeat instead of the measured one"),
};

const analyticsSettings = {
  CLICKHOUSE_URL: z.preprocess(unsetIfEmpty, z.url().optional())
    .describe("ClickHouse HTTP endpoint, e.g. `http://127.0.0.1:8123`; unset: the embedded engine (`ANALYTICS_EMBEDDED`)"),
  CLICKHOUSE_USER: z.string().default("default")
    .describe("ClickHouse user"),
  CLICKHOUSE_PASSWORD: z.string().default("")
    .describe("ClickHouse password"),
  CLICKHOUSE_DATABASE: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]{0,62}$/, "letters, digits and _").default("plaza")
    .describe("ClickHouse database, created with its tables at start"),
  ANALYTICS_SPOOL_DIR: z.preprocess(unsetIfEmpty, z.string().min(1).optional())
    .describe("spool: append-only NDJSON segments kept while the analytics database is unreachable (or off); one directory per process; unset: `PLAZA_DATA_DIR/analytics-spool`"),
  ANALYTICS_SPOOL_MAX_MB: z.coerce.number().positive().max(1_000_000).default(256)
    .describe("spool cap, MB; beyond it the oldest segments are dropped and counted"),
  ANALYTICS_BATCH_ROWS: z.coerce.number().int().min(1).max(1_000_000).default(5000)
    .describe("rows per insert: a batch is sent when it has this many rows or after `ANALYTICS_FLUSH_MS`"),
  ANALYTICS_FLUSH_MS: z.coerce.number().int().min(50).max(60_000).default(2000)
    .describe("longest wait before an insert, ms"),
  ANALYTICS_QUEUE_MAX: z.coerce.number().int().min(1).max(10_000_000).default(100_000)
    .describe("rows per table waiting in memory at most; beyond it the oldest batch is dropped and counted"),
  INSIGHTS_TOKEN: z.preprocess(unsetIfEmpty, z.string().min(8).optional())
    .describe("optional operator token (`Authorization: Bearer …`) for every space's insights, e.g. for scripts; owners and admins use their session"),
  ANALYTICS_EMBEDDED: z.enum(["auto", "on", "off"]).default("auto")
    .describe("without `CLICKHOUSE_URL`: `on` keeps events in an embedded database (`PLAZA_DATA_DIR/analytics`, one process) so insights work; `off` keeps them in the spool only; `auto`: on unless `REDIS_URL` is set (a cluster needs ClickHouse for insights) (AN6)"),
  ANALYTICS_RETENTION_DAYS: z.coerce.number().int().min(1).max(36_500).default(90)
    .describe("days analytics events and samples are kept; older ones are deleted (ClickHouse: a table TTL, or an hourly delete on servers before 19.6; embedded: hourly) (PV4)"),
  INSIGHTS_MIN_GROUP: z.coerce.number().int().min(1).max(1000).default(5)
    .describe("insights show no breakdown that describes fewer people than this (PV2)"),
  ANALYTICS_EMBEDDED_IDLE_S: z.coerce.number().int().min(0).max(86_400).default(60)
    .describe("the embedded analytics database opens on the first batch or insights query and, after this many seconds with neither, stops and frees its memory (~60 MB); 0: open from the first batch until shutdown"),
};

const operationsSettings = {
  DRAIN_GRACE_MS: z.coerce.number().int().min(0).max(300_000).default(0)
    .describe("on SIGTERM, how long `/readyz` answers 503 before rooms start draining, ms, so load balancers stop sending here first; set it to your balancer's check interval × its failure threshold (e.g. 5000 behind nginx/HAProxy, 0 in development) (OP3)"),
  METRICS_PORT: z.preprocess(unsetIfEmpty, z.coerce.number().int().min(0).max(65535).optional())
    .describe("serve `/metrics` on this port (on `METRICS_HOST`) instead of the public one, for a Prometheus inside your network; unset: `/metrics` on the main port (OP4)"),
  METRICS_HOST: z.string().min(1).default("127.0.0.1")
    .describe("address the `METRICS_PORT` listener binds"),
  METRICS_TOKEN: z.preprocess(unsetIfEmpty, z.string().min(16, "at least 16 characters").optional())
    .describe("when set, `/metrics` answers only `Authorization: Bearer <token>` (Prometheus `authorization` / `bearer_token_file`); unset: open (bind it privately or use `METRICS_PORT`) (OP4)"),
  OPERATOR_TOKEN: z.preprocess(unsetIfEmpty, z.string().min(16, "at least 16 characters").optional())
    .describe("enables the Colyseus monitor at `/monitor` (rooms, clients, per process) behind HTTP Basic auth, user `operator`, this password; unset: no monitor (OP5)"),
};

const loggingSettings = {
  LOG_LEVEL: z.enum(LOG_LEVELS).optional()
    .describe("pino level: fatal, error, warn, info, debug, trace or silent; unset: `info`, or `warn` when `NODE_ENV` is `test`"),
  NODE_ENV: z.string().optional()
    .describe("Plaza reads it only for `test` (Vitest sets it), which makes `warn` the default `LOG_LEVEL`; libraries such as express read it too"),
  DEBUG: z.string().optional()
    .describe("debug channels, read by the `debug` package itself: `plaza:room`, `plaza:http`, `plaza:*`, `colyseus:*`"),
};

const mailSettings = {
  SMTP_URL: z.preprocess(unsetIfEmpty, z.string().regex(/^smtps?:\/\/[^\s]+$/, "smtp://user:password@host:port or smtps://…").optional())
    .describe("SMTP server that sends password-reset email, e.g. `smtp://plaza:secret@mail.example.org:587` (STARTTLS when the server offers it) or `smtps://…:465`; unset: Plaza sends no email, and team owners, admins and the operator hand out reset links instead (AC6)"),
  MAIL_FROM: z.string().min(3).default("Plaza <plaza@localhost>")
    .describe("sender of Plaza's email, e.g. `Plaza <plaza@example.org>` (your SMTP server may insist on its own domain)"),
  PUBLIC_URL: z.preprocess(unsetIfEmpty, z.url({ protocol: /^https?$/ }).optional())
    .describe("the address people open Plaza at, e.g. `https://plaza.example.org`: reset links point there (never at the Host a request names); unset: `http://localhost:PORT`"),
  PASSWORD_RESET_TTL_MIN: z.coerce.number().int().min(1).max(24 * 60).default(30)
    .describe("how long a reset link works, minutes; it also stops working once used (AC6)"),
  PASSWORD_RESETS_PER_ACCOUNT: z.coerce.number().int().min(1).max(1_000_000).default(3)
    .describe("reset requests per email address per hour, counted alike whether or not it has an account (AC7)"),
  PASSWORD_RESETS_PER_ADDRESS: z.coerce.number().int().min(1).max(1_000_000).default(10)
    .describe("reset requests one network address may make per hour (AC7)"),
};

/** A comma-separated setting's entries (JANUS_URLS, TURN_URLS). */
export const listOf = (s: string) => s.split(",").map((u) => u.trim()).filter(Boolean);

const avSettings = {
  JANUS_URLS: z.string().default("").refine((s) => listOf(s).every((u) => /^https?:\/\/\S+$/.test(u)), "http(s)://host:port/janus, comma-separated")
    .describe("Janus HTTP API base URLs (comma-separated, e.g. `https://sfu1.example.org/janus`), reached by this server, and by browsers unless `JANUS_PUBLIC_URLS` says otherwise; unset: every conversation is a peer-to-peer mesh capped at 8 (SF1, SF6)"),
  JANUS_API_SECRET: z.preprocess(unsetIfEmpty, z.string().optional())
    .describe("Janus's `api_secret`, sent by this server with its own requests (room management); leave Janus's api_secret unset if browsers reach the same API (they get no secret, only room tokens)"),
  JANUS_THRESHOLD: z.coerce.number().int().min(1).max(100).default(4)
    .describe("a conversation group bigger than this (and everyone in a private area) meets through Janus (SF1)"),
  TURN_URLS: z.string().default("").refine((s) => listOf(s).every((u) => /^turns?:\S+$/.test(u)), "turn:host:port or turns:host:port, comma-separated")
    .describe("coturn URLs for browsers (comma-separated), e.g. `turn:turn.example.org:3478?transport=udp,turns:turn.example.org:5349?transport=tcp`; needs `TURN_SECRET` (SF8)"),
  TURN_SECRET: z.preprocess(unsetIfEmpty, z.string().min(16, "at least 16 characters").optional())
    .describe("coturn's `static-auth-secret` (`use-auth-secret`): signs the time-limited TURN credentials given to people admitted to a space (SF8)"),
  TURN_TTL_S: z.coerce.number().int().min(60).max(7 * 86_400).default(3600)
    .describe("lifetime of one TURN credential, s; renewed in the room at half of it (SF8)"),
  JANUS_PUBLIC_URLS: z.string().default("").refine((s) => listOf(s).every((u) => /^https?:\/\/\S+$/.test(u)), "http(s)://host/janus, comma-separated")
    .describe("where browsers reach each Janus instance when that differs from `JANUS_URLS` (e.g. `https://plaza.example.org/janus/1` behind the HTTPS proxy), one per instance in the same order; unset: browsers use `JANUS_URLS` (SF21)"),
  JANUS_STAGE_VIDEO_MAX: z.coerce.number().int().min(0).max(10_000).default(50)
    .describe("with Janus, the spotlight reaches everyone in the space; this many listeners (the nearest) also get the speaker's camera and screen, on the low simulcast layer, the others audio only (SF11)"),
};

/** The settings by group, in documentation order. */
export const SETTING_GROUPS = [
  { title: "Server and rooms", settings: serverSettings },
  { title: "Storage and accounts", settings: storageSettings },
  { title: "Security", settings: securitySettings },
  { title: "Cluster", settings: clusterSettings },
  { title: "Analytics", settings: analyticsSettings },
  { title: "Operations", settings: operationsSettings },
  { title: "Logging", settings: loggingSettings },
  { title: "Email and password reset", settings: mailSettings },
  { title: "Audio/video (SFU and TURN)", settings: avSettings },
] as const;

/** Every setting, validated one by one (for tests and documentation: `configFromEnv` parses them together). */
export const settingsSchema = z.object({
  ...serverSettings, ...storageSettings, ...securitySettings, ...clusterSettings, ...analyticsSettings, ...operationsSettings, ...loggingSettings,
  ...mailSettings, ...avSettings,
});
export type SettingName = keyof typeof settingsSchema.shape;

const envSchema = settingsSchema.transform((c) => ({ ...c, LOG_LEVEL: logLevelOf(c) }));

export type PlazaConfig = z.infer<typeof envSchema>;

function logLevelOf(c: { LOG_LEVEL?: (typeof LOG_LEVELS)[number]; NODE_ENV?: string }): (typeof LOG_LEVELS)[number] {
  return c.LOG_LEVEL ?? (c.NODE_ENV === "test" ? "warn" : "info");
}

function parseOrThrow<T>(schema: z.ZodType<T>, env: NodeJS.ProcessEnv): T {
  const r = schema.safeParse(env);
  if (!r.success) {
    throw new Error(`invalid configuration: ${r.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")}`);
  }
  return r.data;
}

export function configFromEnv(env: NodeJS.ProcessEnv = process.env): PlazaConfig {
  return parseOrThrow(envSchema, env);
}

/** Every setting at its default (what a process started with an empty environment uses). */
export function configDefaults(): PlazaConfig {
  return configFromEnv({});
}

/** The settings `given` names (already validated), every other one at its default. */
export function configWithDefaults(given: Partial<PlazaConfig>): PlazaConfig {
  const named = Object.fromEntries(Object.entries(given).filter(([, v]) => v !== undefined));
  return { ...configDefaults(), ...named };
}

/** The log level alone: log.ts needs it when it loads, before the rest of the configuration is read. */
export function logLevelFromEnv(env: NodeJS.ProcessEnv = process.env): string {
  return logLevelOf(parseOrThrow(z.object(loggingSettings), env));
}

/**
 * CL3: Colyseus reads how long to wait for another process from its own variable, once, when it
 * loads; main.ts calls this before importing it. Colyseus's 2 s cost two waits per failover (seat
 * reservation, then the health check); 1.5 s, with the client's 0.7 s detection, brings recovery
 * after a SIGKILL to ~4.5 s. A process whose event loop stalls longer than this is treated as gone
 * (1 s did that to loaded test processes: two rooms for one space); placement avoids busy ones (CL2).
 * A COLYSEUS_PRESENCE_SHORT_TIMEOUT set by hand wins.
 */
export function exportColyseusSettings(config: Pick<PlazaConfig, "CLUSTER_IPC_TIMEOUT_MS">, env: NodeJS.ProcessEnv = process.env): void {
  env.COLYSEUS_PRESENCE_SHORT_TIMEOUT ??= String(config.CLUSTER_IPC_TIMEOUT_MS);
}
