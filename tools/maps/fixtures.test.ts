/** The committed import fixtures are exactly what draw-fixtures.ts writes (deterministic, MP6). */
import { describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import { buildFixture, FIXTURE_DIR } from "./draw-fixtures.ts";

describe("import fixtures", () => {
  it("tools/maps/fixtures/wa-office matches its script", () => {
    for (const [name, bytes] of Object.entries(buildFixture())) {
      expect([name, Buffer.from(bytes).equals(readFileSync(`${FIXTURE_DIR}${name}`))]).toEqual([name, true]);
    }
  });
});
