/**
 * Build mode against a real server and store (SPEC BM1–BM7): concurrent builders, what everyone
 * ends up seeing, what the database holds, and that a failed write changes nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { PlazaProcess } from "../src/app.ts";
import type { Store } from "../src/store/Store.ts";
import { openPglite } from "../src/store/pglite.ts";
import { addMember, createSpace, freeSpots, joinWithToken, signUp, sleep, startTestServer, until, untyped, type TestRoom, type TestUser } from "./harness.ts";
import type { ServerMessages } from "../../shared/protocol.ts";
import { Dir } from "../../shared/protocol.ts";
import { worldFromRows } from "../../shared/world.ts";
import { selfOf } from "../../shared/net/typedRoom.ts";

let server: PlazaProcess;
let store: Store;
let failWrites = false;
let owner: TestUser, ann: TestUser, bob: TestUser, mia: TestUser;

let refs = 0;
function build(room: TestRoom, op: unknown): Promise<ServerMessages["built"]> {
  const ref = ++refs;
  return new Promise((resolve) => {
    const off = room.onMessage("built", (b: ServerMessages["built"]) => { if (b.ref === ref) { off(); resolve(b); } });
    untyped(room).send("build", { ref, op });
  });
}

/** The synced content as one client sees it, comparable with the store's. */
function seen(room: TestRoom) {
  const things: Record<string, unknown> = {};
  room.state.things.forEach((t, id) => { things[id] = { kind: t.kind, x: t.x, y: t.y, rot: t.rot, rev: t.rev, claimedBy: t.claimedBy || null }; });
  const paint: Record<string, number> = {};
  room.state.paint.forEach((p, i) => { paint[i] = p; });
  return { version: room.state.contentVersion, things, paint };
}

async function stored(spaceId: string) {
  const c = (await store.content(spaceId))!;
  const w = worldFromRows(c.version, c.entities);
  const things: Record<string, unknown> = {};
  for (const t of w.things.values()) things[t.id] = { kind: t.kind, x: t.x, y: t.y, rot: t.rot, rev: t.rev, claimedBy: t.claimedBy };
  const paint: Record<string, number> = {};
  for (const [i, p] of w.paint) paint[i] = ["wall", "wood", "carpet", "tiles", "grass"].indexOf(p) + 1;
  return { version: w.version, things, paint };
}

beforeAll(async () => {
  const real = await openPglite(undefined);
  // The real store, whose commits can be made to fail on demand (BM1: nothing half-applied).
  store = new Proxy(real, {
    get(target, prop, receiver) {
      if (prop === "commitEdit") return (...args: Parameters<Store["commitEdit"]>) => (failWrites ? Promise.reject(new Error("disk on fire")) : target.commitEdit(...args));
      const v = Reflect.get(target, prop, receiver);
      return typeof v === "function" ? v.bind(target) : v;
    },
  });
  server = await startTestServer({ store, PLAZA_AUTO_SPACES: false });
  owner = await signUp(server, "Olive");
  ann = await signUp(server, "Ann");
  bob = await signUp(server, "Bob");
  mia = await signUp(server, "Mia");
  await createSpace(server, owner, "studio");
  await addMember(server, owner, "studio", ann, "builder");
  await addMember(server, owner, "studio", bob, "builder");
  await addMember(server, owner, "studio", mia, "member");
}, 60_000);

afterAll(async () => {
  await server?.close();
  await store?.close();
});

describe("build mode", () => {
  it("BM3 two builders move the same desk at once: exactly one wins, the other gets conflict; everyone and the database agree", async () => {
    const [s1, s2, s3] = await freeSpots(server, "studio", 3);
    const a = await joinWithToken(server, "studio", ann);
    const b = await joinWithToken(server, "studio", bob);
    const placed = await build(a, { op: "place", kind: "desk", ...s1, rot: 0 });
    expect(placed.ok).toBe(true);
    const id = placed.ok ? placed.created! : "";
    await until(() => b.state.things.get(id) !== undefined, "Bob sees Ann's desk live");
    const rev = b.state.things.get(id)!.rev;
    const [ra, rb] = await Promise.all([
      build(a, { op: "move", id, rev, ...s2, rot: 0 }),
      build(b, { op: "move", id, rev, ...s3, rot: 1 }),
    ]);
    expect([ra.ok, rb.ok].filter(Boolean)).toHaveLength(1);
    const loser = ra.ok ? rb : ra;
    expect(loser).toMatchObject({ ok: false, code: "conflict" });
    const winner = ra.ok ? s2 : s3;
    await until(() => JSON.stringify(seen(a)) === JSON.stringify(seen(b)), "both see the same content");
    expect(a.state.things.get(id)).toMatchObject({ x: winner.x, y: winner.y, rev: rev + 1 });
    expect(seen(a)).toEqual(await stored("studio"));
    await a.leave();
    await b.leave();
  });

  it("BM3 edits of different objects at once all land; final state equal for everyone and in the database", async () => {
    const spots = await freeSpots(server, "studio", 12);
    const a = await joinWithToken(server, "studio", ann);
    const b = await joinWithToken(server, "studio", bob);
    const watcher = await joinWithToken(server, "studio", mia);
    // Both place and then rotate their own objects, interleaved, without waiting for each other.
    const mine = async (room: TestRoom, from: number) => {
      const ids: string[] = [];
      for (let i = from; i < from + 6; i++) {
        const r = await build(room, { op: "place", kind: i % 2 ? "plant" : "desk", ...spots[i], rot: 0 });
        expect(r.ok).toBe(true);
        if (r.ok) ids.push(r.created!);
      }
      for (const id of ids) {
        const t = room.state.things.get(id)!;
        const r = await build(room, { op: "remove", id, rev: t.rev });
        expect(r.ok).toBe(true);
      }
      return ids;
    };
    const pending = Promise.all([mine(a, 0), mine(b, 6)]);
    const paints = await Promise.all([
      build(a, { op: "paint", paint: "carpet", tiles: [[spots[0].x, spots[0].y + 1]] }),
      build(b, { op: "paint", paint: "grass", tiles: [[spots[6].x, spots[6].y + 1]] }),
    ]);
    expect(paints.every((p) => p.ok)).toBe(true);
    await pending;
    const final = await stored("studio");
    await until(() => [a, b, watcher].every((r) => JSON.stringify(seen(r)) === JSON.stringify(final)), "everyone converges on the stored content");
    for (const r of [a, b, watcher]) await r.leave();
  });

  it("BM7 a painted wall blocks walking for everyone at once (same compiled map on server and client)", async () => {
    const a = await joinWithToken(server, "studio", ann);
    const me = a.state.avatars.get(selfOf(a))!;
    const [x, y] = [me.x + 1, me.y];
    const r = await build(a, { op: "paint", paint: "wall", tiles: [[x, y]] });
    expect(r.ok).toBe(true);
    a.send("move", { seq: ((a.ack?.[0] ?? 0) + 1) % 65536, x, y, dir: Dir.RIGHT });
    await until(() => a.corrections.length > 0, "the step into the wall is corrected");
    expect(a.corrections[0].reason).toBe("blocked");
    // Erasing gives the floor back.
    expect((await build(a, { op: "paint", paint: "erase", tiles: [[x, y]] })).ok).toBe(true);
    await a.leave();
  });

  it("BM1 a write that fails is refused storage_unavailable and changes nothing, for anyone", async () => {
    const [spot] = await freeSpots(server, "studio", 1);
    const a = await joinWithToken(server, "studio", ann);
    const b = await joinWithToken(server, "studio", bob);
    const before = await stored("studio");
    failWrites = true;
    try {
      const r = await build(a, { op: "place", kind: "desk", ...spot, rot: 0 });
      expect(r).toMatchObject({ ok: false, code: "storage_unavailable" });
      const p = await build(b, { op: "paint", paint: "wall", tiles: [[spot.x, spot.y]] });
      expect(p).toMatchObject({ ok: false, code: "storage_unavailable" });
    } finally {
      failWrites = false;
    }
    await sleep(100);
    expect(seen(a)).toEqual(before);
    expect(seen(b)).toEqual(before);
    expect(await stored("studio")).toEqual(before);
    // And the room goes on working.
    expect((await build(a, { op: "place", kind: "desk", ...spot, rot: 0 })).ok).toBe(true);
    await a.leave();
    await b.leave();
  });

  it("BM1 content outlives the room: everyone leaves, the room is disposed, the next visitor finds every edit", async () => {
    const [spot] = await freeSpots(server, "studio", 1);
    const a = await joinWithToken(server, "studio", ann);
    const r = await build(a, { op: "place", kind: "whiteboard", ...spot, rot: 0 });
    expect(r.ok).toBe(true);
    const before = seen(a);
    await a.leave();
    const { matchMaker } = await import("@colyseus/core");
    await until(() => matchMaker.stats.local.roomCount === 0, "room disposed", 10_000);
    const again = await joinWithToken(server, "studio", mia);
    expect(seen(again)).toEqual(before);
    await again.leave();
  });

  it("BM5 a member claims a desk and appears in front of it next time; builders may release it", async () => {
    const [spot] = await freeSpots(server, "studio", 1);
    const a = await joinWithToken(server, "studio", ann);
    const placed = await build(a, { op: "place", kind: "desk", ...spot, rot: 0 });
    const id = placed.ok ? placed.created! : "";
    const m = await joinWithToken(server, "studio", mia);
    expect((await build(m, { op: "claim", id })).ok).toBe(true);
    await until(() => a.state.things.get(id)?.claimName === "Mia", "everyone sees the claim");
    await m.leave();
    const back = await joinWithToken(server, "studio", mia);
    const me = back.state.avatars.get(selfOf(back))!;
    expect({ x: me.x, y: me.y }).toEqual({ x: spot.x, y: spot.y + 1 });
    // A builder may release someone's desk.
    const b = await joinWithToken(server, "studio", bob);
    expect((await build(b, { op: "claim", id, release: true })).ok).toBe(true);
    await until(() => back.state.things.get(id)?.claimName === "", "released for everyone");
    for (const r of [a, back, b]) await r.leave();
  });

  it("BI malformed and oversize build messages are dropped and counted; the sender and others carry on", async () => {
    const a = await joinWithToken(server, "studio", ann);
    const b = await joinWithToken(server, "studio", bob);
    const v = a.state.contentVersion;
    untyped(a).send("build", { ref: 1, op: { op: "place", kind: "throne", x: 1, y: 1, rot: 0 } });
    a.send("build", { ref: 2, op: { op: "paint", paint: "wall", tiles: Array.from({ length: 600 }, (_, i) => [i % 40, 1]) } });
    a.send("build", { ref: 3, op: { op: "move", id: "o:../../etc", rev: 1, x: 1, y: 1, rot: 0 } });
    const [spot] = await freeSpots(server, "studio", 1);
    expect((await build(b, { op: "place", kind: "plant", ...spot, rot: 0 })).ok).toBe(true);
    await until(() => a.state.contentVersion === v + 1, "Ann sees Bob's edit, and only that one");
    const metrics = await (await fetch(`${server.url}/metrics`)).text();
    expect(metrics).toMatch(/plaza_messages_dropped_total\{reason="malformed"\} [1-9]/);
    expect(a.left).toBeUndefined();
    await a.leave();
    await b.leave();
  });
});
