import { describe, expect, it } from "vitest";
import { encode } from "@colyseus/schema";
import { Protocol } from "@colyseus/core";
import { pack } from "msgpackr";
import { classifyFrame, gateFrame, refuseMessage } from "./FrameGate.ts";
import { InboundGuard } from "./InboundGuard.ts";
import { FLOOD_DISCONNECT_AFTER, INVALID_DISCONNECT_AFTER, MSG_BURST } from "../../../../shared/constants.ts";
import { clientMessageSchemas } from "../../../../shared/protocol.ts";
import { mulberry32 } from "../../../../shared/random.ts";

/** A ROOM_DATA frame as the SDK writes it: code, type (string or number), msgpack payload. */
function dataFrame(type: string | number, payload?: unknown, code: number = Protocol.ROOM_DATA): Uint8Array {
  const head: number[] = [code];
  const it = { offset: 1 };
  if (typeof type === "string") encode.string(head as unknown as Uint8Array, type, it);
  else encode.number(head as unknown as Uint8Array, type, it);
  const body = payload === undefined ? new Uint8Array() : pack(payload);
  return new Uint8Array([...head, ...body]);
}

describe("frame gate (BI2, SE1)", () => {
  it("SE1 lets every declared client message type through, by its type alone", () => {
    for (const type of Object.keys(clientMessageSchemas)) {
      expect(classifyFrame(dataFrame(type, { anything: 1 }))).toEqual({ kind: "message", type });
    }
  });

  it("SE1 refuses the framework's special names and undeclared types before the payload is read", () => {
    const hostile = { toString: 1, valueOf: {} };
    for (const type of ["*", "__proto__", "constructor", "toString", "hasOwnProperty", "_$bmove", "", "MOVE", "move ", "x".repeat(300), 0, -1, 2 ** 31, 1.5]) {
      expect(classifyFrame(dataFrame(type, hostile)).kind, String(type)).toBe("refused");
    }
  });

  it("SE1 refuses frame kinds Plaza does not use: requests, raw bytes, inputs, unknown codes", () => {
    expect(classifyFrame(dataFrame("move", {}, Protocol.ROOM_REQUEST)).kind).toBe("refused");
    expect(classifyFrame(dataFrame("move", {}, Protocol.ROOM_DATA_BYTES)).kind).toBe("refused");
    expect(classifyFrame(new Uint8Array([Protocol.ROOM_INPUT_RELIABLE, 1, 2])).kind).toBe("refused");
    expect(classifyFrame(new Uint8Array([31])).kind).toBe("refused");
    expect(classifyFrame(new Uint8Array()).kind).toBe("refused");
  });

  it("BI1 a ping is told apart (it costs budget); join confirmation and leave are the framework's", () => {
    expect(classifyFrame(new Uint8Array([Protocol.PING]))).toEqual({ kind: "ping" });
    expect(classifyFrame(new Uint8Array([Protocol.JOIN_ROOM]))).toEqual({ kind: "session" });
    expect(classifyFrame(new Uint8Array([Protocol.LEAVE_ROOM]))).toEqual({ kind: "session" });
  });

  it("SE1 never throws on random bytes (seeded)", () => {
    for (const seed of [1, 2, 3, 51, 1234]) {
      const rng = mulberry32(seed);
      for (let n = 0; n < 2000; n++) {
        const len = Math.floor(rng() * 40);
        const frame = new Uint8Array(len);
        for (let i = 0; i < len; i++) frame[i] = Math.floor(rng() * 256);
        if (len > 0 && rng() < 0.5) frame[0] = Protocol.ROOM_DATA;
        const v = classifyFrame(frame);
        // Whatever it is, only a declared type is ever let through as a message.
        if (v.kind === "message") expect(Object.keys(clientMessageSchemas), `seed ${seed}`).toContain(v.type);
      }
    }
  });
});

describe("gate decisions (BI1, BI2, SE1)", () => {
  it("SE1 without a seat only the framework's join and leave pass", () => {
    expect(gateFrame(new Uint8Array([Protocol.JOIN_ROOM]), undefined, 0)).toEqual({ pass: true });
    expect(gateFrame(new Uint8Array([Protocol.LEAVE_ROOM]), undefined, 0)).toEqual({ pass: true });
    expect(gateFrame(dataFrame("move", {}), undefined, 0)).toEqual({ pass: false });
  });

  it("BI1 every frame spends the budget, pings too; over it: dropped, told once per window, closed when flooding", () => {
    const guard = new InboundGuard(0);
    for (let i = 0; i < MSG_BURST - 1; i++) expect(gateFrame(dataFrame("move", {}), guard, 0).pass).toBe(true);
    expect(gateFrame(new Uint8Array([Protocol.PING]), guard, 0)).toEqual({ pass: true });
    expect(gateFrame(dataFrame("move", {}), guard, 0)).toEqual({ pass: false, drop: "throttled", notice: true });
    for (let i = 1; i < FLOOD_DISCONNECT_AFTER; i++) expect(gateFrame(dataFrame("move", {}), guard, 0)).toEqual({ pass: false, drop: "throttled" });
    expect(gateFrame(dataFrame("move", {}), guard, 0)).toMatchObject({ pass: false, drop: "throttled", close: { code: 4101 } });
  });

  it("BI2 refused frames are counted by kind and close the connection past the invalid limit", () => {
    const guard = new InboundGuard(0);
    expect(gateFrame(dataFrame("*", {}), guard, 0)).toEqual({ pass: false, drop: "unknown_type" });
    expect(gateFrame(dataFrame("move", {}, Protocol.ROOM_REQUEST), guard, 0)).toEqual({ pass: false, drop: "unsupported" });
    expect(gateFrame(new Uint8Array([Protocol.ROOM_DATA]), guard, 0)).toEqual({ pass: false, drop: "malformed" });
    for (let i = 3; i < INVALID_DISCONNECT_AFTER; i++) expect(refuseMessage(guard, "malformed", 0)).toEqual({ pass: false, drop: "malformed" });
    expect(refuseMessage(guard, "malformed", 0)).toMatchObject({ close: { code: 4102, reason: "malformed messages" } });
  });
});
