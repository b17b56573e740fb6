/**
 * Durable storage of accounts, teams, spaces and their content, behind one small interface with
 * two implementations that pass one contract suite (Store.contract.ts): PGlite (embedded, the
 * default, data directory on disk) and PostgreSQL (DATABASE_URL). Both run the same versioned SQL
 * migrations (migrations.ts) on open. Nothing here knows about rooms or HTTP.
 */
import type { Role } from "../../../shared/authz.ts";

export type Visibility = "public" | "private";

export interface User {
  id: string;
  /** null for guests, who enter by invite link with a display name only. */
  email: string | null;
  name: string;
  createdAt: Date;
}

export interface UserWithSecret extends User {
  passwordHash: string | null;
}

export interface Team {
  id: string;
  name: string;
}

export interface Member {
  userId: string;
  name: string;
  email: string | null;
  role: Role;
}

export interface SpaceRecord {
  /** The slug in /s/<id>. */
  id: string;
  teamId: string;
  name: string;
  visibility: Visibility;
  /** Template it was made from ("small-office", …) or "import". */
  template: string;
  /** Number of committed edits; the version of the content. */
  contentVersion: number;
  createdAt: Date;
}

/** A space listed for a user, with the user's role in its team. */
export interface SpaceListing extends SpaceRecord {
  role: Role;
  teamName: string;
}

/** One durable piece of a space's content (an object, a painted tile, an area, a spawn…). */
export interface EntityRow {
  id: string;
  /** Bumped by every accepted edit of this entity (optimistic concurrency, SPEC BM rules). */
  rev: number;
  data: Record<string, unknown>;
}

export interface SpaceContent {
  version: number;
  entities: EntityRow[];
}

/** One accepted edit, written in one transaction: log row + entity upserts/deletes + version bump. */
export interface EditCommit {
  /** The content version the edit was validated against; the store refuses if it moved (StaleVersionError). */
  expectVersion: number;
  authorId: string | null;
  /** The operation as received (kept in the edit log for audit). */
  op: unknown;
  puts: EntityRow[];
  deletes: string[];
}

export interface NewSpace {
  id: string;
  teamId: string;
  name: string;
  visibility: Visibility;
  template: string;
  /** The Tiled map (.tmj JSON) the space is drawn on. */
  baseMap: unknown;
  /** PNG bytes of the tileset of an imported map; null for templates (served from shared/maps). */
  tileset: Uint8Array | null;
  /** Initial content (template furniture, spawns, areas), version 0. */
  entities: EntityRow[];
}

export interface Invite {
  code: string;
  teamId: string;
  spaceId: string;
  role: Role;
  createdBy: string;
  createdAt: Date;
  expiresAt: Date | null;
  revokedAt: Date | null;
  uses: number;
}

export class ConflictError extends Error {
  override name = "ConflictError";
}
/** The space's content version moved since the edit was validated: another writer exists. */
export class StaleVersionError extends Error {
  override name = "StaleVersionError";
}
export class NotFoundError extends Error {
  override name = "NotFoundError";
}

export interface Store {
  /** Which backend ("pglite" | "postgres"), for logs and /api/health. */
  readonly kind: string;
  close(): Promise<void>;
  /** One round-trip to the database (readiness, OP2); rejects when it cannot answer. */
  ping(): Promise<void>;

  // ---- users ----
  /** Throws ConflictError when the (case-insensitive) email is taken. */
  createUser(u: { email: string; name: string; passwordHash: string }): Promise<User>;
  createGuest(name: string): Promise<User>;
  userByEmail(email: string): Promise<UserWithSecret | null>;
  userById(id: string): Promise<User | null>;
  /** Replaces a user's password hash (sign-in upgrades old hashes, AC1). No-op for an unknown id. */
  setPasswordHash(userId: string, passwordHash: string): Promise<void>;
  /** The account's session epoch (AC6: sessions signed in an older epoch are over); null for an unknown id. */
  sessionEpoch(userId: string): Promise<number | null>;
  /**
   * AC6: sets a new password hash and moves the session epoch on, only if the stored hash is still
   * `expectHash` (compare-and-set: a reset link is used once, even by two requests at the same
   * moment). Returns the new epoch, or null when the hash had changed or the user is unknown.
   */
  replacePassword(userId: string, expectHash: string, passwordHash: string): Promise<number | null>;

  // ---- teams and membership ----
  /** Creates the team with `ownerId` as its owner. */
  createTeam(name: string, ownerId: string): Promise<Team>;
  /** Creates a team with a fixed id and no members if absent (the team of auto-created spaces). */
  ensureTeam(id: string, name: string): Promise<void>;
  team(id: string): Promise<Team | null>;
  teamsOf(userId: string): Promise<Array<Team & { role: Role }>>;
  /** The role held in the team, whatever the space: a guest's says nothing of where they may go (roleInSpace). */
  roleIn(teamId: string, userId: string): Promise<Role | null>;
  /**
   * The role in one space (SPEC AZ6): the team role for members and up; `guest` only with a grant
   * for this space (grantGuest), else null, as for anyone outside the team. null for unknown spaces.
   */
  roleInSpace(spaceId: string, userId: string): Promise<Role | null>;
  members(teamId: string): Promise<Member[]>;
  /** Adds or changes a membership (upsert). */
  setRole(teamId: string, userId: string, role: Role): Promise<void>;
  /** Ends a membership and takes back every guest grant in the team, in one transaction. */
  removeMember(teamId: string, userId: string): Promise<void>;
  /**
   * Admits `userId` as a guest to the space of the invite `inviteCode`, in one transaction: a
   * guest of its team unless they hold a role there already (never lowered), with a grant for that
   * space. Idempotent. Throws NotFoundError when there is no such invite.
   */
  grantGuest(inviteCode: string, userId: string): Promise<void>;
  /** The ids of the team's spaces a guest holds a grant for. */
  guestSpaces(teamId: string, userId: string): Promise<string[]>;

  // ---- spaces ----
  /** Throws ConflictError when the id is taken. */
  createSpace(s: NewSpace): Promise<SpaceRecord>;
  /** Like createSpace but a no-op returning false when the id exists (auto-created spaces, races). */
  createSpaceIfAbsent(s: NewSpace): Promise<boolean>;
  space(id: string): Promise<SpaceRecord | null>;
  /** The spaces a user may enter by role: all of their teams' spaces, for guests only those granted. */
  spacesOf(userId: string): Promise<SpaceListing[]>;
  updateSpace(id: string, patch: { name?: string; visibility?: Visibility }): Promise<SpaceRecord | null>;
  /** Deletes the space, its content, edit log and invites. Returns false when absent. */
  deleteSpace(id: string): Promise<boolean>;
  baseMap(id: string): Promise<{ tmj: unknown; tileset: Uint8Array | null } | null>;
  content(id: string): Promise<SpaceContent | null>;
  /**
   * Durably applies one edit (all or nothing) and returns the new version (expectVersion + 1).
   * Throws StaleVersionError if the version is not expectVersion, NotFoundError if the space is gone.
   */
  commitEdit(spaceId: string, edit: EditCommit): Promise<number>;

  // ---- invites ----
  createInvite(i: { code: string; teamId: string; spaceId: string; role: Role; createdBy: string; expiresAt: Date | null }): Promise<Invite>;
  invite(code: string): Promise<Invite | null>;
  invitesOf(spaceId: string): Promise<Invite[]>;
  /**
   * Revokes the invite and, in the same transaction, the guest grants it gave; a guest left with
   * no grant in the team leaves the team. Returns false when there is no such invite.
   */
  revokeInvite(code: string): Promise<boolean>;
  /** Counts one use of an invite. */
  useInvite(code: string): Promise<void>;

  // ---- privacy (SPEC PV5, PV6) ----
  /** Who (account ids) and which spaces opted out of analytics. */
  analyticsOptOuts(): Promise<{ users: string[]; spaces: string[] }>;
  setAnalyticsOptOut(kind: "user" | "space", id: string, out: boolean): Promise<void>;
  /**
   * Deletes an account and the teams it alone belongs to (with their spaces). Throws
   * ConflictError when it is the only owner of a team with other members. False: no such account.
   */
  deleteAccount(userId: string): Promise<boolean>;
}
