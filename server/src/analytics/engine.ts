/**
 * The read side of an analytics engine (STYLE: infrastructure behind a small interface). Two
 * implementations, one contract suite (server/test/analytics-contract.test.ts) that runs the same
 * seeded rows through both and compares the figures:
 *  - EmbeddedEngine (embedded.ts): PGlite tables in a worker thread, the default;
 *  - ClickHouseSource (here, over ClickHouseSink): when CLICKHOUSE_URL is set.
 *
 * The queries themselves are written once (insights.ts) in the subset both speak — GROUP BY,
 * count(DISTINCT …), CASE, IN (subquery), integer arithmetic on epoch seconds — with `{name:Type}`
 * parameters; a Dialect supplies the few words that differ.
 */
import type { ClickHouseSink, QueryParams } from "./clickhouse.ts";
import type { TableName } from "./sink.ts";

export type { QueryParams };

export interface Dialect {
  /** The table to read, deduplicated (ClickHouse: FINAL). */
  from(t: TableName): string;
  /** `ts` as epoch seconds. */
  readonly epoch: string;
  /** `ts` compared with an epoch-seconds parameter: `ts >= …` / `ts < …`. */
  tsAtLeast(param: string): string;
  tsBefore(param: string): string;
  /** Integer division of non-negative integers. */
  intDiv(a: string, b: string): string;
}

export interface InsightsSource {
  readonly kind: "embedded" | "clickhouse";
  readonly dialect: Dialect;
  /** Rows of a SELECT; numbers may come back as strings or bigints: convert with Number(). */
  query<T>(sql: string, params: QueryParams): Promise<T[]>;
  /** Deletes every event of one account (PV5). May finish in the background on ClickHouse. */
  deleteUser(userId: string): Promise<void>;
  /** Deletes rows older than `cutoffS` (epoch seconds): retention (PV4). */
  deleteBefore(cutoffS: number): Promise<void>;
  close(): Promise<void>;
}

export const CLICKHOUSE_DIALECT = (db: string): Dialect => ({
  from: (t) => `${db}.${t} FINAL`,
  epoch: "toUInt32(ts)",
  tsAtLeast: (p) => `ts >= toDateTime({${p}:UInt32})`,
  tsBefore: (p) => `ts < toDateTime({${p}:UInt32})`,
  intDiv: (a, b) => `intDiv(${a}, ${b})`,
});

/** ClickHouse as an insights source: the sink's connection, queries with parameters. */
export class ClickHouseSource implements InsightsSource {
  readonly kind = "clickhouse" as const;
  readonly dialect: Dialect;
  private versionKnown: Promise<unknown> | null = null;

  constructor(private readonly ch: ClickHouseSink) {
    this.dialect = CLICKHOUSE_DIALECT(ch.database);
  }

  async query<T>(sql: string, params: QueryParams): Promise<T[]> {
    await this.known();
    return this.ch.query<T>(sql, params);
  }

  async deleteUser(userId: string): Promise<void> {
    await this.known();
    // A mutation: ClickHouse rewrites the affected parts in the background.
    await this.ch.command(`ALTER TABLE ${this.ch.table("plaza_events")} DELETE WHERE "user" = {user:String}`, { user: userId });
  }

  async deleteBefore(cutoffS: number): Promise<void> {
    await this.known();
    for (const t of ["plaza_events", "plaza_presence"] as const) {
      await this.ch.command(`ALTER TABLE ${this.ch.table(t)} DELETE WHERE ts < toDateTime({cutoff:UInt32})`, { cutoff: cutoffS });
    }
  }

  /** Whether retention needs deleteBefore (servers without TTL). */
  async needsRetentionSweep(): Promise<boolean> {
    await this.known();
    return !this.ch.features().ttl;
  }

  close(): Promise<void> { return this.ch.close(); }

  /** Parameters are sent or inlined by version: read it once (retried after a failure). */
  private known() {
    this.versionKnown ??= this.ch.serverVersion().catch((err) => {
      this.versionKnown = null;
      throw err;
    });
    return this.versionKnown;
  }
}

/** `{name:Type}` → `$n` for PostgreSQL, with the values in order. Types are ignored (PG infers them). */
export function positional(sql: string, params: QueryParams): { text: string; values: (string | number)[] } {
  const index = new Map<string, number>();
  const values: (string | number)[] = [];
  const text = sql.replace(/\{([A-Za-z_][A-Za-z0-9_]*):([A-Za-z0-9]+)\}/g, (_m, name: string) => {
    if (!(name in params)) throw new Error(`query parameter ${name} missing`);
    let i = index.get(name);
    if (i === undefined) {
      values.push(params[name]);
      i = values.length;
      index.set(name, i);
    }
    return `$${i}`;
  });
  return { text, values };
}
