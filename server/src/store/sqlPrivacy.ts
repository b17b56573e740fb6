/**
 * Analytics opt-outs (SPEC PV6) and deleting one's own account (PV5), for SqlStore (sqlStore.ts).
 */
import { ConflictError } from "./Store.ts";
import type { SqlDb } from "./sql.ts";

export async function analyticsOptOuts(db: SqlDb): Promise<{ users: string[]; spaces: string[] }> {
  const { rows } = await db.query<{ kind: string; id: string }>("SELECT kind, id FROM analytics_opt_outs");
  return { users: rows.filter((r) => r.kind === "user").map((r) => r.id), spaces: rows.filter((r) => r.kind === "space").map((r) => r.id) };
}

export async function setAnalyticsOptOut(db: SqlDb, kind: "user" | "space", id: string, out: boolean): Promise<void> {
  if (out) await db.query("INSERT INTO analytics_opt_outs (kind, id) VALUES ($1, $2) ON CONFLICT DO NOTHING", [kind, id]);
  else await db.query("DELETE FROM analytics_opt_outs WHERE kind = $1 AND id = $2", [kind, id]);
}

/**
 * Deletes an account: teams it alone belongs to go with their spaces; its memberships, guest
 * grants and opt-out row go. A team it is the only owner of, with other members, keeps it:
 * ConflictError (hand the team over first). Returns false for an unknown id.
 */
export async function deleteAccount(db: SqlDb, userId: string): Promise<boolean> {
  return db.transaction(async (tx) => {
    const orphaned = await tx.query<{ team_id: string }>(
      `SELECT m.team_id FROM team_members m
       WHERE m.user_id = $1 AND m.role = 'owner'
         AND NOT EXISTS (SELECT 1 FROM team_members o WHERE o.team_id = m.team_id AND o.user_id <> $1 AND o.role = 'owner')
         AND EXISTS (SELECT 1 FROM team_members o WHERE o.team_id = m.team_id AND o.user_id <> $1)`,
      [userId],
    );
    if (orphaned.rows.length > 0) throw new ConflictError(`you are the only owner of ${orphaned.rows.length} team(s) with other members: make someone else owner first`);
    await tx.query(
      `DELETE FROM teams t WHERE EXISTS (SELECT 1 FROM team_members m WHERE m.team_id = t.id AND m.user_id = $1)
         AND NOT EXISTS (SELECT 1 FROM team_members o WHERE o.team_id = t.id AND o.user_id <> $1)`,
      [userId],
    );
    await tx.query("DELETE FROM analytics_opt_outs WHERE kind = 'user' AND id = $1", [userId]);
    const gone = await tx.query("DELETE FROM users WHERE id = $1 RETURNING id", [userId]);
    return gone.rows.length > 0;
  });
}
