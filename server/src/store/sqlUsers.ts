/**
 * The users table for SqlStore (sqlStore.ts): accounts with a lower-cased email, and guests with none.
 */
import { randomUUID } from "node:crypto";
import { isUniqueViolation, type SqlDb } from "./sql.ts";
import { ConflictError, type User, type UserWithSecret } from "./Store.ts";

// the row as the drivers return it
interface UserRow { id: string; email: string | null; name: string; password_hash: string | null; created_at: Date }

const USER_COLS = "id, email, name, password_hash, created_at";

const toUser = (r: UserRow): User => ({ id: r.id, email: r.email, name: r.name, createdAt: new Date(r.created_at) });

export async function createUser(db: SqlDb, u: { email: string; name: string; passwordHash: string }): Promise<User> {
  try {
    const { rows } = await db.query<UserRow>(
      `INSERT INTO users (id, email, name, password_hash) VALUES ($1, $2, $3, $4) RETURNING ${USER_COLS}`,
      [randomUUID(), u.email.toLowerCase(), u.name, u.passwordHash],
    );
    return toUser(rows[0]);
  } catch (err) {
    if (isUniqueViolation(err)) throw new ConflictError(`email already registered: ${u.email}`, { cause: err });
    throw err;
  }
}

export async function createGuest(db: SqlDb, name: string): Promise<User> {
  const { rows } = await db.query<UserRow>(
    `INSERT INTO users (id, email, name, password_hash) VALUES ($1, NULL, $2, NULL) RETURNING ${USER_COLS}`,
    [randomUUID(), name],
  );
  return toUser(rows[0]);
}

export async function userByEmail(db: SqlDb, email: string): Promise<UserWithSecret | null> {
  const { rows } = await db.query<UserRow>(`SELECT ${USER_COLS} FROM users WHERE email = $1`, [email.toLowerCase()]);
  return rows[0] ? { ...toUser(rows[0]), passwordHash: rows[0].password_hash } : null;
}

export async function userById(db: SqlDb, id: string): Promise<User | null> {
  const { rows } = await db.query<UserRow>(`SELECT ${USER_COLS} FROM users WHERE id = $1`, [id]);
  return rows[0] ? toUser(rows[0]) : null;
}

export async function setPasswordHash(db: SqlDb, userId: string, passwordHash: string): Promise<void> {
  await db.query("UPDATE users SET password_hash = $2 WHERE id = $1", [userId, passwordHash]);
}

export async function sessionEpoch(db: SqlDb, userId: string): Promise<number | null> {
  const { rows } = await db.query<{ session_epoch: number }>("SELECT session_epoch FROM users WHERE id = $1", [userId]);
  return rows[0] ? Number(rows[0].session_epoch) : null;
}

export async function replacePassword(db: SqlDb, userId: string, expectHash: string, passwordHash: string): Promise<number | null> {
  // One statement: of two racing uses of one reset link, only the first still finds the old hash.
  const { rows } = await db.query<{ session_epoch: number }>(
    "UPDATE users SET password_hash = $3, session_epoch = session_epoch + 1 WHERE id = $1 AND password_hash = $2 RETURNING session_epoch",
    [userId, expectHash, passwordHash],
  );
  return rows[0] ? Number(rows[0].session_epoch) : null;
}
