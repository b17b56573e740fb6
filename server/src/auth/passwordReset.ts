/**
 * Password-reset links (SPEC AC6, AC8), signed rather than stored:
 *
 *   <email, base64url>.<expires, unix s>.<fingerprint>.<mac>
 *
 * The fingerprint is an HMAC of the account's password hash at the time of issue, so a link works
 * only while that hash is unchanged: setting the new password (a fresh argon2id hash, new salt)
 * spends it, and every other link issued before. The mac covers the rest under a key derived from
 * PLAZA_SECRET, so any process of a cluster checks a link without a table of its own, and a link is
 * never valid as anything else (session, resume token). Nothing here reads a clock or the store:
 * callers pass the time and the stored hash.
 *
 * Also here: the operator's proof for `npm run reset-link` (a short-lived HMAC of the email under
 * another key derived from the secret: whoever holds the secret can already sign any session) and
 * the rule of who may issue a link for whom (AC8).
 */
import { createHmac, timingSafeEqual } from "node:crypto";
import { RANK, type Role } from "../../../shared/authz.ts";
import { ResetErrorCode } from "../../../shared/passwordReset.ts";

/** 128 bits of HMAC-SHA256. */
const MAC_BYTES = 16;
/** 96 bits: telling an old hash from the current one needs no more. */
const FINGERPRINT_BYTES = 12;
/** How long the operator's proof is accepted, s: one command's round trip. */
export const OPERATOR_PROOF_S = 60;

/** A link that cannot be used, with its stable code (shared/passwordReset.ts). */
export class ResetLinkError extends Error {
  override name = "ResetLinkError";
  constructor(readonly code: ResetErrorCode, message: string) {
    super(message);
  }
}

/** What a well-formed, genuine link says; whether it is still usable needs the stored hash (`usable`). */
export interface ResetClaim {
  /** The account's email (lower case): the key a link is issued for, and what the reset page shows. */
  email: string;
  expiresAtS: number;
  fingerprint: string;
}

export class PasswordResetLinks {
  private readonly linkKey: Buffer;
  private readonly operatorKey: Buffer;

  constructor(secret: string, readonly ttlS: number) {
    this.linkKey = createHmac("sha256", secret).update("plaza password reset links v1").digest();
    this.operatorKey = createHmac("sha256", secret).update("plaza operator reset-link v1").digest();
  }

  /** A link for the account whose password hash is `passwordHash` now, valid for ttlS from `nowMs`. */
  issue(email: string, passwordHash: string, nowMs: number): { token: string; expiresAt: Date } {
    const account = email.toLowerCase();
    const expiresAtS = Math.floor(nowMs / 1000) + this.ttlS;
    const fingerprint = this.fingerprint(passwordHash);
    const mac = this.mac(account, expiresAtS, fingerprint);
    return { token: `${Buffer.from(account).toString("base64url")}.${expiresAtS}.${fingerprint}.${mac}`, expiresAt: new Date(expiresAtS * 1000) };
  }

  /** The claim of a token this deployment issued; ResetLinkError `reset_link_invalid` for anything else. */
  read(token: string): ResetClaim {
    const parts = token.trim().split(".");
    const invalid = new ResetLinkError(ResetErrorCode.LINK_INVALID, "this reset link is not valid: copy the whole link, or ask for a new one");
    if (parts.length !== 4) throw invalid;
    const [account, exp, fingerprint, mac] = parts;
    const email = Buffer.from(account, "base64url").toString("utf8");
    const expiresAtS = Number(exp);
    if (!email || !/^\d{1,12}$/.test(exp) || !fingerprint) throw invalid;
    if (!sameBytes(mac, this.mac(email, expiresAtS, fingerprint))) throw invalid;
    return { email, expiresAtS, fingerprint };
  }

  /**
   * Throws unless the claim may replace `passwordHash` (the account's now) at `nowMs`:
   * `reset_link_used` when that is no longer the hash it was issued for (used, or the password
   * changed since), `reset_link_expired` after its time.
   */
  checkUsable(claim: ResetClaim, passwordHash: string, nowMs: number): void {
    if (!sameBytes(claim.fingerprint, this.fingerprint(passwordHash))) throw linkUsed();
    if (nowMs >= claim.expiresAtS * 1000) {
      throw new ResetLinkError(ResetErrorCode.LINK_EXPIRED, "this reset link has expired: ask for a new one");
    }
  }

  /** The operator's proof that they hold the secret, for one email, until `nowMs` + OPERATOR_PROOF_S. */
  operatorProof(email: string, nowMs: number): string {
    const exp = Math.floor(nowMs / 1000) + OPERATOR_PROOF_S;
    return `${exp}.${this.operatorMac(email, exp)}`;
  }

  operatorProofValid(proof: string, email: string, nowMs: number): boolean {
    const [exp, mac, ...rest] = proof.split(".");
    if (rest.length || !/^\d{1,12}$/.test(exp ?? "") || !mac) return false;
    return nowMs < Number(exp) * 1000 && sameBytes(mac, this.operatorMac(email, Number(exp)));
  }

  private fingerprint(passwordHash: string): string {
    return createHmac("sha256", this.linkKey).update(`password\n${passwordHash}`).digest().subarray(0, FINGERPRINT_BYTES).toString("base64url");
  }

  private mac(email: string, expiresAtS: number, fingerprint: string): string {
    return createHmac("sha256", this.linkKey).update(`link\n${email}\n${expiresAtS}\n${fingerprint}`).digest().subarray(0, MAC_BYTES).toString("base64url");
  }

  private operatorMac(email: string, expS: number): string {
    return createHmac("sha256", this.operatorKey).update(`${email.trim().toLowerCase()}\n${expS}`).digest().subarray(0, MAC_BYTES).toString("base64url");
  }
}

/** `reset_link_used`: also for an account that is gone or has no password any more. */
export function linkUsed(): ResetLinkError {
  return new ResetLinkError(ResetErrorCode.LINK_USED, "this reset link was already used (or the password changed since): sign in, or ask for a new link");
}

function sameBytes(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** One of the target account's teams other than the issuer's: its role there and how many people it has. */
export interface OtherTeam {
  role: Role;
  members: number;
}

/**
 * AC8: may someone with `actor`'s role in a team issue a reset link for a member holding `target`
 * there? A link is the account itself, so it must reach nothing the issuer does not already run:
 * only owners and admins, only for accounts of lower rank, never their own, and only for accounts
 * in no other team with anyone else in it (a team of one, like the one everyone gets at sign-up,
 * is fine). Returns why not, or null when they may.
 */
export function resetLinkRefusal(actor: Role | null, target: Role, self: boolean, otherTeams: OtherTeam[]): string | null {
  if (self) return "use \"Forgot password?\" on the sign-in page for your own account";
  if (actor === null || RANK[actor] < RANK.admin) return "only owners and admins issue reset links";
  if (RANK[target] >= RANK[actor]) return `a ${actor} cannot issue a reset link for a ${target}`;
  if (otherTeams.some((t) => t.members > 1)) return "this person is also in another team: the operator can issue their link (npm run reset-link)";
  return null;
}
