import type { ServerMessages } from "../../../../shared/protocol.ts";

/**
 * How a room's features talk to its clients, by session id (a session that is gone gets nothing).
 * The room implements it over Colyseus; tests record what was sent.
 */
export interface Outbox {
  /** To one session; `afterPatch`: right after the next state patch, i.e. after the changes made so far (BM1). */
  send<K extends keyof ServerMessages>(to: string, type: K, msg: ServerMessages[K], afterPatch?: boolean): void;
  /** To everyone in the room. */
  broadcast<K extends keyof ServerMessages>(type: K, msg: ServerMessages[K]): void;
}
