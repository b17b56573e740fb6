/**
 * Several Janus instances (JANUS_URLS, SPEC SF6): each is pinged every HEALTH_MS (`info`, which
 * also keeps this server's Janus session alive); a meeting is placed on the healthy instance with
 * the fewest meetings of this process; an instance that misses a ping is unhealthy, and whoever
 * placed meetings on it is told (`onDown`) so they can move them. Per process: each Plaza process
 * balances its own meetings (a space's room lives on one process, SE3). Browsers may reach an
 * instance at another address than this server does (JANUS_PUBLIC_URLS, SF21).
 */
import { JanusInstance } from "./janusApi.ts";
import { logger } from "../log.ts";

export const HEALTH_MS = 2000;

export interface JanusPoolOptions {
  urls: string[];
  /** Where browsers reach each instance (same order); default: `urls`. */
  publicUrls?: string[];
  apiSecret?: string;
  healthMs?: number;
}

interface Member { instance: JanusInstance; publicUrl: string; healthy: boolean; meetings: number }

const trimmed = (url: string) => url.replace(/\/+$/, "");

export class JanusPool {
  private readonly members: Member[];
  private readonly downListeners = new Set<(url: string) => void>();
  private timer: ReturnType<typeof setInterval> | undefined;

  constructor(opts: JanusPoolOptions) {
    const publicUrls = opts.publicUrls?.length ? opts.publicUrls : opts.urls;
    if (publicUrls.length !== opts.urls.length) {
      throw new Error(`JANUS_PUBLIC_URLS names ${publicUrls.length} URLs and JANUS_URLS ${opts.urls.length}: give one public URL per instance, in the same order`);
    }
    // Healthy until a ping says otherwise: the first meeting need not wait for a ping.
    this.members = opts.urls.map((url, i) => ({ instance: new JanusInstance(trimmed(url), opts.apiSecret), publicUrl: trimmed(publicUrls[i]), healthy: true, meetings: 0 }));
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

  /** The instance's address for browsers (SF21). */
  publicUrl(instance: JanusInstance): string {
    return this.members.find((x) => x.instance === instance)?.publicUrl ?? instance.url;
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
