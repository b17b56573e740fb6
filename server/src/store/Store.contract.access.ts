/**
 * The Store contract (Store.contract.ts) on access by link: invites, and the guest grants they give
 * (SPEC AZ6).
 */
import { beforeAll, describe, expect, it } from "vitest";
import type { Role } from "../../../shared/authz.ts";
import { uid, type StoreKit } from "./Store.contract.kit.ts";
import { NotFoundError, type Store } from "./Store.ts";

export function accessContract(kit: StoreKit): void {
  describe("guest grants (SPEC AZ6)", () => {
    guestsAdmitted(kit);
    grantsTakenBack(kit);
  });
  invitesContract(kit);
}

/** A team with two private spaces and a public one, and a guest link for each private space. */
async function guestLinks(kit: StoreKit) {
  const { store, newTeam, newSpace } = kit;
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

/** Where a guest may go, and granting. */
function guestsAdmitted(kit: StoreKit): void {
  let store: Store;
  beforeAll(() => {
    store = kit.store;
  });
  const { newUser } = kit;

  const setup = () => guestLinks(kit);

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
}

/** Revoking links, removing members and deleting spaces take grants back. */
function grantsTakenBack(kit: StoreKit): void {
  let store: Store;
  beforeAll(() => {
    store = kit.store;
  });

  const setup = () => guestLinks(kit);

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
}

/** Invite links: made, listed, revoked, used. */
function invitesContract(kit: StoreKit): void {
  let store: Store;
  beforeAll(() => {
    store = kit.store;
  });
  const { spaceWithTeam } = kit;

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
}
