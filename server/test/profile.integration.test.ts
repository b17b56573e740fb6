/**
 * UX15 against a real server: a person changes their name and look in place, everyone else in the
 * space sees it with the next patch, their chat is signed with the new name, and bad or too frequent
 * changes are refused, counted and change nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { PlazaProcess } from "../src/app.ts";
import { NoticeCode } from "../../shared/codes.ts";
import { LOOK_COUNT } from "../../shared/looks.ts";
import { send, listen, ignore, selfOf } from "../../shared/net/typedRoom.ts";
import type { ChatMessage } from "../../shared/protocol.ts";
import { PROFILE_BURST } from "../src/rooms/space/Profiles.ts";
import { joinAs, startTestServer, until, untyped } from "./harness.ts";

let server: PlazaProcess;
beforeAll(async () => { server = await startTestServer(); });
afterAll(async () => { await server?.close(); });

/** plaza_messages_dropped_total{reason} as the /metrics page says now. */
async function dropped(reason: string): Promise<number> {
  const text = await (await fetch(`${server.url}/metrics`)).text();
  const m = text.match(new RegExp(`^plaza_messages_dropped_total\\{reason="${reason}"\\} (\\d+)`, "m"));
  return m ? Number(m[1]) : 0;
}

describe("UX15 profile in place", () => {
  it("a new name and look reach everyone at once; chat is signed with the new name", async () => {
    const ana = await joinAs(server, "ux-profile", "Ana");
    const bo = await joinAs(server, "ux-profile", "Bo");
    await until(() => bo.state.people.get(selfOf(ana))?.name === "Ana", "Bo sees Ana");
    send(ana, "profile", { name: "  Ana   Lima ", look: 5 });
    await until(() => bo.state.people.get(selfOf(ana))?.name === "Ana Lima" && bo.state.people.get(selfOf(ana))?.look === 5, "Bo sees Ana's new name and look");
    const heard: ChatMessage[] = [];
    listen(bo, { chat: (m) => heard.push(m), ...ignore("ack", "correction", "notice", "welcome", "peers", "signal", "chatHistory", "located", "built", "announcement", "av", "knock", "knockOutcome", "free") });
    send(ana, "chat", { scope: "space", text: "hello" });
    await until(() => heard.length > 0, "Bo hears Ana");
    expect(heard[0].name).toBe("Ana Lima");
    await Promise.all([ana.leave(), bo.leave()]);
  });

  it("bad input is refused and counted, and changes nothing", async () => {
    const ana = await joinAs(server, "ux-profile-bad", "Ana");
    const before = await dropped("malformed");
    const bad = [{ name: "", look: 1 }, { name: "x".repeat(200), look: 1 }, { name: "Ok", look: LOOK_COUNT }, { name: "Ok", look: -1 }, { name: "A\u0007B", look: 1 }, { name: "Ok", look: 1, admin: true }, "Ok"];
    for (const payload of bad) untyped(ana).send("profile", payload);
    await until(async () => (await dropped("malformed")) >= before + bad.length, "every bad change counted");
    expect(ana.state.people.get(selfOf(ana))).toMatchObject({ name: "Ana", look: 0 });
    expect(ana.left).toBeUndefined();
    await ana.leave();
  });

  it("too many changes in a row: the rest is refused with a notice and counted", async () => {
    const ana = await joinAs(server, "ux-profile-limit", "Ana");
    const before = await dropped("profile_limit");
    for (let i = 1; i <= PROFILE_BURST + 2; i++) send(ana, "profile", { name: `Ana ${i}`, look: 1 });
    await until(() => ana.notices.filter((n) => n.code === NoticeCode.PROFILE_LIMIT).length === 2, "two changes refused");
    await until(() => ana.state.people.get(selfOf(ana))?.name === `Ana ${PROFILE_BURST}`, "the last change allowed is shown");
    expect(await dropped("profile_limit")).toBe(before + 2);
    await ana.leave();
  });
});
