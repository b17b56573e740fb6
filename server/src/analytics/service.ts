/**
 * A process's analytics, assembled (app.ts startAnalytics): the pipeline the rooms write to, the
 * engine its batches go to — ClickHouse with CLICKHOUSE_URL, else the embedded engine (AN6), else
 * only the spool — the insights reader over the same engine, the opt-out lists (PV6), retention
 * (PV4) and the deletion of a deleted account's events (PV5).
 */
import { join } from "node:path";
import { AnalyticsPipeline, analyticsConfig } from "./pipeline.ts";
import { ClickHouseSink } from "./clickhouse.ts";
import { ClickHouseSource, type InsightsSource } from "./engine.ts";
import { EmbeddedEngine } from "./embedded.ts";
import { Insights } from "./insights.ts";
import { AnalyticsPrivacy } from "./privacy.ts";
import { onAccountDeleted } from "../http/accountDeletion.ts";
import type { PlazaConfig } from "../config.ts";
import type { Store } from "../store/Store.ts";
import { logger } from "../log.ts";

const log = logger.child({ module: "analytics" });
const HOUR_MS = 3_600_000;
const DAY_S = 86_400;

/** What the insights API needs (http/insights.ts). */
export interface InsightsService {
  /** Null when no engine answers queries (ANALYTICS_EMBEDDED off and no CLICKHOUSE_URL). */
  readonly insights: Insights | null;
  readonly privacy: AnalyticsPrivacy;
  readonly minGroup: number;
  readonly store: Store;
}

export type EngineChoice = "clickhouse" | "embedded" | "spool";

export function engineChoice(cfg: Pick<PlazaConfig, "CLICKHOUSE_URL" | "ANALYTICS_EMBEDDED" | "REDIS_URL">): EngineChoice {
  if (cfg.CLICKHOUSE_URL) return "clickhouse";
  const embedded = cfg.ANALYTICS_EMBEDDED === "on" || (cfg.ANALYTICS_EMBEDDED === "auto" && !cfg.REDIS_URL);
  return embedded ? "embedded" : "spool";
}

export function startAnalyticsService(cfg: PlazaConfig, store: Store) {
  const ac = analyticsConfig(cfg);
  const privacy = new AnalyticsPrivacy(store);
  void privacy.start();
  const choice = engineChoice(cfg);
  const embedded = choice === "embedded" ? new EmbeddedEngine(join(cfg.PLAZA_DATA_DIR, "analytics"), {
    sharedBuffersMb: cfg.PGLITE_SHARED_BUFFERS_MB, idleCloseMs: cfg.ANALYTICS_EMBEDDED_IDLE_S * 1000,
  }) : null;
  const pipeline = new AnalyticsPipeline(ac, { warehouse: embedded ?? undefined, privacy });
  let source: InsightsSource | null = embedded;
  if (choice === "clickhouse") {
    source = new ClickHouseSource(new ClickHouseSink({ url: ac.clickhouseUrl!, username: ac.clickhouseUser, password: ac.clickhousePassword, database: ac.database, requestTimeoutMs: 15_000 }));
  }
  const insights = source ? new Insights(source) : null;
  if (choice === "spool") log.info("analytics: no CLICKHOUSE_URL and the embedded engine is off; events are kept in the spool and insights are unavailable");

  // PV4: the embedded engine and ClickHouse before 19.6 delete old rows themselves, at start and hourly.
  const sweep = async () => {
    if (!source) return;
    if (source instanceof ClickHouseSource && !(await source.needsRetentionSweep())) return;
    await source.deleteBefore(Math.floor(Date.now() / 1000) - cfg.ANALYTICS_RETENTION_DAYS * DAY_S);
  };
  const retention = setInterval(() => void sweep().catch((err) => log.warn({ error: (err as Error).message }, "analytics retention sweep failed")), HOUR_MS);
  retention.unref();
  setTimeout(() => void sweep().catch(() => undefined), 10_000).unref();

  // PV5: rows still queued are written first, so none of the person's arrive after the delete.
  const unsubscribe = onAccountDeleted(async (userId) => {
    privacy.setUser(userId, true);
    await pipeline.flush();
    await insights?.deleteUser(userId);
  });

  const service: InsightsService = { insights, privacy, minGroup: cfg.INSIGHTS_MIN_GROUP, store };
  return {
    pipeline,
    insights: service,
    close: async () => {
      clearInterval(retention);
      unsubscribe();
      privacy.stop();
      await pipeline.close(); // closes the embedded engine too (it is the pipeline's warehouse)
      if (choice === "clickhouse") await insights?.close();
    },
  };
}
