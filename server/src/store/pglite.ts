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
import { PGLITE_SHARED_BUFFERS_MB_DEFAULT } from "../config.ts";
import { migrate } from "./migrations.ts";
import { SqlStore, type SqlDb, type SqlTx } from "./sqlStore.ts";
import type { Store } from "./Store.ts";

function seamOf(tx: Transaction | PGlite): SqlTx {
  return {
    query: (sql, params) => tx.query(sql, params),
    exec: async (sql) => { await tx.exec(sql); },
  };
}

/** The directory of the installed PGlite's entry (dist/: its wasm and data files sit beside it). */
const pgliteDist = () => dirname(createRequire(import.meta.url).resolve("@electric-sql/pglite"));

/** The installed PGlite's version (its package.json is not exported: found next to its entry). */
function pgliteVersion(): string {
  let dir = pgliteDist();
  while (!existsSync(join(dir, "package.json")) && dirname(dir) !== dir) dir = dirname(dir);
  return (JSON.parse(readFileSync(join(dir, "package.json"), "utf8")) as { version: string }).version;
}

/**
 * PostgreSQL's memory settings for one PGlite database, on top of PGlite's own start parameters.
 * The cluster's postgresql.conf (initdb's) asks for shared_buffers = 128MB and room for 100
 * connections; PGlite holds all of it inside its WebAssembly memory, resident for the life of the
 * process — most of a PGlite database's memory. It has exactly one connection, and its files are
 * read through the operating system's page cache, so a small buffer pool costs a system call per
 * page that misses it, not a disk read.
 */
export function pgliteStartParams(sharedBuffersMb = PGLITE_SHARED_BUFFERS_MB_DEFAULT): string[] {
  return [
    ...PGlite.defaultStartParams,
    "-c", `shared_buffers=${sharedBuffersMb}MB`,
    // PGlite is single-user PostgreSQL: one backend. Lock and process tables are sized for these.
    "-c", "max_connections=4",
    "-c", "autovacuum_worker_slots=1",
  ];
}

/** What PGlite otherwise loads per database: its compiled module and its file-system bundle. */
export interface PgliteRuntime { wasmModule: WebAssembly.Module; fsBundle: Blob }

let runtime: Promise<PgliteRuntime> | undefined;

/**
 * PGlite's WebAssembly module compiled once per process, and its file bundle read once: the store
 * and the embedded analytics database (a worker thread, which receives both by postMessage) then
 * share one copy of PostgreSQL's machine code instead of compiling their own.
 */
export function pgliteRuntime(): Promise<PgliteRuntime> {
  runtime ??= (async () => {
    const dist = pgliteDist();
    const wasmModule = await WebAssembly.compile(readFileSync(join(dist, "pglite.wasm")));
    return { wasmModule, fsBundle: new Blob([readFileSync(join(dist, "pglite.data"))]) };
  })();
  return runtime;
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
export async function openPglite(dataDir: string | undefined, sharedBuffersMb?: number): Promise<Store> {
  if (dataDir !== undefined) mkdirSync(dataDir, { recursive: true });
  const fresh = dataDir === undefined || readdirSync(dataDir).length === 0;
  const seed = fresh ? await freshClusterSeed().catch(() => undefined) : undefined;
  const { wasmModule, fsBundle } = await pgliteRuntime();
  const pglite = await PGlite.create({
    dataDir, pgliteWasmModule: wasmModule, fsBundle, startParams: pgliteStartParams(sharedBuffersMb), ...(seed ? { loadDataDir: seed } : {}),
  });
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
