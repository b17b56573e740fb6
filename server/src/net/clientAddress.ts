/**
 * Who is really on the other end of a request (SPEC SE8). Behind a reverse proxy every request
 * comes from the proxy, and the client's address is in `X-Forwarded-For`; but that header is
 * whatever the sender wrote, so it is believed only for hops that `TRUST_PROXY` names. Express
 * (`req.ip`) and the matchmaker (Colyseus's `AuthContext.ip`) use the same rule.
 */
import type { IncomingMessage } from "node:http";
import proxyaddr from "proxy-addr";

/** A compiled TRUST_PROXY: may the hop at `addr` (i-th from the socket) be believed? */
export type TrustProxy = (addr: string, i: number) => boolean;

/**
 * TRUST_PROXY as Express documents it: unset or "false" trusts nobody (the socket's peer is the
 * client); "loopback", "uniquelocal", CIDRs or addresses, comma-separated; a number trusts that
 * many hops. "true" (everyone) is refused: anybody could then claim any address.
 */
export function compileTrustProxy(setting: string | undefined): TrustProxy {
  const s = (setting ?? "").trim();
  if (s === "" || s === "false" || s === "0") return () => false;
  if (s === "true") throw new Error("TRUST_PROXY=true would believe any X-Forwarded-For: name your proxies (e.g. loopback, 10.0.0.0/8) or a hop count");
  if (/^\d+$/.test(s)) {
    const hops = Number(s);
    return (_addr, i) => i < hops;
  }
  return proxyaddr.compile(s.split(",").map((p) => p.trim()).filter(Boolean));
}

/** The client's address of a Node request (HTTP or WebSocket upgrade) under `trust`. */
export function clientAddress(req: IncomingMessage, trust: TrustProxy): string {
  return normalise(proxyaddr(req as Parameters<typeof proxyaddr>[0], trust));
}

/** IPv4-mapped IPv6 (`::ffff:1.2.3.4`) and IPv4 are one address. */
function normalise(addr: string): string {
  return addr.startsWith("::ffff:") && addr.includes(".") ? addr.slice(7) : addr;
}

/**
 * Sets a request's `X-Real-IP` to the address resolved under `trust`. Colyseus reads a client's
 * address from the first of X-Real-IP, X-Forwarded-For and X-Client-IP without asking who wrote
 * them; with X-Real-IP pinned (and X-Client-IP dropped) its `AuthContext.ip` is the trusted one.
 * X-Forwarded-For stays for Express, which reads it under the same `trust`. Run on every request
 * and upgrade before Colyseus sees it.
 */
export function pinClientAddress(req: IncomingMessage, trust: TrustProxy): string {
  const addr = clientAddress(req, trust);
  delete req.headers["x-client-ip"];
  req.headers["x-real-ip"] = addr;
  return addr;
}
