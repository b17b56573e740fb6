/**
 * A throwaway PostgreSQL server for tests (server/src/cluster/postgresServer.ts, durability off:
 * the data is thrown away). Missing PostgreSQL: the caller skips with a warning, except under
 * CI=true where that is an error (.ci/run installs it).
 */
import { randomBytes } from "node:crypto";
import pg from "pg";
import { postgresBinDir, startLocalPostgres, type LocalPostgres } from "../src/cluster/postgresServer.ts";

export type TestPostgres = LocalPostgres;
export { postgresBinDir };

export async function startTestPostgres(): Promise<TestPostgres | undefined> {
  if (!postgresBinDir()) {
    if (process.env.CI === "true") throw new Error("PostgreSQL is not installed (CI=true): install it (apt-get install postgresql)");
    console.warn("PostgreSQL (initdb, postgres) not installed: skipping the PostgreSQL store tests");
    return undefined;
  }
  return startLocalPostgres({ fast: true });
}

/**
 * What several Plaza processes need to share to act as one deployment: one PostgreSQL database
 * and one session secret. Undefined when PostgreSQL is missing (startTestPostgres's rules).
 */
export async function startSharedDatabase(): Promise<{ env: { DATABASE_URL: string; PLAZA_SECRET: string }; stop(): Promise<void> } | undefined> {
  const server = await startTestPostgres();
  if (!server) return undefined;
  const name = `plaza_${randomBytes(4).toString("hex")}`;
  const admin = new pg.Client({ connectionString: server.url });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  return {
    env: { DATABASE_URL: server.url.replace(/\/[^/]*$/, `/${name}`), PLAZA_SECRET: randomBytes(32).toString("base64url") },
    stop: () => server.stop(),
  };
}
