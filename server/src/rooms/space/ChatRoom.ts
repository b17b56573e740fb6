/**
 * Chat in one room (SPEC CH1–CH3): who a message goes to by its scope, each person's chat budget,
 * and the last space-wide messages for people who arrive later. Time is passed in; who is present
 * and who is in whose conversation are asked of the room. No sockets: `send` says who gets what.
 */
import { CHAT_BURST, CHAT_HISTORY, CHAT_REFILL_MS } from "../../../../shared/constants.ts";
import { NoticeCode } from "../../../../shared/codes.ts";
import type { ChatMessage, ClientMessages, ServerMessages } from "../../../../shared/protocol.ts";
import { ChatLog } from "./ChatLog.ts";
import { TokenBucket } from "./TokenBucket.ts";

export type ChatOutcome =
  /** Deliver `message` to everyone in the room, or to these sessions (the sender included). */
  | { ok: true; message: ChatMessage; to: "everyone" | string[] }
  /** Not sent; tell the sender why. `overBudget`: dropped by the chat budget (CH3). */
  | { ok: false; notice: ServerMessages["notice"]; overBudget?: boolean };

/** What a message needs to know of the room. */
export interface ChatContext {
  /** Room clock (ms) for the budget; wall clock (ms since epoch) for the message. */
  now: number;
  at: number;
  /** The sender's current conversation peers (CH1 `nearby`). */
  peers: readonly string[];
  /** Is this session in the room? */
  present(session: string): boolean;
}

export class ChatRoom {
  private readonly log: ChatLog;
  private readonly budgets = new Map<string, TokenBucket>();

  constructor(keep = CHAT_HISTORY, private readonly budget = { burst: CHAT_BURST, refillMs: CHAT_REFILL_MS }) {
    this.log = new ChatLog(keep);
  }

  /** CH1–CH3: plain text, scoped, rate limited; space messages kept for latecomers. */
  send(from: { session: string; name: string }, msg: ClientMessages["chat"], ctx: ChatContext): ChatOutcome {
    if (!this.bucketOf(from.session, ctx.now).take(ctx.now)) {
      return { ok: false, overBudget: true, notice: { code: NoticeCode.CHAT_LIMIT, message: "Slow down: you are sending messages too fast." } };
    }
    let to: "everyone" | string[];
    if (msg.scope === "space") {
      to = "everyone";
    } else if (msg.scope === "nearby") {
      if (ctx.peers.length === 0) return { ok: false, notice: { code: NoticeCode.NOBODY_NEARBY, message: "Nobody is in your conversation to hear that." } };
      to = [from.session, ...ctx.peers.filter((id) => ctx.present(id))];
    } else {
      if (msg.to === undefined || msg.to === from.session || !ctx.present(msg.to)) {
        return { ok: false, notice: { code: NoticeCode.NO_RECIPIENT, message: "That person is not in this space any more." } };
      }
      to = [from.session, msg.to];
    }
    const message = this.log.record({ from: from.session, name: from.name, scope: msg.scope, to: msg.to, text: msg.text, at: ctx.at });
    return { ok: true, message, to };
  }

  /** CH2: the last space-wide messages, oldest first. */
  history(): ChatMessage[] {
    return this.log.recent();
  }

  leave(session: string) {
    this.budgets.delete(session);
  }

  /** A full budget for someone who has not chatted yet (as if made when they joined: it is full then too). */
  private bucketOf(session: string, now: number): TokenBucket {
    let b = this.budgets.get(session);
    if (!b) {
      b = new TokenBucket(this.budget.burst, this.budget.refillMs, now);
      this.budgets.set(session, b);
    }
    return b;
  }
}
