/**
 * The tileset images of a space's map (MP6: one per tileset), fetched with the session token so a
 * private space's images need access too, and the pre-rendered map canvases drawn from them.
 */
import { FLIP_D, FLIP_H, FLIP_V, GID_MASK, tilesetOf, type SpaceMap } from "../../../shared/map.ts";
import { authHeaders } from "../net/session.ts";

/** Image file name (as in the map) → decoded image. */
export type TilesetImages = ReadonlyMap<string, HTMLImageElement>;

export async function loadTilesetImages(spaceId: string, map: SpaceMap): Promise<TilesetImages> {
  const names = [...new Set(map.tilesets.map((t) => t.image))];
  const images = await Promise.all(names.map(async (name) => {
    const res = await fetch(`/api/spaces/${encodeURIComponent(spaceId)}/${encodeURIComponent(name)}`, { headers: authHeaders() });
    if (!res.ok) throw new Error(`map tileset could not be loaded (${res.status})`);
    const url = URL.createObjectURL(await res.blob());
    const img = new Image();
    img.src = url;
    await img.decode().catch(() => { throw new Error("map tileset could not be loaded"); }).finally(() => URL.revokeObjectURL(url));
    return [name, img] as const;
  }));
  return new Map(images);
}

/**
 * Draws one tile (flags in `gid`) with its bottom-left corner at (x, y + cell): Tiled's
 * orthogonal anchoring, so tiles taller than the grid stand up from their cell. Flips per Tiled:
 * diagonal first (swap axes), then horizontal and vertical.
 */
function drawTile(g: CanvasRenderingContext2D, map: SpaceMap, images: TilesetImages, gid: number, x: number, y: number, w?: number, h?: number) {
  const ts = tilesetOf(map.tilesets, gid);
  const img = ts && images.get(ts.image);
  if (!ts || !img) return;
  let id = (gid & GID_MASK) - ts.firstgid;
  id = ts.animations[id]?.[0]?.tile ?? id; // animations are drawn on their first frame
  const sx = ts.margin + (id % ts.columns) * (ts.tileWidth + ts.spacing);
  const sy = ts.margin + Math.floor(id / ts.columns) * (ts.tileHeight + ts.spacing);
  const dw = w ?? ts.tileWidth, dh = h ?? ts.tileHeight;
  const dx = x + ts.offsetX, dy = y + map.tileSize - dh + ts.offsetY;
  if ((gid & (FLIP_H | FLIP_V | FLIP_D)) === 0) {
    g.drawImage(img, sx, sy, ts.tileWidth, ts.tileHeight, dx, dy, dw, dh);
    return;
  }
  g.save();
  g.translate(dx + dw / 2, dy + dh / 2);
  if (gid & FLIP_D) g.transform(0, 1, 1, 0, 0, 0);
  g.scale(gid & FLIP_H ? -1 : 1, gid & FLIP_V ? -1 : 1);
  g.drawImage(img, sx, sy, ts.tileWidth, ts.tileHeight, -dw / 2, -dh / 2, dw, dh);
  g.restore();
}

/** The map's visible tile layers and tile objects below (or above) avatars, in one canvas. */
export function renderLayers(map: SpaceMap, images: TilesetImages, above: boolean): HTMLCanvasElement {
  const c = document.createElement("canvas");
  const ts = map.tileSize;
  c.width = map.width * ts;
  c.height = map.height * ts;
  const g = c.getContext("2d")!;
  g.imageSmoothingEnabled = false;
  for (const layer of map.layers) {
    if (layer.above !== above || !layer.visible || layer.opacity <= 0) continue;
    g.globalAlpha = layer.opacity;
    for (let i = 0; i < layer.data.length; i++) {
      if (layer.data[i] === 0) continue;
      drawTile(g, map, images, layer.data[i], (i % map.width) * ts + layer.offsetX, Math.floor(i / map.width) * ts + layer.offsetY);
    }
  }
  for (const s of map.sprites ?? []) {
    if (s.above !== above) continue;
    g.globalAlpha = s.opacity;
    // A tile object's y is its bottom edge.
    drawTile(g, map, images, s.gid, s.x, s.y - ts, s.width || undefined, s.height || undefined);
  }
  g.globalAlpha = 1;
  return c;
}
