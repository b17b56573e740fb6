/**
 * The process heartbeat (CL2) and the room placement that reads it. Each process publishes
 * {elu, ccu, rooms, at} under HEARTBEAT_KEY every HEARTBEAT_MS; `selectProcessIdToCreateRoom`
 * sends a new space room to the healthy process with the lowest `processScore`.
 */
import { matchMaker, type Presence } from "@colyseus/core";
import { performance, type EventLoopUtilization } from "node:perf_hooks";
import { HEARTBEAT_KEY, HEARTBEAT_MS, HEARTBEAT_STALE_INTERVALS, pickProcess, processScore, type Heartbeat } from "./placement.ts";
import * as metrics from "../metrics.ts";
import { logger } from "../log.ts";

export interface LoadReporterOptions {
  intervalMs?: number;
  /**
   * Reported ELU instead of the measured one (tests only: PLAZA_TEST_FAKE_ELU makes a process look
   * busy without burning a CPU). Never set in production.
   */
  fakeElu?: number;
}

export class LoadReporter {
  private timer: NodeJS.Timeout | undefined;
  private lastElu: EventLoopUtilization = performance.eventLoopUtilization();
  private stopped = false;
  /** The heartbeat last published (or measured, before the first write). */
  latest: Heartbeat = { elu: 0, ccu: 0, rooms: 0, at: Date.now() };

  constructor(private readonly presence: Presence, private readonly opts: LoadReporterOptions = {}) {}

  start() {
    // Measure from now, not from process start: booting (imports, JIT, Redis connections) keeps
    // the loop ~100 % busy and would make a process that was just added look overloaded. The
    // first heartbeat follows shortly so a new process takes rooms at once.
    this.lastElu = performance.eventLoopUtilization();
    setTimeout(() => this.beat(), FIRST_BEAT_MS).unref();
    this.timer = setInterval(() => this.beat(), this.opts.intervalMs ?? HEARTBEAT_MS);
    this.timer.unref();
  }

  /** Stops publishing and removes this process from placement (drain, shutdown). */
  async stop() {
    this.stopped = true;
    clearInterval(this.timer);
    if (matchMaker.processId) await this.presence.hdel(HEARTBEAT_KEY, matchMaker.processId).catch(() => false);
  }

  private beat() {
    if (this.stopped || !matchMaker.processId) return;
    const now = performance.eventLoopUtilization();
    const measured = performance.eventLoopUtilization(now, this.lastElu).utilization;
    this.lastElu = now;
    const { ccu, roomCount } = matchMaker.stats.local;
    this.latest = { elu: this.opts.fakeElu ?? round(measured), ccu, rooms: roomCount, at: Date.now() };
    metrics.processScore.set(processScore(this.latest));
    this.presence.hset(HEARTBEAT_KEY, matchMaker.processId, JSON.stringify(this.latest)).catch((err: unknown) => {
      logger.warn({ err }, "heartbeat not published");
    });
  }
}

const FIRST_BEAT_MS = 250;
const round = (n: number) => Math.round(n * 1000) / 1000;

/**
 * Colyseus `selectProcessIdToCreateRoom`: the process accepting rooms (Colyseus's own list, which
 * a draining process leaves) with a fresh heartbeat and the lowest score; Colyseus's default
 * (fewest rooms) when no heartbeat is known, e.g. during a rolling upgrade from a version without
 * heartbeats.
 */
export function loadAwarePlacement(presence: Presence, intervalMs = HEARTBEAT_MS) {
  /** When this process sent new rooms to each process, within the last staleness window. */
  const placedAt: Record<string, number[]> = {};
  return async function selectProcessIdToCreateRoom(): Promise<string> {
    const [beats, stats] = await Promise.all([
      presence.hgetall(HEARTBEAT_KEY).then((b) => b ?? {}),
      matchMaker.stats.fetchAll(),
    ]);
    const now = Date.now();
    for (const id of Object.keys(placedAt)) {
      placedAt[id] = placedAt[id].filter((t) => now - t < intervalMs * HEARTBEAT_STALE_INTERVALS);
      if (placedAt[id].length === 0) delete placedAt[id];
    }
    const chosen = pickProcess(beats, now, { intervalMs, candidates: stats.map((s) => s.processId), random: Math.random, placedAt });
    metrics.placements.inc({ by: chosen ? "score" : "default" });
    if (chosen) {
      (placedAt[chosen] ??= []).push(now);
      return chosen;
    }
    return stats.sort((a, b) => a.roomCount - b.roomCount)[0]?.processId ?? matchMaker.processId;
  };
}
