/**
 * Sends build operations and pairs each `built` answer with its edit by `ref` (BM1). The answer
 * comes only after the room stored the edit, and the synced state already carries it, so the
 * caller never applies anything itself: it only stops showing the edit as pending.
 */
import type { ClientMessages, ServerMessages } from "../../../shared/protocol.ts";
import { EditRefusal, type BuildOp } from "../../../shared/world.ts";

export type Built = ServerMessages["built"];

/** How long an edit may stay unanswered before the author is told (a bound, not an expectation). */
export const BUILT_TIMEOUT_MS = 15_000;

interface Waiting { resolve: (b: Built) => void; timer: ReturnType<typeof setTimeout> }

export class BuildClient {
  private nextRef = 1;
  private readonly waiting = new Map<number, Waiting>();

  constructor(private readonly send: (msg: ClientMessages["build"]) => void) {}

  /** Edits sent and not answered yet. */
  get pending(): number { return this.waiting.size; }

  /** Sends one edit; resolves with the room's answer (never rejects). */
  edit(op: BuildOp): { ref: number; answer: Promise<Built> } {
    const ref = this.nextRef;
    this.nextRef = this.nextRef >= 2 ** 31 ? 1 : this.nextRef + 1;
    const answer = new Promise<Built>((resolve) => {
      const timer = setTimeout(() => this.settle({
        ref, ok: false, code: EditRefusal.BUSY, message: "the space did not answer in time: what you see is what is stored",
      }), BUILT_TIMEOUT_MS);
      this.waiting.set(ref, { resolve, timer });
    });
    this.send({ ref, op });
    return { ref, answer };
  }

  /** A `built` message from the room. Unknown refs (answered late, or before a reload) are ignored. */
  receive(b: Built) {
    this.settle(b);
  }

  /** The connection is gone: answer everything still waiting. */
  close(message = "disconnected before the space answered: what you see is what is stored") {
    for (const ref of [...this.waiting.keys()]) this.settle({ ref, ok: false, code: EditRefusal.BUSY, message });
  }

  private settle(b: Built) {
    const w = this.waiting.get(b.ref);
    if (!w) return;
    this.waiting.delete(b.ref);
    clearTimeout(w.timer);
    w.resolve(b);
  }
}
