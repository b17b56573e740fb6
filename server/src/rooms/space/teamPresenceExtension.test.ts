import { describe, expect, it } from "vitest";
import { LocalPresence } from "@colyseus/core";
import { sleep, until } from "../../../../shared/testing/wait.ts";
import { TeamPresence, type Announcement } from "../../team/TeamPresence.ts";
import type { SpaceRecord } from "../../store/Store.ts";
import type { SpaceRoomContext } from "./extension.ts";
import { teamPresenceExtension } from "./teamPresenceExtension.ts";

describe("team presence extension (TP1, TP4)", () => {
  it("TP1 lists people with a role while seated (not visitors), takes them out on leave and on dispose; TP4 relays announcements", async () => {
    const team = new TeamPresence(new LocalPresence(), { processId: () => "p1" });
    const sent: Announcement[] = [];
    const room: SpaceRoomContext = {
      spaceId: "hq", roomId: "r", space: { id: "hq", teamId: "t1", name: "HQ" } as SpaceRecord, draining: false,
      avatars: () => [], walkable: () => true, every: () => {}, guarded: (_w, fn) => fn(),
      broadcast: (type, msg) => { if (type === "announcement") sent.push(msg as Announcement); },
    };
    const ext = teamPresenceExtension(team)(room);
    const names = async () => (await team.list("t1")).entries.map((e) => e.name).sort();
    ext.onJoin!({ session: "s1", userId: "u1", role: "member", name: "Ann", client: "web", x: 0, y: 0 });
    ext.onJoin!({ session: "s2", userId: null, role: null, name: "Visitor", client: "web", x: 0, y: 0 });
    ext.onJoin!({ session: "s3", userId: "u3", role: "guest", name: "Gus", client: "web", x: 0, y: 0 });
    await until(async () => (await names()).length === 2, "two listed");
    expect(await names()).toEqual(["Ann", "Gus"]);
    ext.onLeave!({ session: "s1", name: "Ann", x: 0, y: 0 });
    await until(async () => (await names()).length === 1, "Ann unlisted");
    expect(await names()).toEqual(["Gus"]);
    await sleep(20); // the subscription is made in the background
    await team.announce("t1", { from: "Boss", text: "hello", at: 1 });
    await until(() => sent.length === 1, "announcement relayed");
    expect(sent).toEqual([{ from: "Boss", text: "hello", at: 1 }]);
    ext.onDispose!();
    await until(async () => (await names()).length === 0, "nobody listed after dispose");
    expect(await names()).toEqual([]);
  });
});
