import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { parseClientMessage, parseJoinOptions, seqAtOrAfter, PROTOCOL_VERSION, isClientMessageType, clientMessageSchemas, peersFromWire, peersToWire, type PeersUpdate } from "./protocol.ts";
import { NAME_MAX } from "./constants.ts";

const join = { protocol: PROTOCOL_VERSION, spaceId: "acme-hq", name: "Ada", look: 2 };

describe("PR1 protocol version", () => {
  it("accepts the current version and flags any other as a mismatch", () => {
    expect(parseJoinOptions(join).ok).toBe(true);
    const old = parseJoinOptions({ ...join, protocol: PROTOCOL_VERSION - 1 });
    expect(old.ok).toBe(false);
    expect(old.protocolMismatch).toBe(true);
    expect(parseJoinOptions({ ...join, protocol: undefined }).protocolMismatch).toBe(true);
  });
});

describe("PR2 display names", () => {
  it("trims and collapses whitespace", () => {
    const r = parseJoinOptions({ ...join, name: "  Ada   Lovelace " });
    expect(r.ok && r.value.name).toBe("Ada Lovelace");
  });
  it("refuses empty, too long and control-character names", () => {
    expect(parseJoinOptions({ ...join, name: "   " }).ok).toBe(false);
    expect(parseJoinOptions({ ...join, name: "x".repeat(NAME_MAX + 1) }).ok).toBe(false);
    expect(parseJoinOptions({ ...join, name: "a\u0000b" }).ok).toBe(false);
    expect(parseJoinOptions({ ...join, name: 42 }).ok).toBe(false);
  });
  it("keeps markup-looking names as plain text (rendering never interprets them)", () => {
    const r = parseJoinOptions({ ...join, name: "<img src=x>" });
    expect(r.ok && r.value.name).toBe("<img src=x>");
  });
});

describe("PR3 space ids and looks", () => {
  it("refuses ids that are not lower-case letters, digits and dashes", () => {
    for (const spaceId of ["", "-x", "Acme", "a b", "../etc", "x".repeat(41), 7]) {
      expect(parseJoinOptions({ ...join, spaceId }).ok, String(spaceId)).toBe(false);
    }
  });
  it("refuses looks outside the palette", () => {
    expect(parseJoinOptions({ ...join, look: 99 }).ok).toBe(false);
    expect(parseJoinOptions({ ...join, look: 1.5 }).ok).toBe(false);
  });
});

describe("PR4 move messages", () => {
  it("accepts a well-formed move", () => {
    expect(parseClientMessage("move", { seq: 1, x: 3, y: 4, dir: 2 })).toEqual({ ok: true, value: { seq: 1, x: 3, y: 4, dir: 2 } });
  });
  it("refuses wrong types, ranges, extra fields and missing fields", () => {
    for (const bad of [null, "move", [], { seq: 1, x: 3, y: 4 }, { seq: -1, x: 3, y: 4, dir: 0 }, { seq: 1, x: 3.5, y: 4, dir: 0 }, { seq: 1, x: 3, y: 4, dir: 7 }, { seq: 1, x: 3, y: 4, dir: 0, admin: true }, { seq: 70000, x: 1, y: 1, dir: 0 }]) {
      expect(parseClientMessage("move", bad).ok, JSON.stringify(bad)).toBe(false);
    }
  });
  it("knows only the declared message types", () => {
    expect(isClientMessageType("move")).toBe(true);
    expect(isClientMessageType("teleport")).toBe(false);
    expect(isClientMessageType("__proto__")).toBe(false);
    expect(isClientMessageType(1)).toBe(false);
  });
  it("never throws and only accepts valid shapes, whatever arrives (seeded fuzz)", () => {
    fc.assert(
      fc.property(fc.oneof(fc.anything(), fc.record({ seq: fc.integer(), x: fc.integer(), y: fc.integer(), dir: fc.integer({ min: -1, max: 5 }) })), (raw) => {
        const r = parseClientMessage("move", raw);
        if (r.ok) expect(clientMessageSchemas.move.safeParse(r.value).success).toBe(true);
        expect(() => parseJoinOptions(raw)).not.toThrow();
      }),
      { seed: 424242, numRuns: 2000 },
    );
  });
});

describe("sequence numbers wrap at 2^16", () => {
  it("compares across the wrap", () => {
    expect(seqAtOrAfter(5, 3)).toBe(true);
    expect(seqAtOrAfter(3, 5)).toBe(false);
    expect(seqAtOrAfter(2, 65530)).toBe(true);
    expect(seqAtOrAfter(65530, 2)).toBe(false);
  });
});

describe("PR5 peers on the wire leave out defaults", () => {
  const none: PeersUpdate = { peers: ["1", "a"], area: null, spotlight: null, speaking: [], listening: null };
  it("a plain conversation update carries only its peers", () => {
    expect(peersToWire(none)).toEqual({ peers: ["1", "a"] });
  });
  it("every update comes back as it was sent (property)", () => {
    const id = fc.stringMatching(/^[A-Za-z0-9]{1,3}$/);
    fc.assert(fc.property(
      fc.record({
        peers: fc.array(id, { maxLength: 8 }),
        area: fc.option(fc.string({ minLength: 1, maxLength: 10 })),
        spotlight: fc.option(fc.record({ speaker: id, listeners: fc.nat(500), audioOnly: fc.boolean() })),
        speaking: fc.array(id, { maxLength: 5 }),
        listening: fc.option(id),
      }),
      (u: PeersUpdate) => { expect(peersFromWire(peersToWire(u))).toEqual(u); },
    ), { seed: 5 });
  });
});
