/**
 * The one contract every Store implementation passes (pglite.test.ts, postgres.test.ts). One store
 * per suite (opening PGlite takes seconds); every test makes its own users, teams and spaces, so
 * tests never see each other's rows.
 */
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Role } from "../../../shared/authz.ts";
import { ConflictError, NotFoundError, StaleVersionError, type EntityRow, type NewSpace, type Store } from "./Store.ts";

const uid = () => randomUUID().slice(0, 8);

export function storeContract(name: string, open: () => Promise<Store>): void {
  describe(name, () => {
    let store: Store;
    beforeAll(async () => {
      store = await open();
    });
    afterAll(async () => {
      await store?.close();
    });

    const newUser = (display = "Ada") => store.createUser({ email: `${display}-${uid()}@Example.com`, name: display, passwordHash: "hash" });
    async function newTeam() {
      const owner = await newUser("Owner");
      const team = await store.createTeam(`Team ${uid()}`, owner.id);
      return { owner, team };
    }
    const newSpace = (teamId: string, over: Partial<NewSpace> = {}): NewSpace => ({
      id: `space-${uid()}`,
      teamId,
      name: "Office",
      visibility: "private",
      template: "small-office",
      baseMap: { width: 2, height: 2, layers: [] },
      tileset: null,
      entities: [{ id: "desk-1", rev: 0, data: { kind: "desk", x: 1, y: 1 } }],
      ...over,
    });
    async function spaceWithTeam(over: Partial<NewSpace> = {}) {
      const { owner, team } = await newTeam();
      const space = await store.createSpace(newSpace(team.id, over));
      return { owner, team, space };
    }
    const edit = (expectVersion: number, puts: EntityRow[] = [], deletes: string[] = []) => ({
      expectVersion, authorId: null, op: { type: "test", expectVersion }, puts, deletes,
    });

    it("says which backend it is", () => {
      expect(typeof store.kind).toBe("string");
      expect(store.kind.length).toBeGreaterThan(0);
    });

    describe("users", () => {
      it("creates a user with a lower-cased email and finds it by id and by email in any case", async () => {
        const email = `Grace.${uid()}@Example.COM`;
        const u = await store.createUser({ email, name: "Grace", passwordHash: "argon2$x" });
        expect(u).toMatchObject({ email: email.toLowerCase(), name: "Grace" });
        expect(u.createdAt).toBeInstanceOf(Date);
        expect(await store.userById(u.id)).toEqual(u);
        expect(await store.userByEmail(email.toUpperCase())).toEqual({ ...u, passwordHash: "argon2$x" });
      });

      it("refuses a second user whose email differs only in case (ConflictError)", async () => {
        const email = `dup-${uid()}@example.com`;
        await store.createUser({ email, name: "First", passwordHash: "h" });
        await expect(store.createUser({ email: email.toUpperCase(), name: "Second", passwordHash: "h" })).rejects.toBeInstanceOf(ConflictError);
        expect((await store.userByEmail(email))?.name).toBe("First");
      });

      it("creates guests with no email, as many as needed", async () => {
        const [a, b] = [await store.createGuest("Visitor"), await store.createGuest("Visitor")];
        expect(a).toMatchObject({ email: null, name: "Visitor" });
        expect(a.id).not.toBe(b.id);
        expect(await store.userById(a.id)).toEqual(a);
      });

      it("replaces a password hash (AC1 rehash on sign-in), leaving other users alone", async () => {
        const [a, b] = [await newUser("Hal"), await newUser("Ida")];
        await store.setPasswordHash(a.id, "$argon2id$new");
        expect(await store.userByEmail(a.email!)).toEqual({ ...a, passwordHash: "$argon2id$new" });
        expect((await store.userByEmail(b.email!))?.passwordHash).toBe("hash");
        await expect(store.setPasswordHash("nobody", "x")).resolves.toBeUndefined();
      });

      it("answers null for unknown users", async () => {
        expect(await store.userById("nobody")).toBeNull();
        expect(await store.userByEmail(`nobody-${uid()}@example.com`)).toBeNull();
      });
    });

    describe("teams and roles", () => {
      it("makes the creator the team's owner", async () => {
        const { owner, team } = await newTeam();
        expect(await store.roleIn(team.id, owner.id)).toBe("owner");
        expect(await store.teamsOf(owner.id)).toEqual([{ id: team.id, name: team.name, role: "owner" }]);
        expect(await store.members(team.id)).toEqual([{ userId: owner.id, name: owner.name, email: owner.email, role: "owner" }]);
      });

      it("reads a team by id, null when unknown", async () => {
        const { team } = await newTeam();
        expect(await store.team(team.id)).toEqual(team);
        expect(await store.team("no-such-team")).toBeNull();
      });

      it("ensureTeam creates a memberless team with a fixed id once, racing or not", async () => {
        const id = `team-${uid()}`;
        await Promise.all(Array.from({ length: 10 }, (_, i) => store.ensureTeam(id, i === 0 ? "Lobby" : `Lobby ${i}`)));
        const first = await store.team(id);
        expect(first?.id).toBe(id);
        await store.ensureTeam(id, "Renamed?");
        expect(await store.team(id)).toEqual(first);
        expect(await store.members(id)).toEqual([]);
        expect(await store.createSpaceIfAbsent(newSpace(id))).toBe(true);
      });

      it("adds and changes memberships with setRole, and removes them", async () => {
        const { owner, team } = await newTeam();
        const bea = await newUser("Bea");
        const guest = await store.createGuest("Cy");
        await store.setRole(team.id, bea.id, "member");
        await store.setRole(team.id, guest.id, "guest");
        await store.setRole(team.id, bea.id, "builder");
        expect(await store.roleIn(team.id, bea.id)).toBe("builder");
        const members = await store.members(team.id);
        expect(members).toHaveLength(3);
        expect(members).toEqual(expect.arrayContaining([
          { userId: owner.id, name: "Owner", email: owner.email, role: "owner" },
          { userId: bea.id, name: "Bea", email: bea.email, role: "builder" },
          { userId: guest.id, name: "Cy", email: null, role: "guest" },
        ]));
        expect(await store.teamsOf(bea.id)).toEqual([{ id: team.id, name: team.name, role: "builder" }]);

        await store.removeMember(team.id, bea.id);
        expect(await store.roleIn(team.id, bea.id)).toBeNull();
        expect(await store.teamsOf(bea.id)).toEqual([]);
        expect(await store.members(team.id)).toHaveLength(2);
      });

      it("lists every team of a user with the role held in each", async () => {
        const me = await newUser("Me");
        const mine = await store.createTeam(`Mine ${uid()}`, me.id);
        const { team: theirs } = await newTeam();
        await store.setRole(theirs.id, me.id, "admin");
        const teams = await store.teamsOf(me.id);
        expect(teams).toHaveLength(2);
        expect(teams).toEqual(expect.arrayContaining([{ ...mine, role: "owner" }, { ...theirs, role: "admin" }]));
      });

      it("refuses a role that is not one of the five", async () => {
        const { team } = await newTeam();
        const u = await newUser();
        await expect(store.setRole(team.id, u.id, "king" as Role)).rejects.toThrow();
        expect(await store.roleIn(team.id, u.id)).toBeNull();
      });
    });

    describe("spaces", () => {
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
    });

    describe("content", () => {
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
    });

    describe("guest grants (SPEC AZ6)", () => {
      /** A team with two private spaces and a public one, and a guest link for each private space. */
      async function setup() {
        const { owner, team } = await newTeam();
        const [a, b, open] = [
          await store.createSpace(newSpace(team.id, { name: "A" })),
          await store.createSpace(newSpace(team.id, { name: "B" })),
          await store.createSpace(newSpace(team.id, { name: "Open", visibility: "public" })),
        ];
        const link = async (spaceId: string) =>
          (await store.createInvite({ code: `inv-${uid()}`, teamId: team.id, spaceId, role: "guest", createdBy: owner.id, expiresAt: null })).code;
        return { owner, team, a, b, open, link };
      }

      it("a guest has the guest role in the spaces granted to them only; members and up in every space", async () => {
        const { owner, team, a, b, open, link } = await setup();
        const guest = await store.createGuest("Gus");
        const member = await newUser("Max");
        await store.setRole(team.id, member.id, "member");
        await store.grantGuest(await link(a.id), guest.id);

        expect(await store.roleIn(team.id, guest.id)).toBe("guest");
        expect(await store.roleInSpace(a.id, guest.id)).toBe("guest");
        expect(await store.roleInSpace(b.id, guest.id)).toBeNull();
        expect(await store.roleInSpace(open.id, guest.id)).toBeNull();
        expect(await store.guestSpaces(team.id, guest.id)).toEqual([a.id]);
        for (const s of [a, b, open]) {
          expect(await store.roleInSpace(s.id, member.id)).toBe("member");
          expect(await store.roleInSpace(s.id, owner.id)).toBe("owner");
        }
        expect(await store.roleInSpace(a.id, (await newUser("Stranger")).id)).toBeNull();
        expect(await store.roleInSpace("no-such-space", owner.id)).toBeNull();
      });

      it("spacesOf lists a guest's granted spaces only", async () => {
        const { team, a, b, link } = await setup();
        const guest = await store.createGuest("Gus");
        await store.grantGuest(await link(b.id), guest.id);
        expect(await store.spacesOf(guest.id)).toEqual([{ ...b, role: "guest", teamName: team.name }]);
        expect((await store.spacesOf(guest.id)).map((s) => s.id)).not.toContain(a.id);
        // A member demoted to guest keeps no team-wide access either.
        const demoted = await newUser("Dee");
        await store.setRole(team.id, demoted.id, "guest");
        expect(await store.spacesOf(demoted.id)).toEqual([]);
        expect(await store.roleInSpace(a.id, demoted.id)).toBeNull();
      });

      it("granting is idempotent, never lowers a role, and needs an invite (NotFoundError)", async () => {
        const { team, a, link } = await setup();
        const code = await link(a.id);
        const guest = await store.createGuest("Gus");
        await store.grantGuest(code, guest.id);
        await store.grantGuest(code, guest.id);
        expect(await store.guestSpaces(team.id, guest.id)).toEqual([a.id]);
        const builder = await newUser("Bo");
        await store.setRole(team.id, builder.id, "builder");
        await store.grantGuest(code, builder.id);
        expect(await store.roleIn(team.id, builder.id)).toBe("builder");
        expect(await store.roleInSpace(a.id, builder.id)).toBe("builder");
        await expect(store.grantGuest("no-such-code", guest.id)).rejects.toBeInstanceOf(NotFoundError);
      });

      it("revoking a link takes back the grants it gave; another link to the space still admits; a guest with none left leaves the team", async () => {
        const { team, a, b, link } = await setup();
        const [first, second, forB] = [await link(a.id), await link(a.id), await link(b.id)];
        const [twice, once, both] = [await store.createGuest("Twice"), await store.createGuest("Once"), await store.createGuest("Both")];
        await store.grantGuest(first, twice.id);
        await store.grantGuest(second, twice.id);
        await store.grantGuest(first, once.id);
        await store.grantGuest(first, both.id);
        await store.grantGuest(forB, both.id);

        expect(await store.revokeInvite(first)).toBe(true);
        expect(await store.roleInSpace(a.id, twice.id)).toBe("guest");
        expect(await store.roleInSpace(a.id, once.id)).toBeNull();
        expect(await store.roleIn(team.id, once.id)).toBeNull();
        expect(await store.roleInSpace(a.id, both.id)).toBeNull();
        expect(await store.roleInSpace(b.id, both.id)).toBe("guest");
        expect(await store.guestSpaces(team.id, both.id)).toEqual([b.id]);
        expect((await store.members(team.id)).map((m) => m.name).sort()).toEqual(["Both", "Owner", "Twice"]);
        // Revoking again changes nothing more.
        expect(await store.revokeInvite(first)).toBe(true);
        expect(await store.roleInSpace(a.id, twice.id)).toBe("guest");
      });

      it("removing a member takes back all their grants; deleting a space drops its grants", async () => {
        const { team, a, b, link } = await setup();
        const guest = await store.createGuest("Gus");
        await store.grantGuest(await link(a.id), guest.id);
        await store.grantGuest(await link(b.id), guest.id);
        await store.deleteSpace(a.id);
        expect(await store.guestSpaces(team.id, guest.id)).toEqual([b.id]);

        await store.removeMember(team.id, guest.id);
        expect(await store.guestSpaces(team.id, guest.id)).toEqual([]);
        // Back in the team as a guest, they are admitted nowhere until a link admits them again.
        await store.setRole(team.id, guest.id, "guest");
        expect(await store.roleInSpace(b.id, guest.id)).toBeNull();
      });
    });

    describe("invites", () => {
      async function setup() {
        const { owner, team, space } = await spaceWithTeam();
        const make = (over: { role?: Role; expiresAt?: Date | null } = {}) =>
          store.createInvite({ code: `inv-${uid()}`, teamId: team.id, spaceId: space.id, role: over.role ?? "member", createdBy: owner.id, expiresAt: over.expiresAt ?? null });
        return { owner, team, space, make };
      }

      it("creates an invite and reads it back, expiry kept to the millisecond", async () => {
        const { owner, team, space, make } = await setup();
        const expiresAt = new Date(Date.UTC(2031, 0, 2, 3, 4, 5, 678));
        const inv = await make({ role: "builder", expiresAt });
        expect(inv).toMatchObject({ teamId: team.id, spaceId: space.id, role: "builder", createdBy: owner.id, revokedAt: null, uses: 0 });
        expect(inv.createdAt).toBeInstanceOf(Date);
        expect(inv.expiresAt?.getTime()).toBe(expiresAt.getTime());
        expect(await store.invite(inv.code)).toEqual(inv);
        expect((await make()).expiresAt).toBeNull();
        expect(await store.invite("no-such-code")).toBeNull();
      });

      it("lists the invites of a space", async () => {
        const { space, make } = await setup();
        const [a, b] = [await make(), await make({ role: "guest" })];
        const list = await store.invitesOf(space.id);
        expect(list).toHaveLength(2);
        expect(list).toEqual(expect.arrayContaining([a, b]));
        expect(await store.invitesOf("no-such-space")).toEqual([]);
      });

      it("revokes an invite by setting revokedAt", async () => {
        const { make } = await setup();
        const inv = await make();
        expect(await store.revokeInvite(inv.code)).toBe(true);
        const revoked = await store.invite(inv.code);
        expect(revoked?.revokedAt).toBeInstanceOf(Date);
        expect(revoked).toMatchObject({ code: inv.code, uses: 0, expiresAt: null });
        expect(await store.revokeInvite("no-such-code")).toBe(false);
      });

      it("counts uses", async () => {
        const { make } = await setup();
        const inv = await make();
        await store.useInvite(inv.code);
        await Promise.all([store.useInvite(inv.code), store.useInvite(inv.code)]);
        expect((await store.invite(inv.code))?.uses).toBe(3);
      });
    });
  });
}
