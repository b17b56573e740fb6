import { describe, expect, it } from "vitest";
import { asciiTiledMap } from "../../../../shared/testing/asciiMap.ts";
import { parseTiledMap } from "../../../../shared/map.ts";
import { SpaceState } from "../../../../shared/state.ts";
import { emptyWorld, type BuildOp } from "../../../../shared/world.ts";
import type { Role } from "../../../../shared/authz.ts";
import { StaleVersionError, type EditCommit, type SpaceRecord } from "../../store/Store.ts";
import { EDITS_PER_CLIENT_MAX, EDIT_QUEUE_MAX, EditQueue, type Built, type EditDirectory } from "./EditQueue.ts";
import { SpaceWorld } from "./SpaceWorld.ts";

const TMJ = asciiTiledMap(["############", "#S.........#", "#..........#", "#..........#", "############"]);
const BASE = parseTiledMap(TMJ);
const SPACE = { id: "studio", teamId: "t", name: "Studio", visibility: "private" } as SpaceRecord;

/** A directory whose store is a list in memory; `fail` makes the next commit throw it. */
function fakeDirectory(roles: Record<string, Role | null>) {
  const commits: EditCommit[] = [];
  let version = 0;
  const d = {
    commits,
    fail: undefined as Error | undefined,
    roleError: undefined as Error | undefined,
    roleIn: async (_space: SpaceRecord, who: { userId: string } | null) => {
      if (d.roleError) throw d.roleError;
      return who ? roles[who.userId] ?? null : null;
    },
    commitEdit: async (_id: string, edit: EditCommit) => {
      await Promise.resolve();
      if (d.fail) { const f = d.fail; d.fail = undefined; throw f; }
      if (edit.expectVersion !== version) throw new StaleVersionError("moved");
      commits.push(edit);
      return ++version;
    },
    load: async () => ({ space: SPACE, base: BASE, content: Object.assign(emptyWorld(), { version: 5 }) }),
  };
  return d;
}

function setup(roles: Record<string, Role | null> = { ann: "builder", mia: "member" }) {
  const state = new SpaceState();
  const world = new SpaceWorld(BASE, emptyWorld(), state);
  const dir = fakeDirectory(roles);
  let n = 0;
  const queue = new EditQueue(world, dir as unknown as EditDirectory, () => SPACE, () => `id${++n}`);
  const author = (session: string, userId: string | null, role: Role | null) => ({ session, userId, name: session, role });
  const send = (a: ReturnType<typeof author>, op: BuildOp, ref = 1) => new Promise<Built>((resolve) => {
    const now = queue.submit(a, { ref, op }, resolve);
    if (now) resolve(now);
  });
  return { state, world, dir, queue, author, send };
}

describe("EditQueue (BM1, BM3, BM6, AZ4)", () => {
  it("BM1 an edit is stored, then applied to content and synced state, then answered with the new version", async () => {
    const { state, dir, author, send } = setup();
    const answer = await send(author("s1", "ann", "builder"), { op: "place", kind: "desk", x: 2, y: 2, rot: 0 });
    expect(answer).toEqual({ ref: 1, ok: true, version: 1, created: "o:id1" });
    expect(dir.commits).toHaveLength(1);
    expect(dir.commits[0]).toMatchObject({ expectVersion: 0, authorId: "ann" });
    expect(state.things.get("o:id1")).toMatchObject({ kind: "desk", x: 2, y: 2 });
  });

  it("BM1 a store that fails refuses the edit storage_unavailable and changes nothing", async () => {
    const { state, world, dir, author, send } = setup();
    dir.fail = new Error("disk on fire");
    const answer = await send(author("s1", "ann", "builder"), { op: "place", kind: "plant", x: 2, y: 2, rot: 0 });
    expect(answer).toMatchObject({ ok: false, code: "storage_unavailable" });
    expect(world.content.things.size).toBe(0);
    expect(state.things.size).toBe(0);
  });

  it("AZ4 the role is read from the store at each edit; a store that cannot answer is never taken as 'no role'", async () => {
    const { dir, author, send } = setup({ ann: "member" });
    const ann = author("s1", "ann", "builder"); // a builder at join, demoted since
    expect(await send(ann, { op: "place", kind: "plant", x: 2, y: 2, rot: 0 })).toMatchObject({ ok: false, code: "forbidden" });
    expect(ann.role).toBe("member");
    dir.roleError = new Error("store down");
    expect(await send(ann, { op: "place", kind: "plant", x: 2, y: 2, rot: 0 })).toMatchObject({ ok: false, code: "storage_unavailable" });
    expect(ann.role).toBe("member");
  });

  it("BM3 edits run one at a time in arrival order: the second of two moves of one object is a conflict", async () => {
    const { world, author, send } = setup({ ann: "builder", bob: "builder" });
    const placed = await send(author("s1", "ann", "builder"), { op: "place", kind: "desk", x: 2, y: 2, rot: 0 });
    const id = placed.ok ? placed.created! : "";
    const [a, b] = await Promise.all([
      send(author("s1", "ann", "builder"), { op: "move", id, rev: 1, x: 5, y: 2, rot: 0 }, 2),
      send(author("s2", "bob", "builder"), { op: "move", id, rev: 1, x: 7, y: 3, rot: 0 }, 3),
    ]);
    expect(a.ok).toBe(true);
    expect(b).toMatchObject({ ok: false, code: "conflict" });
    expect(world.content.things.get(id)).toMatchObject({ x: 5, y: 2, rev: 2 });
  });

  it("BM3 a write refused because another writer moved the version takes the stored content and answers conflict", async () => {
    const { state, world, dir, author, send } = setup();
    dir.fail = new StaleVersionError("moved");
    const answer = await send(author("s1", "ann", "builder"), { op: "place", kind: "plant", x: 2, y: 2, rot: 0 });
    expect(answer).toMatchObject({ ok: false, code: "conflict" });
    expect(world.content.version).toBe(5);
    expect(state.contentVersion).toBe(5);
  });

  it("BM6 more than 32 unanswered edits of one person, or 256 in the room, are refused busy at once", async () => {
    const { queue, author } = setup();
    const ann = author("s1", "ann", "builder");
    const answered: Built[] = [];
    for (let i = 0; i < EDITS_PER_CLIENT_MAX; i++) expect(queue.submit(ann, { ref: i, op: { op: "spawn", x: 2, y: 3 } }, (a) => answered.push(a))).toBeUndefined();
    expect(queue.submit(ann, { ref: 99, op: { op: "spawn", x: 2, y: 3 } }, () => {})).toMatchObject({ ref: 99, ok: false, code: "busy" });
    for (let i = EDITS_PER_CLIENT_MAX; i < EDIT_QUEUE_MAX; i++) queue.submit(author(`s${i}`, "ann", "builder"), { ref: i, op: { op: "spawn", x: 2, y: 3 } }, (a) => answered.push(a));
    expect(queue.submit(author("late", "ann", "builder"), { ref: 1000, op: { op: "spawn", x: 2, y: 3 } }, () => {})).toMatchObject({ code: "busy" });
    await queue.idle(); // CL4: idle() resolves once every queued edit is answered
    expect(answered).toHaveLength(EDIT_QUEUE_MAX);
    expect(queue.submit(ann, { ref: 2000, op: { op: "spawn", x: 3, y: 3 } }, () => {})).toBeUndefined(); // room again
  });
});
