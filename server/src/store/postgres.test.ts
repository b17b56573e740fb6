import { randomBytes } from "node:crypto";
import pg from "pg";
import { afterAll, describe, expect, it } from "vitest";
import { startTestPostgres } from "../../test/postgres.ts";
import { MIGRATIONS } from "./migrations.ts";
import { openPostgres } from "./postgres.ts";
import { storeContract } from "./Store.contract.ts";

const server = await startTestPostgres();
afterAll(() => server?.stop());

/** A fresh, empty database on the test server; its URL. */
async function freshDatabase(): Promise<string> {
  const name = `plaza_test_${randomBytes(6).toString("hex")}`;
  const admin = new pg.Client({ connectionString: server!.url });
  await admin.connect();
  try {
    // Identifiers cannot be parameters; the name is ours (hex), not input.
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  const url = new URL(server!.url);
  url.pathname = `/${name}`;
  return url.toString();
}

if (server) {
  storeContract("postgres", async () => openPostgres(await freshDatabase()));

  describe("postgres migrations", () => {
    it("run once when several processes open one database at the same time", async () => {
      const url = await freshDatabase();
      const opened = await Promise.allSettled([openPostgres(url), openPostgres(url), openPostgres(url)]);
      const check = new pg.Client({ connectionString: url });
      await check.connect();
      try {
        expect(opened.map((o) => o.status)).toEqual(["fulfilled", "fulfilled", "fulfilled"]);
        const { rows } = await check.query("SELECT version, count(*)::int AS n FROM schema_migrations GROUP BY version ORDER BY version");
        expect(rows).toEqual(MIGRATIONS.map((m) => ({ version: m.version, n: 1 })));
      } finally {
        await check.end();
        await Promise.all(opened.map((o) => (o.status === "fulfilled" ? o.value.close() : undefined)));
      }
    });
  });
} else {
  describe.skip("postgres (PostgreSQL not installed)", () => {
    it("runs the store contract", () => {});
  });
}
