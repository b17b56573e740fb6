/**
 * ClickHouse schema, as an ordered list of versioned migrations applied at start (and again after
 * an outage, so a database that was dropped comes back). Applied versions are recorded in
 * `plaza_schema_migrations`.
 *
 * Rules for adding one: append, never edit a released entry; every statement idempotent
 * (IF NOT EXISTS …), since two processes starting together may both apply it; keep to what
 * ClickHouse 18.16 has and 24+ still accepts (README "Analytics", version table): MergeTree family, DateTime, String,
 * UInt*, Float*; no DateTime64, LowCardinality, Map, Bool, JSON, TTL-with-codecs, projections.
 *
 * Exactly-once (AN3): 18.16 has no insert_deduplication_token, and a retried or replayed batch is
 * re-sent whole. Both tables are ReplacingMergeTree whose ORDER BY is the row's identity, so a
 * duplicate collapses when parts merge; every query reads with FINAL, which applies the same
 * collapse at read time, so answers are exact before merges too. Duplicates are byte-identical
 * rows, so filters give the same answer whether applied before or after the collapse.
 * `ts` is DateTime('UTC'): the text we send is parsed as UTC whatever the server's timezone.
 */
export interface Migration {
  version: number;
  name: string;
  statements: (db: string) => string[];
}

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: "plaza_events",
    statements: (db) => [
      `CREATE TABLE IF NOT EXISTS ${db}.plaza_events (
        id String,
        type String,
        ts DateTime('UTC'),
        space String,
        process String,
        session String,
        user String,
        n UInt32,
        duration_ms UInt64,
        detail String,
        x UInt16,
        y UInt16,
        v UInt8
      ) ENGINE = ReplacingMergeTree()
      PARTITION BY toYYYYMM(ts)
      ORDER BY (space, ts, id)`,
    ],
  },
  {
    version: 2,
    name: "plaza_presence",
    statements: (db) => [
      `CREATE TABLE IF NOT EXISTS ${db}.plaza_presence (
        ts DateTime('UTC'),
        space String,
        x UInt16,
        y UInt16,
        people UInt32,
        v UInt8
      ) ENGINE = ReplacingMergeTree()
      PARTITION BY toYYYYMM(ts)
      ORDER BY (space, ts, x, y)`,
    ],
  },
];

/**
 * Statements that follow the server's version and settings, run after the migrations at every
 * connection (idempotent: MODIFY replaces). Retention (PV4): a TTL where the server has one
 * (19.6+); older servers delete old rows with a periodic ALTER … DELETE (retention.ts). Dedup
 * window (AN3): lets insert_deduplication_token work on these non-replicated tables (22.2+).
 */
export function versionedStatements(db: string, can: { ttl: boolean; dedupToken: boolean }, retentionDays: number | undefined): string[] {
  const out: string[] = [];
  for (const t of ["plaza_events", "plaza_presence"]) {
    if (can.ttl && retentionDays !== undefined && Number.isSafeInteger(retentionDays) && retentionDays > 0) {
      out.push(`ALTER TABLE ${db}.${t} MODIFY TTL ts + INTERVAL ${retentionDays} DAY`);
    }
    if (can.dedupToken) out.push(`ALTER TABLE ${db}.${t} MODIFY SETTING non_replicated_deduplication_window = 1000`);
  }
  return out;
}

export const DATABASE_NAME_RE = /^[A-Za-z_][A-Za-z0-9_]{0,62}$/;

/** The bookkeeping statements, separate so they can run before the list. */
export function bootstrapStatements(db: string): string[] {
  return [
    `CREATE DATABASE IF NOT EXISTS ${db}`,
    `CREATE TABLE IF NOT EXISTS ${db}.plaza_schema_migrations (
      version UInt32,
      name String,
      applied_at DateTime('UTC')
    ) ENGINE = ReplacingMergeTree() ORDER BY version`,
  ];
}
