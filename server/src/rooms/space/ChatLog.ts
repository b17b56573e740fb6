/**
 * The last N space-wide chat messages, kept in the room's memory for people who join later (the
 * seeds' "last-N chat"). Ids are increasing numbers per room. Knows nothing of Colyseus.
 */
import type { ChatMessage } from "../../../../shared/protocol.ts";

export class ChatLog {
  private readonly messages: ChatMessage[] = [];
  private nextId = 1;

  constructor(private readonly keep: number) {}

  /** Stamps an id; keeps the message only when it is space-wide. */
  record(msg: Omit<ChatMessage, "id">): ChatMessage {
    const full = { ...msg, id: this.nextId++ };
    if (full.scope === "space") {
      this.messages.push(full);
      if (this.messages.length > this.keep) this.messages.shift();
    }
    return full;
  }

  recent(): ChatMessage[] {
    return [...this.messages];
  }
}
