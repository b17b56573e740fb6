/**
 * The PostgreSQL backend (DATABASE_URL): a connection pool; each transaction holds one client from
 * BEGIN to COMMIT/ROLLBACK.
 */
import type pg from "pg";
import { onFirstUse } from "../onFirstUse.ts";
import { logger } from "../log.ts";
import { migrate } from "./migrations.ts";
import { SqlStore, type SqlDb, type SqlTx } from "./sqlStore.ts";
import type { Store } from "./Store.ts";

const loadPg = onFirstUse<typeof pg>("pg");

const POOL_SIZE = 10;

function seamOf(c: pg.Pool | pg.PoolClient): SqlTx {
  return {
    query: async <T>(sql: string, params?: unknown[]) => {
      const r = await c.query(sql, params);
      return { rows: r.rows as T[] };
    },
    // Without parameters pg uses the simple protocol, which runs multi-statement scripts.
    exec: async (sql) => { await c.query(sql); },
  };
}

export async function openPostgres(url: string): Promise<Store> {
  const pool = new (loadPg().Pool)({ connectionString: url, max: POOL_SIZE });
  // An idle client losing its connection (server restart) must not crash the process.
  pool.on("error", (err) => logger.warn({ err }, "postgres: idle client error"));

  const db: SqlDb = {
    ...seamOf(pool),
    async transaction(fn) {
      const client = await pool.connect();
      try {
        await client.query("BEGIN");
        const result = await fn(seamOf(client));
        await client.query("COMMIT");
        client.release();
        return result;
      } catch (err) {
        // A client whose ROLLBACK fails is in an unknown state: destroy it instead of pooling it.
        const broken = await client.query("ROLLBACK").then(() => undefined, (e: Error) => e);
        client.release(broken);
        throw err;
      }
    },
    close: () => pool.end(),
  };
  try {
    await migrate(db);
  } catch (err) {
    await pool.end();
    throw err;
  }
  return new SqlStore("postgres", db);
}
