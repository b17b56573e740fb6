import { describe, expect, it } from "vitest";
import { PersonKeys, personKey } from "./PersonKeys.ts";

describe("person keys (IM10)", () => {
  it("are short: one character for the first 62 people, two up to 3,844", () => {
    expect(personKey(0)).toBe("0");
    expect(personKey(61)).toBe("Z");
    expect(personKey(62)).toBe("10");
    expect(personKey(62 * 62 - 1)).toBe("ZZ");
    expect(personKey(62 * 62)).toBe("100");
  });

  it("are distinct for every n (seeded sample) and only use the protocol's id characters", () => {
    const seen = new Set<string>();
    for (let n = 0; n < 20_000; n++) {
      const k = personKey(n);
      expect(k).toMatch(/^[A-Za-z0-9]{1,3}$/);
      seen.add(k);
    }
    expect(seen.size).toBe(20_000);
  });

  it("map sessions to keys both ways, keep a session's key until it leaves, and never reuse one", () => {
    const keys = new PersonKeys();
    const a = keys.assign("sessionAAA");
    const b = keys.assign("sessionBBB");
    expect(a).not.toBe(b);
    expect(keys.assign("sessionAAA")).toBe(a); // a reconnect keeps it
    expect(keys.sessionOf(b)).toBe("sessionBBB");
    keys.release("sessionAAA");
    expect(keys.keyOf("sessionAAA")).toBeUndefined();
    expect(keys.sessionOf(a)).toBeUndefined();
    const c = keys.assign("sessionCCC");
    expect([a, b]).not.toContain(c);
    expect(keys.assign("sessionAAA")).not.toBe(a); // back after leaving: a new person to the others
    expect(keys.size).toBe(3);
  });
});
