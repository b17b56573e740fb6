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
import { freshClusterSeed } from "../store/pglite.ts";
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

export class EmbeddedEngine implements Warehouse, InsightsSource {
  readonly kind = "embedded" as const;
  readonly database = "embedded";
  readonly dialect = EMBEDDED_DIALECT;
  private readonly worker: Worker;
  private readonly pending = new Map<number, { resolve: (rows: unknown[]) => void; reject: (err: Error) => void }>();
  private nextId = 1;
  private closed = false;
  private dead: Error | null = null;
  private readonly ready: Promise<void>;
  private locked = false;

  /** `dataDir` undefined: in memory (tests). */
  constructor(readonly dataDir: string | undefined) {
    this.worker = new Worker(new URL("./embeddedWorker.ts", import.meta.url));
    this.worker.on("message", (m: { id: number; rows?: unknown[]; error?: string }) => {
      const p = this.pending.get(m.id);
      if (!p) return;
      this.pending.delete(m.id);
      if (m.error !== undefined) p.reject(new SinkRejectedError(m.error, undefined));
      else p.resolve(m.rows ?? []);
    });
    const fail = (err: Error) => {
      this.dead ??= new SinkUnavailableError(`embedded analytics database stopped: ${err.message}`, { cause: err });
      for (const p of this.pending.values()) p.reject(this.dead);
      this.pending.clear();
    };
    this.worker.on("error", fail);
    this.worker.on("exit", (code) => fail(new Error(`worker exited (${code})`)));
    this.ready = this.open();
    this.ready.catch(() => undefined);
  }

  private async open() {
    let fresh = true;
    if (this.dataDir !== undefined) {
      mkdirSync(this.dataDir, { recursive: true });
      fresh = readdirSync(this.dataDir).filter((f) => f !== "LOCK").length === 0;
      // PGlite's files take one process: a second one (a cluster sharing PLAZA_DATA_DIR) would corrupt them.
      const owner = await takeDirLock(this.dataDir);
      if (owner !== null) throw new SinkUnavailableError(`embedded analytics database ${this.dataDir} is in use by process ${owner}`);
      this.locked = true;
    }
    const seed = fresh ? await freshClusterSeed().then(async (b) => new Uint8Array(await b.arrayBuffer())).catch(() => undefined) : undefined;
    await this.call({ op: "open", dataDir: this.dataDir, seed, schema: SCHEMA });
  }

  private call(msg: Record<string, unknown>): Promise<unknown[]> {
    if (this.dead) return Promise.reject(this.dead);
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.worker.postMessage({ id, ...msg });
    });
  }

  // ---- Warehouse (delivery) ---------------------------------------------------------------------

  async ping(): Promise<boolean> {
    if (this.closed || this.dead) return false;
    return this.ready.then(() => true, () => false);
  }

  async migrate(): Promise<number[]> {
    await this.ready;
    return [];
  }

  async write(table: TableName, rows: readonly AnalyticsRow[]): Promise<void> {
    if (this.closed) throw new SinkClosedError(this.kind);
    if (rows.length === 0) return;
    await this.ready;
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
    if (this.closed) throw new SinkClosedError(this.kind);
    await this.ready;
    const { text, values } = positional(sql, params);
    return (await this.call({ op: "query", sql: text, params: values })) as T[];
  }

  async deleteUser(userId: string): Promise<void> {
    await this.query(`DELETE FROM plaza_events WHERE "user" = {user:String}`, { user: userId });
  }

  async deleteBefore(cutoffS: number): Promise<void> {
    for (const t of ["plaza_events", "plaza_presence"]) await this.query(`DELETE FROM ${t} WHERE ts < {cutoff:UInt32}`, { cutoff: cutoffS });
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.ready.catch(() => undefined);
    if (!this.dead) await this.call({ op: "close" }).catch(() => undefined);
    await this.worker.terminate();
    if (this.locked && this.dataDir !== undefined) await releaseDirLock(this.dataDir);
  }
}
