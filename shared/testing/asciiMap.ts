/**
 * Builds small Tiled maps from ASCII rows for tests: '#' wall (collides), '.' floor, 'S' floor
 * with a spawn point, 'P' floor inside a private area named "Room" (bounding box of all 'P'),
 * '*' floor on a spotlight named "Stage" (bounding box of all '*'; no `spotlights` layer without one).
 */
import type { TiledMap } from "../map.ts";

export function asciiTiledMap(rows: string[]): TiledMap {
  const height = rows.length;
  const width = rows[0].length;
  const data: number[] = [];
  const spawns: { x: number; y: number }[] = [];
  type Box = { x0: number; y0: number; x1: number; y1: number };
  let area: Box | undefined;
  let stage: Box | undefined;
  const grow = (b: Box | undefined, x: number, y: number): Box => (b ? { x0: Math.min(b.x0, x), y0: Math.min(b.y0, y), x1: Math.max(b.x1, x), y1: Math.max(b.y1, y) } : { x0: x, y0: y, x1: x, y1: y });
  const rect = (b: Box) => ({ x: b.x0 * 32, y: b.y0 * 32, width: (b.x1 - b.x0 + 1) * 32, height: (b.y1 - b.y0 + 1) * 32 });
  rows.forEach((row, y) => {
    if (row.length !== width) throw new Error("ragged ascii map");
    [...row].forEach((ch, x) => {
      data.push(ch === "#" ? 2 : 1);
      if (ch === "S") spawns.push({ x, y });
      if (ch === "P") area = grow(area, x, y);
      if (ch === "*") stage = grow(stage, x, y);
    });
  });
  return {
    orientation: "orthogonal",
    infinite: false,
    width,
    height,
    tilewidth: 32,
    tileheight: 32,
    layers: [
      { type: "tilelayer", name: "floor", width, height, data },
      { type: "objectgroup", name: "spawns", objects: spawns.map((s, i) => ({ id: i + 1, name: "", type: "spawn", x: s.x * 32 + 16, y: s.y * 32 + 16, point: true })) },
      {
        type: "objectgroup",
        name: "areas",
        objects: area ? [{ id: 99, name: "Room", type: "private", ...rect(area) }] : [],
      },
      ...(stage ? [{ type: "objectgroup" as const, name: "spotlights", objects: [{ id: 98, name: "Stage", type: "spotlight", ...rect(stage) }] }] : []),
    ],
    tilesets: [{
      firstgid: 1, name: "test", tilewidth: 32, tileheight: 32, tilecount: 2, columns: 2,
      image: "test.png", imagewidth: 64, imageheight: 32,
      tiles: [{ id: 1, properties: [{ name: "collides", type: "bool", value: true }] }],
    }],
  };
}
