import { describe, expect, it } from "vitest";
import { parseTiledMap } from "../../../shared/map.ts";
import { asciiTiledMap } from "../../../shared/testing/asciiMap.ts";
import { applyChange, emptyWorld, planEdit, type BuildOp, type Editor } from "../../../shared/world.ts";
import { copySelection, pasteOps } from "./clipboard.ts";

const base = parseTiledMap(asciiTiledMap(["##########", "#S.......#", "#........#", "#........#", "##########"]));
const me: Editor = { userId: "u1", name: "Ada", canBuild: true, canClaim: true };

describe("copy and paste in build mode (BM10)", () => {
  it("pastes a turned desk and a named area where the pointer is, through the room's rules", () => {
    const w = emptyWorld();
    let n = 0;
    const room = (op: BuildOp) => {
      const p = planEdit(base, w, op, me, () => String(++n));
      if (p.ok) applyChange(w, p.change);
      return p;
    };
    const desk = room({ op: "place", kind: "desk", x: 2, y: 1, rot: 1 });
    const zone = room({ op: "zone", kind: "private", x: 5, y: 1, w: 2, h: 2, name: "Huddle" });
    const deskCopy = pasteOps(copySelection(w, desk.ok ? desk.created! : "")!, { x: 3, y: 2 });
    expect(deskCopy).toEqual([{ op: "place", kind: "desk", x: 3, y: 2, rot: 1 }]);
    expect(room(deskCopy[0]!).ok).toBe(true);
    const zoneCopy = pasteOps(copySelection(w, zone.ok ? zone.created! : "")!, undefined);
    expect(zoneCopy).toEqual([{ op: "zone", kind: "private", name: "Huddle copy", x: 6, y: 2, w: 2, h: 2 }]);
    expect(room(zoneCopy[0]!).ok).toBe(true);
    // Pasting onto the copy itself is refused by the same rule as any placement.
    const again = room(deskCopy[0]!);
    expect(again.ok).toBe(false);
  });

  it("copies nothing for an id that is gone", () => {
    expect(copySelection(emptyWorld(), "o:gone")).toBeUndefined();
  });
});
