/**
 * Password hashing (AC1): argon2id at OWASP's recommended minimum (m = 19 MiB, t = 2, p = 1),
 * stored as the standard PHC string `$argon2id$v=19$m=19456,t=2,p=1$<salt>$<hash>`, so the
 * parameters travel with each hash and can be raised later.
 *
 * Accounts made before argon2 carry `scrypt$N$r$p$salt$hash`: those still verify, and
 * `needsRehash` tells the sign-in to store a fresh argon2id hash once the password is known.
 */
import { hash as argon2Hash, parseOptions, verify as argon2Verify, type Algorithm, type Options } from "@node-rs/argon2";
import { scrypt as scryptCb, timingSafeEqual, type ScryptOptions } from "node:crypto";

/** Algorithm.Argon2id (an ambient const enum, which isolatedModules cannot read). */
const ARGON2ID = 2 as Algorithm;

/** OWASP Password Storage Cheat Sheet, argon2id minimum. ~11–15 ms per hash on a 2-core x64 VM. */
export const ARGON2_OPTIONS = { algorithm: ARGON2ID, memoryCost: 19_456, timeCost: 2, parallelism: 1, outputLen: 32 } as const satisfies Options;

export function hashPassword(password: string): Promise<string> {
  return argon2Hash(password, ARGON2_OPTIONS);
}

/** True when `password` matches `stored` (argon2id PHC or a legacy scrypt hash); false for anything unreadable. */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  if (stored.startsWith("$argon2")) {
    try {
      return await argon2Verify(stored, password);
    } catch {
      return false;
    }
  }
  if (stored.startsWith("scrypt$")) return verifyScrypt(password, stored);
  return false;
}

/** Whether a stored hash is weaker than today's policy (legacy scrypt, or argon2 with lower costs). */
export function needsRehash(stored: string): boolean {
  if (!stored.startsWith("$argon2")) return true;
  try {
    const o = parseOptions(stored);
    return o.algorithm !== ARGON2ID || o.memoryCost < ARGON2_OPTIONS.memoryCost || o.timeCost < ARGON2_OPTIONS.timeCost || o.outputLen < ARGON2_OPTIONS.outputLen;
  } catch {
    return true;
  }
}

/**
 * A well-formed argon2id hash with exactly today's parameters (zero salt and digest, which no
 * password produces): verifying against it for an unknown email costs the same as for a real
 * account, so the answer's timing does not tell whether the email exists.
 */
export const DUMMY_HASH = `$argon2id$v=19$m=${ARGON2_OPTIONS.memoryCost},t=${ARGON2_OPTIONS.timeCost},p=${ARGON2_OPTIONS.parallelism}$${b64(16)}$${b64(ARGON2_OPTIONS.outputLen)}`;

function b64(zeroBytes: number): string {
  return Buffer.alloc(zeroBytes).toString("base64").replace(/=+$/, "");
}

// ---- legacy: scrypt$N$r$p$salt$hash (base64), written before argon2id ----

const scrypt = (pw: string, salt: Buffer, len: number, opts: ScryptOptions) =>
  new Promise<Buffer>((resolve, reject) => scryptCb(pw, salt, len, opts, (err, key) => (err ? reject(err) : resolve(key))));

async function verifyScrypt(password: string, stored: string): Promise<boolean> {
  const [, n, r, p, salt, hash] = stored.split("$");
  if (!salt || !hash) return false;
  const expected = Buffer.from(hash, "base64");
  try {
    const key = await scrypt(password, Buffer.from(salt, "base64"), expected.length, { N: Number(n), r: Number(r), p: Number(p), maxmem: 64 * 1024 * 1024 });
    return key.length === expected.length && timingSafeEqual(key, expected);
  } catch {
    return false;
  }
}
