/**
 * The space view's connection to its room: what is loaded before joining (the map, ICE servers),
 * joining — a reload continues this tab's last session (SE6, SE9, CL3) — and what happens to the
 * connection afterwards: dropped and back (RC1), the page closing (SE9), the room closing, and
 * continuing on another process (CL3, CL4).
 */
import { parseTiledMap, type SpaceMap } from "../../../shared/map.ts";
import { isMoveCode, prepareForFailover, rejoinSpace } from "../../../shared/net/resume.ts";
import type { SpaceRoom } from "../../../shared/net/typedRoom.ts";
import { describeJoinError, joinSpace } from "../net/connection.ts";
import { authHeaders } from "../net/session.ts";
import { loadTilesetImages, type TilesetImages } from "../render/mapImages.ts";
import type { Profile } from "../ui/profile.ts";

export interface JoinedSpace {
  room: SpaceRoom;
  map: SpaceMap;
  /** The map's tileset images (one per tileset, MP6). */
  tileset: TilesetImages;
  iceServers: RTCIceServer[];
}

async function loadMap(spaceId: string): Promise<{ map: SpaceMap; tileset: TilesetImages }> {
  // With the session token: a private space's map is only for its members.
  const res = await fetch(`/api/spaces/${encodeURIComponent(spaceId)}/map`, { headers: authHeaders() });
  if (!res.ok) throw new Error(`map not available (${res.status})`);
  const map = parseTiledMap(await res.json());
  return { map, tileset: await loadTilesetImages(spaceId, map) };
}

async function loadIceServers(): Promise<RTCIceServer[]> {
  try {
    const res = await fetch("/api/config");
    return res.ok ? ((await res.json()) as { iceServers: RTCIceServer[] }).iceServers : [];
  } catch {
    return [];
  }
}

/** Where this tab keeps the resume token of its last session in a space (sessionStorage: this tab only). */
const lastSessionKey = (spaceId: string) => `plaza.lastSession.${spaceId}`;

/** Keeps the resume token `welcome` gave this session (SE6), for a reload of this tab. */
export function rememberSession(spaceId: string, resume: string): void {
  sessionStorage.setItem(lastSessionKey(spaceId), resume);
}

/**
 * Loads the map and joins. `resume`: the token of a session whose process died or drained —
 * re-joined with retries until the cluster has moved the space (CL3, CL4). Without it, a reload
 * continues this tab's last session here: the seat the server may still hold for it is replaced,
 * never duplicated, and it continues where that avatar stands (CL3, RC1, SE6, SE9); a token the
 * room no longer takes falls back to a fresh join.
 */
export async function joinSpaceView(spaceId: string, profile: Profile, resume?: string): Promise<JoinedSpace> {
  const [{ map, tileset }, iceServers] = await Promise.all([loadMap(spaceId), loadIceServers()]);
  const join = (r?: string) => joinSpace({ spaceId, name: profile.name, look: profile.look, resume: r });
  const previous = resume ?? sessionStorage.getItem(lastSessionKey(spaceId)) ?? undefined;
  const room = resume ? await rejoinSpace(join, resume) : await join(previous).catch(() => join());
  prepareForFailover(room);
  return { room, map, tileset, iceServers };
}

/** A failed `joinSpaceView` in words a person can act on. */
export function describeJoinFailure(err: unknown): string {
  return err instanceof Error && err.message.startsWith("map") ? `Could not load the map: ${err.message}` : describeJoinError(err);
}

export interface ConnectionEvents {
  /** The connection dropped; the SDK is reconnecting (RC1). */
  dropped(): void;
  reconnected(): void;
  /** The room is gone for this page (left, kicked, or its process drained or died). */
  closed(code: number): void;
}

/**
 * Follows the room's connection. SE9: closing or leaving the page leaves the space at once (no
 * avatar left behind); a page restored from the back/forward cache joins again.
 */
export function watchConnection(room: SpaceRoom, on: ConnectionEvents): void {
  let closed = false;
  const onPageHide = () => { if (!closed) void room.leave(true).catch(() => {}); };
  window.addEventListener("pagehide", onPageHide);
  window.addEventListener("pageshow", (e) => { if (e.persisted) location.reload(); }, { once: true });
  room.onDrop(() => on.dropped());
  room.onReconnect(() => on.reconnected());
  room.onLeave((code: number) => {
    closed = true;
    window.removeEventListener("pagehide", onPageHide);
    on.closed(code);
  });
}

/**
 * After the room closed with `code`: the resume token to continue with on another process when
 * the one hosting the space drained or died (CL3, CL4), else undefined (show why it closed).
 */
export function continuationOf(code: number, resume: string): string | undefined {
  return isMoveCode(code) && resume ? resume : undefined;
}
