import { describe, expect, it } from "vitest";
import { Extensions, type Arrival, type SpaceRoomExtension } from "./extension.ts";
import type { ChatMessage } from "../../../../shared/protocol.ts";

describe("extensions see session ids, the room speaks person keys (IM10)", () => {
  const visits = new Map([["0", "sessAAAAA"], ["1", "sessBBBBB"]]);
  const seen: unknown[][] = [];
  const recorder: SpaceRoomExtension = {
    onJoin: (who) => seen.push(["join", who.session, who.name]),
    onLeave: (who) => seen.push(["leave", who.session]),
    onConversations: (peers) => seen.push(["talk", [...peers]]),
    onChat: (m) => seen.push(["chat", m.from, m.to, m.text]),
    onEmote: (s, e) => seen.push(["emote", s, e]),
    onStatus: (s, name, st) => seen.push(["status", s, name, st]),
    onKick: (s, code) => seen.push(["kick", s, code]),
    onDispose: () => seen.push(["dispose"]),
  };
  const ext = new Extensions([recorder], (_where, fn) => fn(), (key) => visits.get(key) ?? key);

  it("translates every hook that names a person, and nothing else", () => {
    const arrival: Arrival = { session: "0", userId: null, role: null, name: "Ada", client: "web", x: 1, y: 2 };
    ext.notify("onJoin", arrival);
    ext.notify("onConversations", new Map([["0", ["1"]], ["1", ["0"]]]));
    const chat: ChatMessage = { id: 1, from: "0", name: "Ada", scope: "dm", to: "1", text: "hi", at: 0 };
    ext.notify("onChat", chat);
    ext.notify("onEmote", "1", "wave", { x: 0, y: 0 });
    ext.notify("onStatus", "0", "Ada", "busy");
    ext.notify("onKick", "1", 4102);
    ext.notify("onLeave", { session: "0", name: "Ada", x: 1, y: 2 });
    ext.notify("onDispose");
    expect(seen).toEqual([
      ["join", "sessAAAAA", "Ada"],
      ["talk", [["sessAAAAA", ["sessBBBBB"]], ["sessBBBBB", ["sessAAAAA"]]]],
      ["chat", "sessAAAAA", "sessBBBBB", "hi"],
      ["emote", "sessBBBBB", "wave"],
      ["status", "sessAAAAA", "Ada", "busy"],
      ["kick", "sessBBBBB", 4102],
      ["leave", "sessAAAAA"],
      ["dispose"],
    ]);
    // the room's own objects are not changed
    expect(arrival.session).toBe("0");
    expect(chat.from).toBe("0");
  });
});
