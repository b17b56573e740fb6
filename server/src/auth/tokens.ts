/**
 * Session tokens: HS256 JWTs (jose) carrying who you are, never what you may do — roles are read
 * from the store on every check (AZ4), so a role change or removal takes effect at once.
 * The same token authenticates HTTP requests (Bearer) and room joins (Colyseus auth token).
 */
import { SignJWT, jwtVerify, errors } from "jose";
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import { randomBytes } from "node:crypto";

export interface Identity {
  userId: string;
  name: string;
  guest: boolean;
  /**
   * The account's session epoch when the token was signed (AC6): a password reset moves the
   * account's epoch on, and tokens of an older one are no longer accepted. Absent: 0.
   */
  epoch?: number;
}

const ISSUER = "plaza";
export const TOKEN_TTL_S = 30 * 24 * 3600;

export class Tokens {
  private readonly key: Uint8Array;

  constructor(secret: string) {
    this.key = new TextEncoder().encode(secret);
  }

  sign(id: Identity): Promise<string> {
    return new SignJWT({ name: id.name, guest: id.guest, ...(id.epoch ? { ep: id.epoch } : {}) })
      .setProtectedHeader({ alg: "HS256" })
      .setSubject(id.userId)
      .setIssuer(ISSUER)
      .setIssuedAt()
      .setExpirationTime(`${TOKEN_TTL_S}s`)
      .sign(this.key);
  }

  /** The identity in a valid token; null for a forged, expired or malformed one. */
  async verify(token: string): Promise<Identity | null> {
    try {
      const { payload } = await jwtVerify(token, this.key, { issuer: ISSUER, algorithms: ["HS256"] });
      if (typeof payload.sub !== "string" || typeof payload.name !== "string") return null;
      return { userId: payload.sub, name: payload.name, guest: payload.guest === true, epoch: typeof payload.ep === "number" ? payload.ep : 0 };
    } catch (err) {
      if (err instanceof errors.JOSEError) return null;
      throw err;
    }
  }
}

/**
 * The signing secret: PLAZA_SECRET when set (every process of a cluster must share it), else one
 * generated on first start and kept in the data directory, so sessions survive restarts.
 */
export function loadSecret(configured: string | undefined, file: string | undefined): string {
  if (configured) return configured;
  if (!file) return randomBytes(32).toString("base64url");
  if (existsSync(file)) return readFileSync(file, "utf8").trim();
  mkdirSync(dirname(file), { recursive: true });
  const secret = randomBytes(32).toString("base64url");
  writeFileSync(file, secret, { mode: 0o600 });
  chmodSync(file, 0o600);
  return secret;
}
