import { describe, expect, it } from "vitest";
import { AnnouncementQueue, listNames } from "./announcements.ts";

describe("UX11 announcements", () => {
  it("names a few people and counts the rest", () => {
    expect(listNames(["Ana"])).toBe("Ana");
    expect(listNames(["Ana", "Bo"])).toBe("Ana and Bo");
    expect(listNames(["Ana", "Bo", "Cy"])).toBe("Ana, Bo and Cy");
    expect(listNames(["Ana", "Bo", "Cy", "Di", "Ed"])).toBe("Ana, Bo and 3 others");
  });

  it("a crowd arriving is one sentence, not one each", () => {
    const q = new AnnouncementQueue();
    for (let i = 0; i < 40; i++) q.add({ kind: "joinedSpace", id: `s${i}`, name: `P${i}` });
    q.add({ kind: "leftSpace", id: "x", name: "Zed" });
    expect(q.flush()).toEqual({ polite: ["P0, P1 and 38 others joined the space", "Zed left the space"], urgent: [] });
    expect(q.empty).toBe(true);
  });

  it("someone who came and went within one flush is not mentioned", () => {
    const q = new AnnouncementQueue();
    q.add({ kind: "joinedSpace", id: "a", name: "Ana" });
    q.add({ kind: "leftSpace", id: "a", name: "Ana" });
    expect(q.flush().polite).toEqual([]);
  });

  it("the last area entered wins; talking with someone is not also a join", () => {
    const q = new AnnouncementQueue();
    q.add({ kind: "enteredArea", name: "Focus Room 1" });
    q.add({ kind: "enteredArea", name: "Focus Room 2" });
    q.add({ kind: "joinedConversation", id: "a", name: "Ana" });
    q.add({ kind: "joinedConversation", id: "b", name: "Bo" });
    q.add({ kind: "talking", names: ["Ana"] });
    expect(q.flush().polite).toEqual(["You entered Focus Room 2", "You are talking with Ana", "Bo joined your conversation"]);
  });

  it("direct messages are urgent; beyond two they are counted", () => {
    const q = new AnnouncementQueue();
    for (const t of ["one", "two", "three", "four"]) q.add({ kind: "dm", name: "Ana", text: t });
    expect(q.urgent).toBe(true);
    expect(q.flush().urgent).toEqual(["Message from Ana: one", "Message from Ana: two", "and 2 more direct messages"]);
  });
});
