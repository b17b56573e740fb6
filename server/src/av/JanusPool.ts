/**
 * Several Janus instances (JANUS_URLS, SPEC SF6): each is pinged every HEALTH_MS (`info`, which
 * also keeps this server's Janus session alive); a meeting is placed on the healthy instance with
 * the fewest meetings of this process; an instance that misses a ping is unhealthy, and whoever
 * placed meetings on it is told (`onDown`) so they can move them. Per process: each Plaza process
 * balances its own meetings (a space's room lives on one process, SE3).
 */
import { JanusInstance } from "./janusApi.ts";
import { logger } from "../log.ts";

export const HEALTH_MS = 2000;

export interface JanusPoolOptions { urls: string[]; apiSecret?: string; healthMs?: number }

interface Member { instance: JanusInstance; healthy: boolean; meetings: number }

export class JanusPool {
  private readonly members: Member[];
  private readonly downListeners = new Set<(url: string) => void>();
  private timer: ReturnType<typeof setInterval> | undefined;

  constructor(opts: JanusPoolOptions) {
    // Healthy until a ping says otherwise: the first meeting need not wait for a ping.
    this.members = opts.urls.map((url) => ({ instance: new JanusInstance(url.replace(/\/+$/, ""), opts.apiSecret), healthy: true, meetings: 0 }));
    this.timer = setInterval(() => void this.check(), opts.healthMs ?? HEALTH_MS);
    this.timer.unref();
    void this.check();
  }

  /** The healthy instance with the fewest meetings (ties: listed first); counted as one more. */
  place(): JanusInstance | undefined {
    let best: Member | undefined;
    for (const m of this.members) if (m.healthy && (!best || m.meetings < best.meetings)) best = m;
    if (best) best.meetings++;
    return best?.instance;
  }

  /** A meeting placed on `instance` ended (or moved away). */
  release(instance: JanusInstance) {
    const m = this.members.find((x) => x.instance === instance);
    if (m && m.meetings > 0) m.meetings--;
  }

  healthy(instance: JanusInstance): boolean {
    return this.members.find((x) => x.instance === instance)?.healthy ?? false;
  }

  /** Meetings per instance URL and health (tests, metrics). */
  load(): { url: string; healthy: boolean; meetings: number }[] {
    return this.members.map((m) => ({ url: m.instance.url, healthy: m.healthy, meetings: m.meetings }));
  }

  /** Calls fn with an instance's URL when it stops answering; returns the unsubscribe. */
  onDown(fn: (url: string) => void): () => void {
    this.downListeners.add(fn);
    return () => this.downListeners.delete(fn);
  }

  /** One round of pings now (also what the timer runs). */
  async check(): Promise<void> {
    await Promise.all(this.members.map(async (m) => {
      const ok = await m.instance.ping().then(() => true, () => false);
      if (ok === m.healthy) return;
      m.healthy = ok;
      logger.warn({ janus: m.instance.url, healthy: ok }, ok ? "janus instance answers again" : "janus instance stopped answering: its meetings move");
      if (!ok) for (const fn of this.downListeners) fn(m.instance.url);
    }));
  }

  close() {
    clearInterval(this.timer);
  }
}
