/**
 * TURN credentials by the TURN REST scheme (coturn's `use-auth-secret`, SPEC SF8): the username is
 * `<expiry unix seconds>:<user>`, the password base64(HMAC-SHA1(secret, username)). coturn checks
 * both with the same shared secret and refuses the username once its expiry has passed, so a
 * credential handed to someone admitted to a space stops working on its own; nothing is stored.
 */
import { createHmac } from "node:crypto";

export interface TurnSettings {
  /** turn:/turns: URLs browsers use, e.g. `turn:turn.example.org:3478?transport=udp`. */
  urls: string[];
  /** coturn's `static-auth-secret`. */
  secret: string;
  /** Lifetime of one credential, s. */
  ttlS: number;
}

export interface TurnServer { urls: string[]; username: string; credential: string }

/** A fresh credential for `user` (a session id: no personal data goes to the TURN server's logs). */
export function turnCredential(t: TurnSettings, user: string, nowMs = Date.now()): TurnServer & { expiresAt: number } {
  const expiry = Math.floor(nowMs / 1000) + t.ttlS;
  const username = `${expiry}:${user}`;
  const credential = createHmac("sha1", t.secret).update(username).digest("base64");
  return { urls: t.urls, username, credential, expiresAt: expiry * 1000 };
}
