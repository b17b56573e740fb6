/**
 * The first look at every WebSocket frame a seated client sends, before Colyseus decodes its
 * payload or dispatches it (SPEC BI2, SE1). Colyseus routes a message by the type string the
 * sender chose, and some strings mean something to it ("*" is its catch-all, whose handler then
 * receives the payload where it expects the type). So the type is read here, from the raw bytes,
 * and only the protocol's declared client message types go on; the payload is never touched.
 * `classifyFrame` is pure (bytes in, verdict out); `gateFrame` adds the sender's budget.
 */
import { decode } from "@colyseus/schema";
import { Protocol } from "@colyseus/core";
import { isClientMessageType, type ClientMessageType } from "../../../../shared/protocol.ts";
import { DropReason, PlazaCloseCode } from "../../../../shared/codes.ts";
import type { InboundGuard } from "./InboundGuard.ts";

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

/**
 * What the room does with a frame (BI1, BI2, SE1): pass it on to Colyseus, or drop it, counting
 * `drop`, telling the sender `notice` once per window, closing it with `close` when it floods.
 */
export interface GateDecision {
  pass: boolean;
  drop?: DropReason;
  /** Tell the sender it is throttled (once per abuse window). */
  notice?: true;
  close?: { code: PlazaCloseCode; reason: string };
}

const PASS: GateDecision = { pass: true };
const STOP: GateDecision = { pass: false };
const REFUSED_AS: Record<Extract<FrameVerdict, { kind: "refused" }>["why"], DropReason> = {
  unknown_type: DropReason.UNKNOWN_TYPE, unsupported: DropReason.UNSUPPORTED, malformed: DropReason.MALFORMED,
};

/**
 * SE1, BI1: the gate every frame of a seated client passes before Colyseus looks at it. Each frame
 * (pings too) spends the sender's budget (`guard`; none: not seated, nothing passes but the
 * framework's own join/leave); only declared message types, the keep-alive and join/leave go on.
 */
export function gateFrame(frame: Uint8Array, guard: InboundGuard | undefined, now: number): GateDecision {
  const verdict = classifyFrame(frame);
  if (verdict.kind === "session") return PASS;
  if (!guard) return STOP;
  const admission = guard.admit(now);
  if (admission === "disconnect") return { pass: false, drop: DropReason.THROTTLED, close: { code: PlazaCloseCode.FLOODING, reason: "too many messages" } };
  if (admission === "drop") {
    if (guard.throttledNoticeSent) return { pass: false, drop: DropReason.THROTTLED };
    guard.throttledNoticeSent = true;
    return { pass: false, drop: DropReason.THROTTLED, notice: true };
  }
  return verdict.kind === "refused" ? refuseMessage(guard, REFUSED_AS[verdict.why], now) : PASS;
}

/** BI2: a refused frame or message counts toward the sender's invalid budget; too many close it. */
export function refuseMessage(guard: InboundGuard, reason: DropReason, now: number): GateDecision {
  if (guard.invalid(now) === "disconnect") return { pass: false, drop: reason, close: { code: PlazaCloseCode.PROTOCOL_VIOLATION, reason: "malformed messages" } };
  return { pass: false, drop: reason };
}
