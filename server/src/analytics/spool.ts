/**
 * The on-disk spool: append-only NDJSON segment files, one JSONEachRow line per row, so a segment
 * can also be loaded by hand (`clickhouse-client -q 'INSERT INTO plaza.plaza_events FORMAT
 * JSONEachRow' < 000000000003.plaza_events.ndjson`).
 *
 *   <dir>/LOCK                                  pid of the process that owns the directory
 *   <dir>/<seq:12>.<table>.ndjson               segments, replayed oldest (lowest seq) first
 *   <dir>/rejected/<time>-<table>.ndjson        rows ClickHouse refused, kept for inspection
 *
 * Bounded: beyond `maxBytes` the OLDEST segments are deleted and their rows reported through
 * `onDrop` (the newest data is the most useful when an outage ends). The rejected area is capped
 * at maxBytes/8 the same way. Writes are serialised inside the sink, so concurrent callers never
 * interleave lines. Data reaches the kernel on every write (survives a process crash); it is
 * fsynced on rotation and close, not per batch (a power cut may lose the last seconds).
 */
import { createReadStream } from "node:fs";
import { appendFile, mkdir, readdir, readFile, rename, stat, truncate, unlink } from "node:fs/promises";
import { join } from "node:path";
import { SinkClosedError, type AnalyticsRow, type EventSink, type TableName } from "./sink.ts";
import { releaseDirLock, takeDirLock } from "./dirLock.ts";

export interface SpoolOptions {
  dir: string;
  maxBytes: number;
  /** Roll to a new segment beyond this size. Default: maxBytes/16 within [64 KB, 16 MB]. */
  segmentBytes?: number;
  /** Rows lost: oldest segments deleted to respect the cap, or a torn last line after a crash. */
  onDrop?: (rows: number, reason: "spool_full" | "torn_line") => void;
}

export interface SpoolSegment {
  readonly seq: number;
  readonly table: TableName;
  readonly path: string;
  bytes: number;
  rows: number;
}

/** Another live process owns the spool directory. */
export class SpoolLockedError extends Error {
  override readonly name = "SpoolLockedError";
  constructor(readonly dir: string, readonly ownerPid: number) { super(`spool ${dir} is in use by pid ${ownerPid}`); }
}

const SEGMENT_RE = /^(\d{12})\.(plaza_events|plaza_presence)\.ndjson$/;

export class SpoolSink implements EventSink {
  readonly kind = "spool" as const;
  private segments: SpoolSegment[] = [];
  /** Sequence number new writes go to; every segment with a lower seq is closed. */
  private seq = 1;
  private bytes = 0;
  private tail: Promise<unknown> = Promise.resolve();
  private opened: Promise<void> | null = null;
  private closed = false;
  private readonly segmentBytes: number;

  constructor(private readonly opts: SpoolOptions) {
    this.segmentBytes = opts.segmentBytes ?? Math.min(16 << 20, Math.max(64 << 10, Math.floor(opts.maxBytes / 16)));
  }

  get dir() { return this.opts.dir; }

  /** Creates the directory, takes the lock, indexes existing segments (repairing a torn tail). */
  open(): Promise<void> {
    this.opened ??= this.doOpen();
    return this.opened;
  }

  private async doOpen() {
    const { dir } = this.opts;
    await mkdir(join(dir, "rejected"), { recursive: true });
    await this.lock();
    const found: SpoolSegment[] = [];
    for (const name of await readdir(dir)) {
      const m = SEGMENT_RE.exec(name);
      if (!m) continue;
      const path = join(dir, name);
      const { rows, bytes, torn } = await scanSegment(path);
      if (torn > 0) {
        await truncate(path, bytes);
        this.opts.onDrop?.(1, "torn_line");
      }
      if (bytes === 0) { await unlink(path); continue; }
      found.push({ seq: Number(m[1]), table: m[2] as TableName, path, bytes, rows });
    }
    found.sort((a, b) => a.seq - b.seq || a.table.localeCompare(b.table));
    this.segments = found;
    this.bytes = found.reduce((s, g) => s + g.bytes, 0);
    this.seq = (found.at(-1)?.seq ?? 0) + 1;
  }

  private async lock() {
    const owner = await takeDirLock(this.opts.dir);
    if (owner !== null) throw new SpoolLockedError(this.opts.dir, owner);
  }

  write(table: TableName, rows: readonly AnalyticsRow[]): Promise<void> {
    if (this.closed) return Promise.reject(new SinkClosedError(this.kind));
    if (rows.length === 0) return Promise.resolve();
    let text = "";
    for (const r of rows) text += JSON.stringify(r) + "\n";
    return this.serial(async () => {
      await this.open();
      const bytes = Buffer.byteLength(text);
      let seg = this.segments.findLast((s) => s.table === table && s.seq === this.seq);
      if (seg && seg.bytes + bytes > this.segmentBytes) {
        this.seq++;
        seg = undefined;
      }
      if (!seg) {
        seg = { seq: this.seq, table, path: join(this.opts.dir, `${String(this.seq).padStart(12, "0")}.${table}.ndjson`), bytes: 0, rows: 0 };
        this.segments.push(seg);
      }
      await appendFile(seg.path, text);
      seg.bytes += bytes;
      seg.rows += rows.length;
      this.bytes += bytes;
      await this.enforceCap();
    });
  }

  /** Oldest segment, closed first so nothing appends to it while it is replayed. */
  oldest(): Promise<SpoolSegment | undefined> {
    return this.serial(async () => {
      await this.open();
      const seg = this.segments[0];
      if (seg && seg.seq === this.seq) this.seq++;
      return seg;
    });
  }

  /** Deletes a segment after it was replayed. */
  remove(seg: SpoolSegment): Promise<void> {
    return this.serial(async () => {
      if (!this.forget(seg)) return;
      await unlink(seg.path).catch(() => undefined);
    });
  }

  /** Moves a segment ClickHouse refused into rejected/ for inspection. */
  quarantine(seg: SpoolSegment): Promise<void> {
    return this.serial(async () => {
      if (!this.forget(seg)) return;
      await rename(seg.path, join(this.opts.dir, "rejected", `${Date.now()}-${seg.seq}.${seg.table}.ndjson`)).catch(() => undefined);
      await this.capRejected();
    });
  }

  /** Keeps rows ClickHouse refused (never replayed; for a person to look at). */
  reject(table: TableName, rows: readonly AnalyticsRow[]): Promise<void> {
    if (rows.length === 0) return Promise.resolve();
    let text = "";
    for (const r of rows) text += JSON.stringify(r) + "\n";
    return this.serial(async () => {
      await this.open();
      await appendFile(join(this.opts.dir, "rejected", `${Date.now()}-${table}.ndjson`), text);
      await this.capRejected();
    });
  }

  /** Every spooled row of `table`, oldest first (tests and tools; reads whole files). */
  async readAll(table: TableName): Promise<AnalyticsRow[]> {
    await this.tail;
    const out: AnalyticsRow[] = [];
    for (const seg of this.segments) {
      if (seg.table !== table) continue;
      for (const line of (await readFile(seg.path, "utf8")).split("\n")) if (line) out.push(JSON.parse(line));
    }
    return out;
  }

  stats() {
    return { bytes: this.bytes, segments: this.segments.length, rows: this.segments.reduce((s, g) => s + g.rows, 0) };
  }

  hasData(): boolean { return this.segments.length > 0; }

  close(): Promise<void> {
    if (this.closed) return this.tail.then(() => undefined);
    this.closed = true;
    return this.serial(async () => {
      if (!this.opened) return;
      await this.opened.catch(() => undefined);
      await releaseDirLock(this.opts.dir);
    });
  }

  private forget(seg: SpoolSegment): boolean {
    const i = this.segments.indexOf(seg);
    if (i < 0) return false;
    this.segments.splice(i, 1);
    this.bytes -= seg.bytes;
    return true;
  }

  private async enforceCap() {
    while (this.bytes > this.opts.maxBytes && this.segments.length > 0) {
      const seg = this.segments[0];
      this.forget(seg);
      if (seg.seq === this.seq) this.seq++;
      await unlink(seg.path).catch(() => undefined);
      this.opts.onDrop?.(seg.rows, "spool_full");
    }
  }

  private async capRejected() {
    const dir = join(this.opts.dir, "rejected");
    const names = (await readdir(dir)).sort();
    const sizes = await Promise.all(names.map((n) => stat(join(dir, n)).then((s) => s.size, () => 0)));
    let total = sizes.reduce((a, b) => a + b, 0);
    for (let i = 0; i < names.length - 1 && total > this.opts.maxBytes / 8; i++) {
      await unlink(join(dir, names[i])).catch(() => undefined);
      total -= sizes[i];
    }
  }

  /** Runs file operations one at a time, in call order. */
  private serial<T>(op: () => Promise<T>): Promise<T> {
    const next = this.tail.then(op, op);
    this.tail = next.catch(() => undefined);
    return next;
  }
}

/** Rows (complete lines), bytes up to the last newline, and bytes after it (a torn write). */
async function scanSegment(path: string): Promise<{ rows: number; bytes: number; torn: number }> {
  let rows = 0;
  let total = 0;
  let lastNewline = -1;
  for await (const chunk of createReadStream(path) as AsyncIterable<Buffer>) {
    let i = chunk.indexOf(10);
    while (i >= 0) {
      rows++;
      lastNewline = total + i;
      i = chunk.indexOf(10, i + 1);
    }
    total += chunk.length;
  }
  return { rows, bytes: lastNewline + 1, torn: total - (lastNewline + 1) };
}
