/**
 * Writes a corked patch out a slice of sockets at a time (SPEC IM8). The room corks every
 * client's socket while Colyseus encodes and "sends" the patch (buffered, cheap), then hands the
 * sockets here: each turn of the event loop uncorks (writes out) the next `slice` of them, so the
 * loop handles incoming moves between slices instead of being blocked for the whole patch's
 * writes. Nothing is reordered: a socket's buffered frames leave in order when it is uncorked.
 */
export interface Corked { uncork(): void }

/** Runs `fn` after the loop's pending I/O (setImmediate); tests pass their own. */
export type Later = (fn: () => void) => { cancel(): void };

const immediate: Later = (fn) => { const t = setImmediate(fn); return { cancel: () => clearImmediate(t) }; };

export class SlicedUncork {
  private pending: Corked[] = [];
  private next: { cancel(): void } | undefined;

  constructor(private readonly slice: number, private readonly later: Later = immediate) {}

  /** Starts writing out `sockets`: the first slice now, the rest on later turns. */
  start(sockets: Corked[]) {
    this.finish();
    this.pending = sockets;
    this.step();
  }

  /** Writes out whatever is still corked, now (before the next patch corks again, or on dispose). */
  finish() {
    this.next?.cancel();
    this.next = undefined;
    for (const s of this.pending.splice(0)) s.uncork();
  }

  /** Sockets still corked (tests, metrics). */
  get waiting(): number { return this.pending.length; }

  private step() {
    this.next = undefined;
    for (const s of this.pending.splice(0, Math.max(1, this.slice))) s.uncork();
    if (this.pending.length > 0) this.next = this.later(() => this.step());
  }
}

/** A socket whose buffered writes can be counted and let out (a Node stream). */
export type Flushable = { readonly writableCorked: number; uncork(): void };

/**
 * Writes out a socket that waits for its slice, now (SPEC IM13): for an ack, which must not wait
 * behind a crowd's patch. What it holds (the patch) leaves first and the ack after it, in one
 * write; its slice later finds nothing left to write.
 */
export function writeOutNow(socket: Flushable | undefined) {
  while (socket && socket.writableCorked > 0) socket.uncork();
}
