/**
 * Space templates: Tiled maps shipped in shared/maps and listed in shared/maps/templates.json.
 * Parsed once per process. A new space copies its template's map into the store, so later changes
 * to a template never alter existing spaces.
 */
import { existsSync, readFileSync } from "node:fs";
import { z } from "zod";
import { parseTiledMap, type SpaceMap } from "../../../shared/map.ts";
import { MAPS_DIR } from "./MapCatalog.ts";

export interface Template {
  id: string;
  name: string;
  description: string;
  tmj: unknown;
  map: SpaceMap;
  /** The map's file in shared/maps (served under /maps/). */
  file: string;
}

const listSchema = z.array(z.object({ id: z.string(), name: z.string(), file: z.string().regex(/^[a-z0-9-]+\.tmj$/), description: z.string() }));

export function loadTemplates(dir = MAPS_DIR): Map<string, Template> {
  const listFile = `${dir}templates.json`;
  const list = existsSync(listFile)
    ? listSchema.parse(JSON.parse(readFileSync(listFile, "utf8")))
    : [{ id: "small-office", name: "Small office", file: "office.tmj", description: "The default office." }];
  const out = new Map<string, Template>();
  for (const t of list) {
    const tmj: unknown = JSON.parse(readFileSync(`${dir}${t.file}`, "utf8"));
    out.set(t.id, { id: t.id, name: t.name, description: t.description, tmj, map: parseTiledMap(tmj), file: t.file });
  }
  return out;
}
