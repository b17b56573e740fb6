/**
 * Synced state of a space room (Colyseus schema 5). Lives in shared/ so the client decodes it
 * without importing server code. Kept deliberately small: the map never changes per tick, so it
 * is not here (clients fetch it over HTTP once).
 */
import { schema, t, type SchemaType } from "@colyseus/schema";

/**
 * View tags of an avatar's position (IM9). A view holds each avatar with exactly one of them: FINE
 * (its tile and facing, every step) or COARSE (a tile refreshed every COARSE_STEP tiles or
 * COARSE_MS). Custom view tags are bits.
 */
export const FINE = 1;
export const COARSE = 2;
export type PositionTag = typeof FINE | typeof COARSE;

/** Where someone is: what changes per step. Each client only receives the avatars near it (IM1). */
export const Avatar = schema(
  {
    /** Tile coordinates (MV1), sent to views holding the avatar FINE. uint16: 8 bytes for an x,y patch. */
    x: t.uint16().view(FINE),
    y: t.uint16().view(FINE),
    /** Facing direction (Dir), FINE only. */
    dir: t.uint8().view(FINE),
    /** The coarse tile (IM9), sent to views holding the avatar COARSE: the farthest of a crowd. */
    cx: t.uint16().view(COARSE),
    cy: t.uint16().view(COARSE),
    /** Emote shown over the avatar: 0 none, else 1 + index into EMOTES; cleared after EMOTE_SHOW_MS. */
    emote: t.uint8(),
  },
  "Avatar",
);
export type Avatar = SchemaType<typeof Avatar>;

/**
 * Where a decoded avatar stands (IM9): its tile when this client's view holds it FINE, else its
 * coarse tile (the fields of the other tag are deleted when a view switches). Undefined before
 * either arrived.
 */
export function avatarTile(a: Avatar): { x: number; y: number; coarse: boolean } | undefined {
  if (a.x !== undefined && a.y !== undefined) return { x: a.x, y: a.y, coarse: false };
  if (a.cx !== undefined && a.cy !== undefined) return { x: a.cx, y: a.cy, coarse: true };
  return undefined;
}

/** Who is here: set once on join, never changes per tick, sent to everyone (IM3). */
export const Person = schema(
  {
    /** Display name, validated to ≤ NAME_MAX characters. */
    name: t.string(),
    /** Look index into LOOKS. */
    look: t.uint8(),
    /** Index into STATUSES. */
    status: t.uint8(),
    /** MediaFlag bits: what this person is sending (mic, camera, screen). */
    media: t.uint8(),
  },
  "Person",
);
export type Person = SchemaType<typeof Person>;

/** A furniture object (BM1). Content is small and changes rarely: everyone receives all of it. */
export const Thing = schema(
  {
    kind: t.string(),
    x: t.uint16(),
    y: t.uint16(),
    rot: t.uint8(),
    /** Revision: an edit must name the one it saw (BM3). */
    rev: t.uint32(),
    /** Who claimed this desk (their display name at claim time), "" when free (BM5). */
    claimName: t.string(),
    /** Account id of the claimer, "" when free. */
    claimedBy: t.string(),
  },
  "Thing",
);
export type Thing = SchemaType<typeof Thing>;

/** A private area or spotlight drawn in build mode. */
export const Zone = schema(
  { kind: t.string(), name: t.string(), x: t.uint16(), y: t.uint16(), w: t.uint16(), h: t.uint16(), rev: t.uint32() },
  "Zone",
);
export type Zone = SchemaType<typeof Zone>;

export const SpawnPoint = schema({ x: t.uint16(), y: t.uint16(), rev: t.uint32() }, "SpawnPoint");
export type SpawnPoint = SchemaType<typeof SpawnPoint>;

export const SpaceState = schema(
  {
    /** The space's editable content (shared/world.ts), keyed by entity id. */
    things: t.map(Thing),
    zones: t.map(Zone),
    spawnPoints: t.map(SpawnPoint),
    /** Painted tiles: tile index (y * width + x, as a string key) → 1 + index into PAINTS. */
    paint: t.map("uint8"),
    /** Number of committed edits (BM1). */
    contentVersion: t.uint32(),
    /**
     * Bumped (mod 256) on a patch that would otherwise only change who sees whom: Colyseus sends a
     * shared view's own changes to all of its clients only on patches that carry a state change
     * (IM7). Clients ignore it.
     */
    viewEpoch: t.uint8(),
    /** Avatars keyed by person key (IM10: 1–3 characters, `welcome.you`); filtered per client by its StateView. */
    avatars: t.map(Avatar).view(),
    /** Everyone in the space keyed by person key (IM10): the participant list. */
    people: t.map(Person),
    /** Closed meeting rooms (NV1), keyed by area name (value 1): outsiders need a knock to enter. */
    closedRooms: t.map("uint8"),
  },
  "SpaceState",
);
export type SpaceState = SchemaType<typeof SpaceState>;
