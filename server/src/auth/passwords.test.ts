/** AC1: argon2id at OWASP strength; legacy scrypt hashes still verify and are marked for rehash. */
import { randomBytes, scryptSync } from "node:crypto";
import { parseOptions } from "@node-rs/argon2";
import { describe, expect, it } from "vitest";
import { ARGON2_OPTIONS, DUMMY_HASH, hashPassword, needsRehash, verifyPassword } from "./passwords.ts";

/** A hash exactly as Plaza wrote them before argon2id (scrypt N=2^14, r=8, p=1). */
function legacyScryptHash(password: string): string {
  const salt = randomBytes(16);
  const key = scryptSync(password, salt, 32, { N: 16384, r: 8, p: 1, maxmem: 64 * 1024 * 1024 });
  return `scrypt$16384$8$1$${salt.toString("base64")}$${key.toString("base64")}`;
}

describe("AC1 password hashing", () => {
  it("hashes with argon2id, m=19456 KiB, t=2, p=1 (OWASP minimum), salted", async () => {
    const a = await hashPassword("correct horse battery");
    const b = await hashPassword("correct horse battery");
    expect(a).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    expect(a).not.toBe(b);
    const o = parseOptions(a);
    expect(o).toMatchObject({ algorithm: 2, memoryCost: 19456, timeCost: 2, parallelism: 1 });
    expect(o.memoryCost).toBeGreaterThanOrEqual(19456);
    expect(needsRehash(a)).toBe(false);
  });

  it("verifies the right password only", async () => {
    const h = await hashPassword("correct horse battery");
    expect(await verifyPassword("correct horse battery", h)).toBe(true);
    expect(await verifyPassword("correct horse battery!", h)).toBe(false);
    expect(await verifyPassword("", h)).toBe(false);
  });

  it("still verifies legacy scrypt hashes, and marks them for rehash", async () => {
    const old = legacyScryptHash("hunter2hunter2");
    expect(await verifyPassword("hunter2hunter2", old)).toBe(true);
    expect(await verifyPassword("hunter2hunter3", old)).toBe(false);
    expect(needsRehash(old)).toBe(true);
  });

  it("marks argon2 hashes with lower costs for rehash", async () => {
    const { hash } = await import("@node-rs/argon2");
    const weak = await hash("pw", { ...ARGON2_OPTIONS, memoryCost: 4096, timeCost: 1 });
    expect(await verifyPassword("pw", weak)).toBe(true);
    expect(needsRehash(weak)).toBe(true);
  });

  it("refuses garbage without throwing", async () => {
    for (const s of ["", "plain", "scrypt$x", "scrypt$1$1$1$$", "$argon2id$v=19$m=1", "$argon2id$nonsense"]) {
      expect(await verifyPassword("pw", s)).toBe(false);
      expect(needsRehash(s)).toBe(true);
    }
  });

  it("the dummy hash for unknown emails has today's exact parameters (same work) and matches no password", async () => {
    expect(parseOptions(DUMMY_HASH)).toMatchObject({ algorithm: 2, memoryCost: ARGON2_OPTIONS.memoryCost, timeCost: ARGON2_OPTIONS.timeCost, parallelism: ARGON2_OPTIONS.parallelism, outputLen: ARGON2_OPTIONS.outputLen, saltLen: 16 });
    expect(await verifyPassword("", DUMMY_HASH)).toBe(false);
    expect(await verifyPassword("correct horse battery", DUMMY_HASH)).toBe(false);
  });
});
