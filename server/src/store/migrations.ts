/**
 * Versioned schema of the store, shared by PGlite and PostgreSQL. Append a migration to change the
 * schema; never edit one that has shipped (databases in the field already ran it).
 */
import type { SqlDb } from "./sqlStore.ts";

export interface Migration {
  version: number;
  name: string;
  sql: string;
}

export const MIGRATIONS: Migration[] = [
  {
    version: 1,
    name: "accounts, teams, spaces, content, invites",
    sql: `
      CREATE TABLE users (
        id            text PRIMARY KEY,
        email         text UNIQUE,
        name          text NOT NULL,
        password_hash text,
        created_at    timestamptz NOT NULL DEFAULT now(),
        -- Uniqueness is case-insensitive because the store lower-cases; this keeps it that way.
        CONSTRAINT users_email_lower CHECK (email = lower(email))
      );

      CREATE TABLE teams (
        id         text PRIMARY KEY,
        name       text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now()
      );

      CREATE TABLE team_members (
        team_id text NOT NULL REFERENCES teams(id) ON DELETE CASCADE,
        user_id text NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        role    text NOT NULL CHECK (role IN ('owner', 'admin', 'builder', 'member', 'guest')),
        PRIMARY KEY (team_id, user_id)
      );
      CREATE INDEX team_members_user_id ON team_members (user_id);

      CREATE TABLE spaces (
        id              text PRIMARY KEY,
        team_id         text NOT NULL REFERENCES teams(id) ON DELETE CASCADE,
        name            text NOT NULL,
        visibility      text NOT NULL CHECK (visibility IN ('public', 'private')),
        template        text NOT NULL,
        base_map        jsonb NOT NULL,
        tileset         bytea,
        content_version bigint NOT NULL DEFAULT 0,
        created_at      timestamptz NOT NULL DEFAULT now()
      );
      CREATE INDEX spaces_team_id ON spaces (team_id);

      CREATE TABLE space_entities (
        space_id  text NOT NULL REFERENCES spaces(id) ON DELETE CASCADE,
        entity_id text NOT NULL,
        rev       int NOT NULL,
        data      jsonb NOT NULL,
        PRIMARY KEY (space_id, entity_id)
      );

      CREATE TABLE space_edits (
        space_id  text NOT NULL REFERENCES spaces(id) ON DELETE CASCADE,
        version   bigint NOT NULL,
        author_id text,
        op        jsonb NOT NULL,
        at        timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (space_id, version)
      );

      CREATE TABLE invites (
        code       text PRIMARY KEY,
        team_id    text NOT NULL REFERENCES teams(id) ON DELETE CASCADE,
        space_id   text NOT NULL REFERENCES spaces(id) ON DELETE CASCADE,
        role       text NOT NULL CHECK (role IN ('owner', 'admin', 'builder', 'member', 'guest')),
        created_by text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        expires_at timestamptz,
        revoked_at timestamptz,
        uses       int NOT NULL DEFAULT 0
      );
      CREATE INDEX invites_space_id ON invites (space_id);
    `,
  },
  {
    version: 2,
    name: "guest grants per space",
    // A guest link admits to its space only (SPEC AZ6): the team keeps knowing its guests
    // (team_members role 'guest'), and which spaces each may enter is one row per space and link.
    sql: `
      CREATE TABLE guest_spaces (
        team_id     text NOT NULL REFERENCES teams(id) ON DELETE CASCADE,
        user_id     text NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        space_id    text NOT NULL REFERENCES spaces(id) ON DELETE CASCADE,
        -- Revoking the link takes back what it gave (the rows go, not just the link).
        invite_code text NOT NULL REFERENCES invites(code) ON DELETE CASCADE,
        created_at  timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (space_id, user_id, invite_code)
      );
      CREATE INDEX guest_spaces_team_user ON guest_spaces (team_id, user_id);
      CREATE INDEX guest_spaces_invite_code ON guest_spaces (invite_code);

      -- Guests from before grants were admitted team-wide, and nothing recorded which link they
      -- came by. Only where that is certain (the team's one guest link ever used, still live) do
      -- they keep its space; other guests need a new link. Guessing wider would keep the hole open.
      INSERT INTO guest_spaces (team_id, user_id, space_id, invite_code)
      SELECT m.team_id, m.user_id, i.space_id, i.code
      FROM team_members m
      JOIN invites i ON i.team_id = m.team_id AND i.role = 'guest' AND i.uses > 0 AND i.revoked_at IS NULL
      WHERE m.role = 'guest'
        AND (SELECT count(*) FROM invites o WHERE o.team_id = m.team_id AND o.role = 'guest' AND o.uses > 0) = 1;
    `,
  },
  {
    version: 3,
    name: "analytics opt-outs",
    // SPEC PV6: people and spaces whose events are not recorded (kind 'user' | 'space'). Kept
    // apart from users and spaces so analytics stays an add-on to the store.
    sql: `
      CREATE TABLE analytics_opt_outs (
        kind       text NOT NULL CHECK (kind IN ('user', 'space')),
        id         text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (kind, id)
      );
    `,
  },
  {
    version: 4,
    name: "session epoch per account",
    // Sessions are stateless JWTs (AC2); each carries the epoch it was signed in. Setting a new
    // password through a reset link (AC6) moves the epoch on, which ends every older session.
    sql: `
      ALTER TABLE users ADD COLUMN session_epoch integer NOT NULL DEFAULT 0;
    `,
  },
];

/**
 * Arbitrary constant naming Plaza's migration lock. Transaction-scoped advisory locks serialise
 * processes that start at once against one database; the lock is released by COMMIT/ROLLBACK.
 */
const MIGRATION_LOCK = 7_041_977;

/** Applies the missing migrations in order, each in its own transaction. Returns the versions applied. */
export async function migrate(db: SqlDb, migrations: Migration[] = MIGRATIONS): Promise<number[]> {
  // CREATE TABLE IF NOT EXISTS is not race-free on its own (two creators collide in pg_type), hence the lock.
  await db.transaction(async (tx) => {
    await tx.query("SELECT pg_advisory_xact_lock($1)", [MIGRATION_LOCK]);
    await tx.exec(`
      CREATE TABLE IF NOT EXISTS schema_migrations (
        version    int PRIMARY KEY,
        name       text NOT NULL,
        applied_at timestamptz NOT NULL DEFAULT now()
      )`);
  });

  const applied: number[] = [];
  for (const m of [...migrations].sort((a, b) => a.version - b.version)) {
    const ran = await db.transaction(async (tx) => {
      await tx.query("SELECT pg_advisory_xact_lock($1)", [MIGRATION_LOCK]);
      // Checked under the lock: another process may have applied it while we waited.
      const done = await tx.query("SELECT 1 FROM schema_migrations WHERE version = $1", [m.version]);
      if (done.rows.length > 0) return false;
      await tx.exec(m.sql);
      await tx.query("INSERT INTO schema_migrations (version, name) VALUES ($1, $2)", [m.version, m.name]);
      return true;
    });
    if (ran) applied.push(m.version);
  }
  return applied;
}
