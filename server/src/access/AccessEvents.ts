/**
 * Access changes reach live rooms (SPEC SE4). Whoever changes who may enter a space (a member
 * removed, a role changed, a space made private, an invite revoked, a space deleted) calls
 * `changed()`; every process hears it through presence pub/sub (Redis in a cluster) and hands it to
 * its rooms, which re-check each seat against the store and close the ones that may no longer stay.
 * The event says only *where* something changed, never who may do what: rooms ask the store.
 */
import type { Presence } from "@colyseus/core";
import { logger } from "../log.ts";

/** A whole team (membership, roles, guests) or one space (visibility, invites, deletion). */
export type AccessChange = { teamId: string; spaceId?: undefined } | { spaceId: string; teamId?: undefined };

const CHANNEL = "plaza:access";

export class AccessEvents {
  private readonly listeners = new Set<(c: AccessChange) => void>();
  private subscribed: Promise<unknown> | undefined;

  constructor(private readonly presence: Presence) {}

  /** Announces a change to every process; never throws (a lost event is logged, rooms re-check on the next). */
  changed(change: AccessChange): void {
    try {
      void Promise.resolve(this.presence.publish(CHANNEL, change)).catch((err: unknown) => logger.error({ err, change }, "access change not published"));
    } catch (err) {
      logger.error({ err, change }, "access change not published");
    }
  }

  /** Calls `fn` for every change published on any process; returns the unsubscribe. */
  watch(fn: (c: AccessChange) => void): () => void {
    this.listeners.add(fn);
    this.subscribed ??= Promise.resolve(this.presence.subscribe(CHANNEL, (c: AccessChange) => this.deliver(c)))
      .catch((err: unknown) => { this.subscribed = undefined; logger.error({ err }, "access changes: subscription failed"); });
    return () => { this.listeners.delete(fn); };
  }

  /** Resolves once this process hears changes (tests wait on it before changing access). */
  ready(): Promise<unknown> {
    return this.subscribed ?? Promise.resolve();
  }

  private deliver(c: AccessChange) {
    for (const fn of this.listeners) {
      try { fn(c); } catch (err) { logger.error({ err, change: c }, "access change listener failed"); }
    }
  }
}
