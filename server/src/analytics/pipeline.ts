/**
 * The analytics pipeline: one per process. Rooms call track()/sample() (synchronous, O(1), never
 * throwing, never awaiting: AN1); rows wait in a bounded in-memory queue and one worker hands them
 * in batches to ClickHouse or, without ClickHouse or while it is unreachable, to the on-disk spool.
 *
 *   AnalyticsPipeline.configure(cfg)   at process start (app.ts)
 *   AnalyticsPipeline.get()            anywhere; before configure it discards everything
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
 * Outage: an insert that fails for transport reasons is retried (exponential backoff + jitter),
 * then the batch goes to the spool and the worker switches to spooling; a probe pings ClickHouse
 * with backoff, and when it answers the spool is replayed oldest segment first before live
 * batches resume. Replays may repeat rows already inserted (a segment half-sent when the
 * connection broke): the ReplacingMergeTree tables and FINAL queries make that harmless
 * (migrations.ts). Rows ClickHouse refuses are never retried: counted, logged, kept in
 * <spool>/rejected/.
 */
import { hostname } from "node:os";
import { join } from "node:path";
import { randomUUID } from "node:crypto";
import { chTime, type AnalyticsPort, type PresenceSample, type TrackedEvent } from "./events.ts";
import { ClickHouseSink } from "./clickhouse.ts";
import { SpoolLockedError, SpoolSink, type SpoolSegment } from "./spool.ts";
import { ROW_VERSION, SinkRejectedError, SinkUnavailableError, type AnalyticsRow, type EventRow, type PresenceRow, type TableName } from "./sink.ts";
import {
  analyticsDropped, analyticsInsertErrors, analyticsInsertSeconds, analyticsQueued, analyticsReplayed, analyticsSent, analyticsSpooled,
} from "../metrics.ts";
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
}

export const ANALYTICS_DEFAULTS = {
  database: "plaza",
  spoolDir: ".data/analytics-spool",
  spoolMaxBytes: 256 << 20,
  batchRows: 5000,
  flushMs: 2000,
  queueMax: 100_000,
} satisfies Partial<AnalyticsConfig>;

export type ClickHouseState = "off" | "connecting" | "up" | "down";

export interface AnalyticsStats {
  sink: "none" | "spool" | "clickhouse";
  clickhouse: ClickHouseState;
  queued: number;
  sent: number;
  spooled: number;
  replayed: number;
  dropped: number;
  rejected: number;
  insertErrors: number;
  spool: { bytes: number; segments: number; rows: number };
}

const log = logger.child({ module: "analytics" });

/** In-memory rows of one table: the batch being filled and sealed batches waiting for the worker. */
class BatchQueue<R> {
  open: R[] = [];
  ready: R[][] = [];
  size = 0;
  constructor(readonly table: TableName, private readonly batchRows: number, private readonly max: number, private readonly onDrop: (n: number) => void) {}

  push(row: R): boolean {
    this.open.push(row);
    this.size++;
    if (this.open.length < this.batchRows) return false;
    this.seal();
    return true;
  }

  seal() {
    if (this.open.length === 0) return;
    this.ready.push(this.open);
    this.open = [];
    while (this.size > this.max && this.ready.length > 1) {
      const lost = this.ready.shift()!;
      this.size -= lost.length;
      this.onDrop(lost.length);
    }
  }

  take(): R[] | undefined {
    const b = this.ready.shift();
    if (b) this.size -= b.length;
    return b;
  }
}

/** 'YYYY-MM-DD hh:mm:ss'; anything else is replaced by the current time (a bad ts would get the whole batch refused). */
const CH_TIME_RE = /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/;
const UINT16 = 0xffff;
const UINT32 = 0xffffffff;
const str = (v: unknown): string => (typeof v === "string" ? v : v == null ? "" : String(v));
/** Non-negative integer ≤ max (NaN, negatives → 0): one bad number must not get a whole batch refused. */
const uint = (v: unknown, max: number): number => {
  const n = Math.trunc(typeof v === "number" ? v : Number(v));
  return n > 0 ? (n > max ? max : n) : 0;
};

export class AnalyticsPipeline implements AnalyticsPort {
  private static current: AnalyticsPipeline | null = null;
  private static readonly disabled = new AnalyticsPipeline(null);

  /** Starts this process's pipeline (replacing, and closing, any earlier one). */
  static configure(cfg: AnalyticsConfig): AnalyticsPipeline {
    const previous = AnalyticsPipeline.current;
    const p = new AnalyticsPipeline(cfg, previous);
    AnalyticsPipeline.current = p;
    return p;
  }

  /** The configured pipeline, or one that discards everything when none is. */
  static get(): AnalyticsPipeline {
    return AnalyticsPipeline.current ?? AnalyticsPipeline.disabled;
  }

  readonly process = `${hostname()}:${process.pid}`;
  private readonly events: BatchQueue<EventRow>;
  private readonly presence: BatchQueue<PresenceRow>;
  private spool: SpoolSink | null = null;
  private readonly ch: ClickHouseSink | null = null;
  private chState: ClickHouseState = "off";
  private readonly ready: Promise<void>;
  private running: Promise<void> | null = null;
  private kickPending = false;
  private timer: NodeJS.Timeout | null = null;
  private probeTimer: NodeJS.Timeout | null = null;
  private probeAttempt = 0;
  private closing: Promise<void> | null = null;
  private tsSecond = -1;
  private tsText = "";
  private readonly counts = { sent: 0, spooled: 0, replayed: 0, dropped: 0, rejected: 0, insertErrors: 0 };

  private constructor(private readonly cfg: AnalyticsConfig | null, previous?: AnalyticsPipeline | null) {
    const batchRows = cfg?.batchRows ?? 1;
    const queueMax = cfg?.queueMax ?? 0;
    this.events = new BatchQueue("plaza_events", batchRows, queueMax, (n) => this.drop(n, "queue_full"));
    this.presence = new BatchQueue("plaza_presence", batchRows, queueMax, (n) => this.drop(n, "queue_full"));
    if (!cfg) {
      this.ready = Promise.resolve();
      return;
    }
    if (cfg.clickhouseUrl) {
      this.ch = new ClickHouseSink({ url: cfg.clickhouseUrl, username: cfg.clickhouseUser, password: cfg.clickhousePassword, database: cfg.database });
      this.chState = "connecting";
    }
    this.ready = this.init(previous ?? null);
    this.timer = setInterval(() => this.sealAndKick(), cfg.flushMs);
    this.timer.unref();
  }

  private async init(previous: AnalyticsPipeline | null) {
    const cfg = this.cfg!;
    // Two pipelines must never write one spool directory at once.
    if (previous) await previous.close().catch(() => undefined);
    const onDrop = (n: number, reason: string) => this.drop(n, reason);
    try {
      this.spool = new SpoolSink({ dir: cfg.spoolDir, maxBytes: cfg.spoolMaxBytes, onDrop });
      await this.spool.open();
    } catch (err) {
      if (!(err instanceof SpoolLockedError)) throw err;
      const dir = join(cfg.spoolDir, `pid-${process.pid}`);
      log.warn({ dir: cfg.spoolDir, owner: err.ownerPid, using: dir }, "analytics spool in use by another process; using a private one (not replayed automatically after this process ends)");
      this.spool = new SpoolSink({ dir, maxBytes: cfg.spoolMaxBytes, onDrop });
      await this.spool.open();
    }
    const spooled = this.spool.stats();
    if (spooled.rows > 0) log.info({ rows: spooled.rows, dir: this.spool.dir }, this.ch ? "analytics spool will be replayed into ClickHouse" : "analytics rows kept in the spool (set CLICKHOUSE_URL and restart to load them)");
    if (this.ch) await this.connect();
  }

  // ---- hot path -------------------------------------------------------------------------------

  track(e: TrackedEvent): void {
    if (!this.cfg || this.closing) return;
    try {
      const row: EventRow = {
        id: randomUUID(),
        type: e.type,
        ts: typeof e.ts === "string" && CH_TIME_RE.test(e.ts) ? e.ts : this.now(),
        space: str(e.space),
        process: this.process,
        session: str(e.session),
        user: str(e.user),
        n: uint(e.n, UINT32),
        duration_ms: uint(e.duration_ms, Number.MAX_SAFE_INTEGER),
        detail: str(e.detail),
        x: uint(e.x, UINT16),
        y: uint(e.y, UINT16),
        v: ROW_VERSION,
      };
      if (this.events.push(row)) this.kick();
    } catch (err) {
      this.drop(1, "invalid");
      log.debug({ err }, "analytics event dropped");
    }
  }

  sample(rows: PresenceSample[]): void {
    if (!this.cfg || this.closing) return;
    try {
      let full = false;
      for (const r of rows) {
        full = this.presence.push({ ts: typeof r.ts === "string" && CH_TIME_RE.test(r.ts) ? r.ts : this.now(), space: str(r.space), x: uint(r.x, UINT16), y: uint(r.y, UINT16), people: uint(r.people, UINT32), v: ROW_VERSION }) || full;
      }
      if (full) this.kick();
    } catch (err) {
      this.drop(rows?.length ?? 0, "invalid");
      log.debug({ err }, "presence sample dropped");
    }
  }

  /** chTime(Date.now()), formatted once per second. */
  private now(): string {
    const ms = Date.now();
    const s = Math.floor(ms / 1000);
    if (s !== this.tsSecond) {
      this.tsSecond = s;
      this.tsText = chTime(ms);
    }
    return this.tsText;
  }

  // ---- worker ---------------------------------------------------------------------------------

  /** Resolves when every row tracked so far is in ClickHouse or the spool. */
  async flush(): Promise<void> {
    if (!this.cfg) return;
    this.events.seal();
    this.presence.seal();
    while (this.hasReady() || this.running) await this.run();
  }

  /** Flushes, stops timers and probes, releases the spool and the connection. Idempotent. */
  close(): Promise<void> {
    if (!this.cfg) return Promise.resolve();
    this.closing ??= (async () => {
      if (this.timer) clearInterval(this.timer);
      try {
        await this.ready.catch(() => undefined);
        this.events.seal();
        this.presence.seal();
        while (this.hasReady() || this.running) await this.run();
      } finally {
        if (this.probeTimer) clearTimeout(this.probeTimer);
        await this.spool?.close().catch(() => undefined);
        await this.ch?.close().catch(() => undefined);
        if (AnalyticsPipeline.current === this) AnalyticsPipeline.current = null;
        analyticsQueued.set(0);
      }
    })();
    return this.closing;
  }

  stats(): AnalyticsStats {
    return {
      sink: !this.cfg ? "none" : this.ch ? "clickhouse" : "spool",
      clickhouse: this.chState,
      queued: this.events.size + this.presence.size,
      ...this.counts,
      spool: this.spool?.stats() ?? { bytes: 0, segments: 0, rows: 0 },
    };
  }

  private hasReady() { return this.events.ready.length > 0 || this.presence.ready.length > 0; }

  private sealAndKick() {
    this.events.seal();
    this.presence.seal();
    analyticsQueued.set(this.events.size + this.presence.size);
    if (this.hasReady() || (this.chState === "up" && this.spool?.hasData())) this.kick();
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
    for (;;) {
      if (this.ch && this.chState === "up" && this.spool?.hasData()) {
        await this.replayOldest();
        continue;
      }
      const table = this.events.ready.length > 0 ? this.events : this.presence;
      const rows = table.take();
      if (!rows) return;
      await this.deliver(table.table, rows);
    }
  }

  private async deliver(table: TableName, rows: AnalyticsRow[]) {
    if (this.ch && this.chState === "up") {
      try {
        await this.insertWithRetry(() => this.ch!.write(table, rows));
        this.counts.sent += rows.length;
        analyticsSent.inc({ table }, rows.length);
        return;
      } catch (err) {
        if (err instanceof SinkRejectedError) return this.rejected(table, rows, err);
        this.markDown(err);
      }
    }
    await this.toSpool(table, rows);
  }

  private async toSpool(table: TableName, rows: AnalyticsRow[]) {
    try {
      await this.spool!.write(table, rows);
      this.counts.spooled += rows.length;
      analyticsSpooled.inc({ table }, rows.length);
    } catch (err) {
      this.drop(rows.length, "spool_error");
      log.error({ err, rows: rows.length }, "analytics spool write failed; rows dropped");
    }
  }

  private async rejected(table: TableName, rows: AnalyticsRow[], err: SinkRejectedError) {
    this.counts.rejected += rows.length;
    this.counts.insertErrors++;
    analyticsInsertErrors.inc({ kind: "rejected" });
    log.error({ table, rows: rows.length, code: err.code, error: err.message, dir: this.spool?.dir }, "ClickHouse refused analytics rows; kept in spool/rejected");
    await this.spool!.reject(table, rows).catch((e) => log.error({ err: e }, "could not keep rejected rows"));
  }

  private async replayOldest() {
    const seg: SpoolSegment | undefined = await this.spool!.oldest();
    if (!seg) return;
    try {
      await this.insertWithRetry(() => this.ch!.writeFile(seg.table, seg.path));
      await this.spool!.remove(seg);
      this.counts.replayed += seg.rows;
      analyticsReplayed.inc({ table: seg.table }, seg.rows);
    } catch (err) {
      if (err instanceof SinkRejectedError) {
        this.counts.rejected += seg.rows;
        this.counts.insertErrors++;
        analyticsInsertErrors.inc({ kind: "rejected" });
        log.error({ segment: seg.path, code: err.code, error: err.message }, "ClickHouse refused a spool segment; moved to rejected/");
        await this.spool!.quarantine(seg);
      } else {
        this.markDown(err);
      }
    }
  }

  /** A few quick attempts (100 ms, 200 ms… with jitter): rides out a reset socket or a restart. */
  private async insertWithRetry(insert: () => Promise<void>) {
    const attempts = this.cfg!.insertAttempts ?? 3;
    for (let i = 1; ; i++) {
      const t0 = performance.now();
      try {
        await insert();
        analyticsInsertSeconds.observe((performance.now() - t0) / 1000);
        return;
      } catch (err) {
        if (!(err instanceof SinkUnavailableError)) throw err;
        this.counts.insertErrors++;
        analyticsInsertErrors.inc({ kind: "unavailable" });
        if (i >= attempts || this.closing) throw err;
        await sleep(backoff(100, i - 1, 2000));
      }
    }
  }

  // ---- ClickHouse availability ------------------------------------------------------------------

  /** Ping + migrations; up on success, otherwise down with a probe scheduled. */
  private async connect(): Promise<boolean> {
    try {
      if (!(await this.ch!.ping())) throw new SinkUnavailableError("ping failed");
      const applied = await this.ch!.migrate();
      if (applied.length) log.info({ applied, database: this.ch!.database }, "analytics migrations applied");
      if (this.chState !== "up") log.info({ database: this.ch!.database }, "analytics: ClickHouse reachable");
      this.chState = "up";
      this.probeAttempt = 0;
      return true;
    } catch (err) {
      this.markDown(err);
      return false;
    }
  }

  private markDown(err: unknown) {
    if (this.chState === "down" && this.probeTimer) return;
    if (this.chState !== "down") log.warn({ error: err instanceof Error ? err.message : String(err) }, "analytics: ClickHouse unreachable; spooling to disk");
    this.chState = "down";
    this.scheduleProbe();
  }

  private scheduleProbe() {
    if (this.probeTimer || this.closing) return;
    const delay = backoff(250, this.probeAttempt++, this.cfg!.probeMaxMs ?? 30_000);
    this.probeTimer = setTimeout(async () => {
      if (this.closing) return;
      const ok = await this.connect();
      this.probeTimer = null;
      if (ok) this.kick();
      else this.scheduleProbe();
    }, delay);
    this.probeTimer.unref();
  }

  private drop(n: number, reason: string) {
    if (n <= 0) return;
    this.counts.dropped += n;
    analyticsDropped.inc({ reason }, n);
  }
}

/** Exponential backoff with "equal jitter": half fixed, half random, capped. */
function backoff(baseMs: number, attempt: number, maxMs: number): number {
  const d = Math.min(maxMs, baseMs * 2 ** Math.min(attempt, 20));
  return d / 2 + Math.random() * (d / 2);
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
