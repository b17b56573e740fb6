/**
 * What happened with doors and knocks (NV), as sentences, for whoever wants to say them: the knock
 * UI emits, and anything may listen — e.g. an ARIA live region announcing "Otto is knocking on
 * Room". One emitter per page; listeners are removed with the function `on` returns.
 */
export type KnockEventKind =
  /** Someone knocks on my room or at me. */
  | "knocked"
  /** My knock was answered, expired or lost its answerers. */
  | "answered"
  /** Someone I asked about is available now. */
  | "free"
  /** A room I am in or next to was closed or opened; or my knock was offered/sent. */
  | "door";

export interface KnockEvent { kind: KnockEventKind; text: string }

export class KnockEvents {
  private readonly listeners = new Set<(e: KnockEvent) => void>();

  on(fn: (e: KnockEvent) => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  emit(e: KnockEvent): void {
    for (const fn of this.listeners) {
      try { fn(e); } catch (err) { console.error("knock event listener failed", err); }
    }
  }
}

/** The page's one emitter. */
export const knockEvents = new KnockEvents();
