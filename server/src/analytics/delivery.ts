/**
 * Where each batch goes (SPEC AN2–AN4): the state machine of the link to ClickHouse.
 *
 *   connecting → up     ping and migrations succeed
 *   connecting → down   they fail
 *   up → down           an insert or a replay fails for transport reasons, retries included
 *   down → up           a probe (scheduled with backoff while down) gets an answer
 *
 * Up, the spool is replayed first, oldest segment first (replaying), then live batches are
 * inserted (connected). An insert that fails for transport reasons is retried a few times
 * (INSERT_RETRY backoff); then the link is down, and that batch and every later one go to the
 * spool (outage) while ClickHouse is probed with backoff. Without ClickHouse the link is "off" and
 * every batch goes to the spool. Rows ClickHouse refuses are never retried: counted, logged,
 * kept in the spool's rejected/. Replays may repeat rows already inserted (a segment half-sent
 * when the connection broke): the ReplacingMergeTree tables make that harmless (AN3).
 *
 * Time comes in through `Timers` and randomness through `random`, so tests drive the machine
 * without a clock.
 */
import { analyticsInsertErrors, analyticsInsertSeconds, analyticsReplayed, analyticsSent, analyticsSpooled } from "../metrics.ts";
import { logger } from "../log.ts";
import { backoffDelay, INSERT_RETRY, type Backoff } from "./backoff.ts";
import { SinkRejectedError, SinkUnavailableError, type AnalyticsRow, type TableName } from "./sink.ts";
import type { SpoolSink } from "./spool.ts";

export type LinkState = "off" | "connecting" | "up" | "down";

/** What delivery needs of ClickHouse (ClickHouseSink). */
export interface Warehouse {
  readonly database: string;
  /** Whether it answers (false or a rejection: not reachable). */
  ping(): Promise<boolean>;
  /** Applies pending migrations; resolves with the versions applied. */
  migrate(): Promise<number[]>;
  write(table: TableName, rows: readonly AnalyticsRow[]): Promise<void>;
  /** Inserts a spool segment file. */
  writeFile(table: TableName, path: string): Promise<void>;
}

/** What delivery needs of the spool (SpoolSink). */
export type Spool = Pick<SpoolSink, "dir" | "write" | "reject" | "oldest" | "remove" | "quarantine" | "hasData">;

export interface Timers {
  sleep(ms: number): Promise<void>;
  /** Runs `fn` after `ms` unless cancelled; never keeps the process alive by itself. */
  after(ms: number, fn: () => void): { cancel(): void };
}

export const realTimers: Timers = {
  sleep: (ms) => new Promise((r) => setTimeout(r, ms)),
  after(ms, fn) {
    const t = setTimeout(fn, ms);
    t.unref();
    return { cancel: () => clearTimeout(t) };
  },
};

/** Rows by outcome (the pipeline's stats), and insert errors. */
export interface DeliveryCounts {
  sent: number;
  spooled: number;
  replayed: number;
  dropped: number;
  rejected: number;
  insertErrors: number;
}

export interface DeliveryOptions {
  /** Insert attempts before a batch goes to the spool. */
  insertAttempts: number;
  probe: Backoff;
  timers: Timers;
  /** Draws in [0, 1) for the backoff jitter. */
  random: () => number;
  counts: DeliveryCounts;
  /** A probe got an answer: the worker should run (there is a spool to replay). */
  onReachable: () => void;
  /** Rows lost (the spool could not take them). */
  onDrop: (rows: number, reason: string) => void;
  /** The pipeline is closing: no more retries or probes. */
  closing: () => boolean;
}

export interface Batch {
  readonly table: TableName;
  readonly rows: AnalyticsRow[];
}

const log = logger.child({ module: "analytics" });

export class Delivery {
  state: LinkState;
  private spool: Spool | null = null;
  /** Set while a probe is scheduled or running. */
  private probe: { cancel(): void } | null = null;
  private probeAttempt = 0;

  constructor(private readonly warehouse: Warehouse | null, private readonly opts: DeliveryOptions) {
    this.state = warehouse ? "connecting" : "off";
  }

  /** Starts delivering into the opened spool, and connects to ClickHouse if there is one. */
  async start(spool: Spool) {
    this.spool = spool;
    if (this.warehouse) await this.connect();
  }

  /** Whether the spool waits to be replayed before any live batch. */
  get replayDue(): boolean {
    return this.warehouse !== null && this.state === "up" && this.spool?.hasData() === true;
  }

  /** Delivers batches from `take` until it has none, replaying the spool first whenever due. */
  async drain(take: () => Batch | undefined) {
    for (;;) {
      if (this.replayDue) {
        await this.replayOldest();
        continue;
      }
      const batch = take();
      if (!batch) return;
      await this.deliver(batch.table, batch.rows);
    }
  }

  /** Stops probing (closing). */
  stop() {
    this.probe?.cancel();
  }

  private async deliver(table: TableName, rows: AnalyticsRow[]) {
    if (this.warehouse && this.state === "up") {
      try {
        await this.insertWithRetry(() => this.warehouse!.write(table, rows));
        this.opts.counts.sent += rows.length;
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
      this.opts.counts.spooled += rows.length;
      analyticsSpooled.inc({ table }, rows.length);
    } catch (err) {
      this.opts.onDrop(rows.length, "spool_error");
      log.error({ err, rows: rows.length }, "analytics spool write failed; rows dropped");
    }
  }

  private async rejected(table: TableName, rows: AnalyticsRow[], err: SinkRejectedError) {
    this.countRejected(rows.length);
    log.error({ table, rows: rows.length, code: err.code, error: err.message, dir: this.spool?.dir }, "ClickHouse refused analytics rows; kept in spool/rejected");
    await this.spool!.reject(table, rows).catch((e) => log.error({ err: e }, "could not keep rejected rows"));
  }

  private async replayOldest() {
    const seg = await this.spool!.oldest();
    if (!seg) return;
    try {
      await this.insertWithRetry(() => this.warehouse!.writeFile(seg.table, seg.path));
      await this.spool!.remove(seg);
      this.opts.counts.replayed += seg.rows;
      analyticsReplayed.inc({ table: seg.table }, seg.rows);
    } catch (err) {
      if (err instanceof SinkRejectedError) {
        this.countRejected(seg.rows);
        log.error({ segment: seg.path, code: err.code, error: err.message }, "ClickHouse refused a spool segment; moved to rejected/");
        await this.spool!.quarantine(seg);
      } else {
        this.markDown(err);
      }
    }
  }

  private countRejected(rows: number) {
    this.opts.counts.rejected += rows;
    this.opts.counts.insertErrors++;
    analyticsInsertErrors.inc({ kind: "rejected" });
  }

  /** A few quick attempts with backoff; refusals and the last failure are thrown. */
  private async insertWithRetry(insert: () => Promise<void>) {
    for (let i = 1; ; i++) {
      const t0 = performance.now();
      try {
        await insert();
        analyticsInsertSeconds.observe((performance.now() - t0) / 1000);
        return;
      } catch (err) {
        if (!(err instanceof SinkUnavailableError)) throw err;
        this.opts.counts.insertErrors++;
        analyticsInsertErrors.inc({ kind: "unavailable" });
        if (i >= this.opts.insertAttempts || this.opts.closing()) throw err;
        await this.opts.timers.sleep(backoffDelay(INSERT_RETRY, i - 1, this.opts.random()));
      }
    }
  }

  /** Ping + migrations: up on success, otherwise down with a probe scheduled. */
  private async connect(): Promise<boolean> {
    const ch = this.warehouse!;
    try {
      if (!(await ch.ping())) throw new SinkUnavailableError("ping failed");
      const applied = await ch.migrate();
      if (applied.length) log.info({ applied, database: ch.database }, "analytics migrations applied");
      if (this.state !== "up") log.info({ database: ch.database }, "analytics: database reachable");
      this.state = "up";
      this.probeAttempt = 0;
      return true;
    } catch (err) {
      this.markDown(err);
      return false;
    }
  }

  private markDown(err: unknown) {
    if (this.state === "down" && this.probe) return;
    if (this.state !== "down") log.warn({ error: err instanceof Error ? err.message : String(err) }, "analytics: database unreachable; spooling to disk");
    this.state = "down";
    this.scheduleProbe();
  }

  private scheduleProbe() {
    if (this.probe || this.opts.closing()) return;
    const delay = backoffDelay(this.opts.probe, this.probeAttempt++, this.opts.random());
    this.probe = this.opts.timers.after(delay, async () => {
      if (this.opts.closing()) return;
      const ok = await this.connect();
      this.probe = null;
      if (ok) this.opts.onReachable();
      else this.scheduleProbe();
    });
  }
}
