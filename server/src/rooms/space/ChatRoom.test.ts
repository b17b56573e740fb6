import { describe, expect, it } from "vitest";
import { ChatRoom, type ChatContext } from "./ChatRoom.ts";

const ctx = (over: Partial<ChatContext> = {}): ChatContext => ({ now: 0, at: 1000, peers: [], present: () => true, ...over });
const ann = { session: "a", name: "Ann" };

describe("ChatRoom (CH1–CH3)", () => {
  it("CH1 space goes to everyone, nearby to the sender and present peers, dm to the sender and one recipient", () => {
    const chat = new ChatRoom();
    expect(chat.send(ann, { scope: "space", text: "hi" }, ctx())).toMatchObject({ ok: true, to: "everyone", message: { from: "a", name: "Ann", scope: "space", text: "hi", at: 1000, id: 1 } });
    const nearby = chat.send(ann, { scope: "nearby", text: "psst" }, ctx({ peers: ["b", "gone"], present: (s) => s !== "gone" }));
    expect(nearby).toMatchObject({ ok: true, to: ["a", "b"] });
    expect(chat.send(ann, { scope: "dm", to: "b", text: "yo" }, ctx())).toMatchObject({ ok: true, to: ["a", "b"] });
  });

  it("CH1 nearby with nobody, a dm to yourself, to nobody or to someone gone: a notice, nothing sent", () => {
    const chat = new ChatRoom();
    expect(chat.send(ann, { scope: "nearby", text: "x" }, ctx())).toMatchObject({ ok: false, notice: { code: "nobody_nearby" } });
    expect(chat.send(ann, { scope: "dm", to: "a", text: "x" }, ctx())).toMatchObject({ ok: false, notice: { code: "no_recipient" } });
    expect(chat.send(ann, { scope: "dm", text: "x" }, ctx())).toMatchObject({ ok: false, notice: { code: "no_recipient" } });
    expect(chat.send(ann, { scope: "dm", to: "b", text: "x" }, ctx({ present: () => false }))).toMatchObject({ ok: false, notice: { code: "no_recipient" } });
    expect(chat.history()).toEqual([]);
  });

  it("CH2 only space messages are kept, the last N", () => {
    const chat = new ChatRoom(2);
    for (const text of ["1", "2", "3"]) chat.send(ann, { scope: "space", text }, ctx());
    chat.send(ann, { scope: "dm", to: "b", text: "secret" }, ctx());
    expect(chat.history().map((m) => m.text)).toEqual(["2", "3"]);
  });

  it("CH3 a burst, then one per refill; over budget is refused with a notice, per person", () => {
    const chat = new ChatRoom(50, { burst: 2, refillMs: 1000 });
    const send = (now: number, who = ann) => chat.send(who, { scope: "space", text: "x" }, ctx({ now }));
    expect([send(0).ok, send(0).ok]).toEqual([true, true]);
    expect(send(10)).toMatchObject({ ok: false, overBudget: true, notice: { code: "chat_limit" } });
    expect(send(10, { session: "b", name: "Bob" }).ok).toBe(true);
    expect(send(1000).ok).toBe(true);
    chat.leave("a");
    expect([send(1001).ok, send(1001).ok]).toEqual([true, true]); // a new seat starts full
  });
});
