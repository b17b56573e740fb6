/**
 * Invite links (table invites) for SqlStore (sqlStore.ts); revoking one takes back the guest grants
 * it gave.
 */
import type { Role } from "../../../shared/authz.ts";
import { isUniqueViolation, type SqlDb } from "./sql.ts";
import { ConflictError, type Invite } from "./Store.ts";

// the row as the drivers return it
interface InviteRow {
  code: string; team_id: string; space_id: string; role: Role; created_by: string;
  created_at: Date; expires_at: Date | null; revoked_at: Date | null; uses: number;
}

const INVITE_COLS = "code, team_id, space_id, role, created_by, created_at, expires_at, revoked_at, uses";

const toInvite = (r: InviteRow): Invite => ({
  code: r.code,
  teamId: r.team_id,
  spaceId: r.space_id,
  role: r.role,
  createdBy: r.created_by,
  createdAt: new Date(r.created_at),
  expiresAt: r.expires_at === null ? null : new Date(r.expires_at),
  revokedAt: r.revoked_at === null ? null : new Date(r.revoked_at),
  uses: Number(r.uses),
});

export async function createInvite(db: SqlDb, i: { code: string; teamId: string; spaceId: string; role: Role; createdBy: string; expiresAt: Date | null }): Promise<Invite> {
  try {
    const { rows } = await db.query<InviteRow>(
      `INSERT INTO invites (code, team_id, space_id, role, created_by, expires_at)
       VALUES ($1, $2, $3, $4, $5, $6) RETURNING ${INVITE_COLS}`,
      [i.code, i.teamId, i.spaceId, i.role, i.createdBy, i.expiresAt],
    );
    return toInvite(rows[0]);
  } catch (err) {
    if (isUniqueViolation(err)) throw new ConflictError(`invite code taken: ${i.code}`, { cause: err });
    throw err;
  }
}

export async function invite(db: SqlDb, code: string): Promise<Invite | null> {
  const { rows } = await db.query<InviteRow>(`SELECT ${INVITE_COLS} FROM invites WHERE code = $1`, [code]);
  return rows[0] ? toInvite(rows[0]) : null;
}

export async function invitesOf(db: SqlDb, spaceId: string): Promise<Invite[]> {
  const { rows } = await db.query<InviteRow>(
    `SELECT ${INVITE_COLS} FROM invites WHERE space_id = $1 ORDER BY created_at, code`,
    [spaceId],
  );
  return rows.map(toInvite);
}

export function revokeInvite(db: SqlDb, code: string): Promise<boolean> {
  return db.transaction(async (tx) => {
    // Revoking twice keeps the first time.
    const { rows } = await tx.query<{ team_id: string }>(
      "UPDATE invites SET revoked_at = coalesce(revoked_at, now()) WHERE code = $1 RETURNING team_id",
      [code],
    );
    if (rows.length === 0) return false;
    // Its guests lose its space (AZ6); a guest with no space left in the team leaves the team.
    const taken = await tx.query<{ user_id: string }>("DELETE FROM guest_spaces WHERE invite_code = $1 RETURNING user_id", [code]);
    if (taken.rows.length > 0) {
      await tx.query(
        `DELETE FROM team_members m WHERE m.team_id = $1 AND m.role = 'guest' AND m.user_id = ANY($2::text[])
         AND NOT EXISTS (SELECT 1 FROM guest_spaces g WHERE g.team_id = m.team_id AND g.user_id = m.user_id)`,
        [rows[0].team_id, [...new Set(taken.rows.map((r) => r.user_id))]],
      );
    }
    return true;
  });
}

export async function useInvite(db: SqlDb, code: string): Promise<void> {
  await db.query("UPDATE invites SET uses = uses + 1 WHERE code = $1", [code]);
}
