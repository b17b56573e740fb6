/**
 * Insights: the read side of analytics, for one space over whole UTC days [from, to], written once
 * for both engines (engine.ts: InsightsSource).
 *
 * Definitions (README "Analytics"):
 *  - a sample's people = sum of `people` over its tiles (plaza_presence rows with one ts);
 *  - activity = per bucket (5m for ranges ≤ 2 days, 1h ≤ 31 days, else 1d), the average people
 *    over the samples taken in it; buckets without samples (nobody there) are 0;
 *  - peak = the largest sample (earliest if tied); hours = average people per UTC hour of day
 *    over the samples taken in that hour (24 entries); weekHours the same per weekday and hour;
 *  - visits = space_leave events (duration_ms), plus visits a killed process left open (AN7);
 *    conversations = conversation_end events, plus open ones likewise; medians are exact (the
 *    middle value, or the mean of the two middle values), in ms, rounded;
 *  - heatmap = person-seconds per tile = sum(people) × PRESENCE_SAMPLE_S;
 *  - rooms = per private area: share of the samples with someone inside, person-hours, peak;
 *  - crossTeam = conversations with both the space's team and outsiders in them (PV2).
 * Aggregation happens in the engine; sums and counts come back and the averages, medians and
 * suppression are computed here, so both engines give the same figures by construction.
 *
 * AN7 (honest after a crash): rooms write a `room_alive` heartbeat with every occupancy sample.
 * A visit (or conversation) with a start and no end whose room's last heartbeat is older than
 * STALE_S is closed at that heartbeat, at query time: within one sampling interval of the truth,
 * and nothing is written, so a process that was only slow and ends it later is counted once.
 */
import { PRESENCE_SAMPLE_S } from "./events.ts";
import { toCsv, type CsvCell } from "./csv.ts";
import type { InsightsSource, QueryParams } from "./engine.ts";
import type { InsightsBucket, InsightsReport, MyActivity } from "../../../shared/insights.ts";
import type { Area } from "../../../shared/map.ts";

export type Bucket = InsightsBucket;
export type { InsightsReport, MyActivity };
const BUCKET_S: Record<Bucket, number> = { "5m": 300, "1h": 3600, "1d": 86400 };
const DAY_S = 86400;
/** A room whose last heartbeat is older than this is gone (three missed samples). */
export const STALE_S = 3 * PRESENCE_SAMPLE_S;
/** How far before the range a visit left open may have started. */
const OPEN_LOOKBACK_S = DAY_S;
/** Private areas reported at most. */
const MAX_ROOMS = 64;

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
const num = (v: unknown) => Number(v ?? 0);

/** Exact median (mean of the middle two for an even count), 0 for none. */
export function median(values: number[]): number {
  if (values.length === 0) return 0;
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

/** A person: the account, or the session of someone without one. */
const WHO = `CASE WHEN "user" <> '' THEN "user" ELSE session END`;

export interface ReportOptions {
  /** PV2: breakdowns describing fewer people are suppressed. */
  minGroup: number;
  /** The space's meeting rooms (private areas), for utilisation. */
  rooms?: readonly Area[];
  /** Epoch seconds (tests); default: now. Decides which rooms are gone (AN7). */
  now?: number;
}

/** A visit or conversation with a start and no end yet. */
interface OpenItem { k: string; process: string; space: string; start: number; who: string }
interface Closed { t: number; ms: number; who: string; space: string }

export class Insights {
  constructor(readonly source: InsightsSource) {}

  get kind() { return this.source.kind; }

  private q<T>(sql: string, params: QueryParams) { return this.source.query<T>(sql, params); }

  async report(space: string, from: string, to: string, o: ReportOptions): Promise<InsightsReport> {
    const d = this.source.dialect;
    const now = o.now ?? Math.floor(Date.now() / 1000);
    const start = dayStart(from);
    const end = dayStart(to) + DAY_S; // exclusive
    const bucket = bucketFor((end - start) / DAY_S);
    const B = BUCKET_S[bucket];
    const p: QueryParams = { space, start, end, B };
    const events = d.from("plaza_events");
    const presence = d.from("plaza_presence");
    const inRange = `space = {space:String} AND ${d.tsAtLeast("start")} AND ${d.tsBefore("end")}`;
    const samples = `(SELECT ${d.epoch} AS t, sum(people) AS p FROM ${presence} WHERE ${inRange} GROUP BY t) AS s`;
    const rooms = (o.rooms ?? []).slice(0, MAX_ROOMS);

    const [people, buckets, week, peak, tiles, durations, open, perDayPeople, cross, roomUse] = await Promise.all([
      this.q<{ c: unknown }>(`SELECT count(DISTINCT ${WHO}) AS c FROM ${events} WHERE ${inRange} AND type IN ('space_enter', 'space_leave')`, p),
      this.q<{ b: unknown; s: unknown; n: unknown }>(`SELECT ${d.intDiv("t", "{B:UInt32}")} AS b, sum(p) AS s, count(*) AS n FROM ${samples} GROUP BY b`, p),
      this.q<{ wd: unknown; h: unknown; s: unknown; n: unknown }>(
        `SELECT (${d.intDiv("t", String(DAY_S))} + 3) % 7 AS wd, ${d.intDiv(`t % ${DAY_S}`, "3600")} AS h, sum(p) AS s, count(*) AS n FROM ${samples} GROUP BY wd, h`, p),
      this.q<{ p: unknown; t: unknown }>(`SELECT p, t FROM ${samples} ORDER BY p DESC, t ASC LIMIT 1`, p),
      this.q<{ x: unknown; y: unknown; p: unknown }>(`SELECT x, y, sum(people) AS p FROM ${presence} WHERE ${inRange} GROUP BY x, y ORDER BY x, y`, p),
      this.q<{ type: string; ms: unknown; t: unknown; who: string }>(
        `SELECT type, duration_ms AS ms, ${d.epoch} AS t, ${WHO} AS who FROM ${events} WHERE ${inRange} AND type IN ('space_leave', 'conversation_end')`, p),
      this.openItems(`space = {space:String}`, p, start),
      this.q<{ day: unknown; c: unknown }>(`SELECT ${d.intDiv(d.epoch, String(DAY_S))} AS day, count(DISTINCT ${WHO}) AS c FROM ${events} WHERE ${inRange} AND type = 'conversation_join' GROUP BY day`, p),
      this.q<{ people: unknown; convs: unknown }>(
        `SELECT count(DISTINCT ${WHO}) AS people, count(DISTINCT detail) AS convs FROM ${events} WHERE ${inRange} AND type = 'conversation_join' AND detail IN (SELECT detail FROM ${events} WHERE ${inRange} AND type = 'conversation_join' GROUP BY detail HAVING min(n) = 0 AND max(n) = 1)`, p),
      rooms.length ? this.roomUse(inRange, rooms, p) : Promise.resolve([]),
    ]);

    const recovered = await this.recover(open, now, start, end);
    const visits: Closed[] = [...durations.filter((r) => r.type === "space_leave").map((r) => closed(r, space)), ...recovered.visits];
    const conversations: Closed[] = [...durations.filter((r) => r.type === "conversation_end").map((r) => closed(r, space)), ...recovered.conversations];

    const distinct = num(people[0]?.c);
    const suppressed = distinct < o.minGroup;

    const byBucket = new Map(buckets.map((r) => [num(r.b) * B, num(r.s) / num(r.n)]));
    const activity: InsightsReport["activity"] = [];
    for (let t = start; t < end; t += B) activity.push({ t: isoSeconds(t), people: suppressed ? 0 : round2(byBucket.get(t) ?? 0) });

    const hourSums = new Map<number, { s: number; n: number }>();
    const weekHours = new Map<number, number>();
    for (const r of week) {
      const h = num(r.h);
      const acc = hourSums.get(h) ?? { s: 0, n: 0 };
      acc.s += num(r.s);
      acc.n += num(r.n);
      hourSums.set(h, acc);
      weekHours.set(num(r.wd) * 24 + h, num(r.s) / num(r.n));
    }

    const peopleByDay = new Map(perDayPeople.map((r) => [num(r.day) * DAY_S, num(r.c)]));
    const conversationsByDay = new Map<number, number[]>();
    for (const c of conversations) {
      const day = Math.floor(c.t / DAY_S) * DAY_S;
      conversationsByDay.set(day, [...(conversationsByDay.get(day) ?? []), c.ms]);
    }
    const perDay: InsightsReport["conversationsPerDay"] = [];
    for (let day = start; day < end; day += DAY_S) {
      const list = conversationsByDay.get(day) ?? [];
      // A day without conversations describes nobody: 0 is shown.
      const hidden = list.length > 0 && (suppressed || (peopleByDay.get(day) ?? 0) < o.minGroup);
      perDay.push({ day: isoDay(day), count: hidden ? null : list.length, medianMs: hidden ? null : Math.round(median(list)) });
    }

    const samplesTotal = buckets.reduce((n, r) => n + num(r.n), 0);
    const roomsOut = rooms.map((a, i) => {
      const r = roomUse.find((u) => num(u.a) === i);
      return {
        name: a.name,
        occupiedShare: r && samplesTotal ? round2(num(r.occ) / samplesTotal) : 0,
        personHours: r ? round2((num(r.ps) * PRESENCE_SAMPLE_S) / 3600) : 0,
        peak: r ? num(r.peak) : 0,
      };
    });
    const crossPeople = num(cross[0]?.people);

    return {
      from,
      to,
      bucket,
      activity,
      peak: !suppressed && peak[0] ? { people: num(peak[0].p), at: isoSeconds(num(peak[0].t)) } : { people: 0, at: null },
      visits: suppressed ? { count: 0, medianMs: 0 } : { count: visits.length, medianMs: Math.round(median(visits.map((v) => v.ms))) },
      conversations: suppressed ? { count: 0, medianMs: 0 } : { count: conversations.length, medianMs: Math.round(median(conversations.map((c) => c.ms))) },
      conversationsPerDay: perDay,
      hours: Array.from({ length: 24 }, (_, hour) => {
        const h = hourSums.get(hour);
        return { hour, people: suppressed || !h ? 0 : round2(h.s / h.n) };
      }),
      heatmap: suppressed ? [] : tiles.map((r) => ({ x: num(r.x), y: num(r.y), seconds: num(r.p) * PRESENCE_SAMPLE_S })),
      minGroup: o.minGroup,
      people: suppressed ? null : distinct,
      suppressed,
      weekHours: Array.from({ length: 7 * 24 }, (_, i) => ({ day: Math.floor(i / 24), hour: i % 24, people: suppressed ? 0 : round2(weekHours.get(i) ?? 0) })),
      rooms: suppressed ? [] : roomsOut,
      crossTeam: suppressed || crossPeople < o.minGroup ? null : { people: crossPeople, conversations: num(cross[0]?.convs) },
    };
  }

  /** PV3: one person's own visits and conversations, per space. No group minimum: it is their own. */
  async mine(userId: string, from: string, to: string, o: { now?: number; optedOut: boolean }): Promise<MyActivity> {
    const d = this.source.dialect;
    const now = o.now ?? Math.floor(Date.now() / 1000);
    const start = dayStart(from);
    const end = dayStart(to) + DAY_S;
    const p: QueryParams = { user: userId, start, end };
    const events = d.from("plaza_events");
    const inRange = `${d.tsAtLeast("start")} AND ${d.tsBefore("end")}`;
    const joinedIds = `SELECT detail FROM ${events} WHERE "user" = {user:String} AND type = 'conversation_join' AND ${inRange}`;
    const [visits, open, joined, ended] = await Promise.all([
      this.q<{ space: string; ms: unknown; t: unknown }>(`SELECT space, duration_ms AS ms, ${d.epoch} AS t FROM ${events} WHERE "user" = {user:String} AND type = 'space_leave' AND ${inRange}`, p),
      this.openItems(`"user" = {user:String}`, p, start, "visits"),
      this.q<{ space: string; detail: string; process: string; t: unknown }>(
        `SELECT space, detail, process, min(${d.epoch}) AS t FROM ${events} WHERE "user" = {user:String} AND type = 'conversation_join' AND ${inRange} GROUP BY space, detail, process`, p),
      this.q<{ detail: string; ms: unknown }>(`SELECT detail, max(duration_ms) AS ms FROM ${events} WHERE type = 'conversation_end' AND ${d.tsAtLeast("start")} AND detail IN (${joinedIds}) GROUP BY detail`, p),
    ]);
    const endedMs = new Map(ended.map((r) => [r.detail, num(r.ms)]));
    // Conversations of mine whose end a killed process never wrote: closed like visits (AN7).
    const openConversations: OpenItem[] = joined.filter((j) => !endedMs.has(j.detail)).map((j) => ({ k: j.detail, process: j.process, space: j.space, start: num(j.t), who: userId }));
    const recovered = await this.recover({ visits: open.visits, conversations: openConversations }, now, start, end);

    const perSpace = new Map<string, MyActivity["spaces"][number]>();
    const entry = (space: string) => {
      let e = perSpace.get(space);
      if (!e) perSpace.set(space, (e = { space, visits: 0, timeMs: 0, conversations: 0, conversationMs: 0 }));
      return e;
    };
    for (const v of [...visits.map((r) => ({ space: r.space, ms: num(r.ms) })), ...recovered.visits]) {
      const e = entry(v.space);
      e.visits++;
      e.timeMs += v.ms;
    }
    for (const j of joined) {
      const ms = endedMs.get(j.detail) ?? recovered.conversations.find((c) => c.who === j.detail)?.ms;
      if (ms === undefined) continue; // still going
      const e = entry(j.space);
      e.conversations++;
      e.conversationMs += ms;
    }
    return { from, to, optedOut: o.optedOut, spaces: [...perSpace.values()].sort((a, b) => (a.space < b.space ? -1 : 1)) };
  }

  /** Visits (and, by space, conversations) started and not ended, with the heartbeats of their rooms. */
  private async openItems(filter: string, p: QueryParams, start: number, only?: "visits"): Promise<{ visits: OpenItem[]; conversations: OpenItem[] }> {
    const d = this.source.dialect;
    const events = d.from("plaza_events");
    const q: QueryParams = { ...p, openFrom: start - OPEN_LOOKBACK_S };
    const since = d.tsAtLeast("openFrom");
    const pending = (key: string, startType: string, endType: string) =>
      this.q<OpenItem>(
        `SELECT ${key} AS k, process, space, min(${d.epoch}) AS start, max(${WHO}) AS who FROM ${events} WHERE ${filter} AND ${since} AND type IN ('${startType}', '${endType}') GROUP BY ${key}, process, space HAVING sum(CASE WHEN type = '${endType}' THEN 1 ELSE 0 END) = 0`,
        q,
      );
    const [visits, conversations] = await Promise.all([
      pending("session", "space_enter", "space_leave"),
      only === "visits" ? Promise.resolve([]) : pending("detail", "conversation_start", "conversation_end"),
    ]);
    return { visits, conversations };
  }

  /**
   * AN7: open items whose room is gone, closed at the room's last heartbeat (never before their
   * start); items of rooms still alive are going on and not counted. Only those ending in [start, end).
   */
  private async recover(open: { visits: OpenItem[]; conversations: OpenItem[] }, now: number, start: number, end: number) {
    const all = [...open.visits, ...open.conversations];
    if (all.length === 0) return { visits: [] as Closed[], conversations: [] as Closed[] };
    const d = this.source.dialect;
    const spaces = [...new Set(all.map((o) => o.space))].slice(0, 100);
    const params: QueryParams = { hbFrom: Math.min(...all.map((o) => num(o.start))) };
    spaces.forEach((s, i) => { params[`s${i}`] = s; });
    const beats = await this.q<{ process: string; space: string; last: unknown }>(
      `SELECT process, space, max(${d.epoch}) AS last FROM ${d.from("plaza_events")} WHERE type = 'room_alive' AND ${d.tsAtLeast("hbFrom")} AND space IN (${spaces.map((_, i) => `{s${i}:String}`).join(", ")}) GROUP BY process, space`,
      params,
    );
    const last = new Map(beats.map((b) => [`${b.process}|${b.space}`, num(b.last)]));
    const close = (o: OpenItem): Closed | null => {
      const began = num(o.start);
      const beat = last.get(`${o.process}|${o.space}`);
      const seen = Math.max(beat ?? began, began);
      if (seen >= now - STALE_S) return null; // its room is alive: still going
      if (seen < start || seen >= end) return null;
      return { t: seen, ms: (seen - began) * 1000, who: o.k, space: o.space };
    };
    const pick = (items: OpenItem[], who: (o: OpenItem) => string) =>
      items.map((o) => { const c = close(o); return c && { ...c, who: who(o) }; }).filter((c): c is Closed => c !== null);
    return { visits: pick(open.visits, (o) => o.who), conversations: pick(open.conversations, (o) => o.k) };
  }

  /** Per private area: samples with someone inside, person-samples, most at once. */
  private roomUse(inRange: string, rooms: readonly Area[], p: QueryParams) {
    const d = this.source.dialect;
    const q: QueryParams = { ...p };
    const cases = rooms.map((a, i) => {
      const at = (k: string, v: number) => { q[`r${i}${k}`] = Math.max(0, Math.min(65535, Math.trunc(v))); return `{r${i}${k}:UInt32}`; };
      return `WHEN x >= ${at("x", a.x)} AND x < ${at("X", a.x + a.width)} AND y >= ${at("y", a.y)} AND y < ${at("Y", a.y + a.height)} THEN ${i}`;
    });
    return this.q<{ a: unknown; occ: unknown; ps: unknown; peak: unknown }>(
      `SELECT a, count(*) AS occ, sum(p) AS ps, max(p) AS peak FROM (SELECT ${d.epoch} AS t, CASE ${cases.join(" ")} ELSE -1 END AS a, sum(people) AS p FROM ${d.from("plaza_presence")} WHERE ${inRange} GROUP BY t, a) AS r WHERE a >= 0 GROUP BY a`,
      q,
    );
  }

  /** PV5 / PV4, passed through to the engine. */
  deleteUser(userId: string) { return this.source.deleteUser(userId); }
  deleteBefore(cutoffS: number) { return this.source.deleteBefore(cutoffS); }

  close(): Promise<void> { return this.source.close(); }
}

function closed(r: { ms: unknown; t: unknown; who: string }, space: string): Closed {
  return { t: num(r.t), ms: num(r.ms), who: r.who, space };
}

export const CHARTS = ["activity", "visits", "conversations", "hours", "heatmap", "weekhours", "rooms"] as const;
export type Chart = (typeof CHARTS)[number];

const WEEKDAYS = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];

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
      lines.push(["day", "count", "median_ms"], ...r.conversationsPerDay.map((d) => [d.day, d.count ?? "suppressed", d.medianMs ?? "suppressed"]));
      break;
    case "hours":
      lines.push(["hour", "people"], ...r.hours.map((h) => [h.hour, h.people]));
      break;
    case "heatmap":
      lines.push(["x", "y", "seconds"], ...r.heatmap.map((h) => [h.x, h.y, h.seconds]));
      break;
    case "weekhours":
      lines.push(["weekday", "hour", "people"], ...r.weekHours.map((w) => [WEEKDAYS[w.day], w.hour, w.people]));
      break;
    case "rooms":
      lines.push(["room", "occupied_share", "person_hours", "peak"], ...r.rooms.map((a) => [a.name, a.occupiedShare, a.personHours, a.peak]));
      break;
    default: {
      const never: never = chart;
      throw new Error(`unknown chart ${String(never)}`);
    }
  }
  return toCsv(lines);
}
