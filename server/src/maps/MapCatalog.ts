/**
 * Where a space's map comes from. For now every space uses the default office template shipped
 * in shared/maps; persistent, team-owned maps (a later issue) plug in behind this interface.
 * Maps are parsed once and cached, so a room's onCreate never waits on I/O (the create-room race
 * of SE3: keep onCreate fast).
 */
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { parseTiledMap, type SpaceMap } from "../../../shared/map.ts";

export interface LoadedMap {
  /** The Tiled JSON as served to clients. */
  tmj: unknown;
  map: SpaceMap;
}

export interface MapCatalog {
  /** The map of a space. Synchronous on purpose: it must be ready before onCreate returns. */
  mapFor(spaceId: string): LoadedMap;
}

export const MAPS_DIR = fileURLToPath(new URL("../../../shared/maps/", import.meta.url));

export class TemplateMapCatalog implements MapCatalog {
  private readonly office: LoadedMap;

  constructor(file = `${MAPS_DIR}office.tmj`) {
    const tmj: unknown = JSON.parse(readFileSync(file, "utf8"));
    this.office = { tmj, map: parseTiledMap(tmj) };
  }

  mapFor(_spaceId: string): LoadedMap {
    return this.office;
  }
}
