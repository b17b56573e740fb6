/**
 * Spaces, their content and edit log (tables spaces, space_entities, space_edits) for SqlStore
 * (sqlStore.ts).
 */
import type { Role } from "../../../shared/authz.ts";
import { isUniqueViolation, type SqlDb, type SqlTx } from "./sql.ts";
import {
  ConflictError, NotFoundError, StaleVersionError,
  type EditCommit, type EntityRow, type NewSpace, type SpaceContent, type SpaceListing, type SpaceRecord, type Visibility,
} from "./Store.ts";

// the row as the drivers return it (pg returns bigint as string, hence Number())
interface SpaceRow {
  id: string; team_id: string; name: string; visibility: Visibility; template: string;
  content_version: string | number; created_at: Date;
}

const SPACE_COLS = "s.id, s.team_id, s.name, s.visibility, s.template, s.content_version, s.created_at";

const toSpace = (r: SpaceRow): SpaceRecord => ({
  id: r.id,
  teamId: r.team_id,
  name: r.name,
  visibility: r.visibility,
  template: r.template,
  contentVersion: Number(r.content_version),
  createdAt: new Date(r.created_at),
});

/** pg hands out Buffers, PGlite Uint8Arrays: callers get plain Uint8Arrays from both. */
const toBytes = (b: Uint8Array | null): Uint8Array | null =>
  b === null ? null : new Uint8Array(b.buffer, b.byteOffset, b.byteLength);

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

export async function createSpace(db: SqlDb, s: NewSpace): Promise<SpaceRecord> {
  try {
    return await db.transaction(async (tx) => {
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

export function createSpaceIfAbsent(db: SqlDb, s: NewSpace): Promise<boolean> {
  return db.transaction(async (tx) => {
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

export async function space(db: SqlDb, id: string): Promise<SpaceRecord | null> {
  const { rows } = await db.query<SpaceRow>(`SELECT ${SPACE_COLS} FROM spaces s WHERE s.id = $1`, [id]);
  return rows[0] ? toSpace(rows[0]) : null;
}

export async function spacesOf(db: SqlDb, userId: string): Promise<SpaceListing[]> {
  const { rows } = await db.query<SpaceRow & { role: Role; team_name: string }>(
    `SELECT ${SPACE_COLS}, m.role, t.name AS team_name
     FROM team_members m JOIN teams t ON t.id = m.team_id JOIN spaces s ON s.team_id = m.team_id
     WHERE m.user_id = $1 AND (m.role <> 'guest' OR EXISTS (
       SELECT 1 FROM guest_spaces g WHERE g.space_id = s.id AND g.user_id = m.user_id))
     ORDER BY s.created_at, s.id`,
    [userId],
  );
  return rows.map((r) => ({ ...toSpace(r), role: r.role, teamName: r.team_name }));
}

export async function updateSpace(db: SqlDb, id: string, patch: { name?: string; visibility?: Visibility }): Promise<SpaceRecord | null> {
  const { rows } = await db.query<SpaceRow>(
    `UPDATE spaces AS s SET name = coalesce($2, s.name), visibility = coalesce($3, s.visibility)
     WHERE s.id = $1 RETURNING ${SPACE_COLS}`,
    [id, patch.name ?? null, patch.visibility ?? null],
  );
  return rows[0] ? toSpace(rows[0]) : null;
}

export async function deleteSpace(db: SqlDb, id: string): Promise<boolean> {
  // Content, edit log and invites go with it (ON DELETE CASCADE).
  const { rows } = await db.query("DELETE FROM spaces WHERE id = $1 RETURNING id", [id]);
  return rows.length > 0;
}

export async function baseMap(db: SqlDb, id: string): Promise<{ tmj: unknown; tileset: Uint8Array | null } | null> {
  const { rows } = await db.query<{ base_map: unknown; tileset: Uint8Array | null }>(
    "SELECT base_map, tileset FROM spaces WHERE id = $1",
    [id],
  );
  return rows[0] ? { tmj: rows[0].base_map, tileset: toBytes(rows[0].tileset) } : null;
}

export async function content(db: SqlDb, id: string): Promise<SpaceContent | null> {
  // One statement, so the version and the entities come from one snapshot.
  const { rows } = await db.query<{
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

export function commitEdit(db: SqlDb, spaceId: string, edit: EditCommit): Promise<number> {
  return db.transaction(async (tx) => {
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
