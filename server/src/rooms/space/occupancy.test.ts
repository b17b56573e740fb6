import { expect, it } from "vitest";
import { occupancySample } from "./occupancy.ts";

it("AN1 an occupancy sample counts people per occupied tile", () => {
  const rows = occupancySample("hq", "2026-11-22 10:00:00", [{ x: 1, y: 1 }, { x: 1, y: 1 }, { x: 4, y: 2 }]);
  expect(rows).toEqual([
    { ts: "2026-11-22 10:00:00", space: "hq", x: 1, y: 1, people: 2 },
    { ts: "2026-11-22 10:00:00", space: "hq", x: 4, y: 2, people: 1 },
  ]);
  expect(occupancySample("hq", "t", [])).toEqual([]);
});
