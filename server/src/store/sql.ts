/**
 * The tiny SQL seam Store's one implementation (sqlStore.ts) is written against, so PGlite and
 * PostgreSQL share every statement; backends only adapt connections and transactions.
 */

/** What a statement needs: parameterised single statements, plus multi-statement scripts (migrations). */
export interface SqlTx {
  query<T>(sql: string, params?: unknown[]): Promise<{ rows: T[] }>;
  exec(sql: string): Promise<void>;
}

export interface SqlDb extends SqlTx {
  /** Runs fn in one transaction: COMMIT when it resolves, ROLLBACK when it throws. */
  transaction<T>(fn: (tx: SqlTx) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

/** A unique constraint refused the row (SQLSTATE 23505). */
export function isUniqueViolation(err: unknown): boolean {
  return typeof err === "object" && err !== null && (err as { code?: unknown }).code === "23505";
}
