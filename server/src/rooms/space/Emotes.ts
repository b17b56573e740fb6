/**
 * Emotes (SPEC ST3): shown in the avatar's synced state for EMOTE_SHOW_MS, so only people who can
 * see the avatar receive them; at most one per EMOTE_MIN_MS per person. The room's clock is passed
 * in (`later`), so timers stop with the room.
 */
import { EMOTE_MIN_MS, EMOTE_SHOW_MS } from "../../../../shared/constants.ts";
import { EMOTES, type Emote } from "../../../../shared/protocol.ts";
import { TokenBucket } from "./TokenBucket.ts";

/** Schedules fn after ms; the handle cancels it. */
export type Timer = (fn: () => void, ms: number) => { clear(): void };

interface Shown { budget: TokenBucket; timer?: { clear(): void } }

export class Emotes {
  private readonly shown = new Map<string, Shown>();

  constructor(private readonly later: Timer) {}

  /** Shows `emote` over the avatar until EMOTE_SHOW_MS pass (or the next one); false when too soon. */
  show(id: string, avatar: { emote: number }, emote: Emote, now: number): boolean {
    let s = this.shown.get(id);
    if (!s) {
      s = { budget: new TokenBucket(1, EMOTE_MIN_MS, now) };
      this.shown.set(id, s);
    }
    if (!s.budget.take(now)) return false;
    avatar.emote = EMOTES.indexOf(emote) + 1;
    s.timer?.clear();
    s.timer = this.later(() => { avatar.emote = 0; }, EMOTE_SHOW_MS);
    return true;
  }

  leave(id: string) {
    this.shown.get(id)?.timer?.clear();
    this.shown.delete(id);
  }
}
