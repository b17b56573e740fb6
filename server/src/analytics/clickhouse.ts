/**
 * ClickHouse access: the EventSink that inserts rows, plus migrations, ping, file replay and the
 * read queries the insights use. Works with ClickHouse 18.16 (tested) and 24+ (FIELD-NOTES):
 * no server-side query parameters (18.16 has none; values are escaped with sqlString), no
 * insert_deduplication_token (see migrations.ts for exactly-once), no async_insert.
 */
import { Readable } from "node:stream";
import { createClient, ClickHouseLogLevel, type ClickHouseClient } from "@clickhouse/client";
import { createReadStream } from "node:fs";
import { chTime } from "./events.ts";
import { bootstrapStatements, DATABASE_NAME_RE, MIGRATIONS } from "./migrations.ts";
import { SinkClosedError, SinkRejectedError, SinkUnavailableError, type AnalyticsRow, type EventSink, type TableName } from "./sink.ts";

export interface ClickHouseOptions {
  url: string;
  username?: string;
  password?: string;
  database: string;
  /** Per request; an insert of one batch takes milliseconds, so a long wait means trouble. */
  requestTimeoutMs?: number;
}

/**
 * Server error codes that say "not now" rather than "not this data": retried like a lost
 * connection. Anything else ClickHouse answers with a code is a verdict on the rows.
 */
const TRANSIENT_CODES = new Set([
  60, // UNKNOWN_TABLE (dropped under us: migrations recreate it on reconnection)
  81, // UNKNOWN_DATABASE
  159, // TIMEOUT_EXCEEDED
  164, // READONLY
  192, 193, 194, 516, // UNKNOWN_USER, WRONG_PASSWORD, REQUIRED_PASSWORD, AUTHENTICATION_FAILED: configuration, not data
  202, // TOO_MANY_SIMULTANEOUS_QUERIES
  203, // NO_FREE_CONNECTION
  209, // SOCKET_TIMEOUT
  210, // NETWORK_ERROR
  241, // MEMORY_LIMIT_EXCEEDED
  242, // TABLE_IS_READ_ONLY
  252, // TOO_MANY_PARTS
  285, // TOO_FEW_LIVE_REPLICAS
  319, // UNKNOWN_STATUS_OF_INSERT
  425, // SYSTEM_ERROR
]);

/** 18.16 answers "Code: 27, e.displayText() = …"; 24+ "Code: 27. DB::Exception: … (TYPE)". */
export function clickHouseErrorCode(err: unknown): number | undefined {
  const m = /^Code: (\d+)[.,]/.exec(err instanceof Error ? err.message : String(err));
  return m ? Number(m[1]) : undefined;
}

/** Sorts a failed request into retry-later (transport) or never-retry (the data was refused). */
export function classify(err: unknown): SinkUnavailableError | SinkRejectedError {
  const code = clickHouseErrorCode(err);
  const message = (err instanceof Error ? err.message : String(err)).split("\n")[0].slice(0, 300);
  if (code !== undefined && !TRANSIENT_CODES.has(code)) return new SinkRejectedError(message, code, { cause: err });
  // No ClickHouse code: ECONNREFUSED/ECONNRESET/EPIPE, "Timeout error.", or a proxy's 5xx page.
  return new SinkUnavailableError(message, { cause: err });
}

/** A ClickHouse string literal. */
export function sqlString(s: string): string {
  return `'${s.replace(/\\/g, "\\\\").replace(/'/g, "\\'")}'`;
}

export class ClickHouseSink implements EventSink {
  readonly kind = "clickhouse" as const;
  readonly database: string;
  private readonly client: ClickHouseClient;
  private closed = false;

  constructor(opts: ClickHouseOptions) {
    if (!DATABASE_NAME_RE.test(opts.database)) throw new Error(`CLICKHOUSE_DATABASE must match ${DATABASE_NAME_RE}`);
    this.database = opts.database;
    this.client = createClient({
      url: opts.url,
      username: opts.username,
      password: opts.password,
      request_timeout: opts.requestTimeoutMs ?? 10_000,
      // Tables are always qualified; no default database, so CREATE DATABASE works on a fresh server.
      log: { level: ClickHouseLogLevel.OFF },
    });
  }

  table(t: TableName): string { return `${this.database}.${t}`; }

  async write(table: TableName, rows: readonly AnalyticsRow[]): Promise<void> {
    if (this.closed) throw new SinkClosedError(this.kind);
    if (rows.length === 0) return;
    try {
      // Streamed in chunks that yield to the event loop: a 5,000-row batch is ~1.2 MB of JSON, and
      // serialising it in one go stalled rooms for tens of milliseconds (BENCHMARKS.md).
      const r = await this.client.exec({ query: `INSERT INTO ${this.table(table)} FORMAT JSONEachRow`, values: jsonLines(rows) });
      r.stream.destroy();
    } catch (err) {
      throw classify(err);
    }
  }

  /** Inserts a spool segment as it is on disk (JSONEachRow lines), streamed: no parsing here. */
  async writeFile(table: TableName, path: string): Promise<void> {
    if (this.closed) throw new SinkClosedError(this.kind);
    try {
      const r = await this.client.exec({ query: `INSERT INTO ${this.table(table)} FORMAT JSONEachRow`, values: createReadStream(path) });
      r.stream.destroy();
    } catch (err) {
      throw classify(err);
    }
  }

  async ping(): Promise<boolean> {
    if (this.closed) return false;
    const r = await this.client.ping().catch(() => ({ success: false }));
    return r.success;
  }

  /** Creates the database and applies migrations not yet recorded. Idempotent. */
  async migrate(): Promise<number[]> {
    try {
      for (const q of bootstrapStatements(this.database)) await this.client.command({ query: q });
      const done = new Set(
        (await this.query<{ version: number }>(`SELECT DISTINCT version FROM ${this.database}.plaza_schema_migrations`)).map((r) => Number(r.version)),
      );
      const applied: number[] = [];
      for (const m of MIGRATIONS) {
        if (done.has(m.version)) continue;
        for (const q of m.statements(this.database)) await this.client.command({ query: q });
        await this.client.insert({
          table: `${this.database}.plaza_schema_migrations`,
          values: [{ version: m.version, name: m.name, applied_at: chTime(Date.now()) }],
          format: "JSONEachRow",
        });
        applied.push(m.version);
      }
      return applied;
    } catch (err) {
      throw classify(err);
    }
  }

  /** Rows of a SELECT (JSONEachRow). UInt64 columns arrive as strings: convert at the caller. */
  async query<T>(sql: string): Promise<T[]> {
    if (this.closed) throw new SinkClosedError(this.kind);
    try {
      const rs = await this.client.query({ query: sql, format: "JSONEachRow" });
      return await rs.json<T>();
    } catch (err) {
      throw classify(err);
    }
  }

  async command(sql: string): Promise<void> {
    try {
      await this.client.command({ query: sql });
    } catch (err) {
      throw classify(err);
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.client.close();
  }
}

/** Rows per serialised chunk: ~125 KB of JSON, about a millisecond of work between yields. */
const CHUNK_ROWS = 500;

/** JSONEachRow text for `rows`, produced a chunk at a time with a macrotask yield in between. */
function jsonLines(rows: readonly AnalyticsRow[]): Readable {
  return Readable.from((async function* () {
    for (let i = 0; i < rows.length; i += CHUNK_ROWS) {
      let text = "";
      const end = Math.min(rows.length, i + CHUNK_ROWS);
      for (let j = i; j < end; j++) text += JSON.stringify(rows[j]) + "\n";
      yield text;
      if (end < rows.length) await new Promise<void>((resolve) => setImmediate(resolve));
    }
  })(), { objectMode: false });
}
