/**
 * Builds one Plaza process: express (stateless HTTP) + Colyseus (stateful space rooms) on one
 * port. Used by main.ts and by tests, which start it on 127.0.0.1:0 and close it afterwards.
 */
import { defineRoom, defineServer, LocalPresence, matchMaker, type Presence, type Server } from "@colyseus/core";
import { WebSocketTransport } from "@colyseus/ws-transport";
import { Encoder } from "@colyseus/schema";
import type { Application } from "express";
import type { AddressInfo } from "node:net";
import { SPACE_ROOM } from "../../shared/protocol.ts";
import { MAX_MESSAGE_BYTES } from "../../shared/constants.ts";
import { spaceRoomWith } from "./rooms/SpaceRoom.ts";
import { analyticsExtension } from "./rooms/space/analyticsExtension.ts";
import { positionsExtension } from "./rooms/space/positionsExtension.ts";
import { teamPresenceExtension } from "./rooms/space/teamPresenceExtension.ts";
import type { MapCatalog } from "./maps/MapCatalog.ts";
import { mountHttp } from "./http/api.ts";
import { configWithDefaults, listOf, secretFile, type PlazaConfig } from "./config.ts";
import { colyseusLogger, logger } from "./log.ts";
import { pinoHttp } from "pino-http";
import type { PlazaRedisDriver } from "./cluster/redisClients.ts";
import { mountHealth, mountOperatorEndpoints, Readiness, startMetricsServer, type ReadinessCheck } from "./http/ops.ts";
import type { AnalyticsPort } from "./analytics/events.ts";
import type { AnalyticsPipeline } from "./analytics/pipeline.ts";
import { startAnalyticsService } from "./analytics/service.ts";
import { mountInsights } from "./http/insights.ts";
import { LoadReporter, loadAwarePlacement } from "./cluster/load.ts";
import { PresencePositionStore, type PositionStore } from "./cluster/PositionStore.ts";
import * as metrics from "./metrics.ts";
import type { Store } from "./store/Store.ts";
import { openStore } from "./store/open.ts";
import { loadSecret, Tokens } from "./auth/tokens.ts";
import { ResumeTokens } from "./auth/resumeTokens.ts";
import { retryJoinsWhileOpening } from "./cluster/SpaceClaim.ts";
import { compileTrustProxy, pinClientAddress } from "./net/clientAddress.ts";
import { loadTemplates } from "./maps/templates.ts";
import { SpaceDirectory } from "./access/directory.ts";
import { AccessEvents } from "./access/AccessEvents.ts";
import { TeamPresence } from "./team/TeamPresence.ts";
import { JanusPool } from "./av/JanusPool.ts";
import type { AvSettings } from "./rooms/space/Meetings.ts";
import { authLimitSettings, createAuthLimits, type AuthLimits } from "./http/limits.ts";
import { passwordResetOf, type PasswordReset } from "./http/passwordReset.ts";

export interface PlazaProcess {
  port: number;
  /** http://host:port, with 127.0.0.1 for a wildcard bind. */
  url: string;
  server: Server;
  directory: SpaceDirectory;
  /** Access changes (SE4): the HTTP tier publishes them, rooms on every process hear them; tests await `access.ready()`. */
  access: AccessEvents;
  /** Signs the resume tokens rooms hand out (SE6); tests sign their own with it. */
  resumeTokens: ResumeTokens;
  /** Colyseus's id of this process (matchmaking, heartbeats). */
  processId: string;
  /** This process's analytics pipeline (the rooms' port unless `analytics` was given); tests flush it. */
  analytics: AnalyticsPipeline;
  /** The port of the separate /metrics listener (METRICS_PORT), if any. */
  metricsPort?: number;
  close(): Promise<void>;
}

export interface StartOptions extends Partial<PlazaConfig> {
  /** The map auto-created spaces start from (PLAZA_AUTO_SPACES; tests pass their own). */
  maps?: MapCatalog;
  /** Install SIGTERM/SIGINT handlers (main.ts yes, tests no). */
  handleSignals?: boolean;
  /** Analytics port for the rooms (tests may pass their own). */
  analytics?: AnalyticsPort;
  /** Where rooms keep last positions (default: presence, i.e. Redis with REDIS_URL). */
  positions?: PositionStore;
  /** Durable storage (default: openStore from DATABASE_URL / PLAZA_DATA_DIR); closed with the process only if opened here. */
  store?: Store;
}

/**
 * A space's full state (its content: up to 2,000 objects and 20,000 painted tiles, BM6, plus the
 * people) is encoded in one buffer for each newcomer; the 16 KB default would overflow and grow
 * with a warning on every big join.
 */
Encoder.BUFFER_SIZE = 256 * 1024;

export async function startPlaza(opts: StartOptions = {}): Promise<PlazaProcess> {
  const cfg = configWithDefaults(opts);
  const dataDir = cfg.PLAZA_DATA_DIR;
  const store = opts.store ?? (await openStore({ DATABASE_URL: cfg.DATABASE_URL, PLAZA_DATA_DIR: dataDir, PGLITE_SHARED_BUFFERS_MB: cfg.PGLITE_SHARED_BUFFERS_MB }));
  const ownsStore = opts.store === undefined;
  const secret = loadSecret(cfg.PLAZA_SECRET, secretFile(dataDir));
  const tokens = new Tokens(secret);
  const resumeTokens = new ResumeTokens(secret);
  const directory = new SpaceDirectory(store, tokens, loadTemplates(), { autoSpaces: cfg.PLAZA_AUTO_SPACES, autoMap: opts.maps });
  const analytics = startAnalytics(cfg, store);
  const host = cfg.HOST;
  const shownHost = host === "0.0.0.0" || host === "::" ? "127.0.0.1" : host;
  // One process by default; with REDIS_URL, rooms, seats and placement are shared through Redis
  // and each client is sent straight to the process hosting its space (publicAddress).
  // OP1: Redis connections that fail fast while Redis is away and restore this process's entries when it returns.
  // Loaded only with REDIS_URL (OP17): the Redis clients are not part of the embedded default.
  const redis = cfg.REDIS_URL ? (await import("./cluster/redisClients.ts")).redisClusterParts(cfg.REDIS_URL) : undefined;
  const presence: Presence = redis?.presence ?? new LocalPresence();
  const cluster = clusterOptions(cfg, presence, shownHost, redis?.driver);
  const reporter = new LoadReporter(presence, { fakeElu: cfg.PLAZA_TEST_FAKE_ELU });
  const drain: DrainState = { draining: false };
  // OP2: ready only when every dependency answers a round-trip and the process is not draining.
  const checks: ReadinessCheck[] = [{ name: "database", check: () => store.ping() }];
  if (redis) checks.push({ name: "redis", check: redis.ping });
  const readiness = new Readiness(checks, () => drain.draining);
  // TP: the team's online list and announcements, through the same presence (Redis in a cluster).
  const team = new TeamPresence(presence, { processId: () => matchMaker.processId });
  // AC3/AC5: sign-in and sign-up limits, shared through Redis in a cluster.
  const limits = createAuthLimits(authLimitSettings(cfg), cfg.REDIS_URL);
  // AC6–AC8: reset links signed with the secret, mailed through SMTP_URL when set.
  const passwordReset = passwordResetOf(cfg, secret);
  // SE4: one per process; HTTP actions that take access away publish, rooms re-check their seats.
  const access = new AccessEvents(presence);
  // SF1–SF8: SFU meetings through Janus and TURN credentials, when configured.
  const av = avSettings(cfg);
  const SpaceRoom = spaceRoomFor(cfg, opts, { directory, analytics, presence, team, access, resumeTokens, limits, av });
  // SE3: clients join spaces; they never create rooms. joinOrCreate opens a space's one room.
  matchMaker.controller.exposedMethods = ["joinOrCreate", "join", "joinById", "reconnect"];
  // SE3: a join that lost the race to open a space (SpaceClaim) is retried until it finds the room.
  retryJoinsWhileOpening();
  let metricsServer: Awaited<ReturnType<typeof startMetricsServer>>;
  const release = async () => {
    await metricsServer?.close();
    await analytics.close();
    await limits.close();
    av.janus?.close();
    if (ownsStore) await store.close();
  };

  const transport = new WebSocketTransport({ maxPayload: MAX_MESSAGE_BYTES });
  const server = defineServer({
    transport,
    greet: false,
    logger: colyseusLogger,
    gracefullyShutdown: opts.handleSignals ?? false,
    presence,
    ...cluster,
    rooms: { [SPACE_ROOM]: defineRoom(SpaceRoom).filterBy(["spaceId"]) },
    express: mountExpress(cfg, { directory, analytics, reporter, drain, readiness, storeKind: store.kind, limits, team, access, passwordReset }),
  });
  onShutdownHooks(server, cfg, opts, { release, drain, reporter });

  try {
    await server.listen(cfg.PORT, host);
    metricsServer = await startMetricsServer(cfg);
  } catch (err) {
    await release();
    throw err;
  }
  pinClientAddresses(transport, cfg);
  const address = transport.server!.address() as AddressInfo;
  const url = `http://${shownHost.includes(":") ? `[${shownHost}]` : shownHost}:${address.port}`;
  reporter.start();
  logger.info({ url, processId: matchMaker.processId, redis: cfg.REDIS_URL !== undefined, publicAddress: cluster.publicAddress }, "plaza listening");

  return {
    port: address.port,
    url,
    server,
    directory,
    access,
    resumeTokens,
    processId: matchMaker.processId,
    analytics: analytics.pipeline,
    metricsPort: metricsServer?.port,
    close: () => server.gracefullyShutdown(false),
  };
}

/** Health probes and scrapes: not worth a request log line each. */
const QUIET_PATHS = new Set(["/livez", "/readyz", "/healthz", "/metrics"]);

/** Set once the process starts draining (CL4): /healthz answers 503 from then on. */
interface DrainState {
  draining: boolean;
}

/** With REDIS_URL: the shared driver, this process's public address and load-aware placement (CL). */
function clusterOptions(cfg: PlazaConfig, presence: Presence, shownHost: string, driver: PlazaRedisDriver | undefined) {
  const port = cfg.PORT;
  const cluster = driver
    ? {
        driver,
        publicAddress: cfg.PUBLIC_ADDRESS ?? (port ? `${shownHost.includes(":") ? `[${shownHost}]` : shownHost}:${port}` : undefined),
        selectProcessIdToCreateRoom: loadAwarePlacement(presence),
      }
    : {};
  if (cfg.REDIS_URL && !cluster.publicAddress) logger.warn("REDIS_URL without PORT or PUBLIC_ADDRESS: clients reaching another process cannot be redirected here");
  return cluster;
}

/** The SpaceRoom class with its settings and extensions (analytics, saved positions, team presence). */
function spaceRoomFor(
  cfg: PlazaConfig,
  opts: StartOptions,
  deps: { directory: SpaceDirectory; analytics: Analytics; presence: Presence; team: TeamPresence; access: AccessEvents; resumeTokens: ResumeTokens; limits: AuthLimits; av: AvSettings },
) {
  return spaceRoomWith({
    directory: deps.directory,
    maxClients: cfg.SPACE_MAX_CLIENTS,
    interest: cfg.PLAZA_INTEREST,
    interestOptions: { radius: cfg.INTEREST_RADIUS, max: cfg.INTEREST_MAX, cell: cfg.INTEREST_CELL },
    patchMs: cfg.PATCH_MS,
    crowd: { size: cfg.CROWD_SIZE, patchMs: cfg.CROWD_PATCH_MS, elu: cfg.CROWD_ELU, uncorkSlice: cfg.CROWD_UNCORK, fine: cfg.CROWD_FINE, sizeAnyLoad: cfg.CROWD_SIZE_ANY_LOAD },
    extensions: [
      analyticsExtension(opts.analytics ?? deps.analytics.pipeline),
      positionsExtension(opts.positions ?? new PresencePositionStore(deps.presence)),
      teamPresenceExtension(deps.team),
    ],
    access: deps.access,
    resumeTokens: deps.resumeTokens,
    seatsPerAddress: cfg.SEATS_PER_ADDRESS,
    joinRate: deps.limits,
    av: deps.av,
  });
}

/** SF1, SF6, SF8: the Janus pool (JANUS_URLS) and TURN credentials (TURN_URLS + TURN_SECRET). */
function avSettings(cfg: PlazaConfig): AvSettings {
  const [janusUrls, turnUrls] = [listOf(cfg.JANUS_URLS), listOf(cfg.TURN_URLS)];
  const janus = janusUrls.length ? new JanusPool({ urls: janusUrls, publicUrls: listOf(cfg.JANUS_PUBLIC_URLS), apiSecret: cfg.JANUS_API_SECRET }) : undefined;
  if (turnUrls.length && !cfg.TURN_SECRET) logger.warn("TURN_URLS without TURN_SECRET: no TURN credentials are handed out");
  const turn = turnUrls.length && cfg.TURN_SECRET ? { urls: turnUrls, secret: cfg.TURN_SECRET, ttlS: cfg.TURN_TTL_S } : undefined;
  return { janus, threshold: cfg.JANUS_THRESHOLD, turn, stageVideoMax: cfg.JANUS_STAGE_VIDEO_MAX };
}

/** The express side of the process: per-process health, the insights API and the HTTP tier. */
function mountExpress(
  cfg: PlazaConfig,
  deps: { directory: SpaceDirectory; analytics: Analytics; reporter: LoadReporter; drain: DrainState; readiness: Readiness; storeKind: string; limits: AuthLimits; team: TeamPresence; access: AccessEvents; passwordReset: PasswordReset },
) {
  const { directory, reporter, drain } = deps;
  return (app: Application) => {
    // OP4: one JSON log line per request (health probes and scrapes are not logged).
    app.use(pinoHttp({ logger: logger.child({ component: "http" }), autoLogging: { ignore: (req) => QUIET_PATHS.has((req.url ?? "").split("?")[0]!) } }));
    mountHealth(app, { readiness: deps.readiness, isDraining: () => drain.draining, elu: () => reporter.latest.elu });
    mountOperatorEndpoints(app, cfg);
    mountInsights(app, { insights: deps.analytics.insights, token: cfg.INSIGHTS_TOKEN, directory });
    mountHttp(app, { directory, iceServers: cfg.ICE_SERVERS, storeKind: deps.storeKind, config: cfg, limits: deps.limits, team: deps.team, access: deps.access, passwordReset: deps.passwordReset });
  };
}

/** Registers, in this order, the process's onShutdown (release) and onBeforeShutdown (drain) hooks. */
function onShutdownHooks(server: Server, cfg: PlazaConfig, opts: StartOptions, deps: { release: () => Promise<void>; drain: DrainState; reporter: LoadReporter }) {
  // After the rooms are disposed (their last events tracked): flush analytics, then close.
  server.onShutdown(async () => {
    await deps.release();
  });
  // CL4: first leave placement, then Colyseus locks the rooms and calls their onBeforeShutdown.
  server.onBeforeShutdown(async () => {
    deps.drain.draining = true;
    metrics.draining.set(1);
    metrics.ready.set(0);
    // OP3: readiness fails first; the balancers get DRAIN_GRACE_MS to notice before rooms move.
    logger.info({ processId: matchMaker.processId, graceMs: cfg.DRAIN_GRACE_MS }, "draining");
    if (cfg.DRAIN_GRACE_MS > 0) await new Promise((r) => setTimeout(r, cfg.DRAIN_GRACE_MS));
    // SE1: a process that decided to stop exits within its drain time, whatever is still pending
    // (a hung store or Redis call must not leave it holding its port and ignoring signals).
    if (opts.handleSignals) {
      const limit = cfg.SHUTDOWN_TIMEOUT_MS;
      setTimeout(() => {
        logger.error({ processId: matchMaker.processId, limitMs: limit }, "shutdown did not finish in time: exiting");
        process.exit(1);
      }, limit).unref();
    }
    await deps.reporter.stop();
  });
}

/**
 * SE8: the client's address as TRUST_PROXY says, pinned before Colyseus reads it (it believes
 * X-Real-IP / X-Forwarded-For from anyone); Express reads the same rule through `trust proxy`.
 * Call after listen: the transport's HTTP server exists only then.
 */
function pinClientAddresses(transport: WebSocketTransport, cfg: PlazaConfig) {
  const trust = compileTrustProxy(cfg.TRUST_PROXY);
  transport.server!.prependListener("request", (req) => { pinClientAddress(req, trust); });
  transport.server!.prependListener("upgrade", (req) => { pinClientAddress(req, trust); });
}

type Analytics = ReturnType<typeof startAnalytics>;

/** The process's analytics (analytics/service.ts): embedded by default, ClickHouse when CLICKHOUSE_URL is set. */
function startAnalytics(cfg: PlazaConfig, store: Store) {
  return startAnalyticsService(cfg, store);
}
