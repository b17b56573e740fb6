/**
 * Analytics events (SPEC AN1–AN4): one typed definition, versioned. Events are for analytics
 * only — rooms never read them back, and nothing a room does waits on them.
 *
 * Two ClickHouse tables (see migrations.ts):
 *  - plaza_events: one row per event below;
 *  - plaza_presence: occupancy samples, one row per (space, sample time, tile) with the number of
 *    people standing there, taken every PRESENCE_SAMPLE_S seconds. Rows per sample ≤ occupied
 *    tiles ≤ people, so a 1,000-person space costs at most 200 rows/s.
 */

/**
 * Bump when a field changes meaning; stored in every row (`v`).
 * 2: `user` is the account id ('' for people without an account), no longer the display name
 *    (PV1: analytics keeps no names); room_alive and conversation_join added.
 */
export const EVENT_SCHEMA_VERSION = 2;

/** Seconds between occupancy samples (each sample weighs this many person-seconds per person). */
export const PRESENCE_SAMPLE_S = 5;

export const EVENT_TYPES = [
  "session_start", // a connection joined a room (client kind in `detail`: web | bot)
  "session_end", // it left (duration_ms = session length; detail = close code)
  "space_enter", // a person entered a space (same as session_start today; kept apart for multi-room sessions)
  "space_leave", // duration_ms = visit length
  "room_created",
  "room_disposed", // duration_ms = room lifetime
  "conversation_start", // n = participants at start; detail = conversation id
  "conversation_end", // n = most participants at once; duration_ms = length; detail = conversation id
  "chat_sent", // detail = scope (nearby | space | dm); n = text length (never the text)
  "emote", // detail = emote name
  "status_change", // detail = new status
  "error", // detail = reason (kick code, malformed, throttled…)
  "room_alive", // the room's heartbeat, with each occupancy sample while anyone is there (AN7)
  "conversation_join", // a person joined a conversation: detail = conversation id; n = 1 when outside the space's team (guest, visitor), else 0
] as const;
export type EventType = (typeof EVENT_TYPES)[number];

export interface AnalyticsEvent {
  /** Unique id (UUID v4), so retries and spool replays can be deduplicated (AN3). */
  id: string;
  type: EventType;
  /** UTC time, 'YYYY-MM-DD hh:mm:ss' (ClickHouse DateTime: 18.16 has no DateTime64). */
  ts: string;
  space: string;
  /** Process that emitted it (hostname:pid). */
  process: string;
  /** Colyseus session id, '' for room events. */
  session: string;
  /** The person's account id ('' for people without an account and for non-person events). Never a name or the text they wrote (PV1). */
  user: string;
  n: number;
  duration_ms: number;
  detail: string;
  /** Tile where it happened (0 when not relevant). */
  x: number;
  y: number;
}

export interface PresenceSample {
  /** UTC sample time, 'YYYY-MM-DD hh:mm:ss'. */
  ts: string;
  space: string;
  x: number;
  y: number;
  /** People on that tile at that moment. */
  people: number;
}

/** ClickHouse DateTime text for a JS time (UTC). */
export function chTime(ms: number): string {
  return new Date(ms).toISOString().slice(0, 19).replace("T", " ");
}

/** What a room hands to analytics: the event without the fields the pipeline fills in. */
export type TrackedEvent = Omit<AnalyticsEvent, "id" | "ts" | "process"> & { ts?: string };

/**
 * The port rooms talk to (the pipeline implements it). Both calls are synchronous, O(1) and never
 * throw: nothing a room does may wait on analytics (AN1).
 */
export interface AnalyticsPort {
  track(e: TrackedEvent): void;
  sample(rows: PresenceSample[]): void;
  /**
   * PV6: whether this person's events in this space may be recorded (false when they or the
   * space opted out). userId null: only the space is asked. Synchronous, O(1).
   */
  records?(space: string, userId: string | null): boolean;
}

export const NO_ANALYTICS: AnalyticsPort = { track() {}, sample() {} };
