/**
 * The embedded default backend: PGlite (PostgreSQL compiled to WASM) in this process, on a data
 * directory, or in memory for tests. One connection: PGlite runs one transaction at a time and makes
 * every other query and transaction wait its turn (an internal FIFO mutex), so concurrent callers
 * never interleave inside a transaction.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
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

/** The installed PGlite's version (its package.json is not exported: found next to its entry). */
function pgliteVersion(): string {
  let dir = dirname(createRequire(import.meta.url).resolve("@electric-sql/pglite"));
  while (!existsSync(join(dir, "package.json")) && dirname(dir) !== dir) dir = dirname(dir);
  return (JSON.parse(readFileSync(join(dir, "package.json"), "utf8")) as { version: string }).version;
}

/**
 * A fresh cluster costs PGlite an initdb in WASM (3–9 s here); restoring one from a dump takes
 * ~1 s. So the first fresh cluster on a machine is dumped (per PGlite version, before any
 * migration) and later fresh ones — tests' in-memory stores, a new data directory — start from it.
 */
export async function freshClusterSeed(): Promise<Blob> {
  const file = join(tmpdir(), `plaza-pglite-seed-${pgliteVersion()}.tar`);
  if (existsSync(file)) return new Blob([readFileSync(file)]);
  const blank = await PGlite.create();
  const dump = await blank.dumpDataDir("none");
  await blank.close();
  // Written under a unique name, then renamed: processes racing here never read half a file.
  const tmp = `${file}.${process.pid}.${Date.now()}`;
  writeFileSync(tmp, Buffer.from(await dump.arrayBuffer()));
  renameSync(tmp, file);
  return dump;
}

/** undefined: in memory (tests). A path: created if missing, and reused on the next open. */
export async function openPglite(dataDir: string | undefined): Promise<Store> {
  if (dataDir !== undefined) mkdirSync(dataDir, { recursive: true });
  const fresh = dataDir === undefined || readdirSync(dataDir).length === 0;
  const seed = fresh ? await freshClusterSeed().catch(() => undefined) : undefined;
  const pglite = await PGlite.create({ dataDir, ...(seed ? { loadDataDir: seed } : {}) });
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
