import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { openPglite } from "./pglite.ts";
import { storeContract } from "./Store.contract.ts";

const dir = mkdtempSync(join(tmpdir(), "plaza-pglite-"));
// Created on first open (initdb, seconds), then reused by the on-disk contract below (reopen, fast).
const dataDir = join(dir, "nested", "pglite");
afterAll(() => rmSync(dir, { recursive: true, force: true }));

storeContract("pglite (memory)", () => openPglite(undefined));

describe("pglite on disk", () => {
  it("creates a missing data directory and keeps data across close and reopen", async () => {
    const first = await openPglite(dataDir);
    const owner = await first.createUser({ email: "keep@example.com", name: "Keeper", passwordHash: "h" });
    const team = await first.createTeam("Kept", owner.id);
    await first.createSpace({
      id: "kept", teamId: team.id, name: "Kept", visibility: "private", template: "small-office",
      baseMap: { w: 1 }, tileset: new Uint8Array([1, 2, 3]), entities: [{ id: "e", rev: 0, data: { a: 1 } }],
    });
    expect(await first.commitEdit("kept", { expectVersion: 0, authorId: owner.id, op: {}, puts: [{ id: "f", rev: 1, data: {} }], deletes: [] })).toBe(1);
    await first.close();

    // Reopening runs the migrations again: already applied, they must be skipped.
    const again = await openPglite(dataDir);
    try {
      expect(await again.userByEmail("KEEP@example.com")).toMatchObject({ id: owner.id, passwordHash: "h" });
      expect(await again.roleIn(team.id, owner.id)).toBe("owner");
      expect(await again.content("kept")).toEqual({ version: 1, entities: [{ id: "e", rev: 0, data: { a: 1 } }, { id: "f", rev: 1, data: {} }] });
      expect(Array.from((await again.baseMap("kept"))!.tileset!)).toEqual([1, 2, 3]);
    } finally {
      await again.close();
    }
  });
});

storeContract("pglite (on disk, reopened)", () => openPglite(dataDir));
