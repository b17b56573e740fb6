/**
 * PV6: who and which spaces opted out of analytics, held in memory for the rooms' synchronous
 * question "may I record this?" (AnalyticsPort.records). Loaded from the store at start and
 * refreshed every REFRESH_MS (so a change made through another process of a cluster applies
 * within that); a change made through this process applies at once.
 */
import type { Store } from "../store/Store.ts";
import { logger } from "../log.ts";

const REFRESH_MS = 30_000;
const log = logger.child({ module: "analytics" });

export class AnalyticsPrivacy {
  private users = new Set<string>();
  private spaces = new Set<string>();
  private timer: NodeJS.Timeout | null = null;

  constructor(private readonly store: Pick<Store, "analyticsOptOuts"> | null) {}

  /** Loads the lists, then keeps them fresh until stop(). */
  async start(): Promise<void> {
    await this.refresh();
    this.timer = setInterval(() => void this.refresh(), REFRESH_MS);
    this.timer.unref();
  }

  stop() {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  async refresh(): Promise<void> {
    if (!this.store) return;
    try {
      const o = await this.store.analyticsOptOuts();
      this.users = new Set(o.users);
      this.spaces = new Set(o.spaces);
    } catch (err) {
      log.warn({ error: (err as Error).message }, "analytics opt-outs could not be read; keeping the last known");
    }
  }

  records(space: string, userId: string | null): boolean {
    return !this.spaces.has(space) && (userId === null || !this.users.has(userId));
  }

  userOptedOut(userId: string): boolean { return this.users.has(userId); }
  spaceOff(space: string): boolean { return this.spaces.has(space); }

  setUser(userId: string, optedOut: boolean) {
    if (optedOut) this.users.add(userId);
    else this.users.delete(userId);
  }

  setSpace(space: string, off: boolean) {
    if (off) this.spaces.add(space);
    else this.spaces.delete(space);
  }
}
