import { describe, expect, it } from "vitest";
import { createHmac } from "node:crypto";
import { turnCredential } from "./turn.ts";

describe("TURN REST credentials (SF8)", () => {
  it("username is expiry:user, credential the base64 HMAC-SHA1 of it under the shared secret", () => {
    const c = turnCredential({ urls: ["turn:127.0.0.1:3478"], secret: "s3cret", ttlS: 600 }, "abc", 1_700_000_000_000);
    expect(c.username).toBe("1700000600:abc");
    expect(c.credential).toBe(createHmac("sha1", "s3cret").update("1700000600:abc").digest("base64"));
    expect(c.expiresAt).toBe(1_700_000_600_000);
    expect(c.urls).toEqual(["turn:127.0.0.1:3478"]);
  });
});
