/**
 * Resume tokens (SPEC SE6): proof that a re-joining client is the tab that held a session.
 * Session ids are public (every avatar in the synced state is keyed by one), so `resume` with a
 * bare session id would let anyone take someone's place and delete their stored position. The
 * room hands each client, privately in `welcome`, `<sessionId>.<mac>`: an HMAC of the space and
 * the session under the deployment's secret. Any process of the cluster can check it (they share
 * PLAZA_SECRET); nothing is stored.
 */
import { createHmac, timingSafeEqual } from "node:crypto";

/** 128 bits of HMAC-SHA256, base64url: 22 characters. */
const MAC_BYTES = 16;

export class ResumeTokens {
  private readonly key: Buffer;

  constructor(secret: string) {
    // A key of its own, derived from the secret, so a resume token is never a valid anything-else.
    this.key = createHmac("sha256", secret).update("plaza resume tokens v1").digest();
  }

  /** The token a client re-joins `spaceId` with to continue `sessionId`. */
  sign(spaceId: string, sessionId: string): string {
    return `${sessionId}.${this.mac(spaceId, sessionId).toString("base64url")}`;
  }

  /** The session a token continues in `spaceId`, or undefined when it is not one this deployment signed for that space. */
  verify(spaceId: string, token: string): string | undefined {
    const dot = token.lastIndexOf(".");
    if (dot <= 0) return undefined;
    const sessionId = token.slice(0, dot);
    const given = Buffer.from(token.slice(dot + 1), "base64url");
    const expected = this.mac(spaceId, sessionId);
    return given.length === expected.length && timingSafeEqual(given, expected) ? sessionId : undefined;
  }

  private mac(spaceId: string, sessionId: string): Buffer {
    return createHmac("sha256", this.key).update(`${spaceId}\n${sessionId}`).digest().subarray(0, MAC_BYTES);
  }
}
