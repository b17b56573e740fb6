/**
 * The one implementation of Store, written against a tiny SQL seam so PGlite and PostgreSQL share
 * every statement. Backends only adapt connections and transactions (pglite.ts, postgres.ts).
 */
import { randomUUID } from "node:crypto";
import type { Role } from "../../../shared/authz.ts";
import {
  ConflictError,
  NotFoundError,
  StaleVersionError,
  type EditCommit,
  type EntityRow,
  type Invite,
  type Member,
  type NewSpace,
  type SpaceContent,
  type SpaceListing,
  type SpaceRecord,
  type Store,
  type Team,
  type User,
  type UserWithSecret,
  type Visibility,
} from "./Store.ts";

/** What a statement needs: parameterised single statements, plus multi-statement scripts (migrations). */
export interface SqlTx {
  query<T>(sql: string, params?: unknown[]): Promise<{ rows: T[] }>;
  exec(sql: string): Promise<void>;
}

export interface SqlDb extends SqlTx {
  /** Runs fn in one transaction: COMMIT when it resolves, ROLLBACK when it throws. */
  transaction<T>(fn: (tx: SqlTx) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

// ---- row shapes as the drivers return them (pg returns bigint as string, hence Number()) ----

interface UserRow { id: string; email: string | null; name: string; password_hash: string | null; created_at: Date }
interface SpaceRow {
  id: string; team_id: string; name: string; visibility: Visibility; template: string;
  content_version: string | number; created_at: Date;
}
interface InviteRow {
  code: string; team_id: string; space_id: string; role: Role; created_by: string;
  created_at: Date; expires_at: Date | null; revoked_at: Date | null; uses: number;
}

const USER_COLS = "id, email, name, password_hash, created_at";
const INVITE_COLS = "code, team_id, space_id, role, created_by, created_at, expires_at, revoked_at, uses";
const SPACE_COLS = "s.id, s.team_id, s.name, s.visibility, s.template, s.content_version, s.created_at";

const toUser = (r: UserRow): User => ({ id: r.id, email: r.email, name: r.name, createdAt: new Date(r.created_at) });

const toSpace = (r: SpaceRow): SpaceRecord => ({
  id: r.id,
  teamId: r.team_id,
  name: r.name,
  visibility: r.visibility,
  template: r.template,
  contentVersion: Number(r.content_version),
  createdAt: new Date(r.created_at),
});

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

/** pg hands out Buffers, PGlite Uint8Arrays: callers get plain Uint8Arrays from both. */
const toBytes = (b: Uint8Array | null): Uint8Array | null =>
  b === null ? null : new Uint8Array(b.buffer, b.byteOffset, b.byteLength);

function isUniqueViolation(err: unknown): boolean {
  return typeof err === "object" && err !== null && (err as { code?: unknown }).code === "23505";
}

/**
 * Upserts entities in one statement. The rows travel as one jsonb array; a row whose fields the
 * table refuses (rev null, …) fails the whole statement and so the caller's transaction.
 */
async function putEntities(tx: SqlTx, spaceId: string, rows: EntityRow[]): Promise<void> {
  if (rows.length === 0) return;
  // One statement cannot upsert a key twice; the last put of an id wins, as if applied in order.
  const last = [...new Map(rows.map((r) => [r.id, r])).values()];
  await tx.query(
    `INSERT INTO space_entities (space_id, entity_id, rev, data)
     SELECT $1, e.id, e.rev, e.data FROM jsonb_to_recordset($2::jsonb) AS e(id text, rev int, data jsonb)
     ON CONFLICT (space_id, entity_id) DO UPDATE SET rev = excluded.rev, data = excluded.data`,
    [spaceId, JSON.stringify(last)],
  );
}

export class SqlStore implements Store {
  constructor(
    readonly kind: string,
    private readonly db: SqlDb,
  ) {}

  close(): Promise<void> {
    return this.db.close();
  }

  // ---- users ----

  async createUser(u: { email: string; name: string; passwordHash: string }): Promise<User> {
    try {
      const { rows } = await this.db.query<UserRow>(
        `INSERT INTO users (id, email, name, password_hash) VALUES ($1, $2, $3, $4) RETURNING ${USER_COLS}`,
        [randomUUID(), u.email.toLowerCase(), u.name, u.passwordHash],
      );
      return toUser(rows[0]);
    } catch (err) {
      if (isUniqueViolation(err)) throw new ConflictError(`email already registered: ${u.email}`, { cause: err });
      throw err;
    }
  }

  async createGuest(name: string): Promise<User> {
    const { rows } = await this.db.query<UserRow>(
      `INSERT INTO users (id, email, name, password_hash) VALUES ($1, NULL, $2, NULL) RETURNING ${USER_COLS}`,
      [randomUUID(), name],
    );
    return toUser(rows[0]);
  }

  async userByEmail(email: string): Promise<UserWithSecret | null> {
    const { rows } = await this.db.query<UserRow>(`SELECT ${USER_COLS} FROM users WHERE email = $1`, [email.toLowerCase()]);
    return rows[0] ? { ...toUser(rows[0]), passwordHash: rows[0].password_hash } : null;
  }

  async userById(id: string): Promise<User | null> {
    const { rows } = await this.db.query<UserRow>(`SELECT ${USER_COLS} FROM users WHERE id = $1`, [id]);
    return rows[0] ? toUser(rows[0]) : null;
  }

  async setPasswordHash(userId: string, passwordHash: string): Promise<void> {
    await this.db.query("UPDATE users SET password_hash = $2 WHERE id = $1", [userId, passwordHash]);
  }

  // ---- teams and membership ----

  async createTeam(name: string, ownerId: string): Promise<Team> {
    const id = randomUUID();
    await this.db.transaction(async (tx) => {
      await tx.query("INSERT INTO teams (id, name) VALUES ($1, $2)", [id, name]);
      await tx.query("INSERT INTO team_members (team_id, user_id, role) VALUES ($1, $2, 'owner')", [id, ownerId]);
    });
    return { id, name };
  }

  async ensureTeam(id: string, name: string): Promise<void> {
    await this.db.query("INSERT INTO teams (id, name) VALUES ($1, $2) ON CONFLICT (id) DO NOTHING", [id, name]);
  }

  async team(id: string): Promise<Team | null> {
    const { rows } = await this.db.query<Team>("SELECT id, name FROM teams WHERE id = $1", [id]);
    return rows[0] ? { id: rows[0].id, name: rows[0].name } : null;
  }

  async teamsOf(userId: string): Promise<Array<Team & { role: Role }>> {
    const { rows } = await this.db.query<{ id: string; name: string; role: Role }>(
      `SELECT t.id, t.name, m.role FROM team_members m JOIN teams t ON t.id = m.team_id
       WHERE m.user_id = $1 ORDER BY t.created_at, t.id`,
      [userId],
    );
    return rows.map((r) => ({ id: r.id, name: r.name, role: r.role }));
  }

  async roleIn(teamId: string, userId: string): Promise<Role | null> {
    const { rows } = await this.db.query<{ role: Role }>(
      "SELECT role FROM team_members WHERE team_id = $1 AND user_id = $2",
      [teamId, userId],
    );
    return rows[0]?.role ?? null;
  }

  async roleInSpace(spaceId: string, userId: string): Promise<Role | null> {
    // A guest's team role admits nowhere by itself: only with a grant for this very space (AZ6).
    const { rows } = await this.db.query<{ role: Role }>(
      `SELECT m.role FROM spaces s JOIN team_members m ON m.team_id = s.team_id AND m.user_id = $2
       WHERE s.id = $1 AND (m.role <> 'guest' OR EXISTS (
         SELECT 1 FROM guest_spaces g WHERE g.space_id = s.id AND g.user_id = m.user_id))`,
      [spaceId, userId],
    );
    return rows[0]?.role ?? null;
  }

  async members(teamId: string): Promise<Member[]> {
    const { rows } = await this.db.query<{ user_id: string; name: string; email: string | null; role: Role }>(
      `SELECT m.user_id, u.name, u.email, m.role FROM team_members m JOIN users u ON u.id = m.user_id
       WHERE m.team_id = $1 ORDER BY u.name, u.id`,
      [teamId],
    );
    return rows.map((r) => ({ userId: r.user_id, name: r.name, email: r.email, role: r.role }));
  }

  async setRole(teamId: string, userId: string, role: Role): Promise<void> {
    await this.db.query(
      `INSERT INTO team_members (team_id, user_id, role) VALUES ($1, $2, $3)
       ON CONFLICT (team_id, user_id) DO UPDATE SET role = excluded.role`,
      [teamId, userId, role],
    );
  }

  async removeMember(teamId: string, userId: string): Promise<void> {
    await this.db.transaction(async (tx) => {
      await tx.query("DELETE FROM guest_spaces WHERE team_id = $1 AND user_id = $2", [teamId, userId]);
      await tx.query("DELETE FROM team_members WHERE team_id = $1 AND user_id = $2", [teamId, userId]);
    });
  }

  async grantGuest(inviteCode: string, userId: string): Promise<void> {
    await this.db.transaction(async (tx) => {
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

  async guestSpaces(teamId: string, userId: string): Promise<string[]> {
    const { rows } = await this.db.query<{ space_id: string }>(
      "SELECT DISTINCT space_id FROM guest_spaces WHERE team_id = $1 AND user_id = $2 ORDER BY space_id",
      [teamId, userId],
    );
    return rows.map((r) => r.space_id);
  }

  // ---- spaces ----

  async createSpace(s: NewSpace): Promise<SpaceRecord> {
    try {
      return await this.db.transaction(async (tx) => {
        const { rows } = await tx.query<SpaceRow>(
          `INSERT INTO spaces AS s (id, team_id, name, visibility, template, base_map, tileset)
           VALUES ($1, $2, $3, $4, $5, $6::jsonb, $7) RETURNING ${SPACE_COLS}`,
          [s.id, s.teamId, s.name, s.visibility, s.template, JSON.stringify(s.baseMap), s.tileset],
        );
        await putEntities(tx, s.id, s.entities);
        return toSpace(rows[0]);
      });
    } catch (err) {
      if (isUniqueViolation(err)) throw new ConflictError(`space id taken: ${s.id}`, { cause: err });
      throw err;
    }
  }

  createSpaceIfAbsent(s: NewSpace): Promise<boolean> {
    return this.db.transaction(async (tx) => {
      // Concurrent creators of one id: PostgreSQL makes the later INSERT wait for the first to commit, then skip.
      const { rows } = await tx.query(
        `INSERT INTO spaces (id, team_id, name, visibility, template, base_map, tileset)
         VALUES ($1, $2, $3, $4, $5, $6::jsonb, $7) ON CONFLICT (id) DO NOTHING RETURNING id`,
        [s.id, s.teamId, s.name, s.visibility, s.template, JSON.stringify(s.baseMap), s.tileset],
      );
      if (rows.length === 0) return false;
      await putEntities(tx, s.id, s.entities);
      return true;
    });
  }

  async space(id: string): Promise<SpaceRecord | null> {
    const { rows } = await this.db.query<SpaceRow>(`SELECT ${SPACE_COLS} FROM spaces s WHERE s.id = $1`, [id]);
    return rows[0] ? toSpace(rows[0]) : null;
  }

  async spacesOf(userId: string): Promise<SpaceListing[]> {
    const { rows } = await this.db.query<SpaceRow & { role: Role; team_name: string }>(
      `SELECT ${SPACE_COLS}, m.role, t.name AS team_name
       FROM team_members m JOIN teams t ON t.id = m.team_id JOIN spaces s ON s.team_id = m.team_id
       WHERE m.user_id = $1 AND (m.role <> 'guest' OR EXISTS (
         SELECT 1 FROM guest_spaces g WHERE g.space_id = s.id AND g.user_id = m.user_id))
       ORDER BY s.created_at, s.id`,
      [userId],
    );
    return rows.map((r) => ({ ...toSpace(r), role: r.role, teamName: r.team_name }));
  }

  async updateSpace(id: string, patch: { name?: string; visibility?: Visibility }): Promise<SpaceRecord | null> {
    const { rows } = await this.db.query<SpaceRow>(
      `UPDATE spaces AS s SET name = coalesce($2, s.name), visibility = coalesce($3, s.visibility)
       WHERE s.id = $1 RETURNING ${SPACE_COLS}`,
      [id, patch.name ?? null, patch.visibility ?? null],
    );
    return rows[0] ? toSpace(rows[0]) : null;
  }

  async deleteSpace(id: string): Promise<boolean> {
    // Content, edit log and invites go with it (ON DELETE CASCADE).
    const { rows } = await this.db.query("DELETE FROM spaces WHERE id = $1 RETURNING id", [id]);
    return rows.length > 0;
  }

  async baseMap(id: string): Promise<{ tmj: unknown; tileset: Uint8Array | null } | null> {
    const { rows } = await this.db.query<{ base_map: unknown; tileset: Uint8Array | null }>(
      "SELECT base_map, tileset FROM spaces WHERE id = $1",
      [id],
    );
    return rows[0] ? { tmj: rows[0].base_map, tileset: toBytes(rows[0].tileset) } : null;
  }

  async content(id: string): Promise<SpaceContent | null> {
    // One statement, so the version and the entities come from one snapshot.
    const { rows } = await this.db.query<{
      content_version: string | number; entity_id: string | null; rev: number | null; data: Record<string, unknown> | null;
    }>(
      `SELECT s.content_version, e.entity_id, e.rev, e.data
       FROM spaces s LEFT JOIN space_entities e ON e.space_id = s.id
       WHERE s.id = $1 ORDER BY e.entity_id`,
      [id],
    );
    if (rows.length === 0) return null;
    const entities = rows
      .filter((r) => r.entity_id !== null)
      .map((r) => ({ id: r.entity_id!, rev: Number(r.rev), data: r.data! }));
    return { version: Number(rows[0].content_version), entities };
  }

  commitEdit(spaceId: string, edit: EditCommit): Promise<number> {
    return this.db.transaction(async (tx) => {
      // The row lock orders concurrent writers of one space; the loser then sees the moved version.
      const { rows } = await tx.query<{ content_version: string | number }>(
        "SELECT content_version FROM spaces WHERE id = $1 FOR UPDATE",
        [spaceId],
      );
      if (rows.length === 0) throw new NotFoundError(`no space ${spaceId}`);
      const current = Number(rows[0].content_version);
      if (current !== edit.expectVersion) {
        throw new StaleVersionError(`space ${spaceId} is at version ${current}, edit expected ${edit.expectVersion}`);
      }
      const version = edit.expectVersion + 1;
      await tx.query(
        "INSERT INTO space_edits (space_id, version, author_id, op) VALUES ($1, $2, $3, $4::jsonb)",
        [spaceId, version, edit.authorId, JSON.stringify(edit.op ?? null)],
      );
      await putEntities(tx, spaceId, edit.puts);
      if (edit.deletes.length > 0) {
        await tx.query("DELETE FROM space_entities WHERE space_id = $1 AND entity_id = ANY($2::text[])", [spaceId, edit.deletes]);
      }
      await tx.query("UPDATE spaces SET content_version = $2 WHERE id = $1", [spaceId, version]);
      return version;
    });
  }

  // ---- invites ----

  async createInvite(i: { code: string; teamId: string; spaceId: string; role: Role; createdBy: string; expiresAt: Date | null }): Promise<Invite> {
    try {
      const { rows } = await this.db.query<InviteRow>(
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

  async invite(code: string): Promise<Invite | null> {
    const { rows } = await this.db.query<InviteRow>(`SELECT ${INVITE_COLS} FROM invites WHERE code = $1`, [code]);
    return rows[0] ? toInvite(rows[0]) : null;
  }

  async invitesOf(spaceId: string): Promise<Invite[]> {
    const { rows } = await this.db.query<InviteRow>(
      `SELECT ${INVITE_COLS} FROM invites WHERE space_id = $1 ORDER BY created_at, code`,
      [spaceId],
    );
    return rows.map(toInvite);
  }

  revokeInvite(code: string): Promise<boolean> {
    return this.db.transaction(async (tx) => {
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

  async useInvite(code: string): Promise<void> {
    await this.db.query("UPDATE invites SET uses = uses + 1 WHERE code = $1", [code]);
  }
}
