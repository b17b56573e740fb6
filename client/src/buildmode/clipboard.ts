/**
 * Copy and paste in build mode (BM10): the selected object, area or spawn point, pasted as new
 * edits (place / zone / spawn) through the same rules, where the pointer is. Pure.
 */
import type { BuildOp, ObjectKind, Rot, WorldContent, ZoneKind } from "../../../shared/world.ts";

export type Clipboard =
  | { type: "thing"; kind: ObjectKind; rot: Rot; x: number; y: number }
  | { type: "zone"; kind: ZoneKind; name: string; w: number; h: number; x: number; y: number }
  | { type: "spawn"; x: number; y: number };

/** What `id` is, to paste later; undefined for an unknown id. */
export function copySelection(w: WorldContent, id: string): Clipboard | undefined {
  const t = w.things.get(id);
  if (t) return { type: "thing", kind: t.kind, rot: t.rot, x: t.x, y: t.y };
  const z = w.zones.get(id);
  if (z) return { type: "zone", kind: z.kind, name: z.name, w: z.w, h: z.h, x: z.x, y: z.y };
  const s = w.spawns.get(id);
  if (s) return { type: "spawn", x: s.x, y: s.y };
  return undefined;
}

/**
 * The edits that paste `c` with its top-left at `at` (the tile under the pointer), or one tile
 * right of and below the original when the pointer is off the map. A pasted area gets "copy" in
 * its name so the two can be told apart.
 */
export function pasteOps(c: Clipboard, at: { x: number; y: number } | undefined): BuildOp[] {
  const x = at?.x ?? c.x + 1;
  const y = at?.y ?? c.y + 1;
  switch (c.type) {
    case "thing":
      return [{ op: "place", kind: c.kind, x, y, rot: c.rot }];
    case "zone":
      return [{ op: "zone", kind: c.kind, name: `${c.name} copy`.slice(0, 40), x, y, w: c.w, h: c.h }];
    case "spawn":
      return [{ op: "spawn", x, y }];
  }
}
