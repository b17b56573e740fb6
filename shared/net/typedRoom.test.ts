import { describe, expect, it } from "vitest";
import { asSpaceRoom, ignore, listen, send, type UntypedSpaceRoom } from "./typedRoom.ts";
import type { ServerMessageHandlers, ServerMessageType } from "../protocol.ts";

/** Records what the SDK room is asked to do (only `send` and `onMessage` are used). */
function fakeRoom() {
  const sent: Array<[string, unknown]> = [];
  const handlers = new Map<string, Array<(m: unknown) => void>>();
  const sdk = {
    send: (type: string, msg: unknown) => { sent.push([type, msg]); },
    onMessage: (type: string, cb: (m: unknown) => void) => {
      handlers.set(type, [...(handlers.get(type) ?? []), cb]);
      return () => handlers.set(type, (handlers.get(type) ?? []).filter((h) => h !== cb));
    },
  };
  const deliver = (type: string, msg: unknown) => { for (const h of handlers.get(type) ?? []) h(msg); };
  return { room: asSpaceRoom(sdk as unknown as UntypedSpaceRoom), sent, handlers, deliver };
}

const ALL: ServerMessageType[] = ["ack", "correction", "notice", "peers", "signal", "chat", "chatHistory", "located", "built", "welcome", "announcement", "av", "knock", "knockOutcome", "free"];

describe("typed room (both directions)", () => {
  it("send passes the message through as is", () => {
    const { room, sent } = fakeRoom();
    send(room, "move", { seq: 1, x: 2, y: 3, dir: 0 });
    send(room, "history", {});
    expect(sent).toEqual([["move", { seq: 1, x: 2, y: 3, dir: 0 }], ["history", {}]]);
  });

  it("listen registers a handler for every server message type, and removes them all", () => {
    const { room, handlers, deliver } = fakeRoom();
    const seen: string[] = [];
    const off = listen(room, {
      ack: ([seq]) => seen.push(`ack ${seq}`),
      notice: (n) => seen.push(`notice ${n.code}`),
      ...ignore("correction", "peers", "signal", "chat", "chatHistory", "located", "built", "welcome", "announcement", "av", "knock", "knockOutcome", "free"),
    });
    expect([...handlers.keys()].sort()).toEqual([...ALL].sort());
    deliver("ack", [7, 1, 1, 0]);
    deliver("notice", { code: "throttled", message: "slow down" });
    deliver("chat", { id: 1 });
    expect(seen).toEqual(["ack 7", "notice throttled"]);
    off();
    deliver("ack", [8, 1, 1, 0]);
    expect(seen).toHaveLength(2);
    expect([...handlers.values()].every((hs) => hs.length === 0)).toBe(true);
  });

  it("does not compile with a handler missing, a wrong payload or an unknown type", () => {
    const { room } = fakeRoom();
    const handlers = { ...ignore(...ALL) } satisfies ServerMessageHandlers;
    listen(room, handlers);
    // @ts-expect-error `announcement` has no handler
    listen(room, { ...ignore("ack", "correction", "notice", "peers", "signal", "chat", "chatHistory", "located", "built", "welcome") });
    // @ts-expect-error not a client message type
    send(room, "teleport", { x: 1, y: 1 });
    // @ts-expect-error seq must be a number
    send(room, "move", { seq: "1", x: 1, y: 1, dir: 0 });
    // @ts-expect-error a notice code outside NoticeCode
    listen(room, { ...handlers, notice: (n: { code: "nope"; message: string }) => n });
  });
});
