/**
 * The one implementation of Store, written against a tiny SQL seam (sql.ts) so PGlite and
 * PostgreSQL share every statement. Backends only adapt connections and transactions (pglite.ts,
 * postgres.ts). The statements live by table group: sqlUsers.ts, sqlTeams.ts (membership and guest
 * grants), sqlSpaces.ts (spaces, content, edit log), sqlInvites.ts.
 */
import type { Role } from "../../../shared/authz.ts";
import type { SqlDb } from "./sql.ts";
import * as invites from "./sqlInvites.ts";
import * as spaces from "./sqlSpaces.ts";
import * as teams from "./sqlTeams.ts";
import * as users from "./sqlUsers.ts";
import * as privacy from "./sqlPrivacy.ts";
import type {
  EditCommit, Invite, Member, NewSpace, SpaceContent, SpaceListing, SpaceRecord, Store, Team, User, UserWithSecret, Visibility,
} from "./Store.ts";

export type { SqlDb, SqlTx } from "./sql.ts";

export class SqlStore implements Store {
  constructor(
    readonly kind: string,
    private readonly db: SqlDb,
  ) {}

  close(): Promise<void> {
    return this.db.close();
  }

  async ping(): Promise<void> {
    await this.db.query("SELECT 1");
  }
  // ---- privacy ----

  analyticsOptOuts(): Promise<{ users: string[]; spaces: string[] }> { return privacy.analyticsOptOuts(this.db); }
  setAnalyticsOptOut(kind: "user" | "space", id: string, out: boolean): Promise<void> { return privacy.setAnalyticsOptOut(this.db, kind, id, out); }
  deleteAccount(userId: string): Promise<boolean> { return privacy.deleteAccount(this.db, userId); }

  // ---- users ----

  createUser(u: { email: string; name: string; passwordHash: string }): Promise<User> { return users.createUser(this.db, u); }
  createGuest(name: string): Promise<User> { return users.createGuest(this.db, name); }
  userByEmail(email: string): Promise<UserWithSecret | null> { return users.userByEmail(this.db, email); }
  userById(id: string): Promise<User | null> { return users.userById(this.db, id); }
  setPasswordHash(userId: string, passwordHash: string): Promise<void> { return users.setPasswordHash(this.db, userId, passwordHash); }
  sessionEpoch(userId: string): Promise<number | null> { return users.sessionEpoch(this.db, userId); }
  replacePassword(userId: string, expectHash: string, passwordHash: string): Promise<number | null> { return users.replacePassword(this.db, userId, expectHash, passwordHash); }

  // ---- teams and membership ----

  createTeam(name: string, ownerId: string): Promise<Team> { return teams.createTeam(this.db, name, ownerId); }
  ensureTeam(id: string, name: string): Promise<void> { return teams.ensureTeam(this.db, id, name); }
  team(id: string): Promise<Team | null> { return teams.team(this.db, id); }
  teamsOf(userId: string): Promise<Array<Team & { role: Role }>> { return teams.teamsOf(this.db, userId); }
  roleIn(teamId: string, userId: string): Promise<Role | null> { return teams.roleIn(this.db, teamId, userId); }
  roleInSpace(spaceId: string, userId: string): Promise<Role | null> { return teams.roleInSpace(this.db, spaceId, userId); }
  members(teamId: string): Promise<Member[]> { return teams.members(this.db, teamId); }
  setRole(teamId: string, userId: string, role: Role): Promise<void> { return teams.setRole(this.db, teamId, userId, role); }
  removeMember(teamId: string, userId: string): Promise<void> { return teams.removeMember(this.db, teamId, userId); }
  grantGuest(inviteCode: string, userId: string): Promise<void> { return teams.grantGuest(this.db, inviteCode, userId); }
  guestSpaces(teamId: string, userId: string): Promise<string[]> { return teams.guestSpaces(this.db, teamId, userId); }

  // ---- spaces ----

  createSpace(s: NewSpace): Promise<SpaceRecord> { return spaces.createSpace(this.db, s); }
  createSpaceIfAbsent(s: NewSpace): Promise<boolean> { return spaces.createSpaceIfAbsent(this.db, s); }
  space(id: string): Promise<SpaceRecord | null> { return spaces.space(this.db, id); }
  spacesOf(userId: string): Promise<SpaceListing[]> { return spaces.spacesOf(this.db, userId); }
  updateSpace(id: string, patch: { name?: string; visibility?: Visibility }): Promise<SpaceRecord | null> { return spaces.updateSpace(this.db, id, patch); }
  deleteSpace(id: string): Promise<boolean> { return spaces.deleteSpace(this.db, id); }
  baseMap(id: string): Promise<{ tmj: unknown; tileset: Uint8Array | null } | null> { return spaces.baseMap(this.db, id); }
  content(id: string): Promise<SpaceContent | null> { return spaces.content(this.db, id); }
  commitEdit(spaceId: string, edit: EditCommit): Promise<number> { return spaces.commitEdit(this.db, spaceId, edit); }

  // ---- invites ----

  createInvite(i: { code: string; teamId: string; spaceId: string; role: Role; createdBy: string; expiresAt: Date | null }): Promise<Invite> {
    return invites.createInvite(this.db, i);
  }
  invite(code: string): Promise<Invite | null> { return invites.invite(this.db, code); }
  invitesOf(spaceId: string): Promise<Invite[]> { return invites.invitesOf(this.db, spaceId); }
  revokeInvite(code: string): Promise<boolean> { return invites.revokeInvite(this.db, code); }
  useInvite(code: string): Promise<void> { return invites.useInvite(this.db, code); }
}
