/**
 * The own status (ST1) and auto-away (ST2): a tab hidden for AUTO_AWAY_S turns "available" into
 * "away"; coming back turns it into "available" again — only if it was set automatically, never
 * over a status the person chose. No DOM: the view passes visibility changes in.
 */
import { AUTO_AWAY_S } from "../../../shared/constants.ts";
import type { Status } from "../../../shared/protocol.ts";

export interface StatusDeps {
  /** Tell the room (`status` message). */
  send(s: Status): void;
  /** Show it in the presence bar. */
  show(s: Status): void;
}

export class OwnStatus {
  private current: Status = "available";
  /** The current "away" was set by auto-away, not by the person. */
  private auto = false;
  private hiddenTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(private readonly deps: StatusDeps) {}

  get status(): Status { return this.current; }

  /** Sets the status; `byUser`: the person chose it (auto-away will not undo it). */
  set(s: Status, byUser: boolean): void {
    this.current = s;
    if (byUser) this.auto = false;
    this.deps.show(s);
    this.deps.send(s);
  }

  /** ST2: the tab was hidden or shown. */
  visibilityChanged(hidden: boolean): void {
    clearTimeout(this.hiddenTimer);
    if (hidden) {
      this.hiddenTimer = setTimeout(() => {
        if (this.current === "available") { this.set("away", false); this.auto = true; }
      }, AUTO_AWAY_S * 1000);
    } else if (this.auto) {
      this.auto = false;
      this.set("available", false);
    }
  }

  /** Follows `doc`'s visibility; returns a function that stops (and forgets a pending auto-away). */
  watch(doc: Document): () => void {
    const onVisibility = () => this.visibilityChanged(doc.hidden);
    doc.addEventListener("visibilitychange", onVisibility);
    return () => {
      doc.removeEventListener("visibilitychange", onVisibility);
      clearTimeout(this.hiddenTimer);
    };
  }
}
