/**
 * A template card's picture: the template's own map with its furniture, drawn small (the same
 * tiles and object art the space uses), so people pick a layout by what it looks like.
 */
import { parseTiledMap } from "../../../shared/map.ts";
import { templateEntities, worldFromRows } from "../../../shared/world.ts";
import { drawObject } from "../render/objectArt.ts";
import { renderLayers } from "../render/mapImages.ts";
import { depthOf } from "../buildmode/buildTool.ts";

/** Draws the map at `mapUrl` (a template's .tmj under /maps/) into `canvas`, fitting `maxW`×`maxH` CSS px. */
export async function drawTemplatePreview(canvas: HTMLCanvasElement, mapUrl: string, maxW: number, maxH: number): Promise<void> {
  const res = await fetch(mapUrl);
  if (!res.ok) throw new Error(`template map ${res.status}`);
  const tmj: unknown = await res.json();
  const map = parseTiledMap(tmj);
  // One image per tileset (MP6), beside the map file.
  const names = [...new Set(map.tilesets.map((t) => t.image))];
  const tileset = new Map(await Promise.all(names.map(async (name) => {
    const img = new Image();
    img.src = new URL(name, new URL(mapUrl, location.href)).href;
    await img.decode();
    return [name, img] as const;
  })));
  const ts = map.tileSize;
  const full = document.createElement("canvas");
  full.width = map.width * ts;
  full.height = map.height * ts;
  const g = full.getContext("2d")!;
  g.imageSmoothingEnabled = false;
  g.drawImage(renderLayers(map, tileset, false), 0, 0);
  const things = [...worldFromRows(0, templateEntities(tmj, map)).things.values()].sort((a, b) => depthOf(a) - depthOf(b));
  for (const t of things) drawObject(g, t.kind, t.rot, t.x * ts, t.y * ts, ts);
  g.drawImage(renderLayers(map, tileset, true), 0, 0);

  const scale = Math.min(maxW / full.width, maxH / full.height);
  const dpr = window.devicePixelRatio || 1;
  canvas.style.width = `${Math.round(full.width * scale)}px`;
  canvas.style.height = `${Math.round(full.height * scale)}px`;
  canvas.width = Math.round(full.width * scale * dpr);
  canvas.height = Math.round(full.height * scale * dpr);
  const out = canvas.getContext("2d")!;
  // Smoothing on when shrinking this much: averaged pixels read better than dropped ones.
  out.imageSmoothingEnabled = true;
  out.imageSmoothingQuality = "high";
  out.drawImage(full, 0, 0, canvas.width, canvas.height);
}
