/**
 * Who may do what (SPEC AZ rules). One pure module, used by the HTTP API, by the room's onAuth and
 * message handlers, and by the client to decide which controls to show. Never trust a role sent by
 * a client: the server derives it from the signed token and the store.
 */
export const ROLES = ["owner", "admin", "builder", "member", "guest"] as const;
export type Role = (typeof ROLES)[number];

/** Higher is more. */
export const RANK: Record<Role, number> = { owner: 5, admin: 4, builder: 3, member: 2, guest: 1 };

export type Visibility = "public" | "private";

export const ACTIONS = [
  "space.enter", // join the room, walk, talk, chat
  "space.read", // read the map and space info (GET)
  "space.build", // build mode edits
  "space.claimDesk",
  "space.rename", // rename, change visibility
  "space.delete",
  "space.insights",
  "members.list",
  "members.manage", // change roles, remove members (subject to rank rules: canSetRole)
  "invites.manage", // create, list, revoke invite links
  "team.createSpace",
  "team.online", // see which teammates are online in which of the team's spaces (TP2)
  "team.announce", // send an announcement to every space of the team (TP4)
] as const;
export type Action = (typeof ACTIONS)[number];

/** The least role an action needs; "anyone" also admits people who are not members (public spaces only). */
const NEEDS: Record<Action, Role | "anyone"> = {
  "space.enter": "anyone",
  "space.read": "anyone",
  "space.build": "builder",
  "space.claimDesk": "member",
  "space.rename": "admin",
  "space.delete": "owner",
  "space.insights": "admin",
  "members.list": "member",
  "members.manage": "admin",
  "invites.manage": "admin",
  "team.createSpace": "admin",
  "team.online": "guest",
  "team.announce": "admin",
};

/**
 * AZ1: `role` is the actor's role in the space's team (null: not a member, or not signed in).
 * "anyone" actions admit non-members only in public spaces; private spaces need any role.
 */
export function can(role: Role | null, action: Action, visibility: Visibility = "private"): boolean {
  const need = NEEDS[action];
  if (need === "anyone") return role !== null || visibility === "public";
  return role !== null && RANK[role] >= RANK[need];
}

/**
 * AZ2: may `actor` change `target`'s role to `to`? Admins manage roles below admin; only owners
 * grant or take admin and owner; nobody changes their own role; the last owner cannot be demoted
 * (the caller checks the owner count).
 */
export function canSetRole(actor: Role | null, target: Role, to: Role, self: boolean): boolean {
  if (actor === null || self || !can(actor, "members.manage")) return false;
  if (actor === "owner") return true;
  return RANK[target] < RANK.admin && RANK[to] < RANK.admin;
}

/** AZ3: who may remove a member: same rank rules as changing their role. */
export function canRemove(actor: Role | null, target: Role, self: boolean): boolean {
  if (self) return actor !== null && actor !== "owner"; // leaving is allowed, except for owners
  return canSetRole(actor, target, "guest", false);
}
