/**
 * The embedded default backend: PGlite (PostgreSQL compiled to WASM) in this process, on a data
 * directory, or in memory for tests. One connection: PGlite runs one transaction at a time and makes
 * every other query and transaction wait its turn (an internal FIFO mutex), so concurrent callers
 * never interleave inside a transaction.
 */
import { mkdirSync } from "node:fs";
import { PGlite, type Transaction } from "@electric-sql/pglite";
import { migrate } from "./migrations.ts";
import { SqlStore, type SqlDb, type SqlTx } from "./sqlStore.ts";
import type { Store } from "./Store.ts";

function seamOf(tx: Transaction | PGlite): SqlTx {
  return {
    query: (sql, params) => tx.query(sql, params),
    exec: async (sql) => { await tx.exec(sql); },
  };
}

/** undefined: in memory (tests). A path: created if missing, and reused on the next open. */
export async function openPglite(dataDir: string | undefined): Promise<Store> {
  if (dataDir !== undefined) mkdirSync(dataDir, { recursive: true });
  const pglite = await PGlite.create(dataDir);
  const db: SqlDb = {
    ...seamOf(pglite),
    // Statements inside fn must go through tx: pglite.query would wait for this very transaction.
    transaction: (fn) => pglite.transaction((tx) => fn(seamOf(tx))),
    close: () => pglite.close(),
  };
  try {
    await migrate(db);
  } catch (err) {
    await pglite.close();
    throw err;
  }
  return new SqlStore("pglite", db);
}
