/**
 * The embedded analytics engine (SPEC AN6): used when CLICKHOUSE_URL is unset, so insights work
 * after `npm start` with no database to install. Its own PGlite database under
 * `PLAZA_DATA_DIR/analytics` (not the store's), run in a worker thread (embeddedWorker.ts):
 *  - rooms and the store never wait on it: PGlite executes on the thread that calls it, and the
 *    store's single connection would otherwise queue edits behind analytics inserts;
 *  - it can be deleted or moved without touching accounts and spaces, and retention deletes do
 *    not bloat the store.
 *
 * It is a Warehouse for the pipeline's delivery (rows arrive in the same batches ClickHouse gets;
 * the spool replays into it too) and an InsightsSource for the reports. Times are stored as epoch
 * seconds. Rows are keyed like ClickHouse's ReplacingMergeTree (events by id, presence by space,
 * time and tile) and inserted with ON CONFLICT DO NOTHING, so a retried batch counts once (AN3).
 */
import { Worker } from "node:worker_threads";
import { mkdirSync, readdirSync, readFileSync } from "node:fs";
import { freshClusterSeed, pgliteRuntime, pgliteStartParams } from "../store/pglite.ts";
import { releaseDirLock, takeDirLock } from "./dirLock.ts";
import { positional, type Dialect, type InsightsSource, type QueryParams } from "./engine.ts";
import { SinkClosedError, SinkRejectedError, SinkUnavailableError, type AnalyticsRow, type TableName } from "./sink.ts";
import type { Warehouse } from "./delivery.ts";

const SCHEMA = [
  `CREATE TABLE IF NOT EXISTS plaza_events (
    id text PRIMARY KEY, type text NOT NULL, ts bigint NOT NULL, space text NOT NULL, process text NOT NULL,
    session text NOT NULL, "user" text NOT NULL, n bigint NOT NULL, duration_ms bigint NOT NULL,
    detail text NOT NULL, x integer NOT NULL, y integer NOT NULL, v integer NOT NULL)`,
  `CREATE INDEX IF NOT EXISTS plaza_events_space_ts ON plaza_events (space, ts)`,
  `CREATE INDEX IF NOT EXISTS plaza_events_ts ON plaza_events (ts)`,
  `CREATE INDEX IF NOT EXISTS plaza_events_user ON plaza_events ("user") WHERE "user" <> ''`,
  `CREATE TABLE IF NOT EXISTS plaza_presence (
    ts bigint NOT NULL, space text NOT NULL, x integer NOT NULL, y integer NOT NULL, people integer NOT NULL,
    v integer NOT NULL, PRIMARY KEY (space, ts, x, y))`,
  `CREATE INDEX IF NOT EXISTS plaza_presence_ts ON plaza_presence (ts)`,
];

export const EMBEDDED_DIALECT: Dialect = {
  from: (t) => t,
  epoch: "ts",
  tsAtLeast: (p) => `ts >= {${p}:UInt32}`,
  tsBefore: (p) => `ts < {${p}:UInt32}`,
  intDiv: (a, b) => `((${a}) / (${b}))`,
};

/** Rows per insert statement; the main thread yields between them. */
const CHUNK_ROWS = 1000;

const epochOf = (ts: string) => Date.parse(`${ts.replace(" ", "T")}Z`) / 1000;

/** How the embedded database uses memory (config: PGLITE_SHARED_BUFFERS_MB, ANALYTICS_EMBEDDED_IDLE_S). */
export interface EmbeddedOptions {
  /** PostgreSQL's shared_buffers, MB (pgliteStartParams). */
  sharedBuffersMb?: number;
  /**
   * With a data directory: after this long with nothing to write or answer, the database thread
   * stops and its memory is freed; the next batch or query opens it again. 0: it stays open.
   */
  idleCloseMs?: number;
}

type Reply = { id: number; rows?: unknown[]; error?: string };

/** The thread's module: the TypeScript beside this file, or in the server bundle (OP17) its bundle beside it. */
const WORKER_URL = new URL(import.meta.url.endsWith(".ts") ? "./embeddedWorker.ts" : "./embeddedWorker.mjs", import.meta.url);

/** One running database thread: requests out, replies in; when it dies every waiting request fails. */
class DatabaseThread {
  private readonly worker = new Worker(WORKER_URL);
  private readonly pending = new Map<number, { resolve: (rows: unknown[]) => void; reject: (err: Error) => void }>();
  private nextId = 1;
  private dead: Error | null = null;

  constructor(onDeath: (thread: DatabaseThread) => void) {
    this.worker.on("message", (m: Reply) => {
      const p = this.pending.get(m.id);
      if (!p) return;
      this.pending.delete(m.id);
      if (m.error !== undefined) p.reject(new SinkRejectedError(m.error, undefined));
      else p.resolve(m.rows ?? []);
    });
    const fail = (err: Error) => {
      if (this.dead) return;
      this.dead = new SinkUnavailableError(`embedded analytics database stopped: ${err.message}`, { cause: err });
      for (const p of this.pending.values()) p.reject(this.dead);
      this.pending.clear();
      onDeath(this);
    };
    this.worker.on("error", fail);
    this.worker.on("exit", (code) => fail(new Error(`worker exited (${code})`)));
  }

  call(msg: Record<string, unknown>, transfer: Transferable[] = []): Promise<unknown[]> {
    if (this.dead) return Promise.reject(this.dead);
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.worker.postMessage({ id, ...msg }, transfer as never);
    });
  }

  /** Closes the database (its files are then consistent) and ends the thread. */
  async stop(): Promise<void> {
    if (!this.dead) await this.call({ op: "close" }).catch(() => undefined);
    this.dead ??= new SinkUnavailableError("embedded analytics database stopped");
    await this.worker.terminate();
  }
}

export class EmbeddedEngine implements Warehouse, InsightsSource {
  readonly kind = "embedded" as const;
  readonly database = "embedded";
  readonly dialect = EMBEDDED_DIALECT;
  /** The open database, if any: opened by the first request, stopped when idle (idleCloseMs). */
  private thread: DatabaseThread | null = null;
  private opening: Promise<DatabaseThread> | null = null;
  /** A stop in progress: the next open waits for it (one PGlite per directory at a time). */
  private stopping: Promise<void> = Promise.resolve();
  private closed = false;
  private locked = false;
  private active = 0;
  private idleTimer: NodeJS.Timeout | undefined;
  /** A retention cutoff (epoch s) that arrived while the database was stopped: applied when it opens. */
  private pendingCutoffS: number | null = null;
  private readonly sharedBuffersMb: number | undefined;
  private readonly idleCloseMs: number;

  /** `dataDir` undefined: in memory (tests; then it never stops while the engine lives). */
  constructor(readonly dataDir: string | undefined, opts: EmbeddedOptions = {}) {
    this.sharedBuffersMb = opts.sharedBuffersMb;
    this.idleCloseMs = dataDir === undefined ? 0 : (opts.idleCloseMs ?? 0);
  }

  /** PGlite's files take one process: a second one (a cluster sharing PLAZA_DATA_DIR) would corrupt them. Held until close(). */
  private async lock() {
    if (this.locked || this.dataDir === undefined) return;
    mkdirSync(this.dataDir, { recursive: true });
    const owner = await takeDirLock(this.dataDir);
    if (owner !== null) throw new SinkUnavailableError(`embedded analytics database ${this.dataDir} is in use by process ${owner}`);
    this.locked = true;
  }

  private open(): Promise<DatabaseThread> {
    if (this.thread) return Promise.resolve(this.thread);
    this.opening ??= this.start().finally(() => { this.opening = null; });
    return this.opening;
  }

  private async start(): Promise<DatabaseThread> {
    await this.stopping;
    await this.lock();
    const fresh = this.dataDir === undefined || readdirSync(this.dataDir).filter((f) => f !== "LOCK").length === 0;
    const seed = fresh ? await freshClusterSeed().then(async (b) => new Uint8Array(await b.arrayBuffer())).catch(() => undefined) : undefined;
    const { wasmModule, fsBundle } = await pgliteRuntime();
    const thread = new DatabaseThread((t) => { if (this.thread === t) this.thread = null; });
    try {
      await thread.call(
        { op: "open", dataDir: this.dataDir, seed, schema: SCHEMA, wasmModule, fsBundle, startParams: pgliteStartParams(this.sharedBuffersMb) },
        seed ? [seed.buffer] : [],
      );
      if (this.pendingCutoffS !== null) await this.deleteIn(thread, this.pendingCutoffS);
      this.pendingCutoffS = null;
    } catch (err) {
      await thread.stop();
      throw err instanceof SinkUnavailableError ? err : new SinkUnavailableError(`embedded analytics database did not open: ${(err as Error).message}`, { cause: err });
    }
    this.thread = thread;
    return thread;
  }

  /** One request, opening the database first if it is stopped; the idle clock starts when none is left. */
  private async call(msg: Record<string, unknown>): Promise<unknown[]> {
    if (this.closed) throw new SinkClosedError(this.kind);
    this.active++;
    clearTimeout(this.idleTimer);
    try {
      return await (await this.open()).call(msg);
    } finally {
      if (--this.active === 0 && !this.closed && this.idleCloseMs > 0) {
        this.idleTimer = setTimeout(() => this.stopIdle(), this.idleCloseMs);
        this.idleTimer.unref();
      }
    }
  }

  private stopIdle() {
    const thread = this.thread;
    if (!thread || this.active > 0 || this.opening) return;
    this.thread = null;
    this.stopping = thread.stop();
  }

  /** Whether the database is open now (it opens on demand; idle, it may be stopped). */
  get running(): boolean {
    return this.thread !== null;
  }

  // ---- Warehouse (delivery) ---------------------------------------------------------------------

  /** Answers without opening the database: its directory is ours (the lock), it opens on the first batch. */
  async ping(): Promise<boolean> {
    if (this.closed) return false;
    return this.lock().then(() => true, () => false);
  }

  /** The tables are created when the database opens (SCHEMA). */
  async migrate(): Promise<number[]> {
    return [];
  }

  async write(table: TableName, rows: readonly AnalyticsRow[]): Promise<void> {
    if (this.closed) throw new SinkClosedError(this.kind);
    if (rows.length === 0) return;
    const sql = `INSERT INTO ${table} SELECT * FROM json_populate_recordset(NULL::${table}, $1::json) ON CONFLICT DO NOTHING`;
    for (let i = 0; i < rows.length; i += CHUNK_ROWS) {
      const chunk = rows.slice(i, i + CHUNK_ROWS).map((r) => ({ ...r, ts: epochOf(r.ts) }));
      await this.call({ op: "insert", sql, json: JSON.stringify(chunk) });
    }
  }

  /** A spool segment (JSONEachRow lines, as ClickHouse would take them). */
  async writeFile(table: TableName, path: string): Promise<void> {
    const rows = readFileSync(path, "utf8").split("\n").filter((l) => l.trim() !== "").map((l) => JSON.parse(l) as AnalyticsRow);
    await this.write(table, rows);
  }

  // ---- InsightsSource ---------------------------------------------------------------------------

  async query<T>(sql: string, params: QueryParams): Promise<T[]> {
    const { text, values } = positional(sql, params);
    return (await this.call({ op: "query", sql: text, params: values })) as T[];
  }

  async deleteUser(userId: string): Promise<void> {
    await this.query(`DELETE FROM plaza_events WHERE "user" = {user:String}`, { user: userId });
  }

  /** PV4. A stopped database is not opened for it: the cutoff is applied when it next opens, before anything reads it. */
  async deleteBefore(cutoffS: number): Promise<void> {
    if (this.closed) throw new SinkClosedError(this.kind);
    if (!this.thread && !this.opening && this.idleCloseMs > 0) {
      this.pendingCutoffS = Math.max(this.pendingCutoffS ?? 0, cutoffS);
      return;
    }
    await this.deleteIn(await this.open(), cutoffS);
  }

  private async deleteIn(thread: DatabaseThread, cutoffS: number) {
    for (const t of ["plaza_events", "plaza_presence"]) {
      const { text, values } = positional(`DELETE FROM ${t} WHERE ts < {cutoff:UInt32}`, { cutoff: cutoffS });
      await thread.call({ op: "query", sql: text, params: values });
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    clearTimeout(this.idleTimer);
    const thread = await (this.opening ?? Promise.resolve(this.thread)).catch(() => null);
    this.thread = null;
    await thread?.stop();
    await this.stopping;
    if (this.locked && this.dataDir !== undefined) await releaseDirLock(this.dataDir);
  }
}
