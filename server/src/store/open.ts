/** Picks the storage backend from the environment: PostgreSQL when DATABASE_URL is set, else embedded PGlite. */
import { DATA_DIR_DEFAULT, pgliteDir } from "../config.ts";
import { logger } from "../log.ts";
import { openPglite } from "./pglite.ts";
import { openPostgres } from "./postgres.ts";
import type { Store } from "./Store.ts";

export async function openStore(env: { DATABASE_URL?: string; PLAZA_DATA_DIR?: string; PGLITE_SHARED_BUFFERS_MB?: number }): Promise<Store> {
  if (env.DATABASE_URL) {
    // The URL may carry a password: log the host only.
    const host = URL.canParse(env.DATABASE_URL) ? new URL(env.DATABASE_URL).host : undefined;
    logger.info({ store: "postgres", host }, "store: postgres");
    return openPostgres(env.DATABASE_URL);
  }
  const dir = pgliteDir(env.PLAZA_DATA_DIR ?? DATA_DIR_DEFAULT);
  logger.info({ store: "pglite", dir }, "store: pglite");
  return openPglite(dir, env.PGLITE_SHARED_BUFFERS_MB);
}
