/**
 * A space's editable content (SPEC BM rules): furniture objects, painted tiles, areas and spawn
 * points laid over the base Tiled map, and the build operations that change it. Pure: the room
 * validates every edit with `planEdit`, stores the resulting change durably, then applies it with
 * `applyChange`; the client compiles the same content into the map it walks on (`compileWorld`).
 *
 * Concurrency (BM3): objects, areas and spawns carry a revision. An edit of an existing entity
 * names the revision it saw; the room processes edits one at a time, so the first accepted edit
 * bumps the revision and any other edit made against the old one is refused with `conflict` and
 * its author sees the current state. Nobody's accepted edit is overwritten by someone who had not
 * seen it. Paint is per tile and last-writer-wins in the room's order (a stroke over a stroke is
 * itself a visible edit, and nothing is lost that its author did not paint over in view).
 */
import { z } from "zod";
import type { Area, SpaceMap, Tile } from "./map.ts";
import { isWalkable } from "./grid.ts";

export const OBJECT_KINDS = {
  desk: { w: 2, h: 1, blocks: true },
  chair: { w: 1, h: 1, blocks: false },
  plant: { w: 1, h: 1, blocks: true },
  whiteboard: { w: 2, h: 1, blocks: true },
  screen: { w: 2, h: 1, blocks: true },
  sofa: { w: 2, h: 1, blocks: true },
  table: { w: 2, h: 2, blocks: true },
} as const satisfies Record<string, { w: number; h: number; blocks: boolean }>;
export type ObjectKind = keyof typeof OBJECT_KINDS;
export const OBJECT_KIND_NAMES = Object.keys(OBJECT_KINDS) as ObjectKind[];

/** Paints; synced as 1 + index. "wall" blocks, the others are floors (walkable even over a base wall). */
export const PAINTS = ["wall", "wood", "carpet", "tiles", "grass"] as const;
export type Paint = (typeof PAINTS)[number];
export const ZONE_KINDS = ["private", "spotlight"] as const;
export type ZoneKind = (typeof ZONE_KINDS)[number];
export type Rot = 0 | 1 | 2 | 3;

/** Limits per space (BM6). */
export const WORLD_LIMITS = { things: 2000, zones: 64, spawns: 64, paintPerEdit: 512, paintedTiles: 20_000, zoneNameMax: 40 } as const;

export interface Thing { id: string; kind: ObjectKind; x: number; y: number; rot: Rot; rev: number; claimedBy: string | null; claimName: string | null }
export interface Zone { id: string; kind: ZoneKind; name: string; x: number; y: number; w: number; h: number; rev: number }
export interface SpawnPoint { id: string; x: number; y: number; rev: number }

export interface WorldContent {
  version: number;
  things: Map<string, Thing>;
  zones: Map<string, Zone>;
  spawns: Map<string, SpawnPoint>;
  /** Tile index (y * width + x) → paint. */
  paint: Map<number, Paint>;
}

export function emptyWorld(): WorldContent {
  return { version: 0, things: new Map(), zones: new Map(), spawns: new Map(), paint: new Map() };
}

// ---- the build protocol (client → room message `build`) ----

const coord = z.number().int().min(0).max(0xffff);
const rot = z.union([z.literal(0), z.literal(1), z.literal(2), z.literal(3)]);
const entityId = z.string().min(3).max(40).regex(/^[ozs]:[A-Za-z0-9_-]+$/);
const rev = z.number().int().min(0).max(2 ** 31);

export const buildOpSchema = z.discriminatedUnion("op", [
  z.object({ op: z.literal("place"), kind: z.enum(OBJECT_KIND_NAMES as [ObjectKind, ...ObjectKind[]]), x: coord, y: coord, rot }).strict(),
  /** Move and/or rotate an object, area or spawn (areas keep their size). */
  z.object({ op: z.literal("move"), id: entityId, rev, x: coord, y: coord, rot }).strict(),
  z.object({ op: z.literal("remove"), id: entityId, rev }).strict(),
  z.object({ op: z.literal("paint"), paint: z.enum([...PAINTS, "erase"]), tiles: z.array(z.tuple([coord, coord])).min(1).max(WORLD_LIMITS.paintPerEdit) }).strict(),
  z.object({
    op: z.literal("zone"), kind: z.enum(ZONE_KINDS), x: coord, y: coord,
    w: z.number().int().min(1).max(256), h: z.number().int().min(1).max(256),
    name: z.string().transform((s) => s.trim()).pipe(z.string().min(1).max(WORLD_LIMITS.zoneNameMax)),
  }).strict(),
  z.object({ op: z.literal("spawn"), x: coord, y: coord }).strict(),
  /** Claim a desk (BM5); `release` gives it back. */
  z.object({ op: z.literal("claim"), id: entityId, release: z.boolean().optional() }).strict(),
]);
export type BuildOp = z.infer<typeof buildOpSchema>;

/** Why an edit was refused (stable codes, shown to the author). */
export const EditRefusal = {
  FORBIDDEN: "forbidden",
  INVALID: "invalid",
  NOT_FOUND: "not_found",
  CONFLICT: "conflict",
  LIMIT: "limit",
  STORAGE: "storage_unavailable",
  BUSY: "busy",
} as const;
export type EditRefusal = (typeof EditRefusal)[keyof typeof EditRefusal];

/** A change to stored entities: what an accepted edit writes (and the room then applies). */
export interface EntityPut { id: string; rev: number; data: Record<string, unknown> }
export interface WorldChange { puts: EntityPut[]; deletes: string[] }

export type EditPlan = { ok: true; change: WorldChange; created?: string } | { ok: false; code: EditRefusal; message: string };

export interface Editor {
  userId: string | null;
  name: string;
  /** BM2: may use build operations (builder and above); claim needs only `canClaim`. */
  canBuild: boolean;
  canClaim: boolean;
}

// ---- entity rows (what the store keeps) ----

export function paintId(index: number): string { return `p:${index}`; }

export function thingToRow(t: Thing): EntityPut {
  return { id: t.id, rev: t.rev, data: { type: "thing", kind: t.kind, x: t.x, y: t.y, rot: t.rot, claimedBy: t.claimedBy, claimName: t.claimName } };
}
function zoneToRow(z: Zone): EntityPut {
  return { id: z.id, rev: z.rev, data: { type: "zone", kind: z.kind, name: z.name, x: z.x, y: z.y, w: z.w, h: z.h } };
}
function spawnToRow(s: SpawnPoint): EntityPut {
  return { id: s.id, rev: s.rev, data: { type: "spawn", x: s.x, y: s.y } };
}

const rowSchema = z.discriminatedUnion("type", [
  z.object({ type: z.literal("thing"), kind: z.enum(OBJECT_KIND_NAMES as [ObjectKind, ...ObjectKind[]]), x: coord, y: coord, rot, claimedBy: z.string().nullable().default(null), claimName: z.string().nullable().default(null) }),
  z.object({ type: z.literal("zone"), kind: z.enum(ZONE_KINDS), name: z.string(), x: coord, y: coord, w: z.number().int(), h: z.number().int() }),
  z.object({ type: z.literal("spawn"), x: coord, y: coord }),
  z.object({ type: z.literal("paint"), paint: z.enum(PAINTS) }),
]);

/** Puts one stored entity into a content model (unknown or damaged rows are skipped, not fatal). */
export function putRow(w: WorldContent, row: EntityPut): boolean {
  const d = rowSchema.safeParse(row.data);
  if (!d.success) return false;
  const v = d.data;
  if (v.type === "thing") w.things.set(row.id, { id: row.id, rev: row.rev, kind: v.kind, x: v.x, y: v.y, rot: v.rot, claimedBy: v.claimedBy, claimName: v.claimName });
  else if (v.type === "zone") w.zones.set(row.id, { id: row.id, rev: row.rev, kind: v.kind, name: v.name, x: v.x, y: v.y, w: v.w, h: v.h });
  else if (v.type === "spawn") w.spawns.set(row.id, { id: row.id, rev: row.rev, x: v.x, y: v.y });
  else w.paint.set(Number(row.id.slice(2)), v.paint);
  return true;
}

export function deleteRow(w: WorldContent, id: string): void {
  if (id.startsWith("p:")) w.paint.delete(Number(id.slice(2)));
  else w.things.delete(id) || w.zones.delete(id) || w.spawns.delete(id);
}

export function worldFromRows(version: number, rows: EntityPut[]): WorldContent {
  const w = emptyWorld();
  w.version = version;
  for (const r of rows) putRow(w, r);
  return w;
}

/** Applies an accepted (stored) change. */
export function applyChange(w: WorldContent, change: WorldChange): void {
  for (const id of change.deletes) deleteRow(w, id);
  for (const p of change.puts) putRow(w, p);
  w.version += 1;
}

// ---- geometry ----

export function footprint(kind: ObjectKind, r: Rot): { w: number; h: number } {
  const k = OBJECT_KINDS[kind];
  return r % 2 === 0 ? { w: k.w, h: k.h } : { w: k.h, h: k.w };
}

function tilesOf(x: number, y: number, w: number, h: number): Tile[] {
  const out: Tile[] = [];
  for (let dy = 0; dy < h; dy++) for (let dx = 0; dx < w; dx++) out.push({ x: x + dx, y: y + dy });
  return out;
}

export function thingTiles(t: Pick<Thing, "kind" | "x" | "y" | "rot">): Tile[] {
  const f = footprint(t.kind, t.rot);
  return tilesOf(t.x, t.y, f.w, f.h);
}

function inMap(base: SpaceMap, x: number, y: number, w = 1, h = 1): boolean {
  return x >= 0 && y >= 0 && x + w <= base.width && y + h <= base.height;
}

/** Walls of the base map and painted walls/floors, without objects. */
function structuralBlocked(base: SpaceMap, w: WorldContent): Uint8Array {
  const blocked = base.blocked.slice();
  for (const [i, p] of w.paint) if (i < blocked.length) blocked[i] = p === "wall" ? 1 : 0;
  return blocked;
}

/** BM4: an object may not stand on a wall, nor a blocking object on another blocking object. */
function placementProblem(base: SpaceMap, w: WorldContent, t: Pick<Thing, "kind" | "x" | "y" | "rot">, ignore?: string): string | null {
  const f = footprint(t.kind, t.rot);
  if (!inMap(base, t.x, t.y, f.w, f.h)) return "outside the map";
  const walls = structuralBlocked(base, w);
  const tiles = thingTiles(t);
  if (tiles.some((p) => walls[p.y * base.width + p.x])) return "on a wall";
  const mine = new Set(tiles.map((p) => p.y * base.width + p.x));
  const blocksMe = OBJECT_KINDS[t.kind].blocks;
  for (const o of w.things.values()) {
    if (o.id === ignore) continue;
    // Two blocking objects never overlap, nor two of a kind (chair on chair); a chair may tuck under a desk.
    if (!(blocksMe && OBJECT_KINDS[o.kind].blocks) && o.kind !== t.kind) continue;
    if (thingTiles(o).some((p) => mine.has(p.y * base.width + p.x))) return `overlaps a ${o.kind}`;
  }
  return null;
}

// ---- planning an edit (pure; nothing is applied here) ----

/**
 * Checks one build operation against the current content and says what to store (BM1–BM6).
 * `newId` makes a fresh id for a created entity (the room passes a random one; tests a counter).
 */
export function planEdit(base: SpaceMap, w: WorldContent, op: BuildOp, editor: Editor, newId: () => string): EditPlan {
  const refuse = (code: EditRefusal, message: string): EditPlan => ({ ok: false, code, message });
  if (op.op === "claim" ? !editor.canClaim || editor.userId === null : !editor.canBuild) {
    return refuse(EditRefusal.FORBIDDEN, op.op === "claim" ? "only members can claim a desk" : "only builders can edit this space");
  }
  switch (op.op) {
    case "place": {
      if (w.things.size >= WORLD_LIMITS.things) return refuse(EditRefusal.LIMIT, `a space holds at most ${WORLD_LIMITS.things} objects`);
      const problem = placementProblem(base, w, op);
      if (problem) return refuse(EditRefusal.INVALID, `cannot place a ${op.kind} there: ${problem}`);
      const t: Thing = { id: `o:${newId()}`, kind: op.kind, x: op.x, y: op.y, rot: op.rot, rev: 1, claimedBy: null, claimName: null };
      return { ok: true, change: { puts: [thingToRow(t)], deletes: [] }, created: t.id };
    }
    case "move": {
      const cur = entity(w, op.id);
      if (!cur) return refuse(EditRefusal.NOT_FOUND, "that was removed by someone else");
      if (cur.value.rev !== op.rev) return refuse(EditRefusal.CONFLICT, "someone else changed this first: yours was not applied, you now see theirs");
      if (cur.type === "thing") {
        const moved = { ...cur.value, x: op.x, y: op.y, rot: op.rot, rev: cur.value.rev + 1 };
        const problem = placementProblem(base, w, moved, cur.value.id);
        if (problem) return refuse(EditRefusal.INVALID, `cannot move the ${moved.kind} there: ${problem}`);
        return { ok: true, change: { puts: [thingToRow(moved)], deletes: [] } };
      }
      if (cur.type === "zone") {
        const z = cur.value;
        // Rotating an area swaps its sides.
        const [zw, zh] = op.rot % 2 === 1 ? [z.h, z.w] : [z.w, z.h];
        if (!inMap(base, op.x, op.y, zw, zh)) return refuse(EditRefusal.INVALID, "the area would leave the map");
        return { ok: true, change: { puts: [zoneToRow({ ...z, x: op.x, y: op.y, w: zw, h: zh, rev: z.rev + 1 })], deletes: [] } };
      }
      if (!inMap(base, op.x, op.y)) return refuse(EditRefusal.INVALID, "outside the map");
      return { ok: true, change: { puts: [spawnToRow({ ...cur.value, x: op.x, y: op.y, rev: cur.value.rev + 1 })], deletes: [] } };
    }
    case "remove": {
      const cur = entity(w, op.id);
      if (!cur) return refuse(EditRefusal.NOT_FOUND, "that was already removed");
      if (cur.value.rev !== op.rev) return refuse(EditRefusal.CONFLICT, "someone else changed this first: yours was not applied, you now see theirs");
      return { ok: true, change: { puts: [], deletes: [op.id] } };
    }
    case "paint": {
      if (op.paint !== "erase" && w.paint.size + op.tiles.length > WORLD_LIMITS.paintedTiles) {
        return refuse(EditRefusal.LIMIT, `a space holds at most ${WORLD_LIMITS.paintedTiles} painted tiles: erase some first`);
      }
      const puts: EntityPut[] = [];
      const deletes: string[] = [];
      const seen = new Set<number>();
      for (const [x, y] of op.tiles) {
        if (!inMap(base, x, y)) return refuse(EditRefusal.INVALID, "paint outside the map");
        const i = y * base.width + x;
        if (seen.has(i)) continue;
        seen.add(i);
        if (op.paint === "erase") {
          if (w.paint.has(i)) deletes.push(paintId(i));
        } else if (w.paint.get(i) !== op.paint) {
          puts.push({ id: paintId(i), rev: 1, data: { type: "paint", paint: op.paint } });
        }
      }
      return { ok: true, change: { puts, deletes } };
    }
    case "zone": {
      if (w.zones.size >= WORLD_LIMITS.zones) return refuse(EditRefusal.LIMIT, `a space holds at most ${WORLD_LIMITS.zones} areas`);
      if (!inMap(base, op.x, op.y, op.w, op.h)) return refuse(EditRefusal.INVALID, "the area would leave the map");
      const z: Zone = { id: `z:${newId()}`, kind: op.kind, name: op.name, x: op.x, y: op.y, w: op.w, h: op.h, rev: 1 };
      return { ok: true, change: { puts: [zoneToRow(z)], deletes: [] }, created: z.id };
    }
    case "spawn": {
      if (w.spawns.size >= WORLD_LIMITS.spawns) return refuse(EditRefusal.LIMIT, `a space holds at most ${WORLD_LIMITS.spawns} spawn points`);
      if (!isWalkable({ width: base.width, height: base.height, blocked: structuralBlocked(base, w) }, op.x, op.y)) return refuse(EditRefusal.INVALID, "a spawn point must be on floor");
      const s: SpawnPoint = { id: `s:${newId()}`, x: op.x, y: op.y, rev: 1 };
      return { ok: true, change: { puts: [spawnToRow(s)], deletes: [] }, created: s.id };
    }
    case "claim": {
      const desk = w.things.get(op.id);
      if (!desk || desk.kind !== "desk") return refuse(EditRefusal.NOT_FOUND, "no such desk");
      if (op.release) {
        if (desk.claimedBy !== editor.userId && !editor.canBuild) return refuse(EditRefusal.FORBIDDEN, "this is not your desk");
        if (desk.claimedBy === null) return { ok: true, change: { puts: [], deletes: [] } };
        return { ok: true, change: { puts: [thingToRow({ ...desk, claimedBy: null, claimName: null, rev: desk.rev + 1 })], deletes: [] } };
      }
      if (desk.claimedBy !== null && desk.claimedBy !== editor.userId) return refuse(EditRefusal.CONFLICT, `this desk is ${desk.claimName ?? "someone else"}'s`);
      // One desk per person: claiming another gives the old one back, in the same edit.
      const puts = [...w.things.values()]
        .filter((t) => t.claimedBy === editor.userId && t.id !== desk.id)
        .map((t) => thingToRow({ ...t, claimedBy: null, claimName: null, rev: t.rev + 1 }));
      if (desk.claimedBy !== editor.userId) puts.push(thingToRow({ ...desk, claimedBy: editor.userId, claimName: editor.name, rev: desk.rev + 1 }));
      return { ok: true, change: { puts, deletes: [] } };
    }
  }
}

type AnyEntity = { type: "thing"; value: Thing } | { type: "zone"; value: Zone } | { type: "spawn"; value: SpawnPoint };
function entity(w: WorldContent, id: string): AnyEntity | undefined {
  const t = w.things.get(id);
  if (t) return { type: "thing", value: t };
  const z = w.zones.get(id);
  if (z) return { type: "zone", value: z };
  const s = w.spawns.get(id);
  return s ? { type: "spawn", value: s } : undefined;
}

// ---- compiling content onto the base map ----

/**
 * The map people walk on (BM7): base walls, then paint (wall blocks, floors open), then blocking
 * objects. Areas, spotlights and spawns come from the content; with no spawn left, the base map's.
 */
export function compileWorld(base: SpaceMap, w: WorldContent): SpaceMap {
  const blocked = structuralBlocked(base, w);
  for (const t of w.things.values()) {
    if (!OBJECT_KINDS[t.kind].blocks) continue;
    for (const p of thingTiles(t)) if (inMap(base, p.x, p.y)) blocked[p.y * base.width + p.x] = 1;
  }
  const walkable = { width: base.width, height: base.height, blocked };
  const zones = [...w.zones.values()].sort((a, b) => (a.id < b.id ? -1 : 1));
  const toArea = (z: Zone): Area => ({ name: z.name, kind: z.kind, x: z.x, y: z.y, width: z.w, height: z.h });
  const spawns = [...w.spawns.values()]
    .sort((a, b) => (a.id < b.id ? -1 : 1))
    .filter((s) => isWalkable(walkable, s.x, s.y))
    .map((s) => ({ x: s.x, y: s.y }));
  return {
    ...base,
    blocked,
    areas: zones.filter((z) => z.kind === "private").map(toArea),
    spotlights: zones.filter((z) => z.kind === "spotlight").map(toArea),
    spawns: spawns.length > 0 ? spawns : base.spawns,
  };
}

/** BM5: where the owner of a claimed desk appears: the free tile in front of it, else nearest around it. */
export function deskSpawn(map: SpaceMap, desk: Thing): Tile | null {
  const f = footprint(desk.kind, desk.rot);
  // Front side per rotation: rot 0 faces down (person sits below), then clockwise.
  const front: Tile[] = [];
  for (let i = 0; i < Math.max(f.w, f.h); i++) {
    if (desk.rot === 0) front.push({ x: desk.x + i, y: desk.y + f.h });
    if (desk.rot === 1) front.push({ x: desk.x - 1, y: desk.y + i });
    if (desk.rot === 2) front.push({ x: desk.x + i, y: desk.y - 1 });
    if (desk.rot === 3) front.push({ x: desk.x + f.w, y: desk.y + i });
  }
  const ring: Tile[] = [];
  for (let y = desk.y - 1; y <= desk.y + f.h; y++) for (let x = desk.x - 1; x <= desk.x + f.w; x++) ring.push({ x, y });
  const open = (p: Tile) => isWalkable(map, p.x, p.y);
  return front.find(open) ?? ring.find(open) ?? null;
}

// ---- templates: the initial content of a new space ----

const furnitureObject = z.object({
  type: z.string().optional(),
  class: z.string().optional(),
  x: z.number(),
  y: z.number(),
  properties: z.array(z.object({ name: z.string(), value: z.unknown() })).optional(),
});

/**
 * BM8: the entities a new space starts with, from its Tiled map: the `furniture` object layer
 * (type = kind, int property `rot`), areas and spotlights as zones, spawn points. Deterministic ids
 * (the same template gives the same ids), so a template space and its copy diff cleanly.
 */
export function templateEntities(tmj: unknown, map: SpaceMap): EntityPut[] {
  const layers = (tmj as { layers?: Array<{ type?: string; name?: string; objects?: unknown[] }> }).layers ?? [];
  const objects = (name: string) => layers.filter((l) => l.type === "objectgroup" && l.name === name).flatMap((l) => l.objects ?? []);
  const out: EntityPut[] = [];
  objects("furniture").forEach((raw, i) => {
    const o = furnitureObject.safeParse(raw);
    if (!o.success) return;
    const kind = (o.data.type ?? o.data.class ?? "") as ObjectKind;
    if (!(kind in OBJECT_KINDS)) return;
    const r = Number(o.data.properties?.find((p) => p.name === "rot")?.value ?? 0);
    const t: Thing = {
      id: `o:t${i}`, kind, x: Math.floor(o.data.x / map.tileSize), y: Math.floor(o.data.y / map.tileSize),
      rot: (r === 1 || r === 2 || r === 3 ? r : 0), rev: 1, claimedBy: null, claimName: null,
    };
    out.push(thingToRow(t));
  });
  map.areas.forEach((a, i) => out.push(zoneToRow({ id: `z:t${i}`, kind: "private", name: a.name, x: a.x, y: a.y, w: a.width, h: a.height, rev: 1 })));
  map.spotlights.forEach((a, i) => out.push(zoneToRow({ id: `z:ts${i}`, kind: "spotlight", name: a.name, x: a.x, y: a.y, w: a.width, h: a.height, rev: 1 })));
  map.spawns.forEach((s, i) => out.push(spawnToRow({ id: `s:t${i}`, x: s.x, y: s.y, rev: 1 })));
  return out;
}
