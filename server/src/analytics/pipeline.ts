/**
 * The analytics pipeline of a process (SPEC AN1–AN4): app.ts makes one (`startAnalytics`) and hands
 * it to the rooms as their AnalyticsPort. Rooms call track()/sample() (synchronous, O(1), never
 * throwing, never awaiting: AN1); rows are shaped (rows.ts) and wait in a bounded in-memory queue
 * per table (batches.ts), and one worker hands sealed batches to the delivery state machine
 * (delivery.ts), which inserts them into ClickHouse or, without ClickHouse or while it is
 * unreachable, writes them to the on-disk spool and replays that later. This file is the wiring:
 * the queues, the flush timer, the worker, opening the spool, stats.
 *
 * Batching: ClickHouse wants few, large inserts (each insert makes a part on disk that merges
 * later; thousands of tiny inserts per second end in TOO_MANY_PARTS). The field's norm is one
 * insert per table every 1–5 s or every few thousand rows, so we flush at ANALYTICS_BATCH_ROWS
 * (5,000) or every ANALYTICS_FLUSH_MS (2 s), whichever comes first: dashboards lag by ≤ 2 s,
 * and a busy process makes ≤ 1 insert per table per 5,000 rows.
 *
 * Memory bound: at most ANALYTICS_QUEUE_MAX rows per table wait in memory. The worker moves full
 * batches to ClickHouse or the spool asynchronously; it only falls behind when the disk is
 * slower than the rooms, and then the OLDEST waiting batch is dropped and counted
 * (plaza_analytics_dropped_total{reason="queue_full"}). track() never touches the disk.
 *
 * A spool directory has one writer: close a pipeline before making another on the same directory.
 */
import { hostname } from "node:os";
import { join } from "node:path";
import { randomUUID } from "node:crypto";
import type { AnalyticsPort, PresenceSample, TrackedEvent } from "./events.ts";
import { ClickHouseSink } from "./clickhouse.ts";
import { SpoolLockedError, SpoolSink } from "./spool.ts";
import type { EventRow, PresenceRow } from "./sink.ts";
import { BatchQueue } from "./batches.ts";
import { eventRow, presenceRow, secondClock } from "./rows.ts";
import { probeBackoff } from "./backoff.ts";
import { Delivery, realTimers, type Batch, type DeliveryCounts, type LinkState, type Warehouse } from "./delivery.ts";
import type { AnalyticsPrivacy } from "./privacy.ts";
import { analyticsDropped, analyticsQueued } from "../metrics.ts";
import { configDefaults, type PlazaConfig } from "../config.ts";
import { logger } from "../log.ts";

export interface AnalyticsConfig {
  /** Unset: everything stays in the spool (replayed once a URL is configured and Plaza restarted). */
  clickhouseUrl?: string;
  clickhouseUser?: string;
  clickhousePassword?: string;
  database: string;
  spoolDir: string;
  spoolMaxBytes: number;
  batchRows: number;
  flushMs: number;
  /** Rows per table waiting in memory at most. */
  queueMax: number;
  /** Longest wait between probes of an unreachable ClickHouse (default 30 s). */
  probeMaxMs?: number;
  /** Insert attempts before a batch goes to the spool (default 3). */
  insertAttempts?: number;
  /** PV4: days kept (ClickHouse TTL where the server has it). */
  retentionDays?: number;
}

type AnalyticsSettings = Pick<PlazaConfig,
  | "CLICKHOUSE_URL" | "CLICKHOUSE_USER" | "CLICKHOUSE_PASSWORD" | "CLICKHOUSE_DATABASE" | "PLAZA_DATA_DIR" | "ANALYTICS_RETENTION_DAYS"
  | "ANALYTICS_SPOOL_DIR" | "ANALYTICS_SPOOL_MAX_MB" | "ANALYTICS_BATCH_ROWS" | "ANALYTICS_FLUSH_MS" | "ANALYTICS_QUEUE_MAX">;

/** ANALYTICS_SPOOL_DIR, or under the data directory (it once defaulted to the working directory's .data). */
export function analyticsSpoolDir(c: Pick<PlazaConfig, "ANALYTICS_SPOOL_DIR" | "PLAZA_DATA_DIR">): string {
  return c.ANALYTICS_SPOOL_DIR ?? join(c.PLAZA_DATA_DIR, "analytics-spool");
}

/** The pipeline's configuration from the process's settings (server/src/config.ts). */
export function analyticsConfig(c: AnalyticsSettings): AnalyticsConfig {
  return {
    clickhouseUrl: c.CLICKHOUSE_URL,
    clickhouseUser: c.CLICKHOUSE_USER,
    clickhousePassword: c.CLICKHOUSE_PASSWORD,
    database: c.CLICKHOUSE_DATABASE,
    spoolDir: analyticsSpoolDir(c),
    spoolMaxBytes: Math.round(c.ANALYTICS_SPOOL_MAX_MB * 1024 * 1024),
    batchRows: c.ANALYTICS_BATCH_ROWS,
    flushMs: c.ANALYTICS_FLUSH_MS,
    queueMax: c.ANALYTICS_QUEUE_MAX,
    retentionDays: c.ANALYTICS_RETENTION_DAYS,
  };
}

/** The pipeline with every setting at its default (no ClickHouse: the spool). */
export const ANALYTICS_DEFAULTS: AnalyticsConfig = analyticsConfig(configDefaults());

export type ClickHouseState = LinkState;

export interface AnalyticsStats extends DeliveryCounts {
  sink: "spool" | "clickhouse" | "embedded";
  clickhouse: ClickHouseState;
  queued: number;
  spool: { bytes: number; segments: number; rows: number };
}

const log = logger.child({ module: "analytics" });

export class AnalyticsPipeline implements AnalyticsPort {
  readonly process = `${hostname()}:${process.pid}`;
  private readonly events: BatchQueue<EventRow>;
  private readonly presence: BatchQueue<PresenceRow>;
  private readonly counts: DeliveryCounts = { sent: 0, spooled: 0, replayed: 0, dropped: 0, rejected: 0, insertErrors: 0 };
  /** Where batches go: ClickHouse, the embedded engine, or nowhere but the spool. */
  private readonly warehouse: (Warehouse & { close(): Promise<void> }) | null;
  private readonly sinkKind: AnalyticsStats["sink"];
  private readonly privacy: Pick<AnalyticsPrivacy, "records"> | undefined;
  private readonly delivery: Delivery;
  private spool: SpoolSink | null = null;
  private readonly ready: Promise<void>;
  private running: Promise<void> | null = null;
  private kickPending = false;
  private readonly timer: NodeJS.Timeout;
  private closing: Promise<void> | null = null;
  /** The current time as ClickHouse text, for rows that come without a usable one. */
  private readonly now = secondClock();

  /**
   * Opens the spool and connects to ClickHouse (or the given warehouse: the embedded engine) in
   * the background; tracking works at once. `privacy` drops what opted-out people and spaces do (PV6).
   */
  constructor(private readonly cfg: AnalyticsConfig, opts: { warehouse?: Warehouse & { readonly kind: "embedded"; close(): Promise<void> }; privacy?: Pick<AnalyticsPrivacy, "records"> } = {}) {
    const queueFull = (n: number) => this.drop(n, "queue_full");
    this.events = new BatchQueue("plaza_events", cfg.batchRows, cfg.queueMax, queueFull);
    this.presence = new BatchQueue("plaza_presence", cfg.batchRows, cfg.queueMax, queueFull);
    this.warehouse = cfg.clickhouseUrl ? clickHouseFor(cfg) : (opts.warehouse ?? null);
    this.sinkKind = cfg.clickhouseUrl ? "clickhouse" : opts.warehouse ? "embedded" : "spool";
    this.privacy = opts.privacy;
    this.delivery = new Delivery(this.warehouse, {
      insertAttempts: cfg.insertAttempts ?? 3,
      probe: probeBackoff(cfg.probeMaxMs),
      timers: realTimers,
      random: Math.random,
      counts: this.counts,
      onReachable: () => this.kick(),
      onDrop: (n, reason) => this.drop(n, reason),
      closing: () => this.closing !== null,
    });
    this.ready = this.init();
    this.timer = setInterval(() => this.sealAndKick(), cfg.flushMs);
    this.timer.unref();
  }

  private async init() {
    this.spool = await openSpool(this.cfg, (n, reason) => this.drop(n, reason));
    const spooled = this.spool.stats();
    if (spooled.rows > 0) log.info({ rows: spooled.rows, dir: this.spool.dir }, this.warehouse ? `analytics spool will be replayed into ${this.sinkKind}` : "analytics rows kept in the spool (set CLICKHOUSE_URL and restart to load them)");
    await this.delivery.start(this.spool);
  }

  // ---- hot path -------------------------------------------------------------------------------

  track(e: TrackedEvent): void {
    if (this.closing) return;
    try {
      if (this.privacy && !this.privacy.records(e.space, e.user || null)) return;
      if (this.events.push(eventRow(e, randomUUID(), this.process, this.now))) this.kick();
    } catch (err) {
      this.drop(1, "invalid");
      log.debug({ err }, "analytics event dropped");
    }
  }

  records(space: string, userId: string | null): boolean {
    return this.privacy?.records(space, userId) ?? true;
  }

  sample(rows: PresenceSample[]): void {
    if (this.closing) return;
    try {
      if (this.privacy && rows.length > 0 && !this.privacy.records(rows[0].space, null)) return;
      let full = false;
      for (const r of rows) full = this.presence.push(presenceRow(r, this.now)) || full;
      if (full) this.kick();
    } catch (err) {
      this.drop(rows?.length ?? 0, "invalid");
      log.debug({ err }, "presence sample dropped");
    }
  }

  // ---- worker ---------------------------------------------------------------------------------

  /** Resolves when every row tracked so far is in ClickHouse or the spool. */
  async flush(): Promise<void> {
    await this.deliverAll();
  }

  /** Flushes, stops timers and probes, releases the spool and the connection. Idempotent. */
  close(): Promise<void> {
    this.closing ??= (async () => {
      clearInterval(this.timer);
      try {
        await this.ready.catch(() => undefined);
        await this.deliverAll();
      } finally {
        this.delivery.stop();
        await this.spool?.close().catch(() => undefined);
        await this.warehouse?.close().catch(() => undefined);
        analyticsQueued.set(0);
      }
    })();
    return this.closing;
  }

  stats(): AnalyticsStats {
    return {
      sink: this.sinkKind,
      clickhouse: this.delivery.state,
      queued: this.events.size + this.presence.size,
      ...this.counts,
      spool: this.spool?.stats() ?? { bytes: 0, segments: 0, rows: 0 },
    };
  }

  /** Seals the open batches and runs the worker until nothing waits. */
  private async deliverAll() {
    this.events.seal();
    this.presence.seal();
    while (this.hasReady() || this.running) await this.run();
  }

  private hasReady() { return this.events.hasReady || this.presence.hasReady; }

  private sealAndKick() {
    this.events.seal();
    this.presence.seal();
    analyticsQueued.set(this.events.size + this.presence.size);
    if (this.hasReady() || this.delivery.replayDue) this.kick();
  }

  /** Starts the worker on a later turn (never inside track()). */
  private kick() {
    if (this.kickPending || this.running) return;
    this.kickPending = true;
    setImmediate(() => {
      this.kickPending = false;
      void this.run();
    });
  }

  private run(): Promise<void> {
    this.running ??= this.work()
      .catch((err) => log.error({ err }, "analytics worker failed"))
      .finally(() => {
        this.running = null;
        analyticsQueued.set(this.events.size + this.presence.size);
        if (this.hasReady() && !this.closing) this.kick();
      });
    return this.running;
  }

  private async work() {
    await this.ready;
    await this.delivery.drain(() => this.takeBatch());
  }

  /** The next sealed batch, events first. */
  private takeBatch(): Batch | undefined {
    const queue = this.events.hasReady ? this.events : this.presence;
    const rows = queue.take();
    return rows && { table: queue.table, rows };
  }

  private drop(n: number, reason: string) {
    if (n <= 0) return;
    this.counts.dropped += n;
    analyticsDropped.inc({ reason }, n);
  }
}

function clickHouseFor(cfg: AnalyticsConfig): ClickHouseSink {
  const ch = new ClickHouseSink({ url: cfg.clickhouseUrl!, username: cfg.clickhouseUser, password: cfg.clickhousePassword, database: cfg.database });
  ch.retentionDays = cfg.retentionDays;
  return ch;
}

/**
 * Opens the configured spool; when another live process holds it, a private one beside it
 * (`pid-<pid>`), so two processes never write one directory.
 */
async function openSpool(cfg: AnalyticsConfig, onDrop: (rows: number, reason: string) => void): Promise<SpoolSink> {
  try {
    return await opened(new SpoolSink({ dir: cfg.spoolDir, maxBytes: cfg.spoolMaxBytes, onDrop }));
  } catch (err) {
    if (!(err instanceof SpoolLockedError)) throw err;
    const dir = join(cfg.spoolDir, `pid-${process.pid}`);
    log.warn({ dir: cfg.spoolDir, owner: err.ownerPid, using: dir }, "analytics spool in use by another process; using a private one (not replayed automatically after this process ends)");
    return await opened(new SpoolSink({ dir, maxBytes: cfg.spoolMaxBytes, onDrop }));
  }
}

/** The spool, opened; one that fails to open is closed again (releasing its lock if it took it). */
async function opened(spool: SpoolSink): Promise<SpoolSink> {
  try {
    await spool.open();
    return spool;
  } catch (err) {
    await spool.close().catch(() => undefined);
    throw err;
  }
}
