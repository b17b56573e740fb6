/**
 * The delivery state machine (SPEC AN2–AN4) without a clock or a ClickHouse: a warehouse that is
 * up, down or refusing on demand, an in-memory spool, and timers the test fires itself.
 */
import { beforeEach, describe, expect, it } from "vitest";
import { backoffDelay, INSERT_RETRY, probeBackoff } from "./backoff.ts";
import { Delivery, type Batch, type DeliveryCounts, type Spool, type Timers, type Warehouse } from "./delivery.ts";
import { SinkRejectedError, SinkUnavailableError, type AnalyticsRow, type TableName } from "./sink.ts";
import type { SpoolSegment } from "./spool.ts";

const RANDOM = 0.5;
const PROBE = probeBackoff(1000);

class FakeTimers implements Timers {
  readonly sleeps: number[] = [];
  readonly probes: { ms: number; fn: () => void; cancelled: boolean }[] = [];
  sleep(ms: number) {
    this.sleeps.push(ms);
    return Promise.resolve();
  }
  after(ms: number, fn: () => void) {
    const t = { ms, fn, cancelled: false };
    this.probes.push(t);
    return { cancel: () => { t.cancelled = true; } };
  }
  /** Runs the latest scheduled probe to its end. */
  async fireProbe() {
    const t = this.probes.at(-1)!;
    expect(t.cancelled).toBe(false);
    await (t.fn() as unknown as Promise<void>);
  }
}

class FakeSpool implements Spool {
  readonly dir = "/spool";
  segments: SpoolSegment[] = [];
  readonly files = new Map<string, AnalyticsRow[]>();
  readonly rejectedRows: AnalyticsRow[] = [];
  readonly quarantined: string[] = [];
  failWrites = false;
  private seq = 0;
  async write(table: TableName, rows: readonly AnalyticsRow[]) {
    if (this.failWrites) throw new Error("disk full");
    const seq = ++this.seq;
    const path = `/spool/${seq}.${table}`;
    this.files.set(path, [...rows]);
    this.segments.push({ seq, table, path, bytes: rows.length, rows: rows.length });
  }
  async reject(_table: TableName, rows: readonly AnalyticsRow[]) { this.rejectedRows.push(...rows); }
  async oldest() { return this.segments[0]; }
  async remove(seg: SpoolSegment) { this.segments = this.segments.filter((s) => s !== seg); }
  async quarantine(seg: SpoolSegment) { await this.remove(seg); this.quarantined.push(seg.path); }
  hasData() { return this.segments.length > 0; }
}

class FakeWarehouse implements Warehouse {
  readonly database = "test";
  up = true;
  refuse = false;
  readonly calls: string[] = [];
  readonly stored: AnalyticsRow[] = [];
  constructor(private readonly spool: FakeSpool) {}
  async ping() { return this.up; }
  async migrate() { return []; }
  async write(table: TableName, rows: readonly AnalyticsRow[]) {
    this.calls.push(`insert ${table} ${rows.length}`);
    this.check();
    this.stored.push(...rows);
  }
  async writeFile(_table: TableName, path: string) {
    this.calls.push(`replay ${path}`);
    this.check();
    this.stored.push(...this.spool.files.get(path)!);
  }
  private check() {
    if (!this.up) throw new SinkUnavailableError("connection refused");
    if (this.refuse) throw new SinkRejectedError("Code: 27. Cannot parse input", 27);
  }
}

let n = 0;
const batch = (rows: number, table: TableName = "plaza_events"): Batch => ({ table, rows: Array.from({ length: rows }, () => ({ id: `e${n++}` }) as unknown as AnalyticsRow) });
const queue = (...batches: Batch[]) => () => batches.shift();

let timers: FakeTimers;
let spool: FakeSpool;
let ch: FakeWarehouse;
let counts: DeliveryCounts;
let reachable: number;
let dropped: [number, string][];
let closing: boolean;

function delivery(warehouse: Warehouse | null = ch) {
  return new Delivery(warehouse, {
    insertAttempts: 3, probe: PROBE, timers, random: () => RANDOM, counts,
    onReachable: () => { reachable++; }, onDrop: (rows, reason) => { dropped.push([rows, reason]); }, closing: () => closing,
  });
}

beforeEach(() => {
  timers = new FakeTimers();
  spool = new FakeSpool();
  ch = new FakeWarehouse(spool);
  counts = { sent: 0, spooled: 0, replayed: 0, dropped: 0, rejected: 0, insertErrors: 0 };
  reachable = 0;
  dropped = [];
  closing = false;
  n = 0;
});

describe("AN2 connected: batches go to ClickHouse", () => {
  it("connecting until ClickHouse answers, then up; every batch inserted and counted", async () => {
    const d = delivery();
    expect(d.state).toBe("connecting");
    await d.start(spool);
    expect(d.state).toBe("up");
    await d.drain(queue(batch(3), batch(2, "plaza_presence")));
    expect(ch.calls).toEqual(["insert plaza_events 3", "insert plaza_presence 2"]);
    expect(counts).toMatchObject({ sent: 5, spooled: 0 });
  });

  it("AN4 without ClickHouse the link is off and every batch goes to the spool", async () => {
    const d = delivery(null);
    await d.start(spool);
    expect(d.state).toBe("off");
    await d.drain(queue(batch(3), batch(4)));
    expect(spool.segments.map((s) => s.rows)).toEqual([3, 4]);
    expect(counts.spooled).toBe(7);
    expect(d.replayDue).toBe(false);
  });
});

describe("AN3 AN4 outage", () => {
  it("a failing insert is retried with backoff, then it and later batches go to the spool while ClickHouse is probed", async () => {
    const d = delivery();
    await d.start(spool);
    ch.up = false;
    await d.drain(queue(batch(3), batch(2)));
    expect(ch.calls).toEqual(["insert plaza_events 3", "insert plaza_events 3", "insert plaza_events 3"]); // the second batch is not even tried
    expect(timers.sleeps).toEqual([backoffDelay(INSERT_RETRY, 0, RANDOM), backoffDelay(INSERT_RETRY, 1, RANDOM)]);
    expect(d.state).toBe("down");
    expect(counts).toMatchObject({ sent: 0, spooled: 5, insertErrors: 3 });
    expect(timers.probes.map((p) => p.ms)).toEqual([backoffDelay(PROBE, 0, RANDOM)]);
  });

  it("connecting → down when ClickHouse does not answer at start", async () => {
    ch.up = false;
    const d = delivery();
    await d.start(spool);
    expect(d.state).toBe("down");
    expect(timers.probes).toHaveLength(1);
  });

  it("probes back off while ClickHouse stays away, up to probeMaxMs", async () => {
    ch.up = false;
    const d = delivery();
    await d.start(spool);
    for (let i = 0; i < 4; i++) await timers.fireProbe();
    expect(timers.probes.map((p) => p.ms)).toEqual([0, 1, 2, 3, 4].map((a) => backoffDelay(PROBE, a, RANDOM)));
    expect(timers.probes.at(-1)!.ms).toBe(750); // capped at 1000 ms: 500 fixed + half of 500
    expect(reachable).toBe(0);
  });

  it("replaying: once a probe gets an answer the spool goes in oldest first, before any live batch; probes start over", async () => {
    const d = delivery();
    await d.start(spool);
    ch.up = false;
    await d.drain(queue(batch(3), batch(2)));
    ch.up = true;
    await timers.fireProbe();
    expect([d.state, reachable, d.replayDue]).toEqual(["up", 1, true]);
    ch.calls.length = 0;
    await d.drain(queue(batch(1)));
    expect(ch.calls).toEqual(["replay /spool/1.plaza_events", "replay /spool/2.plaza_events", "insert plaza_events 1"]);
    expect(counts).toMatchObject({ replayed: 5, sent: 1 });
    expect(spool.hasData()).toBe(false);
    expect(ch.stored.map((r) => (r as { id: string }).id)).toEqual(["e0", "e1", "e2", "e3", "e4", "e5"]);
    ch.up = false;
    await d.drain(queue(batch(1)));
    expect(timers.probes.at(-1)!.ms).toBe(backoffDelay(PROBE, 0, RANDOM));
  });

  it("a replay that fails leaves the segment in the spool and the link down", async () => {
    await spool.write("plaza_events", batch(2).rows);
    const d = delivery();
    await d.start(spool);
    ch.up = false;
    await d.drain(queue());
    expect([d.state, spool.segments.length, counts.replayed]).toEqual(["down", 1, 0]);
  });

  it("a spool that cannot take a batch drops it, counted", async () => {
    const d = delivery(null);
    await d.start(spool);
    spool.failWrites = true;
    await d.drain(queue(batch(4)));
    expect(dropped).toEqual([[4, "spool_error"]]);
  });

  it("closing: a failing insert is not retried and nothing is probed; the batch still reaches the spool", async () => {
    const d = delivery();
    await d.start(spool);
    ch.up = false;
    closing = true;
    await d.drain(queue(batch(2)));
    expect(ch.calls).toEqual(["insert plaza_events 2"]);
    expect(timers.probes).toEqual([]);
    expect(counts.spooled).toBe(2);
  });

  it("stop cancels a scheduled probe", async () => {
    ch.up = false;
    const d = delivery();
    await d.start(spool);
    d.stop();
    expect(timers.probes[0].cancelled).toBe(true);
  });
});

describe("AN3 rows ClickHouse refuses are never retried", () => {
  it("a refused batch is counted and kept as rejected; the link stays up", async () => {
    const d = delivery();
    await d.start(spool);
    ch.refuse = true;
    await d.drain(queue(batch(3)));
    expect(ch.calls).toEqual(["insert plaza_events 3"]);
    expect(counts).toMatchObject({ rejected: 3, insertErrors: 1, spooled: 0, sent: 0 });
    expect(spool.rejectedRows).toHaveLength(3);
    expect(d.state).toBe("up");
  });

  it("a refused spool segment is quarantined and the replay goes on", async () => {
    await spool.write("plaza_events", batch(2).rows);
    await spool.write("plaza_events", batch(1).rows);
    ch.refuse = true;
    const d = delivery();
    await d.start(spool);
    await d.drain(queue());
    expect(ch.calls).toEqual(["replay /spool/1.plaza_events", "replay /spool/2.plaza_events"]);
    expect(spool.quarantined).toEqual(["/spool/1.plaza_events", "/spool/2.plaza_events"]);
    expect(counts).toMatchObject({ rejected: 3, insertErrors: 2, replayed: 0 });
  });
});
