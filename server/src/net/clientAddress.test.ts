import { describe, expect, it } from "vitest";
import type { IncomingMessage } from "node:http";
import { clientAddress, compileTrustProxy, pinClientAddress } from "./clientAddress.ts";

const req = (peer: string, headers: Record<string, string> = {}) =>
  ({ socket: { remoteAddress: peer }, connection: { remoteAddress: peer }, headers: { ...headers } }) as unknown as IncomingMessage;

describe("client address (SE8)", () => {
  it("SE8 without TRUST_PROXY the socket's peer is the client, whatever the headers say", () => {
    const trust = compileTrustProxy(undefined);
    expect(clientAddress(req("198.51.100.7", { "x-forwarded-for": "203.0.113.1" }), trust)).toBe("198.51.100.7");
    expect(clientAddress(req("::ffff:198.51.100.7"), trust)).toBe("198.51.100.7");
  });

  it("SE8 behind a trusted proxy the forwarded client is used; a spoofed hop in front of it is not", () => {
    const trust = compileTrustProxy("loopback");
    expect(clientAddress(req("127.0.0.1", { "x-forwarded-for": "203.0.113.1" }), trust)).toBe("203.0.113.1");
    // The client wrote its own X-Forwarded-For; the proxy appended the real address: the last untrusted hop wins.
    expect(clientAddress(req("127.0.0.1", { "x-forwarded-for": "10.9.9.9, 203.0.113.1" }), trust)).toBe("203.0.113.1");
    // From a peer that is not a trusted proxy, the header is ignored.
    expect(clientAddress(req("198.51.100.7", { "x-forwarded-for": "203.0.113.1" }), trust)).toBe("198.51.100.7");
    expect(clientAddress(req("127.0.0.1", { "x-forwarded-for": "10.9.9.9, 203.0.113.1" }), compileTrustProxy("1"))).toBe("203.0.113.1");
  });

  it("SE8 pinning sets X-Real-IP (what Colyseus reads first) to the resolved address and drops X-Client-IP", () => {
    const r = req("198.51.100.7", { "x-real-ip": "203.0.113.66", "x-client-ip": "203.0.113.67", "x-forwarded-for": "203.0.113.68" });
    expect(pinClientAddress(r, compileTrustProxy(undefined))).toBe("198.51.100.7");
    expect(r.headers["x-real-ip"]).toBe("198.51.100.7");
    expect(r.headers["x-client-ip"]).toBeUndefined();
  });

  it("SE8 TRUST_PROXY=true is refused (it would believe anyone)", () => {
    expect(() => compileTrustProxy("true")).toThrow(/TRUST_PROXY/);
  });
});
