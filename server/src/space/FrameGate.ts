/**
 * The first look at every WebSocket frame a seated client sends, before Colyseus decodes its
 * payload or dispatches it (SPEC BI2, SE1). Colyseus routes a message by the type string the
 * sender chose, and some strings mean something to it ("*" is its catch-all, whose handler then
 * receives the payload where it expects the type). So the type is read here, from the raw bytes,
 * and only the protocol's declared client message types go on; the payload is never touched.
 * Pure: bytes in, verdict out.
 */
import { decode } from "@colyseus/schema";
import { Protocol } from "@colyseus/core";
import { isClientMessageType, type ClientMessageType } from "../../../shared/protocol.ts";

/** Colyseus's protocol code lives in the first byte's low five bits (the rest are modifiers). */
const CODE_MASK = 31;

export type FrameVerdict =
  /** A declared message type: let Colyseus decode and dispatch it. */
  | { kind: "message"; type: ClientMessageType }
  /** Keep-alive: answered by Colyseus, but it costs the sender's message budget (BI1). */
  | { kind: "ping" }
  /** The join handshake's confirmation or a leave: Colyseus's own, free of charge. */
  | { kind: "session" }
  /** Anything else: an undeclared or special type, a frame kind Plaza does not use, garbage. */
  | { kind: "refused"; why: "unknown_type" | "unsupported" | "malformed" };

export function classifyFrame(frame: Uint8Array): FrameVerdict {
  if (frame.byteLength === 0) return { kind: "refused", why: "malformed" };
  const code = frame[0] & CODE_MASK;
  switch (code) {
    case Protocol.PING:
      return { kind: "ping" };
    case Protocol.JOIN_ROOM:
    case Protocol.LEAVE_ROOM:
      return { kind: "session" };
    case Protocol.ROOM_DATA: {
      const type = readType(frame);
      if (type === undefined) return { kind: "refused", why: "malformed" };
      return isClientMessageType(type) ? { kind: "message", type } : { kind: "refused", why: "unknown_type" };
    }
    default:
      // Requests (no handler answers them), raw bytes, inputs, schema messages, unknown codes.
      return { kind: "refused", why: "unsupported" };
  }
}

/** The message type right after the code byte: a string or a number; undefined when unreadable. */
function readType(frame: Uint8Array): string | number | undefined {
  const it = { offset: 1 };
  try {
    if (frame.byteLength <= it.offset) return undefined;
    const type = decode.stringCheck(frame, it) ? decode.string(frame, it) : decode.number(frame, it);
    if (it.offset > frame.byteLength) return undefined;
    return typeof type === "string" || (typeof type === "number" && Number.isFinite(type)) ? type : undefined;
  } catch {
    return undefined;
  }
}
