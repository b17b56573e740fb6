/**
 * Migration 2 (guest grants, SPEC AZ6) on a database that already has guests from before: they
 * keep the one space their link was certainly for, and nothing wider.
 */
import { PGlite } from "@electric-sql/pglite";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MIGRATIONS, migrate } from "./migrations.ts";
import { SqlStore, type SqlDb } from "./sqlStore.ts";

let pglite: PGlite;
let db: SqlDb;

beforeAll(async () => {
  pglite = await PGlite.create();
  db = {
    query: (sql, params) => pglite.query(sql, params),
    exec: async (sql) => { await pglite.exec(sql); },
    transaction: (fn) => pglite.transaction((tx) => fn({ query: (sql, params) => tx.query(sql, params), exec: async (sql) => { await tx.exec(sql); } })),
    close: () => pglite.close(),
  };
}, 60_000);
afterAll(() => pglite?.close());

describe("migration 2: guest grants", () => {
  it("AZ6 gives legacy guests the space of their team's one used guest link, and nothing where that is unsure", async () => {
    expect(await migrate(db, MIGRATIONS.filter((m) => m.version === 1))).toEqual([1]);
    // As version 1 left things: guests held the guest role team-wide.
    await db.exec(`
      INSERT INTO users (id, email, name) VALUES ('owner', 'o@example.com', 'Owner'), ('gus', NULL, 'Gus'), ('gia', NULL, 'Gia'), ('mel', 'm@example.com', 'Mel');
      INSERT INTO teams (id, name) VALUES ('one-link', 'One link'), ('two-links', 'Two links'), ('revoked', 'Revoked');
      INSERT INTO team_members (team_id, user_id, role) VALUES
        ('one-link', 'owner', 'owner'), ('one-link', 'gus', 'guest'), ('one-link', 'mel', 'member'),
        ('two-links', 'owner', 'owner'), ('two-links', 'gia', 'guest'),
        ('revoked', 'owner', 'owner'), ('revoked', 'gus', 'guest');
      INSERT INTO spaces (id, team_id, name, visibility, template, base_map) VALUES
        ('lobby', 'one-link', 'Lobby', 'private', 't', '{}'), ('board', 'one-link', 'Board', 'private', 't', '{}'),
        ('x', 'two-links', 'X', 'private', 't', '{}'), ('y', 'two-links', 'Y', 'private', 't', '{}'),
        ('z', 'revoked', 'Z', 'private', 't', '{}');
      INSERT INTO invites (code, team_id, space_id, role, created_by, uses, revoked_at) VALUES
        ('lobby-guests', 'one-link', 'lobby', 'guest', 'owner', 3, NULL),
        ('board-guests-unused', 'one-link', 'board', 'guest', 'owner', 0, NULL),
        ('board-members', 'one-link', 'board', 'member', 'owner', 2, NULL),
        ('x-guests', 'two-links', 'x', 'guest', 'owner', 1, NULL),
        ('y-guests', 'two-links', 'y', 'guest', 'owner', 1, NULL),
        ('z-guests', 'revoked', 'z', 'guest', 'owner', 1, now());
    `);
    expect(await migrate(db)).toEqual(MIGRATIONS.filter((m) => m.version > 1).map((m) => m.version));

    const { rows } = await db.query<{ team_id: string; user_id: string; space_id: string; invite_code: string }>(
      "SELECT team_id, user_id, space_id, invite_code FROM guest_spaces ORDER BY team_id, user_id",
    );
    expect(rows).toEqual([{ team_id: "one-link", user_id: "gus", space_id: "lobby", invite_code: "lobby-guests" }]);

    const store = new SqlStore("pglite", db);
    expect(await store.roleInSpace("lobby", "gus")).toBe("guest");
    expect(await store.roleInSpace("board", "gus")).toBeNull();
    expect(await store.roleInSpace("board", "mel")).toBe("member");
    // Two links used: which one was Gia's is unknown, so neither space admits her until a new link does.
    expect(await store.roleInSpace("x", "gia")).toBeNull();
    expect(await store.roleInSpace("y", "gia")).toBeNull();
    expect(await store.roleInSpace("z", "gus")).toBeNull();
    // The grant is the link's: revoking it takes the space back.
    await store.revokeInvite("lobby-guests");
    expect(await store.roleInSpace("lobby", "gus")).toBeNull();
  });
});
