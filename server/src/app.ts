/**
 * Builds one Plaza process: express (stateless HTTP) + Colyseus (stateful space rooms) on one
 * port. Used by main.ts and by tests, which start it on 127.0.0.1:0 and close it afterwards.
 */
import { defineRoom, defineServer, type Server } from "@colyseus/core";
import { WebSocketTransport } from "@colyseus/ws-transport";
import type { AddressInfo } from "node:net";
import { SPACE_ROOM } from "../../shared/protocol.ts";
import { INTEREST_MAX, INTEREST_RADIUS, MAX_MESSAGE_BYTES, PATCH_MS } from "../../shared/constants.ts";
import { spaceRoomWith } from "./rooms/SpaceRoom.ts";
import { TemplateMapCatalog, type MapCatalog } from "./space/MapCatalog.ts";
import { mountHttp } from "./http/api.ts";
import type { PlazaConfig } from "./config.ts";
import { logger } from "./log.ts";
import type { AnalyticsPort } from "./analytics/events.ts";
import { AnalyticsPipeline, ANALYTICS_DEFAULTS } from "./analytics/pipeline.ts";
import { ClickHouseSink } from "./analytics/clickhouse.ts";
import { Insights } from "./analytics/insights.ts";
import { mountInsights } from "./http/insights.ts";

export interface PlazaProcess {
  port: number;
  /** http://host:port, with 127.0.0.1 for a wildcard bind. */
  url: string;
  server: Server;
  close(): Promise<void>;
}

export interface StartOptions extends Partial<PlazaConfig> {
  maps?: MapCatalog;
  /** Install SIGTERM/SIGINT handlers (main.ts yes, tests no). */
  handleSignals?: boolean;
  /** Analytics port for the rooms (tests may pass their own). */
  analytics?: AnalyticsPort;
}

export async function startPlaza(opts: StartOptions = {}): Promise<PlazaProcess> {
  const maps = opts.maps ?? new TemplateMapCatalog();
  const analytics = startAnalytics(opts);
  const port = opts.PORT ?? 2567;
  const host = opts.HOST ?? "0.0.0.0";
  const SpaceRoom = spaceRoomWith({
    maps,
    maxClients: opts.SPACE_MAX_CLIENTS ?? 1000,
    interest: opts.PLAZA_INTEREST ?? "grid",
    interestOptions: { radius: opts.INTEREST_RADIUS ?? INTEREST_RADIUS, max: opts.INTEREST_MAX ?? INTEREST_MAX },
    patchMs: opts.PATCH_MS ?? PATCH_MS,
    analytics: opts.analytics ?? analytics.pipeline,
  });

  const transport = new WebSocketTransport({ maxPayload: MAX_MESSAGE_BYTES });
  const server = defineServer({
    transport,
    greet: false,
    gracefullyShutdown: opts.handleSignals ?? false,
    rooms: { [SPACE_ROOM]: defineRoom(SpaceRoom).filterBy(["spaceId"]) },
    express: (app) => {
      mountInsights(app, { insights: analytics.insights, token: opts.INSIGHTS_TOKEN });
      mountHttp(app, { maps, iceServers: opts.ICE_SERVERS ?? [] });
    },
  });
  // After the rooms are disposed (their last events tracked): flush analytics, then close.
  server.onShutdown(() => analytics.close());

  try {
    await server.listen(port, host);
  } catch (err) {
    await analytics.close();
    throw err;
  }
  const address = transport.server!.address() as AddressInfo;
  const shownHost = host === "0.0.0.0" || host === "::" ? "127.0.0.1" : host;
  const url = `http://${shownHost.includes(":") ? `[${shownHost}]` : shownHost}:${address.port}`;
  logger.info({ url }, "plaza listening");

  return {
    port: address.port,
    url,
    server,
    close: () => server.gracefullyShutdown(false),
  };
}

/** The process's analytics pipeline (spool by default, ClickHouse when CLICKHOUSE_URL is set) and insights reader. */
function startAnalytics(opts: StartOptions) {
  const url = opts.CLICKHOUSE_URL;
  const database = opts.CLICKHOUSE_DATABASE ?? ANALYTICS_DEFAULTS.database;
  const pipeline = AnalyticsPipeline.configure({
    clickhouseUrl: url,
    clickhouseUser: opts.CLICKHOUSE_USER,
    clickhousePassword: opts.CLICKHOUSE_PASSWORD,
    database,
    spoolDir: opts.ANALYTICS_SPOOL_DIR ?? ANALYTICS_DEFAULTS.spoolDir,
    spoolMaxBytes: Math.round((opts.ANALYTICS_SPOOL_MAX_MB ?? 256) * 1024 * 1024),
    batchRows: opts.ANALYTICS_BATCH_ROWS ?? ANALYTICS_DEFAULTS.batchRows,
    flushMs: opts.ANALYTICS_FLUSH_MS ?? ANALYTICS_DEFAULTS.flushMs,
    queueMax: opts.ANALYTICS_QUEUE_MAX ?? ANALYTICS_DEFAULTS.queueMax,
  });
  const insights = url
    ? new Insights(new ClickHouseSink({ url, username: opts.CLICKHOUSE_USER, password: opts.CLICKHOUSE_PASSWORD, database, requestTimeoutMs: 15_000 }))
    : null;
  return {
    pipeline,
    insights,
    close: async () => {
      await pipeline.close();
      await insights?.close();
    },
  };
}
