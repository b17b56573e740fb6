/**
 * Insights: the read side of analytics, for one space over whole UTC days [from, to].
 *
 * Definitions (README "Analytics"):
 *  - a sample's people = sum of `people` over its tiles (plaza_presence rows with one ts);
 *  - activity = per bucket (5m for ranges ≤ 2 days, 1h ≤ 31 days, else 1d), the average people
 *    over the samples taken in it; buckets without samples (nobody there) are 0;
 *  - peak = the largest sample (earliest if tied); hours = average people per UTC hour of day
 *    over the samples taken in that hour (24 entries);
 *  - visits = space_leave events (duration_ms); conversations = conversation_end events;
 *    medians are exact (the middle value, or the mean of the two middle values), in ms, rounded;
 *  - heatmap = person-seconds per tile = sum(people) × PRESENCE_SAMPLE_S.
 * Every query reads with FINAL so retried/replayed rows count once (migrations.ts). Times are
 * computed from epoch seconds, so the answers do not depend on the ClickHouse server's timezone.
 */
import { PRESENCE_SAMPLE_S } from "./events.ts";
import { toCsv, type CsvCell } from "./csv.ts";
import { sqlString, type ClickHouseSink } from "./clickhouse.ts";
import type { InsightsBucket, InsightsReport } from "../../../shared/insights.ts";

export type Bucket = InsightsBucket;
export type { InsightsReport };
const BUCKET_S: Record<Bucket, number> = { "5m": 300, "1h": 3600, "1d": 86400 };
const DAY_S = 86400;

export function bucketFor(days: number): Bucket {
  return days <= 2 ? "5m" : days <= 31 ? "1h" : "1d";
}

/** 'YYYY-MM-DD' (already validated) → epoch seconds of its UTC midnight. */
export function dayStart(day: string): number {
  return Date.parse(`${day}T00:00:00Z`) / 1000;
}

const isoSeconds = (s: number) => new Date(s * 1000).toISOString().replace(".000Z", "Z");
const isoDay = (s: number) => new Date(s * 1000).toISOString().slice(0, 10);
const round2 = (n: number) => Math.round(n * 100) / 100;

/** Exact median of an array column `s` of length `c`, as SQL (18.16 has no quantileExactInclusive). */
const MEDIAN = `if(c = 0, 0, if(c % 2 = 1, toFloat64(s[intDiv(c, 2) + 1]), (s[intDiv(c, 2)] + s[intDiv(c, 2) + 1]) / 2))`;

export class Insights {
  constructor(private readonly ch: ClickHouseSink) {}

  async report(space: string, from: string, to: string): Promise<InsightsReport> {
    const start = dayStart(from);
    const end = dayStart(to) + DAY_S; // exclusive
    const bucket = bucketFor((end - start) / DAY_S);
    const B = BUCKET_S[bucket];
    const events = this.ch.table("plaza_events");
    const presence = this.ch.table("plaza_presence");
    const inRange = `space = ${sqlString(space)} AND ts >= toDateTime(${start}) AND ts < toDateTime(${end})`;
    const samples = `(SELECT toUInt32(ts) AS t, sum(people) AS p FROM ${presence} FINAL WHERE ${inRange} GROUP BY t)`;
    const durations = (type: string) =>
      `SELECT length(s) AS c, ${MEDIAN} AS m FROM (SELECT arraySort(groupArray(duration_ms)) AS s FROM ${events} FINAL WHERE ${inRange} AND type = ${sqlString(type)})`;

    const [activity, peak, hours, visits, conversations, perDay, heatmap] = await Promise.all([
      this.ch.query<{ b: number; people: number }>(`SELECT intDiv(t, ${B}) * ${B} AS b, avg(p) AS people FROM ${samples} GROUP BY b ORDER BY b`),
      this.ch.query<{ p: string; t: number }>(`SELECT p, t FROM ${samples} ORDER BY p DESC, t ASC LIMIT 1`),
      this.ch.query<{ h: number; people: number }>(`SELECT intDiv(t % ${DAY_S}, 3600) AS h, avg(p) AS people FROM ${samples} GROUP BY h`),
      this.ch.query<{ c: string; m: number }>(durations("space_leave")),
      this.ch.query<{ c: string; m: number }>(durations("conversation_end")),
      this.ch.query<{ d: number; c: string; m: number }>(
        `SELECT d, length(s) AS c, ${MEDIAN} AS m FROM (SELECT intDiv(toUInt32(ts), ${DAY_S}) AS d, arraySort(groupArray(duration_ms)) AS s FROM ${events} FINAL WHERE ${inRange} AND type = 'conversation_end' GROUP BY d) ORDER BY d`,
      ),
      this.ch.query<{ x: number; y: number; people: string }>(`SELECT x, y, sum(people) AS people FROM ${presence} FINAL WHERE ${inRange} GROUP BY x, y ORDER BY x, y`),
    ]);

    const byBucket = new Map(activity.map((r) => [Number(r.b), Number(r.people)]));
    const activitySeries: InsightsReport["activity"] = [];
    for (let t = start; t < end; t += B) activitySeries.push({ t: isoSeconds(t), people: round2(byBucket.get(t) ?? 0) });

    const byHour = new Map(hours.map((r) => [Number(r.h), Number(r.people)]));
    const byDay = new Map(perDay.map((r) => [Number(r.d) * DAY_S, r]));
    const perDaySeries: InsightsReport["conversationsPerDay"] = [];
    for (let d = start; d < end; d += DAY_S) {
      const r = byDay.get(d);
      perDaySeries.push({ day: isoDay(d), count: r ? Number(r.c) : 0, medianMs: r ? Math.round(Number(r.m)) : 0 });
    }

    return {
      from,
      to,
      bucket,
      activity: activitySeries,
      peak: peak[0] ? { people: Number(peak[0].p), at: isoSeconds(Number(peak[0].t)) } : { people: 0, at: null },
      visits: { count: Number(visits[0]?.c ?? 0), medianMs: Math.round(Number(visits[0]?.m ?? 0)) },
      conversations: { count: Number(conversations[0]?.c ?? 0), medianMs: Math.round(Number(conversations[0]?.m ?? 0)) },
      conversationsPerDay: perDaySeries,
      hours: Array.from({ length: 24 }, (_, hour) => ({ hour, people: round2(byHour.get(hour) ?? 0) })),
      heatmap: heatmap.map((r) => ({ x: Number(r.x), y: Number(r.y), seconds: Number(r.people) * PRESENCE_SAMPLE_S })),
    };
  }

  close(): Promise<void> { return this.ch.close(); }
}

export const CHARTS = ["activity", "visits", "conversations", "hours", "heatmap"] as const;
export type Chart = (typeof CHARTS)[number];

/** One chart of a report as CSV (header line, then rows): RFC 4180, every cell quoted, formulas neutralised (csv.ts). */
export function chartCsv(r: InsightsReport, chart: Chart): string {
  const lines: CsvCell[][] = [];
  switch (chart) {
    case "activity":
      lines.push(["t", "people"], ...r.activity.map((a) => [a.t, a.people]));
      break;
    case "visits":
      lines.push(["from", "to", "count", "median_ms"], [r.from, r.to, r.visits.count, r.visits.medianMs]);
      break;
    case "conversations":
      lines.push(["day", "count", "median_ms"], ...r.conversationsPerDay.map((d) => [d.day, d.count, d.medianMs]));
      break;
    case "hours":
      lines.push(["hour", "people"], ...r.hours.map((h) => [h.hour, h.people]));
      break;
    case "heatmap":
      lines.push(["x", "y", "seconds"], ...r.heatmap.map((h) => [h.x, h.y, h.seconds]));
      break;
    default: {
      const never: never = chart;
      throw new Error(`unknown chart ${String(never)}`);
    }
  }
  return toCsv(lines);
}
