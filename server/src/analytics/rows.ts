/**
 * Row shaping (SPEC AN1): what a room tracks becomes the row stored, with the fields the pipeline
 * fills in (id, time, process, schema version). Pure: the id and the current time are given.
 *
 * Every field is coerced to what its column takes, so one bad value cannot get a whole batch of
 * 5,000 rows refused: strings stay strings (null → ''), numbers become non-negative integers
 * clamped to the column (NaN, negatives → 0), a time that is not 'YYYY-MM-DD hh:mm:ss' becomes
 * the current time.
 */
import { chTime, type PresenceSample, type TrackedEvent } from "./events.ts";
import { ROW_VERSION, type EventRow, type PresenceRow } from "./sink.ts";

const CH_TIME_RE = /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/;
const UINT16 = 0xffff;
const UINT32 = 0xffffffff;

/**
 * The stored row of a tracked event, with the fields the pipeline fills in: its `id`, the
 * `process` that emitted it, and the current time from `now` (asked only when `e.ts` is unusable).
 */
export function eventRow(e: TrackedEvent, id: string, process: string, now: () => string): EventRow {
  return {
    id,
    type: e.type,
    ts: time(e.ts, now),
    space: str(e.space),
    process,
    session: str(e.session),
    user: str(e.user),
    n: uint(e.n, UINT32),
    duration_ms: uint(e.duration_ms, Number.MAX_SAFE_INTEGER),
    detail: str(e.detail),
    x: uint(e.x, UINT16),
    y: uint(e.y, UINT16),
    v: ROW_VERSION,
  };
}

export function presenceRow(r: PresenceSample, now: () => string): PresenceRow {
  return { ts: time(r.ts, now), space: str(r.space), x: uint(r.x, UINT16), y: uint(r.y, UINT16), people: uint(r.people, UINT32), v: ROW_VERSION };
}

/**
 * The current time as ClickHouse DateTime text, formatted once per second (rows are tracked by
 * the thousand per second). `nowMs` is the clock.
 */
export function secondClock(nowMs: () => number = Date.now): () => string {
  let second = -1;
  let text = "";
  return () => {
    const ms = nowMs();
    const s = Math.floor(ms / 1000);
    if (s !== second) {
      second = s;
      text = chTime(ms);
    }
    return text;
  };
}

function time(ts: unknown, now: () => string): string {
  return typeof ts === "string" && CH_TIME_RE.test(ts) ? ts : now();
}

function str(v: unknown): string {
  return typeof v === "string" ? v : v == null ? "" : String(v);
}

/** Non-negative integer ≤ max (NaN, negatives → 0). */
function uint(v: unknown, max: number): number {
  const n = Math.trunc(typeof v === "number" ? v : Number(v));
  return n > 0 ? (n > max ? max : n) : 0;
}
