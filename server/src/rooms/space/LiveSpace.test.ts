/**
 * LiveSpace without Colyseus: joins and their refusals (SE2, SP2, SE7), resumes (SE6, SE9, CL3),
 * leaves, kicks and access revocation (SE4), links of held seats (SE9), the drain (CL4), and the
 * extensions called at each point — with a recording host instead of a room.
 */
import { describe, expect, it } from "vitest";
import { Encoder } from "@colyseus/schema";
import { asciiTiledMap } from "../../../../shared/testing/asciiMap.ts";
import { sleep } from "../../../../shared/testing/wait.ts";
import { parseTiledMap } from "../../../../shared/map.ts";
import { SpaceState } from "../../../../shared/state.ts";
import { emptyWorld } from "../../../../shared/world.ts";
import { JoinErrorCode } from "../../../../shared/codes.ts";
import { PROTOCOL_VERSION } from "../../../../shared/protocol.ts";
import type { Role } from "../../../../shared/authz.ts";
import { ResumeTokens } from "../../auth/resumeTokens.ts";
import type { SpaceDirectory } from "../../access/directory.ts";
import type { SpaceRecord } from "../../store/Store.ts";
import type { JoinAuth } from "./admission.ts";
import type { SpaceRoomExtension } from "./extension.ts";
import { LiveSpace, type LiveSpaceHost, type SpaceRoomDeps } from "./LiveSpace.ts";

const TMJ = asciiTiledMap(["############", "#S.........#", "#..........#", "############"]);
const SPACE = { id: "hq", teamId: "t", name: "HQ", visibility: "public" } as SpaceRecord;
const tokens = new ResumeTokens("secret");

function setup(opts: { maxClients?: number; seatsPerAddress?: number; roles?: Record<string, Role | null> } = {}) {
  const log: string[] = [];
  const closed: [string, number][] = [];
  const present = new Set<string>();
  let drained = 0;
  const recorder: SpaceRoomExtension = {
    onJoin: (w) => log.push(`join ${w.session} ${w.x},${w.y}`),
    onLeave: (w) => log.push(`leave ${w.session}`),
    onKick: (s, code) => log.push(`kick ${s} ${code}`),
    onResume: async (old) => (old === "stored" ? { x: 7, y: 2 } : undefined),
    onDrain: async () => { drained++; },
    onDispose: () => log.push("dispose"),
  };
  const thrower: SpaceRoomExtension = { onJoin: () => { throw new Error("boom"); } };
  const directory = {
    space: async () => SPACE,
    roleIn: async (_s: SpaceRecord, who: { userId: string } | null) => (who ? opts.roles?.[who.userId] ?? null : null),
    commitEdit: async () => 1,
    load: async () => null,
  } as unknown as SpaceDirectory;
  const deps: SpaceRoomDeps = {
    directory, maxClients: opts.maxClients ?? 10, interest: "off", interestOptions: { radius: 16, max: 90, cell: 8 }, patchMs: 50,
    crowd: { size: 300, patchMs: 100, elu: 0.6, uncorkSlice: 50, fine: 30 }, resumeTokens: tokens, seatsPerAddress: opts.seatsPerAddress ?? 20,
    extensions: [() => recorder, () => thrower],
  };
  const sent: [string, string, unknown][] = [];
  const caught: string[] = [];
  const host: LiveSpaceHost = {
    roomId: "r1",
    visit: (key) => key, keyOf: (visit) => visit, // here a person key is its session id
    outbox: { send: (to, type, msg) => sent.push([to, type, msg]), broadcast: (type, msg) => sent.push(["*", type, msg]) },
    now: () => 0, later: () => ({ clear() {} }), every: () => {},
    present: (s) => present.has(s),
    close: (s, code) => { closed.push([s, code]); present.delete(s); },
    closeAll: () => log.push("closeAll"),
    pace: () => {},
    guarded: (where, fn) => { try { fn(); } catch { caught.push(where); } },
    caught: (where) => caught.push(where),
  };
  const state = new SpaceState();
  new Encoder(state); // a view needs a rooted state, as Colyseus's serializer makes it
  const live = new LiveSpace({ space: SPACE, base: parseTiledMap(TMJ), content: emptyWorld() }, state, deps, host);
  const join = async (session: string, over: Partial<JoinAuth> = {}) => {
    present.add(session);
    const auth: JoinAuth = { protocol: PROTOCOL_VERSION, spaceId: "hq", name: session, look: 0, client: "web", userId: null, role: null, address: "1.1.1.1", ...over };
    return live.join(session, auth, {} as never);
  };
  return { live, state, log, sent, closed, caught, join, present, drained: () => drained };
}

describe("LiveSpace joins", () => {
  it("SE2 SP2 SE7 refuses a join for another space, a full space, and too many seats from one address", async () => {
    const { join } = setup({ maxClients: 2, seatsPerAddress: 1 });
    await expect(join("x", { spaceId: "elsewhere" })).rejects.toMatchObject({ code: JoinErrorCode.FORBIDDEN });
    await join("a");
    await expect(join("b")).rejects.toMatchObject({ code: JoinErrorCode.TOO_MANY_FROM_ADDRESS });
    await join("m", { userId: "u", role: "member" }); // members are not counted
    await expect(join("c", { address: "2.2.2.2" })).rejects.toMatchObject({ code: JoinErrorCode.SPACE_FULL });
  });

  it("a join seats, welcomes, acks the start tile and tells the extensions (one that throws is caught, SE1)", async () => {
    const { join, sent, log, caught, state } = setup();
    await join("a");
    expect(state.avatars.get("a")).toMatchObject({ x: 1, y: 1 });
    expect(sent.map(([to, type]) => `${to} ${type}`)).toEqual(["a welcome", "a ack"]);
    expect((sent[0][2] as { resume: string }).resume).toBe(tokens.sign("hq", "a"));
    expect(log).toEqual(["join a 1,1"]);
    expect(caught).toEqual(["extension onJoin"]);
  });

  it("SE6 CL3 a valid resume token places a re-join at its stored tile; a bare session id or another space's token does not", async () => {
    const { join, state } = setup();
    await join("a", { resume: "stored" });
    await join("b", { resume: tokens.sign("other", "stored") });
    await join("c", { resume: tokens.sign("hq", "stored") });
    expect(["a", "b", "c"].map((s) => state.avatars.get(s)!.x)).toEqual([1, 1, 7]);
  });

  it("SE9 a re-join with its token replaces its held seat and continues where it stood", async () => {
    const { live, join, state } = setup();
    await join("old");
    state.avatars.get("old")!.x = 5;
    const freed: string[] = [];
    live.seats.get("old")!.held = { reject: () => { freed.push("old"); live.leave("old"); } };
    await join("new", { resume: tokens.sign("hq", "old") });
    expect(freed).toEqual(["old"]);
    expect(state.avatars.get("new")).toMatchObject({ x: 5, y: 1 });
    expect(state.avatars.has("old")).toBe(false);
  });

});

describe("LiveSpace while people are seated", () => {
  it("SE9 a held seat talks to nobody; PX its peers hear about it at the next update", async () => {
    const { live, join, sent } = setup();
    await join("a");
    await join("b");
    live.updateLinks();
    const peersOf = (id: string) => sent.filter(([to, type]) => to === id && type === "peers").map(([, , m]) => (m as { peers: string[] }).peers);
    expect(peersOf("a")).toEqual([["b"]]);
    live.seats.get("b")!.held = { reject() {} };
    live.updateLinks();
    expect(peersOf("a")).toEqual([["b"], []]);
  });

  it("SE4 an access change about this space revokes whoever lost access: told, closed, their seat gone at once", async () => {
    const { live, join, sent, closed, log } = setup({ roles: { u: null } });
    await join("a", { userId: "u", role: "member" });
    (SPACE as { visibility: string }).visibility = "private";
    try {
      live.accessChanged({ teamId: "other" }); // not about us
      live.accessChanged({ spaceId: "hq" });
      await sleep(10);
    } finally {
      (SPACE as { visibility: string }).visibility = "public";
    }
    expect(sent.filter(([, type]) => type === "notice").map(([, , m]) => (m as { code: string }).code)).toEqual(["access_revoked"]);
    expect(closed).toEqual([["a", 4104]]);
    expect(log).toContain("kick a 4104");
    expect(live.seats.get("a")).toBeUndefined();
  });

  it("CL4 a drain marks the space draining, then awaits the queued edits and the extensions; leave and dispose reach them", async () => {
    const { live, join, log, drained, state } = setup();
    await join("a");
    const draining = live.drain();
    expect(live.draining).toBe(true);
    await draining;
    expect(drained()).toBe(1);
    live.leave("a", 4103);
    expect(state.avatars.size).toBe(0);
    live.dispose();
    expect(log.slice(-2)).toEqual(["leave a", "dispose"]);
  });
});
