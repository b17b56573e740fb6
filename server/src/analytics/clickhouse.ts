/**
 * ClickHouse access: the EventSink that inserts rows, plus migrations, ping, file replay and the
 * read queries the insights use. Works with ClickHouse 18.16 (tested) and 24+. The server's version
 * is read when it connects (`SELECT version()`), and features switch on by version (README
 * "Analytics", `features()` below):
 *  - query parameters `{name:Type}` are sent as parameters (19.11+); older servers get them as
 *    typed literals inlined here (strings escaped, numbers checked), from the same query text;
 *  - retried inserts carry `insert_deduplication_token` (22.2+, with the tables'
 *    non_replicated_deduplication_window); ReplacingMergeTree + FINAL keep every version exact;
 *  - retention is a table TTL (19.6+), or a periodic ALTER … DELETE before that.
 */
import { createHash } from "node:crypto";
import { Readable } from "node:stream";
import type { ClickHouseClient } from "@clickhouse/client";
import { onFirstUse } from "../onFirstUse.ts";
import { createReadStream, statSync } from "node:fs";
import { chTime } from "./events.ts";
import { bootstrapStatements, DATABASE_NAME_RE, MIGRATIONS, versionedStatements } from "./migrations.ts";
import { SinkClosedError, SinkRejectedError, SinkUnavailableError, type AnalyticsRow, type EventSink, type TableName } from "./sink.ts";

const clickhouse = onFirstUse<typeof import("@clickhouse/client")>("@clickhouse/client");

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

/** A ClickHouse string literal (only for servers without query parameters: see inlineParams). */
function sqlString(s: string): string {
  return `'${s.replace(/\\/g, "\\\\").replace(/'/g, "\\'")}'`;
}

export type QueryParams = Record<string, string | number>;

/** ClickHouse version as [major, minor]; what a feature needs is compared against it. */
export type ServerVersion = readonly [number, number];

export function parseVersion(text: string): ServerVersion {
  const m = /^(\d+)\.(\d+)/.exec(text.trim());
  return m ? [Number(m[1]), Number(m[2])] : [0, 0];
}

const atLeast = (v: ServerVersion, major: number, minor: number) => v[0] > major || (v[0] === major && v[1] >= minor);

/** What this server can do (README "Analytics": version switches). */
export function features(v: ServerVersion) {
  return {
    /** `{name:Type}` parameters sent as `param_name`. */
    queryParams: atLeast(v, 19, 11),
    /** Table TTL for retention. */
    ttl: atLeast(v, 19, 6),
    /** insert_deduplication_token on non-replicated MergeTree tables. */
    dedupToken: atLeast(v, 22, 2),
  };
}

/**
 * `{name:Type}` placeholders replaced by typed literals, for servers without query parameters.
 * Strings are escaped; integer types take only safe integers; any other type is refused.
 */
export function inlineParams(sql: string, params: QueryParams): string {
  return sql.replace(/\{([A-Za-z_][A-Za-z0-9_]*):([A-Za-z0-9]+)\}/g, (_m, name: string, type: string) => {
    if (!(name in params)) throw new Error(`query parameter ${name} missing`);
    const v = params[name];
    if (type === "String") return sqlString(String(v));
    if (/^U?Int(8|16|32|64)$/.test(type) && Number.isSafeInteger(v)) return String(v);
    throw new Error(`query parameter ${name}: ${type} ${JSON.stringify(v)} not supported`);
  });
}

/** Same rows, same token: a retried batch is recognised by the server (22.2+). */
function batchToken(table: TableName, rows: readonly AnalyticsRow[]): string {
  const h = createHash("sha256").update(table);
  for (const r of rows) h.update("id" in r ? r.id : `${r.ts}|${r.space}|${r.x}|${r.y}`);
  return h.digest("hex").slice(0, 40);
}

export class ClickHouseSink implements EventSink {
  readonly kind = "clickhouse" as const;
  readonly database: string;
  private readonly client: ClickHouseClient;
  private closed = false;
  /** Known once connected (ping/migrate); until then, the oldest behaviour. */
  private version: ServerVersion = [0, 0];

  constructor(opts: ClickHouseOptions) {
    if (!DATABASE_NAME_RE.test(opts.database)) throw new Error(`CLICKHOUSE_DATABASE must match ${DATABASE_NAME_RE}`);
    this.database = opts.database;
    const { createClient, ClickHouseLogLevel } = clickhouse();
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
      const r = await this.client.exec({ query: `INSERT INTO ${this.table(table)} FORMAT JSONEachRow`, values: jsonLines(rows), clickhouse_settings: this.dedup(batchToken(table, rows)) });
      r.stream.destroy();
    } catch (err) {
      throw classify(err);
    }
  }

  /** Inserts a spool segment as it is on disk (JSONEachRow lines), streamed: no parsing here. */
  async writeFile(table: TableName, path: string): Promise<void> {
    if (this.closed) throw new SinkClosedError(this.kind);
    try {
      const token = createHash("sha256").update(`${table}|${path}|${statSync(path).size}`).digest("hex").slice(0, 40);
      const r = await this.client.exec({ query: `INSERT INTO ${this.table(table)} FORMAT JSONEachRow`, values: createReadStream(path), clickhouse_settings: this.dedup(token) });
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

  /** What the connected server can do (the oldest behaviour until its version is known). */
  features() { return features(this.version); }

  private dedup(token: string) {
    return features(this.version).dedupToken ? { insert_deduplication_token: token } : {};
  }

  /** The server's version, read once per connection (migrate calls it). */
  async serverVersion(): Promise<ServerVersion> {
    const rs = await this.client.query({ query: "SELECT version() AS v", format: "JSONEachRow" });
    this.version = parseVersion((await rs.json<{ v: string }>())[0]?.v ?? "");
    return this.version;
  }

  /**
   * Creates the database and applies migrations not yet recorded, then the statements that follow
   * the server's version and the retention setting (TTL, dedup window). Idempotent.
   */
  async migrate(retentionDays?: number): Promise<number[]> {
    try {
      await this.serverVersion();
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
      for (const q of versionedStatements(this.database, features(this.version), retentionDays ?? this.retentionDays)) await this.client.command({ query: q });
      return applied;
    } catch (err) {
      throw classify(err);
    }
  }

  /** Retention for the TTL set at migrate (undefined: keep everything). */
  retentionDays: number | undefined;

  /**
   * Rows of a SELECT (JSONEachRow), with `{name:Type}` parameters sent as such where the server
   * has them, inlined as typed literals where it does not. UInt64 columns may arrive as strings:
   * convert at the caller.
   */
  async query<T>(sql: string, params: QueryParams = {}): Promise<T[]> {
    if (this.closed) throw new SinkClosedError(this.kind);
    try {
      const rs = features(this.version).queryParams
        ? await this.client.query({ query: sql, format: "JSONEachRow", query_params: params })
        : await this.client.query({ query: inlineParams(sql, params), format: "JSONEachRow" });
      return await rs.json<T>();
    } catch (err) {
      throw classify(err);
    }
  }

  async command(sql: string, params: QueryParams = {}): Promise<void> {
    try {
      if (features(this.version).queryParams) await this.client.command({ query: sql, query_params: params });
      else await this.client.command({ query: inlineParams(sql, params) });
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
