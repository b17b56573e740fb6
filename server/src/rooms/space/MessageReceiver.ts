/**
 * What a space room does with each client message (PR4) once the frame gate let it in (SE1) and
 * its zod schema passed (BI2): one handler per declared type — a type without one does not
 * compile — each handing the message to the feature it belongs to and answering through the
 * outbox. Knows nothing of Colyseus (after hocuspocus's MessageReceiver).
 */
import { DropReason, NoticeCode } from "../../../../shared/codes.ts";
import type { ClientMessageType, ClientMessages } from "../../../../shared/protocol.ts";
import type { ChatRoom } from "./ChatRoom.ts";
import type { EditQueue } from "./EditQueue.ts";
import type { Extensions } from "./extension.ts";
import { knockHandlers, type Knocks } from "./Knocks.ts";
import type { Links } from "./Links.ts";
import type { Outbox } from "./Outbox.ts";
import type { People } from "./People.ts";
import type { Profiles } from "./Profiles.ts";
import type { Seat } from "./Seats.ts";
import * as metrics from "../../metrics.ts";

export type Handlers = { [K in ClientMessageType]: (seat: Seat, msg: ClientMessages[K]) => void };

/** The features messages go to. */
export interface Receivers {
  people: People;
  profiles: Profiles;
  links: Links;
  chat: ChatRoom;
  edits: EditQueue;
  /** Doors and knocks (NV). */
  knocks: Knocks;
  ext: Extensions;
  outbox: Outbox;
  /** The room's clock (ms), for budgets. */
  now(): number;
  /** Is this session in the room (connected)? */
  present(session: string): boolean;
  /** Sends `welcome` to this seat (AZ1, SE6). */
  welcome(seat: Seat): void;
}

export function messageHandlers(r: Receivers): Handlers {
  const { people, links, outbox, ext } = r;
  return {
    move: (seat, msg) => {
      // MV7: the mover's answer, at once and to the mover only; everyone else gets the patch.
      const answer = people.move(seat.session, msg, r.now(), (from, to) => r.knocks.mayStep(seat.session, from, to, r.now()));
      if (answer?.ok) outbox.send(seat.session, "ack", answer.ack);
      else if (answer) outbox.send(seat.session, "correction", answer.correction);
    },
    chat: (seat, msg) => chat(r, seat, msg),
    status: (seat, msg) => {
      if (!people.setStatus(seat.session, msg.status)) return;
      ext.notify("onStatus", seat.session, seat.name, msg.status);
      r.knocks.statusChanged(seat.session, msg.status); // NV5
    },
    media: (seat, msg) => people.setMedia(seat.session, msg),
    emote: (seat, msg) => {
      const shown = people.emote(seat.session, msg.emote, r.now());
      if (shown === "too_soon") metrics.countDrop(DropReason.CHAT_LIMIT);
      else if (shown) ext.notify("onEmote", seat.session, msg.emote, shown);
    },
    // `history` is the client's "my handlers are ready": also say who it is here (AZ1) and where (MV7).
    history: (seat) => {
      outbox.send(seat.session, "chatHistory", { messages: r.chat.history() });
      r.welcome(seat);
      const ack = people.ack(seat.session);
      if (ack) outbox.send(seat.session, "ack", ack);
    },
    build: (seat, msg) => {
      // BM1: the answer goes out right after the patch carrying the change; `busy` at once (BM6).
      const busy = r.edits.submit(seat, msg, (answer) => outbox.send(seat.session, "built", answer, true));
      if (busy) outbox.send(seat.session, "built", busy);
    },
    profile: (seat, msg) => {
      // UX15: the roster entry changes for everyone with the next patch; over budget, told and counted.
      if (r.profiles.change(seat, msg, r.now()) !== "too_soon") return;
      metrics.countDrop(DropReason.PROFILE_LIMIT);
      outbox.send(seat.session, "notice", { code: NoticeCode.PROFILE_LIMIT, message: "You changed your profile a lot just now: try again in a few seconds." });
    },
    locate: (seat, msg) => outbox.send(seat.session, "located", people.locate(msg.id)),
    signal: (seat, msg) => {
      // AV2: only along a current link; the sender id is ours, never the client's.
      if (!links.linked(seat.session, msg.to) || !r.present(msg.to)) return metrics.countDrop(DropReason.NOT_PEER);
      outbox.send(msg.to, "signal", { from: seat.session, kind: msg.kind, data: msg.data });
    },
    ...knockHandlers(r.knocks, r.now),
  };
}

/** CH1–CH3. */
function chat(r: Receivers, seat: Seat, msg: ClientMessages["chat"]) {
  const out = r.chat.send({ session: seat.session, name: seat.name }, msg, { now: r.now(), at: Date.now(), peers: r.links.peersOf(seat.session), present: r.present });
  if (!out.ok) {
    if (out.overBudget) metrics.countDrop(DropReason.CHAT_LIMIT);
    return r.outbox.send(seat.session, "notice", out.notice);
  }
  r.ext.notify("onChat", out.message);
  if (out.to === "everyone") r.outbox.broadcast("chat", out.message);
  else for (const s of out.to) r.outbox.send(s, "chat", out.message);
}
