/**
 * Crowd mode of one space (SPEC IM8, IM9): a space with many people on a busy process patches less
 * often, corks every socket while a patch is encoded and sent, and writes the patch out a slice of
 * sockets at a time (SlicedUncork), so moves arriving meanwhile are handled — and acked — between
 * the slices. `peers` updates (a full snapshot each: the latest wins) wait for the patch write too.
 * Entered at `size` people and `elu` event-loop use, or at `sizeAnyLoad` people whatever the load;
 * left below 80 % of the people or under CROWD_ELU_LEAVE (a wide band: crowd mode itself lowers
 * the load) — not under 80 % of `sizeAnyLoad` people. Knows nothing of Colyseus: the
 * room hands in corkable sockets and the load, and applies the pace this class decides.
 */
import { performance } from "node:perf_hooks";
import { CROWD_ELU_LEAVE } from "../../../../shared/constants.ts";
import { SlicedUncork, type Corked, type Later } from "./SlicedUncork.ts";
import type { PeersMessage } from "./Links.ts";
import { logger } from "../../log.ts";
import * as metrics from "../../metrics.ts";

export interface CrowdSettings {
  /** People from which a space may be crowded. */
  size: number;
  /** Patch interval of a crowded space. */
  patchMs: number;
  /** Event-loop use of the process from which a space may be crowded. */
  elu: number;
  /** People from which a space is crowded whatever the load (IM8); none: only with `elu`. */
  sizeAnyLoad?: number;
  /** Sockets written out per turn of the event loop. */
  uncorkSlice: number;
  /** Avatars per cell sent every step in a crowd, the rest coarse (IM9). */
  fine: number;
}

/** How a space patches: every `patchMs`, each cell's `fine` nearest avatars at every step. */
export interface Pace { patchMs: number; fine: number }

export interface CrowdHost {
  /** Applies a new pace (entering or leaving crowd mode). */
  pace(p: Pace): void;
  /** Sends a `peers` update held for the patch write (the person may have left meanwhile). */
  deliver(id: string, msg: PeersMessage): void;
}

export interface Corkable extends Corked { cork(): void }

export class CrowdMode {
  private on = false;
  private elu = 0;
  private readonly held = new Map<string, PeersMessage>();
  private readonly uncork: SlicedUncork;

  constructor(
    private readonly space: string,
    private readonly settings: CrowdSettings,
    /** The pace outside a crowd. */
    private readonly normal: Pace,
    private readonly host: CrowdHost,
    later?: Later,
  ) {
    this.uncork = new SlicedUncork(settings.uncorkSlice, later);
  }

  get crowded(): boolean { return this.on; }

  /** The process's event-loop use over the last interval (CROWD_CHECK_MS), then a check. */
  measured(elu: number, people: number) {
    this.elu = elu;
    this.check(people);
  }

  /** Enters or leaves crowd mode for this many people and the last measured load. */
  check(people: number) {
    const { size, patchMs, elu, fine } = this.settings;
    const anyLoad = this.settings.sizeAnyLoad ?? Infinity;
    if (!this.on && people >= size && (this.elu >= elu || people >= anyLoad)) {
      this.on = true;
      metrics.crowdedRooms.inc();
      const pace = { patchMs: Math.max(patchMs, this.normal.patchMs), fine };
      this.host.pace(pace);
      logger.info({ space: this.space, people, elu: this.elu, patchMs: pace.patchMs }, "crowded space: fewer patches, written out in slices");
    } else if (this.on && (people < Math.floor(size * 0.8) || (this.elu < Math.min(elu, CROWD_ELU_LEAVE) && people < Math.floor(anyLoad * 0.8)))) {
      this.on = false;
      metrics.crowdedRooms.dec();
      this.host.pace(this.normal);
      this.flushHeld();
    }
  }

  /** A `peers` update: sent now, or in a crowd held until the patch is written. */
  peers(id: string, msg: PeersMessage) {
    if (this.on) this.held.set(id, msg);
    else this.host.deliver(id, msg);
  }

  leave(id: string) {
    this.held.delete(id);
  }

  /**
   * Before a patch: the previous patch is written out completely; in a crowd every socket is corked
   * (returned, for `patchSent`).
   */
  beginPatch(sockets: () => Iterable<Corkable>): Corkable[] | undefined {
    this.uncork.finish();
    if (!this.on) return undefined;
    const corked: Corkable[] = [];
    for (const s of sockets()) { s.cork(); corked.push(s); }
    return corked;
  }

  /** After the patch was sent (into corked sockets): held `peers` follow it, then the slices start. */
  patchSent(corked: Corkable[] | undefined) {
    if (!corked) return;
    this.flushHeld();
    this.uncork.start(corked);
  }

  dispose() {
    this.uncork.finish();
    if (this.on) metrics.crowdedRooms.dec();
    this.on = false;
  }

  private flushHeld() {
    for (const [id, msg] of this.held) this.host.deliver(id, msg);
    this.held.clear();
  }
}

/** The event-loop use of this process since the previous call (IM8 load). */
export function eluMeter(): () => number {
  let last = performance.eventLoopUtilization();
  return () => {
    const now = performance.eventLoopUtilization();
    const u = performance.eventLoopUtilization(now, last).utilization;
    last = now;
    return u;
  };
}
