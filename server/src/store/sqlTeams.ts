/**
 * Teams, their members' roles and guests' grants to single spaces (tables teams, team_members,
 * guest_spaces) for SqlStore (sqlStore.ts).
 */
import { randomUUID } from "node:crypto";
import type { Role } from "../../../shared/authz.ts";
import type { SqlDb } from "./sql.ts";
import { NotFoundError, type Member, type Team } from "./Store.ts";

export async function createTeam(db: SqlDb, name: string, ownerId: string): Promise<Team> {
  const id = randomUUID();
  await db.transaction(async (tx) => {
    await tx.query("INSERT INTO teams (id, name) VALUES ($1, $2)", [id, name]);
    await tx.query("INSERT INTO team_members (team_id, user_id, role) VALUES ($1, $2, 'owner')", [id, ownerId]);
  });
  return { id, name };
}

export async function ensureTeam(db: SqlDb, id: string, name: string): Promise<void> {
  await db.query("INSERT INTO teams (id, name) VALUES ($1, $2) ON CONFLICT (id) DO NOTHING", [id, name]);
}

export async function team(db: SqlDb, id: string): Promise<Team | null> {
  const { rows } = await db.query<Team>("SELECT id, name FROM teams WHERE id = $1", [id]);
  return rows[0] ? { id: rows[0].id, name: rows[0].name } : null;
}

export async function teamsOf(db: SqlDb, userId: string): Promise<Array<Team & { role: Role }>> {
  const { rows } = await db.query<{ id: string; name: string; role: Role }>(
    `SELECT t.id, t.name, m.role FROM team_members m JOIN teams t ON t.id = m.team_id
     WHERE m.user_id = $1 ORDER BY t.created_at, t.id`,
    [userId],
  );
  return rows.map((r) => ({ id: r.id, name: r.name, role: r.role }));
}

export async function roleIn(db: SqlDb, teamId: string, userId: string): Promise<Role | null> {
  const { rows } = await db.query<{ role: Role }>(
    "SELECT role FROM team_members WHERE team_id = $1 AND user_id = $2",
    [teamId, userId],
  );
  return rows[0]?.role ?? null;
}

export async function roleInSpace(db: SqlDb, spaceId: string, userId: string): Promise<Role | null> {
  // A guest's team role admits nowhere by itself: only with a grant for this very space (AZ6).
  const { rows } = await db.query<{ role: Role }>(
    `SELECT m.role FROM spaces s JOIN team_members m ON m.team_id = s.team_id AND m.user_id = $2
     WHERE s.id = $1 AND (m.role <> 'guest' OR EXISTS (
       SELECT 1 FROM guest_spaces g WHERE g.space_id = s.id AND g.user_id = m.user_id))`,
    [spaceId, userId],
  );
  return rows[0]?.role ?? null;
}

export async function members(db: SqlDb, teamId: string): Promise<Member[]> {
  const { rows } = await db.query<{ user_id: string; name: string; email: string | null; role: Role }>(
    `SELECT m.user_id, u.name, u.email, m.role FROM team_members m JOIN users u ON u.id = m.user_id
     WHERE m.team_id = $1 ORDER BY u.name, u.id`,
    [teamId],
  );
  return rows.map((r) => ({ userId: r.user_id, name: r.name, email: r.email, role: r.role }));
}

export async function setRole(db: SqlDb, teamId: string, userId: string, role: Role): Promise<void> {
  await db.query(
    `INSERT INTO team_members (team_id, user_id, role) VALUES ($1, $2, $3)
     ON CONFLICT (team_id, user_id) DO UPDATE SET role = excluded.role`,
    [teamId, userId, role],
  );
}

export async function removeMember(db: SqlDb, teamId: string, userId: string): Promise<void> {
  await db.transaction(async (tx) => {
    await tx.query("DELETE FROM guest_spaces WHERE team_id = $1 AND user_id = $2", [teamId, userId]);
    await tx.query("DELETE FROM team_members WHERE team_id = $1 AND user_id = $2", [teamId, userId]);
  });
}

export async function grantGuest(db: SqlDb, inviteCode: string, userId: string): Promise<void> {
  await db.transaction(async (tx) => {
    const { rows } = await tx.query<{ team_id: string; space_id: string }>("SELECT team_id, space_id FROM invites WHERE code = $1", [inviteCode]);
    if (!rows[0]) throw new NotFoundError(`no invite ${inviteCode}`);
    const { team_id: teamId, space_id: spaceId } = rows[0];
    // Someone who already holds a role keeps it: accepting never lowers one (AZ5).
    await tx.query(
      "INSERT INTO team_members (team_id, user_id, role) VALUES ($1, $2, 'guest') ON CONFLICT (team_id, user_id) DO NOTHING",
      [teamId, userId],
    );
    await tx.query(
      `INSERT INTO guest_spaces (team_id, user_id, space_id, invite_code) VALUES ($1, $2, $3, $4)
       ON CONFLICT (space_id, user_id, invite_code) DO NOTHING`,
      [teamId, userId, spaceId, inviteCode],
    );
  });
}

export async function guestSpaces(db: SqlDb, teamId: string, userId: string): Promise<string[]> {
  const { rows } = await db.query<{ space_id: string }>(
    "SELECT DISTINCT space_id FROM guest_spaces WHERE team_id = $1 AND user_id = $2 ORDER BY space_id",
    [teamId, userId],
  );
  return rows.map((r) => r.space_id);
}
