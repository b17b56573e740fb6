/**
 * The embedded analytics database's thread (embedded.ts). PGlite runs PostgreSQL as WASM on the
 * thread that calls it, synchronously for the length of each statement: here, a 5,000-row insert
 * or a month-long insights query never holds up a room's event loop.
 *
 * Plain, erasable TypeScript importing only PGlite, so Node can load it without a loader.
 * Messages: {id, op, …} in; {id, rows} or {id, error} out.
 */
import { parentPort } from "node:worker_threads";
import { PGlite } from "@electric-sql/pglite";

type Request =
  | {
    id: number; op: "open"; dataDir: string | undefined; seed: Uint8Array | undefined; schema: string[];
    /** Compiled once by the main thread (shared machine code), its file bundle and memory settings. */
    wasmModule: WebAssembly.Module; fsBundle: Blob; startParams: string[];
  }
  | { id: number; op: "query"; sql: string; params: unknown[] }
  | { id: number; op: "insert"; sql: string; json: string }
  | { id: number; op: "close" };

let db: PGlite | null = null;

async function handle(m: Request): Promise<unknown[]> {
  if (m.op === "open") {
    const seed = m.seed ? { loadDataDir: new Blob([m.seed as Uint8Array<ArrayBuffer>]) } : {};
    db = await PGlite.create({ dataDir: m.dataDir, pgliteWasmModule: m.wasmModule, fsBundle: m.fsBundle, startParams: m.startParams, ...seed });
    for (const s of m.schema) await db.exec(s);
    return [];
  }
  if (!db) throw new Error("embedded analytics database is not open");
  if (m.op === "query") return (await db.query(m.sql, m.params)).rows;
  if (m.op === "insert") {
    await db.query(m.sql, [m.json]);
    return [];
  }
  await db.close();
  db = null;
  return [];
}

parentPort!.on("message", (m: Request) => {
  handle(m).then(
    (rows) => parentPort!.postMessage({ id: m.id, rows }),
    (err: unknown) => parentPort!.postMessage({ id: m.id, error: err instanceof Error ? err.message : String(err) }),
  );
});
