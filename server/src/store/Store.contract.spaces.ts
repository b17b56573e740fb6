/**
 * The Store contract (Store.contract.ts) on spaces and their content: creation (racing too), listing,
 * updates, deletion, base maps, and edits committed all or nothing against a content version.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { uid, type StoreKit } from "./Store.contract.kit.ts";
import { ConflictError, NotFoundError, StaleVersionError, type Store } from "./Store.ts";

export function spacesContract(kit: StoreKit): void {
  describe("spaces", () => {
    creatingSpaces(kit);
    keepingSpaces(kit);
  });

  describe("content", () => {
    committingEdits(kit);
    concurrentEdits(kit);
  });
}

/** A new space, a taken id, and creators racing for one id. */
function creatingSpaces(kit: StoreKit): void {
  let store: Store;
  beforeAll(() => {
    store = kit.store;
  });
  const { newTeam, newSpace, spaceWithTeam } = kit;

  it("creates a space at content version 0 with its initial entities", async () => {
    const { team, space } = await spaceWithTeam({ name: "HQ", visibility: "public" });
    expect(space).toMatchObject({ teamId: team.id, name: "HQ", visibility: "public", template: "small-office", contentVersion: 0 });
    expect(space.createdAt).toBeInstanceOf(Date);
    expect(await store.space(space.id)).toEqual(space);
    expect(await store.content(space.id)).toEqual({ version: 0, entities: [{ id: "desk-1", rev: 0, data: { kind: "desk", x: 1, y: 1 } }] });
  });

  it("refuses a duplicate space id (ConflictError) and keeps the first", async () => {
    const { team, space } = await spaceWithTeam();
    await expect(store.createSpace(newSpace(team.id, { id: space.id, name: "Other", entities: [] }))).rejects.toBeInstanceOf(ConflictError);
    expect((await store.space(space.id))?.name).toBe("Office");
    expect((await store.content(space.id))?.entities).toHaveLength(1);
  });

  it("createSpaceIfAbsent creates once and is a no-op afterwards", async () => {
    const { team } = await newTeam();
    const s = newSpace(team.id);
    expect(await store.createSpaceIfAbsent(s)).toBe(true);
    expect(await store.createSpaceIfAbsent({ ...s, name: "Again", entities: [{ id: "other", rev: 0, data: {} }] })).toBe(false);
    expect((await store.space(s.id))?.name).toBe("Office");
    expect((await store.content(s.id))?.entities.map((e) => e.id)).toEqual(["desk-1"]);
  });

  it("createSpaceIfAbsent racing 20 times makes exactly one space with one set of entities", async () => {
    const { team } = await newTeam();
    const id = `space-${uid()}`;
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        store.createSpaceIfAbsent(newSpace(team.id, { id, name: `Racer ${i}`, entities: [{ id: `from-${i}`, rev: 0, data: { i } }] })),
      ),
    );
    expect(results.filter(Boolean)).toHaveLength(1);
    const winner = results.indexOf(true);
    expect((await store.space(id))?.name).toBe(`Racer ${winner}`);
    expect(await store.content(id)).toEqual({ version: 0, entities: [{ id: `from-${winner}`, rev: 0, data: { i: winner } }] });
  });
}

/** Listing, renaming, deleting, the base map, and unknown ids. */
function keepingSpaces(kit: StoreKit): void {
  let store: Store;
  beforeAll(() => {
    store = kit.store;
  });
  const { newUser, newTeam, newSpace, spaceWithTeam, edit } = kit;

  it("spacesOf lists the spaces of all my teams with my role and the team's name", async () => {
    const me = await newUser("Me");
    const mine = await store.createTeam(`Mine ${uid()}`, me.id);
    const { team: theirs } = await newTeam();
    const { team: notMine } = await newTeam();
    await store.setRole(theirs.id, me.id, "member");
    const a = await store.createSpace(newSpace(mine.id, { name: "A" }));
    const b = await store.createSpace(newSpace(theirs.id, { name: "B" }));
    const c = await store.createSpace(newSpace(theirs.id, { name: "C" }));
    await store.createSpace(newSpace(notMine.id, { name: "Hidden" }));
    const listed = await store.spacesOf(me.id);
    expect(listed).toHaveLength(3);
    expect(listed).toEqual(expect.arrayContaining([
      { ...a, role: "owner", teamName: mine.name },
      { ...b, role: "member", teamName: theirs.name },
      { ...c, role: "member", teamName: theirs.name },
    ]));
    expect(await store.spacesOf((await newUser()).id)).toEqual([]);
  });

  it("updates name and visibility independently", async () => {
    const { space } = await spaceWithTeam();
    expect(await store.updateSpace(space.id, { name: "Renamed" })).toEqual({ ...space, name: "Renamed" });
    expect(await store.updateSpace(space.id, { visibility: "public" })).toEqual({ ...space, name: "Renamed", visibility: "public" });
    expect(await store.space(space.id)).toMatchObject({ name: "Renamed", visibility: "public" });
    expect(await store.updateSpace("no-such-space", { name: "x" })).toBeNull();
  });

  it("deleteSpace removes the space with its content, edit log and invites", async () => {
    const { owner, team, space } = await spaceWithTeam();
    await store.commitEdit(space.id, edit(0, [{ id: "plant", rev: 1, data: {} }]));
    const code = `inv-${uid()}`;
    await store.createInvite({ code, teamId: team.id, spaceId: space.id, role: "member", createdBy: owner.id, expiresAt: null });

    expect(await store.deleteSpace(space.id)).toBe(true);
    expect(await store.space(space.id)).toBeNull();
    expect(await store.content(space.id)).toBeNull();
    expect(await store.baseMap(space.id)).toBeNull();
    expect(await store.invite(code)).toBeNull();
    expect(await store.invitesOf(space.id)).toEqual([]);
    expect(await store.spacesOf(owner.id)).toEqual([]);
    expect(await store.deleteSpace(space.id)).toBe(false);

    // Same id again starts from nothing: version 1 is free in the edit log, no old entities.
    await store.createSpace(newSpace(team.id, { id: space.id, entities: [] }));
    expect(await store.commitEdit(space.id, edit(0))).toBe(1);
    expect(await store.content(space.id)).toEqual({ version: 1, entities: [] });
  });

  it("round-trips the base map JSON and the tileset bytes", async () => {
    const tmj = { width: 3, height: 2, tilewidth: 32, layers: [{ name: "floor", data: [1, 2, 3, 0, 0, 7] }], props: { title: "Café ☕", n: 1.5, on: false, none: null } };
    const tileset = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0, 255, 1, 128]);
    const { space } = await spaceWithTeam({ template: "import", baseMap: tmj, tileset });
    const got = await store.baseMap(space.id);
    expect(got?.tmj).toEqual(tmj);
    expect(got?.tileset).toBeInstanceOf(Uint8Array);
    expect(Array.from(got!.tileset!)).toEqual(Array.from(tileset));

    const { space: plain } = await spaceWithTeam();
    expect(await store.baseMap(plain.id)).toEqual({ tmj: { width: 2, height: 2, layers: [] }, tileset: null });
  });

  it("answers null for unknown spaces", async () => {
    expect(await store.space("no-such-space")).toBeNull();
    expect(await store.content("no-such-space")).toBeNull();
    expect(await store.baseMap("no-such-space")).toBeNull();
  });
}

/** One edit at a time: puts, deletes, versions and refusals. */
function committingEdits(kit: StoreKit): void {
  let store: Store;
  beforeAll(() => {
    store = kit.store;
  });
  const { spaceWithTeam, edit } = kit;

  it("commits puts and deletes with their revs and returns the next version", async () => {
    const { space } = await spaceWithTeam();
    const v1 = await store.commitEdit(space.id, edit(0, [
      { id: "desk-1", rev: 1, data: { kind: "desk", x: 2, y: 1 } },
      { id: "plant", rev: 1, data: { kind: "plant" } },
    ]));
    expect(v1).toBe(1);
    const v2 = await store.commitEdit(space.id, edit(1, [{ id: "lamp", rev: 1, data: { kind: "lamp", on: true } }], ["plant"]));
    expect(v2).toBe(2);
    expect(await store.content(space.id)).toEqual({
      version: 2,
      entities: [
        { id: "desk-1", rev: 1, data: { kind: "desk", x: 2, y: 1 } },
        { id: "lamp", rev: 1, data: { kind: "lamp", on: true } },
      ],
    });
    expect((await store.space(space.id))?.contentVersion).toBe(2);
  });

  it("applies the last of two puts of one entity in an edit", async () => {
    const { space } = await spaceWithTeam();
    await store.commitEdit(space.id, edit(0, [{ id: "desk-1", rev: 1, data: { x: 1 } }, { id: "desk-1", rev: 2, data: { x: 2 } }]));
    expect((await store.content(space.id))?.entities).toEqual([{ id: "desk-1", rev: 2, data: { x: 2 } }]);
  });

  it("refuses an edit against a stale version (StaleVersionError) and changes nothing", async () => {
    const { space } = await spaceWithTeam();
    await store.commitEdit(space.id, edit(0, [{ id: "a", rev: 1, data: {} }]));
    const before = await store.content(space.id);
    for (const stale of [0, 2, 7]) {
      await expect(store.commitEdit(space.id, edit(stale, [{ id: "b", rev: 1, data: {} }], ["a"]))).rejects.toBeInstanceOf(StaleVersionError);
    }
    expect(await store.content(space.id)).toEqual(before);
  });

  it("refuses an edit of an unknown space (NotFoundError)", async () => {
    await expect(store.commitEdit("no-such-space", edit(0, [{ id: "a", rev: 1, data: {} }]))).rejects.toBeInstanceOf(NotFoundError);
  });
}

/** Many edits: queued, racing, read while written, or failing half-way. */
function concurrentEdits(kit: StoreKit): void {
  let store: Store;
  beforeAll(() => {
    store = kit.store;
  });
  const { spaceWithTeam, edit } = kit;

  it("lands 50 queued edits in order", async () => {
    const { space } = await spaceWithTeam();
    let queue: Promise<unknown> = Promise.resolve();
    const versions = Array.from({ length: 50 }, (_, i) => {
      const p = queue.then(() => store.commitEdit(space.id, edit(i, [{ id: "counter", rev: i + 1, data: { n: i + 1 } }, { id: `e${i}`, rev: 1, data: {} }])));
      queue = p;
      return p;
    });
    expect(await Promise.all(versions)).toEqual(Array.from({ length: 50 }, (_, i) => i + 1));
    const content = await store.content(space.id);
    expect(content?.version).toBe(50);
    expect(content?.entities.find((e) => e.id === "counter")).toEqual({ id: "counter", rev: 50, data: { n: 50 } });
    expect(content?.entities).toHaveLength(52); // desk-1, counter, e0…e49
  });

  it("lets exactly one of several concurrent edits of one version win", async () => {
    const { space } = await spaceWithTeam();
    const results = await Promise.allSettled(
      Array.from({ length: 8 }, (_, i) => store.commitEdit(space.id, edit(0, [{ id: "desk-1", rev: 1, data: { by: i } }]))),
    );
    const won = results.flatMap((r, i) => (r.status === "fulfilled" ? [{ i, v: r.value }] : []));
    expect(won).toHaveLength(1);
    expect(won[0].v).toBe(1);
    for (const r of results) if (r.status === "rejected") expect(r.reason).toBeInstanceOf(StaleVersionError);
    expect(await store.content(space.id)).toEqual({ version: 1, entities: [{ id: "desk-1", rev: 1, data: { by: won[0].i } }] });
  });

  it("never shows readers half an edit", async () => {
    const { space } = await spaceWithTeam({ entities: [] });
    let queue: Promise<unknown> = Promise.resolve();
    const writes = Array.from({ length: 20 }, (_, i) => {
      const p = queue.then(() => store.commitEdit(space.id, edit(i, [{ id: "a", rev: i + 1, data: { v: i + 1 } }, { id: "b", rev: i + 1, data: { v: i + 1 } }])));
      queue = p;
      return p;
    });
    const reads = Array.from({ length: 20 }, () => store.content(space.id));
    await Promise.all(writes);
    for (const c of await Promise.all(reads)) {
      const expected = c!.version === 0 ? [] : ["a", "b"].map((id) => ({ id, rev: c!.version, data: { v: c!.version } }));
      expect(c!.entities).toEqual(expected);
    }
  });

  it("leaves no partial change when the database refuses part of an edit", async () => {
    const { space } = await spaceWithTeam();
    const before = await store.content(space.id);
    // rev null violates NOT NULL after the log row and a valid put were already written.
    const bad = edit(0, [{ id: "plant", rev: 1, data: {} }, { id: "broken", rev: null as unknown as number, data: {} }], ["desk-1"]);
    await expect(store.commitEdit(space.id, bad)).rejects.toThrow();
    expect(await store.content(space.id)).toEqual(before);
    // Nothing of it is left in the edit log either: version 1 is still free.
    expect(await store.commitEdit(space.id, edit(0, [{ id: "plant", rev: 1, data: {} }]))).toBe(1);
  });
}
