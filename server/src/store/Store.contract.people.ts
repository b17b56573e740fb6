/**
 * The Store contract (Store.contract.ts) on people: users, teams and roles.
 */
import { beforeAll, describe, expect, it } from "vitest";
import type { Role } from "../../../shared/authz.ts";
import { uid, type StoreKit } from "./Store.contract.kit.ts";
import { ConflictError, type Store } from "./Store.ts";

export function peopleContract(kit: StoreKit): void {
  usersContract(kit);
  teamsContract(kit);
}

/** Accounts and guests. */
function usersContract(kit: StoreKit): void {
  let store: Store;
  beforeAll(() => {
    store = kit.store;
  });
  const { newUser } = kit;

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

    it("AC6 a new password through a reset moves the session epoch on, once per expected hash (compare-and-set)", async () => {
      const [a, b] = [await newUser("Jo"), await newUser("Kim")];
      expect(await store.sessionEpoch(a.id)).toBe(0);
      const both = await Promise.all([store.replacePassword(a.id, "hash", "$argon2id$one"), store.replacePassword(a.id, "hash", "$argon2id$two")]);
      expect(both.filter((e) => e === 1)).toHaveLength(1);
      expect(both.filter((e) => e === null)).toHaveLength(1);
      expect(await store.sessionEpoch(a.id)).toBe(1);
      expect((await store.userByEmail(a.email!))?.passwordHash).toMatch(/^\$argon2id\$(one|two)$/);
      expect(await store.sessionEpoch(b.id)).toBe(0);
      expect(await store.replacePassword("nobody", "hash", "x")).toBeNull();
      expect(await store.sessionEpoch("nobody")).toBeNull();
    });

    it("answers null for unknown users", async () => {
      expect(await store.userById("nobody")).toBeNull();
      expect(await store.userByEmail(`nobody-${uid()}@example.com`)).toBeNull();
    });
  });
}

/** Teams, their members and roles. */
function teamsContract(kit: StoreKit): void {
  let store: Store;
  beforeAll(() => {
    store = kit.store;
  });
  const { newUser, newTeam, newSpace } = kit;

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
}
