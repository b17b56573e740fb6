/**
 * Where analytics rows go (STYLE: infrastructure behind a small interface with a local default).
 * Two implementations, one contract suite (server/test/analytics-sinks.test.ts):
 *  - SpoolSink: append-only NDJSON segment files on local disk (the embedded default, and the
 *    buffer while ClickHouse is unreachable);
 *  - ClickHouseSink: `@clickhouse/client` inserts in JSONEachRow.
 */
import { EVENT_SCHEMA_VERSION, type AnalyticsEvent, type PresenceSample } from "./events.ts";

export const TABLES = ["plaza_events", "plaza_presence"] as const;
export type TableName = (typeof TABLES)[number];

/** One stored row: the event plus the schema version it was written with (events.ts). */
export type EventRow = AnalyticsEvent & { v: number };
export type PresenceRow = PresenceSample & { v: number };
export type AnalyticsRow = EventRow | PresenceRow;

export const ROW_VERSION = EVENT_SCHEMA_VERSION;

export interface EventSink {
  readonly kind: "spool" | "clickhouse";
  /**
   * Stores `rows` (all or nothing, in order) and resolves once they are stored. Rejects with
   * SinkUnavailableError (transport trouble: try again later, the rows are fine),
   * SinkRejectedError (the store refused the data itself: retrying cannot help) or
   * SinkClosedError. An empty batch resolves without doing anything.
   */
  write(table: TableName, rows: readonly AnalyticsRow[]): Promise<void>;
  /** Finishes pending writes and releases files/connections; later writes reject. */
  close(): Promise<void>;
}

/** The store cannot be reached (refused, reset, timed out, overloaded). Retry later. */
export class SinkUnavailableError extends Error {
  override readonly name = "SinkUnavailableError";
  constructor(message: string, options?: { cause?: unknown }) { super(message, options); }
}

/** The store answered and refused these rows (parse error, wrong type…). Never retried. */
export class SinkRejectedError extends Error {
  override readonly name = "SinkRejectedError";
  constructor(message: string, readonly code: number | undefined, options?: { cause?: unknown }) { super(message, options); }
}

export class SinkClosedError extends Error {
  override readonly name = "SinkClosedError";
  constructor(kind: string) { super(`${kind} sink is closed`); }
}
