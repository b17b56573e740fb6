import { describe, expect, it } from "vitest";
import { chooseSpawn } from "./spawn.ts";

describe("SP1 spawn choice", () => {
  const spawns = [{ x: 1, y: 1 }, { x: 5, y: 1 }, { x: 9, y: 1 }];
  it("uses the first spawn point in an empty space", () => {
    expect(chooseSpawn(spawns, [])).toEqual({ x: 1, y: 1 });
  });
  it("spreads arrivals over the least crowded spawn point", () => {
    expect(chooseSpawn(spawns, [{ x: 1, y: 1 }, { x: 2, y: 1 }, { x: 5, y: 2 }])).toEqual({ x: 9, y: 1 });
  });
});
