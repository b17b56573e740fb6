import { describe, expect, it } from "vitest";
import { ResetErrorCode } from "../../../shared/passwordReset.ts";
import { linkUsed, PasswordResetLinks, ResetLinkError, resetLinkRefusal } from "./passwordReset.ts";

const SECRET = "s".repeat(40);
const T0 = Date.UTC(2026, 11, 5, 12, 0, 0);
const links = new PasswordResetLinks(SECRET, 30 * 60);

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
    return undefined;
  } catch (err) {
    return err instanceof ResetLinkError ? err.code : `not a ResetLinkError: ${String(err)}`;
  }
}

describe("AC6 reset links", () => {
  it("AC6 a link names its account and works against the hash it was issued for, until it expires", () => {
    const { token, expiresAt } = links.issue("Ada@Example.com", "$argon2id$old", T0);
    expect(expiresAt.getTime()).toBe(T0 + 30 * 60_000);
    const claim = links.read(token);
    expect(claim.email).toBe("ada@example.com");
    expect(codeOf(() => links.checkUsable(claim, "$argon2id$old", T0 + 29 * 60_000))).toBeUndefined();
    expect(codeOf(() => links.checkUsable(claim, "$argon2id$old", T0 + 30 * 60_000))).toBe(ResetErrorCode.LINK_EXPIRED);
  });

  it("AC6 once the password hash changed (the link was used, or the password set otherwise) it is spent", () => {
    const claim = links.read(links.issue("ada@example.com", "$argon2id$old", T0).token);
    expect(codeOf(() => links.checkUsable(claim, "$argon2id$new", T0))).toBe(ResetErrorCode.LINK_USED);
    expect(linkUsed().code).toBe(ResetErrorCode.LINK_USED);
  });

  it("AC6 an altered, cut or foreign link is invalid, never another account's", () => {
    const { token } = links.issue("ada@example.com", "$argon2id$old", T0);
    const [account, exp, fp, mac] = token.split(".");
    const other = Buffer.from("eve@example.com").toString("base64url");
    for (const bad of [
      `${other}.${exp}.${fp}.${mac}`, // someone else's account
      `${account}.${Number(exp) + 3600}.${fp}.${mac}`, // a longer life
      `${account}.${exp}.${fp}.${mac.slice(0, -1)}`, // cut short
      `${account}.${exp}.${fp}`, "", ".", "a.b.c.d", `${token}.x`,
      new PasswordResetLinks("t".repeat(40), 1800).issue("ada@example.com", "$argon2id$old", T0).token, // another deployment
    ]) {
      expect(codeOf(() => links.read(bad)), bad).toBe(ResetErrorCode.LINK_INVALID);
    }
  });

  it("AC8 the operator's proof is for one email, for a minute, from this secret only", () => {
    const proof = links.operatorProof("Ada@example.com", T0);
    expect(links.operatorProofValid(proof, "ada@example.com", T0 + 59_000)).toBe(true);
    expect(links.operatorProofValid(proof, "ada@example.com", T0 + 60_000)).toBe(false);
    expect(links.operatorProofValid(proof, "eve@example.com", T0)).toBe(false);
    expect(new PasswordResetLinks("t".repeat(40), 1800).operatorProofValid(proof, "ada@example.com", T0)).toBe(false);
    // A reset link is not an operator proof, nor the other way round.
    expect(links.operatorProofValid(links.issue("ada@example.com", "h", T0).token, "ada@example.com", T0)).toBe(false);
    expect(codeOf(() => links.read(proof))).toBe(ResetErrorCode.LINK_INVALID);
    for (const bad of ["", ".", "1.2.3", `${proof}x`]) expect(links.operatorProofValid(bad, "ada@example.com", T0)).toBe(false);
  });
});

describe("AC8 who may hand out a reset link", () => {
  const solo = [{ role: "owner" as const, members: 1 }];
  it("owners and admins, for lower ranks, not themselves", () => {
    expect(resetLinkRefusal("owner", "admin", false, solo)).toBeNull();
    expect(resetLinkRefusal("admin", "member", false, solo)).toBeNull();
    expect(resetLinkRefusal("admin", "builder", false, [])).toBeNull();
    expect(resetLinkRefusal("admin", "admin", false, solo)).toMatch(/cannot/);
    expect(resetLinkRefusal("owner", "owner", false, solo)).toMatch(/cannot/);
    expect(resetLinkRefusal("builder", "member", false, solo)).toMatch(/owners and admins/);
    expect(resetLinkRefusal(null, "member", false, solo)).toMatch(/owners and admins/);
    expect(resetLinkRefusal("owner", "member", true, solo)).toMatch(/Forgot password/);
  });

  it("never for someone who is also in a team with other people: that account reaches beyond the issuer's team", () => {
    expect(resetLinkRefusal("owner", "member", false, [...solo, { role: "guest", members: 2 }])).toMatch(/operator/);
  });
});
